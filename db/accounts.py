"""Members' AO3 accounts, as each names theirs with /ao3 account (per server, like everything else)."""

from __future__ import annotations

import sqlite3

from db import rows
from db.database import Repository
from db.errors import InvalidField


def _get(conn: sqlite3.Connection, guild_id: int, member_id: int) -> str | None:
    return rows.ao3_account(conn, guild_id, member_id)


def _link(conn: sqlite3.Connection, guild_id: int, member_id: int, username: str | None, now: int) -> str | None:
    before = _get(conn, guild_id, member_id)
    if username is None:
        if before is None:
            raise InvalidField("username", "is needed: you have no AO3 account linked here to clear")
        conn.execute("DELETE FROM ao3_accounts WHERE guild_id = ? AND member_id = ?", (guild_id, member_id))
    else:
        conn.execute(
            "INSERT INTO ao3_accounts (guild_id, member_id, username, linked_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (guild_id, member_id)"
            " DO UPDATE SET username = excluded.username, linked_at = excluded.linked_at",
            (guild_id, member_id, username, now),
        )
    rows.record_audit(
        conn,
        guild_id=guild_id,
        actor_id=member_id,
        action="ao3 account",
        target_id=member_id,
        detail=f"{before or '(none)'} -> {username or '(none)'}",
        now=now,
    )
    return before


class AccountRepo(Repository):
    async def get(self, guild_id: int, member_id: int) -> str | None:
        return await self._db.read(_get, guild_id, member_id)

    async def link(self, guild_id: int, member_id: int, username: str | None) -> str | None:
        """Name (or with None, clear) the member's AO3 account; returns the one it replaces."""
        return await self._db.write(_link, guild_id, member_id, username, self._now())
