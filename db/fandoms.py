"""The names a server uses for fandoms and tags: autocomplete (most used first) and the near-miss guard.

Names and their counts live in `server_names` (migration 0004), one row per name key, kept in step by
triggers on prompts and their tags, so an answer reads that small table and never the prompts themselves.
Keys are db/folding.py's: the same fold decides "same name" here, in filters and in duplicates.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process, utils

from db.database import Database
from db.errors import Refusal
from db.exchanges import _by_name, fandom_match_key  # pyright: ignore[reportPrivateUsage]
from db.folding import name_key

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
    found = process.extract(
        key, keys, scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=NEAR_MISS_SCORE, limit=limit + 1
    )
    return [names[k] for k, _, _ in found if k != key][:limit]


def _near_miss(conn: sqlite3.Connection, guild_id: int, kind: NameKind, name: str) -> str | None:
    """A known name close to this one when this one is new to the server; None when it is known or far."""
    if _known(conn, guild_id, kind, name) is not None:
        return None
    found = closest(name, _all_names(conn, guild_id, kind))
    return found[0] if found else None


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


class NameRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def autocomplete(
        self, guild_id: int, kind: NameKind, typed: str, *, limit: int = CHOICES_MAX
    ) -> list[KnownName]:
        return await self._db.read(_autocomplete, guild_id, kind, typed, limit)

    async def near_miss(self, guild_id: int, kind: NameKind, name: str) -> str | None:
        return await self._db.read(_near_miss, guild_id, kind, name)

    async def near_offer(self, guild_id: int, exchange: str | None, fandom: str) -> str | None:
        return await self._db.read(_near_offer, guild_id, exchange, fandom)
