"""/fill and its announcement, enriched afterwards with the work's details when it is on AO3."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from ao3.links import recognise
from cogs.ui.announce import refresh_posted_prompt
from cogs.ui.autocomplete import prompt_autocomplete
from cogs.ui.embeds import ao3_embed, fill_embed
from db import validation
from db.fills import FillRecorded
from db.models import Viewer
from interactions.checks import Interaction, age_restricted, guild_id_of
from interactions.sending import NO_MENTIONS, channel_reader, post, send_dm

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)
EditAnnouncement = Callable[..., Awaitable[Any]]


def announcement(recorded: FillRecorded, reader: Viewer) -> dict[str, Any]:
    """The fill announcement. Only the prompter of a named prompt may be pinged, and only by id."""
    prompt = recorded.prompt
    embed = fill_embed(recorded, reader)
    if prompt.anonymous:
        return {
            "content": f"✨ Prompt #{prompt.number} has a new fill!",
            "embed": embed,
            "allowed_mentions": NO_MENTIONS,
        }
    return {
        "content": f"✨ <@{prompt.author_id}>, your prompt #{prompt.number} has a new fill!",
        "embed": embed,
        "allowed_mentions": discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(id=prompt.author_id)], replied_user=False
        ),
    }


class Fills(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @app_commands.command(name="fill", description="Share a finished work that answers a prompt")
    @app_commands.describe(
        prompt="The prompt's number",
        url="Link to the work (http or https), e.g. on Archive of Our Own",
        title="The work's title",
        notes="A note for readers (warnings, pairing, word count...)",
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
    ) -> None:
        guild_id = guild_id_of(interaction)
        checked_url = validation.fill_url(url)
        checked_title = validation.title(title)
        checked_notes = validation.notes(notes)
        recorded = await self.bot.store.fills.record(
            guild_id, prompt, interaction.user.id, url=checked_url, title=checked_title, notes=checked_notes
        )
        channel_id = (await self.bot.store.settings.get(guild_id)).fills_channel_id
        if channel_id is None:
            # The announcement is the public reply in this channel.
            reader = Viewer.channel_reader(age_restricted=age_restricted(interaction.channel))
            await interaction.response.send_message(**announcement(recorded, reader))
            self._enrich_later(recorded, reader, interaction.edit_original_response)
        else:
            await interaction.response.send_message(
                f"Your fill of #{recorded.prompt.number} is recorded. Congratulations on finishing it!",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            reader = channel_reader(self.bot, channel_id)
            posted = await post(self.bot, channel_id, **announcement(recorded, reader))
            if posted is not None:
                self._enrich_later(recorded, reader, posted.edit)
            else:
                await interaction.followup.send(
                    f"Your fill is safely recorded, but I could not announce it in <#{channel_id}> "
                    "(the channel is gone or I may not post there). Please tell a moderator.",
                    ephemeral=True,
                    allowed_mentions=NO_MENTIONS,
                )
        if recorded.prompt.anonymous:
            await send_dm(
                self.bot,
                recorded.prompt.author_id,
                content=f"✨ Your anonymous prompt #{recorded.prompt.number} has a new fill!",
                embed=fill_embed(recorded, Viewer.channel_reader(age_restricted=False)),
            )
        await refresh_posted_prompt(self.bot, recorded.prompt)

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

        self.bot.spawn(enrich())


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Fills(bot))
