"""Do-not-match lists and the server's earlier pairs (issue 23, item 4), through the real dispatch.

The brute-force property with random do-not-match lists and earlier pairs is in tests/test_exchanges.py (the
matcher's own test, extended); here: the command, its refusals, and what the match does with the lists."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from db.avoid import AVOID_MAX
from db.match_types import PairRules, Participant, Wish
from db.matching import best_match
from tests.conftest import snapshot
from tests.driver import ALICE, BOB, CAROL, LOG, MOD, Driver
from tests.test_exchanges import MEMBERS, assignments, create, sign_up, three_way


def avoid_rows(db_path: Path) -> list[tuple[int, int]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT s.member_id, a.avoided_id FROM exchange_avoids a JOIN exchange_signups s ON s.id = a.signup_id"
            " ORDER BY a.rowid"
        ).fetchall()


def exported(out: Any) -> bytes:
    ((_, content),) = [f for call in out.calls for f in call.files]
    return content


# The post opening sign-ups names the command to everyone alike (cogs/ui/exchange_embeds.py): its mention says
# nothing about anyone's list, so the checks below read around it.
AVOID_COMMAND = re.compile(r"</exchange avoid:\d+>")


def tells_of_avoiding(text: str) -> bool:
    """Whether a message read by a member speaks of a do-not-match list (beyond the command's own mention)."""
    text = AVOID_COMMAND.sub("", text)
    return "avoid" in text.lower() or "do-not-match" in text


def everything_read_by(driver: Driver, member_id: int, *, posts: bool = True) -> list[str]:
    """Every message the member could read: replies to them, direct messages to them, and (with `posts`) every
    channel post, the log channel included (members may be able to read it)."""
    texts = []
    for call in driver.fake.calls:
        if call.method not in ("POST", "PATCH") or not isinstance(call.body, dict):
            continue
        body = call.body.get("data") or {} if call.route.endswith("/callback") else call.body
        if call.token:
            if driver.fake.interactions[call.token]["user_id"] != member_id:
                continue
        elif not call.route.startswith("/channels/{channel_id}/messages"):
            continue  # opening a direct message channel, syncing commands: read by nobody
        elif call.channel_id in driver.fake.dm_channels:
            if driver.fake.dm_channels[call.channel_id] != member_id:
                continue
        elif not posts:
            continue
        texts.append(json.dumps(body))
    return texts


async def test_a_member_lists_adds_and_removes_and_the_avoided_member_never_learns(
    driver: Driver, db_path: Path
) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await create(driver)
    await sign_up(driver, ALICE, [("Sherlock", None)], [("Good Omens", None)])
    logged = len(driver.posts(LOG))
    empty = await driver.command("exchange avoid", user=ALICE)
    assert empty.ephemeral and "Your do-not-match list for **Yulefic** is empty" in empty.content
    assert f"up to {AVOID_MAX} members" in empty.content
    added = await driver.command("exchange avoid", user=ALICE, member=BOB)
    assert added.ephemeral and f"<@{BOB.id}> is on your do-not-match list for **Yulefic**" in added.content
    assert f"(1 of {AVOID_MAX}): <@{BOB.id}>" in added.content and "never told" in added.content
    assert added.last["allowed_mentions"]["parse"] == []
    assert avoid_rows(db_path) == [(ALICE.id, BOB.id)]
    before = snapshot(db_path)
    again = await driver.command("exchange avoid", user=ALICE, member=BOB)
    assert again.ephemeral and "already on your do-not-match list" in again.content
    assert "nothing changed" in again.content
    assert snapshot(db_path) == before
    await driver.command("exchange avoid", user=ALICE, member=CAROL)
    listed = await driver.command("exchange avoid", user=ALICE)
    assert f"(2 of {AVOID_MAX}): <@{BOB.id}>, <@{CAROL.id}>" in listed.content
    removed = await driver.command("exchange avoid", user=ALICE, member=CAROL, remove=True)
    assert removed.ephemeral and f"<@{CAROL.id}> is off your do-not-match list" in removed.content
    assert avoid_rows(db_path) == [(ALICE.id, BOB.id)]
    # Bob reads nothing of it: no direct message, no post, no log line, no moderation-log entry.
    assert driver.dms(BOB) == [] and len(driver.posts(LOG)) == logged
    assert not any(tells_of_avoiding(t) for t in everything_read_by(driver, BOB.id))
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM audit_log WHERE action LIKE '%avoid%'").fetchone()[0] == 0
    # Leaving the exchange takes the list along with the sign-up.
    await driver.command("exchange leave", user=ALICE)
    assert avoid_rows(db_path) == []


async def test_avoid_refusals_answer_privately_and_change_nothing(driver: Driver, db_path: Path) -> None:
    await create(driver)
    await sign_up(driver, ALICE, [("Sherlock", None)], [("Good Omens", None)])
    for other in MEMBERS[: AVOID_MAX - 1]:
        await driver.command("exchange avoid", user=ALICE, member=other)
    await driver.command("exchange avoid", user=ALICE, member=BOB)  # the tenth
    cases: list[tuple[dict[str, Any], str]] = [
        (dict(user=CAROL, member=BOB), "You have not signed up for Yulefic"),
        (dict(user=CAROL), "You have not signed up for Yulefic"),
        (dict(user=ALICE, member=ALICE), "no need to avoid yourself"),
        (dict(user=ALICE, member=CAROL), f"already has {AVOID_MAX} members, the most it takes"),
        (dict(user=ALICE, member=CAROL, remove=True), f"<@{CAROL.id}> is not on your do-not-match list"),
        (dict(user=ALICE, remove=True), "Name the `member` to take off"),
        (dict(user=ALICE, member=CAROL, exchange="Nope"), "no exchange called"),
    ]
    before = snapshot(db_path)
    for options, expected in cases:
        out = await driver.command("exchange avoid", **options)
        assert out.ephemeral and expected in out.content, (options, out.content)
        assert snapshot(db_path) == before, options
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    closed = snapshot(db_path)
    late_cases: list[dict[str, Any]] = [dict(member=CAROL), dict(member=BOB, remove=True)]
    for options in late_cases:
        late = await driver.command("exchange avoid", user=ALICE, **options)
        assert late.ephemeral and "Sign-ups for Yulefic are closed" in late.content, late.content
        assert "so you cannot change your do-not-match list now" in late.content
        assert snapshot(db_path) == closed
    shown = await driver.command("exchange avoid", user=ALICE)  # still readable after the close
    assert f"({AVOID_MAX} of {AVOID_MAX})" in shown.content


@pytest.mark.parametrize("seed", range(3))
async def test_the_match_never_pairs_a_member_with_someone_on_their_list_either_way(
    driver: Driver, db_path: Path, monkeypatch, seed: int
) -> None:
    monkeypatch.setenv("PROMPTFILL_EXCHANGE_SEED", str(seed))
    await create(driver, match="any")
    four = [ALICE, BOB, CAROL, MEMBERS[0]]
    for member in four:
        await sign_up(driver, member, [("Anything", None)], [("Anything", None)])
    await driver.command("exchange avoid", user=ALICE, member=BOB)
    await driver.command("exchange avoid", user=CAROL, member=MEMBERS[0])
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    matched = await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    assert "Matched: 4" in matched.text, matched.text
    pairs = {(giver, recipient) for recipient, giver in assignments(db_path).items()}
    assert len(pairs) == 4
    for a, b in ((ALICE.id, BOB.id), (CAROL.id, MEMBERS[0].id)):
        assert (a, b) not in pairs and (b, a) not in pairs
    # The moderators' match report lists the pairs, never the lists.
    assert "avoid" not in matched.text.lower() and "do-not-match" not in matched.text


async def test_a_list_can_leave_someone_unmatched_and_the_report_does_not_say_why(
    driver: Driver, db_path: Path
) -> None:
    await create(driver, match="any")
    for member in (ALICE, BOB, CAROL):
        await sign_up(driver, member, [("Anything", None)], [("Anything", None)])
    await driver.command("exchange avoid", user=BOB, member=ALICE)
    await driver.command("exchange avoid", user=BOB, member=CAROL)
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    matched = await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    assert "Matched: 2" in matched.text and f"<@{BOB.id}>" in matched.text  # Bob is unmatched, named as such
    assert assignments(db_path) == {ALICE.id: CAROL.id, CAROL.id: ALICE.id}
    assert "avoid" not in matched.text.lower() and "do-not-match" not in matched.text


async def run_round(
    driver: Driver, db_path: Path, name: str, match: str, seed: int, monkeypatch
) -> dict[int, int | None]:
    """Alice, Bob and Carol as in three_way (only the ring Carol->Alice->Bob->Carol is compatible by fandom)."""
    monkeypatch.setenv("PROMPTFILL_EXCHANGE_SEED", str(seed))
    await create(driver, name, match=match)
    await sign_up(driver, ALICE, [("Good Omens", "Aziraphale")], [("Sherlock", None)], exchange=name)
    await sign_up(driver, BOB, [("Sherlock", None)], [("Discworld", None)], exchange=name)
    await sign_up(driver, CAROL, [("Discworld", None)], [("Good Omens", "Aziraphale, Crowley")], exchange=name)
    await driver.command("mod exchange close", user=MOD, exchange=name)
    out = await driver.command("mod exchange match", user=MOD, exchange=name)
    assert "Matched: 3" in out.text, out.text
    with sqlite3.connect(db_path) as conn:
        return dict(
            conn.execute(
                "SELECT a.recipient_id, a.giver_id FROM exchange_assignments a JOIN exchanges e"
                " ON e.id = a.exchange_id WHERE e.name = ?",
                (name,),
            )
        )


RING = {ALICE.id: CAROL.id, BOB.id: ALICE.id, CAROL.id: BOB.id}  # recipient -> giver
REVERSED = {ALICE.id: BOB.id, BOB.id: CAROL.id, CAROL.id: ALICE.id}


@pytest.mark.parametrize("seed", range(2))
async def test_a_new_exchange_does_not_repeat_an_earlier_pair_when_an_equally_full_match_avoids_it(
    driver: Driver, db_path: Path, monkeypatch, seed: int
) -> None:
    first = await run_round(driver, db_path, "Yulefic 2025", "fandom", seed, monkeypatch)
    assert first == RING
    # Before the first round's assignments go out, its pairs are not "earlier" ones: the ring is the best fit.
    unsent = await run_round(driver, db_path, "Draft", "any", seed, monkeypatch)
    assert unsent == RING  # the ring fills every request; the reversed ring fills none
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic 2025")
    # Under `any` both rings match everyone with no mutual pair; the ring fills more requests, but it repeats
    # every pair of last year: the reversed ring wins (repeats come before compatibility).
    second = await run_round(driver, db_path, "Yulefic 2026", "any", seed, monkeypatch)
    assert second == REVERSED
    shown = await driver.command("mod exchange match", user=MOD, exchange="Yulefic 2026")
    assert "Matched: 3" in shown.text and "repeated" not in shown.text


async def test_an_earlier_pair_is_repeated_when_nothing_as_full_avoids_it(
    driver: Driver, db_path: Path, monkeypatch
) -> None:
    await run_round(driver, db_path, "Yulefic 2025", "fandom", 1, monkeypatch)
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic 2025")
    # By fandom only the ring is possible: repeating it matches everyone, which counts first.
    assert await run_round(driver, db_path, "Yulefic 2026", "fandom", 1, monkeypatch) == RING
    shown = await driver.command("mod exchange match", user=MOD, exchange="Yulefic 2026")
    assert "Pairs repeated from earlier exchanges (no other match was as full): 3" in shown.text


async def test_the_moderators_export_lists_who_asked_not_to_be_matched_with_whom(driver: Driver) -> None:
    await three_way(driver)
    await driver.command("exchange avoid", user=ALICE, member=MEMBERS[3])
    out = await driver.command("mod exchange export", user=MOD, exchange="Yulefic", format="json")
    data = json.loads(exported(out))
    assert data["do_not_match"] == [{"member_id": ALICE.id, "avoided_ids": [MEMBERS[3].id]}]
    out = await driver.command("mod exchange export", user=MOD, exchange="Yulefic", format="csv")
    rows = list(csv.reader(io.StringIO(exported(out).decode())))
    assert ["do not match", str(ALICE.id), str(MEMBERS[3].id)] == rows[-1][:3]


def test_a_large_secret_santa_in_its_second_year_repeats_no_pair_and_no_mutual_pair() -> None:
    """300 members who would all write for anyone, with 1,500 pairs of earlier years: an assignment with no
    mutual pair and no repeat exists, and the matcher finds it (the integer program alone ran out of time here
    and repeated 5 pairs)."""
    rng = random.Random(1)
    people = [Participant(i, (Wish("a", frozenset()),), (Wish("a", frozenset()),)) for i in range(300)]
    earlier = frozenset((rng.randrange(300), rng.randrange(300)) for _ in range(1500))
    found = best_match(people, "any", random.Random(3), PairRules(earlier=earlier))
    assert (found.matched, found.mutual_pairs, found.repeated_pairs) == (300, 0, 0)
    assert not set(found.pairs) & earlier
