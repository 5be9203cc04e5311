"""Promptfill: a Discord bot for fan-fiction prompt exchanges.

`python bot.py` runs it (settings from `.env`); `python bot.py backup [PATH]` and `python bot.py restore PATH`
copy the database out and back (no token, no network); `create_bot()` builds it for tests and embedding.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import logging
import os
import random
import signal
import sys
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands, tasks
from dotenv import load_dotenv

from ao3.client import AO3Client, AO3Config
from db.backup import backup as backup_database
from db.backup import restore, timestamped_backup_path
from db.database import Clock, real_clock
from db.errors import DatabaseInUse, UnusableBackup
from db.lock import DatabaseLock
from db.store import Store
from interactions.words import plural

log = logging.getLogger("promptfill")

__version__ = "0.2.0"  # kept equal to pyproject.toml's (tests/test_operations.py checks)

EXTENSIONS = (
    "cogs.errors",
    "cogs.settings",
    "cogs.prompts",
    "cogs.moderation",
    "cogs.claims",
    "cogs.fills",
    "cogs.profiles",
    "cogs.data",
    "cogs.exchanges",
    "cogs.help",
    "cogs.setup",
    "cogs.welcome",
    "cogs.fandoms",
    "cogs.following",
)
SYNC_HASH_KEY = "command_sync_hash"
COMMAND_IDS_KEY = "command_ids"  # Discord's id of each top-level command, for clickable command mentions
# Exactly the permissions the README lists: post and edit its own messages, with embeds.
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, read_message_history=True
)
EXIT_CONFIGURATION = 2  # systemd's unit does not restart on this: a person has to fix something
EXIT_IN_USE = 3
# A sentence about the token, not a token.
TOKEN_MISSING_SENTENCE = (
    "DISCORD_TOKEN is not set: copy .env.example to .env and put your bot's token in it "
    "(or set DISCORD_TOKEN in the environment)."
)


@dataclass(frozen=True)
class Config:
    token: str | None
    database_path: str = "promptfill.db"
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    ao3: AO3Config = field(default_factory=AO3Config)
    shard_count: int | None = None  # None: as many as Discord recommends

    @classmethod
    def from_environment(cls) -> Config:
        load_dotenv()
        dev_guild = os.environ.get("DEV_GUILD_ID", "").strip()
        return cls(
            token=os.environ.get("DISCORD_TOKEN", "").strip() or None,
            database_path=os.environ.get("DATABASE_PATH", "").strip() or "promptfill.db",
            dev_guild_id=int(dev_guild) if dev_guild else None,
            log_level=os.environ.get("LOG_LEVEL", "").strip().upper() or "INFO",
            ao3=AO3Config.from_environment(),
            shard_count=_positive_int("SHARD_COUNT"),
        )


SEED_VARIABLE = "PROMPTFILL_EXCHANGE_SEED"


def _positive_int(name: str) -> int | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number of 1 or more, not {raw!r}.")
    return int(raw)


def random_source_from_environment() -> random.Random:
    """The bot's random source when none is injected: seeded by PROMPTFILL_EXCHANGE_SEED where it is set (how a
    test fixes a match, EXCHANGES.md), else the system's randomness. Read here with the other settings."""
    seed = os.environ.get(SEED_VARIABLE, "").strip()
    # Not for secrets: it draws prompts and breaks ties between equally good matches.
    return random.Random(int(seed)) if seed.lstrip("-").isdigit() else random.SystemRandom()  # noqa: S311


def minimal_intents() -> discord.Intents:
    """Only what the bot uses: it works through interactions, which arrive whatever the intents.

    `guilds` keeps servers, channels and roles cached: configured channels are looked up (and whether
    they are age-restricted), moderator roles are resolved. Nothing else: no members, messages,
    reactions, emojis and stickers, typing, presences or voice, so none of that is parsed or kept.
    """
    return discord.Intents(guilds=True)


class Promptfill(commands.AutoShardedBot):
    """The bot. Holds the store and the clock; features live in cogs/.

    Sharded from the start (Discord refuses an unsharded connection past 2,500 servers): one process runs
    every shard, `shard_count` of them, or as many as Discord recommends when it is None.
    """

    def __init__(
        self,
        database: str | Path,
        *,
        clock: Clock,
        dev_guild_id: int | None = None,
        rng: random.Random | None = None,
        ao3: AO3Config | None = None,
        shard_count: int | None = None,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=minimal_intents(),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=shard_count,
            # Members arrive with each interaction; the bot's own member is cached regardless.
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            max_messages=None,  # no message events, so a message cache would only hold the bot's own sends
        )
        self.clock = clock
        # The one random source: /prompt random draws from it, and each exchange match is seeded from it.
        self.rng = rng or random_source_from_environment()
        self.store = Store(database, clock=clock, rng=self.rng)
        self.dev_guild_id = dev_guild_id
        self._store_open = False
        self.background_passes = 0  # finished passes of the minute loop (for health checks and tests)
        # One configuration path: create_bot() without ao3= reads AO3_LOOKUP and AO3_BASE_URL as `python bot.py`.
        self.ao3_config = ao3 or AO3Config.from_environment()
        self.ao3: AO3Client | None = None
        self._background: set[asyncio.Task[None]] = set()
        self._closing: asyncio.Future[None] | None = None
        self.command_ids: dict[str, int] = {}  # top-level command name -> Discord's id (known after the sync)

    async def setup_hook(self) -> None:
        await self.store.open()
        self._store_open = True
        if self.ao3_config.enabled:
            self.ao3 = AO3Client(self.ao3_config)
            await self.ao3.start()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands_if_changed()
        self._sweep_loop.start()
        # Everything loaded so far (discord.py, the cogs, the command tree) lives as long as the bot: out of
        # the cyclic collector's sight, so its full passes stay short and members' answers do not wait on them.
        gc.freeze()

    async def close(self) -> None:
        """Stop the gateway (no new interactions), then write what is queued and close the store.

        Safe to call again while closing (a signal, then `async with`): every caller waits for the one close.
        """
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close_once())
        await asyncio.shield(self._closing)

    async def _close_once(self) -> None:
        if self._sweep_loop.is_running():
            self._sweep_loop.cancel()
        for task in list(self._background):
            task.cancel()
        try:
            await super().close()
            if self.ao3 is not None:
                await self.ao3.close()
        finally:
            if self._store_open:
                self._store_open = False
                await self.store.close()

    async def on_ready(self) -> None:
        log.info(started_line(self, await self.store.count_servers()))

    def command_schema(self) -> list[dict]:
        """What tree.sync() would send, in a stable order."""
        return sorted((c.to_dict(self.tree) for c in self.tree.get_commands()), key=lambda c: c["name"])

    async def sync_commands_if_changed(self) -> bool:
        """Sync only when the schema differs from the last sync: restarts stay clear of the rate limit."""
        target = f"guild:{self.dev_guild_id}" if self.dev_guild_id else "global"
        schema = json.dumps({"target": target, "commands": self.command_schema()}, sort_keys=True)
        digest = hashlib.sha256(schema.encode()).hexdigest()
        guild = discord.Object(id=self.dev_guild_id) if self.dev_guild_id else None
        if await self.store.get_state(SYNC_HASH_KEY) == digest:
            log.info("command schema unchanged; not syncing")
            await self._load_command_ids(digest, guild)
            return False
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        await self.store.set_state(SYNC_HASH_KEY, digest)
        await self._remember_command_ids(digest, synced)
        log.info("synced commands (%s)", target)
        return True

    async def _remember_command_ids(self, digest: str, commands: list[discord.app_commands.AppCommand]) -> None:
        self.command_ids = {c.name: c.id for c in commands}
        await self.store.set_state(COMMAND_IDS_KEY, json.dumps({"digest": digest, "ids": self.command_ids}))

    async def _load_command_ids(self, digest: str, guild: discord.Object | None) -> None:
        """The ids of the last sync; a database from before ids were kept asks Discord once (a read, not a sync)."""
        stored = json.loads(await self.store.get_state(COMMAND_IDS_KEY) or "{}")
        if stored.get("digest") == digest:
            self.command_ids = {name: int(i) for name, i in stored["ids"].items()}
            return
        try:
            await self._remember_command_ids(digest, await self.tree.fetch_commands(guild=guild))
        except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
            log.warning("could not read the commands' ids; commands are named without links: %r", error)

    def mention(self, qualified_name: str, *, dm: bool = False) -> str:
        """A command as members click it (`</prompt submit:id>`), or its plain name before the ids are known. Its
        plain name too for a group (`/queue`: only a command that runs can be clicked), and in a direct message:
        a command mention clicked there runs the command in the DM, where Promptfill's server commands do not
        work (discord/discord-api-docs#5201)."""
        command_id = None if dm else self.command_ids.get(qualified_name.split()[0])
        if command_id and isinstance(self._command_named(qualified_name), app_commands.Group):
            command_id = None
        return f"</{qualified_name}:{command_id}>" if command_id else f"`/{qualified_name}`"

    def _command_named(self, qualified_name: str) -> app_commands.Command[Any, ..., Any] | app_commands.Group | None:
        first, *rest = qualified_name.split()
        found = self.tree.get_command(first)
        for part in rest:
            found = found.get_command(part) if isinstance(found, app_commands.Group) else None
        return found if isinstance(found, app_commands.Command | app_commands.Group) else None

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run follow-up work (e.g. enriching an announcement) after the reply; cancelled by close()."""
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def spawn_close(self) -> None:
        """Close from a signal handler, which runs outside any task: the close becomes a task of its own."""
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close_once())

    async def sweep(self) -> None:
        """One pass of background work as of clock(): reminders due, claims expired, exchanges, daily digests."""
        for name in ("Claims", "Exchanges", "Following"):  # one's failure must not cost the others their pass
            cog = self.get_cog(name)
            if cog is None:
                continue
            try:
                await cog.sweep()  # type: ignore[attr-defined]
            except Exception:
                log.exception("the %s sweep failed; trying again on the next pass", name.lower())

    @tasks.loop(minutes=1)
    async def _sweep_loop(self) -> None:
        try:
            await self.sweep()
        except Exception:
            log.exception("background sweep failed; trying again in a minute")
        self.background_passes += 1

    @_sweep_loop.before_loop
    async def _before_sweep(self) -> None:
        await self.wait_until_ready()


def create_bot(
    database: str | Path,
    *,
    clock: Clock | None = None,
    dev_guild_id: int | None = None,
    rng: random.Random | None = None,
    ao3: AO3Config | None = None,
    shard_count: int | None = None,
) -> Promptfill:
    """Build the bot without touching the network or the disk; setup_hook opens the store.

    `rng` drives /prompt random and breaks ties in exchange matches; tests pass a seeded one (without it,
    PROMPTFILL_EXCHANGE_SEED seeds it where set, else the system's randomness is used).
    `shard_count` None means as many shards as Discord recommends at login.
    """
    return Promptfill(
        database,
        clock=clock or real_clock,
        dev_guild_id=dev_guild_id,
        rng=rng,
        ao3=ao3,
        shard_count=shard_count,
    )


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(
        application_id, permissions=INVITE_PERMISSIONS, scopes=("bot", "applications.commands")
    )


def started_line(bot: Promptfill, servers_in_store: int) -> str:
    invite = invite_url(bot.application_id) if bot.application_id else "(unknown until login)"
    return (
        f"Promptfill {__version__} ready: schema version {bot.store.schema_version}, "
        f"{plural(len(bot.guilds), 'server')} connected ({servers_in_store:,} in the database), "
        f"{plural(bot.shard_count or 1, 'shard')}; invite: {invite}"
    )


def configure_logging(level: str) -> None:
    discord.utils.setup_logging(level=getattr(logging, level, logging.INFO), root=True)
    logging.getLogger("discord.http").setLevel(logging.WARNING)


def stop_on_signals(bot: Promptfill) -> None:
    """SIGTERM (systemd, docker stop) and Ctrl-C close the bot: the gateway first, so no new interaction
    arrives, then the store once the work already queued is written, then exit 0."""
    loop = asyncio.get_running_loop()

    def stop(name: str) -> None:
        log.info("%s received: stopping", name)
        bot.spawn_close()

    for number in (signal.SIGTERM, signal.SIGINT):
        # Windows has no loop signal handlers: there Ctrl-C still raises KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(number, stop, number.name)


async def run(config: Config) -> None:
    if config.token is None:
        raise ValueError("run() needs a token")
    ao3 = config.ao3
    async with create_bot(
        config.database_path, dev_guild_id=config.dev_guild_id, ao3=ao3, shard_count=config.shard_count
    ) as bot:
        stop_on_signals(bot)
        await bot.start(config.token)


def database_free(path: str) -> bool:
    """Checked before connecting to Discord, so a second bot says so at once (setup_hook checks again)."""
    lock = DatabaseLock(path)
    try:
        lock.acquire()
    except DatabaseInUse as error:
        print(error, file=sys.stderr)
        return False
    lock.release()
    return True


def file_command(command: str, arguments: list[str], config: Config) -> int:
    """`backup [PATH]` or `restore PATH`: work on files only, never on Discord."""
    database = Path(config.database_path)
    now = datetime.now(UTC)
    try:
        if command == "backup" and len(arguments) <= 1:
            target = Path(arguments[0]) if arguments else timestamped_backup_path(now)
            checked = backup_database(database, target)
            print(
                f"Backed up {database} to {target}: {checked.prompts} prompts, schema version {checked.schema_version}."
            )
            return 0
        if command == "restore" and len(arguments) == 1:
            restored = restore(Path(arguments[0]), database, now)
            aside = f"; the previous file is kept as {restored.kept_aside}" if restored.kept_aside else ""
            print(f"Restored {database} from {arguments[0]}: {restored.check.prompts} prompts{aside}.")
            return 0
    except UnusableBackup as error:
        print(error, file=sys.stderr)
        return 1
    print("usage: python bot.py [backup [PATH] | restore PATH]", file=sys.stderr)
    return EXIT_CONFIGURATION


def main(argv: list[str]) -> int:
    try:
        config = Config.from_environment()
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIGURATION
    if argv:
        return file_command(argv[0], argv[1:], config)
    if config.token is None:
        print(TOKEN_MISSING_SENTENCE, file=sys.stderr)
        return EXIT_CONFIGURATION
    if not database_free(config.database_path):
        return EXIT_IN_USE
    configure_logging(config.log_level)
    try:
        asyncio.run(run(config))
    except KeyboardInterrupt:
        pass
    except discord.LoginFailure:
        log.error("Discord refused the token in DISCORD_TOKEN; check it in the developer portal.")
        return 1
    except DatabaseInUse as error:
        log.error("%s", error)
        return EXIT_IN_USE
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
