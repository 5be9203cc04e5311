"""The driver: the real bot logged in against the fake, events fed where the gateway feeds them
(`parsers["READY"]`, `GUILD_CREATE`, `INTERACTION_CREATE`), and raw interaction payloads built the way
Discord's client builds them, refusing what that client would refuse (missing required options, values
out of range, unknown choices)."""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.webhook.async_ import AsyncWebhookAdapter

from ao3.client import AO3Config
from bot import Promptfill, create_bot
from db.database import Clock
from tests.driver.fake_discord import Call, FakeDiscord
from tests.driver.outcome import Outcome, walk_components
from tests.driver.world import (
    ALICE,
    APPLICATION_ID,
    BOB,
    BOT_USER_ID,
    BOT_USER_PAYLOAD,
    CAROL,
    GENERAL,
    GUILD,
    MOD,
    OTHER_GUILD,
    ROLE_MOD,
    Attachment,
    Channel,
    Guild,
    User,
    snowflake,
)


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's rule for which shard a server's events arrive on."""
    return (guild_id >> 22) % shard_count


def ready_payload(shard_id: int, shard_count: int) -> dict[str, Any]:
    return {
        "v": 10,
        "user": BOT_USER_PAYLOAD,
        "guilds": [],
        "session_id": f"fake-{shard_id}",
        "resume_gateway_url": "wss://fake.invalid",
        "application": {"id": str(APPLICATION_ID), "flags": 0},
        "shard": [shard_id, shard_count],
    }


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
        self.attachment_size_limit = 10 * 1024 * 1024  # a server without boosts
        self.settle_timeout = 30.0  # how long an interaction may run before the test fails (bulk benchmarks: more)
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
        shards: int = 2,
        commands_on_discord: list[dict[str, Any]] | None = None,
    ) -> Driver:
        # AO3 lookups stay off unless a test points them at its own local server.
        bot = create_bot(database, clock=clock, rng=rng, ao3=ao3 or AO3Config(enabled=False), shard_count=shards)
        fake = FakeDiscord()
        # What Discord already holds from an earlier sync (answered when the bot reads its commands' ids).
        fake.synced_commands = list(commands_on_discord or [])
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
            # What launch_shards() sets before connecting; each shard then gets its READY and its servers.
            state.shard_count = shards
            state.shard_ids = list(range(shards))
            for shard_id in range(shards):
                await driver._feed("READY", ready_payload(shard_id, shards))
                for guild in guilds:
                    if shard_of(guild.id, shards) != shard_id:
                        continue
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
        found += self.fake.refused
        return found

    def forget_errors(self) -> list[str]:
        """For tests that cause an error on purpose: hand the collected errors over and clear them."""
        found = self.unexpected_errors()
        self.errors.records.clear()
        self.task_errors.clear()
        self.fake.refused.clear()
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
        deadline = time.monotonic() + self.settle_timeout
        queue = list(roots)
        while queue:
            task = queue.pop()
            if _long_lived(task):
                continue
            if not task.done():
                await asyncio.wait({task}, timeout=max(0.0, deadline - time.monotonic()))
                if not task.done():
                    raise TimeoutError(f"a task was still running after {self.settle_timeout:.0f} s: {task}")
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
            "attachment_size_limit": self.attachment_size_limit,
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
            "user_id": user.id,  # who reads the private replies (secrecy tests)
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
        /,
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
        /,
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
        ids = [c.get("custom_id") for c in walk_components(message.get("components") or [])]
        assert custom_id in ids, f"{custom_id!r} is not on that message: {ids}"
        where = channel or self.fake.channel_names.get(int(message["channel_id"])) or GENERAL
        payload = self._base_payload(3, user, where, guild)
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        payload["message"] = message
        self.fake.interactions[payload["token"]]["message_id"] = message_id
        return await self._dispatch(payload)

    async def select(
        self,
        message_id: int,
        custom_id: str,
        values: list[Any],
        user: User = ALICE,
        channel: Channel | None = None,
        guild: Guild | None = GUILD,
    ) -> Outcome:
        """Choose in a select menu of a message the bot sent: strings for a plain select, Channel or Role objects
        for channel and role menus (sent with their resolved data, as Discord does)."""
        message = self.fake.messages[message_id]
        found = [c for c in walk_components(message.get("components") or []) if c.get("custom_id") == custom_id]
        assert found, f"{custom_id!r} is not on that message"
        component = found[0]
        kind = component["type"]
        assert kind in (3, 5, 6, 7, 8), f"{custom_id!r} is not a select menu (type {kind})"
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        assert low <= len(values) <= high, f"Discord takes {low} to {high} values here, not {len(values)}"
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": kind}
        if kind == 3:
            allowed = [o["value"] for o in component.get("options") or []]
            assert all(v in allowed for v in values), f"{values} are not among the options {allowed}"
            data["values"] = list(values)
        else:
            resolved: dict[str, dict[str, Any]] = {}
            data["values"] = [str(v.id) for v in values]
            for value in values:
                if isinstance(value, Channel):
                    types = component.get("channel_types")
                    assert not types or 0 in types, f"this menu offers no text channels ({types})"
                    resolved.setdefault("channels", {})[str(value.id)] = {
                        **value.payload(GUILD.id if guild is None else guild.id),
                        "permissions": str(discord.Permissions.all().value),
                    }
                else:
                    resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            data["resolved"] = resolved
        where = channel or self.fake.channel_names.get(int(message["channel_id"])) or GENERAL
        payload = self._base_payload(3, user, where, guild)
        payload["data"] = data
        payload["message"] = message
        self.fake.interactions[payload["token"]]["message_id"] = message_id
        return await self._dispatch(payload)

    async def join(self, guild: Guild) -> None:
        """The bot is added to a server: GUILD_CREATE after READY, without `unavailable` (Discord's sign of a join)."""
        for channel in guild.channels:
            self.fake.channel_names[channel.id] = channel
        payload = guild.payload(self.members)
        payload.pop("unavailable")
        await self._feed("GUILD_CREATE", payload)

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
        return [c["custom_id"] for c in walk_components(modal["components"]) if c.get("type") == 4]

    async def forbid(self, channel: Channel, *permissions: str, guild: Guild = GUILD) -> None:
        """Take permissions from the bot in one channel, as a server's admin would in the channel's settings: the
        cached channel gets the overwrite (all the bot can know of it), and Discord answers 403 to what they
        forbid: posting without View Channel or Send Messages (50013 Missing Permissions, 50001 Missing Access
        without View Channel, which also stops edits of the bot's earlier posts there)."""
        denied = discord.Permissions(**dict.fromkeys(permissions, True))
        payload = channel.payload(guild.id)
        payload["permission_overwrites"] = [
            {"id": str(BOT_USER_ID), "type": 1, "allow": "0", "deny": str(denied.value)}
        ]
        await self._feed("CHANNEL_UPDATE", payload)
        messages = "/channels/{channel_id}/messages"
        if denied.view_channel:
            self.fake.fail("POST", messages, channel_id=channel.id, status=403, code=50001)
            self.fake.fail("PATCH", messages + "/{message_id}", channel_id=channel.id, status=403, code=50001)
        elif denied.send_messages:
            self.fake.fail("POST", messages, channel_id=channel.id, status=403, code=50013)

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
            # Discord names an option by its display name (app_commands.rename), tests by the Python name.
            option: dict[str, Any] = {"name": param.display_name, "type": param.type.value}
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
