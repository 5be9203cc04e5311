"""Per-server settings. A server without a row has the contract's defaults."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, replace
from typing import Any

from db import audit, validation
from db.database import Clock, Database, to_epoch
from db.errors import NothingToChange
from db.models import GuildSettings

# Setting name (as the command calls it) -> column.
COLUMNS: dict[str, str] = {
    "prompts_channel": "prompts_channel_id",
    "fills_channel": "fills_channel_id",
    "log_channel": "log_channel_id",
    "moderator_role": "moderator_role_id",
    "require_approval": "require_approval",
    "claims_per_member": "claims_per_member",
    "claims_per_prompt": "claims_per_prompt",
    "claim_days": "claim_days",
    "allow_anonymous": "allow_anonymous",
}
_COUNTS = ("claims_per_member", "claims_per_prompt", "claim_days")
_FLAGS = ("require_approval", "allow_anonymous")


def load(conn: sqlite3.Connection, guild_id: int) -> GuildSettings:
    row = conn.execute("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,)).fetchone()
    if row is None:
        return GuildSettings(guild_id=guild_id)
    values: dict[str, Any] = {name: row[column] for name, column in COLUMNS.items()}
    for flag in _FLAGS:
        values[flag] = bool(values[flag])
    return GuildSettings(
        guild_id=guild_id,
        prompts_channel_id=values["prompts_channel"],
        fills_channel_id=values["fills_channel"],
        log_channel_id=values["log_channel"],
        moderator_role_id=values["moderator_role"],
        require_approval=values["require_approval"],
        claims_per_member=values["claims_per_member"],
        claims_per_prompt=values["claims_per_prompt"],
        claim_days=values["claim_days"],
        allow_anonymous=values["allow_anonymous"],
    )


def as_named(settings: GuildSettings) -> dict[str, Any]:
    """Settings keyed by the names /settings uses."""
    fields = asdict(settings)
    return {name: fields[column] for name, column in COLUMNS.items()}


def _update(
    conn: sqlite3.Connection, guild_id: int, actor_id: int, changes: dict[str, Any], now: int
) -> tuple[GuildSettings, GuildSettings]:
    before = load(conn, guild_id)
    current = as_named(before)
    changed = {name: value for name, value in changes.items() if current[name] != value}
    if not changed:
        return before, before
    columns = [COLUMNS[name] for name in changed]
    values = [int(v) if isinstance(v, bool) else v for v in changed.values()]
    conn.execute("INSERT OR IGNORE INTO guild_settings (guild_id) VALUES (?)", (guild_id,))
    assignments = ", ".join(f"{column} = ?" for column in columns)
    conn.execute(f"UPDATE guild_settings SET {assignments} WHERE guild_id = ?", [*values, guild_id])
    for name, value in changed.items():
        audit.record(
            conn,
            guild_id=guild_id,
            actor_id=actor_id,
            action="settings",
            detail=f"{name}: {current[name]} -> {value}",
            now=now,
            by_moderator=True,
        )
    column_values = {COLUMNS[name]: value for name, value in changed.items()}
    return before, replace(before, **column_values)


class SettingsRepo:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # Read on nearly every interaction (who is a moderator); written only through update() below, by the
        # one process that owns the database, so the copy here cannot go stale.
        self._cache: dict[int, GuildSettings] = {}

    async def get(self, guild_id: int) -> GuildSettings:
        cached = self._cache.get(guild_id)
        if cached is None:
            cached = self._cache[guild_id] = await self._db.read(load, guild_id)
        return cached

    async def update(
        self, guild_id: int, actor_id: int, changes: dict[str, Any]
    ) -> tuple[GuildSettings, GuildSettings]:
        """Apply the given settings (by /settings name); returns (before, after). Audited per change."""
        if not changes:
            raise NothingToChange("settings")
        unknown = set(changes) - set(COLUMNS)
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        for name in _COUNTS:
            if name in changes:
                validation.count_setting(name, changes[name])
        before, after = await self._db.write(_update, guild_id, actor_id, changes, to_epoch(self._clock()))
        self._cache[guild_id] = after
        return before, after
