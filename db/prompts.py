"""Prompts: submission, numbering, visibility, browsing, search, the draw, edits and moderation."""

from __future__ import annotations

import random
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from db import audit, validation
from db import settings as settings_store
from db.database import Clock, Database, from_epoch, to_epoch
from db.errors import (
    AnonymousNotAllowed,
    DuplicatePrompt,
    EditLocked,
    ExplicitNeedsAgeRestrictedChannel,
    InvalidField,
    NothingToChange,
    NothingToDraw,
    NotPrompter,
    PromptNotFound,
    WrongStatus,
)
from db.models import Claim, Fill, Page, Prompt, PromptDraft

_TAG_SEPARATOR = "\x1f"
PROMPT_COLUMNS = (
    "p.id, p.guild_id, p.number, p.author_id, p.anonymous, p.status, p.rating, p.text, p.title, p.fandom,"
    " p.active_claims, p.fill_count, p.created_at, p.message_channel_id, p.message_id,"
    " (SELECT group_concat(tag, char(31)) FROM"
    " (SELECT tag FROM prompt_tags WHERE prompt_id = p.id ORDER BY position)) AS tags"
)
# Statuses every member may see; pending and rejected prompts only their prompter and moderators.
PUBLIC_STATUSES = ("open", "filled", "closed")
_WORD = re.compile(r"\w+", re.UNICODE)
# Lists and searches count matches up to this many ("1,000+"): counting a whole large server costs a scan.
COUNT_CAP = 1000


@dataclass(frozen=True)
class Viewer:
    """Who is looking, and where: decides which prompts exist for them."""

    member_id: int
    is_moderator: bool = False
    age_restricted_channel: bool = False


@dataclass(frozen=True)
class PromptChoice:
    number: int
    label: str


@dataclass(frozen=True)
class PromptDetails:
    prompt: Prompt
    claims: tuple[Claim, ...]
    fills: tuple[Fill, ...]


@dataclass(frozen=True)
class DrawFilters:
    fandom: str | None = None
    tag: str | None = None
    rating: str | None = None
    include_filled: bool = False
    include_claimed: bool = False


def prompt_from_row(row: sqlite3.Row) -> Prompt:
    created = from_epoch(row["created_at"])
    tags = row["tags"]
    return Prompt(
        id=row["id"],
        guild_id=row["guild_id"],
        number=row["number"],
        author_id=row["author_id"],
        anonymous=bool(row["anonymous"]),
        status=row["status"],
        rating=row["rating"],
        text=row["text"],
        title=row["title"],
        fandom=row["fandom"],
        tags=tuple(tags.split(_TAG_SEPARATOR)) if tags else (),
        active_claims=row["active_claims"],
        fill_count=row["fill_count"],
        created_at=created,
        message_channel_id=row["message_channel_id"],
        message_id=row["message_id"],
    )


def fetch(conn: sqlite3.Connection, guild_id: int, number: int) -> Prompt:
    row = conn.execute(
        f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE p.guild_id = ? AND p.number = ?", (guild_id, number)
    ).fetchone()
    if row is None:
        raise PromptNotFound(number)
    return prompt_from_row(row)


def fetch_by_id(conn: sqlite3.Connection, prompt_id: int) -> Prompt:
    row = conn.execute(f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE p.id = ?", (prompt_id,)).fetchone()
    return prompt_from_row(row)


def visibility_clause(viewer: Viewer, params: list[Any]) -> str:
    """SQL (on alias p) that keeps only the prompts this viewer may see here."""
    clause = ""
    if not viewer.is_moderator:
        clause += " AND (p.status IN ('open', 'filled', 'closed') OR p.author_id = ?)"
        params.append(viewer.member_id)
    if not viewer.age_restricted_channel:
        clause += " AND p.rating != 'E'"
    return clause


def check_visible(prompt: Prompt, viewer: Viewer) -> None:
    if not viewer.is_moderator and prompt.status not in PUBLIC_STATUSES and prompt.author_id != viewer.member_id:
        raise PromptNotFound(prompt.number)
    if prompt.explicit and not viewer.age_restricted_channel:
        raise ExplicitNeedsAgeRestrictedChannel(prompt.number)


def _write_tags(conn: sqlite3.Connection, prompt_id: int, tags: tuple[str, ...]) -> None:
    conn.execute("DELETE FROM prompt_tags WHERE prompt_id = ?", (prompt_id,))
    conn.executemany(
        "INSERT INTO prompt_tags (prompt_id, position, tag, tag_key) VALUES (?, ?, ?, ?)",
        [(prompt_id, position, tag, validation.tag_key(tag)) for position, tag in enumerate(tags)],
    )


def _index_for_search(conn: sqlite3.Connection, prompt: Prompt, *, new: bool = False) -> None:
    if not new:
        conn.execute("DELETE FROM prompt_search WHERE rowid = ?", (prompt.id,))
    conn.execute(
        "INSERT INTO prompt_search (rowid, text, title, fandom, tags) VALUES (?, ?, ?, ?, ?)",
        (prompt.id, prompt.text, prompt.title or "", prompt.fandom or "", " ".join(prompt.tags)),
    )


def _refuse_duplicate(conn: sqlite3.Connection, guild_id: int, dedupe_key: str, except_id: int | None) -> None:
    row = conn.execute(
        "SELECT id, number FROM prompts WHERE guild_id = ? AND dedupe_key = ?", (guild_id, dedupe_key)
    ).fetchone()
    if row is not None and row["id"] != except_id:
        raise DuplicatePrompt(row["number"])


def insert(
    conn: sqlite3.Connection, guild_id: int, author_id: int, draft: PromptDraft, status: str, now: int
) -> Prompt:
    """Store a validated prompt under the server's next number (computed inside the INSERT).

    The UNIQUE (guild_id, dedupe_key) constraint refuses duplicates; only then is the existing number read.
    """
    key = validation.dedupe_key(draft.text)
    try:
        row = conn.execute(
            "INSERT INTO prompts (guild_id, number, author_id, anonymous, status, rating, text, title, fandom,"
            " fandom_key, dedupe_key, created_at, updated_at)"
            " SELECT ?, COALESCE(MAX(number), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM prompts WHERE guild_id = ?"
            " RETURNING id, number",
            (
                guild_id,
                author_id,
                int(draft.anonymous),
                status,
                draft.rating,
                draft.text,
                draft.title,
                draft.fandom,
                validation.fandom_key(draft.fandom),
                key,
                now,
                now,
                guild_id,
            ),
        ).fetchone()
    except sqlite3.IntegrityError:
        _refuse_duplicate(conn, guild_id, key, None)
        raise
    _write_tags(conn, row["id"], draft.tags)
    prompt = Prompt(
        id=row["id"],
        guild_id=guild_id,
        number=row["number"],
        author_id=author_id,
        anonymous=draft.anonymous,
        status=status,  # type: ignore[arg-type]  # callers pass a PromptStatus
        rating=draft.rating,
        text=draft.text,
        title=draft.title,
        fandom=draft.fandom,
        tags=draft.tags,
        active_claims=0,
        fill_count=0,
        created_at=from_epoch(now),
    )
    _index_for_search(conn, prompt, new=True)
    return prompt


def _submit(conn: sqlite3.Connection, guild_id: int, author_id: int, draft: PromptDraft, now: int) -> Prompt:
    config = settings_store.load(conn, guild_id)
    if draft.anonymous and not config.allow_anonymous:
        raise AnonymousNotAllowed()
    status = "pending" if config.require_approval else "open"
    prompt = insert(conn, guild_id, author_id, draft, status, now)
    audit.record(conn, guild_id=guild_id, actor_id=author_id, action="submit", prompt_number=prompt.number, now=now)
    return prompt


def _details(conn: sqlite3.Connection, guild_id: int, number: int, viewer: Viewer) -> PromptDetails:
    from db.claims import claims_for_prompt
    from db.fills import fills_for_prompt

    prompt = fetch(conn, guild_id, number)
    check_visible(prompt, viewer)
    return PromptDetails(prompt, tuple(claims_for_prompt(conn, prompt.id)), tuple(fills_for_prompt(conn, prompt.id)))


def _list(
    conn: sqlite3.Connection,
    guild_id: int,
    viewer: Viewer,
    status: str | None,
    fandom: str | None,
    tag: str | None,
    member_id: int | None,
    page: int,
    per_page: int,
) -> Page[Prompt]:
    params: list[Any] = [guild_id]
    where = "p.guild_id = ?" + visibility_clause(viewer, params)
    if status is not None:
        where += " AND p.status = ?"
        params.append(status)
    if fandom is not None:
        where += " AND p.fandom_key = ?"
        params.append(validation.fandom_key(fandom))
    if tag is not None:
        where += " AND p.id IN (SELECT prompt_id FROM prompt_tags WHERE tag_key = ?)"
        params.append(validation.tag_key(tag))
    if member_id is not None:
        where += " AND p.author_id = ?"
        params.append(member_id)
        if member_id != viewer.member_id:
            # Filtering by prompter must not reveal who wrote the anonymous ones.
            where += " AND p.anonymous = 0"
    total = conn.execute(
        f"SELECT COUNT(*) FROM (SELECT 1 FROM prompts p WHERE {where} LIMIT ?)", [*params, COUNT_CAP + 1]
    ).fetchone()[0]
    rows = conn.execute(
        f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE {where} ORDER BY p.number DESC LIMIT ? OFFSET ?",
        [*params, per_page, page * per_page],
    ).fetchall()
    return Page(
        tuple(prompt_from_row(r) for r in rows), min(total, COUNT_CAP), page, per_page, capped=total > COUNT_CAP
    )


def fts_query(text: str) -> str:
    """The member's words as an FTS5 query: each word quoted (never FTS syntax), all required, prefixes."""
    words = _WORD.findall(text)
    if not words:
        raise InvalidField("Query", "needs at least one word or number to look for")
    return " ".join(f'"{word}"*' for word in words[:20])


# Search results come newest first: FTS5 walks its matches in rowid order, so a page stops early instead of
# ranking every match (a common word matches most of a large server).
SEARCH_SOURCE = "prompt_search CROSS JOIN prompts p ON p.id = prompt_search.rowid"


def _search(
    conn: sqlite3.Connection, guild_id: int, viewer: Viewer, query: str, page: int, per_page: int
) -> Page[Prompt]:
    params: list[Any] = [fts_query(query), guild_id]
    where = "prompt_search MATCH ? AND p.guild_id = ?" + visibility_clause(viewer, params)
    total = conn.execute(
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {SEARCH_SOURCE} WHERE {where} LIMIT ?)", [*params, COUNT_CAP + 1]
    ).fetchone()[0]
    rows = conn.execute(
        f"SELECT {PROMPT_COLUMNS} FROM {SEARCH_SOURCE} WHERE {where} ORDER BY prompt_search.rowid DESC"
        " LIMIT ? OFFSET ?",
        [*params, per_page, page * per_page],
    ).fetchall()
    capped = total > COUNT_CAP
    return Page(tuple(prompt_from_row(r) for r in rows), min(total, COUNT_CAP), page, per_page, capped=capped)


# Just what a choice shows: the number and the start of the title or text.
CHOICE_COLUMNS = "p.number, COALESCE(p.title, substr(p.text, 1, 120)) AS label"


def _autocomplete(
    conn: sqlite3.Connection, guild_id: int, viewer: Viewer, typed: str, limit: int
) -> list[PromptChoice]:
    typed = typed.strip().lstrip("#")
    params: list[Any] = [guild_id]
    where = "p.guild_id = ?" + visibility_clause(viewer, params)
    if typed.isdigit() and len(typed) <= 9:
        # Numbers that start with what was typed, in order: 12, then 120..129, then 1200..1299, ...
        # one index range at a time, until the list is full.
        prefix = int(typed)
        rows = []
        for width in range(10 - len(typed)):
            low = prefix * 10**width
            rows += conn.execute(
                f"SELECT {CHOICE_COLUMNS} FROM prompts p WHERE {where} AND p.number BETWEEN ? AND ?"
                " ORDER BY p.number LIMIT ?",
                [*params, low, low + 10**width - 1, limit - len(rows)],
            ).fetchall()
            if len(rows) >= limit:
                break
    elif _WORD.search(typed):
        rows = conn.execute(
            f"SELECT {CHOICE_COLUMNS} FROM {SEARCH_SOURCE}"
            f" WHERE prompt_search MATCH ? AND {where} ORDER BY prompt_search.rowid DESC LIMIT ?",
            [fts_query(typed), *params, limit],
        ).fetchall()
    else:
        rows = conn.execute(
            f"SELECT {CHOICE_COLUMNS} FROM prompts p WHERE {where} ORDER BY p.number DESC LIMIT ?",
            [*params, limit],
        ).fetchall()
    return [PromptChoice(r[0], r[1]) for r in rows]


DRAW_BATCH = 64
DRAW_BATCHES = 8


def _draw(
    conn: sqlite3.Connection,
    guild_id: int,
    viewer: Viewer,
    filters: DrawFilters,
    rng: random.Random,
) -> Prompt:
    """One eligible prompt, uniformly at random, without scanning the server's prompts.

    Numbers are dense (1..N per server), so: pick random numbers and keep the first one whose prompt is
    eligible (rejection sampling, exactly uniform over the eligible set), looked up by the (guild, number)
    index in batches. When eligible prompts are too rare for that to find one quickly, fall back to counting
    them and fetching the k-th, which is also uniform; both steps read the same rows in this one hop.
    """
    per_prompt = settings_store.load(conn, guild_id).claims_per_prompt
    statuses = ("open", "filled") if filters.include_filled else ("open",)
    # Eligibility as (condition on column {c}, parameters); rendered twice below.
    rules: list[tuple[str, list[Any]]] = [
        (f"{{c}}status IN ({', '.join('?' for _ in statuses)})", list(statuses)),
        ("{c}author_id != ?", [viewer.member_id]),
    ]
    if not viewer.age_restricted_channel:
        rules.append(("{c}rating != 'E'", []))
    if filters.rating is not None:
        rules.append(("{c}rating = ?", [validation.rating(filters.rating)]))
    if filters.fandom is not None:
        rules.append(("{c}fandom_key = ?", [validation.fandom_key(filters.fandom)]))
    if not filters.include_claimed and per_prompt > 0:
        rules.append(("{c}active_claims < ?", [per_prompt]))
    mine = [
        r[0]
        for r in conn.execute(
            "SELECT prompt_id FROM claims WHERE guild_id = ? AND member_id = ? AND status = 'active'",
            (guild_id, viewer.member_id),
        )
    ]
    if mine:
        rules.append((f"{{c}}id NOT IN ({', '.join('?' for _ in mine)})", mine))
    tag_key = validation.tag_key(filters.tag) if filters.tag is not None else None
    top = conn.execute("SELECT MAX(number) FROM prompts WHERE guild_id = ?", (guild_id,)).fetchone()[0]
    if top is None:
        raise NothingToDraw(_active_filters(filters))

    def render(column: str) -> tuple[str, list[Any]]:
        where = " AND ".join(["p.guild_id = ?", *(rule.format(c=column) for rule, _ in rules)])
        return where, [guild_id, *(value for _, values in rules for value in values)]

    # Probing candidates by number: "+p." keeps SQLite on the (guild_id, number) index instead of a
    # filter's index, and the tag is one primary-key probe per candidate.
    tag_probe = " AND EXISTS (SELECT 1 FROM prompt_tags t WHERE t.prompt_id = p.id AND t.tag_key = ?)"
    probe_where, probe_params = render("+p.")
    if tag_key is not None:
        probe_where += tag_probe
        probe_params.append(tag_key)
    where, params = render("p.")
    for batch in range(DRAW_BATCHES):
        if batch == 1:
            # The first batch missed: make sure anything matches (stopping at the first match, by the
            # filters' index) before probing further.
            exists_where, exists_params = (where + tag_probe, [*params, tag_key]) if tag_key else (where, params)
            if conn.execute(f"SELECT 1 FROM prompts p WHERE {exists_where} LIMIT 1", exists_params).fetchone() is None:
                raise NothingToDraw(_active_filters(filters))
        numbers = [rng.randint(1, top) for _ in range(DRAW_BATCH)]
        found = dict(
            conn.execute(
                f"SELECT p.number, p.id FROM prompts p WHERE {probe_where}"
                f" AND p.number IN ({', '.join('?' for _ in numbers)})",
                [*probe_params, *numbers],
            ).fetchall()
        )
        for number in numbers:
            if number in found:
                return fetch_by_id(conn, found[number])

    # Rare matches: count them by the filters' indexes (a tag from its own index) and take the k-th.
    if tag_key is not None:
        where += " AND p.id IN (SELECT prompt_id FROM prompt_tags WHERE tag_key = ?)"
        params.append(tag_key)
    count = conn.execute(f"SELECT COUNT(*) FROM prompts p WHERE {where}", params).fetchone()[0]
    if count == 0:
        raise NothingToDraw(_active_filters(filters))
    row = conn.execute(
        f"SELECT p.id FROM prompts p WHERE {where} LIMIT 1 OFFSET ?", [*params, rng.randrange(count)]
    ).fetchone()
    return fetch_by_id(conn, row[0])


def _active_filters(filters: DrawFilters) -> list[str]:
    named = [("fandom", filters.fandom), ("tag", filters.tag), ("rating", filters.rating)]
    active = [name for name, value in named if value is not None]
    if not filters.include_filled:
        active.append("include_filled")
    if not filters.include_claimed:
        active.append("include_claimed")
    return active


def _moderate(
    conn: sqlite3.Connection,
    guild_id: int,
    number: int,
    actor_id: int,
    new_status: str,
    reason: str | None,
    now: int,
) -> Prompt:
    """Approve or reject: only a pending prompt moves, checked in the UPDATE itself."""
    changed = conn.execute(
        "UPDATE prompts SET status = ?, updated_at = ? WHERE guild_id = ? AND number = ? AND status = 'pending'",
        (new_status, now, guild_id, number),
    ).rowcount
    prompt = fetch(conn, guild_id, number)
    if not changed:
        raise WrongStatus(number, prompt.status, "approve" if new_status == "open" else "reject")
    audit.record(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action="approve" if new_status == "open" else "reject",
        prompt_number=number,
        target_id=prompt.author_id,
        detail=reason,
        by_moderator=True,
        now=now,
    )
    return prompt


def _oldest_pending(conn: sqlite3.Connection, guild_id: int) -> tuple[Prompt | None, int]:
    count = conn.execute(
        "SELECT COUNT(*) FROM prompts WHERE guild_id = ? AND status = 'pending'", (guild_id,)
    ).fetchone()[0]
    row = conn.execute(
        f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE p.guild_id = ? AND p.status = 'pending'"
        " ORDER BY p.number LIMIT 1",
        (guild_id,),
    ).fetchone()
    return (prompt_from_row(row) if row else None), count


def _edit(
    conn: sqlite3.Connection,
    guild_id: int,
    number: int,
    actor_id: int,
    is_moderator: bool,
    changes: dict[str, Any],
    now: int,
) -> tuple[Prompt, Prompt]:
    before = fetch(conn, guild_id, number)
    if not is_moderator:
        if before.author_id != actor_id:
            raise NotPrompter(number, "edit it")
        if before.active_claims or before.fill_count:
            raise EditLocked(number)
        if before.status not in ("pending", "open"):
            raise WrongStatus(number, before.status, "edit it")
    assignments: list[str] = []
    params: list[Any] = []
    for column in ("text", "title", "fandom", "rating"):
        if column in changes and changes[column] != getattr(before, column):
            assignments.append(f"{column} = ?")
            params.append(changes[column])
    if "text" in changes and changes["text"] != before.text:
        key = validation.dedupe_key(changes["text"])
        _refuse_duplicate(conn, guild_id, key, before.id)
        assignments.append("dedupe_key = ?")
        params.append(key)
    if "fandom" in changes:
        assignments.append("fandom_key = ?")
        params.append(validation.fandom_key(changes["fandom"]))
    tags_changed = "tags" in changes and tuple(changes["tags"]) != before.tags
    if not assignments and not tags_changed:
        raise NothingToChange("prompt")
    conn.execute(
        f"UPDATE prompts SET {', '.join([*assignments, 'updated_at = ?'])} WHERE id = ?",
        [*params, now, before.id],
    )
    if tags_changed:
        _write_tags(conn, before.id, changes["tags"])
    after = fetch_by_id(conn, before.id)
    _index_for_search(conn, after)
    changed_names = [name for name in ("text", "title", "fandom", "tags", "rating") if name in changes]
    audit.record(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action="edit",
        prompt_number=number,
        target_id=before.author_id,
        detail=", ".join(changed_names),
        by_moderator=actor_id != before.author_id,
        now=now,
    )
    return before, after


def _withdraw(
    conn: sqlite3.Connection, guild_id: int, number: int, actor_id: int, is_moderator: bool, now: int
) -> tuple[Prompt, list[Claim]]:
    from db.claims import end_all_claims

    prompt = fetch(conn, guild_id, number)
    if prompt.author_id != actor_id and not is_moderator:
        raise NotPrompter(number, "withdraw it")
    if prompt.status in ("closed", "rejected"):
        raise WrongStatus(number, prompt.status, "withdraw it")
    conn.execute("UPDATE prompts SET status = 'closed', updated_at = ? WHERE id = ?", (now, prompt.id))
    by_moderator = actor_id != prompt.author_id
    ended = end_all_claims(conn, prompt, actor_id=actor_id, now=now, by_moderator=by_moderator)
    audit.record(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action="withdraw",
        prompt_number=number,
        target_id=prompt.author_id,
        by_moderator=by_moderator,
        now=now,
    )
    return fetch_by_id(conn, prompt.id), ended


def _highest_number(conn: sqlite3.Connection, guild_id: int) -> int:
    return conn.execute("SELECT COALESCE(MAX(number), 0) FROM prompts WHERE guild_id = ?", (guild_id,)).fetchone()[0]


def _set_message(conn: sqlite3.Connection, prompt_id: int, channel_id: int, message_id: int) -> None:
    conn.execute(
        "UPDATE prompts SET message_channel_id = ?, message_id = ? WHERE id = ?",
        (channel_id, message_id, prompt_id),
    )


class PromptRepo:
    def __init__(self, db: Database, clock: Clock, rng: random.Random | None = None) -> None:
        self._db = db
        self._clock = clock
        self._rng = rng or random.SystemRandom()

    def _now(self) -> int:
        return to_epoch(self._clock())

    async def submit(self, guild_id: int, author_id: int, draft: PromptDraft) -> Prompt:
        return await self._db.write(_submit, guild_id, author_id, draft, self._now())

    async def highest_number(self, guild_id: int) -> int:
        """How many prompts the server has ever stored (numbers are 1..N, never reused)."""
        return await self._db.read(_highest_number, guild_id)

    async def get(self, guild_id: int, number: int) -> Prompt:
        return await self._db.read(fetch, guild_id, number)

    async def details(self, guild_id: int, number: int, viewer: Viewer) -> PromptDetails:
        return await self._db.read(_details, guild_id, number, viewer)

    async def list(
        self,
        guild_id: int,
        viewer: Viewer,
        *,
        status: str | None = None,
        fandom: str | None = None,
        tag: str | None = None,
        member_id: int | None = None,
        page: int = 0,
        per_page: int = 5,
    ) -> Page[Prompt]:
        return await self._db.read(_list, guild_id, viewer, status, fandom, tag, member_id, page, per_page)

    async def search(
        self, guild_id: int, viewer: Viewer, query: str, *, page: int = 0, per_page: int = 5
    ) -> Page[Prompt]:
        return await self._db.read(_search, guild_id, viewer, query, page, per_page)

    async def autocomplete(self, guild_id: int, viewer: Viewer, typed: str, *, limit: int = 25) -> list[PromptChoice]:
        return await self._db.read(_autocomplete, guild_id, viewer, typed, limit)

    async def draw(self, guild_id: int, viewer: Viewer, filters: DrawFilters) -> Prompt:
        return await self._db.read(_draw, guild_id, viewer, filters, self._rng)

    async def approve(self, guild_id: int, number: int, actor_id: int) -> Prompt:
        return await self._db.write(_moderate, guild_id, number, actor_id, "open", None, self._now())

    async def reject(self, guild_id: int, number: int, actor_id: int, reason: str | None) -> Prompt:
        return await self._db.write(_moderate, guild_id, number, actor_id, "rejected", reason, self._now())

    async def oldest_pending(self, guild_id: int) -> tuple[Prompt | None, int]:
        return await self._db.read(_oldest_pending, guild_id)

    async def edit(
        self, guild_id: int, number: int, actor_id: int, *, is_moderator: bool, changes: dict[str, Any]
    ) -> tuple[Prompt, Prompt]:
        return await self._db.write(_edit, guild_id, number, actor_id, is_moderator, changes, self._now())

    async def withdraw(
        self, guild_id: int, number: int, actor_id: int, *, is_moderator: bool
    ) -> tuple[Prompt, list[Claim]]:
        return await self._db.write(_withdraw, guild_id, number, actor_id, is_moderator, self._now())

    async def set_message(self, prompt_id: int, channel_id: int, message_id: int) -> None:
        await self._db.write(_set_message, prompt_id, channel_id, message_id)
