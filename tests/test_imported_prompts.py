"""Imports credit the prompter a file names, and nobody else: a prompt from a text file or another site's list
is shown as imported, and the moderator who imported it is neither credited nor pinged for its fills."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cogs.data import file_name_part
from db.models import Viewer
from tests.conftest import snapshot
from tests.driver import BOB, CAROL, FILLS, GUILD, LOG, MOD, PROMPTS, Attachment, Driver
from tests.wording import unreadable

WORK = "https://archiveofourown.org/works/123456"
LINES = "A lighthouse keeper finds a selkie's coat on the rocks.\nTwo rival bakers are stuck in a lift.\n"


def exported(out) -> bytes:
    files = [f for call in out.calls for f in call.files]
    assert len(files) == 1
    return files[0][1]


async def test_a_text_file_import_credits_nobody_and_never_pings_the_moderator(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, fills_channel=FILLS, log_channel=LOG)
    done = await driver.command("import", user=MOD, file=Attachment("last-year.txt", LINES.encode()))
    assert "Added 2 prompts (#1 to #2)." in done.content
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.author_id is None and prompt.imported

    view = await driver.command("prompt view", user=CAROL, prompt=1)
    assert "Imported prompt (no prompter named)" in view.text
    assert str(MOD.id) not in json.dumps(view.messages)

    # The moderator may claim and fill it like anyone: it is nobody's own prompt.
    claimed = await driver.command("claim", user=MOD, prompt=2)
    assert "You claimed prompt #2" in claimed.content

    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    announcement = driver.posts(FILLS)[-1]
    assert announcement["content"] == "✨ Prompt #1 has a new fill!"
    assert announcement["allowed_mentions"]["parse"] == [] and not announcement["allowed_mentions"].get("users")
    assert str(MOD.id) not in json.dumps(announcement)
    assert driver.dms(MOD) == []

    profile = await driver.command("profile", user=MOD)
    fields = {f["name"]: f["value"] for f in profile.embeds[0]["fields"]}
    assert fields["Prompts"] == "0" and fields["Recent prompts"] == "none"  # imported prompts are not theirs
    logged = [post["content"] for post in driver.posts(LOG)]
    assert f"📥 <@{MOD.id}> imported 2 prompts from last-year.txt." in logged
    assert unreadable(driver) == []


async def test_the_prompter_a_file_names_keeps_the_prompt_and_is_pinged_for_its_fills(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, fills_channel=FILLS)
    document = {"prompts": [{"text": "Bob's idea about a runaway train at night", "author_id": BOB.id}]}
    await driver.command("import", user=MOD, file=Attachment("theirs.json", json.dumps(document).encode()))
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).author_id == BOB.id
    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    announcement = driver.posts(FILLS)[-1]
    assert announcement["content"].startswith(f"✨ <@{BOB.id}>, your prompt #1 has a new fill")
    assert announcement["allowed_mentions"]["users"] == [BOB.id]


async def test_a_prompt_credited_to_nobody_stays_so_through_json_and_csv_exports(
    driver: Driver, tmp_path: Path, clock
) -> None:
    await driver.command("import", user=MOD, file=Attachment("list.txt", LINES.encode()))
    document = json.loads(exported(await driver.command("export", user=MOD, format="json")))
    assert [p["author_id"] for p in document["prompts"]] == [None, None]
    table = exported(await driver.command("export", user=MOD, format="csv")).decode()
    assert {r["author_id"] for r in csv.DictReader(io.StringIO(table)) if r["record"] == "prompt"} == {""}
    for name, data in [("backup.json", json.dumps(document).encode()), ("backup.csv", table.encode())]:
        other = await Driver.start(tmp_path / f"{name}.db", clock=clock)
        try:
            done = await other.command("import", user=MOD, file=Attachment(name, data))
            assert "Added 2 prompts" in done.content, done.content
            assert (await other.bot.store.prompts.get(GUILD.id, 2)).author_id is None
        finally:
            await other.close()


async def test_rejecting_an_imported_prompt_tells_nobody_and_says_so(driver: Driver, db_path: Path) -> None:
    document = {"prompts": [{"text": "An imported idea still waiting for approval", "status": "pending"}]}
    await driver.command("import", user=MOD, file=Attachment("queue.json", json.dumps(document).encode()))
    out = await driver.command("queue reject", user=MOD, prompt=1, reason="Not this year")
    assert "It was imported without a prompter, so nobody was told." in out.text
    assert driver.dms(MOD) == []
    # Nobody owns it: a member cannot withdraw it, and is told only what any member is told.
    before = snapshot(db_path)
    refused = await driver.command("prompt withdraw", user=CAROL, prompt=1)
    assert refused.ephemeral and "There is no prompt #1 in this server." in refused.content
    assert snapshot(db_path) == before
    log = await driver.command("mod log", user=MOD)
    assert f"<@{MOD.id}> rejected prompt #1. Reason: Not this year." in log.embeds[0]["description"]


# -- export file names ----------------------------------------------------------------------------------------


async def test_export_files_are_named_after_the_server_not_its_id(driver: Driver) -> None:
    await driver.command("import", user=MOD, file=Attachment("list.txt", LINES.encode()))
    out = await driver.command("export", user=MOD, format="json")
    names = [name for call in out.calls for name, _ in call.files]
    assert names == ["promptfill-writers-den-20260301-1200.json"]  # the server is "Writers' Den"
    assert out.messages[-1]["content"] == "Here is this server's export as JSON."
    assert str(GUILD.id) not in json.dumps(out.messages)
    assert unreadable(driver) == []


def test_a_server_name_becomes_a_safe_part_of_a_file_name() -> None:
    assert file_name_part("Writers' Den") == "writers-den"
    assert file_name_part("  Ünïcødé / 日本の部屋 : 2026 ") == "ünïcødé-日本の部屋-2026"
    assert file_name_part('a<b>c:"d"|e?f*g\\h') == "a-b-c-d-e-f-g-h"
    assert file_name_part("🌸✨") == "server"
    assert file_name_part("x" * 100) == "x" * 40


async def test_lists_and_search_keep_an_imported_hidden_prompt_from_members(driver: Driver) -> None:
    """The SQL form of the visibility rule agrees with Viewer: a pending prompt stored with no prompter
    (author_id 0) is nobody's, so no member lists or finds it."""
    document = {"prompts": [{"text": "An imported lighthouse idea still waiting", "status": "pending"}]}
    await driver.command("import", user=MOD, file=Attachment("queue.json", json.dumps(document).encode()))
    reader = Viewer.channel_reader(age_restricted=True)
    for viewer in (reader, Viewer(CAROL.id)):
        assert (await driver.bot.store.browse.list(GUILD.id, viewer)).total == 0
        assert (await driver.bot.store.browse.search(GUILD.id, viewer, "lighthouse")).total == 0
    assert (await driver.bot.store.browse.list(GUILD.id, Viewer(MOD.id, is_moderator=True))).total == 1
