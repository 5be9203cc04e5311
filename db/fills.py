"""Fills: finished works answering prompts, and the counts built on them (profiles, stats)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db import audit
from db import settings as settings_store
from db.claims import active_claim, end_claim
from db.database import Clock, Database, from_epoch, to_epoch
from db.errors import DuplicateFill, NoClaimSlot, OwnPrompt, WrongStatus
from db.models import CLAIMABLE_STATUSES, Claim, Fill, Prompt
from db.prompts import PROMPT_COLUMNS, fetch, fetch_by_id, prompt_from_row

FILL_COLUMNS = "f.*, p.number AS prompt_number"
FILL_SOURCE = "fills f JOIN prompts p ON p.id = f.prompt_id"


@dataclass(frozen=True)
class FillRecorded:
    fill: Fill
    prompt: Prompt
    completed_claim: Claim | None


@dataclass(frozen=True)
class Profile:
    member_id: int
    prompts_total: int
    claims_by_status: dict[str, int]
    fills_total: int
    recent_prompts: tuple[Prompt, ...]
    active_claims: tuple[Claim, ...]
    recent_fills: tuple[Fill, ...]


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


def fill_from_row(row: sqlite3.Row) -> Fill:
    created = from_epoch(row["created_at"])
    return Fill(
        id=row["id"],
        guild_id=row["guild_id"],
        prompt_id=row["prompt_id"],
        prompt_number=row["prompt_number"],
        member_id=row["member_id"],
        url=row["url"],
        title=row["title"],
        notes=row["notes"],
        created_at=created,
    )


def fills_for_prompt(conn: sqlite3.Connection, prompt_id: int) -> list[Fill]:
    rows = conn.execute(f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE f.prompt_id = ? ORDER BY f.id", (prompt_id,))
    return [fill_from_row(r) for r in rows]


def _record(
    conn: sqlite3.Connection,
    guild_id: int,
    number: int,
    member_id: int,
    url: str,
    title: str | None,
    notes: str | None,
    now: int,
) -> FillRecorded:
    prompt = fetch(conn, guild_id, number)
    if prompt.status not in CLAIMABLE_STATUSES:
        raise WrongStatus(number, prompt.status, "fill it")
    if prompt.author_id == member_id:
        raise OwnPrompt(number, "fill it")
    if conn.execute("SELECT 1 FROM fills WHERE prompt_id = ? AND url = ?", (prompt.id, url)).fetchone():
        raise DuplicateFill(number)
    claim = active_claim(conn, prompt.id, member_id)
    if claim is None:
        per_prompt = settings_store.load(conn, guild_id).claims_per_prompt
        if per_prompt and prompt.active_claims >= per_prompt:
            raise NoClaimSlot(number, per_prompt)
    fill_id = conn.execute(
        "INSERT INTO fills (guild_id, prompt_id, member_id, url, title, notes, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (guild_id, prompt.id, member_id, url, title, notes, now),
    ).fetchone()[0]
    completed = None
    if claim is not None:
        completed = end_claim(conn, claim, status="filled", actor_id=member_id, now=now)
    conn.execute(
        "UPDATE prompts SET status = 'filled', fill_count = fill_count + 1, updated_at = ? WHERE id = ?",
        (now, prompt.id),
    )
    audit.record(
        conn,
        guild_id=guild_id,
        actor_id=member_id,
        action="fill",
        prompt_number=number,
        target_id=member_id,
        detail=url,
        now=now,
    )
    fill = fill_from_row(
        conn.execute(f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE f.id = ?", (fill_id,)).fetchone()
    )
    return FillRecorded(fill, fetch_by_id(conn, prompt.id), completed)


def _profile(
    conn: sqlite3.Connection,
    guild_id: int,
    member_id: int,
    include_anonymous: bool,
    include_explicit: bool,
    recent: int,
) -> Profile:
    # Others see the member's named, public prompts; the member sees all of their own.
    visible = "" if include_anonymous else " AND p.anonymous = 0 AND p.status IN ('open', 'filled', 'closed')"
    prompts_total = conn.execute(
        f"SELECT COUNT(*) FROM prompts p WHERE p.guild_id = ? AND p.author_id = ?{visible}",
        (guild_id, member_id),
    ).fetchone()[0]
    explicit = "" if include_explicit else " AND p.rating != 'E'"
    recent_prompts = conn.execute(
        f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE p.guild_id = ? AND p.author_id = ?{visible}{explicit}"
        " ORDER BY p.number DESC LIMIT ?",
        (guild_id, member_id, recent),
    ).fetchall()
    claims_by_status = {
        row[0]: row[1]
        for row in conn.execute(
            "SELECT status, COUNT(*) FROM claims WHERE guild_id = ? AND member_id = ? GROUP BY status",
            (guild_id, member_id),
        )
    }
    from db.claims import CLAIM_COLUMNS, CLAIM_SOURCE, claim_from_row

    active = conn.execute(
        f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_SOURCE} WHERE c.guild_id = ? AND c.member_id = ? AND c.status = 'active'"
        f"{explicit} ORDER BY c.id DESC LIMIT ?",
        (guild_id, member_id, recent),
    ).fetchall()
    fills_total = conn.execute(
        "SELECT COUNT(*) FROM fills WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
    ).fetchone()[0]
    recent_fills = conn.execute(
        f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE f.guild_id = ? AND f.member_id = ?{explicit}"
        " ORDER BY f.id DESC LIMIT ?",
        (guild_id, member_id, recent),
    ).fetchall()
    return Profile(
        member_id=member_id,
        prompts_total=prompts_total,
        claims_by_status=claims_by_status,
        fills_total=fills_total,
        recent_prompts=tuple(prompt_from_row(r) for r in recent_prompts),
        active_claims=tuple(claim_from_row(r) for r in active),
        recent_fills=tuple(fill_from_row(r) for r in recent_fills),
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
    top_fillers = conn.execute(
        "SELECT member_id, COUNT(*) AS n FROM fills WHERE guild_id = ? GROUP BY member_id"
        " ORDER BY n DESC, MIN(id) LIMIT ?",
        (guild_id, top),
    ).fetchall()
    return ServerStats(by_status, claims_active, fills_total, fillers, tuple((r[0], r[1]) for r in top_fillers))


class FillRepo:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def record(
        self, guild_id: int, number: int, member_id: int, *, url: str, title: str | None, notes: str | None
    ) -> FillRecorded:
        return await self._db.write(_record, guild_id, number, member_id, url, title, notes, to_epoch(self._clock()))

    async def profile(
        self,
        guild_id: int,
        member_id: int,
        *,
        include_anonymous: bool,
        include_explicit: bool,
        recent: int = 5,
    ) -> Profile:
        return await self._db.read(_profile, guild_id, member_id, include_anonymous, include_explicit, recent)

    async def stats(self, guild_id: int, *, top: int = 10) -> ServerStats:
        return await self._db.read(_stats, guild_id, top)
