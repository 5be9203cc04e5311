"""Memory per server: realistic GUILD_CREATE payloads fed through discord.py's own parser into the bot.

Run alone in a fresh process (`python -m bench.servers [--intents default]`), so that resident memory is
the bot's and nothing else's: it prints one JSON line. `make bench` runs it and reports the figures.

Each server is shaped like a mid-sized writing server: 3 categories, 30 channels (text, voice, forum, a
few with permission overwrites), 20 roles, 50 emojis and 5 stickers, the bot's own member.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from typing import Any

import discord

from bench.measure import rss_mib
from bot import create_bot

APPLICATION_ID = 900000000000000001
BOT_USER = {"id": str(APPLICATION_ID), "username": "Promptfill", "discriminator": "0", "avatar": None, "bot": True}
FIRST_GUILD = 800_000_000_000_000_000
CHECKPOINTS = (1_000, 10_000)
SHARDS = 4


def guild_payload(index: int) -> dict[str, Any]:
    guild_id = FIRST_GUILD + index * 10_000
    ids = iter(range(guild_id + 1, guild_id + 10_000))
    roles = [
        {
            "id": str(guild_id if r == 0 else next(ids)),
            "name": "@everyone" if r == 0 else f"Role {r} of server {index}",
            "color": r * 1000,
            "hoist": r % 5 == 0,
            "position": r,
            "permissions": "1071698660929",
            "managed": False,
            "mentionable": r % 2 == 0,
            "flags": 0,
            "icon": None,
            "unicode_emoji": None,
        }
        for r in range(20)
    ]
    categories = [str(next(ids)) for _ in range(3)]
    channels: list[dict[str, Any]] = [
        {"id": c, "type": 4, "name": f"Category {n}", "position": n, "permission_overwrites": [], "flags": 0}
        for n, c in enumerate(categories)
    ]
    for n in range(30):
        kind = 2 if n % 6 == 5 else 15 if n % 10 == 9 else 0
        overwrites = (
            [
                {"id": roles[1]["id"], "type": 0, "allow": "1024", "deny": "2048"},
                {"id": roles[0]["id"], "type": 0, "allow": "0", "deny": "1024"},
            ]
            if n % 4 == 0
            else []
        )
        channel: dict[str, Any] = {
            "id": str(next(ids)),
            "type": kind,
            "name": f"channel-{n}-of-{index}",
            "position": n,
            "parent_id": categories[n % 3],
            "permission_overwrites": overwrites,
            "nsfw": n == 7,
            "flags": 0,
        }
        if kind == 0:
            channel |= {"topic": f"Talk about things, part {n}", "rate_limit_per_user": 0, "last_message_id": None}
        elif kind == 2:
            channel |= {"bitrate": 64000, "user_limit": 0, "rtc_region": None}
        else:
            channel |= {"topic": None, "available_tags": [], "default_reaction_emoji": None}
        channels.append(channel)
    emojis = [
        {
            "id": str(next(ids)),
            "name": f"emoji_{e}",
            "roles": [],
            "require_colons": True,
            "managed": False,
            "animated": e % 7 == 0,
            "available": True,
        }
        for e in range(50)
    ]
    stickers = [
        {
            "id": str(next(ids)),
            "name": f"sticker {s}",
            "description": "a sticker",
            "tags": "smile",
            "type": 2,
            "format_type": 1,
            "available": True,
            "guild_id": str(guild_id),
        }
        for s in range(5)
    ]
    me = {
        "user": BOT_USER,
        "roles": [roles[1]["id"]],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
    }
    return {
        "id": str(guild_id),
        "name": f"Writing server {index}",
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": "1",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "features": ["COMMUNITY", "NEWS"],
        "mfa_level": 0,
        "system_channel_id": channels[3]["id"],
        "system_channel_flags": 0,
        "rules_channel_id": channels[4]["id"],
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 1,
        "premium_subscription_count": 3,
        "preferred_locale": "en-US",
        "public_updates_channel_id": channels[5]["id"],
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "emojis": emojis,
        "stickers": stickers,
        "roles": roles,
        "channels": channels,
        "threads": [],
        "members": [me],
        "member_count": 250 + index % 1000,
        "large": False,
        "unavailable": False,
        "joined_at": "2025-01-01T00:00:00+00:00",
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


async def ingest(default_intents: bool) -> dict[str, Any]:
    bot = create_bot(":memory:", shard_count=SHARDS)
    if default_intents:  # for comparison: what the bot cached before it asked for the guilds intent only
        bot = discord.AutoShardedClient(intents=discord.Intents.default(), shard_count=SHARDS)
    await bot._async_setup_hook()  # what login() does first: the ready event and the shards' queue
    state = bot._connection
    state.shard_count = SHARDS
    state.shard_ids = list(range(SHARDS))
    state.guild_ready_timeout = 0.0
    for shard_id in range(SHARDS):
        state.parsers["READY"](
            {
                "v": 10,
                "user": BOT_USER,
                "guilds": [],
                "session_id": f"bench-{shard_id}",
                "resume_gateway_url": "wss://bench.invalid",
                "application": {"id": str(APPLICATION_ID), "flags": 0},
                "shard": [shard_id, SHARDS],
            }
        )
    await asyncio.sleep(0.05)  # the shards' READY waits end
    gc.collect()
    figures: dict[str, Any] = {"intents": bot.intents.value, "rss_before_mib": rss_mib(), "checkpoints": {}}
    started = time.perf_counter()
    joined = 0
    for checkpoint in CHECKPOINTS:
        while joined < checkpoint:
            state.parsers["GUILD_CREATE"](guild_payload(joined))
            joined += 1
            if joined % 500 == 0:
                await asyncio.sleep(0)  # the join events discord.py dispatches run, as on a live loop
        await asyncio.sleep(0)
        gc.collect()
        figures["checkpoints"][str(checkpoint)] = {
            "rss_mib": rss_mib(),
            "ingest_s": time.perf_counter() - started,
            "servers_cached": len(bot.guilds),
        }
    last = figures["checkpoints"][str(CHECKPOINTS[-1])]
    figures["per_1000_mib"] = (last["rss_mib"] - figures["rss_before_mib"]) / (CHECKPOINTS[-1] / 1000)
    figures["emojis_cached"] = len(bot.emojis)
    await bot.close()
    return figures


if __name__ == "__main__":
    print(json.dumps(asyncio.run(ingest(default_intents="--intents" in sys.argv))))
