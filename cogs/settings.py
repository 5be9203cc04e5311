"""/settings view and /settings set: per-server configuration, moderators only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui.configuring import (
    PostWaitingButton,
    channel_problems,
    log_changes,
    moderator_role_note,
    next_step,
    save,
    waiting_offer,
)
from cogs.ui.embeds import settings_embed
from db import validation
from db.errors import NotAgeRestricted
from db.models import SettingName, SettingValue
from interactions.checks import MODERATOR_PERMISSIONS, Interaction, guild_id_of, moderators_only
from interactions.sending import NO_MENTIONS

if TYPE_CHECKING:
    from bot import Promptfill

CountSetting = app_commands.Range[int, 0, 365]
Clearable = Literal["prompts_channel", "fills_channel", "log_channel", "explicit_channel", "moderator_role"]


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
        lines = [*channel_problems(interaction.guild, current), next_step(self.bot, current)]
        if current.prompts_channel_id is not None:  # otherwise the next step already points to /setup
            setup, set_ = self.bot.mention("setup"), self.bot.mention("settings set")
            lines.append(f"To change these settings, go step by step with {setup}, or use {set_}.")
        await interaction.response.send_message(
            "\n".join(lines), embed=settings_embed(current), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @moderators_only()
    @settings.command(name="set", description="Change one or more settings")
    @app_commands.describe(
        prompts_channel="Where open prompts are posted",
        fills_channel="Where fills are announced (default: the channel /fill is used in)",
        log_channel="Where moderator actions are logged",
        explicit_channel="An age-restricted channel where Explicit prompts are posted in full",
        moderator_role="Members with this role count as moderators",
        require_approval="New prompts wait for a moderator before they open",
        claims_per_member="Active claims one member may hold (0 = no limit)",
        claims_per_prompt="Active claims one prompt may have (0 = no limit)",
        claim_days="Days a claim lasts before it expires (0 = no deadline)",
        allow_anonymous="Members may submit prompts anonymously",
        anonymous_fills="Members may share fills anonymously and reveal them later",
        clear="Unset a channel or the moderator role",
    )
    async def set_(
        self,
        interaction: Interaction,
        prompts_channel: discord.TextChannel | None = None,
        fills_channel: discord.TextChannel | None = None,
        log_channel: discord.TextChannel | None = None,
        explicit_channel: discord.TextChannel | None = None,
        moderator_role: discord.Role | None = None,
        require_approval: bool | None = None,
        claims_per_member: CountSetting | None = None,
        claims_per_prompt: CountSetting | None = None,
        claim_days: CountSetting | None = None,
        allow_anonymous: bool | None = None,
        anonymous_fills: bool | None = None,
        clear: Clearable | None = None,
    ) -> None:
        guild_id_of(interaction)
        if explicit_channel is not None and not explicit_channel.is_nsfw():
            raise NotAgeRestricted(explicit_channel.id)
        given: dict[SettingName, SettingValue] = {
            "prompts_channel": _id(prompts_channel),
            "fills_channel": _id(fills_channel),
            "log_channel": _id(log_channel),
            "explicit_channel": _id(explicit_channel),
            "moderator_role": _id(moderator_role),
            "require_approval": require_approval,
            "claims_per_member": claims_per_member,
            "claims_per_prompt": claims_per_prompt,
            "claim_days": claim_days,
            "allow_anonymous": allow_anonymous,
            "anonymous_fills": anonymous_fills,
        }
        changes = validation.setting_changes(given, clear)
        before, after, lines = await save(interaction, changes)
        if not lines:
            await interaction.response.send_message(
                "Nothing changed: those settings already had those values.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        parts = ["Settings changed:\n" + "\n".join(lines), *channel_problems(interaction.guild, after)]
        if after.moderator_role_id is not None and after.moderator_role_id != before.moderator_role_id:
            parts.append(moderator_role_note(self.bot, after.moderator_role_id))
        offer, view = await waiting_offer(self.bot, before, after)
        parts += [text for text in (offer, next_step(self.bot, after)) if text]
        await interaction.response.send_message(
            "\n\n".join(parts), ephemeral=True, allowed_mentions=NO_MENTIONS, view=view or discord.utils.MISSING
        )
        await log_changes(interaction, lines)


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Settings(bot))
    bot.add_dynamic_items(PostWaitingButton)
