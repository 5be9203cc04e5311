"""/help: private, by role, every command a clickable mention read from the command tree, short for a phone."""

from __future__ import annotations

import re
import sqlite3

from discord import app_commands

from bot import COMMAND_IDS_KEY
from tests.conftest import snapshot, submit
from tests.driver import ALICE, MOD, MOD_ROLE, PROMPTS, ROLE_MOD, Driver

MENTION = re.compile(r"</([a-z0-9_ -]+):(\d+)>")


def sections(out) -> dict[str, list[str]]:
    return {f["name"]: MENTION.findall(f["value"]) for f in out.embeds[0]["fields"]}


def named(out) -> set[str]:
    return {name for found in sections(out).values() for name, _ in found}


def on_a_phone(out) -> str:
    """What a member reads: mentions show as /name, without their ids."""
    embed = out.embeds[0]
    text = "\n".join([embed["description"], *(f"{f['name']}\n{f['value']}" for f in embed["fields"])])
    return MENTION.sub(lambda m: "/" + m.group(1), text)


async def test_a_member_gets_their_commands_grouped_by_what_they_do(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    out = await driver.command("help", user=ALICE)
    assert out.ephemeral and out.last["allowed_mentions"] == {"parse": []}
    found = sections(out)
    titles = list(found)
    assert titles[0].startswith("📝 Prompts") and titles[1].startswith("✍️ Claims and fills")
    assert titles[2].startswith("🎁 Exchanges") and titles[3] == "More"
    assert {name for name, _ in found[titles[0]]} >= {"prompt submit", "prompt random", "prompt view"}
    assert {name for name, _ in found[titles[1]]} == {"claim", "unclaim", "claims", "fill", "unfill", "reveal"}
    assert {"exchange request", "exchange assignment", "exchange gift"} <= {n for n, _ in found[titles[2]]}
    assert {name for name, _ in found["More"]} >= {"profile", "stats", "help"}
    # The server's prompt meme in a line, naming where its prompts appear; exchanges in another.
    description = out.embeds[0]["description"]
    assert f"New prompts appear in <#{PROMPTS.id}>" in description and "**Exchanges**" in description
    # Nothing for moderators, not even the exchange commands only moderators may run.
    assert not {"queue show", "settings set", "setup", "mod release", "exchange create", "exchange send"} & named(out)
    assert not any("moderators" in title.lower() for title in titles)


async def test_every_mention_carries_the_id_discord_gave_its_command(driver: Driver) -> None:
    ids = {c["name"]: c["id"] for c in driver.fake.synced_commands}
    out = await driver.command("help", user=MOD)
    mentions = [m for found in sections(out).values() for m in found]
    assert mentions
    for name, command_id in mentions:
        assert command_id == ids[name.split()[0]], name


async def test_moderators_also_get_theirs_by_permission_or_by_role(driver: Driver) -> None:
    out = await driver.command("help", user=MOD)
    moderators = {n for title, found in sections(out).items() if "moderators" in title for n, _ in found}
    assert {"queue show", "queue approve", "settings view", "settings set", "setup", "mod release"} <= moderators
    assert {"export", "import", "mod exchange create", "mod exchange send"} <= moderators
    assert "prompt submit" not in moderators and "exchange request" not in moderators

    before = await driver.command("help", user=ROLE_MOD)
    assert "setup" not in named(before)
    await driver.command("settings set", user=MOD, moderator_role=MOD_ROLE)
    after = await driver.command("help", user=ROLE_MOD)
    assert "setup" in named(after) and "mod exchange create" in named(after)


async def test_every_command_of_the_tree_is_in_help_exactly_once(driver: Driver) -> None:
    tree = set()
    for command in driver.bot.tree.walk_commands():
        if isinstance(command, app_commands.Command):
            tree.add(command.qualified_name)
    out = await driver.command("help", user=MOD)
    listed = [name for found in sections(out).values() for name, _ in found]
    assert sorted(listed) == sorted(tree)


async def test_a_new_command_shows_up_without_touching_help(driver: Driver) -> None:
    """Built from the tree, /help cannot drift from the real commands."""

    @app_commands.command(name="wordcount", description="Count words")
    async def wordcount(interaction) -> None:  # pragma: no cover - never run
        return None

    driver.bot.tree.add_command(wordcount)
    out = await driver.command("help", user=ALICE)
    assert "`/wordcount`" in out.embeds[0]["fields"][3]["value"]  # not synced yet, so no id to link


async def test_short_enough_for_a_phone(driver: Driver) -> None:
    member = on_a_phone(await driver.command("help", user=ALICE))
    moderator = on_a_phone(await driver.command("help", user=MOD))
    assert len(member) < 1200, len(member)
    assert len(moderator) < 2200, len(moderator)


async def test_help_changes_nothing(driver: Driver, db_path) -> None:
    before = snapshot(db_path)
    await driver.command("help", user=ALICE)
    assert snapshot(db_path) == before


async def test_after_a_restart_mentions_keep_their_ids_without_a_new_sync(driver: Driver, db_path, clock) -> None:
    first = dict(driver.bot.command_ids)
    await driver.close()
    second = await Driver.start(db_path, clock=clock)
    try:
        assert not [c for c in second.fake.calls if c.route.endswith("/commands")]  # neither synced nor read
        assert second.bot.command_ids == first
    finally:
        await second.close()


async def test_a_database_from_before_ids_were_kept_reads_them_once(driver: Driver, db_path, clock) -> None:
    on_discord = driver.fake.synced_commands
    await driver.close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM bot_state WHERE key = ?", (COMMAND_IDS_KEY,))
    conn.close()
    second = await Driver.start(db_path, clock=clock, commands_on_discord=on_discord)
    try:
        assert [(c.method, c.route) for c in second.fake.calls if c.route.endswith("/commands")] == [
            ("GET", "/applications/{application_id}/commands")
        ]
        assert second.bot.command_ids == {c["name"]: int(c["id"]) for c in on_discord}
        out = await second.command("help", user=ALICE)
        assert f"</prompt submit:{second.bot.command_ids['prompt']}>" in out.embeds[0]["fields"][0]["value"]
    finally:
        await second.close()


async def test_a_mention_is_clickable_only_where_a_click_runs_the_command(driver: Driver) -> None:
    bot = driver.bot
    assert bot.mention("prompt submit") == f"</prompt submit:{bot.command_ids['prompt']}>"
    assert bot.mention("setup") == f"</setup:{bot.command_ids['setup']}>"
    # A group runs nothing when clicked, and a mention clicked in a direct message runs the command there, where
    # server commands do not work: both as typed.
    assert bot.mention("queue") == "`/queue`" and bot.mention("mod exchange") == "`/mod exchange`"
    assert bot.mention("fill", dm=True) == "`/fill`"


async def test_messages_in_the_server_name_commands_as_mentions_and_reminders_as_typed(driver: Driver, clock) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, claim_days=2)
    number = await submit(driver, "A prompt long enough to be one, about lighthouses.")
    claimed = await driver.command("claim", user=MOD, prompt=number)
    assert f"share it with </fill:{driver.bot.command_ids['fill']}>." in claimed.content
    clock.advance(days=1, hours=1)
    await driver.bot.sweep()
    reminder = driver.dms(MOD)[-1]["content"]
    assert "⏰" in reminder and "share it with `/fill` in that server" in reminder
