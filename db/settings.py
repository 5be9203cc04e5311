"""Per-server settings: read on nearly every interaction, so kept in memory; written only here."""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from dataclasses import replace

from db import rows
from db.database import Clock, Database, Repository, real_clock
from db.errors import NothingToChange
from db.models import CLAIMABLE_STATUSES, SETTING_COLUMNS, GuildSettings, SettingName, SettingValue, named_settings


def _update(
    conn: sqlite3.Connection, guild_id: int, actor_id: int, changes: dict[SettingName, SettingValue], now: int
) -> tuple[GuildSettings, GuildSettings]:
    before = rows.settings(conn, guild_id)
    current = named_settings(before)
    changed: dict[SettingName, SettingValue] = {name: v for name, v in changes.items() if current[name] != v}
    if not changed:
        return before, before
    conn.execute("INSERT OR IGNORE INTO guild_settings (guild_id) VALUES (?)", (guild_id,))
    assignments = ", ".join(f"{SETTING_COLUMNS[name]} = ?" for name in changed)
    values = [int(v) if isinstance(v, bool) else v for v in changed.values()]
    conn.execute(f"UPDATE guild_settings SET {assignments} WHERE guild_id = ?", [*values, guild_id])
    for name, value in changed.items():
        rows.record_audit(
            conn,
            guild_id=guild_id,
            actor_id=actor_id,
            action="settings",
            detail=f"{name}: {current[name]} -> {value}",
            now=now,
            by_moderator=True,
        )
    return before, replace(before, **{SETTING_COLUMNS[name]: value for name, value in changed.items()})


def _mark_welcomed(conn: sqlite3.Connection, guild_id: int, now: int) -> bool:
    cursor = conn.execute(
        "INSERT INTO welcomed_guilds (guild_id, welcomed_at) VALUES (?, ?) ON CONFLICT (guild_id) DO NOTHING",
        (guild_id, now),
    )
    return cursor.rowcount == 1


def _forget_welcome(conn: sqlite3.Connection, guild_id: int) -> None:
    conn.execute("DELETE FROM welcomed_guilds WHERE guild_id = ?", (guild_id,))


_WAITING = ", ".join("?" for _ in CLAIMABLE_STATUSES)


def _unposted(conn: sqlite3.Connection, guild_id: int) -> list[int]:
    """Numbers of the prompts members could claim that have no post: open while no channel was set, or imported."""
    found = conn.execute(
        f"SELECT number FROM prompts WHERE guild_id = ? AND status IN ({_WAITING}) AND message_id IS NULL "
        "ORDER BY number",
        (guild_id, *CLAIMABLE_STATUSES),
    )
    return [row[0] for row in found]


# About 1 KB a server: 10,000 servers' settings stay in memory (~10 MB); the least recently used beyond that
# are read again from the store when next needed.
SETTINGS_CACHE_SIZE = 10_000


class SettingsRepo(Repository):
    def __init__(self, db: Database, clock: Clock = real_clock, *, cache_size: int = SETTINGS_CACHE_SIZE) -> None:
        super().__init__(db, clock)
        # Written only through update() below, by the one process that owns the database: never stale.
        self._cache: OrderedDict[int, GuildSettings] = OrderedDict()
        self.cache_size = cache_size

    async def get(self, guild_id: int) -> GuildSettings:
        cached = self._cache.get(guild_id)
        if cached is None:
            cached = await self._db.read(rows.settings, guild_id)
        self._remember(guild_id, cached)
        return cached

    def _remember(self, guild_id: int, settings: GuildSettings) -> None:
        self._cache[guild_id] = settings
        self._cache.move_to_end(guild_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    @property
    def cached_servers(self) -> int:
        return len(self._cache)

    async def update(
        self, guild_id: int, actor_id: int, changes: dict[SettingName, SettingValue]
    ) -> tuple[GuildSettings, GuildSettings]:
        """Apply validated settings (by /settings name); returns (before, after). Audited per change."""
        if not changes:
            raise NothingToChange("settings")
        before, after = await self._db.write(_update, guild_id, actor_id, changes, self._now())
        self._remember(guild_id, after)
        return before, after

    async def mark_welcomed(self, guild_id: int) -> bool:
        """True the first time for a server, False ever after: the welcome is said once."""
        return await self._db.write(_mark_welcomed, guild_id, self._now())

    async def forget_welcome(self, guild_id: int) -> None:
        """The welcome could not be posted: the next invitation may try again."""
        await self._db.write(_forget_welcome, guild_id)

    async def unposted_prompts(self, guild_id: int) -> list[int]:
        """Claimable prompts (by number, oldest first) that were never posted in a channel."""
        return await self._db.read(_unposted, guild_id)
