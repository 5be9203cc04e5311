"""Anonymous questions (issue 23, item 5) through the real dispatch: `/exchange message` between a giver and
their recipient by direct message, never naming the giver; refusals; pinch hits; closed DMs; the export."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

from db.relay import MESSAGE_MAX, MESSAGES_PER_DAY
from tests.conftest import snapshot
from tests.driver import ALICE, BOB, CAROL, GUILD, LOG, MOD, Driver
from tests.test_avoid import everything_read_by, exported, tells_of_avoiding
from tests.test_exchanges import MEMBERS, _assignment_id, assignments, three_way

# three_way's ring: Carol writes for Alice, Alice for Bob, Bob for Carol.
GIVER_OF = {ALICE.id: CAROL.id, BOB.id: ALICE.id, CAROL.id: BOB.id}


async def sent_round(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await three_way(driver)
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic")
    assert assignments(Path(driver.bot.store.db.path)) == GIVER_OF


def stored(db_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT sender_id, receiver_id, recipient_id, to_side, text, delivery FROM exchange_messages ORDER BY id"
        ).fetchall()


async def test_a_giver_asks_and_the_recipient_answers_without_learning_who_asked(driver: Driver, db_path: Path) -> None:
    await sent_round(driver)
    before = len(driver.dms(BOB))
    # Alice writes for Bob: she asks him, and the @everyone in her text pings nobody.
    asked = await driver.command(
        "exchange message", user=ALICE, to="recipient", text="Would you like it angsty?\nOr fluffy? @everyone"
    )
    assert asked.ephemeral and f"Sent to <@{BOB.id}> without your name" in asked.content
    (dm,) = driver.dms(BOB)[before:]
    assert dm["content"].startswith(f"🎁 Your giver in **Yulefic** on {GUILD.name} writes to you.")
    assert "`to:giver`" in dm["content"]
    assert dm["content"].endswith(">>> Would you like it angsty?\nOr fluffy? @everyone")
    assert dm["allowed_mentions"]["parse"] == []
    assert str(ALICE.id) not in json.dumps(dm) and ALICE.name not in json.dumps(dm)
    # Bob answers his giver, whoever that is.
    answered = await driver.command("exchange message", user=BOB, to="giver", text="Fluffy, please!")
    assert answered.ephemeral and answered.content.startswith("Sent to your giver.")
    assert str(ALICE.id) not in json.dumps(answered.messages)
    answer = driver.dms(ALICE)[-1]["content"]
    assert answer.startswith(f"🎁 Your recipient <@{BOB.id}> in **Yulefic** on {GUILD.name} writes to you.")
    assert answer.endswith(">>> Fluffy, please!") and "`to:recipient`" in answer
    assert stored(db_path) == [
        (ALICE.id, BOB.id, BOB.id, "recipient", "Would you like it angsty?\nOr fluffy? @everyone", "delivered"),
        (BOB.id, ALICE.id, BOB.id, "giver", "Fluffy, please!", "delivered"),
    ]
    # Nothing went to the log channel or anywhere else.
    assert not any("Fluffy" in json.dumps(p) for p in driver.posts(LOG))


async def test_message_refusals_answer_privately_and_change_nothing(driver: Driver, db_path: Path, clock) -> None:
    await three_way(driver)
    before = snapshot(db_path)
    early = await driver.command("exchange message", user=ALICE, to="recipient", text="Hello")
    assert early.ephemeral and "Sign-ups for Yulefic are open" in early.content
    assert "send an anonymous message" in early.content and "not been sent yet" in early.content
    assert snapshot(db_path) == before
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic")
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (MEMBERS[0], dict(to="recipient", text="Hi"), "You have no assignment in Yulefic"),
        (MEMBERS[0], dict(to="giver", text="Hi"), "Nobody is writing a gift for you in Yulefic"),
        (ALICE, dict(to="recipient", text="   "), "is empty once blank and invisible characters are removed"),
        (ALICE, dict(to="recipient", text="\u200b\u2800"), "is empty once blank and invisible characters"),
        (ALICE, dict(to="giver", text="Hi", exchange="Nope"), "no exchange called"),
    ]
    before = snapshot(db_path)
    for user, options, expected in cases:
        out = await driver.command("exchange message", user=user, **options)
        assert out.ephemeral and expected in out.content, (options, out.content)
        assert snapshot(db_path) == before
    # Discord's client stops longer text; the bot refuses it too (the API can be called directly).
    long = await driver.command_unchecked("exchange message", user=ALICE, to="recipient", text="x" * (MESSAGE_MAX + 1))
    assert long.ephemeral and f"must be up to {MESSAGE_MAX:,} characters long (yours is 1,501)" in long.content
    assert snapshot(db_path) == before
    # A day's worth, then a refusal, then room again the next day.
    for i in range(MESSAGES_PER_DAY):
        await driver.command("exchange message", user=ALICE, to="recipient", text=f"Question {i}")
    full = snapshot(db_path)
    refused = await driver.command("exchange message", user=ALICE, to="recipient", text="One more")
    assert refused.ephemeral and f"{MESSAGES_PER_DAY} messages in this exchange in the last 24 hours" in refused.content
    assert snapshot(db_path) == full
    clock.advance(hours=24, seconds=1)
    later = await driver.command("exchange message", user=ALICE, to="recipient", text="One more")
    assert later.content.startswith(f"Sent to <@{BOB.id}>")
    # After the creators are revealed the giver is known: no more relaying.
    await driver.command("mod exchange reveal", user=MOD, exchange="Yulefic", what="works")
    works = await driver.command("exchange message", user=BOB, to="giver", text="Thank you!")
    assert works.content == "Sent to your giver. Their answer will come to you by direct message."
    await driver.command("mod exchange reveal", user=MOD, exchange="Yulefic", what="creators")
    done = snapshot(db_path)
    late = await driver.command("exchange message", user=BOB, to="giver", text="Thanks again!", exchange="Yulefic")
    assert late.ephemeral and "Yulefic is finished" in late.content and "write to each other directly" in late.content
    assert snapshot(db_path) == done


async def test_after_a_pinch_hit_the_recipient_reaches_the_new_giver(driver: Driver, db_path: Path) -> None:
    await sent_round(driver)
    await driver.command("exchange default", user=ALICE)  # Alice wrote for Bob
    waiting = snapshot(db_path)
    out = await driver.command("exchange message", user=BOB, to="giver", text="Anyone there?")
    assert out.ephemeral and "waiting for a pinch hitter" in out.content
    assert snapshot(db_path) == waiting
    gone = await driver.command("exchange message", user=ALICE, to="recipient", text="Sorry!")
    assert gone.ephemeral and "You have no assignment in Yulefic" in gone.content
    assert snapshot(db_path) == waiting
    taker = MEMBERS[0]
    listed = await driver.command("exchange pinchhits", user=taker)
    took = await driver.click(listed.message_id, f"promptfill:pinch:{_assignment_id(db_path, BOB.id)}", user=taker)
    assert "Thank you for pinch-hitting" in took.text
    alice_dms = len(driver.dms(ALICE))
    out = await driver.command("exchange message", user=BOB, to="giver", text="Hello, new giver")
    assert out.content.startswith("Sent to your giver.")
    assert driver.dms(taker)[-1]["content"].endswith(">>> Hello, new giver")
    assert len(driver.dms(ALICE)) == alice_dms  # the giver who defaulted hears nothing more
    asked = await driver.command("exchange message", user=taker, to="recipient", text="What do you like?")
    assert asked.content.startswith(f"Sent to <@{BOB.id}>")
    assert str(taker.id) not in json.dumps(driver.dms(BOB)[-1]) and taker.name not in json.dumps(driver.dms(BOB)[-1])


async def test_a_closed_dm_is_reported_to_the_sender_and_the_message_is_kept(driver: Driver, db_path: Path) -> None:
    await sent_round(driver)
    driver.fake.close_dms(BOB.id)
    out = await driver.command("exchange message", user=ALICE, to="recipient", text="Can you hear me?")
    assert out.ephemeral and "Your message is recorded, but" in out.content
    assert f"<@{BOB.id}> doesn't accept direct messages from the bot" in out.content
    driver.fake.close_dms(ALICE.id)
    answer = await driver.command("exchange message", user=BOB, to="giver", text="Here!")
    assert "your giver doesn't accept direct messages from the bot" in answer.content
    assert str(ALICE.id) not in answer.content
    assert [row[-1] for row in stored(db_path)] == ["refused", "refused"]
    driver.forget_errors()  # the refused direct messages are logged as warnings by the sender


async def test_the_moderators_export_keeps_every_relayed_message(driver: Driver) -> None:
    await sent_round(driver)
    await driver.command("exchange message", user=ALICE, to="recipient", text='Angst, "or" fluff?')
    await driver.command("exchange message", user=BOB, to="giver", text="=fluff")
    out = await driver.command("mod exchange export", user=MOD, exchange="Yulefic", format="json")
    messages = json.loads(exported(out))["messages"]
    assert [(m["from_id"], m["to_id"], m["to"], m["text"], m["delivery"]) for m in messages] == [
        (ALICE.id, BOB.id, "recipient", 'Angst, "or" fluff?', "delivered"),
        (BOB.id, ALICE.id, "giver", "=fluff", "delivered"),
    ]
    out = await driver.command("mod exchange export", user=MOD, exchange="Yulefic", format="csv")
    rows = list(csv.reader(io.StringIO(exported(out).decode())))
    relayed = [r for r in rows if r[0].startswith("message to")]
    assert relayed[0][:3] == ["message to recipient", str(ALICE.id), str(BOB.id)]
    assert relayed[0][5] == 'Angst, "or" fluff?' and relayed[1][5] == "'=fluff"  # spreadsheet-safe
    assert relayed[0][9] == "delivered"


async def test_no_giver_reaches_their_recipient_and_no_avoided_member_learns_of_it(
    driver: Driver, db_path: Path
) -> None:
    """The secrecy scan over everything the bot sent, relayed messages included, through a whole round."""
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await three_way(driver)
    await driver.command("exchange avoid", user=ALICE, member=MEMBERS[5])
    await driver.command("exchange avoid", user=CAROL, member=MEMBERS[5])
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic")
    for giver_id, recipient_id in ((CAROL.id, ALICE.id), (ALICE.id, BOB.id), (BOB.id, CAROL.id)):
        giver = next(u for u in (ALICE, BOB, CAROL) if u.id == giver_id)
        recipient = next(u for u in (ALICE, BOB, CAROL) if u.id == recipient_id)
        await driver.command("exchange message", user=giver, to="recipient", text="What would you love?")
        await driver.command("exchange message", user=recipient, to="giver", text="Anything, thank you!")
        await driver.command("exchange status", user=recipient)
    await driver.command("exchange gift", user=CAROL, url="https://archiveofourown.org/works/9", title="Wings")
    await driver.command("mod exchange reveal", user=MOD, exchange="Yulefic", what="works")
    await driver.command("exchange message", user=ALICE, to="giver", text="I loved it!")
    for recipient_id, giver_id in GIVER_OF.items():
        giver = next(u for u in (ALICE, BOB, CAROL) if u.id == giver_id)
        # Privately (replies, direct messages, relayed ones included) the giver is never named at all...
        for text in everything_read_by(driver, recipient_id, posts=False):
            assert str(giver_id) not in text, text[:300]
            assert f'"{giver.name}' not in text and f" {giver.name}" not in text, text[:300]
        # ...and in posts never beside their recipient (a giver is named there as a recipient of their own gift).
        for text in everything_read_by(driver, recipient_id):
            assert not (f"<@{giver_id}>" in text and f"<@{recipient_id}>" in text), text[:300]
    for text in everything_read_by(driver, MEMBERS[5].id):
        assert not tells_of_avoiding(text), text[:300]
