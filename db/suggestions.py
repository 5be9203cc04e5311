""" "Did you mean": when a search finds nothing, the closest words this server's prompts use.

The words come from the full-text index's own vocabulary (`prompt_search_vocab`, migration 0005), read
for one server and one first letter at a time (a typo rarely changes the first letter, and this keeps the
read small however large the server), and ranked with rapidfuzz. The caller checks that a suggestion
finds something this member may see before offering it, so a word used only in prompts hidden from them
is never suggested.
"""

from __future__ import annotations

import sqlite3

from db import fuzzy
from db.database import Database
from db.folding import name_key
from db.search_words import server_key, tokens

WORD_SCORE = 80
WORD_MIN_LENGTH = 3
CANDIDATES = 3
QUERY_WORDS_MAX = 8


def _words_from(conn: sqlite3.Connection, key: str, start: str) -> list[str]:
    """Indexed words of the server with this key that start with `start`."""
    end = start[:-1] + chr(ord(start[-1]) + 1)
    rows = conn.execute(
        "SELECT term FROM prompt_search_vocab WHERE term >= ? AND term < ?", (key + start, key + end)
    ).fetchall()
    return [r[0][len(key) :] for r in rows]


def _indexed(conn: sqlite3.Connection, key: str, word: str) -> bool:
    """Whether some indexed word starts with this one (searches match prefixes)."""
    end = word[:-1] + chr(ord(word[-1]) + 1)
    return (
        conn.execute(
            # The instance kind stops at the first occurrence (migration 0011); the row kind counts them all.
            "SELECT 1 FROM prompt_search_terms WHERE term >= ? AND term < ? LIMIT 1",
            (key + word, key + end),
        ).fetchone()
        is not None
    )


def _suggest(conn: sqlite3.Connection, guild_id: int, query: str) -> list[str]:
    """Queries like this one with each word the server does not use replaced by a close one it does; best first."""
    key = server_key(guild_id)
    words = [w for w in (name_key(t) for t in tokens(query)[:QUERY_WORDS_MAX]) if w]
    options: list[list[str]] = []
    changed = False
    for word in words:
        if " " in word or _indexed(conn, key, word) or len(word) < WORD_MIN_LENGTH:
            options.append([word])
            continue
        close = fuzzy.closest(word, _words_from(conn, key, word[0]), score_cutoff=WORD_SCORE, limit=CANDIDATES)
        if not close:
            return []
        options.append(close)
        changed = True
    if not changed:
        return []
    # The best candidate for every word, then the next ones for the first word that had several.
    best = [choices[0] for choices in options]
    suggestions = [" ".join(best)]
    for position, choices in enumerate(options):
        if len(choices) > 1:
            suggestions += [" ".join([*best[:position], other, *best[position + 1 :]]) for other in choices[1:]]
            break
    return suggestions


class SuggestionRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def search(self, guild_id: int, query: str) -> list[str]:
        return await self._db.read(_suggest, guild_id, query)
