"""/profile and /stats: counts of a known history, and who sees what."""

from __future__ import annotations

import json

from tests.conftest import submit
from tests.driver import ALICE, BOB, CAROL, MOD, Driver

TEXT = "Two rival bakers are stuck in a lift on the night of the big contest."
WORK = "https://archiveofourown.org/works/123456"


async def test_profile_and_stats_count_a_known_history(driver: Driver) -> None:
    await submit(driver, TEXT, user=BOB)
    await submit(driver, "A second idea about a runaway train", user=BOB, anonymous=True)
    await submit(driver, "A third idea about a haunted orchard", user=ALICE)
    await driver.command("claim", user=CAROL, prompt=1)
    await driver.command("claim", user=CAROL, prompt=2)
    await driver.command("claim", user=CAROL, prompt=3)
    await driver.command("unclaim", user=CAROL, prompt=3)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    await driver.command("fill", user=MOD, prompt=3, url=WORK)
    own = await driver.command("profile", user=BOB)
    fields = {f["name"]: f["value"] for f in own.embeds[0]["fields"]}
    assert own.ephemeral and fields["Prompts"] == "2" and "(anonymous)" in fields["Recent prompts"]
    seen = await driver.command("profile", user=CAROL, member=BOB)
    fields = {f["name"]: f["value"] for f in seen.embeds[0]["fields"]}
    assert not seen.ephemeral and fields["Prompts"] == "1" and "#2`" not in fields["Recent prompts"]
    carol = await driver.command("profile", user=ALICE, member=CAROL)
    fields = {f["name"]: f["value"] for f in carol.embeds[0]["fields"]}
    assert fields["Fills"] == "1" and fields["Claims"].startswith("1 active · 1 filled · 0 expired · 1 dropped")
    stats = await driver.command("stats", user=ALICE)
    fields = {f["name"]: f["value"] for f in stats.embeds[0]["fields"]}
    assert fields["Prompts"] == "3" and fields["Fills"] == "2" and fields["Writers who filled"] == "2"
    assert fields["Fill rate"].startswith("67%")
    assert fields["Top fillers"].startswith(f"1. <@{CAROL.id}> · 1 fill")
    assert str(BOB.id) not in json.dumps(stats.embeds)
