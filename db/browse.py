"""Browsing prompts: who may see which, a prompt with its claims and fills, lists, search,
autocomplete, and the random draw. Reads only; the lifecycle writes live in db/prompts.py."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from typing import Any

from db import rows, validation
from db.database import Database
from db.errors import ExplicitNeedsAgeRestrictedChannel, InvalidField, NothingToDraw, PromptNotFound
from db.models import (
    CLAIMABLE_STATUSES,
    MEMBER_VISIBLE_STATUSES,
    Claim,
    Fill,
    GuildSettings,
    ListSort,
    Page,
    Prompt,
    PromptStatus,
    Viewer,
)
from db.rows import COUNT_CAP, PROMPT_COLUMNS, placeholders, prompt_from_row
from db.search_words import match_query_in
from db.seconds import seconders_of

# How /prompt list orders prompts: the ORDER BY of each, both walked through an index (prompts_status_number
# or prompts_author for newest, prompts_seconded for seconded), so a page is fast however many prompts there are.
LIST_SORTS: dict[ListSort, str] = {
    "newest": "p.number DESC",
    "seconded": "p.seconds DESC, p.number DESC",
}


@dataclass(frozen=True)
class PromptChoice:
    number: int
    label: str


@dataclass(frozen=True)
class PromptDetails:
    prompt: Prompt
    claims: tuple[Claim, ...]
    fills: tuple[Fill, ...]
    seconders: tuple[int, ...] = ()  # who seconded it: read for moderators only (Viewer.sees_seconders)


@dataclass(frozen=True)
class DrawFilters:
    fandom: str | None = None
    tag: str | None = None
    rating: str | None = None
    include_filled: bool = False
    include_claimed: bool = False


def visibility_clause(viewer: Viewer, params: list[Any]) -> str:
    """SQL (on alias p) keeping what Viewer.may_see allows, and no Explicit prompt outside age-restricted channels."""
    clause = ""
    if not viewer.is_moderator:
        clause += f" AND (p.status IN ({placeholders(MEMBER_VISIBLE_STATUSES)}) OR p.author_id = ?)"
        # A channel reader (member 0) owns nothing, not even prompts stored with no prompter (author_id 0).
        params += [*MEMBER_VISIBLE_STATUSES, viewer.member_id or None]
    if not viewer.age_restricted_channel:
        clause += " AND p.rating != 'E'"
    return clause


def _details(conn: sqlite3.Connection, guild_id: int, number: int, viewer: Viewer) -> PromptDetails:
    prompt = rows.prompt(conn, guild_id, number)
    if not viewer.may_see(prompt):
        raise PromptNotFound(number)
    if prompt.explicit and not viewer.age_restricted_channel:
        raise ExplicitNeedsAgeRestrictedChannel(number)
    seconders = seconders_of(conn, prompt.id) if viewer.is_moderator and prompt.seconds else ()
    return PromptDetails(
        prompt, tuple(rows.active_claims_on(conn, prompt.id)), tuple(rows.fills_of(conn, prompt.id)), seconders
    )


def _list(
    conn: sqlite3.Connection,
    guild_id: int,
    viewer: Viewer,
    status: PromptStatus | None,
    fandom: str | None,
    tag: str | None,
    member_id: int | None,
    sort: ListSort,
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
        where += " AND p.id IN (SELECT prompt_id FROM prompt_tags WHERE guild_id = ? AND tag_key = ?)"
        params += [guild_id, validation.tag_key(tag)]
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
        f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE {where} ORDER BY {LIST_SORTS[sort]} LIMIT ? OFFSET ?",
        [*params, per_page, page * per_page],
    ).fetchall()
    return Page(
        tuple(prompt_from_row(r) for r in rows), min(total, COUNT_CAP), page, per_page, capped=total > COUNT_CAP
    )


def fts_query(conn: sqlite3.Connection, guild_id: int, text: str) -> str:
    """The member's words as an FTS5 query in this server: each word quoted (never FTS syntax), all required,
    prefixes."""
    query = match_query_in(conn, guild_id, text)
    if query is None:
        raise InvalidField("Query", "needs at least one word or number to look for")
    return query


# Search results come newest first: FTS5 walks its matches in rowid order, so a page stops early instead of
# ranking every match (a common word matches most of a large server).
SEARCH_SOURCE = "prompt_search CROSS JOIN prompts p ON p.id = prompt_search.rowid"


def _search(
    conn: sqlite3.Connection, guild_id: int, viewer: Viewer, query: str, page: int, per_page: int
) -> Page[Prompt]:
    params: list[Any] = [fts_query(conn, guild_id, query), guild_id]
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
    elif (words := match_query_in(conn, guild_id, typed)) is not None:
        rows = conn.execute(
            f"SELECT {CHOICE_COLUMNS} FROM {SEARCH_SOURCE}"
            f" WHERE prompt_search MATCH ? AND {where} ORDER BY prompt_search.rowid DESC LIMIT ?",
            [words, *params, limit],
        ).fetchall()
    else:
        rows = conn.execute(
            f"SELECT {CHOICE_COLUMNS} FROM prompts p WHERE {where} ORDER BY p.number DESC LIMIT ?",
            [*params, limit],
        ).fetchall()
    return [PromptChoice(r[0], r[1]) for r in rows]


# The first batch is small: when most prompts are eligible (a draw without filters), 8 numbers nearly always
# find one, and probing 64 cost a quarter of a millisecond of the store's thread (profiled, 2026-12-04).
# When the filters name a fandom and a tag that each have many prompts, a third batch of 256 comes before
# the count (about 0.3 ms quiet, 0.9 ms loaded): counting matches up to RARE reads RARE / (their share of the
# fandom's prompts) rows with a tag probe each (5 to 25 ms when a fandom + tag pair holds 2% of 100,000
# prompts, issue 25), and 328 probes miss such a pair once in 2,000 draws where 72 missed it once in 5. A rare
# name counts at once, as before: on the 1,000,000-prompt file the 256 probes cost a rare tag's draw 1.5 ms.
FIRST_DRAW_BATCH = 8
DRAW_BATCH = 64
BEFORE_COUNT_BATCH = 256
DRAW_BATCHES = 9
# Fewer matches than this are drawn from directly; with more, probing by number finds one quickly (at
# 1,000 in 100,000, a batch of 64 hits with a probability near one half).
RARE = 1_000


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
    per_prompt = rows.settings(conn, guild_id).claims_per_prompt
    statuses = CLAIMABLE_STATUSES if filters.include_filled else ("open",)
    # Eligibility as (condition on column {c}, parameters); rendered twice below.
    rules: list[tuple[str, list[Any]]] = [
        (f"{{c}}status IN ({placeholders(statuses)})", list(statuses)),
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
        rules.append((f"{{c}}id NOT IN ({placeholders(mine)})", mine))
    tag_key = validation.tag_key(filters.tag) if filters.tag is not None else None
    # The third, larger batch of probes before counting (see BEFORE_COUNT_BATCH) only for common names.
    common = _each_used_by_many(conn, guild_id, validation.fandom_key(filters.fandom), tag_key)
    count_at = 3 if common else 2
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
    # What to read eligible prompts from, when probing by number is not enough: with a fandom, its index
    # (a fandom narrows most) and the tag as a probe; with only a tag, this server's postings for that tag
    # (CROSS JOIN keeps them first); otherwise the filters' indexes.
    source, source_params = "prompts p", []
    if tag_key is not None and filters.fandom is None:
        source = "prompt_tags t CROSS JOIN prompts p ON p.id = t.prompt_id AND t.guild_id = ? AND t.tag_key = ?"
        source_params = [guild_id, tag_key]
    elif tag_key is not None:
        where += tag_probe
        params.append(tag_key)
    params = [*source_params, *params]

    def kth(count: int) -> Prompt:
        row = conn.execute(f"SELECT p.id FROM {source} WHERE {where} LIMIT 1 OFFSET ?", [*params, rng.randrange(count)])
        return rows.prompt_by_id(conn, row.fetchone()[0])

    for batch in range(DRAW_BATCHES):
        if batch == count_at:
            # The first batches missed. Count the matches, stopping at RARE: none ends the draw, a few are
            # drawn from directly (the k-th of them), many mean probing by number will find one soon.
            few = conn.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT ?)", [*params, RARE])
            matches = few.fetchone()[0]
            if matches == 0:
                raise NothingToDraw(_active_filters(filters))
            if matches < RARE:
                return kth(matches)
        # random() rather than randint(): a third of the cost, and uniform to within 2**-53 of 1..top.
        size = FIRST_DRAW_BATCH if batch == 0 else BEFORE_COUNT_BATCH if batch == 2 and common else DRAW_BATCH
        numbers = [int(rng.random() * top) + 1 for _ in range(size)]
        found = dict(
            conn.execute(
                f"SELECT p.number, p.id FROM prompts p WHERE {probe_where} AND p.number IN ({placeholders(numbers)})",
                [*probe_params, *numbers],
            ).fetchall()
        )
        for number in numbers:
            if number in found:
                return rows.prompt_by_id(conn, found[number])

    # Unlucky with many matches: count them all and take the k-th.
    count = conn.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params).fetchone()[0]
    if count == 0:
        raise NothingToDraw(_active_filters(filters))
    return kth(count)


def _each_used_by_many(conn: sqlite3.Connection, guild_id: int, fandom_key: str | None, tag_key: str | None) -> bool:
    """Whether a fandom or tag is named and each one named is on at least RARE prompts (server_names' counts,
    kept by triggers). Only a guess at the matches: it chooses the batches of a draw, never which prompt is
    drawn (both ways are uniform)."""
    named = [(kind, key) for kind, key in (("fandom", fandom_key), ("tag", tag_key)) if key is not None]
    for kind, key in named:
        row = conn.execute(
            "SELECT uses FROM server_names WHERE guild_id = ? AND kind = ? AND name_key = ?", (guild_id, kind, key)
        ).fetchone()
        if row is None or row[0] < RARE:
            return False
    return bool(named)


def _active_filters(filters: DrawFilters) -> tuple[str, ...]:
    named = [("fandom", filters.fandom), ("tag", filters.tag), ("rating", filters.rating)]
    active = [name for name, value in named if value is not None]
    if not filters.include_filled:
        active.append("include_filled")
    if not filters.include_claimed:
        active.append("include_claimed")
    return tuple(active)


def _as_posted(conn: sqlite3.Connection, guild_id: int, number: int) -> tuple[PromptDetails, GuildSettings]:
    """A prompt with its active claims and fills, and its server's settings: what its channel post shows
    (the post applies its own rules for what everyone may read)."""
    prompt = rows.prompt(conn, guild_id, number)
    details = PromptDetails(
        prompt, tuple(rows.active_claims_on(conn, prompt.id)), tuple(rows.fills_of(conn, prompt.id))
    )
    return details, rows.settings(conn, guild_id)


def _highest_number(conn: sqlite3.Connection, guild_id: int) -> int:
    return conn.execute("SELECT COALESCE(MAX(number), 0) FROM prompts WHERE guild_id = ?", (guild_id,)).fetchone()[0]


class BrowseRepo:
    def __init__(self, db: Database, rng: random.Random | None = None) -> None:
        self._db = db
        self._rng = rng or random.SystemRandom()

    async def details(self, guild_id: int, number: int, viewer: Viewer) -> PromptDetails:
        return await self._db.read(_details, guild_id, number, viewer)

    async def list(
        self,
        guild_id: int,
        viewer: Viewer,
        *,
        status: PromptStatus | None = None,
        fandom: str | None = None,
        tag: str | None = None,
        member_id: int | None = None,
        sort: ListSort = "newest",
        page: int = 0,
        per_page: int = 5,
    ) -> Page[Prompt]:
        return await self._db.read(_list, guild_id, viewer, status, fandom, tag, member_id, sort, page, per_page)

    async def search(
        self, guild_id: int, viewer: Viewer, query: str, *, page: int = 0, per_page: int = 5
    ) -> Page[Prompt]:
        return await self._db.read(_search, guild_id, viewer, query, page, per_page)

    async def autocomplete(self, guild_id: int, viewer: Viewer, typed: str, *, limit: int = 25) -> list[PromptChoice]:
        return await self._db.read(_autocomplete, guild_id, viewer, typed, limit)

    async def draw(self, guild_id: int, viewer: Viewer, filters: DrawFilters) -> Prompt:
        return await self._db.read(_draw, guild_id, viewer, filters, self._rng)

    async def as_posted(self, guild_id: int, number: int) -> tuple[PromptDetails, GuildSettings]:
        """The prompt with its claims and fills and the server's settings, in one read, for its channel post."""
        return await self._db.read(_as_posted, guild_id, number)

    async def highest_number(self, guild_id: int) -> int:
        """How many prompts the server has ever stored (numbers are 1..N, never reused)."""
        return await self._db.read(_highest_number, guild_id)
