"""Posting open prompts to the server's prompts channel, and keeping those posts up to date.

Posts and edits of one prompt run one at a time, and each shows the prompt as the store has it when its
turn comes, not as the command that asked for it saw it: an approval racing a withdrawal, or a fill racing
one, always leaves the post showing the prompt's final state.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import TYPE_CHECKING

import discord

from cogs.ui.claiming import claim_view
from cogs.ui.embeds import prompt_embed
from db.models import Prompt
from interactions.sending import NO_MENTIONS, TRANSIENT_ERRORS, channel_reader, post

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)

# One lock per prompt with a post in progress; a lock nobody holds or waits for is dropped by itself.
_turns: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()


def _turn(prompt: Prompt) -> asyncio.Lock:
    lock = _turns.get(prompt.id)
    if lock is None:
        lock = _turns[prompt.id] = asyncio.Lock()
    return lock


async def post_open_prompt(bot: Promptfill, prompt: Prompt) -> bool:
    """Post an open prompt with its Claim button (an Explicit one in the server's channel for them, when set);
    False when no channel is set, the prompt can no longer be claimed (withdrawn meanwhile), it is already
    posted, or the post failed."""
    channel_id = (await bot.store.settings.get(prompt.guild_id)).posts_channel_for(prompt)
    if channel_id is None:
        return False
    async with _turn(prompt):
        current = await bot.store.prompts.get(prompt.guild_id, prompt.number)
        if not current.claimable or current.message_id is not None:
            return False
        reader = channel_reader(bot, channel_id)
        embed = prompt_embed(current, reader, private=False)
        view = claim_view(current.number) if reader.reads_text(current) else None
        message = await post(bot, channel_id, embed=embed, view=view)
        if message is None:
            return False
        await bot.store.prompts.set_message(current.id, message.channel.id, message.id)
        return True


async def refresh_posted_prompt(bot: Promptfill, prompt: Prompt) -> None:
    """Bring the prompts-channel post up to date (status, text); drop its Claim button once unclaimable."""
    async with _turn(prompt):
        current = await bot.store.prompts.get(prompt.guild_id, prompt.number)
        if current.message_channel_id is None or current.message_id is None:
            return
        channel_id = current.message_channel_id
        reader = channel_reader(bot, channel_id)
        embed = prompt_embed(current, reader, private=False)
        view = claim_view(current.number) if current.claimable and reader.reads_text(current) else None
        message = bot.get_partial_messageable(channel_id).get_partial_message(current.message_id)
        try:
            await message.edit(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            log.warning("could not update the post of prompt #%s: %s", current.number, error)
        except TRANSIENT_ERRORS as error:
            log.warning("the update of prompt #%s's post did not get through: %r", current.number, error)
