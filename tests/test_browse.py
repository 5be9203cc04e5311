"""db/browse.py: reads that take a shortcut must answer exactly as the plain query does."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

import db.browse
from db import validation
from db.browse import _autocomplete
from db.database import _configure, migrate
from db.models import PromptStatus, Viewer
from db.prompts import insert

GUILD_ID = 42
OTHER_GUILD_ID = 43
STEMS = ["light", "lighthouse", "lighthouses", "library", "libretto", "dragon", "dragonfly", "ghost", "ghostly"]
STATUSES: list[PromptStatus] = ["open", "open", "pending", "filled", "closed"]
ODD = ["Café", "CAFE", "Straße", "İstanbul", "naïve", "LIGHTHOUSE", "x2000", "Über"]


def corpus(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    _configure(conn)
    migrate(conn)
    rng = random.Random(25)
    conn.execute("BEGIN IMMEDIATE")
    for i in range(900):
        words = [rng.choice(STEMS) for _ in range(6)]
        if i % 7 == 0 and i % 5:  # other scripts in the first server only: the second is all ASCII
            words.append(rng.choice(ODD))
        draft = validation.draft(
            text=f"Idea {i}: " + " ".join(words),
            tags_=", ".join(rng.sample(STEMS, 2)),
            rating_=rng.choice(["G", "T", "E"]),
        )
        status = rng.choice(STATUSES)
        insert(conn, GUILD_ID if i % 5 else OTHER_GUILD_ID, 1000 + i % 9, draft, status, 1_790_000_000)
    conn.execute("COMMIT")
    return conn


VIEWERS = [
    Viewer(member_id=1003, is_moderator=False, age_restricted_channel=False),
    Viewer(member_id=1004, is_moderator=True, age_restricted_channel=True),
]
TYPED = [
    "lighthouse",
    "LightHouse",
    "lighth",
    "lig",
    "libr dragonf",
    "dragonfly ghostly",
    "ghost lighthouses library",
    "cafe",
    "café",
    "strasse",
    "x2000",
    "nothingatall",
    "light, house!",
]


@pytest.mark.parametrize("typed", TYPED)
def test_autocomplete_by_words_through_short_prefixes_answers_as_the_full_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    conn = corpus(tmp_path / "browse.db")
    try:
        for viewer in VIEWERS:
            for limit in (25, 3):
                for guild_id in (GUILD_ID, OTHER_GUILD_ID):
                    quick = _autocomplete(conn, guild_id, viewer, typed, limit)
                    with monkeypatch.context() as plain:
                        plain.setattr(db.browse, "_by_words_through_short_prefixes", lambda *args: None)
                        expected = _autocomplete(conn, guild_id, viewer, typed, limit)
                    assert quick == expected
    finally:
        conn.close()


def test_the_shortcut_answers_for_ascii_words(tmp_path: Path) -> None:
    conn = corpus(tmp_path / "browse.db")
    try:
        viewer = VIEWERS[0]
        params: list[object] = [OTHER_GUILD_ID]
        where = "p.guild_id = ?" + db.browse.visibility_clause(viewer, params)
        quick = db.browse._by_words_through_short_prefixes(conn, OTHER_GUILD_ID, "lighthouse gho", where, params, 25)
        assert quick is not None and len(quick) == 25
    finally:
        conn.close()


def test_too_many_candidates_falls_back_to_the_full_query(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = corpus(tmp_path / "browse.db")
    try:
        viewer = VIEWERS[0]
        calls: list[object] = []
        original = db.browse._by_words_through_short_prefixes

        def counted(*args):
            result = original(*args)
            calls.append(result)
            return result

        monkeypatch.setattr(db.browse, "_by_words_through_short_prefixes", counted)
        monkeypatch.setattr(db.browse, "SCAN_LIMIT", 2)
        choices = _autocomplete(conn, GUILD_ID, viewer, "ghostly", 25)
        assert calls == [None] and len(choices) == 25  # the shortcut gave up; the full query answered
    finally:
        conn.close()
