"""/settings view and /settings set: per-server configuration, moderators only."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.common import NO_MENTIONS, bot_of, guild_id_of, log_line, require_moderator
from db.models import GuildSettings
from db.settings import as_named

CountSetting = app_commands.Range[int, 0, 365]
Clearable = Literal["prompts_channel", "fills_channel", "log_channel", "moderator_role"]


def describe_value(name: str, value: Any) -> str:
    if value is None:
        return "not set"
    if name.endswith("_channel"):
        return f"<#{value}>"
    if name == "moderator_role":
        return f"<@&{value}>"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "claim_days":
        return "no deadline" if value == 0 else f"{value} days"
    if name.startswith("claims_per"):
        return "no limit" if value == 0 else str(value)
    return str(value)


def settings_embed(settings: GuildSettings) -> discord.Embed:
    embed = discord.Embed(title="Promptfill settings", colour=discord.Colour.blurple())
    for name, value in as_named(settings).items():
        embed.add_field(name=name, value=describe_value(name, value), inline=True)
    return embed


class Settings(commands.Cog):
    settings = app_commands.Group(
        name="settings",
        description="Server settings for Promptfill (moderators)",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:  # type: ignore[override]
        return await require_moderator(interaction)

    @settings.command(name="view", description="Show every setting and its value")
    async def view(self, interaction: discord.Interaction) -> None:
        current = await bot_of(interaction).store.settings.get(guild_id_of(interaction))
        await interaction.response.send_message(
            embed=settings_embed(current), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @settings.command(name="set", description="Change one or more settings")
    @app_commands.describe(
        prompts_channel="Where open prompts are posted",
        fills_channel="Where fills are announced (default: the channel /fill is used in)",
        log_channel="Where moderator actions are logged",
        moderator_role="Members with this role count as moderators",
        require_approval="New prompts wait for a moderator before they open",
        claims_per_member="Active claims one member may hold (0 = no limit)",
        claims_per_prompt="Active claims one prompt may have (0 = no limit)",
        claim_days="Days a claim lasts before it expires (0 = no deadline)",
        allow_anonymous="Members may submit prompts anonymously",
        clear="Unset a channel or the moderator role",
    )
    async def set_(
        self,
        interaction: discord.Interaction,
        prompts_channel: discord.TextChannel | None = None,
        fills_channel: discord.TextChannel | None = None,
        log_channel: discord.TextChannel | None = None,
        moderator_role: discord.Role | None = None,
        require_approval: bool | None = None,
        claims_per_member: CountSetting | None = None,
        claims_per_prompt: CountSetting | None = None,
        claim_days: CountSetting | None = None,
        allow_anonymous: bool | None = None,
        clear: Clearable | None = None,
    ) -> None:
        bot = bot_of(interaction)
        guild_id = guild_id_of(interaction)
        given: dict[str, Any] = {
            "prompts_channel": prompts_channel.id if prompts_channel else None,
            "fills_channel": fills_channel.id if fills_channel else None,
            "log_channel": log_channel.id if log_channel else None,
            "moderator_role": moderator_role.id if moderator_role else None,
            "require_approval": require_approval,
            "claims_per_member": claims_per_member,
            "claims_per_prompt": claims_per_prompt,
            "claim_days": claim_days,
            "allow_anonymous": allow_anonymous,
        }
        changes = {name: value for name, value in given.items() if value is not None}
        if clear is not None:
            changes[clear] = None
        before, after = await bot.store.settings.update(guild_id, interaction.user.id, changes)
        old, new = as_named(before), as_named(after)
        lines = [
            f"**{name}**: {describe_value(name, old[name])} → {describe_value(name, new[name])}"
            for name in changes
            if old[name] != new[name]
        ]
        if not lines:
            await interaction.response.send_message(
                "Nothing changed: those settings already had those values.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        await interaction.response.send_message(
            "Settings changed:\n" + "\n".join(lines), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        await log_line(bot, guild_id, f"⚙️ <@{interaction.user.id}> changed settings:\n" + "\n".join(lines))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Settings(bot))
