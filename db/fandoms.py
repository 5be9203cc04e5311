"""The names a server uses for fandoms and tags: autocomplete (most used first) and the near-miss guard.

Names and their counts live in `server_names` (migration 0005), one row per name key, kept in step by
triggers on prompts and their tags, so an answer reads that small table and never the prompts themselves.
Keys are db/folding.py's: the same fold decides "same name" here, in filters and in duplicates.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal

from db import fuzzy, rows
from db.database import Repository
from db.errors import InvalidField, NameNotUsed, Refusal, SameName
from db.exchanges import _by_name  # pyright: ignore[reportPrivateUsage]
from db.folding import fandom_match_key, name_key
from db.search_words import indexed_words

NameKind = Literal["fandom", "tag"]
CHOICES_MAX = 25
# How close a new name must be to a known one to ask "did you mean": rapidfuzz's normalised similarity
# (0-100) on folded names. 85 catches one wrong letter in a two-word name ("good omans" ~ "good omens": 90)
# and leaves different fandoms apart ("good omens" ~ "good wives": 70).
NEAR_MISS_SCORE = 85
# Below this many folded characters a name is too short to guess at ("sw" is not a typo of "sga").
NEAR_MISS_MIN_LENGTH = 4


@dataclass(frozen=True)
class KnownName:
    name: str
    uses: int


def _autocomplete(conn: sqlite3.Connection, guild_id: int, kind: NameKind, typed: str, limit: int) -> list[KnownName]:
    """Names whose key starts with the typed key, or has a word that does; most used first.

    The server's names are walked in the covering index's order until `limit` match (about 0.5 ms for
    3,000 names when none does). Keys hold only letters, marks, digits and spaces, so the typed key
    never carries a GLOB wildcard."""
    key = name_key(typed)
    if not key:
        where, params = "", ()
    else:
        where, params = " AND (name_key GLOB ? OR name_key GLOB ?)", (key + "*", "* " + key + "*")
    rows = conn.execute(
        f"SELECT name, uses FROM server_names WHERE guild_id = ? AND kind = ?{where}"
        " ORDER BY uses DESC, name_key LIMIT ?",
        (guild_id, kind, *params, limit),
    ).fetchall()
    return [KnownName(r[0], r[1]) for r in rows]


def _known(conn: sqlite3.Connection, guild_id: int, kind: NameKind, name: str) -> KnownName | None:
    row = conn.execute(
        "SELECT name, uses FROM server_names WHERE guild_id = ? AND kind = ? AND name_key = ?",
        (guild_id, kind, name_key(name)),
    ).fetchone()
    return KnownName(row[0], row[1]) if row else None


def _all_names(conn: sqlite3.Connection, guild_id: int, kind: NameKind) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT name_key, name FROM server_names WHERE guild_id = ? AND kind = ? ORDER BY uses DESC",
            (guild_id, kind),
        )
    ]


def closest(typed: str, candidates: list[tuple[str, str]], *, limit: int = 1) -> list[str]:
    """The candidates (key, name) closest to typed by rapidfuzz, best first; none under NEAR_MISS_SCORE,
    and never one with the same key (that is the same name, not a near miss)."""
    key = name_key(typed)
    if len(key.replace(" ", "")) < NEAR_MISS_MIN_LENGTH:
        return []
    keys = [k for k, _ in candidates]
    names = dict(candidates)
    found = fuzzy.closest(key, keys, score_cutoff=NEAR_MISS_SCORE, limit=limit + 1, normalise=True)
    return [names[k] for k in found if k != key][:limit]


def _near_miss(conn: sqlite3.Connection, guild_id: int, kind: NameKind, name: str) -> str | None:
    """A known name close to this one when this one is new to the server; None when it is known or far."""
    if _known(conn, guild_id, kind, name) is not None:
        return None
    found = closest(name, _all_names(conn, guild_id, kind))
    return found[0] if found else None


def _canonical_and_near_miss(
    conn: sqlite3.Connection, guild_id: int, kind: NameKind, name: str
) -> tuple[str, str | None]:
    """The name a merge sent this one to (or itself), and a known name close to that one when it is new here:
    what a submission asks before storing, in one hand-off to the store instead of two."""
    name = canonical_name(conn, guild_id, kind, name)
    return name, _near_miss(conn, guild_id, kind, name)


def _near_offer(conn: sqlite3.Connection, guild_id: int, exchange: str | None, fandom: str) -> str | None:
    """For a request: an offered fandom close to this one when nobody in the exchange offers this one.

    None when the exchange cannot be told (adding the request then gives that refusal) or it is offered."""
    try:
        # Which exchange a request goes to is db/exchanges.py's rule; it is read, not repeated, here.
        found = _by_name(conn, guild_id, exchange)
    except Refusal:
        return None
    offered = conn.execute(
        "SELECT DISTINCT o.fandom_key, o.fandom FROM exchange_offers o"
        " JOIN exchange_signups s ON s.id = o.signup_id WHERE s.exchange_id = ?",
        (found.id,),
    ).fetchall()
    wanted = fandom_match_key(fandom)
    if any(key == wanted for key, _ in offered):
        return None
    candidates = {name_key(name): name for _, name in offered}
    near = closest(fandom, list(candidates.items()))
    return near[0] if near else None


@dataclass(frozen=True)
class Merged:
    from_name: str
    into_name: str
    prompts: int
    requests: int
    offers: int


@dataclass(frozen=True)
class NameList:
    names: tuple[KnownName, ...]
    synonyms: tuple[tuple[str, str], ...]  # (old name, the name it now lands on)


def canonical_name(conn: sqlite3.Connection, guild_id: int, kind: NameKind, name: str) -> str:
    """The name a merge sent this one to, or the name itself."""
    row = conn.execute(
        "SELECT into_name FROM name_synonyms WHERE guild_id = ? AND kind = ? AND from_key = ?",
        (guild_id, kind, name_key(name)),
    ).fetchone()
    return row[0] if row else name


def _exchange_rows(table: str) -> str:
    return (
        f"UPDATE {table} SET fandom = ?, fandom_key = ? WHERE fandom_key = ? AND signup_id IN"
        " (SELECT s.id FROM exchange_signups s JOIN exchanges e ON e.id = s.exchange_id WHERE e.guild_id = ?)"
    )


def _merge(conn: sqlite3.Connection, guild_id: int, actor_id: int, old: str, new: str, now: int) -> Merged:
    """Every prompt, request and offer of the old fandom renamed to the new one, in this one transaction;
    the old name kept as a synonym (and earlier synonyms of it moved along)."""
    new = canonical_name(conn, guild_id, "fandom", new)  # into a merged name: into the name it landed on
    old_key, new_key = name_key(old), name_key(new)
    if not old_key or not new_key:
        raise InvalidField("Fandom", "needs at least one letter or digit")
    if old_key == new_key:
        raise SameName(old, new)
    known = _known(conn, guild_id, "fandom", new)
    into = known.name if known else new
    prompt_ids = [
        r[0] for r in conn.execute("SELECT id FROM prompts WHERE guild_id = ? AND fandom_key = ?", (guild_id, old_key))
    ]
    shown = conn.execute(
        "SELECT fandom FROM prompts WHERE guild_id = ? AND fandom_key = ? LIMIT 1", (guild_id, old_key)
    ).fetchone()
    conn.executemany(
        "UPDATE prompts SET fandom = ?, fandom_key = ?, updated_at = ? WHERE id = ?",
        [(into, new_key, now, pid) for pid in prompt_ids],
    )
    for pid in prompt_ids:
        prompt = rows.prompt_by_id(conn, pid)
        words = indexed_words(guild_id, prompt.text, prompt.title, prompt.fandom, " ".join(prompt.tags))
        conn.execute("DELETE FROM prompt_search WHERE rowid = ?", (pid,))
        conn.execute("INSERT INTO prompt_search (rowid, words) VALUES (?, ?)", (pid, words))
    match_old, match_new = fandom_match_key(old), fandom_match_key(into)
    requests = conn.execute(_exchange_rows("exchange_requests"), (into, match_new, match_old, guild_id)).rowcount
    offers = conn.execute(_exchange_rows("exchange_offers"), (into, match_new, match_old, guild_id)).rowcount
    # Nominations and exchanges' fandom decisions follow too: a nomination merged into an approved fandom is
    # approved with it. A member (or exchange) that already has the new name keeps that row and loses the old.
    nominated = 0
    for table in ("exchange_nominations", "exchange_fandoms"):
        owned = " AND exchange_id IN (SELECT id FROM exchanges WHERE guild_id = ?)"
        nominated += conn.execute(
            f"UPDATE OR IGNORE {table} SET fandom = ?, fandom_key = ? WHERE fandom_key = ?{owned}",
            (into, match_new, match_old, guild_id),
        ).rowcount
        nominated += conn.execute(f"DELETE FROM {table} WHERE fandom_key = ?{owned}", (match_old, guild_id)).rowcount
    synonym = conn.execute(
        "SELECT from_name FROM name_synonyms WHERE guild_id = ? AND kind = 'fandom' AND from_key = ?",
        (guild_id, old_key),
    ).fetchone()
    if not prompt_ids and not requests and not offers and not nominated and synonym is None:
        raise NameNotUsed(old)
    from_name = shown[0] if shown else (synonym[0] if synonym else old)
    conn.execute(
        "DELETE FROM name_synonyms WHERE guild_id = ? AND kind = 'fandom' AND from_key = ?", (guild_id, new_key)
    )
    conn.execute(
        "UPDATE name_synonyms SET into_key = ?, into_name = ? WHERE guild_id = ? AND kind = 'fandom' AND into_key = ?",
        (new_key, into, guild_id, old_key),
    )
    conn.execute(
        "INSERT INTO name_synonyms (guild_id, kind, from_key, from_name, into_key, into_name, created_at)"
        " VALUES (?, 'fandom', ?, ?, ?, ?, ?) ON CONFLICT (guild_id, kind, from_key)"
        " DO UPDATE SET into_key = excluded.into_key, into_name = excluded.into_name",
        (guild_id, old_key, from_name, new_key, into, now),
    )
    detail = f"fandom {from_name} → {into}: {len(prompt_ids)} prompts, {requests} requests, {offers} offers"
    rows.record_audit(
        conn, guild_id=guild_id, actor_id=actor_id, action="merge", detail=detail, by_moderator=True, now=now
    )
    return Merged(from_name, into, len(prompt_ids), requests, offers)


def _list(conn: sqlite3.Connection, guild_id: int, kind: NameKind) -> NameList:
    names = conn.execute(
        "SELECT name, uses FROM server_names WHERE guild_id = ? AND kind = ? ORDER BY uses DESC, name_key",
        (guild_id, kind),
    ).fetchall()
    synonyms = conn.execute(
        "SELECT from_name, into_name FROM name_synonyms WHERE guild_id = ? AND kind = ? ORDER BY from_key",
        (guild_id, kind),
    ).fetchall()
    return NameList(tuple(KnownName(n, u) for n, u in names), tuple((f, i) for f, i in synonyms))


class NameRepo(Repository):
    async def autocomplete(
        self, guild_id: int, kind: NameKind, typed: str, *, limit: int = CHOICES_MAX
    ) -> list[KnownName]:
        return await self._db.read(_autocomplete, guild_id, kind, typed, limit)

    async def canonical_and_near_miss(self, guild_id: int, kind: NameKind, name: str) -> tuple[str, str | None]:
        return await self._db.read(_canonical_and_near_miss, guild_id, kind, name)

    async def canonical(self, guild_id: int, kind: NameKind, name: str) -> str:
        return await self._db.read(canonical_name, guild_id, kind, name)

    async def merge(self, guild_id: int, actor_id: int, old: str, new: str) -> Merged:
        return await self._db.write(_merge, guild_id, actor_id, old, new, self._now())

    async def list(self, guild_id: int, kind: NameKind = "fandom") -> NameList:
        return await self._db.read(_list, guild_id, kind)

    async def near_offer(self, guild_id: int, exchange: str | None, fandom: str) -> str | None:
        return await self._db.read(_near_offer, guild_id, exchange, fandom)
