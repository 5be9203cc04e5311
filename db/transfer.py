"""Export and import: a server's prompts, claims, fills and settings as JSON (lossless) or CSV."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db import rows, validation
from db.database import Repository, to_epoch
from db.errors import ImportUnreadable, InvalidField, Refusal
from db.models import (
    PROMPT_STATUSES,
    Claim,
    Fill,
    Prompt,
    PromptDraft,
    PromptStatus,
    SettingName,
    SettingValue,
    named_settings,
)
from db.prompts import insert
from db.rows import (
    CLAIM_COLUMNS,
    CLAIM_SOURCE,
    FILL_COLUMNS,
    FILL_SOURCE,
    PROMPT_COLUMNS,
    claim_from_row,
    fill_from_row,
    prompt_from_row,
)

EXPORT_FORMAT = "promptfill-export"
EXPORT_VERSION = 1
MAX_IMPORT_BYTES = 5_000_000
MAX_IMPORT_ENTRIES = 10_000
CSV_COLUMNS = (
    "record",
    "number",
    "status",
    "rating",
    "anonymous",
    "author_id",
    "title",
    "fandom",
    "tags",
    "text",
    "member_id",
    "claim_status",
    "claimed_at",
    "deadline",
    "ended_at",
    "url",
    "notes",
    "created_at",
    "setting",
    "value",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ImportReport:
    added: tuple[int, ...]
    refused: tuple[tuple[str, Refusal], ...]  # (which entry, why)


@dataclass
class _Snapshot:
    settings: dict[SettingName, SettingValue]
    prompts: list[Prompt] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _snapshot(conn: sqlite3.Connection, guild_id: int) -> _Snapshot:
    snap = _Snapshot(named_settings(rows.settings(conn, guild_id)))
    snap.prompts = [
        prompt_from_row(r)
        for r in conn.execute(
            f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE p.guild_id = ? ORDER BY p.number", (guild_id,)
        )
    ]
    snap.claims = [
        claim_from_row(r)
        for r in conn.execute(
            f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_SOURCE} WHERE c.guild_id = ? ORDER BY c.id", (guild_id,)
        )
    ]
    snap.fills = [
        fill_from_row(r)
        for r in conn.execute(
            f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE f.guild_id = ? ORDER BY f.id", (guild_id,)
        )
    ]
    return snap


def _as_document(snap: _Snapshot, guild_id: int, exported_at: str) -> dict[str, Any]:
    claims_by_prompt: dict[int, list[dict[str, Any]]] = {}
    for c in snap.claims:
        claims_by_prompt.setdefault(c.prompt_id, []).append(
            {
                "member_id": c.member_id,
                "status": c.status,
                "claimed_at": _iso(c.claimed_at),
                "deadline": _iso(c.deadline),
                "ended_at": _iso(c.ended_at),
            }
        )
    fills_by_prompt: dict[int, list[dict[str, Any]]] = {}
    for f in snap.fills:
        fills_by_prompt.setdefault(f.prompt_id, []).append(
            {
                "member_id": f.member_id,
                "url": f.url,
                "title": f.title,
                "notes": f.notes,
                "created_at": _iso(f.created_at),
            }
        )
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "guild_id": guild_id,
        "exported_at": exported_at,
        "settings": snap.settings,
        "prompts": [
            {
                "number": p.number,
                "status": p.status,
                "rating": p.rating,
                "anonymous": p.anonymous,
                "author_id": p.author_id,
                "title": p.title,
                "fandom": p.fandom,
                "tags": list(p.tags),
                "text": p.text,
                "created_at": _iso(p.created_at),
                "claims": claims_by_prompt.get(p.id, []),
                "fills": fills_by_prompt.get(p.id, []),
            }
            for p in snap.prompts
        ],
    }


def spreadsheet_safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _as_csv(document: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    rows: list[dict[str, Any]] = []
    for name, value in document["settings"].items():
        rows.append({"record": "setting", "setting": name, "value": value})
    for p in document["prompts"]:
        rows.append(
            {
                "record": "prompt",
                "number": p["number"],
                "status": p["status"],
                "rating": p["rating"],
                "anonymous": p["anonymous"],
                "author_id": p["author_id"],
                "title": p["title"],
                "fandom": p["fandom"],
                "tags": ", ".join(p["tags"]),
                "text": p["text"],
                "created_at": p["created_at"],
            }
        )
        for c in p["claims"]:
            rows.append(
                {
                    "record": "claim",
                    "number": p["number"],
                    "member_id": c["member_id"],
                    "claim_status": c["status"],
                    "claimed_at": c["claimed_at"],
                    "deadline": c["deadline"],
                    "ended_at": c["ended_at"],
                }
            )
        for f in p["fills"]:
            rows.append(
                {
                    "record": "fill",
                    "number": p["number"],
                    "member_id": f["member_id"],
                    "url": f["url"],
                    "title": f["title"],
                    "notes": f["notes"],
                    "created_at": f["created_at"],
                }
            )
    for row in rows:
        writer.writerow({column: spreadsheet_safe(row.get(column)) for column in CSV_COLUMNS})
    return out.getvalue()


def parse_import(filename: str, data: bytes) -> list[tuple[str, dict[str, Any]]]:
    """Entries to import, each named for the report: a JSON export, or plain text one prompt per line."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportUnreadable(f"it is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportUnreadable("it is not UTF-8 text") from error
    if filename.lower().endswith(".json") or text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportUnreadable(f"it is not valid JSON (line {error.lineno}: {error.msg})") from error
        prompts = document.get("prompts") if isinstance(document, dict) else None
        if not isinstance(prompts, list):
            raise ImportUnreadable('it has no list of "prompts" (use a file made by /export format:json)')
        entries = [
            (f"prompt {e.get('number', i + 1) if isinstance(e, dict) else i + 1}", e) for i, e in enumerate(prompts)
        ]
    else:
        entries = [(f"line {n}", {"text": line}) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not entries:
        raise ImportUnreadable("it holds no prompts")
    if len(entries) > MAX_IMPORT_ENTRIES:
        raise ImportUnreadable(f"it holds more than {MAX_IMPORT_ENTRIES:,} prompts; split it")
    return entries


def _read_entry(entry: Any, actor_id: int) -> tuple[PromptDraft, PromptStatus, int, list[dict[str, Any]]]:
    """Validate one entry exactly as a submission would be; raises the refusal."""
    if not isinstance(entry, dict):
        raise InvalidField("Entry", 'is not an object with a "text"')
    given_status = entry.get("status") or "open"
    status: PromptStatus | None = next((known for known in PROMPT_STATUSES if known == given_status), None)
    if status is None:
        raise InvalidField("Status", f"must be one of {', '.join(PROMPT_STATUSES)}")
    tags = entry.get("tags")
    if isinstance(tags, list):
        tags = ",".join(str(t) for t in tags)
    author = entry.get("author_id", actor_id)
    if not isinstance(author, int) or isinstance(author, bool) or author <= 0:
        raise InvalidField("author_id", "must be a Discord user id")
    draft = validation.draft(
        text=_text_or_none(entry.get("text")),
        title_=_text_or_none(entry.get("title")),
        fandom_=_text_or_none(entry.get("fandom")),
        tags_=_text_or_none(tags),
        rating_=_text_or_none(entry.get("rating")),
        anonymous=bool(entry.get("anonymous", False)),
    )
    fills = entry.get("fills") or []
    if not isinstance(fills, list) or not all(isinstance(f, dict) for f in fills):
        raise InvalidField("Fills", "must be a list of objects")
    checked = [
        {
            "member_id": fill.get("member_id") if isinstance(fill.get("member_id"), int) else actor_id,
            "url": validation.fill_url(_text_or_none(fill.get("url"))),
            "title": validation.title(_text_or_none(fill.get("title"))),
            "notes": validation.notes(_text_or_none(fill.get("notes"))),
            "created_at": fill.get("created_at"),
        }
        for fill in fills
    ]
    return draft, status, author, checked


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _epoch_or(value: Any, default: int) -> int:
    try:
        return to_epoch(datetime.fromisoformat(str(value)))
    except (TypeError, ValueError):
        return default


def _import(
    conn: sqlite3.Connection, guild_id: int, actor_id: int, entries: list[tuple[str, Any]], now: int
) -> ImportReport:
    """All accepted entries in this one transaction; each refused entry is skipped and reported."""
    added: list[int] = []
    refused: list[tuple[str, Refusal]] = []
    for name, entry in entries:
        try:
            draft, status, author, fills = _read_entry(entry, actor_id)
            prompt = insert(conn, guild_id, author, draft, status, now)
        except Refusal as refusal:
            refused.append((name, refusal))
            continue
        conn.executemany(
            "INSERT OR IGNORE INTO fills (guild_id, prompt_id, member_id, url, title, notes, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (guild_id, prompt.id, f["member_id"], f["url"], f["title"], f["notes"], _epoch_or(f["created_at"], now))
                for f in fills
            ],
        )
        conn.execute(
            "UPDATE prompts SET fill_count = (SELECT COUNT(*) FROM fills WHERE prompt_id = ?) WHERE id = ?",
            (prompt.id, prompt.id),
        )
        added.append(prompt.number)
    rows.record_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action="import",
        now=now,
        by_moderator=True,
        detail=f"added {len(added)}, refused {len(refused)}",
    )
    return ImportReport(tuple(added), tuple(refused))


class TransferRepo(Repository):
    async def export_json(self, guild_id: int) -> str:
        snap = await self._db.read(_snapshot, guild_id)
        return json.dumps(_as_document(snap, guild_id, self._clock().isoformat()), indent=2, ensure_ascii=False)

    async def export_csv(self, guild_id: int) -> str:
        snap = await self._db.read(_snapshot, guild_id)
        return _as_csv(_as_document(snap, guild_id, self._clock().isoformat()))

    async def import_entries(self, guild_id: int, actor_id: int, entries: list[tuple[str, Any]]) -> ImportReport:
        return await self._db.write(_import, guild_id, actor_id, entries, self._now())
