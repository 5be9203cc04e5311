"""db/database.py and db/store.py: migrations, the typed hand-off to aiosqlite's thread, group commit."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import aiosqlite
import pytest

from db import validation
from db.database import MIGRATIONS_DIR, run_on_worker_thread
from db.errors import DatabaseTooNew
from db.search_words import EXPANDED_WORDS_MAX, indexed_words, match_query, match_query_in, server_key
from db.store import Store

ROOT = Path(__file__).resolve().parents[1]


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


async def test_fresh_database_gets_the_whole_schema(db_path: Path) -> None:
    store = Store(db_path)
    await store.open()
    await store.close()
    assert user_version(db_path) == len(list(MIGRATIONS_DIR.glob("*.sql")))
    assert {
        "guild_settings",
        "prompts",
        "prompt_tags",
        "claims",
        "fills",
        "audit_log",
        "prompt_search",
    } <= tables(db_path)


async def test_reopening_applies_nothing_twice(db_path: Path) -> None:
    store = Store(db_path)
    await store.open()
    await store.settings.update(1, 2, {"claim_days": 3})
    await store.close()
    again = Store(db_path)
    await again.open()
    kept = await again.settings.get(1)
    await again.close()
    assert kept.claim_days == 3
    assert user_version(db_path) == len(list(MIGRATIONS_DIR.glob("*.sql")))


async def test_newer_database_is_refused_clearly(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    store = Store(db_path)
    with pytest.raises(DatabaseTooNew, match=r"schema version 99.*Upgrade Promptfill"):
        await store.open()
    assert user_version(db_path) == 99


async def test_failing_migration_leaves_no_partial_schema(tmp_path: Path, db_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    shutil.copy(MIGRATIONS_DIR / "0001_initial.sql", migrations)
    (migrations / "0002_broken.sql").write_text(
        "CREATE TABLE half_done (id INTEGER PRIMARY KEY);\nALTER TABLE prompts ADD COLUMN x INTEGER;\n"
        "CREATE TABLE broken (;\n"
    )
    store = Store(db_path, migrations_dir=migrations)
    with pytest.raises(sqlite3.OperationalError):
        await store.open()
    assert user_version(db_path) == 1
    assert "half_done" not in tables(db_path)
    conn = sqlite3.connect(db_path)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(prompts)")]
    conn.close()
    assert "x" not in columns


async def test_concurrent_writes_batch_but_a_failing_one_undoes_only_itself(db_path: Path) -> None:
    """Writes that queue up share one transaction; each runs in its own savepoint."""
    store = Store(db_path)
    await store.open()

    def write(conn, key: str, fail: bool) -> str:
        conn.execute("INSERT INTO bot_state (key, value) VALUES (?, 'x')", (key,))
        if fail:
            raise ValueError(key)
        return key

    def keys(conn) -> list[str]:
        return [r[0] for r in conn.execute("SELECT key FROM bot_state ORDER BY key")]

    try:
        results = await asyncio.gather(
            *(store.db.write(write, f"k{i:02d}", i % 2 == 1) for i in range(20)), return_exceptions=True
        )
        assert [r for r in results if isinstance(r, str)] == [f"k{i:02d}" for i in range(0, 20, 2)]
        assert all(isinstance(r, ValueError) for r in results[1::2])
        assert await store.db.read(keys) == [f"k{i:02d}" for i in range(0, 20, 2)]
    finally:
        await store.close()


def _insert_key(conn: sqlite3.Connection, key: str) -> str:
    conn.execute("INSERT INTO bot_state (key, value) VALUES (?, 'x')", (key,))
    return key


def _keys(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT key FROM bot_state ORDER BY key")]


class BusyThread:
    """Holds the store's worker thread busy, so that the requests sent meanwhile queue up behind it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.release = threading.Event()
        self.task: asyncio.Task[None] | None = None

    def _wait(self, conn: sqlite3.Connection) -> None:
        assert self.release.wait(10), "the test never released the worker thread"

    async def __aenter__(self) -> BusyThread:
        self.task = asyncio.create_task(self.store.db.read(self._wait))
        await asyncio.sleep(0.05)  # the blocking read is on the thread now
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.release.set()
        assert self.task is not None
        await self.task


@pytest.fixture
async def store(db_path: Path):
    opened = Store(db_path)
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()


async def test_requests_that_queue_up_share_hand_offs(store: Store) -> None:
    """Group commit is on: fifty writes sent while the thread is busy take a couple of hand-offs, not fifty."""
    async with BusyThread(store):
        before = store.db.batches
        writes = [asyncio.create_task(store.db.write(_insert_key, f"k{i:02d}")) for i in range(50)]
        await asyncio.sleep(0.01)
    assert await asyncio.gather(*writes) == [f"k{i:02d}" for i in range(50)]
    assert store.db.batches - before <= 5, f"{store.db.batches - before} hand-offs for 50 queued writes"
    assert await store.db.read(_keys) == [f"k{i:02d}" for i in range(50)]


async def test_a_request_cancelled_while_it_waits_in_the_queue_never_commits(store: Store) -> None:
    async with BusyThread(store):
        before = asyncio.create_task(store.db.write(_insert_key, "before"))
        cancelled = asyncio.create_task(store.db.write(_insert_key, "cancelled"))
        after = asyncio.create_task(store.db.write(_insert_key, "after"))
        await asyncio.sleep(0.01)
        cancelled.cancel()
    assert await before == "before" and await after == "after"
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert await store.db.read(_keys) == ["after", "before"]


def _trap_rollback(conn: sqlite3.Connection) -> None:
    # RAISE(ROLLBACK) makes SQLite abort the whole transaction, as a full disk or an I/O error can.
    conn.execute("CREATE TEMP TABLE doomed (x)")
    conn.execute("CREATE TEMP TRIGGER doom AFTER INSERT ON doomed BEGIN SELECT RAISE(ROLLBACK, 'disk gone'); END")


def _hit_the_trap(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO doomed VALUES (1)")


async def test_when_sqlite_aborts_the_transaction_every_request_in_the_batch_gets_the_real_error(store: Store) -> None:
    await store.db.write(_trap_rollback)
    async with BusyThread(store):
        first = asyncio.create_task(store.db.write(_insert_key, "first"))
        doomed = asyncio.create_task(store.db.write(_hit_the_trap))
        last = asyncio.create_task(store.db.write(_insert_key, "last"))
        await asyncio.sleep(0.01)
    results = await asyncio.gather(first, doomed, last, return_exceptions=True)
    for result in results:
        assert isinstance(result, sqlite3.IntegrityError) and "disk gone" in str(result), results
    assert await store.db.read(_keys) == []
    # Alone in its hand-off too, and the store goes on working afterwards.
    with pytest.raises(sqlite3.IntegrityError, match="disk gone"):
        await store.db.write(_hit_the_trap)
    assert await store.db.write(_insert_key, "later") == "later"


async def test_the_one_reach_into_aiosqlite_still_runs_a_function_on_its_worker_thread(db_path: Path) -> None:
    """If an aiosqlite upgrade renames `_execute` or `_conn`, or stops running work on its own thread, this fails."""
    assert callable(getattr(aiosqlite.Connection, "_execute", None)), "aiosqlite.Connection._execute is gone"
    assert isinstance(getattr(aiosqlite.Connection, "_conn", None), property), "aiosqlite.Connection._conn is gone"
    connection = await aiosqlite.connect(db_path)
    try:
        seen = await run_on_worker_thread(connection, lambda conn: (threading.get_ident(), conn))
        await connection.execute("CREATE TABLE t (x)")
        count = await run_on_worker_thread(connection, lambda conn: conn.execute("SELECT COUNT(*) FROM t").fetchone())
    finally:
        await connection.close()
    thread, conn = seen
    assert thread != threading.get_ident()
    assert isinstance(conn, sqlite3.Connection)
    assert count == (0,)  # in order with aiosqlite's own queue: the table made before it exists


CALLS = """
from db.claims import ClaimRepo, _take
from db.database import Database
from db.models import Viewer

V = Viewer(3)


async def calls(db: Database, repo: ClaimRepo) -> None:
    await db.write(_take, {take})
    await db.read(_take, {read})
    await repo.take({repo})
"""


def test_a_wrong_repository_call_fails_the_type_checker(tmp_path: Path) -> None:
    pyright = shutil.which("pyright", path=str(ROOT / ".venv" / "bin")) or shutil.which("pyright")
    if pyright is None:
        pytest.skip("pyright is not installed (make test installs it)")
    right = tmp_path / "right_calls.py"
    right.write_text(CALLS.format(take="1, 2, V, 4", read="1, 2, V, 4", repo="1, 2, V"))
    wrong = tmp_path / "wrong_calls.py"
    # A number given as text, an argument short for the function, an argument short for the repository.
    wrong.write_text(CALLS.format(take='1, "two", V, 4', read="1, 2, V", repo="1, 2"))
    checked = subprocess.run([pyright, str(right), str(wrong)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    report = checked.stdout
    assert "right_calls.py:" not in report, report
    assert 'Literal[\'two\']" cannot be assigned to parameter "number"' in report, report
    assert 'Argument missing for parameter "now"' in report, report
    assert 'Argument missing for parameter "member"' in report, report
    assert "3 errors" in report, report


async def test_a_tag_filter_reads_only_this_servers_postings_for_that_tag(db_path: Path) -> None:
    store = Store(db_path)
    await store.open()
    await store.close()
    conn = sqlite3.connect(db_path)
    plan = " ".join(
        str(row[3])
        for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT p.id FROM prompt_tags t CROSS JOIN prompts p ON p.id = t.prompt_id"
            " AND t.guild_id = ? AND t.tag_key = ? WHERE p.guild_id = ? LIMIT 1",
            (1, "fluff", 1),
        )
    )
    conn.close()
    assert "prompt_tags_guild_key (guild_id=? AND tag_key=?)" in plan, plan


async def test_the_search_index_keys_each_word_by_server(db_path: Path) -> None:
    store = Store(db_path)
    await store.open()
    try:
        for guild in (1, 2):
            draft = validation.draft(text=f"A café by the lighthouse, server {guild}", tags_="Slow burn")
            await store.prompts.submit(guild, 10, draft)
    finally:
        await store.close()
    assert indexed_words(1, "Café, lighthouse!") == f"{server_key(1)}Café {server_key(1)}lighthouse"
    assert server_key(1) != server_key(2) and len(server_key(1)) == 6
    conn = sqlite3.connect(db_path)
    try:
        for guild in (1, 2):
            query = match_query(guild, "cafe LIGHT")  # case and accents fold; each word is a prefix
            found = conn.execute("SELECT rowid FROM prompt_search WHERE prompt_search MATCH ?", (query,)).fetchall()
            owner = conn.execute("SELECT guild_id FROM prompts WHERE id = ?", found[0]).fetchone()[0]
            assert len(found) == 1 and owner == guild  # the other server's entries are never read
    finally:
        conn.close()
    assert match_query(1, "  !!  ") is None


async def test_whole_words_become_the_exact_indexed_words_they_begin_with_the_same_matches(db_path: Path) -> None:
    """issue 25: a typed word longer than the prefix indexes is turned into an OR of the indexed words it
    begins (lazy in SQLite 3.40's FTS5, where a long prefix query merges every match first); the matches are
    exactly the prefix query's, whatever the case, accents, script, or the number of words a prefix begins."""
    texts = [
        "A Lighthouse keeper and a lighthouses fan meet at the café",
        "The LIGHTHOUSE at night, lights everywhere, a Cafè du Monde",
        "Ruins of a cafeteria where the lightning struck twice",
        "Σελήνη over the harbour, moonlight on the water",
        "Straße und Brücke, a naïve dragon in Zürich",
        *(
            f"Prompt number {i} about the lightkeeper{chr(97 + i)} and more words"
            for i in range(EXPANDED_WORDS_MAX + 2)
        ),
    ]
    store = Store(db_path)
    await store.open()
    try:
        for guild in (1, 2):
            for text in texts:
                await store.prompts.submit(guild, 10, validation.draft(text=text))
    finally:
        await store.close()
    conn = sqlite3.connect(db_path)
    try:
        typed_cases = [
            "lighthouse",
            "LightHouse",
            "lighthouses",
            "light",
            "ligh",
            "lig",
            "café",
            "CAFE",
            "cafet",
            "Cafè du",
            "lightkeeper",
            "lightk",
            "σελήνη",
            "straße",
            "brücke",
            "naive",
            "zürich",
            "zurich",
            "nowhere",
            "light café",
        ]
        for guild in (1, 2):
            for typed in typed_cases:
                plain, expanded = match_query(guild, typed), match_query_in(conn, guild, typed)
                assert plain is not None and expanded is not None
                query = "SELECT rowid FROM prompt_search WHERE prompt_search MATCH ? ORDER BY rowid"
                want = conn.execute(query, (plain,)).fetchall()
                assert conn.execute(query, (expanded,)).fetchall() == want, (typed, plain, expanded)
        key = server_key(1)
        assert match_query_in(conn, 1, "LightHouse") == f'("{key}lighthouse" OR "{key}lighthouses")'
        assert match_query_in(conn, 1, "lig") == f'"{key}lig"*'  # served by the prefix index as it is
        assert match_query_in(conn, 1, "lightk") == f'"{key}lightk"*'  # begins too many words: left a prefix
        assert match_query_in(conn, 1, "σελήνη") == f'"{key}σελήνη"*'  # folded by the tokenizer alone
        assert match_query_in(conn, 1, "  !!  ") is None
    finally:
        conn.close()
