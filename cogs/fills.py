"""/fill and its announcement, enriched afterwards with the work's details when it is on AO3; /unfill."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from ao3.links import recognise
from ao3.parse import Series, Work
from cogs.ui.announce import refresh_posted_prompt
from cogs.ui.autocomplete import prompt_autocomplete
from cogs.ui.claiming import server_name
from cogs.ui.embeds import ao3_embed, excerpt, fill_embed, in_server, link, prompt_name, removed_fill_embed
from cogs.ui.fill_announcement import announcement, show_writer
from db import validation
from db.fills import FillRecorded
from db.models import FillStatus, Viewer
from interactions.checks import Interaction, age_restricted, guild_id_of, is_moderator, viewer_of
from interactions.sending import (
    NO_MENTIONS,
    TRANSIENT_ERRORS,
    Blocked,
    channel_reader,
    deliver,
    edit_post,
    log_line,
    note_unlogged,
    send_dm,
    unreported,
    warn_moderators,
)

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)
EditAnnouncement = Callable[..., Awaitable[Any]]


def unfinished(info: Work | Series) -> bool:
    """AO3 counts a work's chapters as "posted/planned": "3/?" or "3/10" is not finished yet."""
    if not isinstance(info, Work) or not info.chapters or "/" not in info.chapters:
        return False
    posted, planned = (part.strip().replace(",", "") for part in info.chapters.split("/", 1))
    return planned == "?" or (posted.isdigit() and planned.isdigit() and int(posted) < int(planned))


class Fills(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @app_commands.command(name="fill", description="Share a work that answers a prompt, finished or in progress")
    @app_commands.describe(
        prompt="The prompt's number",
        url="Link to the work (http or https), e.g. on Archive of Our Own",
        title="The work's title",
        notes="A note for readers (warnings, pairing, word count...)",
        status="complete (default), or in progress: share it again with the same link for each new part",
        anonymous="Share it without your name; reveal it later with /reveal",
    )
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    @app_commands.guild_only()
    async def fill(
        self,
        interaction: Interaction,
        prompt: int,
        url: app_commands.Range[str, 1, 2048],
        title: app_commands.Range[str, 1, 200] | None = None,
        notes: app_commands.Range[str, 1, 1000] | None = None,
        status: FillStatus = "complete",
        anonymous: bool = False,
    ) -> None:
        guild_id = guild_id_of(interaction)
        checked_url = validation.fill_url(url)
        checked_title = validation.title(title)
        checked_notes = validation.notes(notes)
        complete = validation.fill_status(status)
        recorded = await self.bot.store.fills.record(
            guild_id,
            prompt,
            await viewer_of(interaction),
            url=checked_url,
            title=checked_title,
            notes=checked_notes,
            complete=complete,
            anonymous=anonymous,
        )
        channel_id = (await self.bot.store.settings.get(guild_id)).fills_channel_id
        if recorded.earlier is not None:
            await self._part_posted(interaction, recorded, channel_id, asked_anonymous=anonymous)
            return
        if channel_id is None and not recorded.fill.anonymous:
            # The announcement is the public reply in this channel.
            reader = Viewer.channel_reader(age_restricted=age_restricted(interaction.channel))
            answered = await interaction.response.send_message(**announcement(recorded, reader))
            if not complete:  # the announcement says "in progress"; its writer also hears the next step
                await interaction.followup.send(self._in_progress_step(), ephemeral=True, allowed_mentions=NO_MENTIONS)
            self._enrich_later(recorded, reader, interaction.edit_original_response, interaction)
            if answered.message_id is not None and interaction.channel_id is not None:
                await self.bot.store.fills.set_message(recorded.fill.id, interaction.channel_id, answered.message_id)
        else:
            # An anonymous fill is always answered privately (Discord shows who ran a command above a public
            # answer) and announced as a message of its own: in the fills channel, or else in this one.
            where = channel_id if channel_id is not None else interaction.channel_id
            await interaction.response.send_message(
                self._recorded_answer(recorded), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            if where is None:  # a server's slash command always has its channel; nothing to announce in otherwise
                return
            reader = channel_reader(self.bot, where)
            posted = await deliver(self.bot, where, **announcement(recorded, reader))
            if isinstance(posted, discord.Message):
                self._enrich_later(recorded, reader, posted.edit, interaction)
                await self.bot.store.fills.set_message(recorded.fill.id, where, posted.id)
            else:
                await self._not_announced(interaction, recorded, where, posted)  # Blocked, or None
        if recorded.prompt.anonymous and recorded.prompt.author_id is not None:
            await send_dm(
                self.bot,
                recorded.prompt.author_id,
                content=(
                    f"✨ Your anonymous {in_server(recorded.prompt, server_name(self.bot, guild_id))} has a new fill!"
                ),
                embed=fill_embed(recorded, Viewer.channel_reader(age_restricted=False)),
            )
        await refresh_posted_prompt(self.bot, recorded.prompt)

    def _in_progress_step(self, recorded: str = "Recorded") -> str:
        again = self.bot.mention("fill")
        return f"{recorded} as a work in progress; share it again with {again} and the same link when you post more."

    def _recorded_answer(self, recorded: FillRecorded) -> str:
        """The writer's private answer to a new fill: for an anonymous one, first what still shows their name (AO3's
        byline, their claim), then what was recorded, then the congratulation or the next step. A finished work is
        congratulated unless it is on AO3, whose chapter count is read only afterwards (_enrich_later)."""
        fill, number = recorded.fill, recorded.prompt.number
        parts = []
        if fill.anonymous and recognise(fill.url) is not None:
            parts.append(
                "🎭 AO3 shows your name on the work's page: anyone who opens the link sees it, unless the work is in "
                "an anonymous collection."
            )
        if fill.anonymous:
            parts.append(
                f"Your fill for #{number} is recorded anonymously: only you and the moderators see that you wrote it; "
                f"{self.bot.mention('reveal')} names you whenever you choose."
            )
            if recorded.ended_claim:
                parts.append(
                    "Your claim on it was shown under your name, so members who saw it may guess who wrote it (a fill "
                    "without a claim, where a slot is free, does not show your name there)."
                )
        recorded_as = "It is recorded" if fill.anonymous else f"Your fill for #{number} is recorded"
        if not fill.complete:
            return " ".join([*parts, self._in_progress_step(recorded_as)])
        if not fill.anonymous:
            parts.append(f"{recorded_as}.")
        on_ao3 = recognise(fill.url) is not None and self.bot.ao3 is not None
        parts.append("Thank you for it!" if on_ao3 else "Congratulations on finishing it!")
        return " ".join(parts)

    async def _part_posted(
        self, interaction: Interaction, recorded: FillRecorded, channel_id: int | None, *, asked_anonymous: bool = False
    ) -> None:
        """A work in progress moved on: a short line where fills are announced (not a second announcement), and
        its announcement and the prompt's post brought up to date. It stays one fill. An anonymous one's line
        names nobody and its writer's answer is private."""
        fill, prompt = recorded.fill, recorded.prompt
        work = link(discord.utils.escape_markdown(excerpt(fill.title or "the work", 100)), fill.url)
        writer = "an anonymous writer" if fill.anonymous else f"<@{fill.member_id}>"
        if fill.complete:
            line = f"✨ {work} by {writer}, a fill of {prompt_name(prompt)}, is now complete."
            answer = f"Your fill of #{prompt.number} is now complete."
            if recognise(fill.url) is None or self.bot.ao3 is None:  # an AO3 work's chapters are read afterwards
                answer += " Congratulations on finishing it!"
        else:
            line = f"📖 {writer[0].upper() + writer[1:]} posted a new part of {work}, a fill of {prompt_name(prompt)}."
            again = self.bot.mention("fill")
            answer = (
                f"Your new part for #{prompt.number} is recorded. When you post the next part or finish it, use "
                f"{again} again with the same link and status."
            )
        # Anonymity is chosen when a work is first shared: its writer's name has been public since.
        named = (
            " It was first shared under your name, so it stays named." if asked_anonymous and not fill.anonymous else ""
        )
        if channel_id is None and not fill.anonymous:
            await interaction.response.send_message(line, allowed_mentions=NO_MENTIONS)
            if named:
                await interaction.followup.send(named.strip(), ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            answer += named
            where = channel_id if channel_id is not None else interaction.channel_id
            await interaction.response.send_message(answer, ephemeral=True, allowed_mentions=NO_MENTIONS)
            if where is not None:
                posted = await deliver(self.bot, where, content=line, allowed_mentions=NO_MENTIONS)
                if not isinstance(posted, discord.Message):
                    await self._not_announced(interaction, recorded, where, posted)
        if fill.message_channel_id is not None and fill.message_id is not None:
            # The announcement shows the work as it stands now (its status, title and notes).
            where, message_id = fill.message_channel_id, fill.message_id
            reader = channel_reader(self.bot, where)

            async def edit(**changes: Any) -> None:
                await edit_post(self.bot, where, message_id, **changes)

            await edit(embed=fill_embed(recorded, reader))
            self._enrich_later(recorded, reader, edit, interaction)
        await refresh_posted_prompt(self.bot, prompt)

    async def _not_announced(
        self, interaction: Interaction, recorded: FillRecorded, channel_id: int, failure: object
    ) -> None:
        """The writer learns the fill is recorded but not announced; for a missing permission the moderators
        learn which one is missing where (the writer is never asked to pass it on)."""
        number = recorded.prompt.number
        text = f"Your fill of #{number} is safely recorded, but I could not announce it"
        if isinstance(failure, Blocked):
            by = "" if recorded.fill.anonymous else f" by <@{recorded.fill.member_id}>"
            what = f"The {'anonymous ' if recorded.fill.anonymous else ''}fill of #{number}{by} could not be announced"
            told = await warn_moderators(self.bot, recorded.fill.guild_id, what, failure)
            if isinstance(told, discord.Message):
                text += f": {failure.reason()}. The moderators have been told."
            elif await is_moderator(interaction):
                text += "." + unreported(failure, told)
            else:
                text += f": {failure.reason()}."
        else:
            view = self.bot.mention("prompt view")
            text += f" in <#{channel_id}> just now: the channel may be gone. {view} shows it all the same."
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    def _enrich_later(
        self, recorded: FillRecorded, reader: Viewer, edit: EditAnnouncement, interaction: Interaction | None = None
    ) -> None:
        """For an AO3 link, fetch the work's metadata after the announcement and edit it in (never delaying it). A
        work shared as complete whose chapters read as unfinished ("3/?") is not congratulated: its writer hears
        how to record it as a work in progress."""
        link = recognise(recorded.fill.url)
        client = self.bot.ao3
        if link is None or client is None:
            return

        async def enrich() -> None:
            info = await client.lookup(link)
            if info is None:
                return
            try:
                await edit(embed=ao3_embed(recorded, info, reader), allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as error:
                log.warning("could not add AO3 details to the fill of #%s: %s", recorded.prompt.number, error)
            if interaction is not None and recorded.fill.complete and unfinished(info):
                await self._tell_unfinished(interaction, recorded, info)
            await self._note_byline_mismatch(recorded, info)

        self.bot.spawn(enrich())

    async def _tell_unfinished(self, interaction: Interaction, recorded: FillRecorded, info: Work | Series) -> None:
        title = discord.utils.escape_markdown(excerpt(info.title, 100))
        chapters = info.chapters if isinstance(info, Work) else None
        text = (
            f"📖 AO3 shows *{title}* at {chapters} chapters, so it reads as a work in progress, but your fill for "
            f"#{recorded.prompt.number} was shared as complete. If it is still in progress, share it again with "
            f"{self.bot.mention('fill')}, the same link and status in progress; share it as complete when it is."
        )
        try:
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        except (discord.HTTPException, *TRANSIENT_ERRORS) as error:  # past 15 minutes a followup cannot be sent
            log.info("could not tell the writer of #%s about its chapters: %r", recorded.prompt.number, error)

    async def _note_byline_mismatch(self, recorded: FillRecorded, info: Work | Series) -> None:
        """One log-channel line when the work's byline names AO3 accounts and none is the filler's linked one.
        An unlinked byline (Anonymous, an imported work) names none: unknown, not a mismatch."""
        fill = recorded.fill
        linked = await self.bot.store.accounts.get(fill.guild_id, fill.member_id)
        if linked is None or not info.accounts:
            return
        if linked.casefold() in {account.casefold() for account in info.accounts}:
            return
        if fill.anonymous:
            # Neither the writer, their linked account nor the byline in a channel: moderators find who wrote it
            # with /prompt view, privately.
            await log_line(
                self.bot,
                fill.guild_id,
                f"🔎 The anonymous fill of #{recorded.prompt.number} ({fill.url}) is credited on AO3 to accounts "
                f"other than its writer's linked one. {self.bot.mention('prompt view')} shows moderators who wrote it.",
            )
            return
        byline = ", ".join(info.authors)
        await log_line(
            self.bot,
            fill.guild_id,
            f"🔎 The fill of #{recorded.prompt.number} by <@{fill.member_id}> ({fill.url}) is credited on AO3 to "
            f"{excerpt(byline, 300)}, which does not include their linked account `{linked}`.",
        )

    @app_commands.command(name="unfill", description="Remove a fill from a prompt (yours, or any as a moderator)")
    @app_commands.describe(prompt="The prompt's number", url="The fill's link (choose from the list)")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    @app_commands.guild_only()
    async def unfill(self, interaction: Interaction, prompt: int, url: app_commands.Range[str, 1, 2048]) -> None:
        guild_id = guild_id_of(interaction)
        removed = await self.bot.store.fills.remove(
            guild_id, prompt, url.strip(), interaction.user.id, as_moderator=await is_moderator(interaction)
        )
        number = removed.prompt.number
        now_open = " The prompt is open again." if removed.prompt.status == "open" else ""
        await interaction.response.send_message(
            f"Removed the fill <{removed.fill.url}> from #{number}.{now_open}",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        # After the answer, the slow part: the announcement, the log, the prompt's own post.
        fill = removed.fill
        who = "a moderator" if removed.by_moderator else "its writer"
        if fill.message_channel_id is not None and fill.message_id is not None:
            # The announcement stays (the channel's history reads on) but no longer shows the work.
            marked = await edit_post(
                self.bot,
                fill.message_channel_id,
                fill.message_id,
                content=f"🗑️ This fill of {prompt_name(removed.prompt)} was removed by {who}.",
                embed=removed_fill_embed(fill, removed.prompt, by_moderator=removed.by_moderator),
            )
            if isinstance(marked, Blocked):
                what = f"The announcement of the removed fill of #{number} still shows the work"
                await warn_moderators(self.bot, guild_id, what, marked)
        if not fill.anonymous:
            line = f"🗑️ <@{interaction.user.id}> removed the fill of #{number} by <@{fill.member_id}>: {fill.url}"
        elif removed.by_moderator:
            line = f"🗑️ <@{interaction.user.id}> removed an anonymous fill of #{number}: {fill.url}"
        else:  # naming who removed it would name its writer
            line = f"🗑️ The writer of an anonymous fill of #{number} removed it: {fill.url}"
        logged = await log_line(self.bot, guild_id, line)
        if removed.by_moderator:
            await note_unlogged(interaction, logged)
        await refresh_posted_prompt(self.bot, removed.prompt)

    @unfill.autocomplete("url")
    async def _removable_fills(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        number = getattr(interaction.namespace, "prompt", None)
        if interaction.guild_id is None or not isinstance(number, int):
            return []
        member = None if await is_moderator(interaction) else interaction.user.id
        fills = await self.bot.store.fills.removable(interaction.guild_id, number, member, current)
        return [
            app_commands.Choice(name=excerpt(f"{f.title} · {f.url}" if f.title else f.url, 100), value=f.url)
            for f in fills
            if len(f.url) <= 100  # Discord's limit for a choice's value; longer links are typed or pasted
        ]

    @app_commands.command(name="reveal", description="Put your name on a fill you shared anonymously")
    @app_commands.describe(prompt="The prompt's number", url="Your anonymous fill's link (choose from the list)")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    @app_commands.guild_only()
    async def reveal(self, interaction: Interaction, prompt: int, url: app_commands.Range[str, 1, 2048]) -> None:
        guild_id = guild_id_of(interaction)
        revealed = await self.bot.store.fills.reveal(guild_id, prompt, url.strip(), interaction.user.id)
        fill = revealed.fill
        announced = fill.message_channel_id is not None and fill.message_id is not None
        where = " Its announcement now names you." if announced else ""
        await interaction.response.send_message(
            f"🎭 Your fill of #{revealed.prompt.number} is revealed: everyone can see that you wrote it.{where}",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        # After the answer, the slow part: the announcement (with its AO3 card) and the prompt's post.
        await show_writer(self.bot, revealed)
        await refresh_posted_prompt(self.bot, revealed.prompt)

    @reveal.autocomplete("url")
    async def _own_anonymous_fills(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        number = getattr(interaction.namespace, "prompt", None)
        fills = await self.bot.store.fills.own_anonymous(
            interaction.guild_id, interaction.user.id, number if isinstance(number, int) else None, current
        )
        return [
            app_commands.Choice(
                name=excerpt(f"#{f.prompt_number} · {f.title or 'untitled'} · {f.url}", 100), value=f.url
            )
            for f in fills
            if len(f.url) <= 100  # Discord's limit for a choice's value; longer links are typed or pasted
        ]


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Fills(bot))
