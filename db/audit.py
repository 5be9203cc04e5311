"""The audit log: every moderator action and every claim change, who did it and when."""

from __future__ import annotations

import sqlite3

from db.database import Database, from_epoch
from db.models import AuditEntry, Page


def record(
    conn: sqlite3.Connection,
    *,
    guild_id: int,
    actor_id: int,
    action: str,
    now: int,
    prompt_number: int | None = None,
    target_id: int | None = None,
    detail: str | None = None,
    by_moderator: bool = False,
) -> AuditEntry:
    row = conn.execute(
        "INSERT INTO audit_log (guild_id, actor_id, action, prompt_number, target_id, detail, by_moderator,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (guild_id, actor_id, action, prompt_number, target_id, detail, int(by_moderator), now),
    ).fetchone()
    return entry_from_row(row)


def entry_from_row(row: sqlite3.Row) -> AuditEntry:
    created = from_epoch(row["created_at"])
    return AuditEntry(
        id=row["id"],
        guild_id=row["guild_id"],
        actor_id=row["actor_id"],
        action=row["action"],
        prompt_number=row["prompt_number"],
        target_id=row["target_id"],
        detail=row["detail"],
        created_at=created,
    )


def _recent(
    conn: sqlite3.Connection, guild_id: int, member_id: int | None, page: int, per_page: int
) -> Page[AuditEntry]:
    where = "guild_id = ? AND by_moderator = 1"
    params: list[int] = [guild_id]
    if member_id is not None:
        where += " AND (actor_id = ? OR target_id = ?)"
        params += [member_id, member_id]
    total = conn.execute(f"SELECT COUNT(*) FROM audit_log WHERE {where}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT * FROM audit_log WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, per_page, page * per_page],
    ).fetchall()
    return Page(tuple(entry_from_row(r) for r in rows), total, page, per_page)


def _all(conn: sqlite3.Connection, guild_id: int) -> list[AuditEntry]:
    rows = conn.execute("SELECT * FROM audit_log WHERE guild_id = ? ORDER BY id", (guild_id,)).fetchall()
    return [entry_from_row(r) for r in rows]


class AuditRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def moderation(
        self, guild_id: int, *, member_id: int | None = None, page: int = 0, per_page: int = 10
    ) -> Page[AuditEntry]:
        """Moderator actions, newest first; with member_id, those by or on that member."""
        return await self._db.read(_recent, guild_id, member_id, page, per_page)

    async def everything(self, guild_id: int) -> list[AuditEntry]:
        return await self._db.read(_all, guild_id)
