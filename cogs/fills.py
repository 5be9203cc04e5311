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
from db import validation
from db.fills import FillRecorded
from db.models import FillStatus, Viewer
from interactions.checks import Interaction, age_restricted, guild_id_of, is_moderator, viewer_of
from interactions.sending import (
    NO_MENTIONS,
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


def announcement(recorded: FillRecorded, reader: Viewer) -> dict[str, Any]:
    """The fill announcement. Only the prompter of a named prompt may be pinged, and only by id (an imported
    prompt without a prompter pings nobody)."""
    prompt = recorded.prompt
    embed = fill_embed(recorded, reader)
    what = "a new fill" if recorded.fill.complete else "a new fill in progress"
    if prompt.anonymous or prompt.author_id is None:
        return {
            "content": f"✨ Prompt #{prompt.number} has {what}!",
            "embed": embed,
            "allowed_mentions": NO_MENTIONS,
        }
    return {
        "content": f"✨ <@{prompt.author_id}>, your prompt #{prompt.number} has {what}!",
        "embed": embed,
        "allowed_mentions": discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(id=prompt.author_id)], replied_user=False
        ),
    }


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
        )
        channel_id = (await self.bot.store.settings.get(guild_id)).fills_channel_id
        if recorded.earlier is not None:
            await self._part_posted(interaction, recorded, channel_id)
            return
        if channel_id is None:
            # The announcement is the public reply in this channel.
            reader = Viewer.channel_reader(age_restricted=age_restricted(interaction.channel))
            answered = await interaction.response.send_message(**announcement(recorded, reader))
            self._enrich_later(recorded, reader, interaction.edit_original_response)
            if answered.message_id is not None and interaction.channel_id is not None:
                await self.bot.store.fills.set_message(recorded.fill.id, interaction.channel_id, answered.message_id)
        else:
            again = self.bot.mention("fill")
            done = (
                "Congratulations on finishing it!"
                if complete
                else f"When you post a part or finish it, use {again} again with the same link."
            )
            kind = "fill" if complete else "work in progress"
            await interaction.response.send_message(
                f"Your {kind} for #{recorded.prompt.number} is recorded. {done}",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            reader = channel_reader(self.bot, channel_id)
            posted = await deliver(self.bot, channel_id, **announcement(recorded, reader))
            if isinstance(posted, discord.Message):
                self._enrich_later(recorded, reader, posted.edit)
                await self.bot.store.fills.set_message(recorded.fill.id, channel_id, posted.id)
            else:
                await self._not_announced(interaction, recorded, channel_id, posted)  # Blocked, or None
        if recorded.prompt.anonymous and recorded.prompt.author_id is not None:
            await send_dm(
                self.bot,
                recorded.prompt.author_id,
                content=(
                    f"✨ Your anonymous {in_server(recorded.prompt, server_name(self.bot, guild_id))} has a new fill!"
                ),
                embed=fill_embed(recorded, Viewer.channel_reader(age_restricted=False)),
            )
        await self._tell_seconders(recorded)
        await refresh_posted_prompt(self.bot, recorded.prompt)

    async def _part_posted(self, interaction: Interaction, recorded: FillRecorded, channel_id: int | None) -> None:
        """A work in progress moved on: a short line where fills are announced (not a second announcement), and
        its announcement and the prompt's post brought up to date. It stays one fill."""
        fill, prompt = recorded.fill, recorded.prompt
        work = link(discord.utils.escape_markdown(excerpt(fill.title or "the work", 100)), fill.url)
        if fill.complete:
            line = f"✨ {work} by <@{fill.member_id}>, a fill of {prompt_name(prompt)}, is now complete."
            answer = f"Your fill of #{prompt.number} is now complete. Congratulations on finishing it!"
        else:
            line = f"📖 <@{fill.member_id}> posted a new part of {work}, a fill of {prompt_name(prompt)}."
            again = self.bot.mention("fill")
            answer = (
                f"Your new part for #{prompt.number} is recorded. When you post the next part or finish it, use "
                f"{again} again with the same link and status."
            )
        if channel_id is None:
            await interaction.response.send_message(line, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(answer, ephemeral=True, allowed_mentions=NO_MENTIONS)
            posted = await deliver(self.bot, channel_id, content=line, allowed_mentions=NO_MENTIONS)
            if not isinstance(posted, discord.Message):
                await self._not_announced(interaction, recorded, channel_id, posted)
        if fill.message_channel_id is not None and fill.message_id is not None:
            # The announcement shows the work as it stands now (its status, title and notes).
            where, message_id = fill.message_channel_id, fill.message_id
            reader = channel_reader(self.bot, where)

            async def edit(**changes: Any) -> None:
                await edit_post(self.bot, where, message_id, **changes)

            await edit(embed=fill_embed(recorded, reader))
            self._enrich_later(recorded, reader, edit)
        await refresh_posted_prompt(self.bot, prompt)

    async def _tell_seconders(self, recorded: FillRecorded) -> None:
        """Each member who seconded the prompt hears of its fill in a direct message of their own (one who does not
        accept them costs nobody else theirs). The seam for the daily digest (issue 24, following): once it
        exists, these become lines of each seconder's digest instead."""
        told = [member_id for member_id in recorded.seconders if member_id != recorded.fill.member_id]
        if not told:
            return  # the common case: no card to build (it was every fill's second embed, profiled in issue 25)
        named = in_server(recorded.prompt, server_name(self.bot, recorded.fill.guild_id))
        content = f"✨ A prompt you seconded has a new fill: {named}."
        card = fill_embed(recorded, Viewer.channel_reader(age_restricted=False))
        for member_id in told:
            await send_dm(self.bot, member_id, content=content, embed=card)

    async def _not_announced(
        self, interaction: Interaction, recorded: FillRecorded, channel_id: int, failure: object
    ) -> None:
        """The writer learns the fill is recorded but not announced; for a missing permission the moderators
        learn which one is missing where (the writer is never asked to pass it on)."""
        number = recorded.prompt.number
        text = f"Your fill of #{number} is safely recorded, but I could not announce it"
        if isinstance(failure, Blocked):
            what = f"The fill of #{number} by <@{recorded.fill.member_id}> could not be announced"
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

    def _enrich_later(self, recorded: FillRecorded, reader: Viewer, edit: EditAnnouncement) -> None:
        """For an AO3 link, fetch the work's metadata after the announcement and edit it in (never delaying it)."""
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
            await self._note_byline_mismatch(recorded, info)

        self.bot.spawn(enrich())

    async def _note_byline_mismatch(self, recorded: FillRecorded, info: Work | Series) -> None:
        """One log-channel line when the work's byline names AO3 accounts and none is the filler's linked one.
        An unlinked byline (Anonymous, an imported work) names none: unknown, not a mismatch."""
        fill = recorded.fill
        linked = await self.bot.store.accounts.get(fill.guild_id, fill.member_id)
        if linked is None or not info.accounts:
            return
        if linked.casefold() in {account.casefold() for account in info.accounts}:
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
        logged = await log_line(
            self.bot,
            guild_id,
            f"🗑️ <@{interaction.user.id}> removed the fill of #{number} by <@{fill.member_id}>: {fill.url}",
        )
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


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Fills(bot))
