"""What every cog needs from an interaction: the bot, the server, who is asking and where."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands

from db.models import GuildSettings
from db.prompts import Viewer

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)

# Member text never pings. The one deliberate exception (the prompter in a fill announcement) builds
# its own AllowedMentions naming that single user.
NO_MENTIONS = discord.AllowedMentions.none()


class ModeratorsOnly(app_commands.CheckFailure):
    """Raised by the runtime moderator check (Manage Server or the server's moderator role)."""


class ServerOnly(app_commands.CheckFailure):
    """A server command used in a direct message."""


def bot_of(interaction: discord.Interaction) -> Promptfill:
    return cast("Promptfill", interaction.client)


def guild_id_of(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise ServerOnly()
    return interaction.guild_id


def age_restricted(channel: object) -> bool:
    is_nsfw = getattr(channel, "is_nsfw", None)
    return bool(is_nsfw()) if callable(is_nsfw) else False


def member_is_moderator(member: discord.abc.User, permissions: discord.Permissions, settings: GuildSettings) -> bool:
    if permissions.manage_guild or permissions.administrator:
        return True
    role_id = settings.moderator_role_id
    return role_id is not None and isinstance(member, discord.Member) and member.get_role(role_id) is not None


async def is_moderator(interaction: discord.Interaction) -> bool:
    if interaction.guild_id is None:
        return False
    settings = await bot_of(interaction).store.settings.get(interaction.guild_id)
    return member_is_moderator(interaction.user, interaction.permissions, settings)


async def viewer_of(interaction: discord.Interaction) -> Viewer:
    return Viewer(
        member_id=interaction.user.id,
        is_moderator=await is_moderator(interaction),
        age_restricted_channel=age_restricted(interaction.channel),
    )


async def require_moderator(interaction: discord.Interaction) -> bool:
    """Runtime check for moderator commands: default_permissions only hides them, this enforces."""
    guild_id_of(interaction)
    if not await is_moderator(interaction):
        raise ModeratorsOnly()
    return True


def moderators_only():
    """Hidden from members by Discord (Manage Server) and re-checked every time the command runs."""

    def decorate(func):
        func = app_commands.default_permissions(manage_guild=True)(func)
        func = app_commands.guild_only()(func)
        return app_commands.check(require_moderator)(func)

    return decorate


async def send_dm(bot: discord.Client, user_id: int, **message) -> bool:
    """Direct message a member; False (and a log line) when Discord refuses, e.g. closed DMs."""
    message.setdefault("allowed_mentions", NO_MENTIONS)
    try:
        channel = await bot.create_dm(discord.Object(id=user_id))
        await channel.send(**message)
    except discord.HTTPException as error:
        log.info("could not direct-message user %s: %s", user_id, error)
        return False
    return True


def channel_is_age_restricted(bot: discord.Client, channel_id: int) -> bool:
    return age_restricted(bot.get_channel(channel_id))


async def post(bot: discord.Client, channel_id: int, **message) -> discord.Message | None:
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


async def log_line(bot: Promptfill, guild_id: int, text: str) -> None:
    """One line in the server's log channel, if it has one. Callers never name anonymous prompters."""
    settings = await bot.store.settings.get(guild_id)
    if settings.log_channel_id is not None:
        await post(bot, settings.log_channel_id, content=text)


async def prompt_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
    """Prompts this member may see in this channel, by number or by words; at most 25."""
    if interaction.guild_id is None:
        return []
    viewer = await viewer_of(interaction)
    choices = await bot_of(interaction).store.prompts.autocomplete(interaction.guild_id, viewer, current)
    return [app_commands.Choice(name=_choice_name(c.number, c.label), value=c.number) for c in choices[:25]]


def _choice_name(number: int, text: str) -> str:
    flat = " ".join(text.split())
    name = f"#{number} {flat}"
    return name if len(name) <= 100 else name[:99] + "…"
