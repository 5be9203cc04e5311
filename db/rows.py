"""Row converters and the few reads and writes that several repositories share: a prompt by number, its
claims and fills, a server's settings, an audit line. Repositories import this module, never each other's
internals, so db/ has no import circle."""

from __future__ import annotations

import sqlite3
from typing import Any

from db.database import from_epoch, from_epoch_or_none
from db.errors import PromptNotFound
from db.models import SETTING_COLUMNS, AuditEntry, Claim, Fill, GuildSettings, Prompt, Viewer

_TAG_SEPARATOR = "\x1f"
# prompts.author_id of a prompt imported without a prompter. The column is NOT NULL since version 1 and
# Discord never gives the id 0, so 0 stands for "nobody" in storage and None in the model (Prompt.imported).
NO_PROMPTER = 0
PROMPT_COLUMNS = (
    "p.id, p.guild_id, p.number, p.author_id, p.anonymous, p.status, p.rating, p.text, p.title, p.fandom,"
    " p.active_claims, p.fill_count, p.created_at, p.message_channel_id, p.message_id, p.seconds,"
    " (SELECT group_concat(tag, char(31)) FROM"
    " (SELECT tag FROM prompt_tags WHERE prompt_id = p.id ORDER BY position)) AS tags"
)
CLAIM_COLUMNS = "c.*, p.number AS prompt_number"
CLAIM_SOURCE = "claims c JOIN prompts p ON p.id = c.prompt_id"
# Lists, searches and the audit log count matches up to this many ("1,000+"): counting a whole large
# server, or years of its audit log, costs a scan.
COUNT_CAP = 1000
FILL_COLUMNS = "f.*, p.number AS prompt_number"
FILL_SOURCE = "fills f JOIN prompts p ON p.id = f.prompt_id"


def placeholders(values: tuple[Any, ...] | list[Any]) -> str:
    """`?, ?, ?` for an IN list of bound values."""
    return ", ".join("?" for _ in values)


def prompt_from_row(row: sqlite3.Row) -> Prompt:
    tags = row["tags"]
    return Prompt(
        id=row["id"],
        guild_id=row["guild_id"],
        number=row["number"],
        author_id=row["author_id"] or None,
        anonymous=bool(row["anonymous"]),
        status=row["status"],
        rating=row["rating"],
        text=row["text"],
        title=row["title"],
        fandom=row["fandom"],
        tags=tuple(tags.split(_TAG_SEPARATOR)) if tags else (),
        active_claims=row["active_claims"],
        fill_count=row["fill_count"],
        created_at=from_epoch(row["created_at"]),
        message_channel_id=row["message_channel_id"],
        message_id=row["message_id"],
        seconds=row["seconds"],
    )


def claim_from_row(row: sqlite3.Row) -> Claim:
    return Claim(
        id=row["id"],
        guild_id=row["guild_id"],
        prompt_id=row["prompt_id"],
        prompt_number=row["prompt_number"],
        member_id=row["member_id"],
        status=row["status"],
        claimed_at=from_epoch(row["claimed_at"]),
        deadline=from_epoch_or_none(row["deadline"]),
        reminded=bool(row["reminded"]),
        ended_at=from_epoch_or_none(row["ended_at"]),
    )


def fill_from_row(row: sqlite3.Row) -> Fill:
    return Fill(
        id=row["id"],
        guild_id=row["guild_id"],
        prompt_id=row["prompt_id"],
        prompt_number=row["prompt_number"],
        member_id=row["member_id"],
        url=row["url"],
        title=row["title"],
        notes=row["notes"],
        created_at=from_epoch(row["created_at"]),
        message_channel_id=row["message_channel_id"],
        message_id=row["message_id"],
        complete=bool(row["complete"]),
        updated_at=from_epoch_or_none(row["updated_at"]),
        anonymous=bool(row["anonymous"]),
    )


def entry_from_row(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        guild_id=row["guild_id"],
        actor_id=row["actor_id"],
        action=row["action"],
        prompt_number=row["prompt_number"],
        target_id=row["target_id"],
        detail=row["detail"],
        created_at=from_epoch(row["created_at"]),
    )


def prompt(conn: sqlite3.Connection, guild_id: int, number: int) -> Prompt:
    row = conn.execute(
        f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE p.guild_id = ? AND p.number = ?", (guild_id, number)
    ).fetchone()
    if row is None:
        raise PromptNotFound(number)
    return prompt_from_row(row)


def visible_prompt(conn: sqlite3.Connection, guild_id: int, number: int, viewer: Viewer) -> Prompt:
    """The prompt as this viewer may address it: one they may not see is "no prompt #N", whichever command
    asks, so no answer tells a member that someone else's pending or rejected prompt exists."""
    found = prompt(conn, guild_id, number)
    if not viewer.may_see(found):
        raise PromptNotFound(number)
    return found


def prompt_by_id(conn: sqlite3.Connection, prompt_id: int) -> Prompt:
    return prompt_from_row(
        conn.execute(f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE p.id = ?", (prompt_id,)).fetchone()
    )


def claim_by_id(conn: sqlite3.Connection, claim_id: int) -> Claim:
    return claim_from_row(
        conn.execute(f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_SOURCE} WHERE c.id = ?", (claim_id,)).fetchone()
    )


def active_claims_on(conn: sqlite3.Connection, prompt_id: int) -> list[Claim]:
    rows = conn.execute(
        f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_SOURCE} WHERE c.prompt_id = ? AND c.status = 'active' ORDER BY c.id",
        (prompt_id,),
    )
    return [claim_from_row(r) for r in rows]


def fills_of(conn: sqlite3.Connection, prompt_id: int) -> list[Fill]:
    rows = conn.execute(f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE f.prompt_id = ? ORDER BY f.id", (prompt_id,))
    return [fill_from_row(r) for r in rows]


def settings(conn: sqlite3.Connection, guild_id: int) -> GuildSettings:
    """A server's settings; one without a row has the contract's defaults."""
    row = conn.execute("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,)).fetchone()
    if row is None:
        return GuildSettings(guild_id=guild_id)
    values = {column: row[column] for column in SETTING_COLUMNS.values()}
    values["require_approval"] = bool(values["require_approval"])
    values["allow_anonymous"] = bool(values["allow_anonymous"])
    values["anonymous_fills"] = bool(values["anonymous_fills"])
    return GuildSettings(guild_id=guild_id, **values)


def ao3_account(conn: sqlite3.Connection, guild_id: int, member_id: int) -> str | None:
    """The AO3 user name the member linked in this server, if any."""
    row = conn.execute(
        "SELECT username FROM ao3_accounts WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
    ).fetchone()
    return row[0] if row else None


def record_audit(
    conn: sqlite3.Connection,
    *,
    guild_id: int,
    actor_id: int,
    action: str,
    now: int,
    prompt_number: int | None = None,
    target_id: int | None = None,
    detail: str | None = None,
    by_moderator: bool = False,
) -> None:
    """One line of the audit log: every moderator action and every claim change, who did it and when."""
    conn.execute(
        "INSERT INTO audit_log (guild_id, actor_id, action, prompt_number, target_id, detail, by_moderator,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (guild_id, actor_id, action, prompt_number, target_id, detail, int(by_moderator), now),
    )
