"""Sending: member text never pings, and a failed send (closed DMs, a deleted channel) is logged, never raised."""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from db.models import Viewer
from interactions.checks import Interaction, age_restricted

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)

# The one deliberate exception (the prompter in a fill announcement) builds its own AllowedMentions
# naming that single user.
NO_MENTIONS = discord.AllowedMentions.none()


def channel_reader(bot: discord.Client, channel_id: int) -> Viewer:
    """Whoever reads a post in that channel."""
    return Viewer.channel_reader(age_restricted=age_restricted(bot.get_channel(channel_id)))


# A dropped connection or a timeout on the way to Discord: worth trying again later, unlike a refusal.
TRANSIENT_ERRORS = (aiohttp.ClientError, OSError, TimeoutError)


class Delivery(enum.Enum):
    SENT = "sent"
    REFUSED = "refused"  # Discord said no (closed DMs, no access): trying again will not help
    FAILED = "failed"  # the request did not get through (connection, timeout, Discord's 5xx): try again


async def dm_delivery(bot: discord.Client, user_id: int, **message: Any) -> Delivery:
    """Direct message a member and say how it went; never raises, so one member's failure costs no one else."""
    message.setdefault("allowed_mentions", NO_MENTIONS)
    try:
        channel = await bot.create_dm(discord.Object(id=user_id))
        await channel.send(**message)
    except discord.HTTPException as error:
        log.info("could not direct-message user %s: %s", user_id, error)
        return Delivery.FAILED if error.status >= 500 else Delivery.REFUSED
    except TRANSIENT_ERRORS as error:
        log.warning("direct message to user %s did not get through: %r", user_id, error)
        return Delivery.FAILED
    return Delivery.SENT


async def send_dm(bot: discord.Client, user_id: int, **message: Any) -> bool:
    """Direct message a member; False (and a log line) when it was not delivered, e.g. closed DMs."""
    return await dm_delivery(bot, user_id, **message) is Delivery.SENT


async def post(bot: discord.Client, channel_id: int, **message: Any) -> discord.Message | None:
    """Send to a configured channel; None (and a log line) when that fails (deleted, no permission)."""
    message.setdefault("allowed_mentions", NO_MENTIONS)
    channel = bot.get_channel(channel_id) or bot.get_partial_messageable(channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        log.warning("channel %s is not one the bot can post in", channel_id)
        return None
    try:
        return await channel.send(**message)
    except discord.HTTPException as error:
        log.warning("could not post in channel %s: %s", channel_id, error)
        return None
    except TRANSIENT_ERRORS as error:
        log.warning("a post in channel %s did not get through: %r", channel_id, error)
        return None


async def log_line(bot: Promptfill, guild_id: int, text: str) -> None:
    """One line in the server's log channel, if it has one. Callers never name anonymous prompters."""
    settings = await bot.store.settings.get(guild_id)
    if settings.log_channel_id is not None:
        await post(bot, settings.log_channel_id, content=text)


async def answer_privately(interaction: Interaction, content: str, **extra: Any) -> None:
    """An ephemeral answer with no pings: the interaction's response or, once that is used (deferred), a followup."""
    extra.setdefault("allowed_mentions", NO_MENTIONS)
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, **extra)
    else:
        await interaction.response.send_message(content, ephemeral=True, **extra)


def mention_list(member_ids: tuple[int, ...] | list[int]) -> str:
    """Members as mentions, for private replies and log lines (sent with pings blocked)."""
    return ", ".join(f"<@{m}>" for m in member_ids) or "nobody"
