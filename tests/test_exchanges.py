"""Exchange rounds through the real dispatch (EXCHANGES.md): every phase, secrecy, the outbox, pinch hits."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
import sqlite3
from pathlib import Path
from typing import Any, get_args

import pytest

from db.exchange_models import PHASE_ALLOWS, ExchangeAction
from db.match_types import NO_PAIR_RULES, MatchRule, PairRules, Participant, Wish
from db.matching import best_match, score
from interactions.refusals import ACTION_WORDS
from tests.conftest import snapshot, submit
from tests.driver import (
    ALICE,
    BOB,
    CAROL,
    FILLS,
    GENERAL,
    GUILD,
    LOG,
    MANAGE_GUILD,
    MOD,
    OTHER_CHANNEL,
    OTHER_GUILD,
    PROMPTS,
    Driver,
)
from tests.driver.api_schema import command_characters
from tests.driver.world import Channel, User

MEMBERS = [User(730000000000001000 + i, f"writer{i}") for i in range(24)]


async def create(driver: Driver, name: str = "Yulefic", **options) -> None:
    out = await driver.command("mod exchange create", user=MOD, name=name, **options)
    assert "open for sign-ups" in out.content, out.content


async def sign_up(
    driver: Driver, user: User, requests: list[tuple[str, str | None]], offers: list[tuple[str, str | None]], **kw
) -> None:
    for fandom, tags in requests:
        out = await driver.command(
            "exchange request", user=user, fandom=fandom, **({"tags": tags} if tags else {}), **kw
        )
        assert "Request added" in out.content, out.text
    for fandom, tags in offers:
        out = await driver.command("exchange offer", user=user, fandom=fandom, **({"tags": tags} if tags else {}), **kw)
        assert "Offer added" in out.content, out.text


def assignments(db_path: Path) -> dict[int, int | None]:
    """recipient -> giver, straight from the file."""
    with sqlite3.connect(db_path) as conn:
        return dict(conn.execute("SELECT recipient_id, giver_id FROM exchange_assignments"))


async def three_way(driver: Driver) -> None:
    """Alice, Bob and Carol, each able to write for each other only in a ring (no mutual pair possible)."""
    await create(driver, due="2026-03-20")
    await sign_up(driver, ALICE, [("Good Omens", "Aziraphale")], [("Sherlock", None)])
    await sign_up(driver, BOB, [("Sherlock", None)], [("Discworld", None)])
    await sign_up(driver, CAROL, [("Discworld", None)], [("Good Omens", "Aziraphale, Crowley")])


async def test_a_whole_exchange_from_sign_ups_to_the_reveal(driver: Driver, db_path: Path) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await three_way(driver)
    mine = await driver.command("exchange signup", user=ALICE)
    assert mine.ephemeral and "complete" in mine.text and "Good Omens" in mine.text
    refused = await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    assert refused.ephemeral and "Sign-ups for Yulefic are open" in refused.content
    assert "`/mod exchange close`" in refused.content and "signups" not in refused.content
    await driver.command("mod exchange close", user=MOD, exchange="yulefic")  # names ignore case
    matched = await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    assert "Participants: 3" in matched.text and "Matched: 3" in matched.text
    assert "Mutual pairs: 0" in matched.text
    assert assignments(db_path) == {ALICE.id: CAROL.id, BOB.id: ALICE.id, CAROL.id: BOB.id}
    sent = await driver.command("mod exchange send", user=MOD, exchange="Yulefic")
    assert "Sent 3 assignments" in sent.text and "`assigned`" not in sent.text
    for giver, recipient in ((CAROL, ALICE), (ALICE, BOB), (BOB, CAROL)):
        dms = driver.dms(giver)
        assert len(dms) == 1 and f"<@{recipient.id}>" in json.dumps(dms[0])
    own = await driver.command("exchange assignment", user=CAROL)
    assert f"<@{ALICE.id}>" in own.text and "Aziraphale" in own.text
    gift = await driver.command("exchange gift", user=CAROL, url="https://archiveofourown.org/works/123", title="Wings")
    assert gift.ephemeral and "hidden until the works are revealed" in gift.content
    status = await driver.command("exchange status", user=ALICE)
    assert "Gifts received: 1" in status.text and "Givers without a gift" not in status.text
    mod_status = await driver.command("exchange status", user=MOD)
    assert f"<@{ALICE.id}>" in mod_status.text and f"<@{BOB.id}>" in mod_status.text  # givers without a gift
    works = await driver.command("mod exchange reveal", user=MOD, exchange="Yulefic", what="works", channel=PROMPTS)
    assert "Revealed 1 gift " in works.text and f"<@{BOB.id}>" in works.text  # Bob and Carol got nothing yet
    posted = driver.posts(PROMPTS)
    assert len(posted) == 2 and "The gifts of **Yulefic** are here: 1 gift below" in posted[0]["content"]
    assert posted[1]["content"] == f"🎁 A gift for <@{ALICE.id}>." and "Secret Santa" not in json.dumps(posted[1])
    assert [int(u) for u in posted[1]["allowed_mentions"]["users"]] == [ALICE.id]
    assert str(CAROL.id) not in json.dumps(posted[1])
    assert any("Wings" in json.dumps(m) for m in driver.dms(ALICE))
    creators = await driver.command("mod exchange reveal", user=MOD, exchange="Yulefic", what="creators")
    assert "Yulefic** is finished" in creators.text
    after = driver.posts(PROMPTS)[-1]
    assert f"<@{CAROL.id}>" in json.dumps(after) and after["allowed_mentions"]["parse"] == []
    assert (await driver.bot.store.exchanges.get(GUILD.id, "Yulefic")).phase == "complete"


async def test_no_giver_is_shown_to_anyone_but_moderators_and_themselves_before_creators_are_revealed(
    driver: Driver,
) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await three_way(driver)
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic")
    # Everything members can do meanwhile, including a default and a pinch hit.
    await driver.command("exchange gift", user=CAROL, url="https://archiveofourown.org/works/9", title="Wings")
    for member in (ALICE, BOB, CAROL):
        await driver.command("exchange status", user=member)
        await driver.command("exchange assignment", user=member)
        await driver.command("exchange pinchhits", user=member)
    await driver.command("exchange default", user=ALICE)  # Alice wrote for Bob
    await driver.command("mod exchange reveal", user=MOD, exchange="Yulefic", what="works", channel=PROMPTS)
    pairs = {ALICE.id: BOB.id, BOB.id: CAROL.id, CAROL.id: ALICE.id}  # giver -> recipient
    for call in driver.fake.calls:
        body = call.body if isinstance(call.body, dict) else {}
        if call.route.endswith("/callback"):
            body = body.get("data") or {}
        text = json.dumps(body)
        if call.token:  # a reply: read by whoever ran the command; moderators see everything
            reader_ids = {driver.fake.interactions[call.token]["user_id"]}
            if MOD.id in reader_ids:
                continue
        elif call.channel_id == LOG.id:
            reader_ids = set()  # for moderators, but members may read it too: never a giver beside a recipient
        else:
            reader_ids = {driver.fake.dm_channels.get(call.channel_id or 0)}
        for giver, recipient in pairs.items():
            if f"<@{giver}>" in text and f"<@{recipient}>" in text and giver not in reader_ids:
                pytest.fail(
                    f"{call.method} {call.route} names giver {giver} beside recipient {recipient}: {text[:300]}"
                )
    assert driver.posts(PROMPTS) and all(f"<@{CAROL.id}>" not in json.dumps(p) for p in driver.posts(PROMPTS))


async def test_phase_and_permission_refusals_change_nothing(driver: Driver, db_path: Path) -> None:
    await three_way(driver)
    before = snapshot(db_path)
    cases = [
        (
            dict(name="mod exchange close", user=ALICE, exchange="Yulefic"),
            "Only moderators (Manage Server, or the server's moderator role) can use this.",
        ),
        (
            dict(name="mod exchange create", user=MOD, name_="yulefic"),
            "This server already has an exchange called “yulefic” (names ignore case). Choose another.",
        ),
        (
            dict(name="exchange assignment", user=ALICE),
            "Sign-ups for Yulefic are open, so you cannot see an assignment now. Assignments have not been sent yet.",
        ),
        (
            dict(name="exchange gift", user=ALICE, url="https://archiveofourown.org/works/1"),
            "Sign-ups for Yulefic are open, so you cannot post or replace a gift now. Assignments have not been sent"
            " yet.",
        ),
        (
            dict(name="mod exchange send", user=MOD, exchange="Yulefic"),
            "Sign-ups for Yulefic are open, so you cannot send assignments now. A moderator closes sign-ups first with"
            " `/mod exchange close`.",
        ),
        (
            dict(name="exchange status", user=ALICE, exchange="Nope"),
            "There is no exchange called “Nope” in this server. Pick one from the list the `exchange` option offers.",
        ),
        (
            dict(name="exchange drop", user=ALICE, item="request 7"),
            "Your sign-up has no request 7. `/exchange signup` shows the numbers.",
        ),
        (
            dict(name="mod exchange create", user=MOD, name_="Bad dates", due="24/12/2026"),
            "Due must be a date written YYYY-MM-DD, e.g. 2026-12-24. Nothing was changed.",
        ),
        (
            dict(name="mod exchange create", user=MOD, name_="Counts", requests_min=4, requests_max=2),
            "requests_min (4) is more than requests_max (2). Nothing was changed.",
        ),
        (
            dict(name="exchange request", user=BOB, fandom="Sherlock", tags="a, b, c"),
            "This exchange takes at most 3 requests per sign-up; remove one with `/exchange drop` first.",
        ),
        (
            dict(name="exchange status", user=ALICE, guild=OTHER_GUILD, channel=OTHER_CHANNEL),
            "This server has no exchange running. A moderator starts one with `/mod exchange create`.",
        ),
    ]
    await sign_up(driver, BOB, [("A", None), ("B", None)], [])
    before = snapshot(db_path)
    for options, expected in cases:
        command = options.pop("name")
        if "name_" in options:
            options["name"] = options.pop("name_")
        out = await driver.command(command, **options)
        assert out.ephemeral and out.content == expected, (command, out.content)  # the whole sentence
        assert snapshot(db_path) == before, f"/{command} changed something"
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    closed = snapshot(db_path)
    late = await driver.command("exchange offer", user=ALICE, fandom="Sherlock")
    assert late.ephemeral and "Sign-ups for Yulefic are closed" in late.content
    # A member is told what happens next, not a moderator's command (a moderator reads it: test_next_step_…).
    assert "ask a moderator: they can reopen sign-ups" in late.content and "/mod" not in late.content
    assert snapshot(db_path) == closed


async def test_a_member_in_several_exchanges_must_name_one(driver: Driver) -> None:
    await create(driver, "Spring")
    await create(driver, "Autumn")
    out = await driver.command("exchange request", user=ALICE, fandom="Sherlock")
    assert out.ephemeral and "2 exchanges" in out.content and "`exchange`" in out.content
    named = await driver.command("exchange request", user=ALICE, fandom="Sherlock", exchange="Autumn")
    assert "Request added" in named.content
    picks = await driver.autocomplete("exchange signup", "exchange", "aut", user=ALICE)
    assert [c["value"] for c in picks.callback["data"]["choices"]] == ["Autumn"]


def compatible(giver: Participant, recipient: Participant, rule: MatchRule, rules: PairRules = NO_PAIR_RULES) -> bool:
    """EXCHANGES.md's rule, written again here on its own terms, with the do-not-match lists (issue 23)."""
    if giver.member_id == recipient.member_id:
        return False
    pair = (giver.member_id, recipient.member_id)
    if pair in rules.avoid or pair[::-1] in rules.avoid:
        return False
    if rule == "any":
        return True
    for request, offer in itertools.product(recipient.requests, giver.offers):
        if request.fandom_key != offer.fandom_key:
            continue
        if rule == "fandom" or not request.tag_keys or not offer.tag_keys or request.tag_keys & offer.tag_keys:
            return True
    return False


def brute_force(
    people: list[Participant], rule: MatchRule, rules: PairRules = NO_PAIR_RULES
) -> tuple[int, int, int, int]:
    """The best (matched, -mutual pairs, -pairs repeated from earlier exchanges, score) over every assignment,
    by trying them all."""
    n = len(people)
    best = (-1, 0, 0, 0)
    edges = {
        (g, r): score(people[g], people[r], rule)
        for g in range(n)
        for r in range(n)
        if compatible(people[g], people[r], rule, rules)
    }
    earlier = {(g, r) for g, r in edges if (people[g].member_id, people[r].member_id) in rules.earlier}

    def walk(g: int, used: set[int], chosen: list[tuple[int, int]]) -> None:
        nonlocal best
        if g == n:
            pairs = set(chosen)
            mutual = sum(1 for a, b in pairs if a < b and (b, a) in pairs)
            total = sum(edges[p] or 0 for p in pairs)
            best = max(best, (len(pairs), -mutual, -len(pairs & earlier), total))
            return
        walk(g + 1, used, chosen)
        for r in range(n):
            if r not in used and (g, r) in edges:
                walk(g + 1, used | {r}, [*chosen, (g, r)])

    walk(0, set(), [])
    return best


def random_exchange(rng: random.Random) -> tuple[list[Participant], MatchRule]:
    fandoms = ["A", "B", "C", "D"]
    tags = ["x", "y", "z"]
    rules: list[MatchRule] = ["fandom", "fandom_and_tag", "fandom", "any"]
    rule = rng.choice(rules)
    n = rng.randint(4, 6 if rule == "any" else 9)

    def wish() -> Wish:
        return Wish(rng.choice(fandoms), frozenset(rng.sample(tags, rng.randint(0, 2))))

    people = [
        Participant(
            i + 1, tuple(wish() for _ in range(rng.randint(1, 2))), tuple(wish() for _ in range(rng.randint(1, 2)))
        )
        for i in range(n)
    ]
    return people, rule


def random_pair_rules(rng: random.Random, people: list[Participant]) -> PairRules:
    """Half the exchanges have none; the others a few do-not-match entries and earlier pairs among them."""
    if rng.random() < 0.5:
        return NO_PAIR_RULES
    ids = [p.member_id for p in people]
    pairs = [(a, b) for a in ids for b in ids if a != b]
    return PairRules(
        avoid=frozenset(rng.sample(pairs, rng.randint(0, 3))), earlier=frozenset(rng.sample(pairs, rng.randint(1, 8)))
    )


@pytest.mark.parametrize("seed", range(300))
def test_the_match_is_as_good_as_the_best_found_by_trying_every_assignment(seed: int) -> None:
    """Also with do-not-match lists and earlier exchanges' pairs (issue 23): never an avoided pair, and the
    fewest repeated pairs right after the matched count and mutual pairs, before compatibility."""
    people, rule = random_exchange(random.Random(seed))
    rules = random_pair_rules(random.Random(seed + 1000), people)
    found = best_match(people, rule, random.Random(seed), rules)
    by_id = {p.member_id: p for p in people}
    givers = [g for g, _ in found.pairs]
    recipients = [r for _, r in found.pairs]
    assert len(set(givers)) == len(givers) and len(set(recipients)) == len(recipients)  # one gift each way
    assert all(compatible(by_id[g], by_id[r], rule, rules) for g, r in found.pairs)  # valid, never oneself
    total = sum(score(by_id[g], by_id[r], rule) or 0 for g, r in found.pairs)
    repeated = sum(1 for pair in found.pairs if pair in rules.earlier)
    assert found.repeated_pairs == repeated
    assert (found.matched, -found.mutual_pairs, -repeated, total) == brute_force(people, rule, rules)


def test_equally_good_matches_differ_from_run_to_run_but_not_for_one_seed() -> None:
    people = [Participant(i, (Wish("a", frozenset()),), (Wish("a", frozenset()),)) for i in range(1, 9)]
    seeded = {best_match(people, "fandom", random.Random(7)).pairs for _ in range(5)}
    assert len(seeded) == 1
    unseeded = {best_match(people, "fandom", random.Random(s)).pairs for s in range(20)}
    assert len(unseeded) > 1
    assert all(best_match(people, "fandom", random.Random(s)).mutual_pairs == 0 for s in range(20))


@pytest.mark.parametrize("driver", [11], indirect=True)  # the bot's random source, seeded
async def test_the_bots_match_reaches_the_brute_force_optimum_through_the_commands(
    driver: Driver, db_path: Path
) -> None:
    for round_number, seed in enumerate((3, 17, 42)):
        people, rule = random_exchange(random.Random(seed))
        name = f"Round {round_number}"
        await create(driver, name, match=rule, requests_max=3, offers_max=3)
        users = MEMBERS[: len(people)]
        for user, person in zip(users, people, strict=True):
            await sign_up(
                driver,
                user,
                [(w.fandom_key, ", ".join(sorted(w.tag_keys)) or None) for w in person.requests],
                [(w.fandom_key, ", ".join(sorted(w.tag_keys)) or None) for w in person.offers],
                exchange=name,
            )
        await driver.command("mod exchange close", user=MOD, exchange=name)
        out = await driver.command("mod exchange match", user=MOD, exchange=name)
        best, mutual, _, _ = brute_force(people, rule)
        assert f"Matched: {best}" in out.text and f"Mutual pairs: {-mutual}" in out.text, (seed, out.text)


async def test_twenty_members_take_one_pinch_hit_at_once_and_exactly_one_wins(driver: Driver, db_path: Path) -> None:
    await three_way(driver)
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic")
    await driver.command("exchange default", user=ALICE)  # Bob needs a pinch hit
    listing = await driver.command("exchange pinchhits", user=MEMBERS[0])
    button = next(i for i in listing.custom_ids if i.startswith("promptfill:pinch:"))
    driver.fake.latency = 0.01
    outcomes = await asyncio.gather(*(driver.click(listing.message_id, button, user=m) for m in MEMBERS[:20]))
    won = [o for o in outcomes if "Thank you for pinch-hitting" in o.text]
    lost = [o for o in outcomes if "already been taken" in o.content]
    assert len(won) == 1 and len(lost) == 19
    assert all(o.ephemeral for o in outcomes)
    givers = assignments(db_path)
    assert givers[BOB.id] in {m.id for m in MEMBERS[:20]}


async def test_a_restart_in_the_middle_of_sending_sends_the_rest_once_and_reports_the_unknown(
    db_path: Path, clock
) -> None:
    first = await Driver.start(db_path, clock=clock)
    people = MEMBERS[:12]
    await first.command("settings set", user=MOD, log_channel=LOG)
    await first.command("mod exchange create", user=MOD, name="Ring", match="any")
    for user in people:
        await sign_up(first, user, [("Anything", None)], [("Anything", None)], exchange="Ring")
    await first.command("mod exchange close", user=MOD, exchange="Ring")
    await first.command("mod exchange match", user=MOD, exchange="Ring")
    first.fake.latency = 0.05
    sending = asyncio.ensure_future(first.command("mod exchange send", user=MOD, exchange="Ring"))
    while sum(len(first.dms(u)) for u in people) < 4:  # noqa: ASYNC110 - watching the fake's record, not an event
        await asyncio.sleep(0.01)
    sending.cancel()  # the process dies: whatever was in flight is unknown
    delivered_before = {u.id for u in people if first.dms(u)}
    await first.bot.store.close()
    await first.close()
    first.forget_errors()
    second = await Driver.start(db_path, clock=clock)  # its first sweep resumes the outbox
    try:
        await second.bot.get_cog("Exchanges").resumed_sending()  # type: ignore[union-attr]
        delivered_after = {u.id for u in people if second.dms(u)}
        assert not delivered_before & delivered_after  # nobody twice
        with sqlite3.connect(db_path) as conn:
            states = dict(conn.execute("SELECT giver_id, send_state FROM exchange_assignments"))
        unknown = {g for g, s in states.items() if s == "unknown"}
        assert set(states.values()) <= {"delivered", "unknown"}
        assert delivered_before | delivered_after | unknown == {u.id for u in people}
        assert len(delivered_after) >= 12 - len(delivered_before) - len(unknown)
        log_lines = " ".join(json.dumps(p) for p in second.posts(LOG))
        assert all(f"<@{g}>" in log_lines for g in unknown)
        second.forget_errors()
        await second.bot.sweep()  # nothing more on a later pass
        await second.bot.get_cog("Exchanges").resumed_sending()  # type: ignore[union-attr]
        assert {u.id for u in people if len(second.dms(u)) > 1} == set()
    finally:
        await second.close()


async def test_reminders_three_days_before_once_across_restarts_and_the_overdue_list_once(db_path: Path, clock) -> None:
    first = await Driver.start(db_path, clock=clock)
    await first.command("settings set", user=MOD, log_channel=LOG)
    await three_way(first)  # due 2026-03-20, the clock starts 2026-03-01
    await first.command("mod exchange close", user=MOD, exchange="Yulefic")
    await first.command("mod exchange match", user=MOD, exchange="Yulefic")
    await first.command("mod exchange send", user=MOD, exchange="Yulefic")
    await first.command("exchange gift", user=CAROL, url="https://archiveofourown.org/works/5")
    clock.advance(days=17)  # 2026-03-18 12:00: within three days of the end of the 20th
    await first.bot.sweep()
    reminded = {u.id for u in (ALICE, BOB, CAROL) if any("is due" in m.get("content", "") for m in first.dms(u))}
    assert reminded == {ALICE.id, BOB.id}  # Carol has posted hers
    await first.close()
    second = await Driver.start(db_path, clock=clock)
    try:
        await second.bot.sweep()
        assert all(not any("is due" in m.get("content", "") for m in second.dms(u)) for u in (ALICE, BOB, CAROL))
        clock.advance(days=3)  # past the end of the 20th
        await second.bot.sweep()
        await second.bot.sweep()
        overdue = [p for p in second.posts(LOG) if "is due. Givers without a gift: " in p.get("content", "")]
        assert (
            len(overdue) == 1
            and f"<@{ALICE.id}>" in overdue[0]["content"]
            and f"<@{CAROL.id}>" not in overdue[0]["content"]
        )
    finally:
        await second.close()


async def test_requests_never_appear_among_prompts_and_the_server_export_includes_exchanges(driver: Driver) -> None:
    await three_way(driver)
    # One prompt beside the requests, sharing their fandom and tag: every prompt command finds it, and only it.
    number = await submit(driver, "Aziraphale opens a bakery in Soho.", fandom="Good Omens", tags="Aziraphale")
    found = await driver.command("prompt search", query="Aziraphale")
    assert f"#{number}`" in found.text and re.findall(r"#(\d+)`", found.text) == [str(number)], found.text
    by_fandom = await driver.command("prompt list", fandom="Good Omens")
    assert re.findall(r"#(\d+)`", by_fandom.text) == [str(number)], by_fandom.text
    for _ in range(5):  # a draw from the server's prompts: the one prompt every time, never a request
        drawn = await driver.command("prompt random", user=BOB, fandom="Good Omens")  # not the prompter
        assert "Aziraphale opens a bakery" in drawn.text and "Sherlock" not in drawn.text, drawn.text
    export = await driver.command("mod exchange export", user=MOD, exchange="Yulefic", format="json")
    ((file_name, data),) = [f for call in export.calls for f in call.files]
    assert file_name == "exchange-Writers-Den-Yulefic.json"  # the server's name, never its id
    document = json.loads(data)
    assert document["name"] == "Yulefic" and len(document["signups"]) == 3
    server = await driver.command("export", user=MOD, format="json")
    ((_, whole),) = [f for call in server.calls for f in call.files]
    exchanges = json.loads(whole)["exchanges"]
    assert [e["name"] for e in exchanges] == ["Yulefic"] and len(exchanges[0]["signups"]) == 3
    assert [p["number"] for p in json.loads(whole)["prompts"]] == [number]  # the requests are not prompts
    csv_export = await driver.command("mod exchange export", user=MOD, exchange="Yulefic", format="csv")
    ((_, rows),) = [f for call in csv_export.calls for f in call.files]
    assert rows.decode().count("\nrequest,") == 3


async def test_delete_asks_first_and_then_removes_everything(driver: Driver, db_path: Path) -> None:
    await three_way(driver)
    asked = await driver.command("mod exchange delete", user=MOD, exchange="Yulefic")
    assert "cannot be undone" in asked.content
    assert assignments(db_path) == {} and snapshot(db_path)["exchange_signups"]
    out = await driver.click(asked.message_id, "promptfill:exchange:delete", user=MOD)
    assert "Deleted" in out.text
    tables = snapshot(db_path)
    assert all(not tables[t] for t in ("exchanges", "exchange_signups", "exchange_requests", "exchange_offers"))


async def test_the_remaining_commands_each_do_their_part(driver: Driver, db_path: Path) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await three_way(driver)
    await sign_up(driver, MEMBERS[0], [("Sherlock", None)], [("Good Omens", None)])
    dropped = await driver.command("exchange drop", user=MEMBERS[0], item="offer 1")
    assert "Removed offer 1" in dropped.content and "Almost there: add an offer" in dropped.text
    left = await driver.command("exchange leave", user=MEMBERS[0])
    assert "You have left" in left.content
    edited = await driver.command("mod exchange edit", user=MOD, exchange="Yulefic", offers_max=2, name="Yulefic 2026")
    assert "Yulefic 2026" in edited.content
    listing = await driver.command("mod exchange signups", user=MOD, exchange="Yulefic 2026")
    assert "Sign-up 1 of 3" in listing.text and f"<@{ALICE.id}>'s sign-up is complete" in listing.text
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic 2026")
    reopened = await driver.command("mod exchange open", user=MOD, exchange="Yulefic 2026")
    assert "open again" in reopened.content
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic 2026")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic 2026")
    unassigned = await driver.command("mod exchange unassign", user=MOD, exchange="Yulefic 2026", recipient=ALICE)
    assert "has no giver" in unassigned.content
    refused = await driver.command("mod exchange send", user=MOD, exchange="Yulefic 2026")
    assert "without a giver" in refused.content and f"<@{ALICE.id}>" in refused.content
    await driver.command("mod exchange assign", user=MOD, exchange="Yulefic 2026", recipient=ALICE, giver=CAROL)
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic 2026")
    await driver.command("exchange default", user=MOD, exchange="Yulefic 2026", member=BOB)  # Bob wrote for Carol
    assert assignments(db_path)[CAROL.id] is None
    restored = await driver.command("mod exchange undefault", user=MOD, exchange="Yulefic 2026", member=BOB)
    assert "theirs again" in restored.content and assignments(db_path)[CAROL.id] == BOB.id
    replaced = await driver.command(
        "mod exchange assign", user=MOD, exchange="Yulefic 2026", recipient=CAROL, giver=MEMBERS[1]
    )
    assert "told they are released" in replaced.text
    assert len(driver.dms(MEMBERS[1])) == 1 and any("released" in m["content"] for m in driver.dms(BOB))
    removed = await driver.command("mod exchange remove", user=MOD, exchange="Yulefic 2026", member=ALICE)
    assert "needs a pinch hit" in removed.content
    assert any("has left the exchange" in m.get("content", "") for m in driver.dms(CAROL))
    assert ALICE.id not in assignments(db_path) and assignments(db_path)[BOB.id] is None


async def test_assignment_and_pinch_hit_refusals_answer_privately_and_change_nothing(
    driver: Driver, db_path: Path
) -> None:
    await three_way(driver)  # rings: Alice writes for Bob, Bob for Carol, Carol for Alice
    not_yet = await driver.command("exchange signup", user=MEMBERS[0])
    assert not_yet.ephemeral and "You have not signed up" in not_yet.content
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic")
    await driver.command("exchange default", user=ALICE)  # Bob needs a pinch hit
    listing = await driver.command("exchange pinchhits", user=MEMBERS[0])
    button = next(i for i in listing.custom_ids if i.startswith("promptfill:pinch:"))
    before = snapshot(db_path)
    commands: list[tuple[dict[str, Any], str]] = [
        (
            dict(name="mod exchange assign", user=MOD, exchange="Yulefic", recipient=CAROL, giver=CAROL),
            "Nobody writes their own gift",
        ),
        (
            dict(name="mod exchange assign", user=MOD, exchange="Yulefic", recipient=BOB, giver=CAROL),
            "already owes a gift",
        ),
        (dict(name="mod exchange undefault", user=MOD, exchange="Yulefic", member=BOB), "no given-up assignment"),
        (dict(name="exchange default", user=MEMBERS[0]), "You have no assignment"),
        (
            dict(name="mod exchange assign", user=ALICE, exchange="Yulefic", recipient=BOB, giver=ALICE),
            "Only moderators",
        ),
        (dict(name="exchange default", user=ALICE, member=CAROL), "Only moderators"),
    ]
    for options, expected in commands:
        out = await driver.command(options.pop("name"), **options)
        assert out.ephemeral and expected in out.content, out.content
        assert snapshot(db_path) == before
    for member, expected in ((BOB, "your own gift"), (CAROL, "already writing a gift")):
        out = await driver.click(listing.message_id, button, user=member)
        assert out.ephemeral and expected in out.content, out.content
        assert snapshot(db_path) == before
    status = await driver.command("exchange status", user=MOD, exchange="Yulefic")
    assert "Defaults: 1" in status.text and "Open pinch hits: 1" in status.text


async def test_a_page_of_long_pinch_hits_stays_within_discords_limits(driver: Driver) -> None:
    await create(driver, "Long", match="any", requests_max=3)
    tags = ", ".join(f"{'Character ' * 4}{i}"[:50] for i in range(20))
    people = MEMBERS[:7]
    for user in people:
        for n in range(3):
            out = await driver.command(
                "exchange request", user=user, fandom=f"{'F' * 95} {n}", tags=tags, details="d" * 4000, exchange="Long"
            )
            assert "Request added" in out.content  # the sign-up embed itself fitted too (the driver checks)
        await driver.command("exchange offer", user=user, fandom="Anything", exchange="Long")
    await driver.command("mod exchange close", user=MOD, exchange="Long")
    await driver.command("mod exchange match", user=MOD, exchange="Long")
    await driver.command("mod exchange send", user=MOD, exchange="Long")
    for user in people[:6]:
        await driver.command("exchange default", user=user, exchange="Long")
    listing = await driver.command("exchange pinchhits", user=people[6], exchange="Long")
    assert len(listing.embeds) == 5 and "Showing the first 5" in listing.content
    assert sum(len(json.dumps(e)) for e in listing.embeds) < 7000  # the driver has checked the 6,000 rule
    assert driver.fake.refused == []


# -- issue 21: moderators' commands under /mod, rounds in the open, words people understand --------------------

INTERNAL_WORDS = ("(s)", "`signups`", "`closed`", "`assigned`", "works revealed", "phase", "None", "True", "False")


def readable(text: str) -> None:
    """No internal words, and no raw ids outside mentions (<@id>, <#id>)."""
    for word in INTERNAL_WORDS:
        assert word not in text, f"{word!r} in {text!r}"
    bare = [n for n in re.findall(r"(?<![@#:\d])\d{15,20}(?!\d)", text)]
    assert not bare, f"raw ids {bare} in {text!r}"


def message_texts(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or "", (embed.get("footer") or {}).get("text", "")]
        parts += [f"{f.get('name')} {f.get('value')}" for f in embed.get("fields") or []]
    return "\n".join(parts)


async def test_members_see_only_their_exchange_commands_and_moderators_find_theirs_under_mod(
    driver: Driver, db_path: Path
) -> None:
    schema = {c["name"]: c for c in driver.bot.command_schema()}
    members = schema["exchange"]
    assert members.get("default_member_permissions") is None  # everyone sees /exchange
    assert sorted(o["name"] for o in members["options"]) == sorted(
        [
            "request",
            "offer",
            "signup",
            "drop",
            "leave",
            "assignment",
            "gift",
            "default",
            "pinchhits",
            "nominate",
            "status",
            "letter",
            "summary",
            "avoid",
            "message",
        ]
    )
    assert not any(o["description"].startswith("Moderators") for o in members["options"])
    mod = schema["mod"]
    assert int(mod["default_member_permissions"]) == int(MANAGE_GUILD) and mod["contexts"] in (None, [0])
    group = next(o for o in mod["options"] if o["name"] == "exchange")
    assert group["type"] == 2 and len(group["options"]) == 15
    assert {o["name"] for o in group["options"]} >= {"create", "match", "send", "reveal", "export", "delete"}
    assert command_characters(mod) <= 4000 and command_characters(members) <= 4000
    # Hidden is not enough: a member who calls it anyway (the API can be called directly) is refused.
    await create(driver)
    before = snapshot(db_path)
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("mod exchange close", {"exchange": "Yulefic"}),
        ("mod exchange create", {"name": "X"}),
    ]
    for name, options in attempts:
        out = await driver.command(name, user=ALICE, **options)
        assert out.ephemeral and "Only moderators" in out.content
        assert snapshot(db_path) == before


async def with_channel_option(driver: Driver, command: str, channel: Channel, /, **options: Any) -> Any:
    """A command whose option is called `channel`, which `driver.command` takes for where it is typed."""
    payload = driver._base_payload(2, MOD, GENERAL, GUILD)
    payload["data"] = driver._command_data(command, {**options, "channel": channel}, focused=None)
    return await driver._dispatch(payload)


async def whole_round_in(driver: Driver, channel: Channel | None) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    if channel is None:
        await create(driver, due="2026-03-20")
    else:
        out = await with_channel_option(driver, "mod exchange create", channel, name="Yulefic", due="2026-03-20")
        assert "open for sign-ups" in out.content and f"Announced in <#{channel.id}>" in out.content
    await sign_up(driver, ALICE, [("Good Omens", "Aziraphale")], [("Sherlock", None)])
    await sign_up(driver, BOB, [("Sherlock", None)], [("Discworld", None)])
    await sign_up(driver, CAROL, [("Discworld", None)], [("Good Omens", "Aziraphale, Crowley")])
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic")


async def test_a_round_is_posted_in_the_exchanges_channel_from_sign_ups_to_the_reveal(
    driver: Driver, db_path: Path
) -> None:
    """Alice writes for Bob, Bob for Carol, Carol for Alice (the ring of three_way)."""
    await whole_round_in(driver, FILLS)
    posts = driver.posts(FILLS)
    assert [p["content"][:40] for p in posts] == [
        "🎁 Sign-ups for **Yulefic** are open.\nAny",
        "🎁 Sign-ups for **Yulefic** are closed. A",
        "🎁 The assignments for **Yulefic** have g",
    ]
    assert "/exchange request" in posts[0]["content"] and "<t:" in posts[0]["content"]  # how, and the due date
    mine = f"</exchange assignment:{driver.bot.command_ids['exchange']}>"
    assert f"check your direct messages; {mine} shows yours again" in posts[2]["content"]
    assert "3 givers" in posts[2]["content"]
    assignment_dm = driver.dms(ALICE)[0]["content"]  # direct messages name the server
    assert "**Yulefic** (Writers' Den)" in assignment_dm and "`/exchange assignment`" in assignment_dm
    assert driver.posts(GENERAL) == []  # where the moderator typed the commands: nothing
    gift = await driver.command("exchange gift", user=CAROL, url="https://archiveofourown.org/works/5", title="Wings")
    assert f"A gift for <@{ALICE.id}>, by <@{CAROL.id}>." in gift.text  # the giver sees their own name
    await driver.command("exchange default", user=ALICE, channel=GENERAL)  # Alice wrote for Bob
    wanted = driver.posts(FILLS)[-1]["content"]
    hits = f"</exchange pinchhits:{driver.bot.command_ids['exchange']}>"
    due = "<t:1774051199:R>"  # the end of 20 March 2026, relative: each reader sees "in 3 days" in their own time
    assert f"needs a pinch hitter: a Sherlock gift for <@{BOB.id}>, due {due}." in wanted and hits in wanted
    assert str(ALICE.id) not in wanted  # never who defaulted
    assert driver.posts(GENERAL) == []
    await driver.command("mod exchange reveal", user=MOD, exchange="Yulefic", what="works", channel=GENERAL)
    header, gift_post = driver.posts(FILLS)[-2:]
    assert "The gifts of **Yulefic** are here: 1 gift below" in header["content"]
    assert gift_post["content"] == f"🎁 A gift for <@{ALICE.id}>."
    assert str(CAROL.id) not in json.dumps(gift_post) and "Secret Santa" not in json.dumps(gift_post)
    await driver.command("mod exchange reveal", user=MOD, exchange="Yulefic", what="creators", channel=GENERAL)
    edits = [c.body for c in driver.fake.calls if c.method == "PATCH" and c.route.endswith("/messages/{message_id}")]
    assert edits and edits[-1]["content"] == f"🎁 A gift for <@{ALICE.id}>, by <@{CAROL.id}>."
    assert edits[-1]["embeds"][0]["title"] == "Wings"
    assert edits[-1]["allowed_mentions"]["parse"] == [] and not edits[-1]["allowed_mentions"].get("users")
    for message in driver.posts(FILLS):
        readable(message_texts(message))


async def test_a_pinch_hit_is_not_posted_where_the_giver_typed_when_the_exchange_has_no_channel(
    driver: Driver,
) -> None:
    await whole_round_in(driver, None)
    in_general = len(driver.posts(GENERAL))  # the moderator's announcements, where they ran the commands
    assert in_general == 3
    await driver.command("exchange default", user=ALICE, channel=GENERAL)
    assert len(driver.posts(GENERAL)) == in_general
    assert any(f"The assignment for <@{BOB.id}> in Yulefic was given up" in p["content"] for p in driver.posts(LOG))


def followup_id(outcome: Any) -> int:
    """The message a deferred command ended with (its followup), to click that message's buttons."""
    followups = [c for c in outcome.calls if c.method == "POST" and not c.route.endswith("/callback")]
    return int(followups[-1].response["id"])


@pytest.mark.parametrize("driver", [5], indirect=True)  # the bot's random source, seeded
async def test_the_match_shows_every_pair_page_by_page_with_send_and_match_again(driver: Driver, db_path: Path) -> None:
    await create(driver, match="any")
    for member in MEMBERS:  # 24 members, 20 pairs to a page
        await sign_up(driver, member, [("Anything", None)], [("Anything", None)])
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    report = await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    assert report.ephemeral and report.custom_ids == [
        "promptfill:page:previous",
        "promptfill:page:next",
        "promptfill:match:send",
        "promptfill:match:again",
    ]
    first = report.embeds[0]["description"]
    assert "Participants: 24\nMatched: 24\nUnmatched: 0\nMutual pairs: 0" in first  # its lines stay lines
    stored = assignments(db_path)
    shown = re.findall(r"<@(\d+)> writes for <@(\d+)>", first)
    assert len(shown) == 20 and all(stored[int(r)] == int(g) for g, r in shown)
    assert report.embeds[0]["footer"]["text"] == "Pairs, page 1 of 2"
    # Someone else's click changes nothing; the moderator's Next shows the last four.
    before = snapshot(db_path)
    stranger = await driver.click(followup_id(report), "promptfill:match:send", user=ALICE)
    assert stranger.ephemeral and "belong to whoever ran the command" in stranger.content
    assert snapshot(db_path) == before and not driver.dms(MEMBERS[0])
    second = await driver.click(followup_id(report), "promptfill:page:next", user=MOD)
    rest = re.findall(r"<@(\d+)> writes for <@(\d+)>", second.embeds[0]["description"])
    assert len(rest) == 4 and {r for _, r in shown + rest} == {str(m.id) for m in MEMBERS}
    again = await driver.click(followup_id(report), "promptfill:match:again", user=MOD)
    assert again.ephemeral and "Matched: 24" in again.text and "promptfill:match:send" in again.custom_ids
    sent = await driver.click(followup_id(again), "promptfill:match:send", user=MOD)
    assert sent.ephemeral and "Sent 24 assignments" in sent.text
    assert all(len(driver.dms(m)) == 1 for m in MEMBERS)
    # After sending, the old report's buttons are refused with the reason and change nothing.
    before = snapshot(db_path)
    late = await driver.click(followup_id(report), "promptfill:match:again", user=MOD)
    assert late.ephemeral and "Assignments for Yulefic have been sent" in late.content
    assert snapshot(db_path) == before


async def test_assigning_a_mutual_pair_by_hand_says_so(driver: Driver, db_path: Path) -> None:
    await three_way(driver)  # the ring: Alice writes for Bob, Bob for Carol, Carol for Alice
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    plain = await driver.command("mod exchange assign", user=MOD, exchange="Yulefic", recipient=BOB, giver=ALICE)
    assert "mutual" not in plain.content  # unchanged ring: no warning
    await driver.command("mod exchange unassign", user=MOD, exchange="Yulefic", recipient=CAROL)
    mutual = await driver.command("mod exchange assign", user=MOD, exchange="Yulefic", recipient=ALICE, giver=BOB)
    assert mutual.ephemeral and "mutual pair" in mutual.content
    assert f"<@{ALICE.id}> also writes for <@{BOB.id}>" in mutual.content
    assert assignments(db_path)[ALICE.id] == BOB.id  # a warning, not a refusal
    # A refused assignment says why and changes nothing, mutual or not.
    before = snapshot(db_path)
    refused = await driver.command("mod exchange assign", user=MOD, exchange="Yulefic", recipient=BOB, giver=BOB)
    assert refused.ephemeral and "Nobody writes their own gift" in refused.content
    assert snapshot(db_path) == before


async def test_a_member_who_defaulted_is_not_unmatched_and_her_recipient_needs_a_pinch_hitter(driver: Driver) -> None:
    await three_way(driver)
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange send", user=MOD, exchange="Yulefic")
    await driver.command("exchange default", user=ALICE)  # Alice wrote for Bob; Carol still writes for Alice
    status = await driver.command("exchange status", user=MOD, exchange="Yulefic")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert fields["Unmatched (0)"] == "none"
    assert fields["Needs a pinch hitter (1)"] == f"<@{BOB.id}>"
    member = await driver.command("exchange status", user=CAROL, exchange="Yulefic")
    assert "pinch hitter" not in member.text and "Unmatched" not in member.text  # moderators only
    taken = await driver.command("exchange pinchhits", user=MEMBERS[0], exchange="Yulefic")
    await driver.click(taken.message_id, taken.custom_ids[0], user=MEMBERS[0])
    status = await driver.command("exchange status", user=MOD, exchange="Yulefic")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert "Unmatched (0)" in fields and "Needs a pinch hitter (0)" in fields


async def test_status_after_the_reveal_shows_the_finished_exchange(driver: Driver, db_path: Path) -> None:
    await whole_round_in(driver, FILLS)
    running = await driver.command("exchange status", user=ALICE)
    assert "Assignments for Yulefic have been sent" in running.text and "Due: <t:" in running.text
    for number, giver in enumerate((ALICE, BOB, CAROL), start=1):
        await driver.command("exchange gift", user=giver, url=f"https://archiveofourown.org/works/{number}")
    await driver.command("mod exchange reveal", user=MOD, exchange="Yulefic", what="works")
    revealed = await driver.command("exchange status", user=BOB)
    shown = next(f for f in revealed.embeds[0]["fields"] if f["name"].startswith("Gifts"))["value"]
    # The works are out, their creators not yet: Bob sees every gift, and only his own with its creator.
    assert len(shown.splitlines()) == 3 and shown.count(", by <@") == 1 and f"by <@{BOB.id}>" in shown, shown
    await driver.command("mod exchange reveal", user=MOD, exchange="Yulefic", what="creators")
    finished = await driver.command("exchange status", user=ALICE)
    assert finished.ephemeral and "Yulefic is finished" in finished.text and f"<#{FILLS.id}>" in finished.text
    assert "no exchange running" not in finished.text
    readable(finished.text)
    # With it, its gifts as revealed: each work for its recipient, and its creator now that creators are out.
    gifts = next(f for f in finished.embeds[0]["fields"] if f["name"].startswith("Gifts"))
    assert gifts["name"] == "Gifts" and len(gifts["value"].splitlines()) == 3, gifts
    assert all(re.search(r"\]\(https://\S+\) for <@\d+>, by <@\d+>$", line) for line in gifts["value"].splitlines())
    # Member commands without `exchange` pick the latest exchange when none runs: a late request is told it is
    # finished, and nothing changes.
    before = snapshot(db_path)
    late = await driver.command("exchange request", user=ALICE, fandom="Sherlock")
    assert late.ephemeral and late.content == (
        "Yulefic is finished: its gifts and their creators have been revealed, so you cannot add a request now."
        " The moderators announce the next exchange when it opens."
    )
    assert snapshot(db_path) == before
    # Once a new one runs, it is the one they pick; the status without `exchange` shows it too.
    await create(driver, "Spring")
    added = await driver.command("exchange request", user=ALICE, fandom="Sherlock")
    assert added.content == "Request added." and "Spring" in added.text and "Yulefic" not in added.text
    status = await driver.command("exchange status", user=ALICE)
    assert status.embeds[0]["title"] == "Spring"


async def test_refusals_say_the_phase_in_words_and_counts_in_real_plurals(driver: Driver, db_path: Path) -> None:
    await create(driver, requests_min=2)
    await driver.command("exchange request", user=ALICE, fandom="Sherlock")
    mine = await driver.command("exchange signup", user=ALICE)
    assert "Not complete yet: add one more request with </exchange request:" in mine.text
    assert "and an offer with </exchange offer:" in mine.text and "Requests: 1 (at least 2, up to 3)" in mine.text
    readable(mine.text)
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    before = snapshot(db_path)
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("exchange offer", {"fandom": "Sherlock"}, "Sign-ups for Yulefic are closed and assignments go out soon"),
        ("exchange assignment", {}, "Assignments have not been sent yet"),
        ("mod exchange reveal", {"exchange": "Yulefic", "what": "works"}, "so you cannot reveal the works now"),
        (
            "mod exchange close",
            {"exchange": "Yulefic"},
            "Sign-ups for Yulefic are closed and assignments go out soon, so you cannot close sign-ups now. A"
            " moderator can reopen sign-ups with `/mod exchange open` until assignments are sent.",
        ),
        ("exchange gift", {"url": "https://archiveofourown.org/works/1"}, "Assignments have not been sent yet."),
    ]
    for name, options, expected in cases:
        out = await driver.command(name, user=MOD if name.startswith("mod") else ALICE, **options)
        assert out.ephemeral and expected in out.content, out.content
        readable(out.content)
        assert snapshot(db_path) == before


async def test_an_announcement_that_cannot_be_posted_is_reported_to_the_moderator(driver: Driver) -> None:
    out = await with_channel_option(driver, "mod exchange create", FILLS, name="Yulefic")
    assert f"Announced in <#{FILLS.id}>" in out.content
    driver.fake.fail("POST", "/channels/{channel_id}/messages", channel_id=FILLS.id)
    closed = await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    assert closed.ephemeral and "Sign-ups for **Yulefic** are closed" in closed.content
    assert f"could not be posted in <#{FILLS.id}>" in closed.content and "send messages" in closed.content
    assert (await driver.bot.store.exchanges.get(GUILD.id, "Yulefic")).phase == "closed"  # recorded all the same
    driver.forget_errors()


def last_post(driver: Driver, channel: Channel) -> tuple[int, dict[str, Any]]:
    call = [c for c in driver.post_calls() if c.channel_id == channel.id and c.response is not None][-1]
    return int(call.response["id"]), call.body


async def test_a_pinch_hit_is_taken_from_its_post_and_the_post_then_says_so_without_naming_anyone(
    driver: Driver, db_path: Path
) -> None:
    await whole_round_in(driver, FILLS)
    await driver.command("exchange default", user=ALICE)  # Alice wrote for Bob
    post_id, wanted = last_post(driver, FILLS)
    assert wanted["components"] and f"a Sherlock gift for <@{BOB.id}>, due <t:" in wanted["content"]
    taker = MEMBERS[0]
    took = await driver.click(post_id, f"promptfill:pinch:{_assignment_id(db_path, BOB.id)}", user=taker)
    assert took.ephemeral and "Thank you for pinch-hitting" in took.text and f"<@{BOB.id}>" in took.text
    assert assignments(db_path)[BOB.id] == taker.id
    edited = driver.fake.messages[post_id]
    assert edited["content"] == f"🎁 **Yulefic**'s pinch hit for <@{BOB.id}> has been taken. Thank you!"
    assert (
        edited["components"] == []
        and str(taker.id) not in json.dumps(edited)
        and str(ALICE.id) not in json.dumps(edited)
    )


async def test_a_pinch_hit_taken_from_the_list_edits_its_post(driver: Driver, db_path: Path) -> None:
    await whole_round_in(driver, FILLS)
    await driver.command("exchange default", user=ALICE)
    post_id, _ = last_post(driver, FILLS)
    listing = await driver.command("exchange pinchhits", user=MEMBERS[0])
    button = next(i for i in listing.custom_ids if i.startswith("promptfill:pinch:"))
    late_listing = await driver.command("exchange pinchhits", user=MEMBERS[1])
    await driver.click(listing.message_id, button, user=MEMBERS[0])
    post = driver.fake.messages[post_id]
    assert post["content"] == f"🎁 **Yulefic**'s pinch hit for <@{BOB.id}> has been taken. Thank you!"
    assert post["components"] == [] and str(MEMBERS[0].id) not in json.dumps(post)
    log = driver.posts(LOG)[-1]["content"]
    assert log == f"🎁 The pinch hit for <@{BOB.id}> in Yulefic was taken."  # the log channel never names a giver
    # A second member's Take, from a list shown before, is refused and changes nothing (the post stays edited).
    before = snapshot(db_path)
    late = await driver.click(late_listing.message_id, button, user=MEMBERS[1])
    assert late.ephemeral and "already been taken" in late.content
    assert snapshot(db_path) == before and driver.fake.messages[post_id] == post


def _assignment_id(db_path: Path, recipient_id: int) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT id FROM exchange_assignments WHERE recipient_id = ?", (recipient_id,)).fetchone()[0]


async def test_an_assignment_numbers_each_request_once(driver: Driver) -> None:
    await whole_round_in(driver, FILLS)
    embed = driver.dms(ALICE)[0]["embeds"][0]
    requests = [f for f in embed["fields"] if f["name"].startswith(("Request", "Their request"))]
    assert requests and all(not f["value"].startswith("**") for f in requests), requests  # not "Request 1: 1. …"


async def test_a_round_due_with_every_gift_posted_says_so_in_the_log(driver: Driver, clock) -> None:
    await whole_round_in(driver, FILLS)
    for number, member in enumerate((ALICE, BOB, CAROL), start=1):
        await driver.command("exchange gift", user=member, url=f"https://archiveofourown.org/works/{number}")
    clock.advance(days=25)  # past the end of the 20th
    await driver.bot.sweep()
    lines = [p["content"] for p in driver.posts(LOG) if "is due" in p.get("content", "")]
    reveal = f"</mod exchange reveal:{driver.bot.command_ids['mod']}>"
    assert lines == [  # not "givers without a gift: nobody"; and the next step
        f"⏰ Yulefic is due, and every giver has posted a gift. Reveal the works with {reveal}."
    ]
    status = await driver.command("exchange status", user=ALICE)
    assert "reveal: not set" not in status.embeds[0]["description"]  # no reveal date: none named


async def test_one_open_pinch_hit_is_counted_in_words(driver: Driver) -> None:
    await whole_round_in(driver, FILLS)
    await driver.command("exchange default", user=ALICE)
    listing = await driver.command("exchange pinchhits", user=CAROL)
    assert listing.content == "1 open pinch hit in **Yulefic**. Press **Take** to write it."


async def test_unloading_the_exchanges_takes_its_commands_and_its_take_button_with_it(driver: Driver) -> None:
    """A reload must leave one /exchange, one /mod exchange and one persistent Take button behind, not two."""
    dynamic = driver.bot._connection._view_store._dynamic_items  # discord.py keeps no public list of them
    taken = [pattern for pattern, item in dynamic.items() if item.__name__ == "TakePinchHit"]
    assert len(taken) == 1
    await driver.bot.unload_extension("cogs.exchanges")
    assert not any(item.__name__ == "TakePinchHit" for item in dynamic.values())
    mod = driver.bot.tree.get_command("mod")
    assert driver.bot.tree.get_command("exchange") is None
    assert mod is not None and "exchange" not in [c.name for c in mod.commands]  # type: ignore[union-attr]
    await driver.bot.load_extension("cogs.exchanges")
    assert [item.__name__ for item in dynamic.values()].count("TakePinchHit") == 1
    await create(driver)  # the reloaded commands answer


def test_every_exchange_action_has_its_phases_and_its_words() -> None:
    """The phase table (db/exchange_models.py) and the refusals' words cover the same actions, each once."""
    actions = set(get_args(ExchangeAction))
    assert len(actions) == len(get_args(ExchangeAction))
    assert set(PHASE_ALLOWS) == actions == set(ACTION_WORDS)
    assert all(PHASE_ALLOWS[action] for action in actions)


def exchange_row(db_path: Path) -> tuple[str, int | None]:
    """(phase, signups_close_at) of the one exchange, straight from the file."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT phase, signups_close_at FROM exchanges").fetchone()


async def test_sign_ups_close_by_themselves_at_the_end_of_their_closing_date(
    driver: Driver, db_path: Path, clock
) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    out = await with_channel_option(driver, "mod exchange create", FILLS, name="Yulefic", signups_close="2026-03-05")
    assert "open for sign-ups" in out.content
    status = await driver.command("exchange status", user=ALICE)
    assert "Sign-ups close by themselves: <t:1772755199:D>" in status.text  # 2026-03-05 23:59:59 UTC
    await sign_up(driver, ALICE, [("Good Omens", None)], [("Sherlock", None)])
    clock.advance(days=4, hours=11, minutes=59)  # 2026-03-05 23:59: the last minute of the day, still open
    await driver.bot.sweep()
    assert exchange_row(db_path)[0] == "signups"
    clock.advance(minutes=1)
    await driver.bot.sweep()
    assert exchange_row(db_path)[0] == "closed"
    # Announced where /mod exchange close announces, and the moderators are told what comes next.
    assert driver.posts(FILLS)[-1]["content"].startswith("🎁 Sign-ups for **Yulefic** are closed.")
    line = driver.posts(LOG)[-1]["content"]
    assert line.startswith("🎁 Sign-ups for Yulefic closed on their closing date.") and "mod exchange match" in line
    readable(line)
    posted = len(driver.posts(FILLS))
    await driver.bot.sweep()  # once: a later pass finds nothing to close
    assert len(driver.posts(FILLS)) == posted
    log = await driver.command("mod log", user=MOD)
    assert "Sign-ups for Yulefic closed by themselves on their closing date" in log.text
    late = await driver.command("exchange offer", user=BOB, fandom="Sherlock")
    assert late.ephemeral and "Sign-ups for Yulefic are closed" in late.content
    # Reopened after its date: the date is spent, so the next pass leaves sign-ups open.
    await driver.command("mod exchange open", user=MOD, exchange="Yulefic")
    await driver.bot.sweep()
    assert exchange_row(db_path) == ("signups", None)


async def test_a_closing_date_is_refused_when_past_malformed_or_too_late_and_nothing_changes(
    driver: Driver, db_path: Path
) -> None:
    await create(driver)
    before = snapshot(db_path)
    cases: list[tuple[str, dict[str, Any], str]] = [
        (
            "mod exchange create",
            {"name": "Spring", "signups_close": "2026-02-28"},
            "Sign-ups close is a day already past: give today or a later date (YYYY-MM-DD). Nothing was changed.",
        ),
        (
            "mod exchange edit",
            {"exchange": "Yulefic", "signups_close": "28/03/2026"},
            "Sign-ups close must be a date written YYYY-MM-DD, e.g. 2026-12-24. Nothing was changed.",
        ),
        (
            "mod exchange edit",
            {"exchange": "Yulefic", "signups_close": "2026-01-01"},
            "Sign-ups close is a day already past: give today or a later date (YYYY-MM-DD). Nothing was changed.",
        ),
    ]
    for command, options, expected in cases:
        out = await driver.command(command, user=MOD, **options)
        assert out.ephemeral and out.content == expected, (command, out.content)
        assert snapshot(db_path) == before, f"/{command} changed something"
    edited = await driver.command("mod exchange edit", user=MOD, exchange="Yulefic", signups_close="2026-03-01")
    assert edited.content == "**Yulefic** is updated."  # today is not past: they close tonight
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    closed = snapshot(db_path)
    late = await driver.command("mod exchange edit", user=MOD, exchange="Yulefic", signups_close="2026-03-10")
    assert late.ephemeral and late.content == (
        "Sign-ups for Yulefic are closed and assignments go out soon, so you cannot set the date sign-ups close now."
        " A moderator can reopen sign-ups with `/mod exchange open` until assignments are sent."
    )
    assert snapshot(db_path) == closed


async def test_moderators_read_each_sign_up_whole_one_a_page(driver: Driver, db_path: Path) -> None:
    await create(driver, requests_max=3)
    await driver.command(
        "exchange request",
        user=ALICE,
        fandom="Good Omens",
        tags="Aziraphale, Crowley",
        details="A picnic in St James's Park.\nNo angst, please.",
        rating="T",
    )
    await driver.command("exchange request", user=ALICE, fandom="Sherlock")
    await driver.command("exchange offer", user=ALICE, fandom="Discworld", tags="Vimes")
    await driver.command("exchange offer", user=ALICE, fandom="Hannibal")
    await sign_up(driver, BOB, [("Sherlock", None)], [("Good Omens", None)])
    sheet = await driver.command("mod exchange signups", user=MOD, exchange="Yulefic")
    assert sheet.ephemeral and sheet.embeds[0]["description"] == "\n".join(
        [
            f"<@{ALICE.id}>'s sign-up is complete ✅.",
            "**Requests (2)**",
            "**1.** Good Omens · tags: Aziraphale, Crowley · up to T",
            "A picnic in St James's Park.\nNo angst, please.",
            "**2.** Sherlock",
            "**Offers (2)**",
            "**1.** Discworld · tags: Vimes",
            "**2.** Hannibal · anything in it",
        ]
    )
    assert sheet.embeds[0]["footer"]["text"] == "Sign-up 1 of 2"
    following = await driver.click(sheet.message_id, "promptfill:page:next", user=MOD)
    assert f"<@{BOB.id}>'s sign-up is complete" in following.text and "Sign-up 2 of 2" in following.text
    jumped = await driver.command("mod exchange signups", user=MOD, exchange="Yulefic", page=2)
    assert jumped.embeds[0]["description"] == following.embeds[0]["description"]


async def test_a_sign_up_too_long_for_a_page_shares_its_room_and_says_where_the_rest_is(driver: Driver) -> None:
    await create(driver, requests_max=3)
    for fandom in ("Good Omens", "Sherlock", "Discworld"):
        await driver.command("exchange request", user=ALICE, fandom=fandom, details=f"{fandom} " + "word " * 790)
    sheet = await driver.command("mod exchange signups", user=MOD, exchange="Yulefic")
    text = sheet.embeds[0]["description"]
    assert len(text) <= 4096 and text.endswith("`/mod exchange export` has every word.*")
    assert all(f"**{i}.** {f}" in text for i, f in enumerate(("Good Omens", "Sherlock", "Discworld"), start=1))
    assert text.count("…") == 3  # each of the three details shortened, none dropped


async def test_blank_or_invisible_details_are_refused_like_a_prompts_and_nothing_changes(
    driver: Driver, db_path: Path
) -> None:
    await create(driver)
    before = snapshot(db_path)
    for blank in ("   ", "\u200b\u200b", "\u2800"):
        out = await driver.command("exchange request", user=ALICE, fandom="Sherlock", details=blank)
        assert out.ephemeral and out.content == (
            "Details is empty once blank and invisible characters are removed. Nothing was changed."
        )
        assert snapshot(db_path) == before


# -- pinch hits, defaults and gifts in words a member reads once (the story's screenshots) ------------------------

DUE = 1774051199  # the end of 20 March 2026 (UTC), whole_round_in's due date


async def test_giving_up_says_whose_gift_and_what_happens_next_and_the_log_names_no_giver(
    driver: Driver, db_path: Path
) -> None:
    await whole_round_in(driver, FILLS)  # Alice writes for Bob
    before = snapshot(db_path)
    refused = await driver.command("exchange default", user=MEMBERS[0])  # no assignment: nothing changes
    assert refused.ephemeral and snapshot(db_path) == before
    out = await driver.command("exchange default", user=ALICE)
    assert out.ephemeral and out.content == (
        f"🎁 You've given up your Yulefic assignment (the gift for <@{BOB.id}>). Thank you for saying so early: a"
        " pinch hitter will write it. If you change your mind, ask a moderator."
    )
    line = driver.posts(LOG)[-1]["content"]
    hits = f"</exchange pinchhits:{driver.bot.command_ids['exchange']}>"
    assert line.startswith(f"🎁 The assignment for <@{BOB.id}> in Yulefic was given up and is open as a pinch hit")
    assert hits in line and str(ALICE.id) not in line and "🆘" not in line


async def test_open_pinch_hits_say_the_fandoms_and_the_due_date(driver: Driver) -> None:
    await whole_round_in(driver, FILLS)
    await driver.command("exchange default", user=BOB)  # Bob wrote for Carol, who asked for Discworld
    listing = await driver.command("exchange pinchhits", user=MEMBERS[0])
    assert listing.embeds[0]["description"].startswith(f"<@{CAROL.id}> needs a Discworld gift, due <t:{DUE}:R>.")
    wanted = last_post(driver, FILLS)[1]["content"]
    assert wanted.startswith(
        f"🎁 **Yulefic** needs a pinch hitter: a Discworld gift for <@{CAROL.id}>, due <t:{DUE}:R>."
    )
    assert str(BOB.id) not in wanted


@pytest.mark.parametrize("undo", ["undefault", "unassign", "remove"])
async def test_a_pinch_hit_that_goes_away_leaves_no_live_take_button(driver: Driver, db_path: Path, undo: str) -> None:
    await whole_round_in(driver, FILLS)
    await driver.command("exchange default", user=ALICE)  # Alice wrote for Bob
    post_id, wanted = last_post(driver, FILLS)
    assert wanted["components"]
    if undo == "undefault":
        await driver.command("mod exchange undefault", user=MOD, exchange="Yulefic", member=ALICE)
    elif undo == "unassign":
        await driver.command("mod exchange unassign", user=MOD, exchange="Yulefic", recipient=BOB)
    else:
        await driver.command("mod exchange remove", user=MOD, exchange="Yulefic", member=BOB)
    post = driver.fake.messages[post_id]
    assert post["content"] == f"🎁 **Yulefic**'s pinch hit for <@{BOB.id}> is no longer open. Thank you for looking."
    assert post["components"] == [] and str(ALICE.id) not in json.dumps(post)
    with sqlite3.connect(db_path) as conn:
        left = [r[0] for r in conn.execute("SELECT recipient_id FROM exchange_pinch_posts")]
    assert left == ([CAROL.id] if undo == "remove" else [])  # Bob wrote for Carol: removing him opens hers


async def test_a_pinch_hitter_assigned_by_a_moderator_closes_the_post_as_taken(driver: Driver) -> None:
    await whole_round_in(driver, FILLS)
    await driver.command("exchange default", user=ALICE)
    post_id, _ = last_post(driver, FILLS)
    await driver.command("mod exchange assign", user=MOD, exchange="Yulefic", recipient=BOB, giver=MEMBERS[2])
    post = driver.fake.messages[post_id]
    assert post["content"] == f"🎁 **Yulefic**'s pinch hit for <@{BOB.id}> has been taken. Thank you!"
    assert post["components"] == [] and str(MEMBERS[2].id) not in json.dumps(post)


async def test_a_gift_on_ao3_is_told_that_ao3_shows_its_author_outside_an_anonymous_collection(
    driver: Driver, db_path: Path
) -> None:
    await whole_round_in(driver, FILLS)
    before = snapshot(db_path)
    refused = await driver.command("exchange gift", user=ALICE, url="not a link")
    assert refused.ephemeral and snapshot(db_path) == before
    on_ao3 = await driver.command("exchange gift", user=ALICE, url="https://archiveofourown.org/works/7")
    assert "unless the work is in an anonymous collection" in on_ao3.content
    assert "the exchange's secret holds only then" in on_ao3.content
    elsewhere = await driver.command("exchange gift", user=ALICE, url="https://example.org/gift")
    assert "Your gift is replaced" in elsewhere.content and "AO3" not in elsewhere.content


async def test_the_gift_reminder_names_the_recipient_the_date_and_the_server(driver: Driver, clock) -> None:
    await whole_round_in(driver, FILLS)  # Alice writes for Bob; the clock starts 2026-03-01
    clock.advance(days=17)
    await driver.bot.sweep()
    reminders = [m["content"] for m in driver.dms(ALICE) if m.get("content", "").startswith("⏰")]
    assert reminders == [
        f"⏰ Your **Yulefic** gift for <@{BOB.id}> (Writers' Den) is due <t:{DUE}:D> (<t:{DUE}:R>). When it is"
        " posted, record it with `/exchange gift` in Writers' Den, or use `/exchange default` there if you cannot"
        " finish."
    ]


async def test_a_pinch_hit_post_made_before_posts_were_recorded_still_closes_when_taken_from_it(
    driver: Driver, db_path: Path
) -> None:
    await whole_round_in(driver, FILLS)
    await driver.command("exchange default", user=ALICE)
    post_id, _ = last_post(driver, FILLS)
    with sqlite3.connect(db_path) as conn:  # as a host's post from before migration 0014
        conn.execute("DELETE FROM exchange_pinch_posts")
    took = await driver.click(post_id, f"promptfill:pinch:{_assignment_id(db_path, BOB.id)}", user=MEMBERS[0])
    assert "Thank you for pinch-hitting" in took.text
    post = driver.fake.messages[post_id]
    assert post["content"] == f"🎁 **Yulefic**'s pinch hit for <@{BOB.id}> has been taken. Thank you!"
    assert post["components"] == []
