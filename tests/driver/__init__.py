"""Offline interaction driver: the real bot, the real discord.py dispatch, a fake network.

world: the servers, channels and members of a test; fake_discord: the recording fake of Discord's API;
outcome: what one interaction got back; driver: logs the bot in and feeds it events and interactions.
"""

from tests.driver.driver import Driver
from tests.driver.fake_discord import Call, FakeDiscord
from tests.driver.outcome import Outcome
from tests.driver.world import (
    ALICE,
    APPLICATION_ID,
    APPLICATION_PAYLOAD,
    BOB,
    BOT_USER_ID,
    BOT_USER_PAYLOAD,
    CAROL,
    FILLS,
    GENERAL,
    GUILD,
    LOG,
    MANAGE_GUILD,
    MEMBER_PERMISSIONS,
    MOD,
    MOD_ROLE,
    NSFW,
    OTHER_CHANNEL,
    OTHER_GUILD,
    PROMPTS,
    ROLE_MOD,
    Attachment,
    Channel,
    Guild,
    Role,
    User,
    snowflake,
)

__all__ = [
    "ALICE",
    "APPLICATION_ID",
    "APPLICATION_PAYLOAD",
    "BOB",
    "BOT_USER_ID",
    "BOT_USER_PAYLOAD",
    "CAROL",
    "FILLS",
    "GENERAL",
    "GUILD",
    "LOG",
    "MANAGE_GUILD",
    "MEMBER_PERMISSIONS",
    "MOD",
    "MOD_ROLE",
    "NSFW",
    "OTHER_CHANNEL",
    "OTHER_GUILD",
    "PROMPTS",
    "ROLE_MOD",
    "Attachment",
    "Call",
    "Channel",
    "Driver",
    "FakeDiscord",
    "Guild",
    "Outcome",
    "Role",
    "User",
    "snowflake",
]
