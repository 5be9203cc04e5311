"""Claims: the one place that writes claim rows. Every limit is checked inside the write transaction,
and the slot count moves with a conditional UPDATE, so concurrent claims cannot overshoot."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from db import rows
from db.database import Repository, to_epoch
from db.errors import AlreadyClaimed, ClaimLimitReached, ClaimNotFound, NoClaimSlot, OwnPrompt, WrongStatus
from db.models import CLAIMABLE_STATUSES, Claim, ClaimStatus, Prompt, Viewer
from db.rows import CLAIM_COLUMNS, CLAIM_SOURCE, claim_from_row, placeholders

REMINDER_BEFORE = timedelta(days=2)
SWEEP_BATCH = 500  # claims a sweep reads or expires at once
_DAY = 86400


@dataclass(frozen=True)
class ClaimEvent:
    """A claim that background work changed, with its prompt as it stands now."""

    claim: Claim
    prompt: Prompt


def check_claimable(prompt: Prompt, member: Viewer, action: str) -> None:
    """The rules a claim and a fill share: the prompt takes them, and it is not the member's own."""
    if not prompt.claimable:
        raise WrongStatus(prompt.number, prompt.status, action)
    if member.owns(prompt):
        raise OwnPrompt(prompt.number, action)


def active_claim(conn: sqlite3.Connection, prompt_id: int, member_id: int) -> Claim | None:
    row = conn.execute(
        f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_SOURCE} WHERE c.prompt_id = ? AND c.member_id = ? AND c.status = 'active'",
        (prompt_id, member_id),
    ).fetchone()
    return claim_from_row(row) if row else None


def end_claim(
    conn: sqlite3.Connection,
    claim: Claim,
    *,
    status: ClaimStatus,
    actor_id: int,
    now: int,
    by_moderator: bool = False,
    detail: str | None = None,
) -> Claim:
    """Close an active claim and free its slot; only a claim that is still active moves."""
    changed = conn.execute(
        "UPDATE claims SET status = ?, ended_at = ? WHERE id = ? AND status = 'active'",
        (status, now, claim.id),
    ).rowcount
    if changed:
        conn.execute("UPDATE prompts SET active_claims = active_claims - 1 WHERE id = ?", (claim.prompt_id,))
        rows.record_audit(
            conn,
            guild_id=claim.guild_id,
            actor_id=actor_id,
            action=f"claim {status}",
            prompt_number=claim.prompt_number,
            target_id=claim.member_id,
            detail=detail,
            by_moderator=by_moderator,
            now=now,
        )
    return rows.claim_by_id(conn, claim.id)


def _take(conn: sqlite3.Connection, guild_id: int, number: int, member: Viewer, now: int) -> tuple[Claim, Prompt]:
    member_id = member.member_id
    config = rows.settings(conn, guild_id)
    prompt = rows.visible_prompt(conn, guild_id, number, member)
    check_claimable(prompt, member, "claim it")
    if active_claim(conn, prompt.id, member_id) is not None:
        raise AlreadyClaimed(number)
    if config.claims_per_member:
        held = conn.execute(
            "SELECT COUNT(*) FROM claims WHERE guild_id = ? AND member_id = ? AND status = 'active'",
            (guild_id, member_id),
        ).fetchone()[0]
        if held >= config.claims_per_member:
            raise ClaimLimitReached(config.claims_per_member)
    took_slot = conn.execute(
        "UPDATE prompts SET active_claims = active_claims + 1"
        f" WHERE id = ? AND status IN ({placeholders(CLAIMABLE_STATUSES)}) AND (? = 0 OR active_claims < ?)",
        (prompt.id, *CLAIMABLE_STATUSES, config.claims_per_prompt, config.claims_per_prompt),
    ).rowcount
    if not took_slot:
        raise NoClaimSlot(number, config.claims_per_prompt)
    deadline = now + config.claim_days * _DAY if config.claim_days else None
    claim_id = conn.execute(
        "INSERT INTO claims (guild_id, prompt_id, member_id, status, claimed_at, deadline)"
        " VALUES (?, ?, ?, 'active', ?, ?) RETURNING id",
        (guild_id, prompt.id, member_id, now, deadline),
    ).fetchone()[0]
    rows.record_audit(
        conn, guild_id=guild_id, actor_id=member_id, action="claim", prompt_number=number, target_id=member_id, now=now
    )
    return rows.claim_by_id(conn, claim_id), rows.prompt_by_id(conn, prompt.id)


def _find_active(conn: sqlite3.Connection, guild_id: int, number: int, member_id: int, asking: Viewer) -> Claim:
    """The member's active claim on a prompt the one asking may see."""
    prompt = rows.visible_prompt(conn, guild_id, number, asking)
    claim = active_claim(conn, prompt.id, member_id)
    if claim is None:
        raise ClaimNotFound(number, member_id, asking.is_member(member_id))
    return claim


def _drop(conn: sqlite3.Connection, guild_id: int, number: int, member: Viewer, now: int) -> tuple[Claim, Prompt]:
    """The member's own claim ended, and the prompt as it is now (the reply names it): one hand-off, not two."""
    claim = _find_active(conn, guild_id, number, member.member_id, member)
    ended = end_claim(conn, claim, status="dropped", actor_id=member.member_id, now=now)
    return ended, rows.prompt(conn, guild_id, number)


def _release(conn: sqlite3.Connection, guild_id: int, number: int, member_id: int, actor_id: int, now: int) -> Claim:
    claim = _find_active(conn, guild_id, number, member_id, Viewer(actor_id, is_moderator=True))
    return end_claim(conn, claim, status="released", actor_id=actor_id, now=now, by_moderator=True)


def _extend(
    conn: sqlite3.Connection, guild_id: int, number: int, member_id: int, days: int, actor_id: int, now: int
) -> Claim:
    claim = _find_active(conn, guild_id, number, member_id, Viewer(actor_id, is_moderator=True))
    base = to_epoch(claim.deadline) if claim.deadline else now
    new_deadline = base + days * _DAY
    # A new deadline far enough away earns a new reminder.
    reminded = int(claim.reminded and new_deadline - now <= REMINDER_BEFORE.total_seconds())
    conn.execute("UPDATE claims SET deadline = ?, reminded = ? WHERE id = ?", (new_deadline, reminded, claim.id))
    rows.record_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action="claim extended",
        prompt_number=number,
        target_id=member_id,
        detail=f"+{days} days",
        by_moderator=True,
        now=now,
    )
    return rows.claim_by_id(conn, claim.id)


def _member_claims(conn: sqlite3.Connection, guild_id: int, member_id: int) -> list[Claim]:
    found = conn.execute(
        f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_SOURCE} WHERE c.guild_id = ? AND c.member_id = ? AND c.status = 'active'"
        " ORDER BY c.deadline IS NULL, c.deadline, c.id",
        (guild_id, member_id),
    )
    return [claim_from_row(r) for r in found]


def _held_by(conn: sqlite3.Connection, guild_id: int, member_id: int) -> list[ClaimEvent]:
    return _events(conn, [c.id for c in _member_claims(conn, guild_id, member_id)])


def _due_reminders(conn: sqlite3.Connection, now: int, after: tuple[int, int], limit: int) -> list[ClaimEvent]:
    """Claims whose reminder is due and not yet delivered (mark_reminded records each delivery), past `after`
    (a member id and a claim id): a reminder that could not be delivered stays due, so the sweep pages by key,
    not by state. Ordered by member, so one member's claims come together and go out as one message."""
    due = conn.execute(
        "SELECT id FROM claims WHERE status = 'active' AND reminded = 0 AND deadline IS NOT NULL"
        " AND deadline > ? AND deadline <= ? AND (member_id, id) > (?, ?) ORDER BY member_id, id LIMIT ?",
        (now, now + int(REMINDER_BEFORE.total_seconds()), *after, limit),
    ).fetchall()
    return _events(conn, [r[0] for r in due])


def _mark_reminded(conn: sqlite3.Connection, claim_id: int) -> None:
    conn.execute("UPDATE claims SET reminded = 1 WHERE id = ?", (claim_id,))


def _expire_due(conn: sqlite3.Connection, now: int, limit: int) -> list[ClaimEvent]:
    due = conn.execute(
        f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_SOURCE} WHERE c.status = 'active' AND c.deadline IS NOT NULL"
        " AND c.deadline <= ? ORDER BY c.deadline LIMIT ?",
        (now, limit),
    ).fetchall()
    ids = [end_claim(conn, claim_from_row(r), status="expired", actor_id=r["member_id"], now=now).id for r in due]
    return _events(conn, ids)


def _events(conn: sqlite3.Connection, claim_ids: list[int]) -> list[ClaimEvent]:
    """The claims with their prompts, read a few hundred at a time (a sweep may have thousands due)."""
    events = []
    for start in range(0, len(claim_ids), 500):
        chunk = claim_ids[start : start + 500]
        claims = {
            r["id"]: claim_from_row(r)
            for r in conn.execute(
                f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_SOURCE} WHERE c.id IN ({placeholders(chunk)})", chunk
            )
        }
        prompt_ids = sorted({c.prompt_id for c in claims.values()})
        prompts = {
            r["id"]: rows.prompt_from_row(r)
            for r in conn.execute(
                f"SELECT {rows.PROMPT_COLUMNS} FROM prompts p WHERE p.id IN ({placeholders(prompt_ids)})", prompt_ids
            )
        }
        events += [ClaimEvent(claims[i], prompts[claims[i].prompt_id]) for i in chunk if i in claims]
    return events


class ClaimRepo(Repository):
    async def take(self, guild_id: int, number: int, member: Viewer) -> tuple[Claim, Prompt]:
        """A claim for `member` (its moderator flag decides whether a pending prompt is "no prompt #N")."""
        return await self._db.write(_take, guild_id, number, member, self._now())

    async def drop(self, guild_id: int, number: int, member: Viewer) -> tuple[Claim, Prompt]:
        return await self._db.write(_drop, guild_id, number, member, self._now())

    # Release and extend are moderators' commands: every prompt exists for them.
    async def release(self, guild_id: int, number: int, member_id: int, actor_id: int) -> Claim:
        return await self._db.write(_release, guild_id, number, member_id, actor_id, self._now())

    async def extend(self, guild_id: int, number: int, member_id: int, days: int, actor_id: int) -> Claim:
        return await self._db.write(_extend, guild_id, number, member_id, days, actor_id, self._now())

    async def of_member(self, guild_id: int, member_id: int) -> list[Claim]:
        return await self._db.read(_member_claims, guild_id, member_id)

    async def held_by(self, guild_id: int, member_id: int) -> list[ClaimEvent]:
        """The member's active claims with their prompts (for /claims, which names each prompt), soonest due first."""
        return await self._db.read(_held_by, guild_id, member_id)

    async def due_reminders(self, *, after: tuple[int, int] = (0, 0)) -> list[ClaimEvent]:
        """Up to SWEEP_BATCH reminders due, by member then claim id, past `after` (a member id, a claim id)."""
        return await self._db.read(_due_reminders, self._now(), after, SWEEP_BATCH)

    async def mark_reminded(self, claim_id: int) -> None:
        """After the reminder went out (or Discord refused it for good): it is not sent again."""
        await self._db.write(_mark_reminded, claim_id)

    async def expire_due(self) -> list[ClaimEvent]:
        """Expires up to SWEEP_BATCH claims past their deadline, in one transaction; call again for the rest."""
        return await self._db.write(_expire_due, self._now(), SWEEP_BATCH)
