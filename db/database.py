"""The one SQLite connection, its pragmas, migrations, and how work reaches it.

Every repository method is a plain function over a `sqlite3.Connection` that runs whole on aiosqlite's
worker thread (`Database.read` / `Database.write`). One hand-off per request instead of one per
statement: a transaction cannot interleave with another coroutine's statements on the shared
connection, and each interaction pays the thread hand-off once.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from db.errors import DatabaseTooNew

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], datetime]
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
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


class Database:
    def __init__(self, path: str | Path, *, migrations_dir: Path = MIGRATIONS_DIR) -> None:
        self.path = str(path)
        self.migrations_dir = migrations_dir
        self._connection: aiosqlite.Connection | None = None

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
        """Run fn(conn, *args) on the worker thread: a consistent read, no transaction needed."""
        return await self._run(self._require(), fn, *args)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(conn, *args) inside BEGIN IMMEDIATE ... COMMIT; any exception rolls it all back."""
        return await self._run(self._require(), _in_transaction, fn, *args)


def _in_transaction(conn: sqlite3.Connection, fn: Callable[..., T], *args: Any) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn, *args)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def to_epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the store only takes aware UTC times")
    return int(moment.timestamp())


def from_epoch(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def from_epoch_or_none(value: int | None) -> datetime | None:
    return None if value is None else from_epoch(value)
