"""Reading the audit log (written by every repository through rows.record_audit)."""

from __future__ import annotations

import sqlite3

from db.database import Repository
from db.models import AuditEntry, Page
from db.rows import entry_from_row


def _moderation(
    conn: sqlite3.Connection, guild_id: int, member_id: int | None, page: int, per_page: int
) -> Page[AuditEntry]:
    where = "guild_id = ? AND by_moderator = 1"
    params: list[int] = [guild_id]
    if member_id is not None:
        where += " AND (actor_id = ? OR target_id = ?)"
        params += [member_id, member_id]
    total = conn.execute(f"SELECT COUNT(*) FROM audit_log WHERE {where}", params).fetchone()[0]
    found = conn.execute(
        f"SELECT * FROM audit_log WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, per_page, page * per_page],
    )
    return Page(tuple(entry_from_row(r) for r in found), total, page, per_page)


def _everything(conn: sqlite3.Connection, guild_id: int) -> list[AuditEntry]:
    return [
        entry_from_row(r) for r in conn.execute("SELECT * FROM audit_log WHERE guild_id = ? ORDER BY id", (guild_id,))
    ]


class AuditRepo(Repository):
    async def moderation(
        self, guild_id: int, *, member_id: int | None = None, page: int = 0, per_page: int = 10
    ) -> Page[AuditEntry]:
        """Moderator actions, newest first; with member_id, those by or on that member."""
        return await self._db.read(_moderation, guild_id, member_id, page, per_page)

    async def everything(self, guild_id: int) -> list[AuditEntry]:
        return await self._db.read(_everything, guild_id)
