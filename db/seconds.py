"""Seconds: a member saying "I want this too" of someone else's prompt. A second is a toggle; each member
seconds a prompt at most once (the table's UNIQUE constraint holds it, whatever arrives at once), and the
count on the prompt moves with the rows (the migration's triggers)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db import rows
from db.database import Repository
from db.errors import SecondOwnPrompt, WrongStatus
from db.follows import start_digest
from db.models import Prompt, Viewer

SECOND_ACTION = "second it"


@dataclass(frozen=True)
class SecondToggled:
    prompt: Prompt  # as it stands after the toggle, with its new count
    seconded: bool  # True: the member now seconds it; False: they took their second back


def _toggle(conn: sqlite3.Connection, guild_id: int, number: int, member: Viewer, now: int) -> SecondToggled:
    # Someone else's pending or rejected prompt is "no prompt #N", as for every command that names one.
    prompt = rows.visible_prompt(conn, guild_id, number, member)
    if member.owns(prompt):
        raise SecondOwnPrompt(number)
    if not member.may_second(prompt):
        raise WrongStatus(number, prompt.status, SECOND_ACTION)
    taken_back = conn.execute(
        "DELETE FROM prompt_seconds WHERE prompt_id = ? AND member_id = ?", (prompt.id, member.member_id)
    ).rowcount
    if not taken_back:
        # A plain INSERT: a second row for the same member would break the UNIQUE constraint, not count twice.
        conn.execute(
            "INSERT INTO prompt_seconds (prompt_id, guild_id, member_id, created_at) VALUES (?, ?, ?, ?)",
            (prompt.id, guild_id, member.member_id, now),
        )
        # A seconder hears of the prompt's fills in their daily digest of this server, which begins now.
        start_digest(conn, guild_id, member.member_id, now)
    return SecondToggled(rows.prompt_by_id(conn, prompt.id), seconded=not taken_back)


def seconders_of(conn: sqlite3.Connection, prompt_id: int) -> tuple[int, ...]:
    """Who seconded a prompt, first seconder first."""
    found = conn.execute(
        "SELECT member_id FROM prompt_seconds WHERE prompt_id = ? ORDER BY created_at, rowid", (prompt_id,)
    )
    return tuple(r[0] for r in found)


class SecondRepo(Repository):
    async def toggle(self, guild_id: int, number: int, member: Viewer) -> SecondToggled:
        """Second the prompt, or take the member's second back if they already gave it."""
        return await self._db.write(_toggle, guild_id, number, member, self._now())

    async def seconders(self, prompt_id: int) -> tuple[int, ...]:
        """The members who seconded a prompt: for moderators, and for telling them of its fills."""
        return await self._db.read(seconders_of, prompt_id)
