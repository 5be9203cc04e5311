"""Sending: member text never pings, and a failed send (closed DMs, a deleted channel) is logged, never raised."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
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


# What the bot needs in a channel to post there and keep its posts current, by Discord's own names for them.
POSTING_PERMISSIONS = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "read_message_history": "Read Message History",
}


@dataclass(frozen=True)
class Blocked:
    """Discord refused a post or an edit for a missing permission (403): what the moderators must fix, where."""

    channel_id: int
    missing: tuple[str, ...]  # Discord's names of the permissions the bot lacks there; empty when unknown

    def reason(self) -> str:
        """ "I am missing Send Messages in #prompts", as far as the cached permissions tell."""
        where = f"<#{self.channel_id}>"
        if not self.missing:
            return f"Discord refused me in {where} for a missing permission (I need {_names(POSTING_PERMISSIONS)})"
        noun = "permission" if len(self.missing) == 1 else "permissions"
        return f"I am missing the {_names(self.missing)} {noun} in {where}"


def _names(names: Any) -> str:
    listed = list(names.values()) if isinstance(names, dict) else list(names)
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


def blocked_in(bot: discord.Client, channel_id: int) -> Blocked:
    """Which posting permissions the bot lacks in the channel, read from the cached server (roles, overwrites)."""
    channel = bot.get_channel(channel_id)
    me = getattr(getattr(channel, "guild", None), "me", None)
    if not isinstance(channel, discord.abc.GuildChannel) or me is None:
        return Blocked(channel_id, ())
    granted = channel.permissions_for(me)
    # Without View Channel Discord denies everything else there, and without Send Messages embeds too: name the
    # permission to give first, not what follows from it (once it is given, a later failure names the next).
    if not granted.view_channel:
        return Blocked(channel_id, (POSTING_PERMISSIONS["view_channel"],))
    if not granted.send_messages:
        return Blocked(channel_id, (POSTING_PERMISSIONS["send_messages"],))
    missing = tuple(name for flag, name in POSTING_PERMISSIONS.items() if not getattr(granted, flag))
    return Blocked(channel_id, missing)


async def deliver(bot: discord.Client, channel_id: int, **message: Any) -> discord.Message | Blocked | None:
    """Send to a configured channel: the message, Blocked when a permission is missing there (so the caller
    can say so), or None (and a log line) when it failed otherwise (a deleted channel, a dropped connection)."""
    message.setdefault("allowed_mentions", NO_MENTIONS)
    channel = bot.get_channel(channel_id) or bot.get_partial_messageable(channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        log.warning("channel %s is not one the bot can post in", channel_id)
        return None
    try:
        return await channel.send(**message)
    except discord.Forbidden as error:
        log.warning("may not post in channel %s: %s", channel_id, error)
        return blocked_in(bot, channel_id)
    except discord.HTTPException as error:
        log.warning("could not post in channel %s: %s", channel_id, error)
        return None
    except TRANSIENT_ERRORS as error:
        log.warning("a post in channel %s did not get through: %r", channel_id, error)
        return None


async def post(bot: discord.Client, channel_id: int, **message: Any) -> discord.Message | None:
    """Send to a configured channel; None (and a log line) when that fails (deleted, no permission)."""
    sent = await deliver(bot, channel_id, **message)
    return sent if isinstance(sent, discord.Message) else None


async def edit_post(bot: discord.Client, channel_id: int, message_id: int, **changes: Any) -> bool | Blocked:
    """Edit one of the bot's posts: True when edited, Blocked for a missing permission, False otherwise (logged)."""
    changes.setdefault("allowed_mentions", NO_MENTIONS)
    message = bot.get_partial_messageable(channel_id).get_partial_message(message_id)
    try:
        await message.edit(**changes)
    except discord.Forbidden as error:
        log.warning("may not edit message %s in channel %s: %s", message_id, channel_id, error)
        return blocked_in(bot, channel_id)
    except discord.HTTPException as error:
        log.warning("could not edit message %s in channel %s: %s", message_id, channel_id, error)
        return False
    except TRANSIENT_ERRORS as error:
        log.warning("the edit of message %s did not get through: %r", message_id, error)
        return False
    return True


async def log_line(bot: Promptfill, guild_id: int, text: str) -> discord.Message | Blocked | None:
    """One line in the server's log channel, if it has one: the message, Blocked when the bot may not post
    there, None without a log channel or when it failed otherwise. Callers never name anonymous prompters."""
    settings = await bot.store.settings.get(guild_id)
    if settings.log_channel_id is None:
        return None
    return await deliver(bot, settings.log_channel_id, content=text)


async def warn_moderators(
    bot: Promptfill, guild_id: int, what: str, blocked: Blocked
) -> discord.Message | Blocked | None:
    """Tell the moderators in the log channel what could not be posted and which permission is missing where.
    The result says whether they were told (a message), or why not (Blocked: the log channel refuses too)."""
    return await log_line(
        bot,
        guild_id,
        f"⚠️ {what}: {blocked.reason()}. A moderator can allow it in that channel's settings (Permissions).",
    )


async def note_unlogged(interaction: Interaction, logged: discord.Message | Blocked | None) -> None:
    """After a moderator's action: when a missing permission kept its log line out, they read what is missing
    where (the log channel is where moderators would have learnt it)."""
    if isinstance(logged, Blocked):
        await answer_privately(
            interaction, f"That is done, but I could not note it in the log channel: {logged.reason()}."
        )


def unreported(blocked: Blocked, told: discord.Message | Blocked | None) -> str:
    """For the acting moderator's reply when the log channel could not carry the warning: what is missing where."""
    if isinstance(told, discord.Message):
        return ""
    text = f" {blocked.reason()}."
    if isinstance(told, Blocked) and told.channel_id != blocked.channel_id:
        text += f" I could not warn the moderators in the log channel either: {told.reason()}."
    return text


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
