"""/fill and its announcement, and the whole loop in one test."""

from __future__ import annotations

import json

from db.models import Viewer
from tests.conftest import snapshot, submit
from tests.driver import (
    ALICE,
    BOB,
    CAROL,
    FILLS,
    GENERAL,
    GUILD,
    LOG,
    MOD,
    NSFW,
    OTHER_CHANNEL,
    OTHER_GUILD,
    PROMPTS,
    Driver,
)

TEXT = "Two rival bakers are stuck in a lift on the night of the big contest."
WORK = "https://archiveofourown.org/works/123456"


async def test_fill_completes_the_claim_marks_filled_and_announces_here(driver: Driver) -> None:
    await submit(driver, TEXT, user=BOB, fandom="Original Work")
    await driver.command("claim", user=CAROL, prompt=1)
    out = await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Rising", notes="Fluff, 3k words")
    assert not out.ephemeral
    assert f"<@{BOB.id}>, your prompt #1 has a new fill" in out.content
    embed = out.embeds[0]
    assert embed["title"] == "Rising" and embed["url"] == WORK
    assert f"<@{CAROL.id}>" in embed["description"]
    assert "stuck in a lift" in json.dumps(embed["fields"])
    assert out.last["allowed_mentions"] == {"parse": [], "users": [BOB.id]}
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.status == "filled" and prompt.fill_count == 1 and prompt.active_claims == 0
    stats = await driver.bot.store.profiles.profile(GUILD.id, CAROL.id, Viewer(CAROL.id, age_restricted_channel=True))
    assert stats.claims_by_status == {"filled": 1}


async def test_fill_is_announced_in_the_fills_channel_and_the_prompt_link_is_given(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, fills_channel=FILLS, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB)
    out = await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    assert out.ephemeral and "recorded" in out.content
    announced = driver.posts(FILLS)
    assert len(announced) == 1
    assert announced[0]["embeds"][0]["title"] == WORK
    assert f"/channels/{GUILD.id}/{PROMPTS.id}/" in json.dumps(announced[0]["embeds"][0])


async def test_a_title_with_everyone_pings_nobody_but_the_prompter(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, fills_channel=FILLS)
    await submit(driver, TEXT, user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="@everyone read this <@&1>", notes="@here too")
    announced = driver.posts(FILLS)[0]
    assert announced["allowed_mentions"] == {"parse": [], "users": [BOB.id]}


async def test_anonymous_prompter_is_told_by_direct_message_and_not_named(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, fills_channel=FILLS)
    await submit(driver, TEXT, user=BOB, anonymous=True)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    announced = driver.posts(FILLS)[0]
    assert str(BOB.id) not in json.dumps(announced)
    assert announced["allowed_mentions"] == {"parse": []}
    dms = driver.dms(BOB)
    assert len(dms) == 1 and "anonymous prompt #1 in **Writers' Den** has a new fill" in dms[0]["content"]


async def test_explicit_prompt_text_is_announced_only_in_age_restricted_channels(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, fills_channel=FILLS)
    await submit(driver, "An explicit idea that only adults should read", user=BOB, rating="E")
    await driver.command("fill", user=CAROL, channel=NSFW, prompt=1, url=WORK)
    announced = json.dumps(driver.posts(FILLS))
    assert "explicit idea" not in announced and "rated Explicit" in announced
    await driver.command("settings set", user=MOD, clear="fills_channel")
    here = await driver.command("fill", user=ALICE, channel=NSFW, prompt=1, url=WORK + "/2")
    assert "explicit idea" in json.dumps(here.embeds)


async def test_a_fills_channel_the_bot_cannot_post_in_loses_nothing(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, fills_channel=FILLS)
    await submit(driver, TEXT, user=BOB)
    driver.fake.fail("POST", "/channels/{channel_id}/messages", channel_id=FILLS.id, status=403, code=50013)
    out = await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    assert "recorded" in out.messages[0]["content"]
    assert "could not announce it" in out.content and out.ephemeral
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).fill_count == 1


async def test_each_fill_refusal_is_ephemeral_and_changes_nothing(driver: Driver, db_path) -> None:
    await submit(driver, TEXT, user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    await driver.command("settings set", user=MOD, require_approval=True)
    await submit(driver, "A pending idea about a runaway train", user=BOB)
    await driver.command(
        "prompt submit", user=BOB, guild=OTHER_GUILD, channel=OTHER_CHANNEL, text="An idea in another server entirely"
    )
    cases = [
        (CAROL, 1, "javascript:alert(1)", "must start with http"),
        (CAROL, 1, "data:text/html,hi", "must start with http"),
        (CAROL, 1, "file:///etc/passwd", "must start with http"),
        (CAROL, 1, "my story", "contains spaces"),
        (CAROL, 1, "mystory", "must start with http"),
        (CAROL, 1, "https://", "no website name"),
        (CAROL, 1, "https://discord.gg/abcdef", "Discord invite"),
        (CAROL, 1, WORK, "already recorded as a fill of #1"),
        (BOB, 1, "https://example.org/mine", "your own prompt"),
        (CAROL, 2, "https://example.org/x", "no prompt #2"),  # pending and not hers: hidden
        (CAROL, 3, "https://example.org/x", "no prompt #3"),
    ]
    for user, number, url, expected in cases:
        before = snapshot(db_path)
        out = await driver.command("fill", user=user, prompt=number, url=url)
        assert out.ephemeral and expected in out.content, (url, out.content)
        assert snapshot(db_path) == before
    before = snapshot(db_path)
    out = await driver.command_unchecked("fill", user=CAROL, prompt=1, url="https://example.org/" + "a" * 2040)
    assert out.ephemeral and "up to 2,048" in out.content
    assert snapshot(db_path) == before


async def test_fill_without_a_claim_needs_a_free_slot(driver: Driver, db_path) -> None:
    await submit(driver, TEXT, user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    before = snapshot(db_path)
    out = await driver.command("fill", user=ALICE, prompt=1, url=WORK)
    assert out.ephemeral and "no free claim slot" in out.content
    assert snapshot(db_path) == before
    assert "new fill" in (await driver.command("fill", user=CAROL, prompt=1, url=WORK)).content
    assert "new fill" in (await driver.command("fill", user=CAROL, prompt=1, url=WORK + "/v2")).content
    assert "new fill" in (await driver.command("fill", user=ALICE, prompt=1, url=WORK + "/alice")).content


async def test_the_whole_loop(driver: Driver) -> None:
    """Submit, approve, draw, claim, fill, announce, stats."""
    await driver.command("settings set", user=MOD, require_approval=True, prompts_channel=PROMPTS, fills_channel=FILLS)
    number = await submit(driver, TEXT, user=BOB, fandom="Original Work", tags="fluff")
    assert driver.posts(PROMPTS) == []
    await driver.command("queue approve", user=MOD, prompt=number)
    assert len(driver.posts(PROMPTS)) == 1
    drawn = await driver.command("prompt random", user=CAROL, channel=GENERAL)
    assert f"#{number}" in drawn.embeds[0]["footer"]["text"]
    claimed = await driver.click(drawn.message_id, f"promptfill:claim:{number}", user=CAROL)
    assert "You claimed" in claimed.content
    await driver.command("fill", user=CAROL, prompt=number, url=WORK, title="Rising")
    announced = driver.posts(FILLS)
    assert announced and announced[0]["embeds"][0]["title"] == "Rising"
    assert f"<@{BOB.id}>" in announced[0]["content"]
    stats = await driver.command("stats", user=ALICE)
    fields = {f["name"]: f["value"] for f in stats.embeds[0]["fields"]}
    assert fields["Fills"] == "1" and fields["Fill rate"].startswith("100%")


async def test_a_prompter_with_closed_direct_messages_does_not_lose_the_fill(driver: Driver) -> None:
    await submit(driver, TEXT, user=BOB, anonymous=True)
    driver.fake.close_dms(BOB.id)
    out = await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    assert "new fill" in out.content
    assert driver.dms(BOB) == []
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).fill_count == 1


# -- /unfill ----------------------------------------------------------------------------------------------


def channel_edits(driver: Driver, message_id: int) -> list[dict]:
    return [
        c.body
        for c in driver.fake.calls
        if c.method == "PATCH"
        and c.route == "/channels/{channel_id}/messages/{message_id}"
        and int(c.params["message_id"]) == message_id
    ]


async def test_unfill_by_the_filler_reopens_the_prompt_and_marks_the_announcement(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, fills_channel=FILLS, log_channel=LOG)
    await submit(driver, TEXT, user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    announced = next(c.response for c in reversed(driver.post_calls()) if c.channel_id == FILLS.id)
    out = await driver.command("unfill", user=CAROL, prompt=1, url=WORK)
    assert out.ephemeral and "Removed the fill" in out.content and "open again" in out.content
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.status == "open" and prompt.fill_count == 0
    assert await driver.bot.store.fills.removable(GUILD.id, 1, None) == []
    # The claim the fill completed stays completed.
    profile = await driver.bot.store.profiles.profile(GUILD.id, CAROL.id, Viewer(CAROL.id))
    assert profile.claims_by_status == {"filled": 1} and profile.fills_total == 0
    assert WORK not in await driver.bot.store.transfer.export_json(GUILD.id)
    assert (await driver.bot.store.profiles.stats(GUILD.id)).fills_total == 0
    # The announcement stays, saying so, and pings nobody; the prompter is not told.
    edit = channel_edits(driver, int(announced["id"]))[-1]
    assert edit["content"] == "🗑️ This fill of prompt #1 was removed by its writer."
    assert edit["allowed_mentions"] == {"parse": []}
    # The card no longer shows the work (no link, title or notes): it says the fill was removed.
    assert [e["title"] for e in edit["embeds"]] == ["Fill removed"]
    assert WORK not in json.dumps(edit["embeds"]) and "removed by its writer" in edit["embeds"][0]["description"]
    assert not driver.dms(BOB)[1:]  # only the one from before, if any
    log = driver.posts(LOG)[-1]
    assert "removed the fill of #1" in log["content"] and WORK in log["content"]
    entries = await driver.bot.store.audit.everything(GUILD.id)
    assert any(e.action == "unfill" and e.detail == WORK and e.actor_id == CAROL.id for e in entries)


async def test_unfill_of_one_of_two_fills_keeps_it_filled_and_a_closed_prompt_stays_closed(driver: Driver) -> None:
    await submit(driver, TEXT, user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    await driver.command("fill", user=ALICE, prompt=1, url="https://archiveofourown.org/works/999")
    await driver.command("unfill", user=ALICE, prompt=1, url="https://archiveofourown.org/works/999")
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.status == "filled" and prompt.fill_count == 1
    await driver.command("prompt withdraw", user=BOB, prompt=1)
    out = await driver.command("unfill", user=MOD, prompt=1, url=WORK)  # a moderator removes Carol's
    assert out.ephemeral and "Removed the fill" in out.content and "open again" not in out.content
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.status == "closed" and prompt.fill_count == 0
    view = await driver.command("prompt view", user=MOD, prompt=1)
    assert WORK not in json.dumps(view.messages)


async def test_unfill_announced_in_the_channel_itself_edits_that_reply(driver: Driver) -> None:
    await submit(driver, TEXT, user=BOB)
    out = await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    reply_id = out.message_id
    await driver.command("unfill", user=MOD, prompt=1, url=WORK)
    assert channel_edits(driver, reply_id)[-1]["content"] == "🗑️ This fill of prompt #1 was removed by a moderator."


async def test_each_unfill_refusal_is_ephemeral_and_changes_nothing(driver: Driver, db_path) -> None:
    await submit(driver, TEXT, user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    await submit(driver, "A prompt in another server about a comet", guild=OTHER_GUILD, channel=OTHER_CHANNEL)
    before = snapshot(db_path)
    cases = [
        (dict(user=ALICE, prompt=1, url=WORK), "posted by someone else"),
        (dict(user=CAROL, prompt=1, url="https://archiveofourown.org/works/1"), "has no fill with that link"),
        (dict(user=CAROL, prompt=2, url=WORK), "#2"),
        (dict(user=CAROL, prompt=1, url=WORK, guild=OTHER_GUILD, channel=OTHER_CHANNEL), "has no fill with that link"),
    ]
    for options, expected in cases:
        out = await driver.command("unfill", **options)
        assert out.ephemeral and expected in out.content, (options, out.content)
    assert snapshot(db_path) == before


async def test_the_url_option_offers_only_the_fills_one_may_remove(driver: Driver) -> None:
    await submit(driver, TEXT, user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Rising")
    await driver.command("fill", user=ALICE, prompt=1, url="https://archiveofourown.org/works/999")
    mine = await driver.autocomplete("unfill", "url", "", user=CAROL, prompt=1)
    assert [c["value"] for c in mine.choices] == [WORK] and mine.choices[0]["name"].startswith("Rising · ")
    every = await driver.autocomplete("unfill", "url", "", user=MOD, prompt=1)
    assert {c["value"] for c in every.choices} == {WORK, "https://archiveofourown.org/works/999"}
    typed = await driver.autocomplete("unfill", "url", "999", user=MOD, prompt=1)
    assert [c["value"] for c in typed.choices] == ["https://archiveofourown.org/works/999"]
