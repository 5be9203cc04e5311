"""Nominations for exchanges (issue 22, item 6): nominate, review with Approve / Reject, open sign-ups for the
approved fandoms only, reuse the approved set; every refusal answers privately and changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tests.conftest import snapshot
from tests.driver import ALICE, BOB, CAROL, GUILD, LOG, MOD, Driver
from tests.driver.api_schema import command_characters
from tests.driver.world import User
from tests.wording import unreadable

DAVE = User(730000000000002001, "dave")


def names(out: Any) -> list[str]:
    return [c["name"] for c in out.choices]


async def nominations_exchange(driver: Driver, name: str = "Yulefic", limit: int = 2) -> None:
    out = await driver.command("mod exchange create", user=MOD, name=name, nominations=True, nominations_max=limit)
    assert out.ephemeral and "collecting fandom nominations" in out.content, out.content
    assert "`/mod exchange nominations`" in out.content or "mod exchange nominations" in out.content


async def nominate(driver: Driver, user: User, fandom: str, **options: Any) -> Any:
    out = await driver.command("exchange nominate", user=user, fandom=fandom, **options)
    assert out.ephemeral and "Nominated **" in out.content, out.content
    return out


async def review(driver: Driver) -> Any:
    out = await driver.command("mod exchange nominations", user=MOD, exchange="Yulefic")
    assert out.ephemeral
    return out


def decisions(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as conn:
        return dict(conn.execute("SELECT fandom, approved FROM exchange_fandoms"))


async def test_a_whole_nominations_phase_from_nominating_to_sign_ups_for_the_approved_fandoms(
    driver: Driver, db_path: Path
) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await nominations_exchange(driver)
    first = await nominate(driver, ALICE, "Good Omens")
    assert "(1 of 2)" in first.content
    await nominate(driver, BOB, "good omens")  # the same fandom, ignoring case: counted once in the review
    await nominate(driver, BOB, "Sherlock")
    await nominate(driver, CAROL, "Discworld")
    await nominate(driver, CAROL, "Hannibal")
    await nominate(driver, DAVE, "Sherlok")  # a typo, merged below

    # A member sees their own and withdraws one (autocompleted from their own nominations only).
    own_choices = await driver.autocomplete("exchange nominate", "withdraw", "", user=CAROL)
    assert names(own_choices) == ["Discworld", "Hannibal"]
    own = await driver.command("exchange nominate", user=CAROL)
    assert own.ephemeral and "**Discworld**, **Hannibal**" in own.content and "(2 of 2)" in own.content
    gone = await driver.command("exchange nominate", user=CAROL, withdraw="Hannibal")
    assert "Withdrew your nomination of **Hannibal**" in gone.content and "(1 of 2)" in gone.content
    await nominate(driver, CAROL, "Hannibal")  # room again
    swapped = await nominate(driver, CAROL, "Hannibal Lecter", withdraw="Hannibal")  # a swap at the limit
    assert "Withdrew your nomination of **Hannibal**. Nominated **Hannibal Lecter**." in swapped.content
    await nominate(driver, CAROL, "Hannibal", withdraw="Hannibal Lecter")

    # Sign-ups are not open yet: a request says so and what comes next.
    early = await driver.command("exchange request", user=ALICE, fandom="Good Omens")
    assert early.ephemeral and "Yulefic is collecting fandom nominations" in early.content
    # In a member's words: what happens next and what they can do meanwhile, not the moderators' commands.
    assert "Sign-ups for Yulefic open once the moderators approve the nominated fandoms." in early.content
    assert "Meanwhile you can nominate with `/exchange nominate`." in early.content and "/mod" not in early.content

    # Moderators review every fandom in one paged message; nominators are never named.
    shown = await review(driver)
    text = shown.text
    assert text.index("Discworld") < text.index("Good Omens") < text.index("Hannibal") < text.index("Sherlock")
    assert "**Good Omens** · 2 nominations · waiting for a decision" in text
    assert str(ALICE.id) not in text and "page 1 of 2" in text  # 5 fandoms, 4 a page
    ids = shown.custom_ids
    assert "promptfill:nominations:approve:1" in ids and "promptfill:nominations:reject:4" in ids
    assert "promptfill:page:next" in ids
    message = shown.message_id
    for custom_id in ("approve:1", "approve:2", "reject:3"):  # Discworld, Good Omens, Hannibal
        clicked = await driver.click(message, f"promptfill:nominations:{custom_id}", user=MOD)
        assert not clicked.messages or "✅" in clicked.text or "❌" in clicked.text
    page = driver.fake.messages[message]
    edited = str(page["embeds"])
    assert "**Discworld** · 1 nomination · ✅ approved" in edited
    assert "**Hannibal** · 1 nomination · ❌ rejected" in edited
    assert decisions(db_path) == {"Discworld": 1, "Good Omens": 1, "Hannibal": 0}
    approved_button = next(
        c for row in page["components"] for c in row["components"] if c["custom_id"].endswith("approve:1")
    )
    assert approved_button.get("disabled") is True  # the decision taken is greyed out
    await driver.click(message, "promptfill:nominations:approve:4", user=MOD)  # Sherlock
    assert decisions(db_path)["Sherlock"] == 1
    turned = await driver.click(message, "promptfill:page:next", user=MOD)
    second = str(driver.fake.messages[message]["embeds"])
    assert turned.kind == 7 and "**Sherlok** · 1 nomination · waiting for a decision" in second
    assert "Sherlock" not in second.replace("Sherlok", "")
    assert any(f"<@{MOD.id}> approved Sherlock for Yulefic" in p["content"] for p in driver.posts(LOG))

    # Merging a nomination into an approved fandom approves it: Sherlok is now one more nomination of Sherlock.
    merged = await driver.command("fandoms merge", user=MOD, from_="Sherlok", into="Sherlock")
    assert merged.ephemeral
    again = (await review(driver)).text
    assert "Sherlok" not in again and "**Sherlock** · 2 nominations · ✅ approved" in again

    opened = await driver.command("mod exchange open", user=MOD, exchange="Yulefic")
    assert "Sign-ups for **Yulefic** are open, for its approved fandoms." in opened.content
    assert (await driver.bot.store.exchanges.get(GUILD.id, "Yulefic")).phase == "signups"

    # From now on the fandom options offer only the approved set, and requests and offers must name one of it.
    assert names(await driver.autocomplete("exchange request", "fandom", "")) == ["Discworld", "Good Omens", "Sherlock"]
    assert names(await driver.autocomplete("exchange offer", "fandom", "om")) == ["Good Omens"]
    added = await driver.command("exchange request", user=ALICE, fandom="good omens")
    assert "Request added" in added.content
    offered = await driver.command("exchange offer", user=ALICE, fandom="Sherlock")
    assert "Offer added" in offered.content
    refused = await driver.command("exchange request", user=BOB, fandom="Good Omans")
    assert refused.ephemeral and "Good Omans is not among the fandoms approved for Yulefic" in refused.content
    assert "The closest approved: Good Omens" in refused.content

    # A later exchange reuses the approved set without nominating again.
    reused = await driver.command("mod exchange create", user=MOD, name="Yulefic 2027", tagset_from="Yulefic")
    assert "open for sign-ups" in reused.content and "approved fandoms are those of Yulefic" in reused.content
    later = await driver.command("exchange request", user=CAROL, fandom="Hannibal", exchange="Yulefic 2027")
    assert "Hannibal is not among the fandoms approved for Yulefic 2027" in later.content
    fine = await driver.command("exchange request", user=CAROL, fandom="Discworld", exchange="Yulefic 2027")
    assert "Request added" in fine.content
    assert names(await driver.autocomplete("exchange request", "fandom", "", exchange="Yulefic 2027")) == [
        "Discworld",
        "Good Omens",
        "Sherlock",
    ]
    assert unreadable(driver) == []  # every reply, review page, post and log line reads as words


async def test_nominations_refusals_answer_privately_and_change_nothing(driver: Driver, db_path: Path) -> None:
    await nominations_exchange(driver)
    await nominate(driver, ALICE, "Good Omens")
    await nominate(driver, ALICE, "Sherlock")
    shown = await review(driver)
    before = snapshot(db_path)
    cases: list[tuple[str, dict[str, Any], str]] = [
        # a member reviewing: /mod is refused at run time, whatever Discord shows
        ("mod exchange nominations", dict(user=ALICE, exchange="Yulefic"), "Only moderators"),
        # past the limit
        ("exchange nominate", dict(user=ALICE, fandom="Discworld"), "You've nominated Good Omens and Sherlock"),
        ("exchange nominate", dict(user=ALICE, fandom="good omens"), "already nominated good omens"),
        ("exchange nominate", dict(user=BOB, withdraw="Sherlock"), "You have not nominated Sherlock"),
        # a swap whose nomination is refused keeps the one it would have withdrawn
        ("exchange nominate", dict(user=ALICE, withdraw="Sherlock", fandom="Good Omens"), "already nominated Good"),
        ("mod exchange open", dict(user=MOD, exchange="Yulefic"), "Yulefic has no approved fandom yet"),
        ("exchange offer", dict(user=BOB, fandom="Sherlock"), "collecting fandom nominations"),
        ("mod exchange create", dict(user=MOD, name="Later", tagset_from="Yulefic"), "no approved fandom yet"),
        ("mod exchange create", dict(user=MOD, name="Later", tagset_from="Nope"), "no exchange called"),
    ]
    for command, options, expected in cases:
        out = await driver.command(command, **options)
        assert out.ephemeral and expected in out.content, (command, out.content)
        assert snapshot(db_path) == before, f"/{command} changed something"
    # Someone else pressing the moderator's review buttons.
    stranger = await driver.click(shown.message_id, "promptfill:nominations:approve:1", user=BOB)
    assert stranger.ephemeral and snapshot(db_path) == before

    # Outside the nominations phase: in an exchange without nominations, and once sign-ups are open.
    out = await driver.command("mod exchange create", user=MOD, name="Plain")
    assert "open for sign-ups" in out.content
    await driver.click(shown.message_id, "promptfill:nominations:approve:1", user=MOD)  # Good Omens
    await driver.command("mod exchange open", user=MOD, exchange="Yulefic")
    before = snapshot(db_path)
    late: list[tuple[dict[str, Any], str]] = [
        (dict(fandom="Discworld", exchange="Plain"), "Sign-ups for Plain are open, so you cannot nominate a fandom"),
        (dict(fandom="Discworld", exchange="Yulefic"), "Sign-ups for Yulefic are open, so you cannot nominate"),
        (dict(withdraw="Sherlock", exchange="Yulefic"), "so you cannot withdraw a nomination"),
    ]
    for options, expected in late:
        out = await driver.command("exchange nominate", user=ALICE, **options)
        assert out.ephemeral and expected in out.content, out.content
        assert "Nominations come before sign-ups open" in out.content and "close" not in out.content
        assert snapshot(db_path) == before
    decided = await driver.click(shown.message_id, "promptfill:nominations:reject:1", user=MOD)
    assert decided.ephemeral and "so you cannot approve or reject fandoms" in decided.content
    # Requesting a fandom outside the approved set (Sherlock was nominated, never approved).
    refused = await driver.command("exchange request", user=BOB, fandom="Sherlock", exchange="Yulefic")
    assert refused.ephemeral and "Sherlock is not among the fandoms approved for Yulefic" in refused.content
    assert "The closest approved: Good Omens" in refused.content
    assert snapshot(db_path) == before
    assert unreadable(driver) == []


async def test_the_commands_stay_within_discords_limits(driver: Driver) -> None:
    schema = {c["name"]: c for c in driver.bot.command_schema()}
    for name in ("mod", "exchange"):
        assert command_characters(schema[name]) <= 4000, name
    group = next(o for o in schema["mod"]["options"] if o["name"] == "exchange")
    assert len(group["options"]) <= 25 and len(schema["exchange"]["options"]) <= 25
