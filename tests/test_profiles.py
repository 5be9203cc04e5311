"""/profile and /stats: counts of a known history, and who sees what."""

from __future__ import annotations

import json

from tests.conftest import snapshot, submit
from tests.driver import ALICE, BOB, CAROL, GUILD, MOD, OTHER_GUILD, Driver

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


# -- /ao3 account ------------------------------------------------------------------------------------------


async def test_ao3_account_is_linked_shown_on_the_profile_and_cleared(driver: Driver) -> None:
    out = await driver.command("ao3 account", user=CAROL, username="Carol_Writes")
    assert out.ephemeral and "`Carol_Writes`" in out.content
    assert await driver.bot.store.accounts.get(GUILD.id, CAROL.id) == "Carol_Writes"
    profile = await driver.command("profile", user=ALICE, member=CAROL)
    fields = {f["name"]: f["value"] for f in profile.embeds[0]["fields"]}
    assert fields["AO3"] == "[Carol_Writes](https://archiveofourown.org/users/Carol_Writes)"
    # A pasted profile link is read for its name; linking again replaces.
    await driver.command("ao3 account", user=CAROL, username="https://archiveofourown.org/users/carol2/works")
    assert await driver.bot.store.accounts.get(GUILD.id, CAROL.id) == "carol2"
    cleared = await driver.command("ao3 account", user=CAROL)
    assert cleared.ephemeral and "`carol2` is no longer linked" in cleared.content
    assert await driver.bot.store.accounts.get(GUILD.id, CAROL.id) is None
    profile = await driver.command("profile", user=ALICE, member=CAROL)
    assert "AO3" not in {f["name"] for f in profile.embeds[0]["fields"]}
    # Every server's data is its own.
    assert await driver.bot.store.accounts.get(OTHER_GUILD.id, CAROL.id) is None


async def test_ao3_account_refusals_are_ephemeral_and_change_nothing(driver: Driver, db_path) -> None:
    await driver.command("ao3 account", user=CAROL, username="Carol_Writes")
    before = snapshot(db_path)
    for wrong in ("ab", "x" * 41, "_leading", "trailing_", "has space", "dash-name", "émilie", "\u200b\u200b\u200b"):
        out = await driver.command("ao3 account", user=CAROL, username=wrong)
        assert out.ephemeral and "username" in out.content and "Nothing was changed" in out.content, wrong
    nothing = await driver.command("ao3 account", user=BOB)
    assert nothing.ephemeral and "no AO3 account linked" in nothing.content
    assert snapshot(db_path) == before
