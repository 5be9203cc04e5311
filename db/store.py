"""The store: one database, one repository per aggregate."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from db.accounts import AccountRepo
from db.audit import AuditRepo
from db.avoid import AvoidRepo
from db.browse import BrowseRepo
from db.claims import ClaimRepo
from db.database import MIGRATIONS_DIR, Clock, Database, real_clock
from db.exchange_summary import SummaryRepo
from db.exchanges import ExchangeRepo
from db.fandoms import NameRepo
from db.fills import FillRepo
from db.follows import FollowRepo
from db.letters import LetterRepo
from db.lock import DatabaseLock
from db.profiles import ProfileRepo
from db.prompts import PromptRepo
from db.relay import RelayRepo
from db.seconds import SecondRepo
from db.settings import SettingsRepo
from db.suggestions import SuggestionRepo
from db.transfer import TransferRepo


def _get_state(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM bot_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _set_state(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _count_servers(conn: sqlite3.Connection) -> int:
    """Servers the store holds anything for: prompts or settings."""
    query = "SELECT COUNT(*) FROM (SELECT guild_id FROM prompts UNION SELECT guild_id FROM guild_settings)"
    return conn.execute(query).fetchone()[0]


class Store:
    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock = real_clock,
        rng: random.Random | None = None,
        migrations_dir: Path = MIGRATIONS_DIR,
    ) -> None:
        self.db = Database(path, migrations_dir=migrations_dir)
        self._lock = DatabaseLock(path)
        self.settings = SettingsRepo(self.db, clock)
        self.accounts = AccountRepo(self.db, clock)
        self.prompts = PromptRepo(self.db, clock)
        self.browse = BrowseRepo(self.db, rng)
        self.names = NameRepo(self.db, clock)
        self.suggestions = SuggestionRepo(self.db)
        self.claims = ClaimRepo(self.db, clock)
        self.seconds = SecondRepo(self.db, clock)
        self.follows = FollowRepo(self.db, clock)
        self.fills = FillRepo(self.db, clock)
        self.profiles = ProfileRepo(self.db, clock)
        self.audit = AuditRepo(self.db, clock)
        self.exchanges = ExchangeRepo(self.db, clock)
        self.transfer = TransferRepo(self.db, clock, self.exchanges)
        self.letters = LetterRepo(self.db, clock)  # issue 23: letters and the sign-up summary
        self.summaries = SummaryRepo(self.db, clock)
        self.avoid = AvoidRepo(self.db, clock)  # do-not-match lists (issue 23)
        self.relay = RelayRepo(self.db, clock)  # anonymous questions (issue 23)

    async def open(self) -> None:
        """Take the database for this process (DatabaseInUse if another holds it), then open and migrate it."""
        self._lock.acquire()
        try:
            await self.db.open()
        except BaseException:
            self._lock.release()
            raise

    async def close(self) -> None:
        try:
            await self.db.close()
        finally:
            self._lock.release()

    @property
    def schema_version(self) -> int:
        return self.db.schema_version

    async def count_servers(self) -> int:
        return await self.db.read(_count_servers)

    async def get_state(self, key: str) -> str | None:
        return await self.db.read(_get_state, key)

    async def set_state(self, key: str, value: str) -> None:
        await self.db.write(_set_state, key, value)
