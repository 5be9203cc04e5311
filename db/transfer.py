"""Export and import: a server's prompts, claims, fills and settings as JSON (lossless) or CSV."""

from __future__ import annotations

import asyncio
import csv
import gzip
import io
import json
import re
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from db import rows, validation
from db.collector import collector_paused
from db.database import Clock, Database, Repository, to_epoch
from db.errors import ImportUnreadable, InvalidField, Refusal
from db.exchanges import ExchangeRepo
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
# Room for the server's own largest export (a 100,000-prompt server's JSON is ~55 MB): a backup restores.
MAX_IMPORT_BYTES = 200_000_000
MAX_IMPORT_ENTRIES = 200_000
GZIP_MAGIC = b"\x1f\x8b"
# Entries per import transaction: each holds the store while it runs (about a millisecond an entry in the
# 1,000,000-prompt file: the full-text index's entries and its merges), and other servers wait behind it.
# 50 had the lowest wait for others of 25 to 400 (`python -m bench.scale`, bench/README.md).
IMPORT_CHUNK = 50
IMPORT_PAUSE_S = 0.001  # between chunks; see import_entries
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
    exchanges: list[dict[str, Any]] = field(default_factory=list)  # moderators' copy (db/exchanges.py)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


# An export reads a server in pages of this many prompts, one store request each: a 100,000-prompt server
# holds the store for one page at a time (tens of milliseconds), and other servers are served in between.
EXPORT_PAGE = 2_000


def _export_page(conn: sqlite3.Connection, guild_id: int, after: int) -> _Snapshot:
    """Prompts numbered after `after` (one page of them), with their claims and fills; settings on the first."""
    snap = _Snapshot(named_settings(rows.settings(conn, guild_id)) if after == 0 else {})
    snap.prompts = [
        prompt_from_row(r)
        for r in conn.execute(
            f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE p.guild_id = ? AND p.number > ? ORDER BY p.number LIMIT ?",
            (guild_id, after, EXPORT_PAGE),
        )
    ]
    if not snap.prompts:
        return snap
    ids = "SELECT id FROM prompts WHERE guild_id = ? AND number BETWEEN ? AND ?"
    span = (guild_id, snap.prompts[0].number, snap.prompts[-1].number)
    snap.claims = [
        claim_from_row(r)
        for r in conn.execute(
            f"SELECT {CLAIM_COLUMNS} FROM {CLAIM_SOURCE} WHERE c.prompt_id IN ({ids}) ORDER BY c.id", span
        )
    ]
    snap.fills = [
        fill_from_row(r)
        for r in conn.execute(
            f"SELECT {FILL_COLUMNS} FROM {FILL_SOURCE} WHERE f.prompt_id IN ({ids}) ORDER BY f.id", span
        )
    ]
    return snap


ExportFormat = Literal["json", "csv"]
MAX_EXPORT_PARTS = 64


@dataclass(frozen=True)
class ExportFiles:
    parts: tuple[bytes, ...]
    compressed: bool


def _render(document: dict[str, Any], fmt: ExportFormat) -> bytes:
    """The file, built a prompt (or a thousand CSV rows) at a time: a big server as one json.dumps, join or
    encode would hold the interpreter lock for a second and stall the event loop although it runs on a
    thread. One prompt per line in JSON."""
    if fmt == "csv":
        return b"".join(_csv_chunks(document))
    head = {key: value for key, value in document.items() if key != "prompts"}
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "prompts": [' if head else '{"prompts": ['
    pieces = [opening.encode("utf-8")]
    for index, prompt in enumerate(document["prompts"]):
        pieces.append((",\n" if index else "\n").encode() + json.dumps(prompt, ensure_ascii=False).encode("utf-8"))
    pieces.append(b"\n]}\n")
    return b"".join(pieces)


def _export_files(
    snap: _Snapshot, guild_id: int, exported_at: str, fmt: ExportFormat, limit: int | None
) -> ExportFiles:
    with collector_paused():
        return _export_files_now(snap, guild_id, exported_at, fmt, limit)


def _export_files_now(
    snap: _Snapshot, guild_id: int, exported_at: str, fmt: ExportFormat, limit: int | None
) -> ExportFiles:
    """One file when it fits the limit; otherwise gzip-compressed, and split into parts (each a complete
    export of a run of prompts, importable on its own) until every part fits."""
    document = _as_document(snap, guild_id, exported_at)
    whole = _render(document, fmt)
    if limit is None or len(whole) <= limit:
        return ExportFiles((whole,), compressed=False)
    prompts = document["prompts"]
    parts = 1
    files: tuple[bytes, ...] = ()
    while parts <= MAX_EXPORT_PARTS:
        size = -(-len(prompts) // parts)
        files = tuple(
            gzip.compress(
                _render(
                    {
                        **document,
                        "part": f"{i + 1}/{parts}",
                        "exchanges": document["exchanges"] if i == 0 else [],  # once, in the first part
                        "prompts": prompts[start : start + size],
                    },
                    fmt,
                ),
                6,
            )
            for i, start in enumerate(range(0, max(len(prompts), 1), size))
        )
        if all(len(f) <= limit for f in files):
            return ExportFiles(files, compressed=True)
        # Too big still: split in about as many parts as the largest one overshoots, at least twice as many.
        parts = max(parts * 2, -(-max(len(f) for f in files) * parts // limit) + 1)
    return ExportFiles(files, compressed=True)  # still too big: the caller says so


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
                "complete": f.complete,  # false: a work in progress (files from before it have no key: complete)
                # The moderators' backup names every writer; this keeps an anonymous fill anonymous when restored.
                "anonymous": f.anonymous,
            }
        )
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "guild_id": guild_id,
        "exported_at": exported_at,
        "settings": snap.settings,
        "exchanges": snap.exchanges,
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


def csv_file(columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The one way a CSV is written (the server's export, an exchange's): a header of `columns`, then a line a
    row (missing cells empty), each cell safe from spreadsheets, in pieces of about 256 KB."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: spreadsheet_safe(row.get(column)) for column in columns})
        if out.tell() > 256_000:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def _csv_chunks(document: dict[str, Any]) -> Iterator[bytes]:
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
                    "anonymous": f["anonymous"],
                    "member_id": f["member_id"],
                    "url": f["url"],
                    "title": f["title"],
                    "notes": f["notes"],
                    "created_at": f["created_at"],
                }
            )
    return csv_file(CSV_COLUMNS, rows)


EXCHANGE_CSV_COLUMNS = ("kind", "member_id", "other_id", "fandom", "tags", "details", "rating", "url", "title", "state")


def exchange_file(data: dict[str, Any], fmt: ExportFormat) -> bytes:
    """`/mod exchange export`: one exchange (as RelayRepo.moderators_copy reads it: ExchangeRepo.export's, with
    the do-not-match lists and the relayed messages) as JSON, or as CSV with a row per request, offer, letter,
    do-not-wants list, assignment, do-not-match entry and relayed message."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1).encode()
    rows: list[dict[str, Any]] = []
    for s in data["signups"]:
        for r in s["requests"]:
            rows.append(
                {
                    "kind": "request",
                    "member_id": s["member_id"],
                    "fandom": r["fandom"],
                    "tags": ", ".join(r["tags"]),
                    "details": r["details"],
                    "rating": r["rating"],
                }
            )
        for o in s["offers"]:
            rows.append(
                {"kind": "offer", "member_id": s["member_id"], "fandom": o["fandom"], "tags": ", ".join(o["tags"])}
            )
        letter = s.get("letter") or {}
        if letter.get("text") or letter.get("url"):
            rows.append(
                {"kind": "letter", "member_id": s["member_id"], "details": letter.get("text"), "url": letter.get("url")}
            )
        if letter.get("dnw"):
            rows.append({"kind": "do not want", "member_id": s["member_id"], "details": letter["dnw"]})
    for a in data["assignments"]:
        gift = a["gift"] or {}
        rows.append(
            {
                "kind": "assignment",
                "member_id": a["giver_id"],
                "other_id": a["recipient_id"],
                "url": gift.get("url"),
                "title": gift.get("title"),
                "state": a["sent"],
            }
        )
    for entry in data.get("do_not_match", ()):  # issue 23: who asked not to be matched with whom
        for avoided in entry["avoided_ids"]:
            rows.append({"kind": "do not match", "member_id": entry["member_id"], "other_id": avoided})
    for m in data.get("messages", ()):  # relayed messages: sender, receiver, the text, how delivery went
        rows.append(
            {
                "kind": f"message to {m['to']}",
                "member_id": m["from_id"],
                "other_id": m["to_id"],
                "details": m["text"],
                "state": m["delivery"],
            }
        )
    return b"".join(csv_file(EXCHANGE_CSV_COLUMNS, rows))


def parse_import(filename: str, data: bytes) -> list[tuple[str, dict[str, Any]]]:
    with collector_paused():
        return _parse_import(filename, data)


def _parse_import(filename: str, data: bytes) -> list[tuple[str, dict[str, Any]]]:
    """Entries to import, each named for the report: a JSON export (plain or gzip-compressed, as /export makes
    large ones), a CSV export, or plain text one prompt per line. Slow for big files: run it off the loop."""
    if data[:2] == GZIP_MAGIC:
        data = _gunzip(data)
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportUnreadable(f"it is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportUnreadable("it is not UTF-8 text") from error
    name = filename.lower().removesuffix(".gz")
    if name.endswith(".json") or text.lstrip().startswith(("{", "[")):
        entries = _entries_from_json(text)
    elif name.endswith(".csv") or text.startswith(",".join(CSV_COLUMNS[:3])):
        entries = _entries_from_csv(text)
    else:
        entries = [(f"line {n}", {"text": line}) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not entries:
        raise ImportUnreadable("it holds no prompts")
    if len(entries) > MAX_IMPORT_ENTRIES:
        raise ImportUnreadable(f"it holds more than {MAX_IMPORT_ENTRIES:,} prompts; split it")
    return entries


def _gunzip(data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
            # One byte past the cap is enough to know it is too big (a small file that unpacks huge).
            return unpacked.read(MAX_IMPORT_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise ImportUnreadable("it is a damaged gzip file") from error


def _entries_from_json(text: str) -> list[tuple[str, Any]]:
    try:
        prompts = _prompts_of(text)
    except json.JSONDecodeError as error:
        raise ImportUnreadable(f"it is not valid JSON (line {error.lineno}: {error.msg})") from error
    except RecursionError as error:
        raise ImportUnreadable("its JSON is nested too deeply to be an export") from error
    if prompts is None:
        raise ImportUnreadable('it has no list of "prompts" (use a file made by /export format:json)')
    return [(f"prompt {_entry_label(e, i)}", e) for i, e in enumerate(prompts)]


_SPACE = re.compile(r"[ \t\n\r]*")


def _prompts_of(text: str) -> list[Any] | None:
    """The "prompts" list of a JSON document, read one value at a time: a file of 100,000 prompts read in one
    json.loads would hold the interpreter lock for a second (the event loop with it) although it runs on a
    thread. Raises JSONDecodeError or RecursionError for what is not JSON."""
    decoder = json.JSONDecoder()

    def skip(at: int) -> int:
        return _SPACE.match(text, at).end()  # type: ignore[union-attr]

    def expect(at: int, char: str) -> int:
        at = skip(at)
        if text[at : at + 1] != char:
            raise json.JSONDecodeError(f"Expecting '{char}'", text, at)
        return at + 1

    at = skip(0)
    if text[at : at + 1] != "{":
        decoder.decode(text)  # valid JSON but not an object (or not JSON at all: this raises)
        return None
    at += 1
    prompts: list[Any] | None = None
    if text[skip(at) : skip(at) + 1] == "}":
        return None
    while True:
        key, at = decoder.raw_decode(text, skip(at))
        if not isinstance(key, str):
            raise json.JSONDecodeError("Expecting a property name", text, at)
        at = expect(at, ":")
        at = skip(at)
        if key == "prompts" and text[at : at + 1] == "[":
            prompts, at = [], at + 1
            if text[skip(at) : skip(at) + 1] == "]":
                at = skip(at) + 1
            else:
                while True:
                    value, at = decoder.raw_decode(text, skip(at))
                    prompts.append(value)
                    at = skip(at)
                    if text[at : at + 1] == "]":
                        at += 1
                        break
                    at = expect(at, ",")
        else:
            value, at = decoder.raw_decode(text, at)
            if key == "prompts":
                prompts = value if isinstance(value, list) else None
        at = skip(at)
        if text[at : at + 1] == "}":
            break
        at = expect(at, ",")
    if text[skip(at + 1) :]:
        raise json.JSONDecodeError("Extra data", text, skip(at + 1))
    return prompts


def _entry_label(entry: Any, index: int) -> str:
    number = entry.get("number") if isinstance(entry, dict) else None
    return str(number) if isinstance(number, int) and not isinstance(number, bool) else str(index + 1)


def _unsafe_cell(value: str) -> str:
    """Undo spreadsheet_safe: the quote it puts before a formula-like value."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def _entries_from_csv(text: str) -> list[tuple[str, Any]]:
    """A CSV made by /export: its prompt rows with their fill rows (claims and settings are not imported)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        raise ImportUnreadable("it is a CSV file but not one made by /export format:csv (its columns differ)")
    prompts: dict[str, dict[str, Any]] = {}
    orphans: list[tuple[str, Any]] = []
    try:
        for line, row in enumerate(reader, start=2):
            cells = {k: _unsafe_cell(v or "") for k, v in row.items() if isinstance(k, str)}
            if cells["record"] == "prompt":
                prompts[cells["number"]] = {
                    "number": _csv_int(cells["number"]),
                    "status": cells["status"] or None,
                    "rating": cells["rating"] or None,
                    "anonymous": cells["anonymous"].lower() in ("true", "1", "yes"),
                    "author_id": _csv_int(cells["author_id"]),
                    "title": cells["title"] or None,
                    "fandom": cells["fandom"] or None,
                    "tags": cells["tags"] or None,
                    "text": cells["text"],
                    "fills": [],
                }
            elif cells["record"] == "fill":
                fill = {
                    "anonymous": cells["anonymous"].strip().lower() == "true",
                    "member_id": _csv_int(cells["member_id"]),
                    "url": cells["url"],
                    "title": cells["title"] or None,
                    "notes": cells["notes"] or None,
                    "created_at": cells["created_at"] or None,
                }
                owner = prompts.get(cells["number"])
                if owner is None:
                    orphans.append((f"line {line}", {"fill without its prompt": True}))
                else:
                    owner["fills"].append(fill)
    except csv.Error as error:
        raise ImportUnreadable(f"it is not readable as CSV ({error})") from error
    return [(f"prompt {number}", entry) for number, entry in prompts.items()] + orphans


def _csv_int(value: str) -> int | str:
    """A whole number as written in the CSV; anything else is left for the entry's checks to refuse."""
    return int(value) if value.strip().isdigit() else value


# Discord ids are positive 64-bit snowflakes: anything else cannot be a member, nor stored by SQLite.
_ID_MAX = 2**63 - 1
# Dates a fill can really have: AO3 opened in 2008, fandom went online long before; nothing from the future.
_EARLIEST_FILL = datetime(1990, 1, 1, tzinfo=UTC)


def _member_id(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= _ID_MAX:
        raise InvalidField(field, "must be a Discord user id")
    return value


def _text(value: Any, field: str) -> str | None:
    """Text as a submission would take it: a string (not a list, an object or a number), without broken
    characters (a lone surrogate that JSON escapes can carry and SQLite cannot store)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField(field, "must be text")
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise InvalidField(field, "contains a broken character (an unpaired surrogate)")
    return value


def _fill_complete(value: Any) -> bool:
    """A fill's `complete` as a file gives it: true (a finished work) or false (a work in progress)."""
    if not isinstance(value, bool):
        raise InvalidField("Fill complete", "must be true or false")
    return value


def _fill_anonymous(value: Any) -> bool:
    """A fill's `anonymous` as a file gives it: true (its writer unnamed until revealed) or false."""
    if not isinstance(value, bool):
        raise InvalidField("Fill anonymous", "must be true or false")
    return value


def _fill_date(value: Any, now: int) -> int:
    if value is None:
        return now
    if not isinstance(value, str):
        raise InvalidField("Fill date", "must be an ISO 8601 date")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise InvalidField("Fill date", "must be an ISO 8601 date") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        epoch = to_epoch(moment)
    except (OverflowError, ValueError) as error:
        raise InvalidField("Fill date", "is out of range") from error
    if not to_epoch(_EARLIEST_FILL) <= epoch <= now + 86_400:
        raise InvalidField("Fill date", f"must be between {_EARLIEST_FILL.year} and today")
    return epoch


def _read_entry(
    entry: Any, actor_id: int, now: int
) -> tuple[PromptDraft, PromptStatus, int | None, list[dict[str, Any]]]:
    """Validate one entry exactly as a submission would be; raises the refusal."""
    if not isinstance(entry, dict):
        raise InvalidField("Entry", 'is not an object with a "text"')
    if entry.get("fill without its prompt"):
        raise InvalidField("Fill", "names a prompt number that has no prompt row in the file")
    given_status = entry.get("status") or "open"
    status: PromptStatus | None = next((known for known in PROMPT_STATUSES if known == given_status), None)
    if status is None:
        raise InvalidField("Status", f"must be one of {', '.join(PROMPT_STATUSES)}")
    tags = entry.get("tags")
    if isinstance(tags, list):
        tags = ",".join(_text(t, "Tags") or "" for t in tags)
    # A prompter the file names keeps the prompt; one it does not (a text file, a list from another site) is
    # credited to nobody, never to the moderator importing it.
    named = entry.get("author_id")
    author = None if named in (None, "") else _member_id(named, "author_id")
    anonymous = entry.get("anonymous", False)
    if not isinstance(anonymous, bool):
        raise InvalidField("anonymous", "must be true or false")
    draft = validation.draft(
        text=_text(entry.get("text"), "Text"),
        title_=_text(entry.get("title"), "Title"),
        fandom_=_text(entry.get("fandom"), "Fandom"),
        tags_=_text(tags, "Tags"),
        rating_=_text(entry.get("rating"), "Rating"),
        anonymous=anonymous,
    )
    fills = entry.get("fills") or []
    if not isinstance(fills, list) or not all(isinstance(f, dict) for f in fills):
        raise InvalidField("Fills", "must be a list of objects")
    checked = [
        {
            "member_id": _member_id(fill.get("member_id", actor_id), "Fill member_id"),
            "url": validation.fill_url(_text(fill.get("url"), "URL")),
            "title": validation.title(_text(fill.get("title"), "Title")),
            "notes": validation.notes(_text(fill.get("notes"), "Notes")),
            "created_at": _fill_date(fill.get("created_at"), now),
            "complete": _fill_complete(fill.get("complete", True)),
            "anonymous": _fill_anonymous(fill.get("anonymous", False)),
        }
        for fill in fills
    ]
    # The status follows the fills, as it does in the server: open with fills is filled, filled without
    # any is open (a "filled" prompt with nothing to show would be skipped by every draw).
    if status in ("open", "filled"):
        status = "filled" if checked else "open"
    return draft, status, author, checked


_Checked = tuple[
    PromptDraft, PromptStatus, int | None, list[dict[str, Any]]
]  # the prompter, None when the file names none


def _check_entries(entries: list[tuple[str, Any]], actor_id: int, now: int) -> list[tuple[str, _Checked | Refusal]]:
    """Every entry read and validated before anything is written, off the store's thread: each entry's
    checks (the regular expressions of visible text, URLs, dates) are most of an import's Python, and inside
    the write they held the store while other servers waited."""
    with collector_paused():
        checked: list[tuple[str, _Checked | Refusal]] = []
        for name, entry in entries:
            try:
                checked.append((name, _read_entry(entry, actor_id, now)))
            except Refusal as refusal:
                checked.append((name, refusal))
        return checked


def _import(
    conn: sqlite3.Connection, guild_id: int, entries: list[tuple[str, _Checked | Refusal]], now: int
) -> ImportReport:
    """One chunk of a file, already validated: its accepted entries in this one transaction; each refused
    entry is skipped and reported, in the file's order."""
    added: list[int] = []
    refused: list[tuple[str, Refusal]] = []
    for name, checked in entries:
        if isinstance(checked, Refusal):
            refused.append((name, checked))
            continue
        draft, status, author, fills = checked
        # Each entry inside a savepoint: one that SQLite itself refuses undoes only itself.
        conn.execute("SAVEPOINT entry")
        try:
            prompt = insert(conn, guild_id, author, draft, status, now)
            if fills:
                conn.executemany(
                    "INSERT OR IGNORE INTO fills"
                    " (guild_id, prompt_id, member_id, url, title, notes, created_at, complete, anonymous)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            guild_id,
                            prompt.id,
                            f["member_id"],
                            f["url"],
                            f["title"],
                            f["notes"],
                            f["created_at"],
                            int(f["complete"]),
                            int(f["anonymous"]),
                        )
                        for f in fills
                    ],
                )
                conn.execute(
                    "UPDATE prompts SET fill_count = (SELECT COUNT(*) FROM fills WHERE prompt_id = ?) WHERE id = ?",
                    (prompt.id, prompt.id),
                )
        except (Refusal, sqlite3.IntegrityError, OverflowError, UnicodeEncodeError) as error:
            conn.execute("ROLLBACK TO entry")
            conn.execute("RELEASE entry")
            why = error if isinstance(error, Refusal) else InvalidField("Entry", f"cannot be stored ({error})")
            refused.append((name, why))
            continue
        conn.execute("RELEASE entry")
        added.append(prompt.number)
    return ImportReport(tuple(added), tuple(refused))


def _record_import(conn: sqlite3.Connection, guild_id: int, actor_id: int, added: int, refused: int, now: int) -> None:
    detail = f"added {added}, refused {refused}"
    rows.record_audit(
        conn, guild_id=guild_id, actor_id=actor_id, action="import", now=now, by_moderator=True, detail=detail
    )


class TransferRepo(Repository):
    """A server's export and import. Its exchanges are read through their own repository."""

    def __init__(self, db: Database, clock: Clock, exchanges: ExchangeRepo) -> None:
        super().__init__(db, clock)
        self._exchanges = exchanges

    async def _snapshot(self, guild_id: int) -> _Snapshot:
        whole = await self._db.read(_export_page, guild_id, 0)
        page = whole
        while len(page.prompts) == EXPORT_PAGE:
            page = await self._db.read(_export_page, guild_id, page.prompts[-1].number)
            whole.prompts += page.prompts
            whole.claims += page.claims
            whole.fills += page.fills
        return whole

    async def export_json(self, guild_id: int) -> str:
        files = await self.export_files(guild_id, "json", limit=None)
        return files.parts[0].decode("utf-8")

    async def export_csv(self, guild_id: int) -> str:
        files = await self.export_files(guild_id, "csv", limit=None)
        return files.parts[0].decode("utf-8")

    async def export_files(self, guild_id: int, fmt: ExportFormat, *, limit: int | None) -> ExportFiles:
        """The export as files of at most `limit` bytes each (None: one file, as it is). Building it takes
        seconds for a big server: off the event loop."""
        # The snapshot's hundreds of thousands of objects live until the files are built: no full collector
        # pass over them meanwhile (it would stall the event loop), see collector_paused().
        with collector_paused():
            snap = await self._snapshot(guild_id)
            snap.exchanges = await self._exchanges.export(guild_id)
            return await asyncio.to_thread(_export_files, snap, guild_id, self._clock().isoformat(), fmt, limit)

    async def import_entries(self, guild_id: int, actor_id: int, entries: list[tuple[str, Any]]) -> ImportReport:
        """A file of up to IMPORT_CHUNK entries is one transaction; a longer one is written a chunk at a time,
        so other servers' requests are served in between. Should the bot stop in the middle, the chunks
        written stay, and importing the same file again adds only the rest (the others are duplicates)."""
        added: list[int] = []
        refused: list[tuple[str, Refusal]] = []
        now = self._now()
        checked = await asyncio.to_thread(_check_entries, entries, actor_id, now)
        for start in range(0, len(checked), IMPORT_CHUNK):
            if start:
                # Let the requests that queued during the last chunk run as a batch of their own: written at
                # once, the next chunk joined their batch, and they waited for it too (bench/README.md).
                await asyncio.sleep(IMPORT_PAUSE_S)
            report = await self._db.write(_import, guild_id, checked[start : start + IMPORT_CHUNK], now)
            added += report.added
            refused += report.refused
        await self._db.write(_record_import, guild_id, actor_id, len(added), len(refused), now)
        return ImportReport(tuple(added), tuple(refused))
