"""/settings view and /settings set: per-server configuration, moderators only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui.embeds import describe_setting, settings_embed
from db import validation
from db.models import SettingName, SettingValue, named_settings
from interactions.checks import MODERATOR_PERMISSIONS, Interaction, guild_id_of, moderators_only
from interactions.sending import NO_MENTIONS, log_line

if TYPE_CHECKING:
    from bot import Promptfill

CountSetting = app_commands.Range[int, 0, 365]
Clearable = Literal["prompts_channel", "fills_channel", "log_channel", "moderator_role"]


def _id(thing: discord.abc.Snowflake | None) -> int | None:
    return thing.id if thing else None


class Settings(commands.Cog):
    settings = app_commands.Group(
        name="settings",
        description="Server settings for Promptfill (moderators)",
        default_permissions=MODERATOR_PERMISSIONS,
        guild_only=True,
    )

    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @moderators_only()
    @settings.command(name="view", description="Show every setting and its value")
    async def view(self, interaction: Interaction) -> None:
        current = await self.bot.store.settings.get(guild_id_of(interaction))
        await interaction.response.send_message(
            embed=settings_embed(current), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @moderators_only()
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
        interaction: Interaction,
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
        guild_id = guild_id_of(interaction)
        given: dict[SettingName, SettingValue] = {
            "prompts_channel": _id(prompts_channel),
            "fills_channel": _id(fills_channel),
            "log_channel": _id(log_channel),
            "moderator_role": _id(moderator_role),
            "require_approval": require_approval,
            "claims_per_member": claims_per_member,
            "claims_per_prompt": claims_per_prompt,
            "claim_days": claim_days,
            "allow_anonymous": allow_anonymous,
        }
        changes = validation.setting_changes(given, clear)
        before, after = await self.bot.store.settings.update(guild_id, interaction.user.id, changes)
        old, new = named_settings(before), named_settings(after)
        lines = [
            f"**{name}**: {describe_setting(name, old[name])} → {describe_setting(name, new[name])}"
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
        await log_line(self.bot, guild_id, f"⚙️ <@{interaction.user.id}> changed settings:\n" + "\n".join(lines))


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Settings(bot))
