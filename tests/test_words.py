"""What people read: one answer for a prompt a member may not see, and no internal words in replies or logs."""

from __future__ import annotations

import copy
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from cogs.ui.audit_lines import audit_sentence, setting_change_of
from db.models import AuditEntry, Prompt
from interactions.words import claim_state
from tests.conftest import snapshot, submit
from tests.driver import ALICE, BOB, CAROL, GENERAL, GUILD, LOG, MOD, MOD_ROLE, NSFW, PROMPTS, Driver
from tests.wording import problems_in, unreadable

HIDDEN = "There is no prompt #{n} in this server."


async def hidden_prompts(driver: Driver) -> tuple[int, int, int, int]:
    """Bob's rejected prompt, Bob's pending prompt, an open one of his (posted, with a Claim button), and a
    number no prompt has."""
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, require_approval=True)
    rejected = await submit(driver, "Bob's idea that the moderators turn down", user=BOB)
    await driver.command("queue reject", user=MOD, prompt=rejected, reason="Off topic")
    pending = await submit(driver, "Bob's idea still waiting for approval", user=BOB)
    opened = await submit(driver, "Bob's idea about a lighthouse keeper", user=BOB)
    await driver.command("queue approve", user=MOD, prompt=opened)
    return rejected, pending, opened, 99


def forged_claim_button(driver: Driver, number: int) -> int:
    """A copy of a posted prompt's message whose Claim button names another number (a stale or hand-made
    button: Discord delivers whatever custom_id the message carries)."""
    posted = next(c for c in driver.post_calls() if c.channel_id == PROMPTS.id)
    message = copy.deepcopy(driver.fake.messages[int(posted.response["id"])])
    message["id"] = str(int(message["id"]) + 1000)
    for row in message["components"]:
        for item in row["components"]:
            if item.get("custom_id", "").startswith("promptfill:claim:"):
                item["custom_id"] = f"promptfill:claim:{number}"
    driver.fake.messages[int(message["id"])] = message
    return int(message["id"])


async def test_every_command_answers_a_prompt_the_member_may_not_see_alike(driver: Driver, db_path: Path) -> None:
    rejected, pending, _, missing = await hidden_prompts(driver)

    async def asks(number: int) -> dict[str, str]:
        """Carol addresses prompt `number` every way she can; each reply, with the number taken out."""
        button = forged_claim_button(driver, number)
        ways = {
            "claim": driver.command("claim", user=CAROL, prompt=number),
            "unclaim": driver.command("unclaim", user=CAROL, prompt=number),
            "fill": driver.command("fill", user=CAROL, prompt=number, url="https://example.org/work"),
            "unfill": driver.command("unfill", user=CAROL, prompt=number, url="https://example.org/work"),
            "edit": driver.command("prompt edit", user=CAROL, prompt=number, title="Mine now"),
            "withdraw": driver.command("prompt withdraw", user=CAROL, prompt=number),
            "view": driver.command("prompt view", user=CAROL, prompt=number),
            "claim button": driver.click(button, f"promptfill:claim:{number}", user=CAROL),
        }
        replies = {}
        for way, asking in ways.items():
            before = snapshot(db_path)
            out = await asking
            assert out.ephemeral, way
            assert snapshot(db_path) == before, f"{way} #{number} changed the database"
            replies[way] = out.content.replace(f"#{number}", "#N")
        return replies

    nothing_there = await asks(missing)
    assert all(reply.startswith(HIDDEN.format(n="N")) for reply in nothing_there.values()), nothing_there
    assert await asks(rejected) == nothing_there
    assert await asks(pending) == nothing_there
    assert unreadable(driver) == []


async def test_the_prompter_and_moderators_still_see_hidden_prompts_for_what_they_are(
    driver: Driver, db_path: Path
) -> None:
    rejected, pending, _, _ = await hidden_prompts(driver)
    cases = [
        (MOD, "claim", {"prompt": pending}, f"Prompt #{pending} is still waiting for a moderator's approval"),
        (MOD, "claim", {"prompt": rejected}, f"Prompt #{rejected} was not accepted, so you cannot claim it."),
        (MOD, "unclaim", {"prompt": pending}, f"You hold no claim on #{pending}."),
        (MOD, "prompt withdraw", {"prompt": rejected}, f"Prompt #{rejected} was not accepted, so you cannot withdraw"),
        (BOB, "fill", {"prompt": pending, "url": "https://example.org/w"}, "is still waiting for a moderator's"),
        (BOB, "unclaim", {"prompt": rejected}, f"You hold no claim on #{rejected}."),
        (BOB, "prompt edit", {"prompt": rejected, "title": "Again"}, "was not accepted, so you cannot edit it."),
        (BOB, "unfill", {"prompt": pending, "url": "https://example.org/w"}, f"#{pending} has no fill with that"),
    ]
    for user, command, options, expected in cases:
        before = snapshot(db_path)
        out = await driver.command(command, user=user, **options)
        assert out.ephemeral and expected in out.content, (command, out.content)
        assert snapshot(db_path) == before
    seen = await driver.command("prompt view", user=BOB, prompt=pending)
    assert "Bob's idea still waiting" in seen.text
    assert unreadable(driver) == []


async def test_claiming_your_own_prompt_says_why_in_the_prompt_memes_words(driver: Driver, db_path: Path) -> None:
    number = await submit(driver, "Alice's own idea about a haunted lighthouse", user=ALICE)
    before = snapshot(db_path)
    out = await driver.command("claim", user=ALICE, prompt=number)
    assert out.ephemeral and snapshot(db_path) == before
    assert out.content == (
        f"#{number} is your own prompt, so you cannot claim it: prompts are for other members to write. "
        "`/prompt random` finds one for you."
    )
    assert "exchange" not in out.content


def test_the_scan_finds_each_kind_of_unreadable_word() -> None:
    assert problems_in("✅ member 731000000000000011") == ["raw id 731000000000000011"]
    assert problems_in("(moderator_role: None -> 700000000000000001)") == [
        "raw id 700000000000000001",
        "Python word None",
    ]
    assert problems_in("Sent 3 assignment(s)") == ['"(s)"']
    assert problems_in("Spring Fling is in its `closed` phase") == ["internal name `closed`"]
    assert problems_in("require approval: False → True") == ["Python word False", "Python word True"]
    fine = "<@731000000000000011> claimed #3 <t:1700000000:R> in <#710000000000000001>; see `/prompt view`."
    assert problems_in(fine) == []
    assert problems_in("https://discord.com/channels/720000000000000001/710000000000000003/1") == []
    # An embed title or a button label shows a mention as typed: there it is a raw id.
    assert problems_in("Claims of <@731000000000000011>", renders_mentions=False) == ["raw id 731000000000000011"]


async def test_the_scan_reads_what_the_bot_sent(driver: Driver) -> None:
    await driver.command("prompt submit", user=BOB, channel=GENERAL, text="True story: a lighthouse at night")
    # The prompt's text is in the reply's embed: the scan reads embeds (member text is chosen with care in tests).
    assert [p for p in unreadable(driver) if "Python word True" in p], unreadable(driver)


# -- the moderation log and log-channel lines ---------------------------------------------------------------


async def test_the_moderation_log_reads_as_sentences(driver: Driver, db_path: Path) -> None:
    mod, bob, carol = f"<@{MOD.id}>", f"<@{BOB.id}>", f"<@{CAROL.id}>"
    work = "https://example.org/works/1"
    await driver.command("settings set", user=MOD, moderator_role=MOD_ROLE, require_approval=True, log_channel=LOG)
    first = await submit(driver, "Bob's idea about a lighthouse keeper", user=BOB, title="Lighthouse")
    await driver.command("queue approve", user=MOD, prompt=first)
    second = await submit(driver, "Bob's idea that is off topic here", user=BOB)
    await driver.command("queue reject", user=MOD, prompt=second, reason="Off topic\nfor this meme")
    await driver.command("claim", user=CAROL, prompt=first)
    await driver.command("mod extend", user=MOD, prompt=first, member=CAROL, days=3)
    await driver.command("mod release", user=MOD, prompt=first, member=CAROL)
    await driver.command("fill", user=CAROL, prompt=first, url=work)
    await driver.command("unfill", user=MOD, prompt=first, url=work)
    await driver.command("prompt edit", user=MOD, prompt=first, title="The Lighthouse", fandom="Original Work")
    await driver.command("prompt withdraw", user=MOD, prompt=first)
    out = await driver.command("mod log", user=MOD)
    lines = [line.split(" · ", 1)[1] for line in out.embeds[0]["description"].split("\n")]
    # Each prompt is named by its number and its title as it stands now.
    assert lines == [  # the whole first page (ten entries)
        f"{mod} withdrew prompt #{first} “The Lighthouse” by {bob}.",
        f"{mod} edited prompt #{first} “The Lighthouse” by {bob} (its title and fandom).",
        f"{mod} removed {carol}'s fill of prompt #{first} “The Lighthouse”: <{work}>.",
        f"{mod} released {carol}'s claim on prompt #{first} “The Lighthouse”.",
        f"{mod} extended {carol}'s claim on prompt #{first} “The Lighthouse” by 3 days.",
        f"{mod} rejected prompt #{second} by {bob}. Reason: Off topic for this meme.",
        f"{mod} approved prompt #{first} “The Lighthouse” by {bob}.",
        f"{mod} changed approval: off → on.",
        f"{mod} changed moderator role: not set → <@&{MOD_ROLE.id}>.",
        f"{mod} changed log channel: not set → <#{LOG.id}>.",
    ]
    logged = [post["content"] for post in driver.posts(LOG)]
    assert f"✅ {mod} approved prompt #{first} “Lighthouse” by {bob}." in logged
    assert f"⛔ {mod} rejected prompt #{second} by {bob}. Reason: Off topic\nfor this meme" in logged
    assert unreadable(driver) == []


async def test_the_moderation_log_marks_an_anonymous_prompt_and_names_its_prompter_only_there(driver: Driver) -> None:
    mod, carol = f"<@{MOD.id}>", f"<@{CAROL.id}>"
    await driver.command("settings set", user=MOD, require_approval=True, allow_anonymous=True, log_channel=LOG)
    number = await submit(driver, "A dragon who hoards library books", user=CAROL, title="Overdue", anonymous=True)
    await driver.command("queue approve", user=MOD, prompt=number)
    out = await driver.command("mod log", user=MOD)
    assert out.ephemeral
    lines = [line.split(" · ", 1)[1] for line in out.embeds[0]["description"].split("\n")]
    assert lines[0] == f"{mod} approved prompt #{number} “Overdue” (anonymous; by {carol})."
    # The log channel's live line never names the anonymous prompter.
    logged = [post["content"] for post in driver.posts(LOG)]
    assert f"✅ {mod} approved prompt #{number} “Overdue” (anonymous)." in logged
    assert str(CAROL.id) not in str(logged)


async def test_log_entries_written_by_earlier_versions_read_as_sentences_too(driver: Driver, db_path: Path) -> None:
    """The issue's examples, stored as the settings write has always stored them."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany(
            "INSERT INTO audit_log (guild_id, actor_id, action, detail, by_moderator, created_at)"
            " VALUES (?, ?, 'settings', ?, 1, 0)",
            [
                (GUILD.id, MOD.id, f"moderator_role: None -> {MOD_ROLE.id}"),
                (GUILD.id, MOD.id, "require_approval: False -> True"),
                (GUILD.id, MOD.id, "claims_per_prompt: 1 -> 0"),
                (GUILD.id, MOD.id, f"prompts_channel: {PROMPTS.id} -> None"),
            ],
        )
        conn.execute(
            "INSERT INTO audit_log (guild_id, actor_id, action, detail, by_moderator, created_at)"
            " VALUES (?, ?, 'import', 'added 1200, refused 1', 1, 0)",
            (GUILD.id, MOD.id),
        )
    conn.close()
    out = await driver.command("mod log", user=MOD)
    lines = [line.split(" · ", 1)[1] for line in out.embeds[0]["description"].split("\n")]
    mod = f"<@{MOD.id}>"
    assert lines == [
        f"{mod} imported 1,200 prompts (1 refused).",
        f"{mod} changed prompts channel: <#{PROMPTS.id}> → not set.",
        f"{mod} changed claims per prompt: 1 → no limit.",
        f"{mod} changed approval: off → on.",
        f"{mod} changed moderator role: not set → <@&{MOD_ROLE.id}>.",
    ]
    assert unreadable(driver) == []


def test_every_kind_of_log_entry_reads_as_a_sentence() -> None:
    """Entries the flows above do not reach (exchanges, AO3 accounts, background expiry), read as stored."""
    mod, bob, carol = MOD.id, BOB.id, CAROL.id

    def line(action: str, actor: int = mod, *, number: int | None = None, target: int | None = None, detail=None):
        return audit_sentence(AuditEntry(1, GUILD.id, actor, action, number, target, detail, datetime.now(UTC)))

    cases = {
        line(
            "claim expired", carol, number=4, target=carol
        ): f"<@{carol}>'s claim on prompt #4 expired at its deadline.",
        line("claim filled", carol, number=4, target=carol): f"<@{carol}>'s claim on prompt #4 ended with a fill.",
        line("claim released", bob, number=4, target=carol, detail="prompt withdrawn"): (
            f"<@{bob}> released <@{carol}>'s claim on prompt #4 because the prompt was withdrawn."
        ),
        line(
            "ao3 account", carol, target=carol, detail="(none) -> carol_w"
        ): f"<@{carol}> linked the AO3 account carol_w.",
        line("ao3 account", carol, target=carol, detail="carol_w -> (none)"): (
            f"<@{carol}> unlinked their AO3 account carol_w."
        ),
        line("exchange created", detail="Yuletide"): f"<@{mod}> created the exchange Yuletide.",
        line("exchange closed", detail="Yuletide"): f"<@{mod}> closed sign-ups for Yuletide.",
        line("exchange matched", detail="Yuletide: 12 matched"): f"<@{mod}> matched Yuletide (12 matched).",
        line("exchange assigned", target=bob, detail=f"Yuletide: for <@{carol}>"): (
            f"<@{mod}> assigned <@{bob}> to write for <@{carol}> in Yuletide."
        ),
        line("exchange default", bob, target=bob, detail="Yuletide"): f"<@{bob}> gave up their assignment in Yuletide.",
        line("exchange reveal creators", detail="Yuletide"): f"<@{mod}> revealed the creators of Yuletide.",
        line("exchange removed", target=bob, detail="Yuletide"): f"<@{mod}> removed <@{bob}> from Yuletide.",
        line("settings", detail="allow_anonymous: True -> False"): f"<@{mod}> changed anonymous prompts: on → off.",
        line("settings", detail="anonymous_fills: True -> False"): f"<@{mod}> changed anonymous fills: on → off.",
        line("fills revealed", detail="3"): f"<@{mod}> revealed the writers of 3 anonymous fills.",
        line("fill revealed", carol, target=carol, number=4, detail="https://example.org/w"): (
            f"<@{carol}> revealed that they wrote the anonymous fill of prompt #4: <https://example.org/w>."
        ),
        line("settings", detail="claim_days: 14 -> 0"): f"<@{mod}> changed claim length: 14 days → no deadline.",
    }
    for written, expected in cases.items():
        assert written == expected
        assert problems_in(written) == [], written


async def test_a_log_of_one_entry_says_one_entry(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, claim_days=10)
    out = await driver.command("mod log", user=MOD)
    assert out.embeds[0]["footer"]["text"] == "Page 1 of 1 · 1 entry"
    assert out.embeds[0]["description"].endswith(f"<@{MOD.id}> changed claim length: 14 days → 10 days.")


def test_a_setting_change_as_it_happens_reads_like_its_log_entry() -> None:
    assert setting_change_of("moderator_role", None, MOD_ROLE.id) == f"moderator role: not set → <@&{MOD_ROLE.id}>"
    assert setting_change_of("require_approval", False, True) == "approval: off → on"
    assert setting_change_of("prompts_channel", PROMPTS.id, None) == f"prompts channel: <#{PROMPTS.id}> → not set"
    assert setting_change_of("claims_per_member", 3, 0) == "claims per member: 3 → no limit"


async def test_the_log_reads_a_change_of_every_setting(driver: Driver) -> None:
    # The Explicit channel came after the log's words were written: /mod log failed once it was set.
    await driver.command("settings set", user=MOD, explicit_channel=NSFW)
    out = await driver.command("mod log", user=MOD)
    assert out.embeds[0]["description"].endswith(f"<@{MOD.id}> changed Explicit channel: not set → <#{NSFW.id}>.")
    assert setting_change_of("allow_anonymous", True, False) == "anonymous prompts: on → off"


def test_claim_state_says_whether_a_prompt_can_be_claimed_in_words() -> None:
    def state(status: str, claims: int, per_prompt: int) -> str:
        prompt = Prompt(1, GUILD.id, 1, BOB.id, False, status, "G", "text", "T", None, (), claims, 0, datetime.now(UTC))  # type: ignore[arg-type]
        return claim_state(prompt, per_prompt)

    assert state("open", 0, 1) == "1 claim slot free"
    assert state("open", 1, 3) == "2 claim slots free"
    assert state("open", 2, 2) == "claimed, no slot free"
    assert state("open", 5, 0) == "open for claims"  # no limit per prompt
    assert state("filled", 0, 1) == "filled, open for more fills"
    assert state("filled", 1, 1) == "filled, no slot free"
    assert state("closed", 0, 1) == "it is closed"
    assert all(problems_in(state(s, c, p)) == [] for s in ("open", "filled", "closed") for c in (0, 1) for p in (0, 1))
