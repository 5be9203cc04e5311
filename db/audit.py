"""Reading the audit log (written by every repository through rows.record_audit)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from db.database import Repository
from db.models import AuditEntry, Page
from db.rows import COUNT_CAP, entry_from_row, placeholders


def _moderation(
    conn: sqlite3.Connection, guild_id: int, member_id: int | None, page: int, per_page: int
) -> Page[AuditEntry]:
    if member_id is None:
        source, params = "audit_log WHERE guild_id = ? AND by_moderator = 1", [guild_id]
        total = conn.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {source} LIMIT ?)", [*params, COUNT_CAP + 1]
        ).fetchone()[0]
        found = conn.execute(
            f"SELECT * FROM {source} ORDER BY id DESC LIMIT ? OFFSET ?", [*params, per_page, page * per_page]
        )
    else:
        # By or on one member: the newest of each from its own index, merged, so a member with a few entries
        # in a long log costs a few rows, not a walk through the whole log.
        def newest(limit: int) -> tuple[str, list[int]]:
            one = "SELECT id FROM audit_log WHERE guild_id = ? AND by_moderator = 1 AND {} = ? ORDER BY id DESC LIMIT ?"
            union = f"SELECT id FROM ({one.format('actor_id')}) UNION SELECT id FROM ({one.format('target_id')})"
            return union, [guild_id, member_id, limit, guild_id, member_id, limit]

        counted, count_params = newest(COUNT_CAP + 1)
        total = conn.execute(f"SELECT COUNT(*) FROM ({counted})", count_params).fetchone()[0]
        ids, id_params = newest((page + 1) * per_page)
        found = conn.execute(
            f"SELECT * FROM audit_log WHERE id IN ({ids}) ORDER BY id DESC LIMIT ? OFFSET ?",
            [*id_params, per_page, page * per_page],
        )
    capped = total > COUNT_CAP
    entries = _with_prompts(conn, guild_id, [entry_from_row(r) for r in found])
    return Page(tuple(entries), min(total, COUNT_CAP), page, per_page, capped=capped)


def _with_prompts(conn: sqlite3.Connection, guild_id: int, entries: list[AuditEntry]) -> list[AuditEntry]:
    """Each entry with its prompt's title and anonymity, one read for the page."""
    numbers = sorted({e.prompt_number for e in entries if e.prompt_number is not None})
    if not numbers:
        return entries
    found = conn.execute(
        f"SELECT number, title, anonymous FROM prompts WHERE guild_id = ? AND number IN ({placeholders(numbers)})",
        [guild_id, *numbers],
    )
    prompts = {row["number"]: (row["title"], bool(row["anonymous"])) for row in found}
    return [
        replace(e, prompt_title=prompts[e.prompt_number][0], prompt_anonymous=prompts[e.prompt_number][1])
        if e.prompt_number in prompts
        else e
        for e in entries
    ]


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
