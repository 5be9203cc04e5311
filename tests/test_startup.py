"""End-to-end start-up: the unmodified `bot.start()` against a loopback fake of Discord's REST and gateway."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import discord
import pytest
import yarl
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer
from discord.gateway import DiscordWebSocket
from discord.http import Route

from ao3.client import AO3Config
from bot import Promptfill, create_bot, stop_on_signals
from tests.driver import (
    ALICE,
    APPLICATION_ID,
    APPLICATION_PAYLOAD,
    BOT_USER_ID,
    BOT_USER_PAYLOAD,
    GUILD,
    OTHER_GUILD,
    Guild,
)

BOT_USER = BOT_USER_PAYLOAD


def json_response(payload: Any) -> web.Response:
    # discord.py reads JSON only when the Content-Type is exactly application/json (no charset).
    return web.Response(body=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})


@dataclass
class LoopbackDiscord:
    rest: list[str] = field(default_factory=list)
    identified: list[dict[str, Any]] = field(default_factory=list)
    recommended_shards: int = 2
    guilds: tuple[Guild, ...] = (GUILD, OTHER_GUILD)
    sockets: list[web.WebSocketResponse] = field(default_factory=list)  # open gateways (bench.startup feeds them)

    def app(self) -> web.Application:
        async def me(request: web.Request) -> web.Response:
            self.rest.append(f"GET {request.path}")
            return json_response(BOT_USER)

        async def application(request: web.Request) -> web.Response:
            self.rest.append(f"GET {request.path}")
            return json_response(APPLICATION_PAYLOAD)

        async def sync(request: web.Request) -> web.Response:
            self.rest.append(f"PUT {request.path}")
            commands = await request.json()
            return json_response(
                [
                    dict(c, id=str(1000 + i), application_id=str(APPLICATION_ID), version="1")
                    for i, c in enumerate(commands)
                ]
            )

        async def gateway_bot(request: web.Request) -> web.Response:
            self.rest.append(f"GET {request.path}")
            url = str(request.url.with_path("/gateway")).replace("http", "ws", 1)
            limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
            return json_response({"url": url, "shards": self.recommended_shards, "session_start_limit": limit})

        async def gateway(request: web.Request) -> web.WebSocketResponse:
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            self.sockets.append(ws)
            await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    break
                data = json.loads(message.data)
                if data["op"] == 2:
                    self.identified.append(data["d"])
                    shard_id, shard_count = data["d"].get("shard", [0, 1])
                    # Each shard is told of, then sent, the servers that Discord's rule puts on it.
                    mine = [g for g in self.guilds if (g.id >> 22) % shard_count == shard_id]
                    ready = {
                        "v": 10,
                        "user": BOT_USER,
                        "guilds": [{"id": str(g.id), "unavailable": True} for g in mine],
                        "session_id": f"loopback-{shard_id}",
                        "resume_gateway_url": str(request.url),
                        "application": {"id": str(APPLICATION_ID), "flags": 0},
                        "shard": [shard_id, shard_count],
                    }
                    await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": 1, "d": ready}))
                    for sequence, guild in enumerate(mine, start=2):
                        payload = guild.payload([ALICE])
                        await ws.send_str(json.dumps({"op": 0, "t": "GUILD_CREATE", "s": sequence, "d": payload}))
                elif data["op"] == 1:
                    await ws.send_str(json.dumps({"op": 11}))
            return ws

        app = web.Application()
        app.router.add_get("/api/v10/users/@me", me)
        app.router.add_get("/api/v10/oauth2/applications/@me", application)
        app.router.add_put("/api/v10/applications/{application_id}/commands", sync)
        app.router.add_get("/api/v10/gateway/bot", gateway_bot)
        app.router.add_get("/gateway", gateway)
        return app


@pytest.fixture
async def loopback(monkeypatch) -> AsyncIterator[LoopbackDiscord]:
    fake = LoopbackDiscord()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    monkeypatch.setattr(Route, "BASE", f"{base}/api/v10")
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(f"{base.replace('http', 'ws')}/gateway"))
    try:
        yield fake
    finally:
        await server.close()


async def start_and_wait(bot: Promptfill) -> asyncio.Task[None]:
    bot._connection.guild_ready_timeout = 0.05

    # discord.py waits 5 s between two shards' IDENTIFY (Discord's pacing); the loopback needs no pacing.
    async def identify_at_once(shard_id: int | None, *, initial: bool = False) -> None:
        return None

    bot.before_identify_hook = identify_at_once  # type: ignore[method-assign]
    running = asyncio.create_task(bot.start("loopback-token"))
    await asyncio.wait_for(bot.wait_until_ready(), 10)
    return running


async def test_the_real_start_logs_in_identifies_syncs_and_sees_the_server(loopback: LoopbackDiscord, tmp_path) -> None:
    bot = create_bot(tmp_path / "promptfill.db", ao3=AO3Config(enabled=False))
    running = await start_and_wait(bot)
    try:
        assert bot.user is not None and bot.user.id == BOT_USER_ID
        # No SHARD_COUNT: the count Discord recommends, each shard identified with its own number.
        assert "GET /api/v10/gateway/bot" in loopback.rest
        assert bot.shard_count == 2
        assert sorted(tuple(i["shard"]) for i in loopback.identified) == [(0, 2), (1, 2)]
        assert {i["token"] for i in loopback.identified} == {"loopback-token"}
        assert {i["intents"] for i in loopback.identified} == {discord.Intents(guilds=True).value}
        for guild in (GUILD, OTHER_GUILD):
            seen = bot.get_guild(guild.id)
            assert seen is not None and seen.shard_id == (guild.id >> 22) % 2
        assert f"PUT /api/v10/applications/{APPLICATION_ID}/commands" in loopback.rest
        assert await bot.store.get_state("command_sync_hash") is not None
    finally:
        await bot.close()
        await asyncio.wait_for(running, 10)
    assert (tmp_path / "promptfill.db").exists()


async def test_a_set_shard_count_is_used_without_asking_discord(loopback: LoopbackDiscord, tmp_path) -> None:
    bot = create_bot(tmp_path / "promptfill.db", ao3=AO3Config(enabled=False), shard_count=3)
    running = await start_and_wait(bot)
    try:
        assert "GET /api/v10/gateway/bot" not in loopback.rest
        assert sorted(tuple(i["shard"]) for i in loopback.identified) == [(0, 3), (1, 3), (2, 3)]
        assert {g.id for g in bot.guilds} == {GUILD.id, OTHER_GUILD.id}
    finally:
        await bot.close()
        await asyncio.wait_for(running, 10)


async def test_sigterm_closes_the_running_bot_and_its_store(loopback: LoopbackDiscord, tmp_path) -> None:
    database = tmp_path / "promptfill.db"
    bot = create_bot(database, ao3=AO3Config(enabled=False))
    running = await start_and_wait(bot)
    try:
        stop_on_signals(bot)  # as run() does
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, 10)  # start() returns: run() ends and main() exits 0
        assert bot.is_closed()
        with pytest.raises(RuntimeError, match="not open"):
            await bot.store.get_state("command_sync_hash")
    finally:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(number)
        await bot.close()
    # The lock went with the close: another bot may start on the file.
    again = create_bot(database, ao3=AO3Config(enabled=False))
    await again.store.open()
    await again.store.close()
