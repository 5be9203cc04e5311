"""Letters and the sign-up summary (issue 23, items 2 and 3) through the real dispatch: writing, showing and
changing a letter, its refusals, the giver and a pinch hitter reading it within Discord's limits, exports, the
summary's threshold, order and pages, and what neither ever shows."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.conftest import snapshot
from tests.driver import ALICE, BOB, CAROL, FILLS, LOG, MOD, Driver
from tests.test_exchanges import (
    MEMBERS,
    assignments,
    create,
    last_post,
    message_texts,
    sign_up,
    with_channel_option,
)

LETTER = "Dear giver,\n\nI love found family and quiet domestic scenes.\n\nThank you!"


def stored_letters(db_path: Path) -> dict[int, tuple[str | None, str | None, str | None]]:
    """member -> (text, url, dnw), straight from the file."""
    with sqlite3.connect(db_path) as conn:
        found = conn.execute(
            "SELECT s.member_id, l.text, l.url, l.dnw FROM exchange_letters l"
            " JOIN exchange_signups s ON s.id = l.signup_id"
        )
        return {r[0]: (r[1], r[2], r[3]) for r in found}


async def ring(driver: Driver, *, channel: bool = False) -> None:
    """Alice, Bob and Carol sign up so that only a ring matches: Carol writes for Alice, Alice for Bob, Bob for
    Carol. With `channel`, the exchange posts in #fills (where pinch hits are announced)."""
    if channel:
        out = await with_channel_option(driver, "mod exchange create", FILLS, name="Yulefic", due="2026-03-20")
        assert "open for sign-ups" in out.content
    else:
        await create(driver, due="2026-03-20")
    await sign_up(driver, ALICE, [("Good Omens", "Aziraphale")], [("Sherlock", None)])
    await sign_up(driver, BOB, [("Sherlock", None)], [("Discworld", None)])
    await sign_up(driver, CAROL, [("Discworld", None)], [("Good Omens", "Aziraphale, Crowley")])


async def send(driver: Driver) -> None:
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    sent = await driver.command("mod exchange send", user=MOD, exchange="Yulefic")
    assert "Sent 3 assignments" in sent.text, sent.text


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message_texts(m) for m in messages)


def embeds_of(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for m in messages for e in m.get("embeds") or []]


# -- writing, showing, changing -----------------------------------------------------------------------------------


async def test_a_letter_is_written_shown_changed_in_the_form_and_removed(driver: Driver, db_path: Path) -> None:
    await ring(driver)
    empty = await driver.command("exchange letter", user=ALICE)
    assert empty.ephemeral and "You have no letter for **Yulefic**" in empty.content
    assert "promptfill:letter:edit" in empty.custom_ids and empty.embeds == []
    written = await driver.command(
        "exchange letter", user=ALICE, text="I love found family.", url="https://example.org/letter", dnw="Gore"
    )
    assert written.ephemeral and "Your letter for **Yulefic** is saved" in written.content
    letter, dnw = written.embeds
    assert letter["title"] == "Your letter · Yulefic" and letter["description"] == "I love found family."
    assert letter["url"] == "https://example.org/letter" and "example.org" in letter["fields"][0]["value"]
    assert dnw["title"] == "Do not want" and dnw["description"] == "Gore"
    assert written.last["allowed_mentions"]["parse"] == []
    # One option changes one part; the others stay.
    await driver.command("exchange letter", user=ALICE, dnw="Major character death")
    assert stored_letters(db_path)[ALICE.id] == (
        "I love found family.",
        "https://example.org/letter",
        "Major character death",
    )
    shown = await driver.command("exchange letter", user=ALICE)
    assert "as your giver reads it" in shown.content and "Major character death" in shown.text
    # The form keeps line breaks; a part left empty there is removed.
    form = await driver.click(shown.message_id, "promptfill:letter:edit", user=ALICE)
    modal = form.modal
    assert sorted(driver.text_input_ids(modal)) == ["dnw", "text", "url"]
    defaults = {c["custom_id"]: c.get("value") for c in _inputs(modal)}
    assert defaults == {
        "text": "I love found family.",
        "url": "https://example.org/letter",
        "dnw": "Major character death",
    }
    saved = await driver.submit_modal(modal, {"text": LETTER, "url": "", "dnw": "Gore"}, user=ALICE)
    assert saved.ephemeral and "is saved" in saved.content and saved.embeds[0]["description"] == LETTER
    assert stored_letters(db_path)[ALICE.id] == (LETTER, None, "Gore")
    # Everything emptied: the letter is gone.
    form = await driver.click(saved.message_id, "promptfill:letter:edit", user=ALICE)
    gone = await driver.submit_modal(form.modal, {"text": "", "url": "", "dnw": ""}, user=ALICE)
    assert "Your letter for **Yulefic** is removed" in gone.content
    assert ALICE.id not in stored_letters(db_path)
    # A member's letter button is theirs alone.
    other = await driver.click(saved.message_id, "promptfill:letter:edit", user=BOB)
    assert other.ephemeral and "belongs to someone else" in other.content


def _inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for top in modal["components"]:
        inner = top.get("component") or (top.get("components") or [{}])[0]
        if inner.get("type") == 4:
            found.append(inner)
    return found


async def test_letter_refusals_answer_privately_and_change_nothing(driver: Driver, db_path: Path) -> None:
    await ring(driver)
    await driver.command("exchange letter", user=ALICE, text="Something gentle.")
    before = snapshot(db_path)
    attempts: list[tuple[dict[str, Any], str]] = [
        (dict(user=MEMBERS[0], text="Hello"), "You have not signed up for Yulefic"),
        (dict(user=ALICE, text="   "), "The letter's text is empty once blank and invisible characters are removed"),
        (dict(user=ALICE, text="\u200b\u2800\u200d"), "The letter's text is empty once blank"),
        (dict(user=ALICE, dnw="\u3000 \u200b"), "The do-not-wants list is empty once blank"),
        (dict(user=ALICE, url="ftp://example.org/letter"), "URL must start with http:// or https://"),
        (dict(user=ALICE, url="my letter"), "URL contains spaces"),
        (dict(user=ALICE, url="https://discord.gg/abc"), "is a Discord invite; link your letter itself"),
        (dict(user=ALICE, exchange="Nope"), "There is no exchange called “Nope”"),
    ]
    for options, expected in attempts:
        out = await driver.command("exchange letter", **options)
        assert out.ephemeral and expected in out.content, out.content
        assert snapshot(db_path) == before
    # Past the option's limit, as a direct API call could send it.
    too_long = await driver.command_unchecked("exchange letter", user=ALICE, text="x" * 4001)
    assert too_long.ephemeral and "may be up to 4,000 characters (yours is 4,001)" in too_long.content
    too_many = await driver.command_unchecked("exchange letter", user=ALICE, dnw="x" * 1001)
    assert "may be up to 1,000 characters" in too_many.content
    # The form refuses blank text too (an empty field removes a part; a blank one is a mistake).
    shown = await driver.command("exchange letter", user=ALICE)
    form = await driver.click(shown.message_id, "promptfill:letter:edit", user=ALICE)
    blank = await driver.submit_modal(form.modal, {"text": " \u200b ", "url": "", "dnw": ""}, user=ALICE)
    assert blank.ephemeral and "is empty once blank" in blank.content
    assert snapshot(db_path) == before
    # Once assignments are sent, the giver has the letter as it stands: the command and an earlier Edit button say so.
    await send(driver)
    before = snapshot(db_path)
    stale = await driver.click(shown.message_id, "promptfill:letter:edit", user=ALICE)
    assert stale.kind != 9 and "your letter can no longer change" in stale.content
    late = await driver.command("exchange letter", user=ALICE, text="Changed my mind")
    assert (
        late.ephemeral and "Assignments for Yulefic have been sent, so your letter can no longer change" in late.content
    )
    assert "`assigned`" not in late.content
    assert snapshot(db_path) == before
    still = await driver.command("exchange letter", user=ALICE)
    assert "Something gentle." in still.text and "stays as it is now" in still.content
    assert still.custom_ids == []  # no Edit button once it cannot change


async def test_a_letter_can_be_written_while_sign_ups_are_closed_but_not_during_nominations(
    driver: Driver, db_path: Path
) -> None:
    await ring(driver)
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    late = await driver.command("exchange letter", user=BOB, text="Closed but not sent: still mine to change.")
    assert "is saved" in late.content and BOB.id in stored_letters(db_path)
    out = await driver.command("mod exchange create", user=MOD, name="Nominated", nominations=True)
    assert "nominations" in out.content
    before = snapshot(db_path)
    early = await driver.command("exchange letter", user=BOB, text="Too early", exchange="Nominated")
    assert early.ephemeral and "no sign-up to write a letter for" in early.content
    assert snapshot(db_path) == before


# -- the giver and a pinch hitter ---------------------------------------------------------------------------------


def long_letter() -> tuple[str, str, str]:
    """4,000 characters of text with paragraphs, 1,000 of do-not-wants, a link of 2,048: all at their limits."""
    paragraph = "I would love a story where the lighthouse keeper finally writes back. " * 4
    text = ("\n\n".join([paragraph.strip()] * 20))[:3990].rstrip() + "\n\nEND-LTR"
    text = text + "." * (4000 - len(text))
    dnw = ("No major character death; no cheating; " * 30)[:993] + "END-DNW"
    url = "https://example.org/letters/" + "a" * (2048 - len("https://example.org/letters/"))
    assert (len(text), len(dnw), len(url)) == (4000, 1000, 2048)
    return text, dnw, url


async def test_the_giver_receives_the_whole_longest_letter_with_the_assignment_within_discords_limits(
    driver: Driver, db_path: Path
) -> None:
    await ring(driver)
    # Alice's requests at their longest too, so the assignment itself fills most of a message.
    for fandom in ("Twin Peaks", "Hannibal"):
        out = await driver.command(
            "exchange request", user=ALICE, fandom=fandom, details="d" * 4000, tags="Crowley, Aziraphale"
        )
        assert "Request added" in out.content
    text, dnw, url = long_letter()
    mentions = f" <@{BOB.id}> @everyone"  # member text never pings
    written = await driver.command("exchange letter", user=ALICE, text=text[: -len(mentions)] + mentions)
    assert "is saved" in written.content
    await driver.command("exchange letter", user=ALICE, dnw=dnw, url=url)
    text = text[: -len(mentions)] + mentions
    await send(driver)
    assert assignments(db_path)[ALICE.id] == CAROL.id
    dms = driver.dms(CAROL)
    assert len(dms) >= 2  # the assignment, then the letter that did not fit beside it
    assert "Your assignment for **Yulefic** (Writers' Den) is here" in dms[0]["content"]
    assert all("Writers' Den" in m["content"] for m in dms)  # each message stands alone
    letter = [e for e in embeds_of(dms) if e.get("title") == "Their letter · Yulefic"]
    assert len(letter) == 1 and letter[0]["description"] == text and letter[0]["url"] == url
    apart = [e for e in embeds_of(dms) if e.get("title") == "Do not want"]
    assert len(apart) == 1 and apart[0]["description"] == dnw
    assert all(m["allowed_mentions"]["parse"] == [] and not m["allowed_mentions"].get("users") for m in dms)
    assert driver.fake.refused == []  # every message within Discord's limits (the driver checks each one)
    # Nobody else got it; and /exchange assignment shows it again, whole.
    for other in (ALICE, BOB):
        assert "END-LTR" not in json.dumps(driver.dms(other))
    again = await driver.command("exchange assignment", user=CAROL)
    assert again.ephemeral and text in texts(again.messages) and dnw in texts(again.messages)
    assert all(m.get("flags", 0) & 64 for m in again.messages)
    mine = await driver.command("exchange assignment", user=BOB)  # Bob writes for Carol, who has no letter
    assert "END-LTR" not in mine.text and "letter" not in mine.text.lower()
    assert driver.fake.refused == []


async def test_a_pinch_hitter_reads_the_letter_only_once_they_take_it(driver: Driver, db_path: Path) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await ring(driver, channel=True)
    await driver.command("exchange letter", user=BOB, text="SECRET-LETTER please write Watson", dnw="SECRET-DNW")
    await send(driver)
    await driver.command("exchange default", user=ALICE)  # Alice wrote for Bob: Bob needs a pinch hit
    post_id, wanted = last_post(driver, FILLS)
    assert f"a Sherlock gift for <@{BOB.id}>" in wanted["content"] and "SECRET" not in json.dumps(wanted)
    taker = MEMBERS[0]
    listing = await driver.command("exchange pinchhits", user=taker)
    assert "Sherlock" in listing.text and "SECRET" not in listing.text
    button = next(i for i in listing.custom_ids if i.startswith("promptfill:pinch:"))
    took = await driver.click(post_id, button, user=taker)
    assert took.ephemeral and "Thank you for pinch-hitting" in took.text
    assert "SECRET-LETTER please write Watson" in took.text and "SECRET-DNW" in took.text
    assert all(m.get("flags", 0) & 64 for m in took.messages)
    assert assignments(db_path)[BOB.id] == taker.id
    again = await driver.command("exchange assignment", user=taker)
    assert "SECRET-LETTER" in again.text
    # Only Bob (who wrote it), Alice before she defaulted (her assignment) and the pinch hitter ever read it.
    for call in driver.fake.calls:
        if "SECRET-LETTER" not in json.dumps(call.body):
            continue
        reader = (
            driver.fake.interactions[call.token]["user_id"]
            if call.token
            else driver.fake.dm_channels.get(call.channel_id or 0)
        )
        assert reader in (BOB.id, ALICE.id, taker.id), f"{call.method} {call.route} shows the letter to {reader}"
    assert driver.fake.refused == []


async def test_a_giver_a_moderator_assigns_after_sending_gets_the_letter_too(driver: Driver, db_path: Path) -> None:
    await ring(driver)
    await driver.command("exchange letter", user=BOB, text="LETTER-FOR-THE-NEW-GIVER", dnw="Angst")
    await send(driver)
    newcomer = MEMBERS[0]
    out = await driver.command("mod exchange assign", user=MOD, exchange="Yulefic", recipient=BOB, giver=newcomer)
    assert "now writes for" in out.text
    (dm,) = driver.dms(newcomer)
    assert "LETTER-FOR-THE-NEW-GIVER" in message_texts(dm) and "Angst" in message_texts(dm)
    released = driver.dms(ALICE)[-1]
    assert "released" in released["content"] and "LETTER-FOR-THE-NEW-GIVER" not in json.dumps(released)


# -- exports --------------------------------------------------------------------------------------------------------


async def test_moderators_exports_and_the_servers_backup_include_letters(driver: Driver) -> None:
    await ring(driver)
    await driver.command("exchange letter", user=ALICE, text="Line one\nLine two", dnw="=SUM(A1)")
    await driver.command("exchange letter", user=BOB, url="https://example.org/bob")
    export = await driver.command("mod exchange export", user=MOD, exchange="Yulefic", format="json")
    ((_, data),) = [f for call in export.calls for f in call.files]
    letters = {s["member_id"]: s["letter"] for s in json.loads(data)["signups"]}
    assert letters == {
        ALICE.id: {"text": "Line one\nLine two", "url": None, "dnw": "=SUM(A1)"},
        BOB.id: {"text": None, "url": "https://example.org/bob", "dnw": None},
        CAROL.id: None,
    }
    server = await driver.command("export", user=MOD, format="json")
    ((_, whole),) = [f for call in server.calls for f in call.files]
    (exchange,) = json.loads(whole)["exchanges"]
    assert {s["member_id"]: s["letter"] for s in exchange["signups"]} == letters
    csv_export = await driver.command("mod exchange export", user=MOD, exchange="Yulefic", format="csv")
    ((_, rows),) = [f for call in csv_export.calls for f in call.files]
    parsed = list(csv.DictReader(io.StringIO(rows.decode())))
    by_kind = {(r["kind"], int(r["member_id"])): r for r in parsed if r["kind"] in ("letter", "do not want")}
    assert by_kind[("letter", ALICE.id)]["details"] == "Line one\nLine two"
    assert by_kind[("do not want", ALICE.id)]["details"] == "'=SUM(A1)"  # a spreadsheet never runs it
    assert by_kind[("letter", BOB.id)]["url"] == "https://example.org/bob"
    assert len(by_kind) == 3


async def test_a_letter_goes_with_its_sign_up_and_its_exchange(driver: Driver, db_path: Path) -> None:
    await ring(driver)
    await driver.command("exchange letter", user=ALICE, text="Gone soon")
    await driver.command("exchange letter", user=BOB, text="Gone with the exchange")
    await driver.command("exchange leave", user=ALICE)
    assert list(stored_letters(db_path)) == [BOB.id]
    again = await driver.command("exchange letter", user=ALICE)
    assert "You have not signed up for Yulefic" in again.content
    asked = await driver.command("mod exchange delete", user=MOD, exchange="Yulefic")
    await driver.click(asked.message_id, "promptfill:exchange:delete", user=MOD)
    assert stored_letters(db_path) == {}


# -- the sign-up summary ------------------------------------------------------------------------------------------


async def test_the_summary_waits_for_five_sign_ups_and_says_why(driver: Driver, db_path: Path) -> None:
    await ring(driver)
    await sign_up(driver, MEMBERS[0], [("Sherlock", None)], [("Good Omens", None)])
    before = snapshot(db_path)
    early = await driver.command("exchange summary", user=MEMBERS[1])
    assert early.ephemeral and early.content == (
        "Yulefic has 4 sign-ups so far. The summary of requests and offers appears once it has 5: counts over"
        " fewer would point at the people behind them."
    )
    assert snapshot(db_path) == before
    # An empty sign-up (everything dropped) hides nobody: it does not count.
    await sign_up(driver, MEMBERS[1], [("Sherlock", None)], [])
    await driver.command("exchange drop", user=MEMBERS[1], item="request 1")
    still = await driver.command("exchange summary", user=MEMBERS[1])
    assert "has 4 sign-ups so far" in still.content
    # Moderators see every sign-up anyway, so they see the summary from the first one, told when members will.
    moderators = await driver.command("exchange summary", user=MOD)
    assert moderators.ephemeral and "Members see this once the exchange has 5 sign-ups" in moderators.text
    await sign_up(driver, MEMBERS[2], [("Discworld", None)], [("Sherlock", None)])
    shown = await driver.command("exchange summary", user=MEMBERS[1])
    assert shown.ephemeral and shown.embeds[0]["title"] == "Requests and offers · Yulefic"
    assert "5 sign-ups" in shown.text and "Members see this" not in shown.text


async def test_the_summary_puts_the_least_offered_first_and_folds_spellings_and_merged_names(
    driver: Driver, db_path: Path
) -> None:
    await create(driver, requests_max=5, offers_max=5)
    wishes = [
        # requests, offers
        (["Good Omens", "Hannibal"], ["Sherlock"]),
        (["good omens!", "Hannibal"], ["Sherlock", "Discworld"]),
        (["Good  Omens", "Sherlock"], ["Discworld"]),
        (["Discworld"], ["Good Omens", "Sherlock"]),
        (["Star Trek: TOS"], ["Sherlock"]),
    ]
    for member, (requests, offers) in zip(MEMBERS[:5], wishes, strict=True):
        await sign_up(driver, member, [(f, None) for f in requests], [(f, None) for f in offers])
    # A name merged into another is counted under the name it landed on.
    merged = await driver.command("fandoms merge", user=MOD, from_="Star Trek: TOS", into="Star Trek")
    assert "Star Trek" in merged.content
    out = await driver.command("exchange summary", user=ALICE)
    lines = [line for line in out.embeds[0]["description"].split("\n") if line.startswith("**")]
    assert lines == [
        "**Hannibal** · 2 requests · 0 offers",  # none offered: first
        "**Star Trek** · 1 request · 0 offers",  # as few offers, fewer requests
        "**Good Omens** · 3 requests · 1 offer",  # spellings folded into one name
        "**Discworld** · 1 request · 2 offers",
        "**Sherlock** · 1 request · 4 offers",
    ]
    assert "5 sign-ups: 8 requests and 7 offers in 5 fandoms" in out.text
    for member in (*MEMBERS[:5], ALICE):
        assert str(member.id) not in json.dumps(out.messages)  # nobody is named


async def test_the_summary_pages_within_discords_limits(driver: Driver) -> None:
    await create(driver, requests_max=10, offers_max=10)
    for index, member in enumerate(MEMBERS[:5]):
        requests: list[tuple[str, str | None]] = [(f"{'Fandom ' * 13}{index}-{n}"[:100], None) for n in range(10)]
        await sign_up(driver, member, requests, [("Anything", None)])
    first = await driver.command("exchange summary", user=ALICE)
    assert first.embeds[0]["footer"]["text"] == "Page 1 of 3"
    assert "promptfill:page:next" in first.custom_ids
    second = await driver.click(first.message_id, "promptfill:page:next", user=ALICE)
    assert second.embeds[0]["footer"]["text"] == "Page 2 of 3"
    third = await driver.click(first.message_id, "promptfill:page:next", user=ALICE)
    assert third.embeds[0]["footer"]["text"] == "Page 3 of 3" and "**Anything** · 0 requests · 5 offers" in third.text
    # Beside a moderator's status, the least offered that fit, and where the rest are.
    status = await driver.command("exchange status", user=MOD)
    assert "… and" in status.text and "shows every fandom, page by page" in status.text
    assert driver.fake.refused == []


async def test_moderators_see_the_summary_in_status_and_members_do_not(driver: Driver) -> None:
    await ring(driver)
    members = await driver.command("exchange status", user=ALICE)
    assert len(members.embeds) == 1 and "Requests and offers" not in members.text
    moderators = await driver.command("exchange status", user=MOD)
    titles = [e["title"] for m in moderators.messages for e in m.get("embeds") or []]
    assert titles == ["Yulefic", "Requests and offers · Yulefic"]
    assert "**Good Omens** · 1 request · 1 offer" in moderators.text and "shows every fandom" not in moderators.text
    assert all(m.get("flags", 0) & 64 for m in moderators.messages)
    assert driver.fake.refused == []


async def test_neither_letters_nor_the_summary_name_anyone_to_those_who_may_not_know(
    driver: Driver, db_path: Path
) -> None:
    """The secrecy scan for issue 23: every reply, post and message of a round with letters and a summary. A
    summary names nobody; a letter reaches only its writer, their giver and moderators (never a post or a log
    line), and never says who wrote for whom."""
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await ring(driver, channel=True)
    await sign_up(driver, MEMBERS[0], [("Good Omens", None)], [("Discworld", None)])
    await sign_up(driver, MEMBERS[1], [("Discworld", None)], [("Good Omens", None)])
    letters = {ALICE: "LETTER-OF-ALICE", BOB: "LETTER-OF-BOB", CAROL: "LETTER-OF-CAROL"}
    for member, marker in letters.items():
        await driver.command("exchange letter", user=member, text=f"{marker} with love", dnw=f"{marker}-DNW")
    for member in (ALICE, BOB, MEMBERS[0]):
        await driver.command("exchange summary", user=member)
    await driver.command("mod exchange close", user=MOD, exchange="Yulefic")
    await driver.command("mod exchange match", user=MOD, exchange="Yulefic")
    sent = await driver.command("mod exchange send", user=MOD, exchange="Yulefic")
    assert "Sent 5 assignments" in sent.text, sent.text
    pairs = assignments(db_path)  # recipient -> giver
    for member in (ALICE, BOB, CAROL, *MEMBERS[:2]):
        await driver.command("exchange assignment", user=member)
        await driver.command("exchange summary", user=member)
        await driver.command("exchange status", user=member)
    everyone = {ALICE.id, BOB.id, CAROL.id, *(m.id for m in MEMBERS[:2])}
    seen: dict[str, set[int | None]] = {marker: set() for marker in letters.values()}
    summaries = 0
    for call in driver.fake.calls:
        text = json.dumps(call.body)
        if call.token:
            reader = driver.fake.interactions[call.token]["user_id"]
        elif call.channel_id in (FILLS.id, LOG.id):
            reader = None  # a post or a log line: anyone may read it
        else:
            reader = driver.fake.dm_channels.get(call.channel_id or 0)
        if "Requests and offers" in text and reader != MOD.id:
            summaries += 1
            assert not any(str(m) in text for m in everyone), f"a summary names someone: {text[:300]}"
        for member, marker in letters.items():
            if marker not in text:
                continue
            seen[marker].add(reader)
            allowed = {member.id, pairs.get(member.id), MOD.id}
            assert reader in allowed, f"{member.name}'s letter reached {reader} by {call.method} {call.route}"
            assert not (reader != pairs.get(member.id) and reader != MOD.id and str(pairs.get(member.id)) in text)
    # The scan met what it checks: every letter with its writer and its giver, and the members' summaries.
    assert all(seen[marker] >= {member.id, pairs[member.id]} for member, marker in letters.items()), seen
    assert summaries >= 8
    assert driver.fake.refused == []
