"""Backup and restore of the database file, for `python bot.py backup|restore PATH`.

Both work on files only: no Discord token, no network. A backup uses SQLite's online backup API, so it
may run beside the live bot: the copy is the database as of one moment, every write committed before
that moment included. A restore refuses while a bot holds the database, checks the backup first, and
keeps the current file aside instead of overwriting it.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from db.database import MIGRATIONS_DIR, discover_migrations
from db.errors import DatabaseInUse, UnusableBackup
from db.lock import DatabaseLock

BACKUP_FOLDER = Path("backups")


def timestamped_backup_path(now: datetime, folder: Path = BACKUP_FOLDER) -> Path:
    return folder / f"promptfill-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.db"


@contextlib.contextmanager
def _connect(path: Path, *, read_only: bool) -> Iterator[sqlite3.Connection]:
    uri = f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rwc'}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        yield conn
    finally:
        conn.close()


@dataclass(frozen=True)
class DatabaseCheck:
    schema_version: int
    prompts: int
    servers: int


def check(path: Path, migrations_dir: Path = MIGRATIONS_DIR) -> DatabaseCheck:
    """Integrity, a schema this code knows, and Promptfill's tables; raises UnusableBackup saying what is wrong."""
    if not path.is_file():
        raise UnusableBackup(f"{path} does not exist or is not a file.")
    known = len(discover_migrations(migrations_dir))
    try:
        with _connect(path, read_only=True) as conn:
            problems = integrity_problems(conn)
            if problems:
                found = " ".join("; ".join(problems).split())  # one line for the operator, however SQLite wrapped it
                raise UnusableBackup(f"{path} is damaged (SQLite's integrity check: {textwrap.shorten(found, 300)}).")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > known:
                raise UnusableBackup(
                    f"{path} is at schema version {version}, newer than this Promptfill (version {known}): "
                    "upgrade Promptfill first."
                )
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version < 1 or "prompts" not in tables:
                raise UnusableBackup(f"{path} is an SQLite file but not a Promptfill database.")
            prompts = conn.execute("SELECT COUNT(*) FROM prompts").fetchone()[0]
            servers = conn.execute("SELECT COUNT(DISTINCT guild_id) FROM prompts").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise UnusableBackup(f"{path} is not a readable SQLite database ({error}).") from error
    return DatabaseCheck(version, prompts, servers)


_FALSE_NULL_REPORT = re.compile(r"NULL value in (\w+)\.(\w+)")


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """PRAGMA integrity_check's findings, less the false ones of SQLite 3.40.0 to 3.41.0.

    Those versions report "NULL value in T.C" for NOT NULL columns of WITHOUT ROWID tables whose primary key
    is not in column order (prompt_tags is one), whatever the data. Such a line is dropped only when the
    column really holds no NULL (`typeof`, which the NOT NULL constraint cannot optimise away).
    """
    problems = []
    for (line,) in conn.execute("PRAGMA integrity_check"):
        if line == "ok":
            continue
        false_report = _FALSE_NULL_REPORT.fullmatch(line)
        if false_report is not None:
            table, column = false_report.groups()
            query = f'SELECT 1 FROM "{table}" WHERE typeof("{column}") = \'null\' LIMIT 1'
            if conn.execute(query).fetchone() is None:
                continue
        problems.append(line)
    return problems


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy, even while another process writes to the source."""
    with _connect(source, read_only=True) as src, _connect(target, read_only=False) as dst:
        src.backup(dst)


def backup(database: Path, target: Path) -> DatabaseCheck:
    """Copy the live database to `target` (which must not exist yet) and check the copy."""
    if not database.is_file():
        raise UnusableBackup(f"There is no database at {database} to back up (check DATABASE_PATH).")
    if target.exists():
        raise UnusableBackup(f"{target} already exists; choose another name (nothing was overwritten).")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _copy(database, target)
        return check(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _aside_path(database: Path, now: datetime) -> Path:
    aside = database.with_name(f"{database.name}.before-restore")
    if aside.exists():
        aside = database.with_name(f"{database.name}.before-restore-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    return aside


def _fold_wal(database: Path) -> None:
    """Write the WAL back into the file, so the file alone is the whole database (a crash can leave a WAL)."""
    with _connect(database, read_only=False) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")  # removes the -wal and -shm files on close


@dataclass(frozen=True)
class Restored:
    check: DatabaseCheck
    kept_aside: Path | None


def restore(source: Path, database: Path, now: datetime) -> Restored:
    """Put the backup `source` in place of `database`; the current file, if any, is kept aside beside it."""
    lock = DatabaseLock(database)
    try:
        lock.acquire()
    except DatabaseInUse as error:
        raise UnusableBackup(
            f"A Promptfill bot is running on {database}: stop it first (nothing was changed)."
        ) from error
    try:
        checked = check(source)
        if source.resolve() == database.resolve():
            raise UnusableBackup(f"{source} is the database itself; name a backup file.")
        kept_aside = None
        if database.exists():
            _fold_wal(database)
            kept_aside = _aside_path(database, now)
            database.rename(kept_aside)
        for leftover in (Path(f"{database}-wal"), Path(f"{database}-shm")):
            leftover.unlink(missing_ok=True)
        try:
            _copy(source, database)
        except BaseException:
            database.unlink(missing_ok=True)
            if kept_aside is not None:
                kept_aside.rename(database)
            raise
        return Restored(checked, kept_aside)
    finally:
        lock.release()
