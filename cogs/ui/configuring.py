"""What /setup and /settings share: saving settings with their log line, the words after a change (what
changed, what is missing where, the next step), and posting the prompts that wait for a prompts channel."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from cogs.ui.announce import post_open_prompt
from cogs.ui.embeds import describe_setting, setting_label
from db.models import GuildSettings, SettingName, SettingValue, named_settings
from interactions.checks import Interaction, guild_id_of, permission_problem, require_moderator
from interactions.refusals import report
from interactions.sending import NO_MENTIONS, TRANSIENT_ERRORS, log_line

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)

# Seconds between two posts of waiting prompts. Discord lets a bot post about 5 messages per 5 seconds in one
# channel; one a second stays inside that, leaves room for the members' own prompts and never meets a 429.
POST_PACE = 1.0
CHANNEL_SETTINGS: tuple[SettingName, ...] = ("prompts_channel", "fills_channel", "log_channel", "explicit_channel")


def change_lines(before: GuildSettings, after: GuildSettings) -> list[str]:
    """One line per changed setting, by its name in words: "**Approval**: off → on"."""
    old, new = named_settings(before), named_settings(after)
    return [
        f"**{setting_label(name)}**: {describe_setting(name, old[name])} → {describe_setting(name, new[name])}"
        for name in new
        if old[name] != new[name]
    ]


async def save(
    interaction: Interaction, changes: dict[SettingName, SettingValue]
) -> tuple[GuildSettings, GuildSettings, list[str]]:
    """Store the changes (audited; none at all is refused) and say what changed, for the answer and then
    `log_changes` (after the answer: a slow log channel must not make it miss Discord's 3 seconds)."""
    before, after = await interaction.client.store.settings.update(
        guild_id_of(interaction), interaction.user.id, changes
    )
    return before, after, change_lines(before, after)


async def log_changes(interaction: Interaction, lines: list[str]) -> None:
    if lines:
        text = f"⚙️ <@{interaction.user.id}> changed settings:\n" + "\n".join(lines)
        await log_line(interaction.client, guild_id_of(interaction), text)


def channel_problems(guild: discord.Guild | None, settings: GuildSettings) -> list[str]:
    """For each configured channel the bot cannot fully use, the sentence naming what it lacks there."""
    problems: list[str] = []
    seen: set[int] = set()
    for name in CHANNEL_SETTINGS:
        channel_id = named_settings(settings)[name]
        if not isinstance(channel_id, int) or channel_id in seen:
            continue
        seen.add(channel_id)
        channel = guild.get_channel(channel_id) if guild else None
        if channel is None:
            problems.append(
                f"Promptfill cannot see <#{channel_id}> ({setting_label(name).lower()}): allow it View Channel."
            )
            continue
        problem = permission_problem(channel)
        if problem:
            problems.append(problem)
    return problems


def moderator_commands(bot: Promptfill) -> list[str]:
    """The top-level commands Discord hides from members (they carry default permissions), all named as typed: a
    group cannot be clicked, and a list half clickable, half typed reads unevenly."""
    return [
        f"`/{command.name}`"
        for command in bot.tree.get_commands(type=discord.AppCommandType.chat_input)
        if command.default_permissions is not None and command.default_permissions.value
    ]


def moderator_role_note(bot: Promptfill, role_id: int) -> str:
    names = moderator_commands(bot)
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
    return (
        f"Members with <@&{role_id}> count as moderators now, but Discord shows them {listed} only once a server "
        "admin allows the role under Server Settings → Integrations → Promptfill."
    )


def next_step(bot: Promptfill, settings: GuildSettings) -> str:
    if settings.prompts_channel_id is None:
        return f"Next: choose a prompts channel with {bot.mention('setup')}, so that new prompts are posted."
    queue = f" New prompts wait for you in {bot.mention('queue show')}." if settings.require_approval else ""
    return (
        f"Next: members post prompts with {bot.mention('prompt submit')} and find their way with "
        f"{bot.mention('help')}.{queue}"
    )


async def waiting_offer(
    bot: Promptfill, before: GuildSettings, after: GuildSettings
) -> tuple[str, discord.ui.View | None]:
    """When the prompts channel was just set for the first time and prompts wait without a post: the offer."""
    if before.prompts_channel_id is not None or after.prompts_channel_id is None:
        return "", None
    return await _offer(bot, after.guild_id, "submitted before the channel was set, or imported")


async def imported_offer(bot: Promptfill, guild_id: int) -> tuple[str, discord.ui.View | None]:
    """After an import into a server whose prompts channel is set, the same offer for the prompts it brought (and
    any others still without a post); without a channel, /setup's offer comes once one is chosen."""
    settings = await bot.store.settings.get(guild_id)
    if settings.prompts_channel_id is None:
        return "", None
    return await _offer(bot, guild_id, "imported, or open before the channel was set")


async def _offer(bot: Promptfill, guild_id: int, why: str) -> tuple[str, discord.ui.View | None]:
    waiting = len(await bot.store.settings.unposted_prompts(guild_id))
    if not waiting:
        return "", None
    view = discord.ui.View(timeout=None)
    view.add_item(PostWaitingButton())
    if waiting == 1:
        offer = f"1 prompt is open but was never posted ({why}). Post it now?"
    else:
        offer = (
            f"{waiting:,} prompts are open but were never posted ({why}). "
            "Post them now? They go out one a second, within Discord's limits."
        )
    return offer, view


async def post_waiting(bot: Promptfill, guild_id: int) -> tuple[int, list[int]]:
    """Post every waiting prompt, oldest first and paced; returns how many were posted and those still waiting."""
    posted = 0
    for index, number in enumerate(await bot.store.settings.unposted_prompts(guild_id)):
        if index:
            await asyncio.sleep(POST_PACE)
        prompt = await bot.store.prompts.get(guild_id, number)
        if await post_open_prompt(bot, prompt):
            posted += 1
    return posted, await bot.store.settings.unposted_prompts(guild_id)


def _prompts(count: int) -> str:
    return f"{count} {'prompt' if count == 1 else 'prompts'}"


class PostWaitingButton(discord.ui.DynamicItem[discord.ui.Button], template=r"promptfill:post-waiting"):
    """Under the answer that set the prompts channel. Persistent, and checks moderator rights when clicked."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Post the waiting prompts", style=discord.ButtonStyle.primary, custom_id="promptfill:post-waiting"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> PostWaitingButton:
        return cls()

    async def callback(self, interaction: Interaction) -> Any:  # type: ignore[override]
        try:
            await require_moderator(interaction)
        except app_commands.CheckFailure as error:
            await report(interaction, error)
            return
        bot = interaction.client
        guild_id = guild_id_of(interaction)
        waiting = len(await bot.store.settings.unposted_prompts(guild_id))
        if not waiting:
            await interaction.response.edit_message(
                content="Nothing waits any more: every open prompt has its post.", view=None
            )
            return
        # The button goes at once (no second click posts twice); the posting goes on, paced, long past the
        # interaction's 3 seconds, as background work that closing the bot cancels.
        await interaction.response.edit_message(content=f"Posting {_prompts(waiting)}, one a second…", view=None)
        bot.spawn(_post_and_report(interaction, guild_id))


async def _post_and_report(interaction: Interaction, guild_id: int) -> None:
    bot = interaction.client
    posted, left = await post_waiting(bot, guild_id)
    retry: discord.ui.View | None = None
    if not left:
        text = f"📬 Posted {_prompts(posted)}."
    else:
        problems = channel_problems(interaction.guild, await bot.store.settings.get(guild_id))
        text = (
            f"📬 Posted {_prompts(posted)}; {len(left)} could not be posted."
            if posted
            else (f"None of the {_prompts(len(left))} could be posted.")
        )
        text += "".join(f" {p}" for p in problems) + " Once that is fixed, try again with the button."
        retry = discord.ui.View(timeout=None)
        retry.add_item(PostWaitingButton())
    try:
        await interaction.edit_original_response(content=text, view=retry, allowed_mentions=NO_MENTIONS)
    except (discord.HTTPException, *TRANSIENT_ERRORS) as error:  # past 15 minutes the answer cannot be edited
        log.info("could not report the waiting prompts posted in guild %s: %r", guild_id, error)
    if posted:
        await log_line(bot, guild_id, f"📬 <@{interaction.user.id}> posted {_prompts(posted)} that were waiting.")
