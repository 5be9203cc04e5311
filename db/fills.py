"""Fills: finished works answering prompts."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db import rows
from db.claims import active_claim, check_claimable, end_claim
from db.database import Repository
from db.errors import DuplicateFill, NoClaimSlot
from db.models import Fill, Prompt
from db.rows import FILL_COLUMNS, FILL_SOURCE, fill_from_row


@dataclass(frozen=True)
class FillRecorded:
    fill: Fill
    prompt: Prompt


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
    prompt = rows.prompt(conn, guild_id, number)
    check_claimable(prompt, member_id, "fill it")
    if conn.execute("SELECT 1 FROM fills WHERE prompt_id = ? AND url = ?", (prompt.id, url)).fetchone():
        raise DuplicateFill(number)
    claim = active_claim(conn, prompt.id, member_id)
    if claim is None:
        per_prompt = rows.settings(conn, guild_id).claims_per_prompt
        if per_prompt and prompt.active_claims >= per_prompt:
            raise NoClaimSlot(number, per_prompt)
    fill_id = conn.execute(
        "INSERT INTO fills (guild_id, prompt_id, member_id, url, title, notes, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (guild_id, prompt.id, member_id, url, title, notes, now),
    ).fetchone()[0]
    if claim is not None:
        end_claim(conn, claim, status="filled", actor_id=member_id, now=now)
    conn.execute(
        "UPDATE prompts SET status = 'filled', fill_count = fill_count + 1, updated_at = ? WHERE id = ?",
        (now, prompt.id),
    )
    rows.record_audit(
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
    return FillRecorded(fill, rows.prompt_by_id(conn, prompt.id))


class FillRepo(Repository):
    async def record(
        self, guild_id: int, number: int, member_id: int, *, url: str, title: str | None, notes: str | None
    ) -> FillRecorded:
        return await self._db.write(_record, guild_id, number, member_id, url, title, notes, self._now())
