"""What members read on the sign-up side of an exchange (issue: the newcomer's read of the story's screenshots):
the post that opens sign-ups, the sign-up card, the status, the next step after a refusal, the assignment and the
nomination limit. Each through the real dispatch; each refusal leaves the database as it was."""

from __future__ import annotations

import json
from pathlib import Path

from cogs.ui import exchange_embeds as render
from db.exchange_models import Exchange, ExchangeSettings
from tests.conftest import snapshot
from tests.driver import ALICE, BOB, CAROL, FILLS, MOD, Driver
from tests.test_exchanges import create, sign_up, whole_round_in, with_channel_option
from tests.test_nominations import nominate, nominations_exchange, review
from tests.wording import unreadable


def mention(driver: Driver, name: str) -> str:
    return f"</exchange {name}:{driver.bot.command_ids['exchange']}>"


async def test_the_post_opening_sign_ups_says_the_fandoms_the_counts_the_dates_and_the_commands(
    driver: Driver,
) -> None:
    out = await with_channel_option(
        driver, "mod exchange create", FILLS, name="Yulefic", signups_close="2026-03-10", due="2026-03-20"
    )
    assert "open for sign-ups" in out.content
    post = driver.posts(FILLS)[-1]["content"]
    assert post.startswith("🎁 Sign-ups for **Yulefic** are open until <t:1773187199:D>.")  # 2026-03-10 23:59:59
    assert "Any fandom is welcome." in post  # no approved set
    assert "A sign-up takes 1 to 3 requests and 1 to 5 offers." in post
    assert "Gifts are due <t:1774051199:D>." in post  # 2026-03-20 23:59:59
    for command in ("request", "offer", "letter", "signup", "summary", "avoid"):
        assert mention(driver, command) in post, command
    assert len(post) <= 2000
    assert unreadable(driver) == []


def test_the_opening_post_stays_within_discords_2000_characters_with_hundreds_of_fandoms() -> None:
    class Bot:  # only mention() is asked of the bot here
        @staticmethod
        def mention(name: str, *, dm: bool = False) -> str:
            return f"</{name}:1100000000000000015>"

    settings = ExchangeSettings(requests_min=2, requests_max=2, signups_close_at=1773187199, due_at=1774051199)
    exchange = Exchange(1, 1, "Yulefic", "signups", settings, 1, 0, None)
    fandoms = [f"Fandom number {i} with a rather long name indeed" for i in range(300)]
    post = render.signups_opened_post(Bot(), exchange, fandoms)  # type: ignore[arg-type]
    assert len(post) <= 2000 and "Fandoms (300): Fandom number 0 with" in post and "more." in post
    assert "A sign-up takes 2 requests and 1 to 5 offers." in post and "</exchange avoid:" in post  # all of it fits


async def test_sign_ups_opening_after_nominations_list_the_approved_fandoms(driver: Driver) -> None:
    """Nominators learn the result: the opening post names the approved fandoms, and only those."""
    await with_channel_option(driver, "mod exchange create", FILLS, name="Yulefic", nominations=True, nominations_max=2)
    await nominate(driver, ALICE, "Good Omens")
    await nominate(driver, BOB, "Discworld")
    await nominate(driver, CAROL, "Hannibal")
    shown = await review(driver)  # by name: Discworld, Good Omens, Hannibal
    for custom_id in ("approve:1", "approve:2", "reject:3"):
        await driver.click(shown.message_id, f"promptfill:nominations:{custom_id}", user=MOD)
    await driver.command("mod exchange open", user=MOD, exchange="Yulefic")
    post = driver.posts(FILLS)[-1]["content"]
    assert "Fandoms (2): Discworld, Good Omens. Requests and offers name one of them." in post
    assert "Hannibal" not in post and "Any fandom" not in post
    assert "A sign-up takes 1 to 3 requests and 1 to 5 offers." in post


async def test_the_sign_up_card_says_what_is_missing_the_counts_and_the_letter(driver: Driver) -> None:
    await create(driver)
    first = await driver.command("exchange request", user=ALICE, fandom="Good Omens")
    card = first.embeds[0]
    assert card["description"].startswith(f"Almost there: add an offer with {mention(driver, 'offer')}.")
    assert "No letter yet:" in card["description"] and mention(driver, "letter") in card["description"]
    assert [f["name"] for f in card["fields"]] == ["Requests: 1 (up to 3)", "Offers: 0 (up to 5)"]
    # The converse: an offer first asks for a request.
    converse = await driver.command("exchange offer", user=BOB, fandom="Sherlock")
    assert converse.embeds[0]["description"].startswith(
        f"Almost there: add a request with {mention(driver, 'request')}."
    )
    done = await driver.command("exchange offer", user=ALICE, fandom="Sherlock")
    assert done.embeds[0]["description"].startswith("Your sign-up is complete ✅.\nNo letter yet:")
    await driver.command("exchange letter", user=ALICE, text="Dear giver: angels, please.")
    mine = await driver.command("exchange signup", user=ALICE)
    assert "Your letter is written:" in mine.embeds[0]["description"]
    assert [f["name"] for f in mine.embeds[0]["fields"]] == ["Requests: 1 (up to 3)", "Offers: 1 (up to 5)"]
    assert "not complete" not in mine.text and "1–3" not in mine.text
    assert unreadable(driver) == []


async def test_status_is_in_plain_words_hides_defaults_from_members_and_follows_the_round(
    driver: Driver, clock
) -> None:
    await whole_round_in(driver, FILLS)
    await driver.command("exchange default", user=ALICE)
    member = await driver.command("exchange status", user=CAROL)
    text = member.embeds[0]["description"]
    assert "Matched by fandom" in text and "Each sign-up: 1 to 3 requests, 1 to 5 offers" in text
    assert "Matching:" not in text and "Defaults" not in text  # in a round of three it points at a person
    moderator = await driver.command("exchange status", user=MOD)
    assert "Defaults: 1" in moderator.embeds[0]["description"]
    for number, giver in enumerate((BOB, CAROL), start=1):
        await driver.command("exchange gift", user=giver, url=f"https://archiveofourown.org/works/{number}")
    clock.advance(days=25)  # past the due date (the end of 20 March)
    late = await driver.command("exchange status", user=CAROL)
    text = late.embeds[0]["description"]
    assert text.startswith("Gifts were due <t:1774051199:D>; the moderators will reveal them soon.")
    assert "Assignments for Yulefic have been sent" not in text and "Due:" not in text
    await driver.command("mod exchange reveal", user=MOD, exchange="Yulefic", what="works")
    revealed = await driver.command("exchange status", user=CAROL)
    text = revealed.embeds[0]["description"]
    assert "The gifts of Yulefic have been revealed" in text
    assert "Open pinch hits" not in text and "Due:" not in text
    assert unreadable(driver) == []


async def test_a_refused_phase_tells_members_what_happens_next_and_moderators_their_command(
    driver: Driver, db_path: Path
) -> None:
    await nominations_exchange(driver)
    before = snapshot(db_path)
    member = await driver.command("exchange request", user=BOB, fandom="Sherlock")
    assert member.ephemeral and member.content == (
        "Yulefic is collecting fandom nominations; sign-ups have not opened yet, so you cannot add a request now."
        " Sign-ups for Yulefic open once the moderators approve the nominated fandoms. Meanwhile you can nominate"
        " with `/exchange nominate`."
    )
    assert snapshot(db_path) == before
    moderator = await driver.command("exchange request", user=MOD, fandom="Sherlock")
    assert moderator.ephemeral and "`/mod exchange nominations`" in moderator.content
    assert "`/mod exchange open`" in moderator.content
    assert snapshot(db_path) == before


async def test_the_assignment_keeps_one_request_unnumbered_and_says_the_secret_and_the_ways_forward(
    driver: Driver,
) -> None:
    await whole_round_in(driver, FILLS)
    dm = driver.dms(ALICE)[0]  # Alice writes for Bob, who made one request
    embed = dm["embeds"][0]
    assert [f["name"] for f in embed["fields"]] == ["Their request"]
    assert "Keep it secret until the creators are revealed." in embed["description"]
    assert "`/exchange message` `to:recipient`" in embed["description"]  # plain names in a direct message
    assert "`/exchange default`" in embed["description"]
    shown = await driver.command("exchange assignment", user=ALICE)
    description = shown.embeds[0]["description"]
    assert mention(driver, "message") in description and mention(driver, "default") in description
    assert "Request 1" not in json.dumps(shown.embeds)


async def test_an_assignment_with_several_requests_numbers_them(driver: Driver) -> None:
    await create(driver, match="any")
    await sign_up(driver, ALICE, [("Good Omens", None), ("Sherlock", None)], [("Discworld", None)])
    await sign_up(driver, BOB, [("Discworld", None)], [("Good Omens", None)])
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic")
    embed = driver.dms(BOB)[0]["embeds"][0]  # two people: Bob writes for Alice
    assert [f["name"] for f in embed["fields"]] == ["Request 1", "Request 2"]


async def test_the_nomination_limit_names_the_exchange_the_nominations_and_the_swap(
    driver: Driver, db_path: Path
) -> None:
    await nominations_exchange(driver, limit=2)
    await nominate(driver, ALICE, "Good Omens")
    await nominate(driver, ALICE, "Sherlock")
    before = snapshot(db_path)
    out = await driver.command("exchange nominate", user=ALICE, fandom="Discworld")
    assert out.ephemeral and out.content == (
        "You've nominated Good Omens and Sherlock for Yulefic, the most it takes (2). To swap one, withdraw it:"
        " `/exchange nominate fandom:… withdraw:…`. Nothing was changed."
    )
    assert snapshot(db_path) == before
