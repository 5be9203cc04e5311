"""A prompt's post in the prompts channel: it shows the current state after every change (claims and until when,
slots left, fills with a link button each, no buttons once closed), and a post, announcement or log line that a
missing permission keeps out is reported honestly: the member learns it is recorded but not posted, the moderators
which permission is missing in which channel."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import submit
from tests.driver import ALICE, BOB, CAROL, FILLS, GUILD, LOG, MOD, PROMPTS, Driver
from tests.driver.outcome import walk_components
from tests.posted import edits, fields, post_id

TEXT = "A lighthouse keeper and a selkie trade one secret a night."
WORK = "https://archiveofourown.org/works/123"


def buttons(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in walk_components(body.get("components") or []) if c.get("type") == 2]


def claim_button(body: dict[str, Any]) -> dict[str, Any]:
    """The post's Claim button ({} when it has none)."""
    return next((b for b in buttons(body) if b.get("custom_id", "").startswith("promptfill:claim:")), {})


# -- live posts -----------------------------------------------------------------------------------------------


async def test_the_post_follows_every_claim_change_with_who_until_when_and_slots_left(driver: Driver, clock) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, claims_per_prompt=2)
    await submit(driver, TEXT, user=BOB, title="Selkie")
    message_id = post_id(driver)
    first = driver.posts(PROMPTS)[0]
    assert fields(first)["Status"] == "Open for claims: 2 claim slots left"
    assert fields(first)["Claimed by"] == "nobody yet"
    assert claim_button(first) and not claim_button(first).get("disabled")

    await driver.command("claim", user=CAROL, prompt=1)
    after_claim = edits(driver, message_id)[-1]
    deadline = int((clock().timestamp()) + 14 * 86400)
    assert fields(after_claim)["Status"] == "Open for claims: 1 claim slot left"
    assert fields(after_claim)["Claimed by"] == f"<@{CAROL.id}>, until <t:{deadline}:f> (<t:{deadline}:R>)"

    await driver.command("claim", user=ALICE, prompt=1)
    full = edits(driver, message_id)[-1]
    assert fields(full)["Status"] == "Claimed: no claim slot left until a claim ends"
    assert f"<@{ALICE.id}>" in fields(full)["Claimed by"] and f"<@{CAROL.id}>" in fields(full)["Claimed by"]
    assert claim_button(full)["disabled"] is True

    await driver.command("unclaim", user=ALICE, prompt=1)
    reopened = edits(driver, message_id)[-1]
    assert fields(reopened)["Status"] == "Open for claims: 1 claim slot left"
    assert not claim_button(reopened).get("disabled") and f"<@{ALICE.id}>" not in fields(reopened)["Claimed by"]

    await driver.command("mod extend", user=MOD, prompt=1, member=CAROL, days=7)
    later = deadline + 7 * 86400
    assert f"until <t:{later}:f>" in fields(edits(driver, message_id)[-1])["Claimed by"]

    await driver.command("mod release", user=MOD, prompt=1, member=CAROL)
    released = edits(driver, message_id)[-1]
    assert fields(released)["Status"] == "Open for claims: 2 claim slots left"
    assert fields(released)["Claimed by"] == "nobody yet"

    await driver.command("claim", user=ALICE, prompt=1)
    clock.advance(days=15)
    await driver.bot.sweep()
    expired = edits(driver, message_id)[-1]
    assert fields(expired)["Claimed by"] == "nobody yet" and "2 claim slots left" in fields(expired)["Status"]


async def test_the_post_lists_fills_with_a_link_button_each_and_a_closed_prompt_has_no_buttons(
    driver: Driver,
) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB)
    message_id = post_id(driver)
    await driver.command("claim", user=CAROL, prompt=1)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Salt and Secrets")
    filled = edits(driver, message_id)[-1]
    assert fields(filled)["Status"] == "Filled, and open for more fills: 1 claim slot left"
    assert fields(filled)["Fills"] == f"[Salt and Secrets]({WORK}) by <@{CAROL.id}>"
    links = [b for b in buttons(filled) if b.get("style") == 5]
    assert [(b["label"], b["url"]) for b in links] == [("Read: Salt and Secrets", WORK)]
    assert claim_button(filled)  # filled prompts still take claims

    await driver.command("unfill", user=CAROL, prompt=1, url=WORK)
    unfilled = edits(driver, message_id)[-1]
    assert [b for b in buttons(unfilled) if b.get("style") == 5] == [] and "Fills" not in fields(unfilled)
    assert fields(unfilled)["Status"] == "Open for claims: 1 claim slot left"

    await driver.command("prompt edit", user=BOB, prompt=1, text=TEXT + " Now with a storm.")
    assert edits(driver, message_id)[-1]["embeds"][0]["description"].endswith("Now with a storm.")

    await driver.command("prompt withdraw", user=BOB, prompt=1)
    closed = edits(driver, message_id)[-1]
    assert closed["components"] == []
    assert fields(closed)["Status"] == "Closed: it takes no more claims or fills" and "Claimed by" not in fields(closed)


async def test_a_post_with_many_fills_stays_within_discords_button_limits(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, claims_per_prompt=0)
    await submit(driver, TEXT, user=BOB)
    message_id = post_id(driver)
    for n in range(1, 31):
        await driver.command("fill", user=CAROL, prompt=1, url=f"{WORK}{n}", title=f"Part {n}")
    last = edits(driver, message_id)[-1]
    rows = last["components"]
    assert len(rows) == 5 and len(buttons(last)) == 25  # Discord's limits: 5 rows, 25 components
    assert claim_button(last) and fields(last)["Status"].endswith("any number of writers may claim it")
    assert [b.get("custom_id") for b in buttons(last)[:2]] == ["promptfill:claim:1", "promptfill:second:1"]
    links = [b["url"] for b in buttons(last) if b.get("style") == 5]
    assert links == [f"{WORK}{n}" for n in range(8, 31)]  # the 23 newest beside Claim and Second; the embed lists all
    assert "… and " in fields(last)["Fills"] or fields(last)["Fills"].count("\n") == 29
    assert driver.fake.refused == []  # every request passed the API description's checks


async def test_the_fill_card_says_who_wrote_the_fill_and_whose_prompt_it_answers(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, fills_channel=FILLS)
    await submit(driver, TEXT, user=BOB, title="Selkie")
    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    card = driver.posts(FILLS)[0]["embeds"][0]
    assert card["description"] == f"<@{CAROL.id}> wrote a fill for **#1 · Selkie**, a prompt by <@{BOB.id}>."
    await submit(driver, TEXT + " Anonymous take.", user=BOB, anonymous=True)
    await driver.command("fill", user=CAROL, prompt=2, url=WORK)
    anonymous = driver.posts(FILLS)[1]["embeds"][0]
    assert anonymous["description"] == f"<@{CAROL.id}> wrote a fill for **Prompt #2**, an anonymous prompt."


# -- honest failures --------------------------------------------------------------------------------------------


async def test_approving_without_send_messages_in_the_prompts_channel_says_it_was_not_posted(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, log_channel=LOG, require_approval=True)
    await submit(driver, TEXT, user=ALICE)
    await driver.forbid(PROMPTS, "send_messages")
    out = await driver.command("queue approve", user=MOD, prompt=1)
    assert out.ephemeral
    assert out.content == (
        "Prompt #1 approved and open for claims, but it could not be posted: I am missing the Send Messages "
        f"permission in <#{PROMPTS.id}>. The moderators have been told in the log channel."
    )
    assert "approved and open." not in out.text
    warning = driver.posts(LOG)[-2]["content"]  # then the approval's own line
    assert warning.startswith("⚠️ Prompt #1 is open for claims but could not be posted")
    assert f"Send Messages permission in <#{PROMPTS.id}>" in warning
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.status == "open" and prompt.message_id is None  # recorded, not posted


async def test_when_the_log_channel_refuses_too_the_acting_moderator_reads_both_problems(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, log_channel=LOG, require_approval=True)
    await submit(driver, TEXT, user=ALICE)
    await driver.forbid(PROMPTS, "send_messages")
    await driver.forbid(LOG, "view_channel")
    out = await driver.command("queue approve", user=MOD, prompt=1)
    assert f"I am missing the Send Messages permission in <#{PROMPTS.id}>" in out.content
    assert f"I am missing the View Channel permission in <#{LOG.id}>" in out.content
    assert "have been told" not in out.content
    assert "⚠️" not in json.dumps(driver.posts(LOG), ensure_ascii=False) and driver.posts(PROMPTS) == []


async def test_the_approve_button_tells_the_moderator_when_the_post_failed(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, require_approval=True)
    await submit(driver, TEXT, user=ALICE)
    await driver.forbid(PROMPTS, "view_channel")
    queue = await driver.command("queue show", user=MOD)
    out = await driver.click(queue.message_id, "promptfill:queue:approve:1", user=MOD)
    assert "Approved #1." in out.messages[0]["content"]
    assert out.ephemeral and "could not be posted" in out.content
    assert f"I am missing the View Channel permission in <#{PROMPTS.id}>" in out.content


async def test_a_log_line_the_bot_may_not_post_is_reported_to_the_moderator(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, log_channel=LOG, require_approval=True)
    await submit(driver, TEXT, user=ALICE)
    await driver.forbid(LOG, "send_messages")
    out = await driver.command("queue approve", user=MOD, prompt=1)
    assert out.content.startswith("Prompt #1 approved and open for claims: [see its post](")
    assert f"I could not note it in the log channel: I am missing the Send Messages permission in <#{LOG.id}>" in (
        out.content
    )


async def test_a_members_prompt_that_cannot_be_posted_is_saved_and_the_moderators_are_told(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, log_channel=LOG)
    await driver.forbid(PROMPTS, "send_messages")
    out = await driver.command("prompt submit", user=ALICE, text=TEXT)
    assert out.messages[0]["content"].startswith("Thank you! Your prompt is **#1**.")
    assert out.ephemeral and out.content == (
        "Prompt #1 is saved and open for claims, but it could not be posted: I am missing the Send Messages "
        f"permission in <#{PROMPTS.id}>. The moderators have been told in the log channel."
    )
    assert "Send Messages" in driver.posts(LOG)[-1]["content"]


async def test_a_fill_announcement_that_cannot_be_posted_tells_the_moderators_not_the_writer_to(
    driver: Driver,
) -> None:
    await driver.command("settings set", user=MOD, fills_channel=FILLS, log_channel=LOG)
    await submit(driver, TEXT, user=BOB)
    await driver.forbid(FILLS, "send_messages")
    out = await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    assert "recorded" in out.messages[0]["content"]
    assert out.ephemeral and out.content == (
        "Your fill of #1 is safely recorded, but I could not announce it: "
        f"I am missing the Send Messages permission in <#{FILLS.id}>. The moderators have been told."
    )
    assert "tell a moderator" not in out.text.lower()
    warning = driver.posts(LOG)[-1]["content"]
    assert f"The fill of #1 by <@{CAROL.id}> could not be announced" in warning
    assert f"Send Messages permission in <#{FILLS.id}>" in warning
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).fill_count == 1


async def test_a_post_that_can_no_longer_be_edited_warns_the_moderators(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, log_channel=LOG)
    await submit(driver, TEXT, user=BOB)
    await driver.forbid(PROMPTS, "view_channel")
    out = await driver.command("claim", user=CAROL, prompt=1)
    assert "You claimed prompt #1" in out.content  # the claim holds
    warning = driver.posts(LOG)[-1]["content"]
    assert warning.startswith("⚠️ The post of prompt #1 could not be brought up to date")
    assert f"View Channel permission in <#{PROMPTS.id}>" in warning
    assert sum(p["content"].startswith("⚠️") for p in driver.posts(LOG)) == 1


async def test_moderator_actions_whose_log_line_is_refused_say_what_is_missing_where(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG, fills_channel=FILLS)
    await submit(driver, TEXT, user=BOB)
    await submit(driver, TEXT + " Two.", user=BOB)
    await driver.command("fill", user=CAROL, prompt=2, url=WORK)
    await driver.forbid(LOG, "send_messages")
    missing = (
        "That is done, but I could not note it in the log channel: "
        f"I am missing the Send Messages permission in <#{LOG.id}>."
    )
    edited = await driver.command("prompt edit", user=MOD, prompt=1, title="Retitled")
    assert edited.ephemeral and edited.content == missing
    withdrawn = await driver.command("prompt withdraw", user=MOD, prompt=1)
    assert withdrawn.ephemeral and withdrawn.content == missing
    unfilled = await driver.command("unfill", user=MOD, prompt=2, url=WORK)
    assert unfilled.messages[0]["content"].startswith("Removed the fill") and unfilled.content == missing
    await driver.command("settings set", user=MOD, require_approval=True)
    await submit(driver, TEXT + " Three.", user=BOB)
    rejected = await driver.command("queue reject", user=MOD, prompt=3)
    assert rejected.ephemeral and rejected.content == missing
    # The prompter's own edit writes no log line, so there is nothing to report to them.
    own = await driver.command("prompt edit", user=BOB, prompt=2, title="Mine")
    assert "log channel" not in own.text


async def test_a_removed_fills_announcement_that_cannot_be_edited_warns_the_moderators(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG, fills_channel=FILLS)
    await submit(driver, TEXT, user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    await driver.forbid(FILLS, "view_channel")
    out = await driver.command("unfill", user=CAROL, prompt=1, url=WORK)
    assert "Removed the fill" in out.content
    warning = next(p["content"] for p in driver.posts(LOG) if p["content"].startswith("⚠️"))
    assert warning.startswith("⚠️ The announcement of the removed fill of #1 still shows the work")
    assert f"View Channel permission in <#{FILLS.id}>" in warning


async def test_an_approval_says_where_the_prompt_is_when_it_is_not_posted_for_other_reasons(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, require_approval=True)
    await submit(driver, TEXT, user=ALICE)
    out = await driver.command("queue approve", user=MOD, prompt=1)
    assert out.content == (
        "Prompt #1 approved and open for claims. No prompts channel is set, so it is not posted anywhere yet."
    )
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT + " Two.", user=ALICE)
    driver.fake.fail("POST", "/channels/{channel_id}/messages", channel_id=PROMPTS.id, status=0)  # connection drops
    out = await driver.command("queue approve", user=MOD, prompt=2)
    assert (
        out.content == f"Prompt #2 approved and open for claims, but its post did not get through to <#{PROMPTS.id}>."
    )
