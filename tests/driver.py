"""Offline interaction driver: the real bot, the real discord.py dispatch, a fake network.

Everything the bot would send to Discord goes through two choke points, `HTTPClient.request` (bot REST)
and `AsyncWebhookAdapter.request` (interaction callbacks, followups, original-response edits). Both
are replaced by `FakeDiscord`, which records each call and answers with realistic payloads. Events
enter where the gateway would feed them (`parsers["READY"]`, `GUILD_CREATE`, `INTERACTION_CREATE`).
The driver refuses to send what Discord's client would refuse (missing required options, values out
of range, unknown choices), and emulates Discord's interaction rules (3-second callback window, one
callback, no followup before the callback).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import discord
from discord import app_commands
from discord.http import Route
from discord.webhook.async_ import AsyncWebhookAdapter

from ao3.client import AO3Config
from bot import Promptfill, create_bot
from db.database import Clock

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

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "hoist": False,
            "position": 1,
            "permissions": "0",
            "managed": False,
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

    def payload(self, guild_id: int) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": 0,
            "guild_id": str(guild_id),
            "name": self.name,
            "position": 0,
            "permission_overwrites": [],
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

    def payload(self, members: list[User]) -> dict[str, Any]:
        everyone = Role(self.id, "@everyone").payload()
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
            "system_channel_id": None,
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
            "roles": [everyone, *(r.payload() for r in self.roles)],
            "channels": [c.payload(self.id) for c in self.channels],
            "threads": [],
            "members": [m.member_payload() for m in members],
            "member_count": len(members),
            "large": False,
            "unavailable": False,
            "joined_at": "2025-01-01T00:00:00+00:00",
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
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
OTHER_GUILD = Guild(720000000000000002, "Elsewhere", (OTHER_CHANNEL,), ())
ALICE = User(730000000000000001, "alice")
BOB = User(730000000000000002, "bob")
CAROL = User(730000000000000003, "carol")
MOD = User(730000000000000009, "moderator", permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)
ROLE_MOD = User(730000000000000010, "rolemod", roles=(MOD_ROLE.id,))


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

    # -- failure injection -------------------------------------------------------------------------
    def fail(
        self, method: str, route: str, *, channel_id: int | None = None, status: int = 403, code: int = 50013
    ) -> None:
        """Make matching calls fail, e.g. ("POST", "/channels/{channel_id}/messages", 403, 50007)."""
        self.failures.append((method, route, channel_id, status, code))

    def close_dms(self, user_id: int) -> None:
        self.failures.append(("POST", "/channels/{channel_id}/messages", -user_id, 403, 50007))

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
        message = {
            "id": str(message_id or snowflake()),
            "channel_id": str(channel_id),
            "author": author or BOT_USER_PAYLOAD,
            "content": body.get("content") or "",
            "timestamp": datetime.now(UTC).isoformat(),
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
            "flags": body.get("flags", flags) or 0,
        }
        self.messages[int(message["id"])] = message
        return message

    def _update_message(self, message_id: int, body: dict[str, Any]) -> dict[str, Any]:
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
            failure = fake._failure_for(route.method, route.path, params)
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
            return [dict(c, id=str(snowflake()), application_id=str(APPLICATION_ID), version="1") for c in body]
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


@dataclass
class Outcome:
    """What the bot sent in answer to one interaction."""

    token: str
    calls: list[Call] = field(default_factory=list)

    @property
    def callback(self) -> dict[str, Any]:
        callbacks = [c for c in self.calls if c.route.endswith("/callback")]
        assert callbacks, f"the bot never answered the interaction: {self.calls}"
        return callbacks[0].body

    @property
    def kind(self) -> int:
        return self.callback["type"]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Bodies of every message-like thing sent: the callback's data, followups, edits."""
        bodies = []
        for call in self.calls:
            if call.route.endswith("/callback"):
                if call.body.get("type") in (4, 7) or (call.body.get("type") == 5 and call.body.get("data")):
                    bodies.append(call.body.get("data") or {})
            elif call.method in ("POST", "PATCH"):
                bodies.append(call.body or {})
        return bodies

    @property
    def last(self) -> dict[str, Any]:
        assert self.messages, f"no message was sent: {self.calls}"
        return self.messages[-1]

    @property
    def content(self) -> str:
        return self.last.get("content") or ""

    @property
    def text(self) -> str:
        """Content plus every embed's text, for loose assertions."""
        return " ".join(_message_text(m) for m in self.messages)

    @property
    def ephemeral(self) -> bool:
        return bool((self.last.get("flags") or 0) & 64) or self._deferred_ephemeral()

    def _deferred_ephemeral(self) -> bool:
        body = self.callback
        return body.get("type") == 5 and bool(((body.get("data") or {}).get("flags") or 0) & 64)

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.last.get("embeds") or []

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in _walk_components(self.last.get("components") or []) if "custom_id" in c]

    @property
    def modal(self) -> dict[str, Any]:
        assert self.kind == 9, f"expected a modal, got callback type {self.kind}"
        return self.callback["data"]

    @property
    def choices(self) -> list[dict[str, Any]]:
        assert self.kind == 8, f"expected autocomplete choices, got callback type {self.kind}"
        return self.callback["data"]["choices"]

    @property
    def message_id(self) -> int:
        """Id of the message this interaction created or updated (to click its buttons)."""
        for call in self.calls:
            if call.route.endswith("/callback") and call.response and call.response.get("resource"):
                return int(call.response["resource"]["message"]["id"])
        for call in self.calls:
            if call.method == "POST" and isinstance(call.response, dict) and "id" in call.response:
                return int(call.response["id"])
        raise AssertionError("this interaction created no message")


def _walk_components(components: list[dict[str, Any]]):
    for component in components:
        yield component
        yield from _walk_components(component.get("components") or [])
        if "component" in component:
            yield from _walk_components([component["component"]])


def _message_text(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f.get('name')} {f.get('value')}" for f in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")
        parts.append((embed.get("author") or {}).get("name") or "")
    return " ".join(parts)


class ErrorCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Driver:
    def __init__(self, bot: Promptfill, fake: FakeDiscord) -> None:
        self.bot = bot
        self.fake = fake
        self.errors = ErrorCollector()
        self.task_errors: list[BaseException] = []
        self._tokens = itertools.count(1)
        self._original_webhook_request = AsyncWebhookAdapter.request
        self.members: list[User] = [ALICE, BOB, CAROL, MOD, ROLE_MOD]
        self._enforce_client_rules = True
        self._capturing: list[asyncio.Task[Any]] | None = None
        self._children: dict[asyncio.Task[Any], list[asyncio.Task[Any]]] = {}

    # -- lifetime ----------------------------------------------------------------------------------------
    @classmethod
    async def start(
        cls,
        database: str | Path,
        *,
        clock: Clock | None = None,
        guilds: tuple[Guild, ...] = (GUILD, OTHER_GUILD),
        rng: random.Random | None = None,
        ao3: AO3Config | None = None,
    ) -> Driver:
        # AO3 lookups stay off unless a test points them at its own local server.
        bot = create_bot(database, clock=clock, rng=rng, ao3=ao3 or AO3Config(enabled=False))
        fake = FakeDiscord()
        driver = cls(bot, fake)
        logging.getLogger().addHandler(driver.errors)
        asyncio.get_running_loop().set_task_factory(driver._record_task)  # type: ignore[arg-type]
        http_request, get_from_cdn = fake.http_handler()
        bot.http.request = http_request  # type: ignore[method-assign]
        bot.http.get_from_cdn = get_from_cdn  # type: ignore[method-assign]
        AsyncWebhookAdapter.request = fake.webhook_handler()  # type: ignore[method-assign]
        try:
            await bot.login("fake-token")
            state = bot._connection
            state.guild_ready_timeout = 0.01
            user = BOT_USER_PAYLOAD
            await driver._feed(
                "READY",
                {
                    "v": 10,
                    "user": user,
                    "guilds": [],
                    "session_id": "fake",
                    "resume_gateway_url": "wss://fake.invalid",
                    "application": {"id": str(APPLICATION_ID), "flags": 0},
                },
            )
            for guild in guilds:
                for channel in guild.channels:
                    fake.channel_names[channel.id] = channel
                await driver._feed("GUILD_CREATE", guild.payload(driver.members))
            await asyncio.wait_for(bot.wait_until_ready(), 5)
            await driver._first_sweep_done()
        except BaseException:
            await driver.close()
            raise
        return driver

    async def _first_sweep_done(self) -> None:
        # The background loop sweeps once as soon as the bot is ready. Let that pass finish, so that a test
        # that moves the clock and calls sweep() is never raced by it.
        deadline = time.monotonic() + 5
        while self.bot.background_passes == 0:
            if time.monotonic() > deadline:
                raise TimeoutError("the background sweep did not run after start")
            await asyncio.sleep(0.001)

    async def close(self) -> None:
        try:
            await self.bot.close()
        finally:
            asyncio.get_running_loop().set_task_factory(None)
            AsyncWebhookAdapter.request = self._original_webhook_request  # type: ignore[method-assign]
            logging.getLogger().removeHandler(self.errors)

    def unexpected_errors(self) -> list[str]:
        found = [f"{r.getMessage()}\n{r.exc_text or ''}" for r in self.errors.records]
        found += [repr(e) for e in self.task_errors]
        return found

    def forget_errors(self) -> list[str]:
        """For tests that cause an error on purpose: hand the collected errors over and clear them."""
        found = self.unexpected_errors()
        self.errors.records.clear()
        self.task_errors.clear()
        return found

    # -- feeding events ---------------------------------------------------------------------------------
    async def _feed(self, event: str, payload: dict[str, Any]) -> None:
        # Parsers are synchronous: the tasks created during the call are this event's own.
        self._capturing = []
        try:
            self.bot._connection.parsers[event](payload)
            roots = self._capturing
        finally:
            self._capturing = None
        await self._settle(roots)

    def _record_task(self, loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        # A task factory that remembers each task's parent, so that waiting for an event follows only the
        # tasks that event started (many events in flight at once would otherwise wait on each other's).
        task = asyncio.Task(coro, loop=loop, **kwargs)
        if self._capturing is not None:
            self._capturing.append(task)
        parent = asyncio.current_task(loop)
        if parent is not None:
            self._children.setdefault(parent, []).append(task)
        return task

    async def _settle(self, roots: list[asyncio.Task[Any]]) -> None:
        """Wait for an event's tasks and the tasks they start, but not for long-lived ones (view timeouts)."""
        deadline = time.monotonic() + 30
        queue = list(roots)
        while queue:
            task = queue.pop()
            if _long_lived(task):
                continue
            if not task.done():
                await asyncio.wait({task}, timeout=max(0.0, deadline - time.monotonic()))
                if not task.done():
                    raise TimeoutError(f"a task was still running after 30 s: {task}")
            if not task.cancelled() and task.exception() is not None:
                self.task_errors.append(task.exception())  # type: ignore[arg-type]
            queue.extend(self._children.pop(task, []))

    def _base_payload(self, kind: int, user: User, channel: Channel, guild: Guild | None) -> dict[str, Any]:
        token = f"token-{next(self._tokens)}"
        interaction_id = snowflake()
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(APPLICATION_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "channel_id": str(channel.id),
            "locale": "en-US",
            "app_permissions": str(discord.Permissions.all().value),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id) if guild else "0"},
            "context": 0 if guild else 1,
            "attachment_size_limit": 10_000_000,
        }
        if guild is not None:
            payload["guild_id"] = str(guild.id)
            payload["guild_locale"] = "en-US"
            payload["member"] = user.member_payload()
            payload["channel"] = channel.payload(guild.id)
        else:
            payload["user"] = user.user_payload()
            payload["channel"] = {"id": str(channel.id), "type": 1, "recipients": [user.user_payload()]}
        self.fake.interactions[token] = {
            "id": interaction_id,
            "type": kind,
            "created": time.monotonic(),
            "acknowledged": False,
            "channel_id": channel.id,
            "message_id": None,
        }
        return payload

    async def _dispatch(self, payload: dict[str, Any]) -> Outcome:
        outcome = Outcome(payload["token"])
        await self._feed("INTERACTION_CREATE", payload)
        outcome.calls = self.fake.calls_by_token.pop(payload["token"], [])
        return outcome

    # -- what tests call -----------------------------------------------------------------------------------
    async def command(
        self,
        name: str,
        user: User = ALICE,
        channel: Channel = GENERAL,
        guild: Guild | None = GUILD,
        **options: Any,
    ) -> Outcome:
        """Run a slash command as Discord would send it: `await driver.command("prompt submit", text=...)`."""
        payload = self._base_payload(2, user, channel, guild)
        payload["data"] = self._command_data(name, options, focused=None)
        return await self._dispatch(payload)

    async def command_unchecked(
        self,
        name: str,
        user: User = ALICE,
        channel: Channel = GENERAL,
        guild: Guild | None = GUILD,
        **options: Any,
    ) -> Outcome:
        """Like command(), but skips the checks Discord's client makes (as a direct API call would)."""
        self._enforce_client_rules = False
        try:
            return await self.command(name, user, channel, guild, **options)
        finally:
            self._enforce_client_rules = True

    async def autocomplete(
        self,
        name: str,
        focused: str,
        typed: str,
        user: User = ALICE,
        channel: Channel = GENERAL,
        guild: Guild | None = GUILD,
        **options: Any,
    ) -> Outcome:
        payload = self._base_payload(4, user, channel, guild)
        payload["data"] = self._command_data(name, {**options, focused: typed}, focused=focused)
        return await self._dispatch(payload)

    async def click(
        self,
        message_id: int,
        custom_id: str,
        user: User = ALICE,
        channel: Channel | None = None,
        guild: Guild | None = GUILD,
    ) -> Outcome:
        message = self.fake.messages[message_id]
        ids = [c.get("custom_id") for c in _walk_components(message.get("components") or [])]
        assert custom_id in ids, f"{custom_id!r} is not on that message: {ids}"
        where = channel or self.fake.channel_names.get(int(message["channel_id"])) or GENERAL
        payload = self._base_payload(3, user, where, guild)
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        payload["message"] = message
        self.fake.interactions[payload["token"]]["message_id"] = message_id
        return await self._dispatch(payload)

    async def submit_modal(
        self,
        modal: dict[str, Any],
        values: dict[str, str],
        user: User = ALICE,
        channel: Channel = GENERAL,
        guild: Guild | None = GUILD,
    ) -> Outcome:
        """Answer a modal the bot sent (Outcome.modal) with values by text-input custom_id."""
        components = []
        for top in modal["components"]:
            if top["type"] == 1:
                inner = top["components"][0]
                components.append(
                    {
                        "type": 1,
                        "components": [
                            {
                                "type": 4,
                                "custom_id": inner["custom_id"],
                                "value": values.get(inner["custom_id"], ""),
                            }
                        ],
                    }
                )
            elif top["type"] == 18:
                inner = top["component"]
                components.append(
                    {
                        "type": 18,
                        "component": {
                            "type": 4,
                            "custom_id": inner["custom_id"],
                            "value": values.get(inner["custom_id"], ""),
                        },
                    }
                )
        payload = self._base_payload(5, user, channel, guild)
        payload["data"] = {"custom_id": modal["custom_id"], "components": components}
        return await self._dispatch(payload)

    def text_input_ids(self, modal: dict[str, Any]) -> list[str]:
        return [c["custom_id"] for c in _walk_components(modal["components"]) if c.get("type") == 4]

    def attach(self, attachment: Attachment) -> None:
        self.fake.attachments[attachment.url] = attachment.content

    # -- what the bot posted elsewhere ---------------------------------------------------------------
    def posts(self, channel: Channel | int) -> list[dict[str, Any]]:
        channel_id = channel if isinstance(channel, int) else channel.id
        return [
            c.body
            for c in self.fake.calls
            if c.method == "POST"
            and c.route == "/channels/{channel_id}/messages"
            and c.channel_id == channel_id
            and c.response is not None
        ]

    def post_calls(self) -> list[Call]:
        return [c for c in self.fake.calls if c.method == "POST" and c.route == "/channels/{channel_id}/messages"]

    def dms(self, user: User | int) -> list[dict[str, Any]]:
        user_id = user if isinstance(user, int) else user.id
        return [
            c.body
            for c in self.fake.calls
            if c.method == "POST"
            and c.route == "/channels/{channel_id}/messages"
            and self.fake.dm_channels.get(c.channel_id or 0) == user_id
            and c.response is not None
        ]

    # -- building command payloads -------------------------------------------------------------------
    def _command_data(self, name: str, options: dict[str, Any], focused: str | None) -> dict[str, Any]:
        parts = name.split()
        command = self.bot.tree.get_command(parts[0])
        assert command is not None, f"no command /{parts[0]}"
        chain = [command]
        for part in parts[1:]:
            assert isinstance(command, app_commands.Group)
            command = command.get_command(part)
            assert command is not None, f"no command /{name}"
            chain.append(command)
        assert isinstance(command, app_commands.Command)
        resolved: dict[str, dict[str, Any]] = {}
        leaf_options = self._options(command, options, focused, resolved)
        nested: list[dict[str, Any]] = leaf_options
        for link in reversed(chain[1:]):
            kind = 2 if isinstance(link, app_commands.Group) else 1
            nested = [{"name": link.name, "type": kind, "options": nested}]
        data: dict[str, Any] = {"id": str(snowflake()), "name": chain[0].name, "type": 1, "options": nested}
        if resolved:
            data["resolved"] = resolved
        return data

    def _options(
        self,
        command: app_commands.Command,
        options: dict[str, Any],
        focused: str | None,
        resolved: dict[str, dict[str, Any]],
    ) -> list[dict[str, Any]]:
        known = {p.name: p for p in command.parameters}
        unknown = set(options) - set(known)
        assert not unknown, f"/{command.qualified_name} has no options {unknown}"
        result = []
        for param in command.parameters:
            if param.name not in options:
                assert not param.required or focused is not None, (
                    f"Discord requires {param.name} for /{command.qualified_name}"
                )
                continue
            value = options[param.name]
            option: dict[str, Any] = {"name": param.name, "type": param.type.value}
            if param.name == focused:
                option.update(value=str(value), focused=True)
            else:
                option["value"] = self._option_value(param, value, resolved)
            result.append(option)
        return result

    def _option_value(self, param: app_commands.Parameter, value: Any, resolved: dict[str, dict[str, Any]]) -> Any:
        if self._enforce_client_rules:
            _client_rules(param, value)
        return self._option_value_resolved(param, value, resolved)

    def _option_value_resolved(
        self, param: app_commands.Parameter, value: Any, resolved: dict[str, dict[str, Any]]
    ) -> Any:
        kind = param.type
        T = discord.AppCommandOptionType
        if kind is T.user:
            resolved.setdefault("users", {})[str(value.id)] = value.user_payload()
            member = value.member_payload()
            member.pop("user")
            resolved.setdefault("members", {})[str(value.id)] = member
            return str(value.id)
        if kind is T.channel:
            channel_payload = value.payload(GUILD.id)
            channel_payload["permissions"] = str(discord.Permissions.all().value)
            resolved.setdefault("channels", {})[str(value.id)] = channel_payload
            return str(value.id)
        if kind is T.role:
            resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            return str(value.id)
        if kind is T.attachment:
            attachment_id = snowflake()
            self.attach(value)
            resolved.setdefault("attachments", {})[str(attachment_id)] = {
                "id": str(attachment_id),
                "filename": value.filename,
                "size": len(value.content),
                "url": value.url,
                "proxy_url": value.url,
                "content_type": value.content_type,
            }
            return str(attachment_id)
        return value


def _client_rules(param: app_commands.Parameter, value: Any) -> None:
    """What Discord's client refuses to send: out-of-range numbers, overlong strings, unknown choices."""
    kind = param.type
    T = discord.AppCommandOptionType
    if kind in (T.integer, T.number):
        if param.min_value is not None:
            assert value >= param.min_value, f"Discord refuses {param.name}={value} (min {param.min_value})"
        if param.max_value is not None:
            assert value <= param.max_value, f"Discord refuses {param.name}={value} (max {param.max_value})"
    if kind is T.string:
        assert isinstance(value, str)
        # For strings discord.py keeps Range's bounds as min/max_value; Discord reads them as lengths.
        if param.max_value is not None:
            assert len(value) <= param.max_value, f"Discord refuses {param.name}: longer than {param.max_value}"
        if param.min_value is not None:
            assert len(value) >= param.min_value, f"Discord refuses {param.name}: shorter than {param.min_value}"
    if param.choices:
        assert value in [c.value for c in param.choices], f"{value!r} is not a choice of {param.name}"


def _long_lived(task: asyncio.Task[Any]) -> bool:
    name = task.get_coro().__qualname__ if task.get_coro() else ""  # type: ignore[union-attr]
    return any(part in name for part in ("timeout_task", "Loop._loop", "_delay_ready", "keep_alive"))
