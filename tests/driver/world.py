"""The world of a test: Discord's payloads for the bot itself, servers, channels, roles and members."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import discord

APPLICATION_ID = 900000000000000001
BOT_USER_ID = APPLICATION_ID
CALLBACK_WINDOW = 3.0
MANAGE_GUILD = discord.Permissions(manage_guild=True).value
MEMBER_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, read_message_history=True, use_application_commands=True
).value

# What Discord answers for the bot's own user and application (also served by the start-up test's fake).
BOT_USER_PAYLOAD: dict[str, Any] = {
    "id": str(BOT_USER_ID),
    "username": "Promptfill",
    "discriminator": "0",
    "avatar": None,
    "bot": True,
}
APPLICATION_PAYLOAD: dict[str, Any] = {
    "id": str(APPLICATION_ID),
    "name": "Promptfill",
    "description": "",
    "icon": None,
    "bot_public": True,
    "bot_require_code_grant": False,
    "verify_key": "0" * 64,
    "flags": 0,
    "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": None},
}

_snowflakes = itertools.count(1_100_000_000_000_000_000)


def snowflake() -> int:
    return next(_snowflakes)


@dataclass(frozen=True)
class Role:
    id: int
    name: str
    permissions: int = 0
    managed: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "hoist": False,
            "position": 1,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": True,
            "flags": 0,
        }


@dataclass(frozen=True)
class User:
    id: int
    name: str
    roles: tuple[int, ...] = ()
    permissions: int = MEMBER_PERMISSIONS

    def user_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.name,
            "avatar": None,
        }

    def member_payload(self) -> dict[str, Any]:
        return {
            "user": self.user_payload(),
            "roles": [str(r) for r in self.roles],
            "joined_at": "2025-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(self.permissions),
        }


@dataclass(frozen=True)
class Channel:
    id: int
    name: str
    nsfw: bool = False
    # Permission overwrites as Discord sends them, e.g. denying the bot's role Send Messages here.
    overwrites: tuple[dict[str, Any], ...] = ()

    def payload(self, guild_id: int) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": 0,
            "guild_id": str(guild_id),
            "name": self.name,
            "position": 0,
            "permission_overwrites": list(self.overwrites),
            "nsfw": self.nsfw,
            "parent_id": None,
            "topic": None,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
        }


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"

    @property
    def url(self) -> str:
        return f"https://cdn.example.invalid/attachments/{self.filename}"


@dataclass(frozen=True)
class Guild:
    id: int
    name: str
    channels: tuple[Channel, ...]
    roles: tuple[Role, ...]
    system_channel: Channel | None = None

    def payload(self, members: list[User]) -> dict[str, Any]:
        everyone = Role(self.id, "@everyone").payload()
        # The bot is a member too, with the role Discord makes from the invite's permissions.
        bot = {**BOT_MEMBER.member_payload(), "user": {**BOT_MEMBER.user_payload(), "bot": True}}
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": "1",
            "afk_channel_id": None,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "features": [],
            "mfa_level": 0,
            "system_channel_id": str(self.system_channel.id) if self.system_channel else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "emojis": [],
            "stickers": [],
            "roles": [everyone, BOT_ROLE.payload(), *(r.payload() for r in self.roles)],
            "channels": [c.payload(self.id) for c in self.channels],
            "threads": [],
            "members": [bot, *(m.member_payload() for m in members)],
            "member_count": len(members) + 1,
            "large": False,
            "unavailable": False,
            "joined_at": "2025-01-01T00:00:00+00:00",
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
        }


# What the invite asks for (bot.py's INVITE_PERMISSIONS), given to the bot's own role in every server.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, read_message_history=True
).value


def deny_bot(*permissions: str) -> dict[str, Any]:
    """A channel overwrite taking these permissions (discord.Permissions names) from the bot's role."""
    return {
        "id": str(BOT_ROLE.id),
        "type": 0,
        "allow": "0",
        "deny": str(discord.Permissions(**dict.fromkeys(permissions, True)).value),
    }


# The default world of a test: one server with ordinary, age-restricted and configured channels.
MOD_ROLE = Role(700000000000000001, "Prompt Mods")
GENERAL = Channel(710000000000000001, "general")
NSFW = Channel(710000000000000002, "after-dark", nsfw=True)
PROMPTS = Channel(710000000000000003, "prompts")
FILLS = Channel(710000000000000004, "fills")
LOG = Channel(710000000000000005, "mod-log")
GUILD = Guild(720000000000000001, "Writers' Den", (GENERAL, NSFW, PROMPTS, FILLS, LOG), (MOD_ROLE,))
OTHER_CHANNEL = Channel(710000000000000099, "elsewhere")
# One shard further along than GUILD by Discord's rule (id >> 22), so two shards each get a server.
OTHER_GUILD = Guild(720000000004194306, "Elsewhere", (OTHER_CHANNEL,), ())
ALICE = User(730000000000000001, "alice")
BOB = User(730000000000000002, "bob")
CAROL = User(730000000000000003, "carol")
MOD = User(730000000000000009, "moderator", permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)
ROLE_MOD = User(730000000000000010, "rolemod", roles=(MOD_ROLE.id,))

BOT_ROLE = Role(700000000000000098, "Promptfill", permissions=BOT_PERMISSIONS, managed=True)
BOT_MEMBER = User(BOT_USER_ID, "Promptfill", roles=(BOT_ROLE.id,), permissions=BOT_PERMISSIONS)
