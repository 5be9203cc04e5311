"""Whatever members type, every message stays within Discord's limits: the driver checks each request
against Discord's API description and documented limits, so a message over a limit fails here."""

from __future__ import annotations

import json

from tests.conftest import submit
from tests.driver import BOB, CAROL, MOD, PROMPTS, Driver, User, snowflake

LONG_URL = "https://archiveofourown.org/works/1?" + "x" * 2000
MAX_TAGS = ", ".join(f"{i:02d}" + "t" * 48 for i in range(20))  # 20 tags of 50 characters


async def biggest_prompt(driver: Driver, author: User = BOB) -> int:
    return await submit(driver, "w" * 4000, user=author, title="T" * 200, fandom="F" * 100, tags=MAX_TAGS, rating="T")


async def test_prompt_view_of_a_prompt_at_its_limits_with_many_claims_and_fills(driver: Driver) -> None:
    # With a prompts channel, every claim and fill also edits the post: the driver checks each edit too.
    await driver.command("settings set", user=MOD, claims_per_prompt=0, prompts_channel=PROMPTS)
    number = await biggest_prompt(driver)
    writers = [User(snowflake(), f"writer{i}") for i in range(40)]
    for writer in writers:
        out = await driver.command("claim", user=writer, prompt=number)
        assert "You claimed" in out.content
    for i, writer in enumerate(writers[:12]):
        await driver.command("fill", user=writer, prompt=number, url=f"{LONG_URL}{i}", title="R" * 200)
    for viewer in (CAROL, MOD):
        out = await driver.command("prompt view", user=viewer, prompt=number)
        embed = out.embeds[0]
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        assert "… and" in fields["Claimed by"] and "more" in fields["Claimed by"]
        assert len(json.dumps(embed)) > 5000  # it really is near the limits, and was let through
    post = [c for c in driver.fake.calls if c.method == "PATCH" and c.channel_id == PROMPTS.id][-1].body
    assert "… and" in json.dumps(post["embeds"], ensure_ascii=False) and driver.fake.refused == []


async def test_profile_after_a_fill_with_the_longest_url(driver: Driver) -> None:
    await submit(driver, "A quiet prompt about a lighthouse keeper", user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=LONG_URL, title="Q" * 200)
    out = await driver.command("profile", user=CAROL)
    fields = {f["name"]: f["value"] for f in out.embeds[0]["fields"]}
    assert LONG_URL not in fields["Recent fills"] and "QQQ" in fields["Recent fills"]


async def test_claims_of_a_member_holding_eighty(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, claims_per_member=0)
    for i in range(80):
        await submit(driver, f"Prompt {i}: two knights and one horse between them", user=BOB)
        await driver.command("claim", user=CAROL, prompt=i + 1)
    out = await driver.command("claims", user=CAROL)
    assert "… and" in out.embeds[0]["description"]


async def test_prompt_list_with_the_longest_filters(driver: Driver) -> None:
    await biggest_prompt(driver)
    out = await driver.command(
        "prompt list", user=CAROL, fandom="F" * 100, tag="0" + "t" * 49, status="open", member=BOB
    )
    assert len(out.embeds[0]["title"]) <= 256


async def test_submit_form_prefilled_from_the_longest_options(driver: Driver) -> None:
    out = await driver.command("prompt submit", user=CAROL, title="T" * 200, fandom="F" * 100, tags=MAX_TAGS)
    assert out.modal is not None
    # 6,000 characters typed, 1 tag once duplicates go: the form carries what would be stored.
    repeated = await driver.command("prompt submit", user=CAROL, tags="fluff, " * 857)
    inputs = [row["components"][0] for row in repeated.modal["components"]]
    tags_input = next(i for i in inputs if i["custom_id"] == "tags")
    assert tags_input["value"] == "fluff"
    too_many = await driver.command("prompt submit", user=CAROL, tags=", ".join(f"tag{i}" for i in range(200)))
    assert too_many.ephemeral and "at most 20 tags" in too_many.content
