"""Anonymous fills (issue 24, item 3): /fill anonymous:true where the server allows it (anonymous_fills, on by
default); nothing members read names the writer (the announcement, posts, /prompt view, others' /profile, /stats'
top fillers, parts, log lines, direct messages) while the writer and moderators see who, privately; /reveal by the
writer and /mod reveal fills for all at once edit the announcements to name them. The anonymity scan
(tests/anonymity.py) reads every request the bot sent."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from cogs.ui import configuring
from interactions.words import plural
from tests.anonymity import leaks
from tests.conftest import MovableClock, snapshot, submit
from tests.driver import ALICE, BOB, CAROL, FILLS, GENERAL, GUILD, LOG, MOD, PROMPTS, Attachment, Driver

TEXT = "Two rival bakers are stuck in a lift on the night of the big contest."
WORK = "https://archiveofourown.org/works/777001"
OTHER = "https://example.org/works/lift-notes"


@pytest.fixture(autouse=True)
def unpaced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(configuring, "POST_PACE", 0.0)


def anonymous_flags(db_path: Path) -> list[tuple[int, str, int]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT member_id, url, anonymous FROM fills ORDER BY id").fetchall()
    finally:
        conn.close()


def edits_of(driver: Driver, message_id: int) -> list[dict[str, Any]]:
    return [
        c.body
        for c in driver.fake.calls
        if c.method == "PATCH" and c.route.startswith("/channels/") and c.params.get("message_id") == str(message_id)
    ]


def announcement_ids(driver: Driver) -> list[int]:
    """The ids of the messages the bot posted in the fills channel, oldest first."""
    return [int(c.response["id"]) for c in driver.post_calls() if c.channel_id == FILLS.id and c.response]


async def channels(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, fills_channel=FILLS, log_channel=LOG)


async def test_an_anonymous_fill_is_announced_without_its_writer_and_answered_privately(
    driver: Driver, db_path: Path
) -> None:
    await channels(driver)
    await submit(driver, TEXT, user=BOB, title="Lift")
    out = await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Rising", anonymous=True)
    assert out.ephemeral
    # An AO3 link: the writer is warned first that AO3's own byline is public, then told what was recorded.
    assert out.content.startswith(
        "🎭 AO3 shows your name on the work's page: anyone who opens the link sees it, unless the work is in an "
        "anonymous collection. Your fill for #1 is recorded anonymously: only you and the moderators see that"
    )
    assert "names you whenever you choose" in out.content and "</reveal:" in out.content
    assert out.content.endswith("Congratulations on finishing it!")
    [announced] = driver.posts(FILLS)
    assert announced["content"] == f"✨ <@{BOB.id}>, your prompt #1 has a new fill!"  # the prompter still pinged
    assert announced["allowed_mentions"] == {"parse": [], "users": [BOB.id]}
    assert announced["embeds"][0]["description"] == (
        f"An anonymous writer wrote a fill for **#1 · Lift**, a prompt by <@{BOB.id}>."
    )
    assert str(CAROL.id) not in json.dumps(driver.posts(FILLS) + driver.posts(PROMPTS))
    post_edits = [c.body for c in driver.fake.calls if c.method == "PATCH" and c.channel_id == PROMPTS.id]
    assert "Rising](" in json.dumps(post_edits[-1]) and "by an anonymous writer" in json.dumps(post_edits[-1])
    assert anonymous_flags(db_path) == [(CAROL.id, WORK, 1)]
    assert leaks(driver, CAROL) == []


async def test_without_a_fills_channel_the_announcement_is_a_message_of_its_own(driver: Driver) -> None:
    await submit(driver, TEXT, user=BOB)
    out = await driver.command("fill", user=CAROL, prompt=1, url=OTHER, anonymous=True)
    assert out.ephemeral and "recorded anonymously" in out.content
    assert "AO3" not in out.content  # not an AO3 link: no byline to warn about
    [announced] = driver.posts(GENERAL)
    assert "An anonymous writer wrote a fill" in announced["embeds"][0]["description"]
    # Removing it by its writer: the announcement says so without naming them.
    await driver.command("unfill", user=CAROL, prompt=1, url=OTHER)
    assert leaks(driver, CAROL) == []


async def test_a_server_that_does_not_take_anonymous_fills_refuses_them_and_says_so(
    driver: Driver, db_path: Path
) -> None:
    await submit(driver, TEXT, user=BOB)
    changed = await driver.command("settings set", user=MOD, anonymous_fills=False)
    assert "**Anonymous fills**: on → off" in changed.content
    shown = await driver.command("settings view", user=MOD)
    assert any(f["name"] == "Anonymous fills" and f["value"].startswith("off\n") for f in shown.embeds[0]["fields"])
    before = snapshot(db_path)
    out = await driver.command("fill", user=CAROL, prompt=1, url=WORK, anonymous=True)
    assert out.ephemeral
    assert out.content.startswith("This server does not take anonymous fills. Share it again without `anonymous`.")
    assert snapshot(db_path) == before
    named = await driver.command("fill", user=CAROL, prompt=1, url=WORK)
    assert "new fill" in named.content and not named.ephemeral


async def test_view_profile_and_stats_name_the_writer_only_to_them_and_moderators(driver: Driver) -> None:
    await channels(driver)
    await submit(driver, TEXT, user=BOB)
    await submit(driver, "A second idea: a ghost who haunts a library's returns desk.", user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Rising", anonymous=True)
    await driver.command("fill", user=CAROL, prompt=2, url=OTHER, title="Overdue")  # a named one
    for member in (ALICE, BOB, CAROL):  # members, the writer too, in a public answer
        view = await driver.command("prompt view", user=member, prompt=1)
        assert not view.ephemeral and "Rising" in view.text and "by an anonymous writer" in view.text
        assert str(CAROL.id) not in json.dumps(view.messages)
    moderator = await driver.command("prompt view", user=MOD, prompt=1)
    assert moderator.ephemeral
    assert f"by <@{CAROL.id}> (anonymous: only moderators and the writer see who)" in moderator.text
    others = await driver.command("profile", user=ALICE, member=CAROL)
    assert not others.ephemeral and "Overdue" in others.text and "Rising" not in others.text
    assert {f["name"]: f["value"] for f in others.embeds[0]["fields"]}["Fills"] == "1"
    own = await driver.command("profile", user=CAROL)
    assert own.ephemeral and "Rising" in own.text and "*(anonymous)*" in own.text
    assert {f["name"]: f["value"] for f in own.embeds[0]["fields"]}["Fills"] == "2"
    stats = await driver.command("stats", user=ALICE)
    top = {f["name"]: f["value"] for f in stats.embeds[0]["fields"]}["Top fillers"]
    assert top == f"1. <@{CAROL.id}> · 1 fill"  # her named fill only
    await driver.command("fill", user=ALICE, prompt=2, url=WORK + "/alice", anonymous=True)
    stats = await driver.command("stats", user=BOB)
    assert f"<@{ALICE.id}>" not in json.dumps(stats.embeds)


async def test_parts_of_an_anonymous_work_in_progress_name_nobody(driver: Driver, db_path: Path) -> None:
    await channels(driver)
    await submit(driver, TEXT, user=BOB, title="Lift")
    await driver.command(
        "fill", user=CAROL, prompt=1, url=OTHER, title="Notes, part 1", status="in progress", anonymous=True
    )
    # A part keeps the fill as first shared: anonymous, whatever this /fill says.
    part = await driver.command("fill", user=CAROL, prompt=1, url=OTHER, title="Notes, part 2", status="in progress")
    assert part.ephemeral and part.content.startswith("Your new part for #1 is recorded.")
    done = await driver.command("fill", user=CAROL, prompt=1, url=OTHER, title="Notes")
    assert done.ephemeral
    lines = [p["content"] for p in driver.posts(FILLS)[1:]]
    assert lines == [
        f"📖 An anonymous writer posted a new part of [Notes, part 2]({OTHER}), a fill of prompt #1 *Lift*.",
        f"✨ [Notes]({OTHER}) by an anonymous writer, a fill of prompt #1 *Lift*, is now complete.",
    ]
    assert anonymous_flags(db_path) == [(CAROL.id, OTHER, 1)]
    # Without a fills channel the line is a message of its own, and the answer stays private.
    await driver.command("settings set", user=MOD, clear="fills_channel")
    await driver.command("fill", user=CAROL, prompt=1, url=OTHER + "/2", status="in progress", anonymous=True)
    again = await driver.command("fill", user=CAROL, prompt=1, url=OTHER + "/2", status="in progress")
    assert again.ephemeral
    assert driver.posts(GENERAL)[-1]["content"].startswith("📖 An anonymous writer posted a new part of")
    assert leaks(driver, CAROL) == []


async def test_reveal_names_the_writer_in_the_announcement_and_the_post(driver: Driver, db_path: Path) -> None:
    await channels(driver)
    await submit(driver, TEXT, user=BOB, title="Lift")
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Rising", anonymous=True)
    [message_id] = announcement_ids(driver)
    offered = await driver.autocomplete("reveal", "url", "", user=CAROL, prompt=1)
    assert [c["value"] for c in offered.choices] == [WORK]
    assert (await driver.autocomplete("reveal", "url", "", user=ALICE, prompt=1)).choices == []
    out = await driver.command("reveal", user=CAROL, prompt=1, url=WORK)
    assert out.ephemeral
    assert out.content == (
        "🎭 Your fill of #1 is revealed: everyone can see that you wrote it. Its announcement now names you."
    )
    [edit] = edits_of(driver, message_id)
    assert edit["embeds"][0]["description"] == f"<@{CAROL.id}> wrote a fill for **#1 · Lift**, a prompt by <@{BOB.id}>."
    assert edit["allowed_mentions"] == {"parse": []}  # the edit pings nobody
    post_edits = [c.body for c in driver.fake.calls if c.method == "PATCH" and c.channel_id == PROMPTS.id]
    assert f"by <@{CAROL.id}>" in json.dumps(post_edits[-1])
    assert anonymous_flags(db_path) == [(CAROL.id, WORK, 0)]
    profile = await driver.command("profile", user=ALICE, member=CAROL)
    assert "Rising" in profile.text


async def test_each_reveal_refusal_is_private_and_changes_nothing(driver: Driver, db_path: Path) -> None:
    await channels(driver)
    await submit(driver, TEXT, user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, anonymous=True)
    await driver.command("fill", user=ALICE, prompt=1, url=OTHER)
    cases = [
        (ALICE, 1, WORK, "That fill of #1 was posted by someone else: only its writer can reveal it."),
        (MOD, 1, WORK, "That fill of #1 was posted by someone else: only its writer can reveal it."),
        (ALICE, 1, OTHER, "Your fill of #1 already shows your name: there is nothing to reveal."),
        (CAROL, 1, WORK + "/nope", "Prompt #1 has no fill with that link"),
        (CAROL, 9, WORK, "There is no prompt #9 in this server."),
    ]
    before = snapshot(db_path)
    for user, number, url, expected in cases:
        out = await driver.command("reveal", user=user, prompt=number, url=url)
        assert out.ephemeral and out.content.startswith(expected), (url, out.content)
        assert snapshot(db_path) == before
    assert leaks(driver, CAROL) == []


async def test_mod_reveal_fills_reveals_every_anonymous_fill_at_once(driver: Driver, db_path: Path) -> None:
    await channels(driver)
    await submit(driver, TEXT, user=BOB, title="Lift")
    await submit(driver, "A second idea: a ghost who haunts a library's returns desk.", user=BOB, title="Ghost")
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, anonymous=True)
    await driver.command("fill", user=ALICE, prompt=2, url=OTHER, anonymous=True)
    await driver.command("fill", user=ALICE, prompt=1, url=OTHER + "/named")
    before = snapshot(db_path)
    refused = await driver.command("mod reveal fills", user=ALICE)
    assert refused.ephemeral and "Only moderators" in refused.content
    assert snapshot(db_path) == before
    out = await driver.command("mod reveal fills", user=MOD)
    assert out.ephemeral
    assert out.messages[0]["content"] == (
        "🎭 Revealed 2 anonymous fills (of prompts #1 and #2): their writers are named from now on. "
        "Updating their announcements, one a second, and telling their writers…"
    )
    assert out.content == (
        "🎭 Revealed 2 anonymous fills (of prompts #1 and #2); 2 announcements now name their writers. "
        "Each writer was told by direct message."
    )
    first, second, _ = announcement_ids(driver)
    # Each writer hears once, of the server and of their own fill by prompt, with a link to its announcement.
    [to_carol] = driver.dms(CAROL)
    assert to_carol["content"] == (
        "🎭 In **Writers' Den**, the moderators revealed the anonymous fills: your fill for #1 *Lift* ([see it]("
        f"https://discord.com/channels/{GUILD.id}/{FILLS.id}/{first})) now names you."
    )
    assert to_carol["allowed_mentions"] == {"parse": []}
    [to_alice] = driver.dms(ALICE)
    assert to_alice["content"].startswith(
        "🎭 In **Writers' Den**, the moderators revealed the anonymous fills: your fill for #2 *Ghost* ([see it]("
    )
    assert f"<@{CAROL.id}> wrote a fill" in edits_of(driver, first)[-1]["embeds"][0]["description"]
    assert f"<@{ALICE.id}> wrote a fill" in edits_of(driver, second)[-1]["embeds"][0]["description"]
    assert [flag for _, _, flag in anonymous_flags(db_path)] == [0, 0, 0]
    assert driver.posts(LOG)[-1]["content"] == (
        f"🎭 <@{MOD.id}> revealed the writers of 2 anonymous fills (of prompts #1 and #2)."
    )
    log = await driver.command("mod log", user=MOD)
    assert f"<@{MOD.id}> revealed the writers of 2 anonymous fills." in log.embeds[0]["description"]
    nothing = await driver.command("mod reveal fills", user=MOD)
    assert nothing.ephemeral and nothing.content.startswith("There is no anonymous fill to reveal")


async def test_the_reveal_day_tells_each_writer_once_and_closed_dms_cost_nobody_else_theirs(
    driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(configuring, "POST_PACE", 0)
    await channels(driver)
    for number in range(1, 14):
        await submit(
            driver, f"Idea number {number}: a lighthouse that keeps its keeper.", user=BOB, title=f"Idea {number}"
        )
    for number in range(1, 13):
        await driver.command(
            "fill", user=CAROL, prompt=number, url=f"{OTHER}/{number}", title=f"Part {number}", anonymous=True
        )
    await driver.command("fill", user=ALICE, prompt=13, url=WORK, anonymous=True)
    driver.fake.close_dms(ALICE.id)
    out = await driver.command("mod reveal fills", user=MOD)
    numbers = "#1, #2, #3, #4, #5, #6, #7, #8, #9, #10 … and 3 more"
    assert out.messages[0]["content"].startswith(f"🎭 Revealed 13 anonymous fills (of prompts {numbers}): ")
    assert (
        driver.posts(LOG)[-1]["content"]
        == f"🎭 <@{MOD.id}> revealed the writers of 13 anonymous fills (of prompts {numbers})."
    )
    assert out.content.endswith(
        "13 announcements now name their writers. Told 1 of 2 writers by direct message; the rest could not be "
        "reached (closed direct messages, or Discord did not answer)."
    )
    [to_carol] = driver.dms(CAROL)  # one message for all twelve
    assert to_carol["content"].startswith(
        "🎭 In **Writers' Den**, the moderators revealed the anonymous fills: your *Part 1* for #1 *Idea 1* ([see it]("
    )
    assert ", your *Part 11* for #11 *Idea 11* ([see it](" in to_carol["content"]
    assert " and your *Part 12* for #12 *Idea 12* ([see it](" in to_carol["content"]
    assert to_carol["content"].endswith(")) now name you.") and len(to_carol["content"]) <= 2000
    assert driver.dms(ALICE) == []


async def test_a_writer_of_many_revealed_fills_gets_one_message_within_discords_limit(
    driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(configuring, "POST_PACE", 0)
    await channels(driver)
    long = " and the lighthouse keeper's very long night" * 4
    for number in range(1, 13):
        await submit(
            driver, f"Idea number {number}: a lighthouse that keeps its keeper.", user=BOB, title=f"Idea {number}"
        )
        await driver.command(
            "fill", user=CAROL, prompt=number, url=f"{OTHER}/{number}", title=f"Part {number}{long}", anonymous=True
        )
    await driver.command("mod reveal fills", user=MOD)
    [to_carol] = driver.dms(CAROL)
    content = to_carol["content"]
    assert len(content) <= 2000
    assert content.startswith("🎭 In **Writers' Den**, the moderators revealed the anonymous fills: your *Part 1 ")
    shown = content.count("([see it](")
    assert 1 < shown < 12 and content.endswith(f" and {plural(12 - shown, 'more fill')} of yours now name you.")


async def test_the_reveal_day_edits_its_announcements_paced(driver: Driver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(configuring, "POST_PACE", 0.05)
    await channels(driver)
    for number in range(1, 4):
        await submit(driver, f"Idea number {number}: a lighthouse that keeps its keeper.", user=BOB)
        await driver.command("fill", user=CAROL, prompt=number, url=f"{OTHER}/{number}", anonymous=True)
    await driver.command("mod reveal fills", user=MOD)
    times = [c.at for c in driver.fake.calls if c.method == "PATCH" and c.channel_id == FILLS.id]
    assert len(times) == 3
    assert all(later - earlier >= 0.045 for earlier, later in itertools.pairwise(times))


async def test_the_anonymity_scan_over_everything_the_bot_sent(driver: Driver, clock: MovableClock) -> None:
    """A busy meme with anonymous fills: every request the bot sent is scanned for the writer's id and name. The
    writer does only anonymous things here, so anything naming them anywhere public is a leak."""
    await channels(driver)
    await submit(driver, TEXT, user=BOB, title="Lift")
    await submit(driver, "An anonymous idea: a dragon who runs a bakery.", user=ALICE, anonymous=True)
    await submit(driver, "A third idea: two rival florists share a stall.", user=BOB)
    await submit(driver, "A fourth idea: a lighthouse that keeps its keeper.", user=BOB)
    await driver.command("prompt second", user=ALICE, prompt=1)  # a seconder hears of the fill
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Rising", anonymous=True)
    await driver.command("fill", user=CAROL, prompt=2, url=OTHER, title="Scales", status="in progress", anonymous=True)
    await driver.command("fill", user=CAROL, prompt=2, url=OTHER, title="Scales, part 2", status="in progress")
    await driver.command("fill", user=CAROL, prompt=2, url=OTHER, title="Scales")
    await driver.command("fill", user=CAROL, prompt=3, url=OTHER + "/3", anonymous=True)
    await driver.command("unfill", user=CAROL, prompt=3, url=OTHER + "/3")
    for member in (ALICE, BOB, CAROL):
        for number in (1, 2, 3):
            await driver.command("prompt view", user=member, prompt=number)
        await driver.command("prompt list", user=member)
        await driver.command("stats", user=member)
    await driver.command("profile", user=BOB)
    await driver.command("profile", user=CAROL)  # her own: private, and marked anonymous
    await driver.command("prompt view", user=MOD, prompt=1)  # moderators see who, privately
    exported = await driver.command("export", user=MOD, format="json")
    assert str(CAROL.id) in json.dumps([c.files and c.files[0][1].decode() for c in exported.calls])
    await driver.command("export", user=MOD, format="csv")
    # A fills channel the bot may not post in: the moderators' warning names no writer either.
    driver.fake.fail("POST", "/channels/{channel_id}/messages", channel_id=FILLS.id, status=403, code=50013)
    blocked = await driver.command("fill", user=CAROL, prompt=4, url=OTHER + "/4", anonymous=True)
    assert "could not announce it" in blocked.content
    assert any("anonymous fill of #4 could not be announced" in p["content"] for p in driver.posts(LOG))
    clock.advance(days=1)
    await driver.bot.sweep()  # the seconder's daily digest
    assert len(driver.dms(ALICE)) == 2  # her anonymous prompt's fill, and her digest with the prompt she seconded
    assert "1 prompt with new fills" in driver.dms(ALICE)[-1]["content"]
    # The scan met every kind of request: replies, channel posts and their edits, direct messages, files.
    calls = driver.fake.calls
    assert any(c.route.endswith("/callback") for c in calls) and any(c.files for c in calls)
    assert {FILLS.id, PROMPTS.id, LOG.id} <= {c.channel_id for c in calls if c.method == "POST"}
    assert {FILLS.id, PROMPTS.id} <= {c.channel_id for c in calls if c.method == "PATCH"}
    assert leaks(driver, CAROL) == []
    # The scan can fail: once she reveals a fill, the edited announcement names her to everyone.
    await driver.command("reveal", user=CAROL, prompt=1, url=WORK)
    found = leaks(driver, CAROL)
    assert found and all(line.startswith("PATCH /channels/") for line in found), found


async def test_a_claimed_prompt_filled_anonymously_warns_that_the_claim_showed_the_writer(driver: Driver) -> None:
    await channels(driver)
    await submit(driver, TEXT, user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    out = await driver.command("fill", user=CAROL, prompt=1, url=OTHER, anonymous=True)
    assert (
        out.ephemeral and "Your claim on it was shown under your name, so members who saw it may guess" in out.content
    )
    await submit(driver, "A second idea: a ghost who haunts a library's returns desk.", user=BOB)
    unclaimed = await driver.command("fill", user=CAROL, prompt=2, url=OTHER, anonymous=True)
    assert "Your claim" not in unclaimed.content


async def test_a_named_work_in_progress_stays_named_and_says_so(driver: Driver, db_path: Path) -> None:
    await channels(driver)
    await submit(driver, TEXT, user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=OTHER, status="in progress")
    out = await driver.command("fill", user=CAROL, prompt=1, url=OTHER, status="in progress", anonymous=True)
    assert out.ephemeral and out.content.endswith("It was first shared under your name, so it stays named.")
    assert anonymous_flags(db_path) == [(CAROL.id, OTHER, 0)]
    assert f"📖 <@{CAROL.id}> posted a new part" in driver.posts(FILLS)[-1]["content"]


async def test_the_moderators_backup_keeps_anonymous_fills_anonymous_when_restored(
    driver: Driver, tmp_path: Path, clock
) -> None:
    await submit(driver, TEXT, user=BOB)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, anonymous=True)
    await driver.command("fill", user=ALICE, prompt=1, url=OTHER)
    files = {}
    for fmt in ("json", "csv"):
        out = await driver.command("export", user=MOD, format=fmt)
        assert out.ephemeral
        files[fmt] = next(c.files[0][1] for c in out.calls if c.files)
    [entry] = json.loads(files["json"])["prompts"]
    assert [(f["member_id"], f["anonymous"]) for f in entry["fills"]] == [(CAROL.id, True), (ALICE.id, False)]
    for fmt, content in files.items():
        other = await Driver.start(tmp_path / f"restored-{fmt}.db", clock=clock)
        try:
            done = await other.command("import", user=MOD, file=Attachment(f"backup.{fmt}", content))
            assert "Added 1 prompt" in done.content, done.content
        finally:
            await other.close()
        assert anonymous_flags(tmp_path / f"restored-{fmt}.db") == [(CAROL.id, WORK, 1), (ALICE.id, OTHER, 0)], fmt


async def test_help_lists_reveal_with_claims_and_fills(driver: Driver) -> None:
    out = await driver.command("help", user=ALICE)
    fields = {f["name"]: f["value"] for f in out.embeds[0]["fields"]}
    claims_and_fills = next(value for name, value in fields.items() if name.startswith("✍️"))
    assert driver.bot.mention("reveal") in claims_and_fills
    moderators = await driver.command("help", user=MOD)
    assert driver.bot.mention("mod reveal fills") in json.dumps(moderators.embeds, ensure_ascii=False)
