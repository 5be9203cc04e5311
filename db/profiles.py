"""Counts built on prompts, claims and fills: a member's profile and the server's stats."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db import rows
from db.database import Repository
from db.models import MEMBER_VISIBLE_STATUSES, Claim, Fill, Prompt, Viewer


@dataclass(frozen=True)
class Profile:
    member_id: int
    prompts_total: int
    claims_by_status: dict[str, int]
    fills_total: int
    recent_prompts: tuple[Prompt, ...]
    active_claims: tuple[Claim, ...]
    recent_fills: tuple[Fill, ...]
    ao3_account: str | None = None
    in_progress: tuple[Fill, ...] = ()  # their works in progress, newest first


@dataclass(frozen=True)
class ServerStats:
    prompts_by_status: dict[str, int]
    claims_active: int
    fills_total: int
    fillers: int
    top_fillers: tuple[tuple[int, int], ...]

    @property
    def fill_rate(self) -> float:
        """Share of the prompts open to writers (open or filled) that have at least one fill."""
        filled = self.prompts_by_status.get("filled", 0)
        offered = filled + self.prompts_by_status.get("open", 0)
        return filled / offered if offered else 0.0


def _profile(conn: sqlite3.Connection, guild_id: int, member_id: int, viewer: Viewer, recent: int) -> Profile:
    # A member sees all of their own prompts; others see the ones every member may see and that name them.
    visible, visible_params = "", []
    if not viewer.is_member(member_id):
        visible = f" AND p.anonymous = 0 AND p.status IN ({rows.placeholders(MEMBER_VISIBLE_STATUSES)})"
        visible_params = list(MEMBER_VISIBLE_STATUSES)
    explicit = "" if viewer.age_restricted_channel else " AND p.rating != 'E'"
    prompts_total = conn.execute(
        f"SELECT COUNT(*) FROM prompts p WHERE p.guild_id = ? AND p.author_id = ?{visible}",
        (guild_id, member_id, *visible_params),
    ).fetchone()[0]
    recent_prompts = conn.execute(
        f"SELECT {rows.PROMPT_COLUMNS} FROM prompts p WHERE p.guild_id = ? AND p.author_id = ?{visible}{explicit}"
        " ORDER BY p.number DESC LIMIT ?",
        (guild_id, member_id, *visible_params, recent),
    ).fetchall()
    claims_by_status = {
        row[0]: row[1]
        for row in conn.execute(
            "SELECT status, COUNT(*) FROM claims WHERE guild_id = ? AND member_id = ? GROUP BY status",
            (guild_id, member_id),
        )
    }
    active = conn.execute(
        f"SELECT {rows.CLAIM_COLUMNS} FROM {rows.CLAIM_SOURCE}"
        f" WHERE c.guild_id = ? AND c.member_id = ? AND c.status = 'active'{explicit} ORDER BY c.id DESC LIMIT ?",
        (guild_id, member_id, recent),
    ).fetchall()
    # Anonymous fills are in their writer's own profile only: listed or counted anywhere else, they would name them.
    named = "" if viewer.is_member(member_id) else " AND f.anonymous = 0"
    fills_total = conn.execute(
        f"SELECT COUNT(*) FROM fills f WHERE f.guild_id = ? AND f.member_id = ?{named}", (guild_id, member_id)
    ).fetchone()[0]
    recent_fills = conn.execute(
        f"SELECT {rows.FILL_COLUMNS} FROM {rows.FILL_SOURCE} WHERE f.guild_id = ? AND f.member_id = ?{named}{explicit}"
        " ORDER BY f.id DESC LIMIT ?",
        (guild_id, member_id, recent),
    ).fetchall()
    in_progress = conn.execute(
        f"SELECT {rows.FILL_COLUMNS} FROM {rows.FILL_SOURCE}"
        f" WHERE f.guild_id = ? AND f.member_id = ? AND f.complete = 0{named}{explicit} ORDER BY f.id DESC LIMIT ?",
        (guild_id, member_id, recent),
    ).fetchall()
    return Profile(
        member_id=member_id,
        prompts_total=prompts_total,
        claims_by_status=claims_by_status,
        fills_total=fills_total,
        recent_prompts=tuple(rows.prompt_from_row(r) for r in recent_prompts),
        active_claims=tuple(rows.claim_from_row(r) for r in active),
        recent_fills=tuple(rows.fill_from_row(r) for r in recent_fills),
        ao3_account=rows.ao3_account(conn, guild_id, member_id),
        in_progress=tuple(rows.fill_from_row(r) for r in in_progress),
    )


def _stats(conn: sqlite3.Connection, guild_id: int, top: int) -> ServerStats:
    by_status = {
        row[0]: row[1]
        for row in conn.execute("SELECT status, COUNT(*) FROM prompts WHERE guild_id = ? GROUP BY status", (guild_id,))
    }
    claims_active = conn.execute(
        "SELECT COUNT(*) FROM claims WHERE guild_id = ? AND status = 'active'", (guild_id,)
    ).fetchone()[0]
    fills_total, fillers = conn.execute(
        "SELECT COUNT(*), COUNT(DISTINCT member_id) FROM fills WHERE guild_id = ?", (guild_id,)
    ).fetchone()
    # Top fillers by their named fills: an anonymous fill counted here would name its writer.
    top_fillers = conn.execute(
        "SELECT member_id, COUNT(*) AS n FROM fills WHERE guild_id = ? AND anonymous = 0 GROUP BY member_id"
        " ORDER BY n DESC, MIN(id) LIMIT ?",
        (guild_id, top),
    ).fetchall()
    return ServerStats(by_status, claims_active, fills_total, fillers, tuple((r[0], r[1]) for r in top_fillers))


class ProfileRepo(Repository):
    async def profile(self, guild_id: int, member_id: int, viewer: Viewer, *, recent: int = 5) -> Profile:
        """What `viewer` may see of `member_id`'s prompts, claims and fills."""
        return await self._db.read(_profile, guild_id, member_id, viewer, recent)

    async def stats(self, guild_id: int, *, top: int = 10) -> ServerStats:
        return await self._db.read(_stats, guild_id, top)
