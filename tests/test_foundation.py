"""The shell: migrations, start-up without a token, command sync, the tree, the error handler."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import discord
import pytest

from bot import EXTENSIONS, create_bot
from db import Store
from db.database import MIGRATIONS_DIR
from db.errors import DatabaseTooNew
from tests.driver import ALICE, Driver

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(__file__).with_name("command_tree.json")


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
    assert user_version(db_path) == 1


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


def test_without_a_token_it_exits_2_naming_env_example_and_creates_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATABASE_PATH")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(ROOT / "bot.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert ".env.example" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_create_bot_does_no_io(tmp_path: Path) -> None:
    bot = create_bot(tmp_path / "never.db")
    assert not (tmp_path / "never.db").exists()
    assert bot.intents.value == discord.Intents.default().value
    assert not bot.intents.members and not bot.intents.message_content and not bot.intents.presences


async def test_every_cog_loads_and_no_command_name_repeats(driver: Driver) -> None:
    assert set(driver.bot.extensions) == set(EXTENSIONS)
    names = [c.qualified_name for c in driver.bot.tree.walk_commands()]
    assert len(names) == len(set(names))
    top = [c.name for c in driver.bot.tree.get_commands()]
    assert len(top) == len(set(top))


async def test_command_tree_matches_the_snapshot(driver: Driver) -> None:
    """Regenerate on purpose only: PROMPTFILL_UPDATE_SNAPSHOT=1 make test."""
    schema = driver.bot.command_schema()
    if os.environ.get("PROMPTFILL_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
    assert schema == json.loads(SNAPSHOT.read_text())


async def test_commands_sync_once_then_only_when_the_schema_changes(db_path: Path, clock) -> None:
    first = await Driver.start(db_path, clock=clock)
    syncs = [c for c in first.fake.calls if c.method == "PUT" and c.route.endswith("/commands")]
    await first.close()
    second = await Driver.start(db_path, clock=clock)
    resyncs = [c for c in second.fake.calls if c.method == "PUT" and c.route.endswith("/commands")]
    await second.close()
    assert len(syncs) == 1
    assert syncs[0].route == "/applications/{application_id}/commands"
    assert resyncs == []


async def test_unexpected_error_gets_an_apology_with_a_reference_and_a_traceback_in_the_log(
    driver: Driver,
) -> None:
    @driver.bot.tree.command(name="boom", description="fails")
    async def boom(interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom")

    out = await driver.command("boom", user=ALICE)
    assert out.ephemeral
    assert "Sorry, something went wrong" in out.content and "reference" in out.content
    assert out.last["allowed_mentions"] == {"parse": []}
    logged = driver.forget_errors()
    assert len(logged) == 1 and "kaboom" in logged[0] and "Traceback" in logged[0]


async def test_close_releases_the_store(db_path: Path, clock) -> None:
    started = await Driver.start(db_path, clock=clock)
    await started.close()
    assert not started.bot._sweep_loop.is_running()
    with pytest.raises(RuntimeError, match="not open"):
        await started.bot.store.settings.get(1)


async def test_concurrent_writes_batch_but_a_failing_one_undoes_only_itself(db_path: Path) -> None:
    """Writes that queue up share one transaction; each runs in its own savepoint."""
    import asyncio

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
