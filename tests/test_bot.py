"""bot.py: start-up without a token, create_bot, the cogs and the command tree, command sync, the error handler,
closing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import discord
import pytest

from bot import EXTENSIONS, Config, create_bot
from tests.driver import ALICE, GUILD, OTHER_GUILD, Driver

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(__file__).with_name("command_tree.json")


def test_without_a_token_it_exits_2_naming_env_example_and_creates_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATABASE_PATH")}
    result = subprocess.run(
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
    # Only the guilds intent: none privileged, and none of the events the bot never listens to.
    assert bot.intents == discord.Intents(guilds=True)
    assert not bot.intents.emojis_and_stickers and not bot.intents.guild_messages and not bot.intents.typing
    assert bot.shard_count is None  # Discord's recommendation, asked for at login


def test_shard_count_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHARD_COUNT", "4")
    assert Config.from_environment().shard_count == 4
    monkeypatch.setenv("SHARD_COUNT", "")
    assert Config.from_environment().shard_count is None
    for wrong in ("0", "two", "-1"):
        monkeypatch.setenv("SHARD_COUNT", wrong)
        with pytest.raises(ValueError, match="SHARD_COUNT must be a whole number"):
            Config.from_environment()


async def test_servers_are_spread_over_two_shards_and_each_answers(driver: Driver) -> None:
    bot = driver.bot
    assert bot.shard_count == 2
    assert {g.shard_id for g in bot.guilds} == {0, 1}
    for guild in (GUILD, OTHER_GUILD):
        assert bot.get_guild(guild.id).shard_id == (guild.id >> 22) % 2  # type: ignore[union-attr]
        channel = guild.channels[0]
        out = await driver.command("prompt submit", guild=guild, channel=channel, text=f"A prompt in {guild.name}")
        assert "#1" in out.text


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


def test_ao3_settings_come_from_the_environment_for_create_bot_too(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AO3_BASE_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("AO3_LOOKUP", "on")
    bot = create_bot(tmp_path / "never.db")
    assert bot.ao3_config.base_url == "http://127.0.0.1:9/" and bot.ao3_config.enabled
    monkeypatch.setenv("AO3_LOOKUP", "off")
    assert not create_bot(tmp_path / "never.db").ao3_config.enabled
    monkeypatch.chdir(tmp_path)
    assert Config.from_environment().ao3 == create_bot(tmp_path / "never.db").ao3_config
