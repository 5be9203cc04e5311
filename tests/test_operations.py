"""Running it for years: backup while running, restore, upgrades from every released schema, one bot per
database, a clean stop on SIGTERM, the start-up line, and the deployment files."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import discord
import pytest

from ao3.client import AO3Config
from bot import INVITE_PERMISSIONS, __version__, create_bot, invite_url
from db.backup import check, restore
from db.database import MIGRATIONS_DIR, discover_migrations
from db.errors import DatabaseInUse, UnusableBackup
from db.lock import lock_path
from tests.conftest import submit
from tests.driver import ALICE, APPLICATION_ID, BOB, CAROL, GUILD, Driver, User

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).with_name("fixtures")
CONFIRMED = re.compile(r"Your prompt is \*\*#(\d+)\*\*")
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
CURRENT_SCHEMA = len(discover_migrations(MIGRATIONS_DIR))


def bot_py(*arguments: str, cwd: Path, database: Path, token: str = "") -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "DATABASE_PATH": str(database), "DISCORD_TOKEN": token}
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def bot_py_async(*arguments: str, cwd: Path, database: Path) -> tuple[int, str, str]:
    env = {"PATH": os.environ["PATH"], "DATABASE_PATH": str(database), "DISCORD_TOKEN": ""}
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        *arguments,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode is not None
    return child.returncode, out.decode(), err.decode()


def prompt_numbers(path: Path, guild_id: int = GUILD.id) -> set[int]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT number FROM prompts WHERE guild_id = ?", (guild_id,))}
    finally:
        conn.close()


def confirmed_number(content: str) -> int | None:
    match = CONFIRMED.search(content)
    return int(match.group(1)) if match else None


# -- version and start-up --------------------------------------------------------------------------------


def test_the_version_is_the_one_in_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["version"] == __version__


async def test_start_up_logs_one_line_with_version_schema_servers_and_invite(db_path, clock, caplog) -> None:
    caplog.set_level(logging.INFO, logger="promptfill")
    driver = await Driver.start(db_path, clock=clock)
    try:
        await submit(driver, "A prompt so that the database knows this server")
    finally:
        await driver.close()
    lines = [r.getMessage() for r in caplog.records if "ready:" in r.getMessage()]
    assert len(lines) == 1, lines
    line = lines[0]
    assert f"Promptfill {__version__} ready: schema version {CURRENT_SCHEMA}, 2 servers connected" in line
    assert ", 2 shards; invite: " in line  # the driver runs two shards: a real plural, never "shard(s)"
    assert f"client_id={APPLICATION_ID}" in line and "scope=bot+applications.commands" in line
    assert f"permissions={INVITE_PERMISSIONS.value}" in line and invite_url(APPLICATION_ID) in line
    # Exactly the README's list: View Channels, Send Messages, Embed Links, Read Message History.
    listed = discord.Permissions(view_channel=True, send_messages=True, embed_links=True, read_message_history=True)
    assert listed == INVITE_PERMISSIONS
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("View Channels", "Send Messages", "Embed Links", "Read Message History"):
        assert f"**{name}**" in readme


# -- one bot per database --------------------------------------------------------------------------------


async def test_a_second_bot_on_the_same_file_refuses_to_start_naming_it(driver: Driver, db_path, clock) -> None:
    async with create_bot(db_path, clock=clock, ao3=AO3Config(enabled=False)) as second:
        with pytest.raises(DatabaseInUse, match=re.escape(str(db_path))):
            await second.setup_hook()  # what login() runs: the second bot stops before it loads anything
    # `python bot.py` says so in one sentence before it connects anywhere (it has a token, so it would).
    result = bot_py(cwd=db_path.parent, database=db_path, token="a-token-that-is-never-used")
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        f"Another Promptfill is already running on {db_path} (it holds {db_path}.lock): "
        "stop it first, or set DATABASE_PATH to a different file."
    ]
    # The first bot is unharmed.
    assert confirmed_number((await driver.command("prompt submit", text="Still here, still writing")).content)


async def test_the_lock_goes_with_the_process_even_when_it_is_killed(db_path, clock, tmp_path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import asyncio, sys; from db.store import Store\n"
            "async def hold():\n"
            "    store = Store(sys.argv[1]); await store.open(); print('open', flush=True); await asyncio.sleep(60)\n"
            "asyncio.run(hold())",
            str(db_path),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseInUse):
            await Driver.start(db_path, clock=clock)
    finally:
        holder.kill()  # SIGKILL: no clean-up of its own
        holder.wait(10)
    assert lock_path(db_path).exists()  # the file stays; the lock on it went with the process
    driver = await Driver.start(db_path, clock=clock)
    await driver.close()


# -- backup ----------------------------------------------------------------------------------------------


async def test_backup_in_the_middle_of_a_write_burst_holds_every_acknowledged_write(
    driver: Driver, db_path: Path, tmp_path: Path
) -> None:
    acknowledged: list[int] = []
    backing_up = asyncio.Event()
    finished = asyncio.Event()

    async def keep_submitting(user: User) -> None:
        i = 0
        while not finished.is_set():
            i += 1
            out = await driver.command("prompt submit", user=user, text=f"{user.name}'s idea {i}: a comet")
            number = confirmed_number(out.content)
            assert number is not None, out.content
            acknowledged.append(number)
            if len(acknowledged) >= 60:
                backing_up.set()

    writers = [asyncio.create_task(keep_submitting(user)) for user in (ALICE, BOB, CAROL)]
    await backing_up.wait()
    before = set(acknowledged)
    target = tmp_path / "copies" / "mid-burst.db"
    code, out, err = await bot_py_async("backup", str(target), cwd=tmp_path, database=db_path)
    after = set(acknowledged)
    finished.set()
    await asyncio.gather(*writers)
    assert code == 0, err
    assert f"Backed up {db_path} to {target}" in out
    copied = prompt_numbers(target)
    assert before <= copied, sorted(before - copied)
    assert len(after) > len(before)  # writes went on while the copy was made
    assert copied <= set(acknowledged)
    checked = check(target)  # integrity_check passed
    assert checked.schema_version == CURRENT_SCHEMA and checked.prompts == len(copied)


def test_backup_without_a_path_goes_to_backups_with_a_timestamp_and_never_overwrites(tmp_path: Path) -> None:
    database = tmp_path / "promptfill.db"
    load_fixture(FIXTURES / "schema-1.sql", database)
    first = bot_py("backup", cwd=tmp_path, database=database)
    assert first.returncode == 0, first.stderr
    made = list((tmp_path / "backups").iterdir())
    assert len(made) == 1 and re.fullmatch(r"promptfill-\d{8}T\d{6}Z\.db", made[0].name)
    again = bot_py("backup", str(made[0]), cwd=tmp_path, database=database)
    assert again.returncode == 1 and "already exists" in again.stderr
    missing = bot_py("backup", "x.db", cwd=tmp_path, database=tmp_path / "nowhere.db")
    assert missing.returncode == 1 and "There is no database at" in missing.stderr
    assert not (tmp_path / "x.db").exists()
    wrong = bot_py("backup", "a.db", "b.db", cwd=tmp_path, database=database)
    assert wrong.returncode == 2 and "usage: python bot.py" in wrong.stderr


# -- restore ---------------------------------------------------------------------------------------------


async def test_restore_puts_the_backup_in_place_keeps_the_old_file_and_the_bot_starts_on_it(
    db_path: Path, clock, tmp_path: Path
) -> None:
    driver = await Driver.start(db_path, clock=clock)
    try:
        for i in range(3):
            await submit(driver, f"Kept in the backup {i}: a lantern")
        code, _, err = await bot_py_async("backup", "before.db", cwd=tmp_path, database=db_path)
        assert code == 0, err
        await submit(driver, "Written after the backup: only in the old file")
        # While the bot runs, a restore is refused and nothing moves.
        refused = bot_py("restore", "before.db", cwd=tmp_path, database=db_path)
        assert refused.returncode == 1
        assert f"A Promptfill bot is running on {db_path}: stop it first" in refused.stderr
        assert not list(tmp_path.glob("*.before-restore*"))
    finally:
        await driver.close()
    done = bot_py("restore", "before.db", cwd=tmp_path, database=db_path)
    assert done.returncode == 0, done.stderr
    aside = tmp_path / "promptfill.db.before-restore"
    assert f"the previous file is kept as {aside}" in done.stdout
    assert prompt_numbers(aside) == {1, 2, 3, 4}
    assert prompt_numbers(db_path) == {1, 2, 3}
    driver = await Driver.start(db_path, clock=clock)
    try:
        view = await driver.command("prompt view", prompt=3)
        assert "Kept in the backup 2" in view.text
        assert confirmed_number((await driver.command("prompt submit", text="After the restore: a comet")).content) == 4
    finally:
        await driver.close()
    assert not driver.unexpected_errors()
    # A second restore keeps the first aside file and adds a timestamped one.
    again = bot_py("restore", "before.db", cwd=tmp_path, database=db_path)
    assert again.returncode == 0, again.stderr
    assert len(list(tmp_path.glob("promptfill.db.before-restore-*"))) == 1
    assert prompt_numbers(aside) == {1, 2, 3, 4}


def test_restore_refuses_what_it_cannot_use_and_changes_nothing(tmp_path: Path) -> None:
    database = tmp_path / "promptfill.db"
    load_fixture(FIXTURES / "schema-1.sql", database)
    original = database.read_bytes()
    newer = tmp_path / "newer.db"
    shutil.copy(database, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    damaged = tmp_path / "damaged.db"
    with sqlite3.connect(database) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'prompts'").fetchone()[0]
    data = bytearray(database.read_bytes())
    cells = (root - 1) * page_size + 8  # the prompts table's cell pointers, now pointing past the page
    data[cells : cells + 16] = b"\x7f" * 16
    damaged.write_bytes(bytes(data))
    foreign = tmp_path / "other-app.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database at all, just some words " * 200)
    cases = {
        "missing.db": "does not exist",
        str(newer): "newer than this Promptfill",
        str(damaged): "damaged",
        str(foreign): "not a Promptfill database",
        str(text_file): "not a readable SQLite database",
        str(database): "is the database itself",
    }
    for source, sentence in cases.items():
        result = bot_py("restore", source, cwd=tmp_path, database=database)
        assert result.returncode == 1, (source, result.stdout)
        assert sentence in result.stderr, (source, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
        assert database.read_bytes() == original
        assert not list(tmp_path.glob("*.before-restore*"))


def test_restore_of_a_crashed_database_keeps_its_wal_contents_aside(tmp_path: Path) -> None:
    # A bot that died leaves a WAL beside the file; the file kept aside must hold those writes too.
    database = tmp_path / "promptfill.db"
    load_fixture(FIXTURES / "schema-1.sql", database)
    backup_copy = tmp_path / "copy.db"
    shutil.copy(database, backup_copy)
    writer = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sqlite3, sys\n"
            "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "conn.execute('PRAGMA journal_mode = WAL')\n"
            "conn.execute(\"UPDATE prompts SET title = 'only in the WAL' WHERE number = 3\")\n"
            "os._exit(0)",
            str(database),
        ],
        timeout=30,
        check=True,
    )
    assert writer.returncode == 0 and Path(f"{database}-wal").exists()
    restored = restore(backup_copy, database, NOW)
    assert restored.kept_aside is not None
    with sqlite3.connect(restored.kept_aside) as conn:
        title = conn.execute("SELECT title FROM prompts WHERE number = 3").fetchone()[0]
    assert title == "only in the WAL"
    assert not Path(f"{database}-wal").exists() or Path(f"{database}-wal").stat().st_size == 0
    with pytest.raises(UnusableBackup, match="does not exist"):
        restore(tmp_path / "gone.db", database, NOW)


# -- upgrades --------------------------------------------------------------------------------------------


def load_fixture(sql: Path, database: Path) -> None:
    conn = sqlite3.connect(database)
    try:
        conn.executescript(sql.read_text(encoding="utf-8"))
    finally:
        conn.close()


def every_row(database: Path) -> dict[str, list[dict[str, object]]]:
    """Every row of every table (the search index aside: it is built from the others), by column name."""
    conn = sqlite3.connect(database)
    conn.row_factory = sqlite3.Row
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'prompt_search%'"  # the search index is derived, and rebuilt by migrations
            )
        ]
        return {table: [dict(row) for row in conn.execute(f"SELECT * FROM {table}")] for table in tables}
    finally:
        conn.close()


# The bot's own state is rewritten by the bot (the command-sync hash changes when commands do): its keys
# must survive, not its values.
COMPARED_ONLY = {"bot_state": ["key"]}


def survived(table: str, before: list[dict[str, object]], after: list[dict[str, object]]) -> bool:
    """Every old row is still there, compared on the columns the old schema had (new ones may be added)."""
    if not before:
        return True
    columns = COMPARED_ONLY.get(table) or sorted(before[0])
    if not set(columns) <= set(after[0] if after else ()):
        return False
    now = {tuple(row[c] for c in columns) for row in after}
    return all(tuple(row[c] for c in columns) in now for row in before)


def released_fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("schema-*.sql"), key=lambda p: int(p.stem.split("-")[1]))


def test_there_is_a_fixture_for_every_released_schema_but_the_newest_may_be_unreleased() -> None:
    versions = [int(p.stem.split("-")[1]) for p in released_fixtures()]
    known = len(list((ROOT / "db" / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql")))
    # Each new migration comes with the fixture of the version before it (README, Contributing).
    assert versions == list(range(1, max(versions) + 1))
    assert known - 1 <= max(versions) <= known


@pytest.mark.parametrize("fixture", released_fixtures(), ids=lambda p: p.stem)
async def test_every_released_schema_migrates_with_every_row_intact(fixture: Path, tmp_path: Path, clock) -> None:
    database = tmp_path / "promptfill.db"
    load_fixture(fixture, database)
    before = every_row(database)
    assert all(before[t] for t in ("guild_settings", "prompts", "prompt_tags", "claims", "fills", "audit_log"))
    statuses = {row["status"] for row in before["prompts"]}
    assert statuses == {"pending", "open", "filled", "closed", "rejected"}
    driver = await Driver.start(database, clock=clock)  # migrates to the current schema
    try:
        after = every_row(database)
        for table, rows in before.items():
            assert table in after, f"table {table} disappeared"
            assert survived(table, rows, after[table]), f"rows of {table} were lost or changed"
        with sqlite3.connect(database) as conn:  # columns a migration adds are filled in for the old rows
            strays = conn.execute(
                "SELECT COUNT(*) FROM prompt_tags t JOIN prompts p ON p.id = t.prompt_id WHERE t.guild_id != p.guild_id"
            ).fetchone()[0]
        assert strays == 0
        found = await driver.command("prompt search", query="bakery")
        assert "Crowley runs a bakery" in found.text  # the search index came along
        view = await driver.command("prompt view", prompt=2)
        assert "Scones at Dawn" in view.text
        claims = await driver.command("claims", user=CAROL)
        assert "#1" in claims.text
    finally:
        await driver.close()
    assert not driver.unexpected_errors()


# -- stopping --------------------------------------------------------------------------------------------


@pytest.fixture
async def stopping_child(tmp_path: Path) -> AsyncIterator[tuple[asyncio.subprocess.Process, Path]]:
    database = tmp_path / "promptfill.db"
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.sigterm_child",
        str(database),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield child, database
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()


async def test_sigterm_in_a_write_burst_keeps_every_acknowledged_write_and_checkpoints(stopping_child) -> None:
    child, database = stopping_child
    assert child.stdout is not None
    acknowledged: set[int] = set()
    line = await asyncio.wait_for(child.stdout.readline(), 30)
    assert line.strip() == b"ready"
    while len(acknowledged) < 150:
        line = await asyncio.wait_for(child.stdout.readline(), 30)
        acknowledged.add(int(line.split()[1]))
    child.send_signal(signal.SIGTERM)
    rest, errors = await asyncio.wait_for(child.communicate(), 60)
    acknowledged |= {int(line.split()[1]) for line in rest.splitlines() if line.startswith(b"ack ")}
    assert child.returncode == 0, errors.decode()[-2000:]
    assert acknowledged <= prompt_numbers(database)
    wal = Path(f"{database}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed: the file alone is the database


# -- deployment files ------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_the_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify checks that ExecStart's program exists: lay out /opt/promptfill as the README installs it.
    home = tmp_path / "promptfill"
    (home / ".venv" / "bin").mkdir(parents=True)
    (home / ".venv" / "bin" / "python").symlink_to(sys.executable)
    shutil.copy(ROOT / "bot.py", home / "bot.py")
    unit = (ROOT / "deploy" / "promptfill.service").read_text(encoding="utf-8")
    assert "/opt/promptfill/.venv/bin/python /opt/promptfill/bot.py" in unit
    placed = tmp_path / "promptfill.service"
    placed.write_text(unit.replace("/opt/promptfill", str(home)), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(placed)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    settings = dict(line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#"))
    assert settings["User"] == "promptfill" and settings["Restart"] == "on-failure"
    assert settings["EnvironmentFile"].startswith("/etc/promptfill/")
    assert settings["NoNewPrivileges"] == "yes" and settings["ProtectSystem"] == "strict"


def test_the_dockerfile_installs_as_the_makefile_does_and_runs_unprivileged() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.\d+-slim$", dockerfile, re.MULTILINE)
    assert "RUN make .venv/.runtime" in dockerfile and "$(VENV)/.runtime: requirements.txt" in makefile
    assert "USER promptfill" in dockerfile and 'VOLUME ["/data"]' in dockerfile
    assert "DATABASE_PATH=/data/promptfill.db" in dockerfile
    assert 'CMD [".venv/bin/python", "bot.py"]' in dockerfile and "$(BIN)/python bot.py" in makefile
    assert "DISCORD_TOKEN" not in dockerfile.split("FROM", 1)[1].replace("-e DISCORD_TOKEN", "")
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", "*.db", ".venv", "backups"} <= set(ignored)
