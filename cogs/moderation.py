"""Moderators' tools: the approval queue (/queue) and claim and log management (/mod)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui.announce import Published, not_posted_note, post_open_prompt, refresh_post_of
from cogs.ui.autocomplete import prompt_autocomplete
from cogs.ui.claiming import server_name
from cogs.ui.embeds import audit_embed, fitted_content, in_server, prompt_embed, quoted, timestamp
from cogs.ui.fill_announcement import prompt_numbers, show_writers, tell_writers
from cogs.ui.paginator import Paginator
from db import validation
from db.fills import FillRecorded
from db.models import AuditEntry, Page, Prompt
from interactions.checks import (
    MODERATOR_PERMISSIONS,
    Interaction,
    guild_id_of,
    moderators_only,
    require_moderator,
    viewer_of,
)
from interactions.refusals import report
from interactions.sending import NO_MENTIONS, TRANSIENT_ERRORS, Blocked, log_line, note_unlogged, send_dm
from interactions.words import plural

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)


async def queue_message(interaction: Interaction) -> dict[str, Any]:
    """The oldest pending prompt with Approve and Reject, or word that the queue is empty."""
    oldest, waiting = await interaction.client.store.prompts.oldest_pending(guild_id_of(interaction))
    if oldest is None:
        return {"content": "The queue is empty: no prompt waits for approval.", "embed": None, "view": None}
    viewer = await viewer_of(interaction)
    embed = prompt_embed(oldest, viewer, private=True)
    view = discord.ui.View(timeout=None)
    view.add_item(QueueButton("approve", oldest.number))
    view.add_item(QueueButton("reject", oldest.number))
    where = "" if viewer.reads_text(oldest, private=True) else "\n" + await explicit_where(interaction)
    return {
        "content": f"{plural(waiting, 'prompt')} waiting. Oldest first:{where}",
        "embed": embed,
        "view": view,
    }


async def explicit_where(interaction: Interaction) -> str:
    """Where a moderator can read an Explicit prompt before deciding: its text shows only in age-restricted channels."""
    bot = interaction.client
    guild_id = guild_id_of(interaction)
    channel_id = (await bot.store.settings.get(guild_id)).explicit_channel_id
    queue = bot.mention("queue show")
    if channel_id is None:
        return (
            f"🔞 This one is rated Explicit: read it with {queue} in an age-restricted channel before deciding "
            f"({bot.mention('setup')} can name one for Explicit prompts)."
        )
    url = f"https://discord.com/channels/{guild_id}/{channel_id}"
    return (
        f"🔞 This one is rated Explicit: read it with {queue} in <#{channel_id}> ([open the channel]({url})) "
        "before deciding."
    )


# Each moderator action answers first and does the slow part (the post, the direct message, the log line)
# after: with Discord rate-limiting the channel, the answer still comes within its 3 seconds.


async def approve(interaction: Interaction, number: int) -> Prompt:
    return await interaction.client.store.prompts.approve(guild_id_of(interaction), number, interaction.user.id)


async def announce_approval(interaction: Interaction, prompt: Prompt) -> tuple[str, bool]:
    """Post the approved prompt, tell the prompter, log it. Returns what the moderator reads about it, and
    whether a missing permission kept the post or the log line out (then the moderator must read it)."""
    bot = interaction.client
    published = await post_open_prompt(bot, prompt)
    posted = await bot.store.prompts.get(prompt.guild_id, prompt.number)
    if prompt.author_id is not None:  # an imported prompt without a prompter has nobody to tell
        named = in_server(posted, server_name(bot, prompt.guild_id))
        await send_dm(bot, prompt.author_id, content=f"✅ Your {named} was approved and is open for claims.")
    logged_line = await log_line(
        bot, prompt.guild_id, f"✅ <@{interaction.user.id}> approved {prompt_for_log(prompt)}."
    )
    return (
        approval_reply(bot, posted, published, logged_line),
        published.blocked is not None or isinstance(logged_line, Blocked),
    )


def approval_reply(bot: Promptfill, prompt: Prompt, published: Published, logged: object) -> str:
    """Approved, and where it is now: posted (with a link), or why not, and what is missing where."""
    opened = "approved and open for claims"
    if published.message is not None:
        text = f"Prompt #{prompt.number} {opened}: [see its post]({published.message.jump_url})."
    elif note := not_posted_note(bot, prompt.number, published, moderator=True, opened=opened):
        return note
    elif published.channel_id is None:
        text = f"Prompt #{prompt.number} {opened}. No prompts channel is set, so it is not posted anywhere yet."
    elif prompt.status == "open" and prompt.message_id is None:
        text = f"Prompt #{prompt.number} {opened}, but its post did not get through to <#{published.channel_id}>."
    else:
        text = f"Prompt #{prompt.number} {opened}."
    if isinstance(logged, Blocked):
        text += f" I could not note it in the log channel: {logged.reason()}."
    return text


async def reject_and_reply(interaction: Interaction, number: int, reason: str | None) -> None:
    """Reject, answer at once, then tell the prompter and edit the answer to say whether they were told."""
    bot = interaction.client
    guild_id = guild_id_of(interaction)
    checked_reason = validation.reason(reason)
    prompt = await bot.store.prompts.reject(guild_id, number, interaction.user.id, checked_reason)
    await interaction.response.send_message(
        f"Prompt #{prompt.number} rejected. Telling the prompter…", ephemeral=True, allowed_mentions=NO_MENTIONS
    )
    why = f"\nReason: {checked_reason}" if checked_reason else ""
    named = in_server(prompt, server_name(bot, guild_id))
    told = prompt.author_id is not None and await send_dm(
        bot,
        prompt.author_id,
        content=fitted_content(
            f"Your {named} was not accepted by the moderators.{why}\n{quoted(prompt.text)}\n"
            f"You are welcome to submit another with {bot.mention('prompt submit', dm=True)}."
        ),
    )
    try:
        await interaction.edit_original_response(content=rejected_reply(prompt, told), allowed_mentions=NO_MENTIONS)
    except (discord.HTTPException, *TRANSIENT_ERRORS) as error:
        log.warning("could not complete the answer to the rejection of #%s: %r", prompt.number, error)
    because = f" Reason: {checked_reason}" if checked_reason else " No reason given."
    logged_line = await log_line(
        bot, guild_id, f"⛔ <@{interaction.user.id}> rejected {prompt_for_log(prompt)}.{because}"
    )
    await note_unlogged(interaction, logged_line)


def prompt_for_log(prompt: Prompt) -> str:
    """A prompt as a log line names it: number, title, and its prompter unless anonymous (log lines are read by
    every moderator, never a private answer) or imported without one."""
    title = f" “{prompt.title}”" if prompt.title else ""
    if prompt.anonymous:
        return f"prompt #{prompt.number}{title} (anonymous)"
    if prompt.author_id is None:
        return f"imported prompt #{prompt.number}{title}"
    return f"prompt #{prompt.number}{title} by <@{prompt.author_id}>"


def rejected_reply(prompt: Prompt, told: bool) -> str:
    note = (
        "The prompter was told by direct message."
        if told
        else "It was imported without a prompter, so nobody was told."
        if prompt.author_id is None
        else ("The prompter could not be told: they do not accept direct messages from the bot.")
    )
    return f"Prompt #{prompt.number} rejected. {note}"


async def refresh_and_name(bot: Promptfill, guild_id: int, number: int) -> str:
    """After a claim changed: its prompt's post brought up to date, and the prompt named for a direct message."""
    await refresh_post_of(bot, guild_id, number)
    return in_server(await bot.store.prompts.get(guild_id, number), server_name(bot, guild_id))


class RejectModal(discord.ui.Modal, title="Reject prompt"):
    reason: discord.ui.TextInput[RejectModal] = discord.ui.TextInput(
        label="Reason (sent to the prompter)",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=validation.REASON_MAX,
        custom_id="reason",
    )

    def __init__(self, number: int) -> None:
        super().__init__(custom_id=f"promptfill:reject:{number}")
        self.number = number

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        await require_moderator(interaction)
        await reject_and_reply(interaction, self.number, self.reason.value or None)

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report(interaction, error)


class QueueButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"promptfill:queue:(?P<action>approve|reject):(?P<number>\d+)"
):
    """Approve / Reject under a queued prompt. Persistent, and checks moderator rights on every click."""

    def __init__(self, action: str, number: int) -> None:
        style = discord.ButtonStyle.success if action == "approve" else discord.ButtonStyle.danger
        super().__init__(
            discord.ui.Button(label=action.capitalize(), style=style, custom_id=f"promptfill:queue:{action}:{number}")
        )
        self.action = action
        self.number = number

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> QueueButton:
        return cls(match["action"], int(match["number"]))

    async def callback(self, interaction: Interaction) -> Any:  # type: ignore[override]
        try:
            await require_moderator(interaction)
            if self.action == "reject":
                await interaction.response.send_modal(RejectModal(self.number))
                return
            prompt = await approve(interaction, self.number)
            following = await queue_message(interaction)
            following["content"] = f"Approved #{prompt.number}. " + following["content"]
            await interaction.response.edit_message(**following, allowed_mentions=NO_MENTIONS)
            # Said as /queue approve says it (where it was posted, or why not): the queue message moved on.
            outcome, _ = await announce_approval(interaction, prompt)
            await interaction.followup.send(outcome, ephemeral=True, allowed_mentions=NO_MENTIONS)
        except Exception as error:
            await report(interaction, error)


class Moderation(commands.Cog):
    queue = app_commands.Group(
        name="queue",
        description="Prompts waiting for approval (moderators)",
        default_permissions=MODERATOR_PERMISSIONS,
        guild_only=True,
    )
    mod = app_commands.Group(
        name="mod",
        description="Claims, exchanges and the moderation log (moderators)",
        default_permissions=MODERATOR_PERMISSIONS,
        guild_only=True,
    )

    reveal = app_commands.Group(name="reveal", description="Reveal who wrote anonymous works", parent=mod)

    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(QueueButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(QueueButton)

    @moderators_only()
    @queue.command(name="show", description="The oldest pending prompt, with Approve and Reject")
    async def show(self, interaction: Interaction) -> None:
        message = await queue_message(interaction)
        if message["view"] is None:
            del message["view"]
        await interaction.response.send_message(**message, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @moderators_only()
    @queue.command(name="approve", description="Open a pending prompt")
    @app_commands.describe(prompt="The pending prompt's number")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    async def approve_(self, interaction: Interaction, prompt: int) -> None:
        approved = await approve(interaction, prompt)
        await interaction.response.send_message(
            f"Prompt #{approved.number} approved. Posting it…", ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        outcome, _ = await announce_approval(interaction, approved)
        try:
            await interaction.edit_original_response(content=outcome, allowed_mentions=NO_MENTIONS)
        except (discord.HTTPException, *TRANSIENT_ERRORS) as error:
            log.warning("could not complete the answer to the approval of #%s: %r", approved.number, error)

    @moderators_only()
    @queue.command(name="reject", description="Reject a pending prompt; the prompter is told why")
    @app_commands.describe(prompt="The pending prompt's number", reason="Why (sent to the prompter)")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    async def reject_(self, interaction: Interaction, prompt: int, reason: str | None = None) -> None:
        await reject_and_reply(interaction, prompt, reason)

    @moderators_only()
    @mod.command(name="release", description="End a member's claim on a prompt")
    @app_commands.describe(prompt="The prompt's number", member="Whose claim to end")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    async def release(self, interaction: Interaction, prompt: int, member: discord.User) -> None:
        bot = self.bot
        guild_id = guild_id_of(interaction)
        claim = await bot.store.claims.release(guild_id, prompt, member.id, interaction.user.id)
        await interaction.response.send_message(
            f"Released <@{member.id}>'s claim on #{claim.prompt_number}; its slot is free again.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        released = await refresh_and_name(bot, guild_id, claim.prompt_number)
        await send_dm(bot, member.id, content=f"A moderator released your claim on {released}.")
        await log_line(
            bot,
            guild_id,
            f"🔓 <@{interaction.user.id}> released <@{member.id}>'s claim on prompt #{claim.prompt_number}.",
        )

    @moderators_only()
    @mod.command(name="extend", description="Give a claim more days")
    @app_commands.describe(prompt="The prompt's number", member="Whose claim", days="Days to add (1 to 365)")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    async def extend(
        self,
        interaction: Interaction,
        prompt: int,
        member: discord.User,
        days: app_commands.Range[int, 1, 365],
    ) -> None:
        bot = self.bot
        guild_id = guild_id_of(interaction)
        validation.extend_days(days)
        claim = await bot.store.claims.extend(guild_id, prompt, member.id, days, interaction.user.id)
        due = timestamp(claim.deadline)
        await interaction.response.send_message(
            f"<@{member.id}>'s claim on #{claim.prompt_number} is now due {due}.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        extended = await refresh_and_name(bot, guild_id, claim.prompt_number)
        await send_dm(
            bot,
            member.id,
            content=f"A moderator extended your claim on {extended}: it is now due {due}.",
        )
        await log_line(
            bot,
            guild_id,
            f"⏳ <@{interaction.user.id}> extended <@{member.id}>'s claim on "
            f"prompt #{claim.prompt_number} by {plural(days, 'day')}; it is now due {due}.",
        )

    @moderators_only()
    @reveal.command(name="fills", description="Name the writers of every anonymous fill (a reveal day)")
    async def reveal_fills(self, interaction: Interaction) -> None:
        bot = self.bot
        guild_id = guild_id_of(interaction)
        revealed = await bot.store.fills.reveal_all(guild_id, interaction.user.id)
        if not revealed:
            await interaction.response.send_message(
                "There is no anonymous fill to reveal: every fill here already names its writer.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        count = plural(len(revealed), "anonymous fill")
        of = f"of {prompt_numbers(revealed)}"
        named = (
            "its writer is named from now on. Updating its announcement and telling its writer…"
            if len(revealed) == 1
            else "their writers are named from now on. Updating their announcements, one a second, and telling "
            "their writers…"
        )
        await interaction.response.send_message(
            f"🎭 Revealed {count} ({of}): {named}",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        logged = await log_line(bot, guild_id, f"🎭 <@{interaction.user.id}> revealed the writers of {count} ({of}).")
        await note_unlogged(interaction, logged)
        # The edits go on, paced, past the interaction's 3 seconds, as background work that closing the bot cancels.
        bot.spawn(self._show_writers(interaction, revealed))

    async def _show_writers(self, interaction: Interaction, revealed: list[FillRecorded]) -> None:
        edited = await show_writers(self.bot, revealed)
        # Told after the edits, so the announcement a writer opens already names them.
        told, writers = await tell_writers(self.bot, revealed)
        announced = sum(1 for r in revealed if r.fill.message_id is not None)
        text = (
            f"🎭 Revealed {plural(len(revealed), 'anonymous fill')} (of {prompt_numbers(revealed)}); "
            f"{plural(edited, 'announcement')} now name"
        )
        text += " their writers." if edited != 1 else "s its writer."
        if edited < announced:
            missing = plural(announced - edited, "announcement")
            text += f" {missing} could not be edited: deleted, or a permission is missing (the log channel says which)."
        if told == writers:
            text += f" {'Each' if writers > 1 else 'Its'} writer was told by direct message."
        else:
            text += (
                f" Told {told:,} of {plural(writers, 'writer')} by direct message; the rest could not be reached "
                "(closed direct messages, or Discord did not answer)."
            )
        try:
            await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)
        except (discord.HTTPException, *TRANSIENT_ERRORS) as error:  # past 15 minutes the answer cannot be edited
            log.info("could not report the reveal in guild %s: %r", interaction.guild_id, error)

    @moderators_only()
    @mod.command(name="log", description="The latest moderator actions")
    @app_commands.describe(member="Only actions by or on this member")
    async def log(self, interaction: Interaction, member: discord.User | None = None) -> None:
        store = self.bot.store
        guild_id = guild_id_of(interaction)

        async def fetch(page: int) -> Page[AuditEntry]:
            return await store.audit.moderation(guild_id, member_id=member.id if member else None, page=page)

        await Paginator.send(interaction, fetch, audit_embed)


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Moderation(bot))
