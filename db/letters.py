"""Letters: what a member tells whoever writes for them, as AO3's "Dear Creator" letters (issue 23).

One letter per sign-up (the table's key is the sign-up): its text, a link to a letter posted elsewhere, and the
do-not-wants, each optional but never all empty. A member writes and changes it while sign-ups are open or
closed; once assignments are sent their giver has it as it stands, so it no longer changes. Only the member,
their giver (a pinch hitter too, once they take it) and moderators (the export) ever read it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db import validation
from db.database import Repository
from db.errors import InvalidField, NotSignedUp
from db.exchange_models import Exchange
from db.exchange_rows import _by_name, _require, _signup_id
from db.rows import placeholders

TEXT_MAX = 4000
URL_MAX = validation.URL_MAX
DNW_MAX = 1000
# Which phases take a new or changed letter is the phase table's "write a letter" (db/exchange_models.py): from
# sign-ups until the assignments are sent.
PARTS = ("text", "url", "dnw")


@dataclass(frozen=True)
class Letter:
    text: str | None
    url: str | None
    dnw: str | None  # do-not-wants, shown apart from the letter

    def as_export(self) -> dict[str, str | None]:
        return {"text": self.text, "url": self.url, "dnw": self.dnw}


# -- what members type ----------------------------------------------------------------------------------------


def _part(field: str, value: str | None, maximum: int) -> str | None:
    """One part as typed: None when not given or given empty (the form's way to clear it); text made only of
    blank or invisible characters is refused, as for a prompt, rather than silently dropped."""
    if value is None or value == "":
        return None
    cleaned = validation.clean(value)
    if cleaned is None:
        raise InvalidField(field, "is empty once blank and invisible characters are removed")
    if len(cleaned) > maximum:
        raise InvalidField(field, f"may be up to {maximum:,} characters (yours is {len(cleaned):,})")
    return cleaned


def letter_changes(
    *, text: str | None = None, url: str | None = None, dnw: str | None = None, given: tuple[str, ...] = PARTS
) -> dict[str, str | None]:
    """The parts to set, checked; a part in `given` whose value is None or empty is cleared. From the command,
    `given` names only the options typed (the others stay as they are); from the form, every part."""
    checked_url = _part("URL", url, URL_MAX)
    if checked_url is not None:
        checked_url = validation.fill_url(checked_url, of="your letter", itself="your letter itself")
    values = {
        "text": _part("The letter's text", text, TEXT_MAX),
        "url": checked_url,
        "dnw": _part("The do-not-wants list", dnw, DNW_MAX),
    }
    return {part: values[part] for part in PARTS if part in given}


# -- reading and writing --------------------------------------------------------------------------------------


def _letter(row: sqlite3.Row | None) -> Letter | None:
    return None if row is None else Letter(row["text"], row["url"], row["dnw"])


def letters_by_member(
    conn: sqlite3.Connection, exchange_id: int, member_ids: list[int] | None = None
) -> dict[int, Letter]:
    """The letters of an exchange's sign-ups, by member (those of `member_ids` only, when given)."""
    where, params = "", ()
    if member_ids is not None:
        if not member_ids:
            return {}
        where, params = f" AND s.member_id IN ({placeholders(member_ids)})", tuple(member_ids)
    found = conn.execute(
        "SELECT s.member_id, l.text, l.url, l.dnw FROM exchange_letters l"
        f" JOIN exchange_signups s ON s.id = l.signup_id WHERE s.exchange_id = ?{where}",
        (exchange_id, *params),
    )
    return {r["member_id"]: Letter(r["text"], r["url"], r["dnw"]) for r in found}


def _own_letter(
    conn: sqlite3.Connection, guild_id: int, name: str | None, member: int
) -> tuple[Exchange, Letter | None]:
    exchange = _by_name(conn, guild_id, name)
    signup = _signup_id(conn, exchange.id, member)
    if signup is None:
        raise NotSignedUp(exchange.name, member, True)
    row = conn.execute("SELECT * FROM exchange_letters WHERE signup_id = ?", (signup,)).fetchone()
    return exchange, _letter(row)


def _write_letter(
    conn: sqlite3.Connection, guild_id: int, name: str | None, member: int, changes: dict[str, str | None], now: int
) -> tuple[Exchange, Letter | None]:
    """Sets the given parts; a letter left with no part is deleted. Returns the letter as it now stands."""
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "write a letter")
    signup = _signup_id(conn, exchange.id, member)
    if signup is None:
        raise NotSignedUp(exchange.name, member, True)
    current = _letter(conn.execute("SELECT * FROM exchange_letters WHERE signup_id = ?", (signup,)).fetchone())
    parts = {part: getattr(current, part) if current else None for part in PARTS} | changes
    if all(parts[part] is None for part in PARTS):
        conn.execute("DELETE FROM exchange_letters WHERE signup_id = ?", (signup,))
        return exchange, None
    conn.execute(
        "INSERT INTO exchange_letters (signup_id, text, url, dnw, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (signup_id) DO UPDATE SET text = excluded.text, url = excluded.url, dnw = excluded.dnw,"
        " updated_at = excluded.updated_at",
        (signup, parts["text"], parts["url"], parts["dnw"], now, now),
    )
    return exchange, Letter(parts["text"], parts["url"], parts["dnw"])


class LetterRepo(Repository):
    """Letters. Every method is one transaction; refusals are raised before anything changes."""

    async def own(self, guild_id: int, name: str | None, member: int) -> tuple[Exchange, Letter | None]:
        """The member's own letter (None: not written yet); refused without a sign-up."""
        return await self._db.read(_own_letter, guild_id, name, member)

    async def write(
        self, guild_id: int, name: str | None, member: int, changes: dict[str, str | None]
    ) -> tuple[Exchange, Letter | None]:
        return await self._db.write(_write_letter, guild_id, name, member, changes, self._now())

    async def of_members(self, exchange_id: int, member_ids: list[int]) -> dict[int, Letter]:
        """For assignments: the letters of these recipients."""
        return await self._db.read(letters_by_member, exchange_id, member_ids)
