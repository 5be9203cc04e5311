"""/setup: a guided flow for moderators, with Discord's channel and role menus, in two steps (a message holds
five rows of components): 1. the prompts, fills and log channels; 2. the Explicit channel, the moderator role
and approval. Each step is saved when it is done, each chosen channel is checked for the permissions the bot
needs there, and the flow ends with a summary and the next step."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui.configuring import channel_problems, log_changes, moderator_role_note, next_step, save, waiting_offer
from cogs.ui.embeds import settings_embed
from db.errors import NotAgeRestricted
from db.models import GuildSettings, SettingName, SettingValue, named_settings
from interactions.checks import Interaction, guild_id_of, moderators_only, require_moderator
from interactions.refusals import report
from interactions.sending import NO_MENTIONS, TRANSIENT_ERRORS
from interactions.words import SETTING_WORDS

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)

CHANNEL_STEP: tuple[SettingName, ...] = ("prompts_channel", "fills_channel", "log_channel")
SETUP_TIMEOUT = 600.0  # seconds a setup message keeps answering; /setup again starts afresh

STEP_ONE = (
    "**Set up Promptfill · step 1 of 2: channels**\n"
    "Choose where open prompts are posted, where finished works are announced and where moderators' actions are "
    "recorded (leave a menu empty to unset it), then press **Next**. Promptfill checks that it can post in each."
)
STEP_TWO = (
    "**Set up Promptfill · step 2 of 2: Explicit prompts, moderators, approval**\n"
    "Choose an age-restricted channel where Explicit prompts are posted in full, the role whose members count as "
    "moderators, and whether new prompts wait for approval, then press **Finish**."
)


def _placeholder(name: SettingName) -> str:
    label, does = SETTING_WORDS[name]
    return f"{label}: {does}"[:150]  # Discord's limit for a placeholder


class ChannelChoice(discord.ui.ChannelSelect["SetupFlow"]):
    def __init__(self, name: SettingName, current: SettingValue) -> None:
        defaults = [discord.Object(id=current, type=discord.abc.GuildChannel)] if isinstance(current, int) else []
        super().__init__(
            placeholder=_placeholder(name),
            channel_types=[discord.ChannelType.text],
            min_values=0,
            max_values=1,
            default_values=defaults,
        )
        self.setting: SettingName = name

    async def callback(self, interaction: Interaction) -> Any:  # type: ignore[override]
        chosen = self.values[0] if self.values else None
        if self.setting == "explicit_channel" and chosen is not None and not getattr(chosen, "nsfw", False):
            raise NotAgeRestricted(chosen.id)
        if self.view is not None:
            self.view.chosen[self.setting] = chosen.id if chosen else None
        await interaction.response.defer()


class RoleChoice(discord.ui.RoleSelect["SetupFlow"]):
    def __init__(self, current: SettingValue) -> None:
        defaults = [discord.Object(id=current, type=discord.Role)] if isinstance(current, int) else []
        super().__init__(
            placeholder=_placeholder("moderator_role"), min_values=0, max_values=1, default_values=defaults
        )

    async def callback(self, interaction: Interaction) -> Any:  # type: ignore[override]
        if self.view is not None:
            self.view.chosen["moderator_role"] = self.values[0].id if self.values else None
        await interaction.response.defer()


class ApprovalChoice(discord.ui.Select["SetupFlow"]):
    def __init__(self, current: SettingValue) -> None:
        super().__init__(
            placeholder="Approval: whether new prompts wait for a moderator",
            options=[
                discord.SelectOption(
                    label="Approval on", value="on", description="New prompts wait in the queue", default=bool(current)
                ),
                discord.SelectOption(
                    label="Approval off", value="off", description="New prompts open at once", default=not current
                ),
            ],
        )

    async def callback(self, interaction: Interaction) -> Any:  # type: ignore[override]
        if self.view is not None:
            self.view.chosen["require_approval"] = self.values[0] == "on"
        await interaction.response.defer()


class StepButton(discord.ui.Button["SetupFlow"]):
    def __init__(self, label: str, step: int) -> None:
        style = discord.ButtonStyle.success if step == 2 else discord.ButtonStyle.primary
        super().__init__(label=label, style=style)
        self.step = step

    async def callback(self, interaction: Interaction) -> Any:  # type: ignore[override]
        if self.view is None:
            return
        if self.step == 1:
            await self.view.finish_channels(interaction)
        else:
            await self.view.finish(interaction)


class SetupFlow(discord.ui.View):
    """One moderator's setup, step by step. Only they can use it, and only while they are a moderator."""

    def __init__(self, bot: Promptfill, owner_id: int, settings: GuildSettings) -> None:
        super().__init__(timeout=SETUP_TIMEOUT)
        self.bot = bot
        self.owner_id = owner_id
        self.started_with = settings
        self.chosen: dict[SettingName, SettingValue] = dict(named_settings(settings))
        self.changed = 0
        self.opened_by: Interaction | None = None  # the /setup it answers: its message is edited on timeout
        for name in CHANNEL_STEP:
            self.add_item(ChannelChoice(name, self.chosen[name]))
        self.add_item(StepButton("Next", 1))

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                f"This setup belongs to the moderator who started it: use {self.bot.mention('setup')} for your own.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return False
        return await require_moderator(interaction)

    async def on_error(self, interaction: Interaction, error: Exception, item: Any) -> None:  # type: ignore[override]
        await report(interaction, error)

    async def on_timeout(self) -> None:
        """Menus that no longer answer are taken away, with word of how to start again (what was saved stays)."""
        if self.opened_by is None:
            return
        try:
            await self.opened_by.edit_original_response(
                content=f"This setup has timed out; what was saved stays. {self.bot.mention('setup')} starts again.",
                view=None,
            )
        except (discord.HTTPException, *TRANSIENT_ERRORS) as error:
            log.info("could not close a timed-out setup: %r", error)

    async def _save(self, interaction: Interaction, names: tuple[SettingName, ...]) -> tuple[GuildSettings, list[str]]:
        current = named_settings(await self.bot.store.settings.get(guild_id_of(interaction)))
        changes: dict[SettingName, SettingValue] = {
            name: self.chosen[name] for name in names if self.chosen[name] != current[name]
        }
        if not changes:
            return await self.bot.store.settings.get(guild_id_of(interaction)), []
        _, after, lines = await save(interaction, changes)
        self.changed += len(lines)
        return after, lines

    async def finish_channels(self, interaction: Interaction) -> None:
        after, lines = await self._save(interaction, CHANNEL_STEP)
        problems = channel_problems(interaction.guild, after)
        checked = (
            "\n".join(f"⚠️ {p}" for p in problems)
            if problems
            else "✅ Promptfill can post in every channel chosen so far."
        )
        self.clear_items()
        self.add_item(ChannelChoice("explicit_channel", self.chosen["explicit_channel"]))
        self.add_item(RoleChoice(self.chosen["moderator_role"]))
        self.add_item(ApprovalChoice(self.chosen["require_approval"]))
        self.add_item(StepButton("Finish", 2))
        await interaction.response.edit_message(content=f"{STEP_TWO}\n\n{checked}", view=self)
        await log_changes(interaction, lines)

    async def finish(self, interaction: Interaction) -> None:
        after, lines = await self._save(interaction, ("explicit_channel", "moderator_role", "require_approval"))
        self.stop()
        saved = (
            f"Saved {self.changed} {'change' if self.changed == 1 else 'changes'}."
            if self.changed
            else "Nothing changed."
        )
        parts = [f"✅ Setup done. {saved} Here is how Promptfill runs in this server now."]
        parts += [f"⚠️ {p}" for p in channel_problems(interaction.guild, after)]
        role = after.moderator_role_id
        if role is not None and role != self.started_with.moderator_role_id:
            parts.append(moderator_role_note(self.bot, role))
        offer, view = await waiting_offer(self.bot, self.started_with, after)
        parts += [text for text in (offer, next_step(self.bot, after)) if text]
        await interaction.response.edit_message(
            content="\n\n".join(parts), embed=settings_embed(after), view=view, allowed_mentions=NO_MENTIONS
        )
        await log_changes(interaction, lines)


class Setup(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @moderators_only()
    @app_commands.command(name="setup", description="Set up Promptfill step by step: channels, moderators, approval")
    async def setup_(self, interaction: Interaction) -> None:
        settings = await self.bot.store.settings.get(guild_id_of(interaction))
        flow = SetupFlow(self.bot, interaction.user.id, settings)
        flow.opened_by = interaction
        await interaction.response.send_message(
            STEP_ONE,
            view=flow,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Setup(bot))
