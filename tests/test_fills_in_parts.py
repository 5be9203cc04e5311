"""Fills in parts (issue 24): /fill status:in progress shares a work in progress, which fills its prompt like any
fill; /fill again with the same link posts a part or completes it (a short line where fills are announced, the
announcement and the prompt's post brought up to date), and it stays one fill; /profile lists works in progress."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from cogs.ui.audit_lines import audit_sentence
from tests.conftest import snapshot, submit
from tests.driver import ALICE, BOB, CAROL, FILLS, GUILD, MOD, PROMPTS, Attachment, Driver

TEXT = "A lighthouse keeper and a selkie trade one secret a night."
WORK = "https://example.org/works/salt-and-sealskin"


def fill_rows(db_path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT member_id, url, title, notes, complete FROM fills ORDER BY id").fetchall()
    finally:
        conn.close()


def edits_of(driver: Driver, message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        c.body
        for c in driver.fake.calls
        if c.method == "PATCH" and c.route.startswith("/channels/") and c.params.get("message_id") == message["id"]
    ]


def fields(body: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in body["embeds"][0]["fields"]}


async def started_in_parts(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, fills_channel=FILLS)
    await submit(driver, TEXT, user=BOB, title="Selkie")
    await driver.command("claim", user=CAROL, prompt=1)
    out = await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Salt, part 1", status="in progress")
    assert out.ephemeral
    assert out.content.startswith("Your fill for #1 is recorded as a work in progress; share it again with </fill:")
    assert out.content.endswith(" and the same link when you post more.") and "Congratulations" not in out.content


async def test_a_work_in_progress_fills_the_prompt_and_shows_as_in_progress(driver: Driver, db_path: Path) -> None:
    await started_in_parts(driver)
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.status == "filled" and prompt.fill_count == 1 and prompt.active_claims == 0
    [announced] = driver.posts(FILLS)
    assert announced["content"] == f"✨ <@{BOB.id}>, your prompt #1 has a new fill in progress!"
    assert announced["embeds"][0]["description"] == (
        f"<@{CAROL.id}> is writing a fill for **#1 · Selkie**, a prompt by <@{BOB.id}>: a work in progress, "
        "posted in parts."
    )
    post = edits_of(driver, driver.posts(PROMPTS)[0] | {"id": str(prompt.message_id)})[-1]
    assert fields(post)["Fills"] == f"[Salt, part 1]({WORK}) by <@{CAROL.id}> (in progress)"
    assert fill_rows(db_path) == [(CAROL.id, WORK, "Salt, part 1", None, 0)]


async def test_a_new_part_updates_the_one_fill_with_a_short_line_not_a_second_announcement(
    driver: Driver, db_path: Path
) -> None:
    await started_in_parts(driver)
    [announcement] = [c.response for c in driver.post_calls() if c.channel_id == FILLS.id]
    out = await driver.command(
        "fill", user=CAROL, prompt=1, url=WORK, title="Salt, part 2", notes="Now 8k words", status="in progress"
    )
    assert out.ephemeral and out.content.startswith("Your new part for #1 is recorded. When you post the next part")
    line = driver.posts(FILLS)[-1]
    assert line["content"] == (
        f"📖 <@{CAROL.id}> posted a new part of [Salt, part 2]({WORK}), a fill of prompt #1 *Selkie*."
    )
    assert not line.get("embeds") and line["allowed_mentions"] == {"parse": []}
    assert len(driver.posts(FILLS)) == 2  # the announcement and the line: no second announcement
    card = edits_of(driver, announcement)[-1]["embeds"][0]
    assert card["title"] == "Salt, part 2" and "a work in progress" in card["description"]
    assert fields({"embeds": [card]})["Notes"] == "Now 8k words"
    assert fill_rows(db_path) == [(CAROL.id, WORK, "Salt, part 2", "Now 8k words", 0)]
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.fill_count == 1
    assert (await driver.bot.store.profiles.stats(GUILD.id)).fills_total == 1

    done = await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Salt and Sealskin")
    assert done.ephemeral and done.content == "Your fill of #1 is now complete. Congratulations on finishing it!"
    assert driver.posts(FILLS)[-1]["content"] == (
        f"✨ [Salt and Sealskin]({WORK}) by <@{CAROL.id}>, a fill of prompt #1 *Selkie*, is now complete."
    )
    card = edits_of(driver, announcement)[-1]["embeds"][0]
    assert card["description"] == f"<@{CAROL.id}> wrote a fill for **#1 · Selkie**, a prompt by <@{BOB.id}>."
    post = edits_of(driver, {"id": str(prompt.message_id)})[-1]
    assert fields(post)["Fills"] == f"[Salt and Sealskin]({WORK}) by <@{CAROL.id}>"
    assert fill_rows(db_path) == [(CAROL.id, WORK, "Salt and Sealskin", "Now 8k words", 1)]
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).fill_count == 1


async def test_without_a_fills_channel_the_line_is_the_public_answer(driver: Driver) -> None:
    await submit(driver, TEXT, user=BOB, title="Selkie")
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Salt", status="in progress")
    out = await driver.command("fill", user=CAROL, prompt=1, url=WORK, status="in progress")
    assert not out.ephemeral
    assert out.content == f"📖 <@{CAROL.id}> posted a new part of [Salt]({WORK}), a fill of prompt #1 *Selkie*."
    assert out.last["allowed_mentions"] == {"parse": []}


async def test_a_complete_fill_or_someone_elses_link_is_still_a_duplicate(driver: Driver, db_path: Path) -> None:
    await started_in_parts(driver)
    before = snapshot(db_path)
    out = await driver.command("fill", user=ALICE, prompt=1, url=WORK, status="in progress")
    assert out.ephemeral and out.content == "That link is already recorded as a fill of #1."
    assert snapshot(db_path) == before

    await driver.command("fill", user=CAROL, prompt=1, url=WORK)  # now complete
    before = snapshot(db_path)
    for status in ("complete", "in progress"):
        out = await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Again", status=status)
        assert out.ephemeral and out.content == "That link is already recorded as a fill of #1."
    assert snapshot(db_path) == before


async def test_a_status_discord_would_not_offer_is_refused(driver: Driver, db_path: Path) -> None:
    await submit(driver, TEXT, user=BOB)
    before = snapshot(db_path)
    out = await driver.command_unchecked("fill", user=CAROL, prompt=1, url=WORK, status="half done")
    assert out.ephemeral and out.content == "Status must be one of complete, in progress. Nothing was changed."
    assert snapshot(db_path) == before


async def test_profile_shows_works_in_progress_until_they_are_complete(driver: Driver) -> None:
    await started_in_parts(driver)
    seen = await driver.command("profile", user=ALICE, member=CAROL)
    assert fields(seen.last)["Works in progress"] == f"`#1` [Salt, part 1]({WORK})"
    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    seen = await driver.command("profile", user=ALICE, member=CAROL)
    assert "Works in progress" not in fields(seen.last)
    assert fields(seen.last)["Fills"] == "1"


async def test_the_log_reads_the_start_each_part_and_the_completion_as_sentences(driver: Driver) -> None:
    await started_in_parts(driver)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, status="in progress")
    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    entries = [e for e in await driver.bot.store.audit.everything(GUILD.id) if e.action.startswith("fill")]
    assert [audit_sentence(e) for e in entries] == [
        f"<@{CAROL.id}> posted a fill of prompt #1, a work in progress: <{WORK}>.",
        f"<@{CAROL.id}> posted a new part of their fill of prompt #1: <{WORK}>.",
        f"<@{CAROL.id}> completed their fill of prompt #1: <{WORK}>.",
    ]


async def test_a_json_export_keeps_a_work_in_progress_and_imports_it_back(
    driver: Driver, tmp_path: Path, clock
) -> None:
    await submit(driver, TEXT, user=BOB, title="Selkie")
    await submit(driver, f"{TEXT} Again, in winter.", user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Salt", status="in progress")
    await driver.command("fill", user=CAROL, prompt=2, url=f"{WORK}-2", title="Ice")
    out = await driver.command("export", user=MOD, format="json")
    [document] = [json.loads(f[1]) for call in out.calls for f in call.files]
    assert [[f["complete"] for f in p["fills"]] for p in document["prompts"]] == [[False], [True]]
    other = await Driver.start(tmp_path / "other.db", clock=clock)
    try:
        done = await other.command("import", user=MOD, file=Attachment("backup.json", json.dumps(document).encode()))
        assert "Added 2 prompts" in done.content
        assert [r[4] for r in fill_rows(tmp_path / "other.db")] == [0, 1]
        # An older file's fills have no such key: they are complete works; anything but true or false is refused.
        for entry in document["prompts"]:
            entry["fills"][0].pop("complete")
        document["prompts"][0]["text"] += " Older file."
        document["prompts"][1]["text"] += " Older file."
        document["prompts"][1]["fills"][0]["complete"] = "yes"
        done = await other.command("import", user=MOD, file=Attachment("old.json", json.dumps(document).encode()))
        assert "Added 1 prompt" in done.content and "Fill complete must be true or false" in done.text
        assert [r[4] for r in fill_rows(tmp_path / "other.db")] == [0, 1, 1]
    finally:
        await other.close()


async def test_a_work_in_progress_can_still_be_finished_after_its_prompt_is_withdrawn(
    driver: Driver, db_path: Path
) -> None:
    await started_in_parts(driver)
    await driver.command("prompt withdraw", user=BOB, prompt=1)
    before = snapshot(db_path)
    refused = await driver.command("fill", user=ALICE, prompt=1, url=f"{WORK}-other")  # a new fill is refused
    assert refused.ephemeral and refused.content == "Prompt #1 is closed, so you cannot fill it."
    assert snapshot(db_path) == before
    done = await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    assert done.content == "Your fill of #1 is now complete. Congratulations on finishing it!"
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.status == "closed" and prompt.fill_count == 1
    assert fill_rows(db_path)[0][4] == 1


async def test_a_work_in_progress_is_never_congratulated_as_finished_whoever_answers(driver: Driver) -> None:
    """Without a fills channel the announcement is the public answer: its writer also hears, privately, how to
    share the next part; an anonymous work in progress is answered privately with the same next step."""
    await submit(driver, TEXT, user=BOB, title="Selkie")
    await submit(driver, "A kelpie and a ferryman share a river and one boat.", user=BOB, title="Kelpie")
    out = await driver.command("fill", user=CAROL, prompt=1, url=WORK, status="in progress")
    announced, step = out.messages
    assert announced["content"] == f"✨ <@{BOB.id}>, your prompt #1 has a new fill in progress!"
    assert not (announced.get("flags") or 0) & 64 and (step.get("flags") or 0) & 64
    assert step["content"].startswith("Recorded as a work in progress; share it again with </fill:")
    assert step["content"].endswith(" and the same link when you post more.")
    out = await driver.command("fill", user=ALICE, prompt=2, url=WORK + "9", status="in progress", anonymous=True)
    assert out.ephemeral
    assert "Your fill for #2 is recorded anonymously" in out.content
    assert "you choose. It is recorded as a work in progress; share it again with </fill:" in out.content
    assert out.content.endswith(" and the same link when you post more.")
    assert "Congratulations" not in out.text
