"""A fill's announcement: what /fill posts, and what it becomes when an anonymous fill is revealed (by its writer
with /reveal, or all at once with /mod reveal fills)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord

from ao3.links import recognise
from cogs.ui import configuring
from cogs.ui.announce import refresh_posted_prompt
from cogs.ui.embeds import ao3_embed, fill_embed
from db.fills import FillRecorded
from db.models import Viewer
from interactions.sending import NO_MENTIONS, Blocked, channel_reader, edit_post, warn_moderators

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)


def announcement(recorded: FillRecorded, reader: Viewer) -> dict[str, Any]:
    """The fill announcement. Only the prompter of a named prompt may be pinged, and only by id (an imported
    prompt without a prompter pings nobody). An anonymous fill pings its prompter all the same: only the writer
    goes unnamed (fill_embed)."""
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


async def show_writer(bot: Promptfill, recorded: FillRecorded) -> bool | Blocked:
    """Edit a revealed fill's announcement to name its writer (with its AO3 card, byline and all, for an AO3
    work). True when edited; False when it has no announcement or the edit failed; Blocked for a permission (the
    moderators are warned). The edit pings nobody: the prompter heard of the fill when it was announced."""
    fill = recorded.fill
    if fill.message_channel_id is None or fill.message_id is None:
        return False
    reader = channel_reader(bot, fill.message_channel_id)
    embed = fill_embed(recorded, reader)
    link = recognise(fill.url)
    if link is not None and bot.ao3 is not None and (info := await bot.ao3.lookup(link)) is not None:
        embed = ao3_embed(recorded, info, reader)
    edited = await edit_post(bot, fill.message_channel_id, fill.message_id, embed=embed)
    if isinstance(edited, Blocked):
        what = f"The announcement of a revealed fill of #{recorded.prompt.number} still shows it as anonymous"
        await warn_moderators(bot, fill.guild_id, what, edited)
    return edited


async def show_writers(bot: Promptfill, revealed: list[FillRecorded]) -> int:
    """A reveal day's edits, one announcement at a time and paced as waiting prompts are posted (Discord's limit
    per channel), then each prompt's post once. Returns how many announcements now name their writers."""
    edited = 0
    for index, recorded in enumerate(revealed):
        if index:
            await asyncio.sleep(configuring.POST_PACE)
        if await show_writer(bot, recorded) is True:
            edited += 1
    # The prompts' posts are in another channel: paced among themselves.
    for index, prompt in enumerate({r.prompt.id: r.prompt for r in revealed}.values()):
        if index:
            await asyncio.sleep(configuring.POST_PACE)
        await refresh_posted_prompt(bot, prompt)
    return edited
