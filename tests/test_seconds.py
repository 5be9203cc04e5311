"""Seconding (issue 24): /prompt second and the Second button on a prompt's post toggle a member's second; the
post and /prompt view show how many (who, only to moderators, privately); /prompt list sorts by it; seconders
hear of a fill; the database holds each member to one second per prompt, whatever arrives at once."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from db.browse import LIST_SORTS, visibility_clause
from db.models import Viewer
from db.store import Store
from tests.conftest import snapshot, submit
from tests.driver import ALICE, BOB, CAROL, GUILD, MOD, NSFW, PROMPTS, Driver
from tests.driver.outcome import walk_components
from tests.driver.world import User
from tests.posted import edits, fields, post_id

TEXT = "A lighthouse keeper and a selkie trade one secret a night."
WORK = "https://archiveofourown.org/works/4242"
NOT_FOUND = "There is no prompt #1 in this server. Check the number with `/prompt list` or `/prompt search`."


def button_ids(body: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for c in walk_components(body.get("components") or []) if c.get("custom_id")]


def rows_of(db_path: Path) -> list[tuple[int, int]]:
    conn = sqlite3.connect(db_path)
    try:
        return sorted(conn.execute("SELECT prompt_id, member_id FROM prompt_seconds").fetchall())
    finally:
        conn.close()


async def test_the_second_button_toggles_and_the_post_shows_the_count_never_who(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB, title="Selkie")
    message_id = post_id(driver)
    assert button_ids(driver.posts(PROMPTS)[0]) == ["promptfill:claim:1", "promptfill:second:1"]
    assert "Seconded by" not in fields(driver.posts(PROMPTS)[0])

    out = await driver.click(message_id, "promptfill:second:1", user=CAROL)
    assert out.ephemeral
    assert out.content.startswith(
        "🙌 You seconded prompt #1 *Selkie*: 1 member wants it filled. When it is filled, your daily digest (a "
        "direct message) tells you. To take your second back, press Second again or use "
    )
    post = edits(driver, message_id)[-1]
    assert fields(post)["Seconded by"] == "1 member"
    assert str(CAROL.id) not in str(post["embeds"])  # the post never says who
    assert button_ids(post) == ["promptfill:claim:1", "promptfill:second:1"]

    out = await driver.command("prompt second", user=ALICE, prompt=1)
    assert out.content.startswith("🙌 You seconded prompt #1 *Selkie*: 2 members want it filled. When it is filled")
    assert fields(edits(driver, message_id)[-1])["Seconded by"] == "2 members"

    out = await driver.click(message_id, "promptfill:second:1", user=CAROL)
    assert out.ephemeral
    assert out.content == "You took back your second on prompt #1 *Selkie*; 1 member wants it filled."
    assert fields(edits(driver, message_id)[-1])["Seconded by"] == "1 member"
    out = await driver.command("prompt second", user=ALICE, prompt=1)
    assert out.content == "You took back your second on prompt #1 *Selkie*; nobody has seconded it now."
    assert "Seconded by" not in fields(edits(driver, message_id)[-1])
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).seconds == 0


async def test_prompt_view_shows_members_the_count_and_moderators_who_privately(driver: Driver) -> None:
    await submit(driver, TEXT, user=BOB)
    await driver.command("prompt second", user=ALICE, prompt=1)
    await driver.command("prompt second", user=CAROL, prompt=1)

    seen = await driver.command("prompt view", user=CAROL, prompt=1)
    assert not seen.ephemeral  # a member's view of an open prompt stays public
    assert fields(seen.last)["Seconded by"] == "2 members"
    assert str(ALICE.id) not in seen.text and str(CAROL.id) not in seen.text

    moderated = await driver.command("prompt view", user=MOD, prompt=1)
    assert moderated.ephemeral  # names seconders, so only the moderator sees it
    assert fields(moderated.last)["Seconded by"] == (
        f"2 members: <@{ALICE.id}>, <@{CAROL.id}> (only moderators see who)"
    )
    assert moderated.last["allowed_mentions"] == {"parse": []}


async def test_seconding_ones_own_prompt_is_refused_and_changes_nothing(driver: Driver, db_path: Path) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB)
    before = snapshot(db_path)
    refusal = (
        "#1 is your own prompt, so you cannot second it: a second is another member saying they want it filled "
        "too. Nothing was changed."
    )
    out = await driver.command("prompt second", user=BOB, prompt=1)
    assert out.ephemeral and out.content == refusal
    out = await driver.click(post_id(driver), "promptfill:second:1", user=BOB)
    assert out.ephemeral and out.content == refusal
    assert snapshot(db_path) == before


@pytest.mark.parametrize("hidden", ["pending", "rejected"])
async def test_someone_elses_pending_or_rejected_prompt_is_no_prompt_to_second(
    driver: Driver, db_path: Path, hidden: str
) -> None:
    await driver.command("settings set", user=MOD, require_approval=True)
    await submit(driver, TEXT, user=BOB)
    if hidden == "rejected":
        await driver.command("queue reject", user=MOD, prompt=1, reason="Off topic")
    before = snapshot(db_path)
    out = await driver.command("prompt second", user=CAROL, prompt=1)
    assert out.ephemeral and out.content == NOT_FOUND  # word for word what a missing prompt gets
    assert (await driver.command("prompt second", user=CAROL, prompt=99)).content == NOT_FOUND.replace("#1", "#99")
    # A moderator may see it, so is told the real reason.
    out = await driver.command("prompt second", user=MOD, prompt=1)
    reason = "is still waiting for a moderator's approval" if hidden == "pending" else "was not accepted"
    assert out.ephemeral and out.content == f"Prompt #1 {reason}, so you cannot second it."
    assert snapshot(db_path) == before


async def test_a_closed_prompt_refuses_seconds_and_its_post_has_no_second_button(driver: Driver, db_path: Path) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB)
    await driver.command("prompt second", user=CAROL, prompt=1)
    await driver.command("prompt withdraw", user=BOB, prompt=1)
    assert button_ids(edits(driver, post_id(driver))[-1]) == []
    before = snapshot(db_path)
    out = await driver.command("prompt second", user=ALICE, prompt=1)
    assert out.ephemeral and out.content == "Prompt #1 is closed, so you cannot second it."
    out = await driver.command("prompt second", user=CAROL, prompt=1)  # not even to take a second back
    assert out.ephemeral and out.content == "Prompt #1 is closed, so you cannot second it."
    assert snapshot(db_path) == before


async def test_many_members_clicking_second_at_once_are_each_counted_once(driver: Driver, db_path: Path) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB)
    message_id = post_id(driver)
    readers = [User(731000000000000100 + n, f"reader{n}") for n in range(30)]
    driver.fake.latency = 0.01
    outcomes = await asyncio.gather(
        *(driver.click(message_id, "promptfill:second:1", user=reader) for reader in readers)
    )
    assert all(o.ephemeral and o.content.startswith("🙌 You seconded prompt #1") for o in outcomes)
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.seconds == 30
    assert [member for _, member in rows_of(db_path)] == sorted(r.id for r in readers)
    # Posts and edits take turns, each reading the prompt when its turn comes: the post ends at the final count.
    assert fields(driver.fake.messages[message_id])["Seconded by"] == "30 members"

    # One member clicking again and again at once: each click toggles in turn, never a second row.
    taps = await asyncio.gather(*(driver.click(message_id, "promptfill:second:1", user=CAROL) for _ in range(7)))
    assert sum("You seconded" in t.content for t in taps) == 4
    assert sum("You took back" in t.content for t in taps) == 3
    assert [m for _, m in rows_of(db_path)].count(CAROL.id) == 1
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).seconds == 31


async def test_the_database_itself_refuses_a_second_second(driver: Driver, db_path: Path) -> None:
    await submit(driver, TEXT, user=BOB)
    await driver.command("prompt second", user=CAROL, prompt=1)
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute(
                "INSERT INTO prompt_seconds (prompt_id, guild_id, member_id, created_at)"
                " SELECT prompt_id, guild_id, member_id, created_at FROM prompt_seconds"
            )
    finally:
        conn.close()
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).seconds == 1


async def test_prompt_list_sorts_by_seconds_most_wanted_first(driver: Driver, db_path: Path) -> None:
    for n in range(1, 5):
        await submit(driver, f"{TEXT} Variation {n}.", user=BOB)
    for number, fans in ((2, (ALICE, CAROL, MOD)), (3, (ALICE,)), (4, (ALICE, CAROL))):
        for fan in fans:
            await driver.command("prompt second", user=fan, prompt=number)
    seconded = await driver.command("prompt list", user=CAROL, sort="seconded")
    description = seconded.last["embeds"][0]["description"]
    assert [line.split("`")[1] for line in description.splitlines()] == ["#2", "#4", "#3", "#1"]
    assert "seconded by 3" in description.splitlines()[0] and "seconded by" not in description.splitlines()[3]
    assert seconded.last["embeds"][0]["title"] == "Most seconded prompts"
    newest = await driver.command("prompt list", user=CAROL)
    lines = newest.last["embeds"][0]["description"].splitlines()
    assert [line.split("`")[1] for line in lines] == ["#4", "#3", "#2", "#1"]

    before = snapshot(db_path)
    refused = await driver.command_unchecked("prompt list", user=CAROL, sort="loudest")
    assert refused.ephemeral and refused.content == "Sort must be one of newest, seconded. Nothing was changed."
    assert snapshot(db_path) == before


async def test_seconders_hear_of_a_fill_in_their_daily_digest_naming_server_prompt_and_link(
    driver: Driver, clock
) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB, title="Selkie")
    seconded_at = int(clock().timestamp())
    await driver.command("prompt second", user=ALICE, prompt=1)
    await driver.command("prompt second", user=CAROL, prompt=1)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Salt and Sealskin")
    assert driver.dms(ALICE) == []  # not at once: in the digest
    clock.advance(days=1, minutes=1)
    await driver.bot.sweep()
    [dm] = driver.dms(ALICE)
    post = f"https://discord.com/channels/{GUILD.id}/{PROMPTS.id}/{post_id(driver)}"
    assert dm["content"] == (
        f"🔔 Your daily digest from **Writers' Den**: what is new since <t:{seconded_at}:f>.\n"
        "**1 prompt with new fills**\n"
        f"• prompt #1 *Selkie* ([open it]({post})) has 1 new fill, a prompt you seconded\n"
        "To stop hearing of a prompt you seconded, take your second back with `/prompt second` there."
    )
    assert dm["allowed_mentions"] == {"parse": []}
    assert driver.dms(CAROL) == []  # the writer seconded it too, and knows


async def test_the_second_button_works_after_a_restart(driver: Driver, clock, db_path: Path) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB)
    message_id = post_id(driver)
    post = driver.fake.messages[message_id]
    await driver.close()
    second = await Driver.start(db_path, clock=clock)
    try:
        second.fake.messages[message_id] = post
        out = await second.click(message_id, "promptfill:second:1", user=CAROL)
        assert out.content.startswith("🙌 You seconded prompt #1")
        assert fields(second.fake.messages[message_id])["Seconded by"] == "1 member"
        assert second.unexpected_errors() == []
    finally:
        await second.close()


async def test_an_explicit_post_outside_an_age_restricted_channel_has_no_second_button(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB, rating="E", channel=NSFW)
    assert button_ids(driver.posts(PROMPTS)[0]) == []


def test_the_seconded_list_walks_an_index_and_stays_fast_at_100000_prompts(tmp_path: Path) -> None:
    path = tmp_path / "big.db"

    async def prepare() -> None:
        store = Store(path)
        await store.open()
        await store.close()

    asyncio.run(prepare())
    conn = sqlite3.connect(path)
    rows = [(GUILD.id, n, BOB.id, "open", "NR", f"prompt {n}", f"key{n}", n % 97, n, n) for n in range(1, 100_001)]
    conn.executemany(
        "INSERT INTO prompts (guild_id, number, author_id, status, rating, text, dedupe_key, seconds, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()

    async def browse() -> tuple[float, list[int], list[int], list[int]]:
        store = Store(path)
        await store.open()
        try:
            member = Viewer(CAROL.id)
            await store.browse.list(GUILD.id, member, sort="seconded", per_page=8)  # warm the cache
            started = time.perf_counter()
            first = await store.browse.list(GUILD.id, member, sort="seconded", per_page=8)
            later = await store.browse.list(GUILD.id, member, sort="seconded", page=50, per_page=8)
            took = time.perf_counter() - started
            numbers = [p.number for p in first.items]
            return took, [p.seconds for p in first.items], numbers, [p.number for p in later.items]
        finally:
            await store.close()

    took, counts, numbers, page_51 = asyncio.run(browse())
    assert counts == [96] * 8 and numbers == sorted(numbers, reverse=True)
    assert page_51 == [numbers[0] - 97 * (400 + i) for i in range(8)]  # 1,030 prompts have 96 seconds: still them
    assert took < 0.5, f"two pages of the seconded list took {took:.3f} s"
    conn = sqlite3.connect(path)
    try:
        # The list's own WHERE and ORDER BY, as db/browse.py builds them.
        params: list[Any] = [GUILD.id]
        where = "p.guild_id = ?" + visibility_clause(Viewer(CAROL.id), params)
        query = f"EXPLAIN QUERY PLAN SELECT p.id FROM prompts p WHERE {where} ORDER BY {LIST_SORTS['seconded']} LIMIT 8"
        plan = " ".join(str(r[3]) for r in conn.execute(query, params))
    finally:
        conn.close()
    assert "prompts_seconded" in plan and "TEMP B-TREE" not in plan, plan
