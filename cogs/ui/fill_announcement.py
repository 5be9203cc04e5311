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
from cogs.ui.claiming import server_name
from cogs.ui.embeds import CONTENT_LIMIT, ao3_embed, excerpt, fill_embed, link, prompt_link
from db.fills import FillRecorded
from db.models import Viewer
from interactions.sending import NO_MENTIONS, Blocked, Delivery, channel_reader, dm_delivery, edit_post, warn_moderators
from interactions.words import plural

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


def prompt_numbers(revealed: list[FillRecorded], shown: int = 10) -> str:
    """Which prompts a reveal day's fills answer, for the moderator and the log: "prompts #1, #3 and #5", or the
    first ones "… and 4 more"."""
    numbers = [f"#{n}" for n in sorted({r.prompt.number for r in revealed})]
    if len(numbers) == 1:
        return f"prompt {numbers[0]}"
    if len(numbers) > shown:
        return "prompts " + ", ".join(numbers[:shown]) + f" … and {len(numbers) - shown} more"
    return "prompts " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def _revealed_fill(recorded: FillRecorded) -> str:
    """ "your *Keepers* for #1 *The Lighthouse Keepers* (see it)", with a link to the announcement, or else to the
    prompt's post."""
    fill, prompt = recorded.fill, recorded.prompt
    work = f"*{discord.utils.escape_markdown(excerpt(fill.title, 80))}*" if fill.title else "fill"
    title = f" *{discord.utils.escape_markdown(excerpt(prompt.title, 80))}*" if prompt.title else ""
    if fill.message_channel_id is not None and fill.message_id is not None:
        url: str | None = f"https://discord.com/channels/{fill.guild_id}/{fill.message_channel_id}/{fill.message_id}"
    else:
        url = prompt_link(prompt)
    seen = f" ({link('see it', url)})" if url else ""
    return f"your {work} for #{prompt.number}{title}{seen}"


def revealed_dm(bot: discord.Client, revealed: list[FillRecorded]) -> str:
    """One writer's direct message on a reveal day: the server and each of their fills by prompt, in one message."""
    server = discord.utils.escape_markdown(server_name(bot, revealed[0].fill.guild_id))
    head = f"🎭 In **{server}**, the moderators revealed the anonymous fills: "
    verb = " now names you." if len(revealed) == 1 else " now name you."
    named = [_revealed_fill(r) for r in revealed]
    # Many fills give way to a count, so the message stays within Discord's limit.
    while len(named) > 1 and len(head) + len(", ".join(named)) + len(verb) + 40 > CONTENT_LIMIT:
        named.pop()
    rest = len(revealed) - len(named)
    if rest:
        listed = ", ".join(named) + f" and {plural(rest, 'more fill')} of yours"
    else:
        listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return head + listed + verb


async def tell_writers(bot: Promptfill, revealed: list[FillRecorded]) -> tuple[int, int]:
    """Each writer of a reveal day's fills gets one direct message about all of theirs; one member's closed direct
    messages cost nobody else theirs. Returns (writers told, writers in all)."""
    by_writer: dict[int, list[FillRecorded]] = {}
    for recorded in revealed:
        by_writer.setdefault(recorded.fill.member_id, []).append(recorded)
    told = 0
    for member_id, theirs in by_writer.items():
        delivery = await dm_delivery(bot, member_id, content=revealed_dm(bot, theirs), allowed_mentions=NO_MENTIONS)
        told += delivery is Delivery.SENT
    return told, len(by_writer)
