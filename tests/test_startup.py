"""End-to-end start-up: the unmodified `bot.start()` against a loopback fake of Discord's REST and gateway."""

from __future__ import annotations

import asyncio
import json
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
from bot import create_bot
from tests.driver import ALICE, APPLICATION_ID, APPLICATION_PAYLOAD, BOT_USER_ID, BOT_USER_PAYLOAD, GUILD

BOT_USER = BOT_USER_PAYLOAD


def json_response(payload: Any) -> web.Response:
    # discord.py reads JSON only when the Content-Type is exactly application/json (no charset).
    return web.Response(body=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})


@dataclass
class LoopbackDiscord:
    rest: list[str] = field(default_factory=list)
    identified: list[dict[str, Any]] = field(default_factory=list)

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

        async def gateway(request: web.Request) -> web.WebSocketResponse:
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    break
                data = json.loads(message.data)
                if data["op"] == 2:
                    self.identified.append(data["d"])
                    ready = {
                        "v": 10,
                        "user": BOT_USER,
                        "guilds": [{"id": str(GUILD.id), "unavailable": True}],
                        "session_id": "loopback",
                        "resume_gateway_url": str(request.url),
                        "application": {"id": str(APPLICATION_ID), "flags": 0},
                    }
                    await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": 1, "d": ready}))
                    guild = GUILD.payload([ALICE])
                    await ws.send_str(json.dumps({"op": 0, "t": "GUILD_CREATE", "s": 2, "d": guild}))
                elif data["op"] == 1:
                    await ws.send_str(json.dumps({"op": 11}))
            return ws

        app = web.Application()
        app.router.add_get("/api/v10/users/@me", me)
        app.router.add_get("/api/v10/oauth2/applications/@me", application)
        app.router.add_put("/api/v10/applications/{application_id}/commands", sync)
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


async def test_the_real_start_logs_in_identifies_syncs_and_sees_the_server(loopback: LoopbackDiscord, tmp_path) -> None:
    bot = create_bot(tmp_path / "promptfill.db", ao3=AO3Config(enabled=False))
    bot._connection.guild_ready_timeout = 0.05
    running = asyncio.create_task(bot.start("loopback-token"))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        assert bot.user is not None and bot.user.id == BOT_USER_ID
        assert bot.get_guild(GUILD.id) is not None
        assert loopback.identified[0]["token"] == "loopback-token"
        assert loopback.identified[0]["intents"] == discord.Intents.default().value
        assert f"PUT /api/v10/applications/{APPLICATION_ID}/commands" in loopback.rest
        assert await bot.store.get_state("command_sync_hash") is not None
    finally:
        await bot.close()
        await asyncio.wait_for(running, 10)
    assert (tmp_path / "promptfill.db").exists()
