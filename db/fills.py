"""Fills: finished works answering prompts."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db import rows
from db.claims import active_claim, check_claimable, end_claim
from db.database import Repository
from db.errors import AnonymousFillsOff, DuplicateFill, FillNotAnonymous, FillNotFound, NoClaimSlot, NotYourFill
from db.models import Fill, Prompt, Viewer
from db.rows import FILL_COLUMNS, FILL_SOURCE, fill_from_row


@dataclass(frozen=True)
class FillRecorded:
    fill: Fill
    prompt: Prompt
    # A work in progress shared again: the fill as it stood before (None for a new fill, which is announced).
    earlier: Fill | None = None
    ended_claim: bool = False  # the fill ended its writer's claim, which the prompt's post showed with their name


def _record(
    conn: sqlite3.Connection,
    guild_id: int,
    number: int,
    member: Viewer,
    url: str,
    title: str | None,
    notes: str | None,
    complete: bool,
    anonymous: bool,
    now: int,
) -> FillRecorded:
    member_id = member.member_id
    prompt = rows.visible_prompt(conn, guild_id, number, member)
    config = rows.settings(conn, guild_id)
    if anonymous and not config.anonymous_fills:
        raise AnonymousFillsOff()
    same = conn.execute(
        f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE f.prompt_id = ? AND f.url = ?", (prompt.id, url)
    )
    if (row := same.fetchone()) is not None:
        earlier = fill_from_row(row)
        # Only the writer's own work in progress moves on; anything else under this link is a duplicate. A part
        # keeps the fill as it was first shared, named or anonymous: anonymity ends only with a reveal.
        if earlier.member_id != member_id or earlier.complete:
            raise DuplicateFill(number)
        return _update_part(conn, earlier, prompt, title, notes, complete, now)
    check_claimable(prompt, member, "fill it")
    claim = active_claim(conn, prompt.id, member_id)
    if claim is None:
        per_prompt = config.claims_per_prompt
        if per_prompt and prompt.active_claims >= per_prompt:
            raise NoClaimSlot(number, per_prompt)
    fill_id = conn.execute(
        "INSERT INTO fills (guild_id, prompt_id, member_id, url, title, notes, complete, anonymous, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (guild_id, prompt.id, member_id, url, title, notes, int(complete), int(anonymous), now),
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
        action="fill" if complete else "fill in progress",
        prompt_number=number,
        target_id=member_id,
        detail=url,
        now=now,
    )
    return FillRecorded(
        _fill_by_id(conn, fill_id),
        rows.prompt_by_id(conn, prompt.id),
        ended_claim=claim is not None,
    )


def _fill_by_id(conn: sqlite3.Connection, fill_id: int) -> Fill:
    return fill_from_row(
        conn.execute(f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE f.id = ?", (fill_id,)).fetchone()
    )


def _update_part(
    conn: sqlite3.Connection,
    earlier: Fill,
    prompt: Prompt,
    title: str | None,
    notes: str | None,
    complete: bool,
    now: int,
) -> FillRecorded:
    """A new part, or the completion, of a work in progress: the same fill, its title and notes replaced where
    given, its status as given. It already filled the prompt and counts once, so claims, slots and counts stay;
    a prompt closed meanwhile still lets its writer finish the work they began."""
    conn.execute(
        "UPDATE fills SET title = coalesce(?, title), notes = coalesce(?, notes), complete = ?, updated_at = ?"
        " WHERE id = ?",
        (title, notes, int(complete), now, earlier.id),
    )
    rows.record_audit(
        conn,
        guild_id=earlier.guild_id,
        actor_id=earlier.member_id,
        action="fill completed" if complete else "fill part",
        prompt_number=prompt.number,
        target_id=earlier.member_id,
        detail=earlier.url,
        now=now,
    )
    return FillRecorded(_fill_by_id(conn, earlier.id), rows.prompt_by_id(conn, prompt.id), earlier=earlier)


@dataclass(frozen=True)
class FillRemoved:
    fill: Fill
    prompt: Prompt  # as it is after the removal
    by_moderator: bool


def _fill_at(conn: sqlite3.Connection, prompt: Prompt, url: str) -> Fill:
    """The prompt's fill under that link (a removal and a reveal name a fill this way), or FillNotFound."""
    row = conn.execute(
        f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE f.prompt_id = ? AND f.url = ?", (prompt.id, url)
    ).fetchone()
    if row is None:
        raise FillNotFound(prompt.number, url)
    return fill_from_row(row)


def _remove(
    conn: sqlite3.Connection, guild_id: int, number: int, url: str, actor_id: int, as_moderator: bool, now: int
) -> FillRemoved:
    prompt = rows.visible_prompt(conn, guild_id, number, Viewer(actor_id, is_moderator=as_moderator))
    fill = _fill_at(conn, prompt, url)
    by_moderator = fill.member_id != actor_id
    if by_moderator and not as_moderator:
        raise NotYourFill(number)
    conn.execute("DELETE FROM fills WHERE id = ?", (fill.id,))
    # Filled with no fill left is open again; closed (or any other status) stays as it is. Claims that
    # this fill completed stay completed: they happened.
    conn.execute(
        "UPDATE prompts SET fill_count = fill_count - 1,"
        " status = CASE WHEN status = 'filled' AND fill_count = 1 THEN 'open' ELSE status END,"
        " updated_at = ? WHERE id = ?",
        (now, prompt.id),
    )
    rows.record_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action="unfill",
        prompt_number=number,
        target_id=fill.member_id,
        detail=url,
        now=now,
        by_moderator=by_moderator,
    )
    return FillRemoved(fill, rows.prompt_by_id(conn, prompt.id), by_moderator)


def _removable(
    conn: sqlite3.Connection, guild_id: int, number: int, member_id: int | None, typed: str, limit: int
) -> list[Fill]:
    """The fills of a prompt that this member may remove (all of them for a moderator: member_id None)."""
    query = (
        f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE p.guild_id = ? AND p.number = ?"
        " AND (? IS NULL OR f.member_id = ?)"
        " AND (instr(lower(f.url), ?) > 0 OR instr(lower(coalesce(f.title, '')), ?) > 0)"
        " ORDER BY f.id DESC LIMIT ?"
    )
    needle = typed.strip().lower()
    found = conn.execute(query, (guild_id, number, member_id, member_id, needle, needle, limit))
    return [fill_from_row(r) for r in found]


def _reveal(conn: sqlite3.Connection, guild_id: int, number: int, url: str, member_id: int, now: int) -> FillRecorded:
    """The writer names themselves on their anonymous fill. Refused for a fill that is not theirs (whoever asks,
    moderators too: they reveal all at once) or that already names them."""
    prompt = rows.visible_prompt(conn, guild_id, number, Viewer(member_id))
    fill = _fill_at(conn, prompt, url)
    if fill.member_id != member_id:
        raise NotYourFill(number, revealing=True)
    if not fill.anonymous:
        raise FillNotAnonymous(number)
    conn.execute("UPDATE fills SET anonymous = 0 WHERE id = ?", (fill.id,))
    rows.record_audit(
        conn,
        guild_id=guild_id,
        actor_id=member_id,
        action="fill revealed",
        prompt_number=number,
        target_id=member_id,
        detail=url,
        now=now,
    )
    return FillRecorded(_fill_by_id(conn, fill.id), rows.prompt_by_id(conn, prompt.id))


def _reveal_all(conn: sqlite3.Connection, guild_id: int, actor_id: int, now: int) -> list[FillRecorded]:
    """A reveal day: every anonymous fill of the server names its writer, oldest first. One moderator action."""
    found = [
        fill_from_row(r)
        for r in conn.execute(
            f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE f.guild_id = ? AND f.anonymous = 1 ORDER BY f.id",
            (guild_id,),
        )
    ]
    if not found:
        return []
    conn.execute("UPDATE fills SET anonymous = 0 WHERE guild_id = ? AND anonymous = 1", (guild_id,))
    rows.record_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action="fills revealed",
        detail=str(len(found)),
        now=now,
        by_moderator=True,
    )
    prompts = {fill.prompt_id: rows.prompt_by_id(conn, fill.prompt_id) for fill in found}
    return [FillRecorded(_fill_by_id(conn, fill.id), prompts[fill.prompt_id]) for fill in found]


def _own_anonymous(
    conn: sqlite3.Connection, guild_id: int, member_id: int, number: int | None, typed: str, limit: int
) -> list[Fill]:
    """A writer's anonymous fills (of one prompt, when given), newest first: what /reveal offers them."""
    needle = typed.strip().lower()
    found = conn.execute(
        f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE f.guild_id = ? AND f.member_id = ? AND f.anonymous = 1"
        " AND (? IS NULL OR p.number = ?)"
        " AND (instr(lower(f.url), ?) > 0 OR instr(lower(coalesce(f.title, '')), ?) > 0)"
        " ORDER BY f.id DESC LIMIT ?",
        (guild_id, member_id, number, number, needle, needle, limit),
    )
    return [fill_from_row(r) for r in found]


def _set_message(conn: sqlite3.Connection, fill_id: int, channel_id: int, message_id: int) -> None:
    conn.execute(
        "UPDATE fills SET message_channel_id = ?, message_id = ? WHERE id = ?", (channel_id, message_id, fill_id)
    )


class FillRepo(Repository):
    async def record(
        self,
        guild_id: int,
        number: int,
        member: Viewer,
        *,
        url: str,
        title: str | None,
        notes: str | None,
        complete: bool = True,
        anonymous: bool = False,
    ) -> FillRecorded:
        """A new fill; or, for the writer's own work in progress under the same link, its new part or completion
        (`earlier` set on the result). An anonymous one only where the server takes them."""
        return await self._db.write(
            _record, guild_id, number, member, url, title, notes, complete, anonymous, self._now()
        )

    async def reveal(self, guild_id: int, number: int, url: str, member_id: int) -> FillRecorded:
        """The writer reveals their own anonymous fill; audited."""
        return await self._db.write(_reveal, guild_id, number, url, member_id, self._now())

    async def reveal_all(self, guild_id: int, actor_id: int) -> list[FillRecorded]:
        """Every anonymous fill of the server names its writer (a moderator's reveal day); one audit line."""
        return await self._db.write(_reveal_all, guild_id, actor_id, self._now())

    async def own_anonymous(
        self, guild_id: int, member_id: int, number: int | None = None, typed: str = "", limit: int = 25
    ) -> list[Fill]:
        return await self._db.read(_own_anonymous, guild_id, member_id, number, typed, limit)

    async def remove(self, guild_id: int, number: int, url: str, actor_id: int, *, as_moderator: bool) -> FillRemoved:
        """Remove one fill of a prompt: its filler, or a moderator. The prompt's status follows; audited."""
        return await self._db.write(_remove, guild_id, number, url, actor_id, as_moderator, self._now())

    async def removable(
        self, guild_id: int, number: int, member_id: int | None, typed: str = "", limit: int = 25
    ) -> list[Fill]:
        return await self._db.read(_removable, guild_id, number, member_id, typed, limit)

    async def set_message(self, fill_id: int, channel_id: int, message_id: int) -> None:
        """Remember where the fill was announced (a fill removed later edits that message)."""
        await self._db.write(_set_message, fill_id, channel_id, message_id)
