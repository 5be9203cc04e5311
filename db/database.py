"""The one SQLite connection: pragmas, migrations, and how work reaches it.

Every repository method hands one plain function over a `sqlite3.Connection` to `Database.read` or
`Database.write`, which run it whole on aiosqlite's worker thread: a request never interleaves with
another's statements on the shared connection. Both calls are typed with the function's own
parameters, so a repository call with a wrong argument fails the type checker.

Group commit: requests that arrive while the thread is busy wait in a queue and then run together in
one hand-off, writes in one `BEGIN IMMEDIATE ... COMMIT` with a savepoint each. It stays because it
pays for itself under load (figures in the README's Benchmarks section): the hand-off to the thread,
not the SQL, is what a request costs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import aiosqlite

from db.errors import DatabaseTooNew
from db.exchange_models import PHASES
from db.folding import name_key, text_key
from db.models import MEMBER_VISIBLE_STATUSES
from db.search_words import indexed_words

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
Clock = Callable[[], datetime]
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Bounded batches: a burst is answered in waves, the first requests not waiting on the last.
BATCH_LIMIT = 32
_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")


def real_clock() -> datetime:
    return datetime.now(UTC)


def to_epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the store only takes aware UTC times")
    return int(moment.timestamp())


def from_epoch(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def from_epoch_or_none(value: int | None) -> datetime | None:
    return None if value is None else from_epoch(value)


def discover_migrations(directory: Path) -> list[tuple[int, Path]]:
    found: list[tuple[int, Path]] = []
    for path in sorted(directory.iterdir()):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    versions = [version for version, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migrations in {directory} must be numbered 0001, 0002, ... without gaps: {versions}")
    return found


def _fill_search_index(conn: sqlite3.Connection) -> None:
    """Every prompt's words into the server-keyed full-text index, in batches."""
    prompts = conn.execute(
        "SELECT p.id, p.guild_id, p.text, p.title, p.fandom,"
        " (SELECT group_concat(tag, ' ') FROM prompt_tags WHERE prompt_id = p.id) FROM prompts p ORDER BY p.id"
    )
    while batch := prompts.fetchmany(5_000):
        conn.executemany(
            "INSERT INTO prompt_search (rowid, words) VALUES (?, ?)",
            [(pid, indexed_words(guild, text, title, fandom, tags)) for pid, guild, text, title, fandom, tags in batch],
        )


def _rekey(conn: sqlite3.Connection, update: str, changed: list[tuple[Any, ...]]) -> None:
    """Apply new keys; one that would collide with another row's keeps its old value (nothing is dropped)."""
    try:
        conn.executemany(update, changed)
    except sqlite3.IntegrityError:
        for row in changed:
            with contextlib.suppress(sqlite3.IntegrityError):
                conn.execute(update, row)


def _refold_names(conn: sqlite3.Connection) -> None:
    """Keys recomputed with the fold that also ignores accents (db/folding.py), then the server's names counted.

    Only keys that change are written (for plain ASCII names and texts the fold gives the old key). Two
    prompts whose texts differ only in accents both stay; the later keeps its old key.
    """
    for table in ("exchange_requests", "exchange_offers"):
        rows = conn.execute(f"SELECT fandom_key, fandom, id FROM {table}").fetchall()
        changed = [(new, i) for k, f, i in rows if (new := text_key(f)) != k]
        conn.executemany(f"UPDATE {table} SET fandom_key = ? WHERE id = ?", changed)
    rows = conn.execute("SELECT fandom_key, fandom, id FROM prompts WHERE fandom IS NOT NULL").fetchall()
    changed = [(new, i) for k, f, i in rows if (new := name_key(f)) != k]
    conn.executemany("UPDATE prompts SET fandom_key = ? WHERE id = ?", changed)
    rows = conn.execute("SELECT dedupe_key, text, id FROM prompts").fetchall()
    changed = [(new, i) for k, t, i in rows if (new := text_key(t)) != k]
    _rekey(conn, "UPDATE prompts SET dedupe_key = ? WHERE id = ?", changed)
    rows = conn.execute("SELECT tag_key, tag, prompt_id FROM prompt_tags").fetchall()
    changed = [(new, p, k) for k, t, p in rows if (new := name_key(t)) != k]
    _rekey(conn, "UPDATE prompt_tags SET tag_key = ? WHERE prompt_id = ? AND tag_key = ?", changed)
    visible = "status IN (" + ", ".join(f"'{s}'" for s in MEMBER_VISIBLE_STATUSES) + ")"
    conn.execute("DELETE FROM server_names")
    conn.execute(
        "INSERT INTO server_names (guild_id, kind, name_key, name, uses)"
        " SELECT guild_id, 'fandom', fandom_key, fandom, n FROM"
        f" (SELECT guild_id, fandom_key, fandom, COUNT(*) AS n, MIN(id) FROM prompts WHERE {visible}"
        " AND fandom_key IS NOT NULL AND fandom_key != '' GROUP BY guild_id, fandom_key)"
    )
    conn.execute(
        "INSERT INTO server_names (guild_id, kind, name_key, name, uses)"
        " SELECT guild_id, 'tag', tag_key, tag, n FROM"
        " (SELECT t.guild_id, t.tag_key, t.tag, COUNT(*) AS n, MIN(t.prompt_id) FROM prompt_tags t"
        f" JOIN prompts p ON p.id = t.prompt_id WHERE p.{visible} AND t.tag_key != '' GROUP BY t.guild_id, t.tag_key)"
    )


def _allow_nominations_phase(conn: sqlite3.Connection) -> None:
    """Adds 'nominations' to exchanges.phase's CHECK in place, as SQLite's documentation describes for
    loosening a constraint (ALTER TABLE, "other kinds of table schema changes"): the stored rows already
    satisfy the wider CHECK and the file format is unchanged. Rebuilding the table instead would
    cascade-delete every sign-up (foreign keys are on, and cannot be turned off inside the transaction)."""
    old = "CHECK (phase IN ('signups', 'closed', 'assigned', 'works revealed', 'complete'))"
    new = f"CHECK (phase IN ({', '.join(repr(p) for p in PHASES)}))"
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        changed = conn.execute(
            "UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'exchanges'"
            " AND instr(sql, ?) > 0",
            (old, new, old),
        ).rowcount
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    if changed != 1:
        raise RuntimeError("exchanges.phase's CHECK is not the one migration 0003 created")
    conn.execute(f"PRAGMA schema_version = {version + 1}")  # every connection rereads the schema


# Work a migration needs Python for, run inside that migration's transaction, after its SQL file.
AFTER_MIGRATION: dict[str, Callable[[sqlite3.Connection], None]] = {
    "0002_fills_accounts_and_per_server_indexes": _fill_search_index,
    "0005_fandom_names": _refold_names,
    "0006_nominations": _allow_nominations_phase,
}


def migrate(conn: sqlite3.Connection, directory: Path = MIGRATIONS_DIR) -> int:
    """Apply every migration newer than the database's user_version; returns the final version.

    Each file (and the Python step after it, if it has one) runs inside one transaction together with its
    version bump, so a failing migration leaves the schema exactly as it was before that file.
    """
    migrations = discover_migrations(directory)
    known = len(migrations)
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > known:
        raise DatabaseTooNew(current, known)
    for version, path in migrations[current:]:
        script = path.read_text(encoding="utf-8")
        try:
            # executescript would commit an open transaction first; the BEGIN here is inside it, and the
            # transaction stays open for the step after the file.
            conn.executescript(f"BEGIN IMMEDIATE;\n{script}\n;")
            step = AFTER_MIGRATION.get(path.stem) if directory == MIGRATIONS_DIR else None
            if step is not None:
                step(conn)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        log.info("applied migration %s", path.name)
    return max(current, known)


def _configure(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")


def _checkpoint(conn: sqlite3.Connection) -> None:
    # Closing the last connection checkpoints too; doing it here makes a clean stop leave a bare file.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def run_on_worker_thread(connection: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run work(conn) on aiosqlite's worker thread, alone, in the connection's queue order.

    aiosqlite has no public call for this; this is the one place that uses its internals
    (`_execute` and `_conn`), and tests/test_store.py fails loudly if an upgrade changes them.
    """
    return await connection._execute(work, connection._conn)


@dataclass(eq=False)
class _Request:
    work: Callable[[sqlite3.Connection], Any]
    writes: bool
    # Cancelled by a caller that gave up; the worker thread looks just before it would run the request.
    answer: asyncio.Future[Any]


class _BatchAborted(Exception):
    """SQLite rolled the whole transaction back: every request in the batch lost its writes."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class Database:
    def __init__(self, path: str | Path, *, migrations_dir: Path = MIGRATIONS_DIR) -> None:
        self.path = str(path)
        self.migrations_dir = migrations_dir
        self.batches = 0  # hand-offs to the worker thread: fewer than requests when they queue up
        self._connection: aiosqlite.Connection | None = None
        self._queue: list[_Request] = []
        self._leading = False
        self._follower: asyncio.Task[None] | None = None
        self._closing = False
        self.schema_version = 0

    async def open(self) -> None:
        # isolation_level=None: transactions are begun explicitly, never implicitly by sqlite3.
        connection = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await run_on_worker_thread(connection, _configure)
            migrated = functools.partial(migrate, directory=self.migrations_dir)
            self.schema_version = await run_on_worker_thread(connection, migrated)
        except BaseException:
            await connection.close()
            raise
        self._connection = connection
        self._closing = False

    async def close(self) -> None:
        """Refuse new work, finish every request already queued or running, fold the WAL in, close."""
        self._closing = True
        while self._leading:
            if self._follower is not None and not self._follower.done():
                await asyncio.wait({self._follower})
            else:
                await asyncio.sleep(0.001)  # a request is running its own batch
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                await run_on_worker_thread(connection, _checkpoint)
            finally:
                await connection.close()

    async def read(self, fn: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """fn(conn, *args) on the worker thread, seeing every write queued before it."""
        return await self._submit(lambda conn: fn(conn, *args, **kwargs), writes=False)

    async def write(self, fn: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """fn(conn, *args) atomically: any exception it raises undoes all it wrote, and nothing else."""
        return await self._submit(lambda conn: fn(conn, *args, **kwargs), writes=True)

    async def _submit(self, work: Callable[[sqlite3.Connection], T], *, writes: bool) -> T:
        if self._connection is None or self._closing:
            raise RuntimeError("the store is not open")
        connection = self._connection
        request = _Request(work, writes, asyncio.get_running_loop().create_future())
        self._queue.append(request)
        if not self._leading:
            # Idle: this request runs the batch it is in itself (no extra task), and leaves whatever queued
            # up meanwhile to a follower task, so that it never waits on later requests.
            self._leading = True
            try:
                await self._run_batch(connection)
            finally:
                # Also when this request was cancelled: the requests queued behind it still get served.
                self._leading = False
                if self._queue:
                    self._leading = True
                    self._follower = asyncio.create_task(self._follow(connection))
        return await request.answer

    async def _follow(self, connection: aiosqlite.Connection) -> None:
        try:
            while self._queue:
                await self._run_batch(connection)
        finally:
            self._leading = False

    async def _run_batch(self, connection: aiosqlite.Connection) -> None:
        taken, self._queue = self._queue[:BATCH_LIMIT], self._queue[BATCH_LIMIT:]
        batch = [request for request in taken if not request.answer.done()]
        if not batch:
            return
        self.batches += 1
        work = asyncio.ensure_future(run_on_worker_thread(connection, functools.partial(_run_requests, batch=batch)))
        # The outcome reaches every request even if whoever awaits the batch here is cancelled.
        work.add_done_callback(functools.partial(_deliver, batch))
        with contextlib.suppress(Exception):  # failures are delivered to the requests by _deliver
            await asyncio.shield(work)


def _deliver(batch: list[_Request], work: asyncio.Future[list[tuple[bool, Any]]]) -> None:
    if work.cancelled():
        outcomes: list[tuple[bool, Any]] = [(False, RuntimeError("the store stopped before this request ran"))]
        outcomes *= len(batch)
    elif (error := work.exception()) is not None:
        # The COMMIT failed, SQLite aborted the transaction, or the store closed: none of the batch happened.
        real = error.cause if isinstance(error, _BatchAborted) else error
        outcomes = [(False, real)] * len(batch)
    else:
        outcomes = work.result()
    for request, (ok, value) in zip(batch, outcomes, strict=True):
        if request.answer.done():
            continue
        if ok:
            request.answer.set_result(value)
        else:
            request.answer.set_exception(value)


def _run_requests(conn: sqlite3.Connection, *, batch: list[_Request]) -> list[tuple[bool, Any]]:
    """On the worker thread: the batch in order, writes in one transaction with a savepoint each."""
    writes = any(request.writes for request in batch)
    # A lone request needs no savepoint: rolling back the transaction undoes exactly its writes.
    savepoints = len(batch) > 1
    if writes:
        conn.execute("BEGIN IMMEDIATE")
    outcomes: list[tuple[bool, Any]] = []
    try:
        for request in batch:
            if request.answer.cancelled():
                outcomes.append((False, asyncio.CancelledError()))
                continue
            guarded = request.writes and savepoints
            if guarded:
                conn.execute("SAVEPOINT request")
            try:
                value = request.work(conn)
            except Exception as error:
                if writes and not conn.in_transaction:
                    raise _BatchAborted(error) from error
                if guarded:
                    conn.execute("ROLLBACK TO request")
                    conn.execute("RELEASE request")
                elif request.writes:
                    conn.execute("ROLLBACK")
                outcomes.append((False, error))
                continue
            if guarded:
                conn.execute("RELEASE request")
            outcomes.append((True, value))
        if conn.in_transaction:
            conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return outcomes


class Repository:
    """What every repository holds: the database and the injected clock."""

    def __init__(self, db: Database, clock: Clock = real_clock) -> None:
        self._db = db
        self._clock = clock

    def _now(self) -> int:
        return to_epoch(self._clock())
