"""/export and /import: JSON round trips, CSV that spreadsheets cannot run, refused entries reported."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import snapshot, submit
from tests.driver import ALICE, BOB, CAROL, GUILD, MOD, Attachment, Driver

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
    assert (await driver.bot.store.prompts.get(GUILD.id, 3)).author_id == MOD.id


async def test_an_unreadable_import_adds_nothing(driver: Driver, db_path) -> None:
    before = snapshot(db_path)
    out = await driver.command("import", user=MOD, file=Attachment("broken.json", b'{"prompts": [1, 2'))
    assert out.ephemeral and "could not be imported" in out.content and "Nothing was added" in out.content
    out = await driver.command("import", user=MOD, file=Attachment("x.txt", b"\xff\xfe\x00bad"))
    assert "not UTF-8" in out.content
    out = await driver.command("import", user=CAROL, file=Attachment("ideas.txt", b"A fine new idea about a heart"))
    assert "Only moderators" in out.content
    assert snapshot(db_path) == before
