"""The one SQLite connection, its pragmas, migrations, and how work reaches it.

Every repository method is a plain function over a `sqlite3.Connection` that runs whole on aiosqlite's
worker thread (`Database.read` / `Database.write`). One hand-off per request instead of one per
statement (and requests that queue up meanwhile share the next hand-off): a request cannot interleave
with another's statements on the shared connection, and the thread hand-off is paid once per batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from db.errors import DatabaseTooNew

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], datetime]
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BATCH_LIMIT = 32
_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")


def real_clock() -> datetime:
    return datetime.now(UTC)


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


def migrate(conn: sqlite3.Connection, directory: Path = MIGRATIONS_DIR) -> int:
    """Apply every migration newer than the database's user_version; returns the final version.

    Each file runs inside one transaction together with its version bump, so a failing migration
    leaves the schema exactly as it was before that file.
    """
    migrations = discover_migrations(directory)
    known = len(migrations)
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > known:
        raise DatabaseTooNew(current, known)
    for version, path in migrations[current:]:
        script = path.read_text(encoding="utf-8")
        try:
            # executescript would commit an open transaction first; the BEGIN here is inside it.
            conn.executescript(f"BEGIN IMMEDIATE;\n{script}\n;PRAGMA user_version = {version};\nCOMMIT;")
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


@dataclass
class _Job:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    writes: bool
    future: asyncio.Future[Any]


class Database:
    """One connection; requests queue up and run in arrival order, many per hand-off to its thread.

    Requests that arrive while the thread is busy wait in `_pending` and then run together as one batch:
    one hand-off, and for writes one transaction (group commit). Each write runs in its own SAVEPOINT, so a
    refusal or error rolls back that request alone; reads in the batch see the writes queued before them,
    exactly as if the requests had run one by one.
    """

    def __init__(self, path: str | Path, *, migrations_dir: Path = MIGRATIONS_DIR) -> None:
        self.path = str(path)
        self.migrations_dir = migrations_dir
        self._connection: aiosqlite.Connection | None = None
        self._pending: list[_Job] = []
        self._draining = False
        self._runner: asyncio.Task[None] | None = None

    async def open(self) -> None:
        # isolation_level=None: transactions are begun explicitly, never implicitly by sqlite3.
        connection = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await self._run(connection, _configure)
            await self._run(connection, migrate, self.migrations_dir)
        except BaseException:
            await connection.close()
            raise
        self._connection = connection

    async def close(self) -> None:
        if self._runner is not None and not self._runner.done():
            await asyncio.wait({self._runner})
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await connection.close()

    @staticmethod
    async def _run(connection: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
        # aiosqlite's own queue: fn runs on the connection's worker thread, alone.
        return await connection._execute(fn, connection._conn, *args)

    def _require(self) -> aiosqlite.Connection:
        if self._connection is None:
            raise RuntimeError("the store is not open")
        return self._connection

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(conn, *args) on the worker thread, seeing every write queued before it."""
        return await self._enqueue(fn, args, writes=False)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(conn, *args) atomically: any exception it raises undoes all it wrote, and nothing else."""
        return await self._enqueue(fn, args, writes=True)

    async def _enqueue(self, fn: Callable[..., T], args: tuple[Any, ...], *, writes: bool) -> T:
        connection = self._require()
        job = _Job(fn, args, writes, asyncio.get_running_loop().create_future())
        self._pending.append(job)
        if not self._draining:
            # Nobody is running batches: this request runs the batch it is in itself (no extra task when
            # idle), and hands whatever queued up meanwhile to a task, so it never waits on later requests.
            self._draining = True
            try:
                await self._run_next_batch(connection)
            finally:
                # Also when this request was cancelled: the requests queued behind it still get served.
                self._draining = False
                if self._pending:
                    self._draining = True
                    self._runner = asyncio.create_task(self._drain(connection))
        return await job.future

    async def _drain(self, connection: aiosqlite.Connection) -> None:
        try:
            while self._pending:
                await self._run_next_batch(connection)
        finally:
            self._draining = False

    async def _run_next_batch(self, connection: aiosqlite.Connection) -> None:
        # Bounded batches: a burst is answered in waves, the first requests not waiting on the last.
        batch, self._pending = self._pending[:BATCH_LIMIT], self._pending[BATCH_LIMIT:]
        work = asyncio.ensure_future(self._run(connection, _run_batch, [(j.fn, j.args, j.writes) for j in batch]))
        # The batch's outcome reaches its requests even if whoever awaits it here is cancelled.
        work.add_done_callback(lambda done: _settle(batch, done))
        with contextlib.suppress(Exception):  # failures are delivered to the requests by _settle
            await asyncio.shield(work)


def _settle(batch: list[_Job], work: asyncio.Future[list[tuple[bool, Any]]]) -> None:
    if work.cancelled():
        outcomes: list[tuple[bool, Any]] = [(False, RuntimeError("the store stopped before this request ran"))]
        outcomes *= len(batch)
    elif work.exception() is not None:  # the batch's COMMIT failed, or the store closed: all of it failed
        outcomes = [(False, work.exception())] * len(batch)
    else:
        outcomes = work.result()
    for job, (ok, value) in zip(batch, outcomes, strict=True):
        if job.future.done():
            continue
        if ok:
            job.future.set_result(value)
        else:
            job.future.set_exception(value)


def _run_batch(
    conn: sqlite3.Connection, jobs: list[tuple[Callable[..., Any], tuple[Any, ...], bool]]
) -> list[tuple[bool, Any]]:
    writes = any(job_writes for _, _, job_writes in jobs)
    # A lone request needs no savepoint: rolling back the transaction undoes exactly its writes.
    savepoints = len(jobs) > 1
    if writes:
        conn.execute("BEGIN IMMEDIATE")
    outcomes: list[tuple[bool, Any]] = []
    try:
        for fn, args, job_writes in jobs:
            guarded = job_writes and savepoints
            if guarded:
                conn.execute("SAVEPOINT request")
            try:
                value = fn(conn, *args)
            except Exception as error:
                if guarded:
                    conn.execute("ROLLBACK TO request")
                    conn.execute("RELEASE request")
                elif job_writes:
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


def to_epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the store only takes aware UTC times")
    return int(moment.timestamp())


def from_epoch(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def from_epoch_or_none(value: int | None) -> datetime | None:
    return None if value is None else from_epoch(value)
