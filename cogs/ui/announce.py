"""Posting open prompts to the server's prompts channel, and keeping those posts up to date."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from cogs.ui.claiming import claim_view
from cogs.ui.embeds import prompt_embed
from db.models import Prompt
from interactions.sending import NO_MENTIONS, channel_reader, post

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)


async def post_open_prompt(bot: Promptfill, prompt: Prompt) -> bool:
    """Post an open prompt with its Claim button; False when no channel is set or the post failed."""
    channel_id = (await bot.store.settings.get(prompt.guild_id)).prompts_channel_id
    if prompt.status != "open" or channel_id is None:
        return False
    embed = prompt_embed(prompt, channel_reader(bot, channel_id), private=False)
    message = await post(bot, channel_id, embed=embed, view=claim_view(prompt.number))
    if message is None:
        return False
    await bot.store.prompts.set_message(prompt.id, message.channel.id, message.id)
    return True


async def refresh_posted_prompt(bot: Promptfill, prompt: Prompt) -> None:
    """Bring the prompts-channel post up to date (status, text); drop its Claim button once unclaimable."""
    if prompt.message_channel_id is None or prompt.message_id is None:
        return
    channel_id = prompt.message_channel_id
    embed = prompt_embed(prompt, channel_reader(bot, channel_id), private=False)
    view = claim_view(prompt.number) if prompt.claimable else None
    message = bot.get_partial_messageable(channel_id).get_partial_message(prompt.message_id)
    try:
        await message.edit(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as error:
        log.warning("could not update the post of prompt #%s: %s", prompt.number, error)
