"""/export and /import: JSON round trips, CSV that spreadsheets cannot run, refused entries reported."""

from __future__ import annotations

import csv
import gc
import io
import json
import random
import string

from cogs.ui import configuring
from tests.conftest import snapshot, submit
from tests.driver import ALICE, BOB, CAROL, GUILD, MOD, PROMPTS, Attachment, Driver

TEXT = "Two rival bakers are stuck in a lift on the night of the big contest."
WORK = "https://archiveofourown.org/works/123456"


def exported(out) -> bytes:
    files = [f for call in out.calls for f in call.files]
    assert len(files) == 1
    return files[0][1]


async def test_export_csv_survives_commas_quotes_newlines_and_neutralises_formulas(driver: Driver) -> None:
    tricky = 'She said, "stay"\nand he stayed, in the rain. =SUM(A1)'
    await submit(driver, tricky, user=BOB, title='=HYPERLINK("x")', tags="+1, @home, -minus")
    out = await driver.command("export", user=MOD, format="csv")
    assert out.ephemeral
    rows = list(csv.DictReader(io.StringIO(exported(out).decode())))
    prompt = next(r for r in rows if r["record"] == "prompt")
    assert prompt["text"] == tricky
    assert prompt["title"] == '\'=HYPERLINK("x")'
    assert prompt["tags"] == "'+1, @home, -minus"
    assert {r["setting"] for r in rows if r["record"] == "setting"} >= {"claims_per_member", "claim_days"}


async def test_export_import_round_trip_keeps_prompts(driver: Driver, tmp_path, clock) -> None:
    await submit(
        driver,
        TEXT,
        user=BOB,
        title="Lift",
        fandom="Original",
        tags="Enemies to Lovers, fluff",
        rating="T",
        anonymous=True,
    )
    await submit(driver, "A second idea about a runaway train", user=ALICE, rating="E")
    await submit(driver, "A third idea about a haunted orchard", user=ALICE)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Rising")
    await driver.command("prompt withdraw", user=ALICE, prompt=3)
    first = json.loads(exported(await driver.command("export", user=MOD, format="json")))
    other = await Driver.start(tmp_path / "other.db", clock=clock)
    try:
        done = await other.command("import", user=MOD, file=Attachment("backup.json", json.dumps(first).encode()))
        assert done.ephemeral and "Added 3 prompts (#1 to #3)" in done.content
        second = json.loads(exported(await other.command("export", user=MOD, format="json")))
    finally:
        await other.close()

    def essentials(document):
        keys = ("number", "text", "title", "fandom", "tags", "rating", "status", "anonymous", "author_id")
        return [({k: p[k] for k in keys}, [f["url"] for f in p["fills"]]) for p in document["prompts"]]

    assert essentials(second) == essentials(first)


async def test_import_reports_bad_lines_and_adds_the_good_ones(driver: Driver) -> None:
    await submit(driver, TEXT, user=BOB)
    lines = "\n".join(
        [
            "A fine new idea about a clockwork heart",
            "short",
            TEXT.upper(),
            "",
            "\u200b\u200b",
            "Another fine idea about a quiet harbour",
            "A fine new idea about a clockwork heart!",
        ]
    )
    out = await driver.command("import", user=MOD, file=Attachment("ideas.txt", lines.encode()))
    assert "Added 2 prompts (#2 to #3)" in out.content
    assert "line 2: Text must be 10 to 4,000" in out.content
    assert "line 3: That prompt already exists here as #1" in out.content
    assert "line 5" in out.content and "line 7: That prompt already exists here as #2" in out.content
    assert (await driver.bot.store.prompts.get(GUILD.id, 3)).author_id is None  # a text file names no prompter


async def test_an_unreadable_import_adds_nothing(driver: Driver, db_path) -> None:
    before = snapshot(db_path)
    out = await driver.command("import", user=MOD, file=Attachment("broken.json", b'{"prompts": [1, 2'))
    assert out.ephemeral and "could not be imported" in out.content and "Nothing was added" in out.content
    out = await driver.command("import", user=MOD, file=Attachment("x.txt", b"\xff\xfe\x00bad"))
    assert "not UTF-8" in out.content
    out = await driver.command("import", user=CAROL, file=Attachment("ideas.txt", b"A fine new idea about a heart"))
    assert "Only moderators" in out.content
    assert snapshot(db_path) == before


# -- hostile and unlucky files ------------------------------------------------------------------------------


async def test_each_bad_entry_is_refused_alone_with_its_reason(driver: Driver, db_path) -> None:
    good = {"text": "A fine idea about a clockwork heart", "status": "open"}
    entries = [
        good,
        {"text": "An author id past SQLite's range", "author_id": 2**70},
        {"text": "A broken character \ud800 in the middle of it"},
        {"text": "A fill with a malformed link", "fills": [{"url": "http://[oops", "member_id": CAROL.id}]},
        {"text": ["a list", "is not text"]},
        {"text": {"an object": "is not text"}},
        {"text": 12345678901},
        {"text": "A fill from the far future", "fills": [{"url": WORK, "created_at": "9999-12-31T23:59:59-23:59"}]},
        {"text": "Anonymous must be a boolean here", "anonymous": "yes please"},
        {"text": "Filled, the file says, but without any fill", "status": "filled"},
    ]
    document = json.dumps({"format": "promptfill-export", "prompts": entries}).encode()
    out = await driver.command("import", user=MOD, file=Attachment("hostile.json", document))
    assert out.ephemeral and "Added 2 prompts (#1 to #2)" in out.content, out.content
    for number, words in [
        (2, "author_id must be a Discord user id"),
        (3, "broken character"),
        (4, "not a well-formed link"),
        (5, "Text must be text"),
        (6, "Text must be text"),
        (7, "Text must be text"),
        (8, "Fill date must be between"),
        (9, "anonymous must be true or false"),
    ]:
        line = next((x for x in out.content.splitlines() if x.startswith(f"• prompt {number}:")), "")
        assert words in line, (number, out.content)
    assert not driver.unexpected_errors()
    # The "filled" prompt without a fill is open: draws offer it.
    assert (await driver.bot.store.prompts.get(GUILD.id, 2)).status == "open"
    # Everything still reads: the view, the profile and the export.
    assert (await driver.command("prompt view", user=CAROL, prompt=2)).embeds
    assert (await driver.command("profile", user=CAROL)).embeds
    assert exported(await driver.command("export", user=MOD, format="json"))


async def test_json_nested_too_deeply_is_refused_with_a_sentence(driver: Driver, db_path) -> None:
    before = snapshot(db_path)
    deep = b'{"prompts": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    out = await driver.command("import", user=MOD, file=Attachment("deep.json", deep))
    assert out.ephemeral and "nested too deeply" in out.content
    assert snapshot(db_path) == before and not driver.unexpected_errors()


async def test_a_csv_export_imports_back_as_its_prompts(driver: Driver, tmp_path, clock) -> None:
    await submit(driver, TEXT, user=BOB, title="=Lift", tags="+1, fluff", rating="T")
    await submit(driver, "A second idea about a runaway train", user=ALICE)
    await submit(driver, 'A third idea, "quoted", about a haunted orchard\nover two lines', user=ALICE)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Rising")
    csv_export = exported(await driver.command("export", user=MOD, format="csv"))
    other = await Driver.start(tmp_path / "other.db", clock=clock)
    try:
        done = await other.command("import", user=MOD, file=Attachment("export.csv", csv_export))
        assert "Added 3 prompts (#1 to #3)" in done.content, done.content
        first = await other.bot.store.prompts.get(GUILD.id, 1)
        assert (first.title, first.tags, first.status, first.fill_count) == ("=Lift", ("+1", "fluff"), "filled", 1)
        third = await other.bot.store.prompts.get(GUILD.id, 3)
        assert third.text == 'A third idea, "quoted", about a haunted orchard\nover two lines'
    finally:
        await other.close()


async def test_an_export_too_big_to_upload_is_compressed_and_imports_back(driver: Driver, tmp_path, clock) -> None:
    for i in range(30):
        await submit(driver, f"Idea {i}: " + "a lighthouse keeper and a storm, " * 100, user=BOB)
    driver.attachment_size_limit = 60_000  # a tiny upload limit: the ~100 KB export cannot go as it is
    out = await driver.command("export", user=MOD, format="json")
    name, data = next(f for call in out.calls for f in call.files)
    assert name.endswith(".json.gz") and len(data) <= 60_000 and "gzip-compressed" in out.content
    other = await Driver.start(tmp_path / "other.db", clock=clock)
    try:
        done = await other.command("import", user=MOD, file=Attachment(name, data))
        assert "Added 30 prompts (#1 to #30)" in done.content, done.content
    finally:
        await other.close()


async def test_the_servers_own_export_over_five_megabytes_restores(driver: Driver, tmp_path, clock) -> None:
    entries = [{"text": f"Idea {i:04d}: " + "w" * 3980, "author_id": BOB.id} for i in range(1_400)]
    big = json.dumps({"prompts": entries}).encode()
    done = await driver.command("import", user=MOD, file=Attachment("seed.json", big))
    assert "Added 1,400 prompts" in done.content
    backup = exported(await driver.command("export", user=MOD, format="json"))
    assert len(backup) > 5_000_000
    other = await Driver.start(tmp_path / "other.db", clock=clock)
    try:
        restored = await other.command("import", user=MOD, file=Attachment("backup.json", backup))
        assert "Added 1,400 prompts (#1 to #1400)" in restored.content, restored.content
    finally:
        await other.close()


async def test_an_export_too_big_even_compressed_comes_in_parts_that_each_import(
    driver: Driver, tmp_path, clock
) -> None:
    rng = random.Random(9)
    for i in range(40):
        await submit(driver, f"Idea {i}: " + "".join(rng.choice(string.ascii_lowercase + " ") for _ in range(3000)))
    driver.attachment_size_limit = 30_000
    out = await driver.command("export", user=MOD, format="json")
    files = [f for call in out.calls for f in call.files]
    assert len(files) >= 3 and all(len(data) <= 30_000 for _, data in files)
    assert all(name.endswith(".json.gz") and f"of{len(files)}" in name for name, _ in files)
    assert any(f"comes in {len(files)} parts" in (m.get("content") or "") for m in out.messages)
    other = await Driver.start(tmp_path / "other.db", clock=clock)
    try:
        added = 0
        for name, data in files:
            done = await other.command("import", user=MOD, file=Attachment(name, data))
            added += int(done.content.split("Added ")[1].split(" ")[0])
        assert added == 40
    finally:
        await other.close()


async def test_the_collector_is_running_again_after_an_export_and_an_import(driver: Driver) -> None:
    await submit(driver, TEXT, user=BOB)
    data = exported(await driver.command("export", user=MOD, format="json"))
    assert gc.isenabled()
    await driver.command("import", user=MOD, file=Attachment("broken.json", b'{"prompts": [1, 2'))
    await driver.command("import", user=MOD, file=Attachment("backup.json", data))
    assert gc.isenabled()


async def test_an_import_offers_to_post_its_prompts_when_a_prompts_channel_is_set(
    driver: Driver, db_path, monkeypatch
) -> None:
    monkeypatch.setattr(configuring, "POST_PACE", 0.0)
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    lines = "A lighthouse keeper finds a letter in a bottle\nA clockwork heart that keeps the wrong time\n"
    out = await driver.command("import", user=MOD, file=Attachment("ideas.txt", lines.encode()))
    assert "Added 2 prompts (#1 to #2)." in out.content
    assert "2 prompts are open but were never posted (imported" in out.content
    assert out.custom_ids == ["promptfill:post-waiting"]
    assert driver.posts(PROMPTS) == []  # nothing goes out before a moderator says so

    # The answer after the deferral is a followup: the button is on that message.
    followup = next(c for c in out.calls if c.method == "POST" and not c.route.endswith("/callback"))
    answer = int(followup.response["id"])

    # A member cannot press it, and nothing changes.
    before = snapshot(db_path)
    refused = await driver.click(answer, "promptfill:post-waiting", user=ALICE)
    assert refused.ephemeral and "Only moderators" in refused.content
    assert snapshot(db_path) == before and driver.posts(PROMPTS) == []

    clicked = await driver.click(answer, "promptfill:post-waiting", user=MOD)
    assert "📬 Posted 2 prompts." in clicked.content
    assert [p["embeds"][0]["footer"]["text"] for p in driver.posts(PROMPTS)] == ["Prompt #1", "Prompt #2"]
    assert await driver.bot.store.settings.unposted_prompts(GUILD.id) == []


async def test_an_import_without_a_prompts_channel_offers_nothing(driver: Driver) -> None:
    # Nowhere to post yet: /setup offers them once a prompts channel is chosen (tests/test_setup.py).
    out = await driver.command("import", user=MOD, file=Attachment("ideas.txt", b"A clockwork heart, wrong time\n"))
    assert "Added 1 prompt (#1 to #1)." in out.content and out.custom_ids == []
    assert "never posted" not in out.content
