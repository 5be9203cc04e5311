"""Who is asking, where, and whether they may: the server, the moderator rule and the viewer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias, TypeVar

import discord
from discord import app_commands

from db.models import Viewer

if TYPE_CHECKING:
    from bot import Promptfill

Interaction: TypeAlias = "discord.Interaction[Promptfill]"
T = TypeVar("T")

# What Discord asks of a member before it shows them a moderator command at all.
MODERATOR_PERMISSIONS = discord.Permissions(manage_guild=True)
# What the bot needs in every channel it posts in (the invite asks for exactly these), by Discord's own names.
POSTING_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    ("read_message_history", "Read Message History"),
)


class ModeratorsOnly(app_commands.CheckFailure):
    """Raised by the runtime moderator check (Manage Server or the server's moderator role)."""


class ServerOnly(app_commands.CheckFailure):
    """A server command used in a direct message."""


def guild_id_of(interaction: Interaction) -> int:
    if interaction.guild_id is None:
        raise ServerOnly()
    return interaction.guild_id


def age_restricted(channel: object) -> bool:
    is_nsfw = getattr(channel, "is_nsfw", None)
    return bool(is_nsfw()) if callable(is_nsfw) else False


async def is_moderator(interaction: Interaction) -> bool:
    """Manage Server (or Administrator), or the role set by /settings set moderator_role."""
    if interaction.guild_id is None:
        return False
    if interaction.permissions.manage_guild or interaction.permissions.administrator:
        return True
    role_id = (await interaction.client.store.settings.get(interaction.guild_id)).moderator_role_id
    member = interaction.user
    return role_id is not None and isinstance(member, discord.Member) and member.get_role(role_id) is not None


async def require_moderator(interaction: Interaction) -> bool:
    """The runtime check of every moderator command and button: default_permissions only hides them."""
    guild_id_of(interaction)
    if not await is_moderator(interaction):
        raise ModeratorsOnly()
    return True


def moderators_only() -> Callable[[T], T]:
    """Hidden from members by Discord (Manage Server) and checked again every time the command runs.

    Discord applies default permissions only to top-level commands, so a group of moderator commands
    also declares `default_permissions=MODERATOR_PERMISSIONS` itself."""

    def decorate(func: T) -> T:
        func = app_commands.default_permissions(manage_guild=True)(func)
        func = app_commands.guild_only()(func)
        return app_commands.check(require_moderator)(func)

    return decorate


async def viewer_of(interaction: Interaction) -> Viewer:
    return Viewer(
        member_id=interaction.user.id,
        is_moderator=await is_moderator(interaction),
        age_restricted_channel=age_restricted(interaction.channel),
    )


def missing_permissions(channel: discord.abc.GuildChannel) -> list[str]:
    """The posting permissions the bot lacks in this channel, as Discord's settings name them: only those a
    role or an overwrite withholds, not those Discord takes along (without View Channel nothing else counts,
    without Send Messages neither do Embed Links), so the list says exactly what to allow."""
    me = channel.guild.me
    if me is None:  # not cached yet: nothing can be said, so nothing is claimed missing
        return []
    allowed = _granted(channel, me)
    return [label for attribute, label in POSTING_PERMISSIONS if not getattr(allowed, attribute)]


def _granted(channel: discord.abc.GuildChannel, me: discord.Member) -> discord.Permissions:
    # Discord's order: the roles' permissions, then the channel's overwrites for @everyone, for the member's
    # roles together, and for the member. discord.py's permissions_for() also applies the implications.
    granted = me.guild_permissions
    if granted.administrator:
        return discord.Permissions.all()
    overwrites = channel.overwrites
    everyone = overwrites.get(channel.guild.default_role)
    if everyone is not None:
        allow, deny = everyone.pair()
        granted.handle_overwrite(allow=allow.value, deny=deny.value)
    allows = denies = 0
    for role in me.roles:
        overwrite = overwrites.get(role) if not role.is_default() else None
        if overwrite is not None:
            allow, deny = overwrite.pair()
            allows, denies = allows | allow.value, denies | deny.value
    granted.handle_overwrite(allow=allows, deny=denies)
    own = overwrites.get(me)
    if own is not None:
        allow, deny = own.pair()
        granted.handle_overwrite(allow=allow.value, deny=deny.value)
    return granted


def may_send(channel: discord.abc.GuildChannel) -> bool:
    """Whether the bot can post plain text there (a welcome needs no embed and no history)."""
    return not set(missing_permissions(channel)) & {"View Channel", "Send Messages"} and channel.guild.me is not None


def permission_problem(channel: discord.abc.GuildChannel) -> str | None:
    """One sentence naming what the bot lacks in the channel, or None when it can post there."""
    missing = missing_permissions(channel)
    if not missing:
        return None
    listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    noun, them = ("permission", "it") if len(missing) == 1 else ("permissions", "them")
    return (
        f"In {channel.mention} Promptfill lacks the {listed} {noun}: allow {them} for its role in that "
        "channel's settings, under Permissions."
    )
