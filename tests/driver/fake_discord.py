"""A fake of Discord's HTTP API at discord.py's two choke points: records what the bot sends, answers as Discord would.

`HTTPClient.request` carries the bot's REST calls (login, messages, DMs, command sync);
`AsyncWebhookAdapter.request` carries interaction callbacks, followups and original-response edits.
Discord's interaction rules are emulated: the 3-second callback window, one callback, no followup first.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn

import aiohttp
import discord
from discord.http import Route

from tests.driver.api_schema import discord_api_schema, limit_problems
from tests.driver.world import (
    APPLICATION_ID,
    APPLICATION_PAYLOAD,
    BOT_USER_PAYLOAD,
    CALLBACK_WINDOW,
    Channel,
    snowflake,
)

DROPPED = 0  # a failure "status" meaning the connection dropped: no answer at all


@dataclass
class Call:
    method: str
    route: str
    params: dict[str, Any]
    body: Any
    files: list[tuple[str, bytes]]
    token: str | None = None
    at: float = 0.0
    response: Any = None

    @property
    def channel_id(self) -> int | None:
        value = self.params.get("channel_id")
        return int(value) if value is not None else None


class FakeResponse:
    """Enough of aiohttp's response for discord.HTTPException."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason


class FakeDiscord:
    """Records what the bot sends and answers like Discord would."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.calls_by_token: dict[str, list[Call]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.dm_channels: dict[int, int] = {}  # DM channel id -> user id
        self.failures: list[tuple[str, str, int | None, int, int]] = []
        self.interactions: dict[str, dict[str, Any]] = {}
        self.attachments: dict[str, bytes] = {}
        self.channel_names: dict[int, Channel] = {}
        self.synced_commands: list[dict[str, Any]] = []  # what the last sync stored, with Discord's ids
        self.departed: set[tuple[int, int]] = set()  # (server, member): no longer a member there (404 on fetch)
        # Realistic REST: every call takes `latency` seconds, and calls to a rate-limited channel take their
        # turn one after another (Discord's per-channel bucket).
        self.latency = 0.0
        self.requests_per_second = 0.0  # Discord's global limit (50/s for a bot) when set: requests are paced
        self._next_slot = 0.0
        self._slow_channels: dict[int, tuple[float, asyncio.Lock]] = {}
        # Requests Discord would answer 400: each fails the test that made it (Driver.unexpected_errors).
        self.refused: list[str] = []
        self._schema = discord_api_schema()
        # Benchmarks turn the check off: it costs about a millisecond a request, which is the checker's
        # time, not the bot's.
        self.check_requests = True

    def _check_body(self, method: str, route: str, body: Any) -> None:
        """Answer 400 as Discord would to a body it refuses, and remember it for the test to fail on."""
        if not self.check_requests:
            return
        schema = self._schema
        problems = schema.problems(method, route, body) if schema is not None else limit_problems(body)
        if problems:
            self.refused.append(f"Discord would refuse {method} {route}: " + "; ".join(problems[:5]))
            _raise(400, 50035)  # Invalid Form Body

    def forget(self) -> None:
        """Drop what was recorded so far (benchmarks: a growing history only makes the collector slower)."""
        self.calls.clear()
        self.calls_by_token.clear()
        self.messages.clear()
        self.interactions.clear()

    # -- failure injection -------------------------------------------------------------------------
    def fail(
        self, method: str, route: str, *, channel_id: int | None = None, status: int = 403, code: int = 50013
    ) -> None:
        """Make matching calls fail, e.g. ("POST", "/channels/{channel_id}/messages", 403, 50007)."""
        self.failures.append((method, route, channel_id, status, code))

    def leave(self, guild_id: int, user_id: int) -> None:
        """The member left the server: fetching them there answers 404 Unknown Member, as Discord does."""
        self.departed.add((guild_id, user_id))

    def close_dms(self, user_id: int) -> None:
        self.failures.append(("POST", "/channels/{channel_id}/messages", -user_id, 403, 50007))

    def rate_limit(self, channel_id: int, seconds_per_call: float) -> None:
        """Calls on this channel's messages wait their turn and take this long each, as under a 429 bucket."""
        self._slow_channels[channel_id] = (seconds_per_call, asyncio.Lock())

    async def _wait_turn(self, params: dict[str, Any]) -> None:
        if self.requests_per_second:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1 / self.requests_per_second
            if slot > now:
                await asyncio.sleep(slot - now)
        if self.latency:
            await asyncio.sleep(self.latency)
        slow = self._slow_channels.get(int(params.get("channel_id") or 0))
        if slow is not None:
            seconds, lock = slow
            async with lock:
                await asyncio.sleep(seconds)

    def drop_dms(self, user_id: int) -> None:
        """The connection drops whenever a direct message to this member is sent (until failures are cleared)."""
        self.failures.append(("POST", "/channels/{channel_id}/messages", -user_id, DROPPED, 0))

    def _failure_for(self, method: str, route: str, params: dict[str, Any]) -> tuple[int, int] | None:
        channel = params.get("channel_id")
        for f_method, f_route, f_channel, status, code in self.failures:
            if f_method != method or f_route != route:
                continue
            if f_channel is None:
                return status, code
            if f_channel < 0 and channel is not None and self.dm_channels.get(int(channel)) == -f_channel:
                return status, code
            if channel is not None and int(channel) == f_channel:
                return status, code
        return None

    # -- message payloads ----------------------------------------------------------------------------
    def message_payload(
        self,
        channel_id: int,
        body: dict[str, Any],
        *,
        author: dict[str, Any] | None = None,
        message_id: int | None = None,
        flags: int = 0,
    ) -> dict[str, Any]:
        message = message_shape(
            str(message_id or snowflake()),
            str(channel_id),
            body,
            author=author,
            timestamp=datetime.now(UTC).isoformat(),
            flags=body.get("flags", flags) or 0,
        )
        self.messages[int(message["id"])] = message
        return message

    def _update_message(self, message_id: int, body: dict[str, Any]) -> dict[str, Any]:
        if message_id not in self.messages:
            _raise(404, 10008)  # Unknown Message: deleted, or sent before this fake was started
        message = dict(self.messages[message_id])
        for key in ("content", "embeds", "components"):
            if key in body and body[key] is not None:
                message[key] = body[key]
        message["edited_timestamp"] = datetime.now(UTC).isoformat()
        self.messages[message_id] = message
        return message

    # -- the two choke points --------------------------------------------------------------------------
    def http_handler(self):
        fake = self

        async def request(route: Route, *, files=None, form=None, **kwargs: Any) -> Any:
            params = _route_params(route)
            body = kwargs.get("json")
            if form:
                for part in form:
                    if part.get("name") == "payload_json":
                        body = json.loads(part["value"])
            call = Call(route.method, route.path, params, body, _read_files(files), at=time.monotonic())
            fake.calls.append(call)
            fake._check_body(route.method, route.path, body)
            await fake._wait_turn(params)
            failure = fake._failure_for(route.method, route.path, params)
            if failure and failure[0] == DROPPED:
                raise aiohttp.ClientOSError(104, "Connection reset by peer")
            if failure:
                _raise(*failure)
            call.response = fake._answer_http(route, params, body or {})
            return call.response

        async def get_from_cdn(url: str) -> bytes:
            if url not in fake.attachments:
                _raise(404, 0)
            return fake.attachments[url]

        return request, get_from_cdn

    def _answer_http(self, route: Route, params: dict[str, Any], body: Any) -> Any:
        path, method = route.path, route.method
        if path == "/users/@me":
            return {**BOT_USER_PAYLOAD, "flags": 0}
        if path == "/oauth2/applications/@me":
            return APPLICATION_PAYLOAD
        if path.endswith("/commands") and method == "PUT":
            self.synced_commands = [
                dict(c, id=str(snowflake()), application_id=str(APPLICATION_ID), version="1") for c in body
            ]
            return self.synced_commands
        if path.endswith("/commands") and method == "GET":
            return self.synced_commands
        if path == "/users/@me/channels":
            user_id = int(body["recipient_id"])
            channel_id = next((c for c, u in self.dm_channels.items() if u == user_id), None) or snowflake()
            self.dm_channels[channel_id] = user_id
            return {
                "id": str(channel_id),
                "type": 1,
                "last_message_id": None,
                "recipients": [
                    {"id": str(user_id), "username": f"user{user_id}", "discriminator": "0", "avatar": None}
                ],
            }
        if path == "/guilds/{guild_id}/members/{member_id}" and method == "GET":
            user_id = int(params["member_id"])
            if (int(params["guild_id"]), user_id) in self.departed:
                _raise(404, 10007)  # Unknown Member
            user = {"id": str(user_id), "username": f"user{user_id}", "discriminator": "0", "avatar": None}
            joined = "2026-01-01T00:00:00+00:00"
            return {"user": user, "roles": [], "joined_at": joined, "deaf": False, "mute": False, "flags": 0}
        if path == "/channels/{channel_id}/messages" and method == "POST":
            return self.message_payload(int(params["channel_id"]), body)
        if path == "/channels/{channel_id}/messages/{message_id}" and method == "PATCH":
            return self._update_message(int(params["message_id"]), body)
        return {}

    def webhook_handler(self):
        fake = self

        async def request(
            adapter: Any,
            route: Route,
            session: Any = None,
            *,
            payload=None,
            multipart=None,
            files=None,
            params=None,
            **kwargs: Any,
        ) -> Any:
            route_params = _route_params(route)
            body = payload
            if multipart:
                for part in multipart:
                    if part.get("name") == "payload_json":
                        body = json.loads(part["value"])
            token = route_params.get("webhook_token")
            call = Call(
                route.method,
                route.path,
                route_params,
                body,
                _read_files(files),
                token=token,
                at=time.monotonic(),
            )
            fake.calls.append(call)
            fake.calls_by_token.setdefault(token or "", []).append(call)
            fake._check_body(route.method, route.path, body)
            await fake._wait_turn({})
            call.at = time.monotonic()
            call.response = fake._answer_webhook(call)
            return call.response

        return request

    def _answer_webhook(self, call: Call) -> Any:
        state = self.interactions.get(call.token or "")
        body = call.body or {}
        if call.route.endswith("/callback"):
            if state is None:
                _raise(404, 10062)
            assert state is not None
            if time.monotonic() - state["created"] > CALLBACK_WINDOW:
                _raise(404, 10062)
            if state["acknowledged"]:
                _raise(400, 40060)
            state["acknowledged"] = True
            kind = body.get("type")
            data = body.get("data") or {}
            answer: dict[str, Any] = {"interaction": {"id": str(state["id"]), "type": state["type"]}}
            if kind in (4, 5):
                message = self.message_payload(state["channel_id"], data, flags=data.get("flags", 0))
                state["original"] = int(message["id"])
                answer["interaction"]["response_message_id"] = message["id"]
                answer["interaction"]["response_message_loading"] = kind == 5
                answer["interaction"]["response_message_ephemeral"] = bool((data.get("flags") or 0) & 64)
                answer["resource"] = {"type": kind, "message": message}
            elif kind in (6, 7) and state.get("message_id"):
                message = (
                    self._update_message(state["message_id"], data) if kind == 7 else self.messages[state["message_id"]]
                )
                state["original"] = state["message_id"]
                answer["resource"] = {"type": kind, "message": message}
            return answer
        if state is None or not state["acknowledged"]:
            _raise(404, 10015)
        assert state is not None
        if call.method == "POST":  # followup
            return self.message_payload(state["channel_id"], body, flags=body.get("flags", 0))
        if call.method == "PATCH":
            target = call.params.get("message_id")
            message_id = state.get("original") if target in (None, "@original") else int(target)
            if message_id is None:
                _raise(404, 10008)
            return self._update_message(int(message_id), body)  # type: ignore[arg-type]
        if call.method == "GET":
            return self.messages[state["original"]]
        return None


def _route_params(route: Route) -> dict[str, Any]:
    # Route keeps the formatted URL; recover the parameters by matching the template.
    template = route.path.strip("/").split("/")
    actual = route.url.split("/api/v10/", 1)[1].split("?")[0].split("/")
    return {t[1:-1]: a for t, a in zip(template, actual, strict=False) if t.startswith("{")}


def _read_files(files: Any) -> list[tuple[str, bytes]]:
    read = []
    for f in files or []:
        f.reset()
        read.append((f.filename, f.fp.read()))
        f.reset()
    return read


def _raise(status: int, code: int) -> NoReturn:
    response = FakeResponse(status, "error")
    data = {"code": code, "message": f"fake error {code}"}
    kind = {403: discord.Forbidden, 404: discord.NotFound}.get(status, discord.HTTPException)
    raise kind(response, data)  # type: ignore[arg-type]  # only .status and .reason are read


def message_shape(
    message_id: str,
    channel_id: str,
    body: dict[str, Any],
    *,
    author: dict[str, Any] | None = None,
    timestamp: str,
    flags: int = 0,
) -> dict[str, Any]:
    """A message as Discord returns it for what the bot sent (`body`): shared by this fake and bench.startup's
    loopback Discord, so both answer with the shape discord.py parses."""
    return {
        "id": message_id,
        "channel_id": channel_id,
        "author": author or BOT_USER_PAYLOAD,
        "content": body.get("content") or "",
        "timestamp": timestamp,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "pinned": False,
        "type": 0,
        "components": body.get("components") or [],
        "flags": flags,
    }
