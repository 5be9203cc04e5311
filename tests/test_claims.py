"""/claim, /unclaim, /claims, /mod release and extend: limits under concurrency, deadlines, reminders, expiry."""

from __future__ import annotations

import asyncio
import json

from tests.conftest import snapshot, submit
from tests.driver import (
    ALICE,
    BOB,
    CAROL,
    GUILD,
    LOG,
    MOD,
    OTHER_CHANNEL,
    OTHER_GUILD,
    PROMPTS,
    Driver,
    User,
)

# -- claiming -------------------------------------------------------------------------------------------


async def test_prompt_view_of_a_prompt_with_no_slot_left_says_so_as_its_post_does(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, "Two lighthouse keepers signal each other every night.", user=ALICE)
    await driver.command("claim", user=BOB, prompt=1)
    seen = await driver.command("prompt view", user=CAROL, prompt=1)
    status = {f["name"]: f["value"] for f in seen.embeds[0]["fields"]}["Status"]
    assert status == "Claimed: no claim slot left until a claim ends"
    message_id = (await driver.bot.store.prompts.get(GUILD.id, 1)).message_id
    assert message_id is not None
    post = driver.fake.messages[message_id]
    assert {f["name"]: f["value"] for f in post["embeds"][0]["fields"]}["Status"] == status


async def test_claim_replies_with_the_deadline_and_is_audited(driver: Driver, clock) -> None:
    await submit(driver, "Idea about a haunted lighthouse", user=BOB)
    out = await driver.command("claim", user=CAROL, prompt=1)
    assert out.ephemeral and "You claimed prompt #1" in out.content and "deadline" in out.content
    claims = await driver.bot.store.claims.of_member(GUILD.id, CAROL.id)
    assert len(claims) == 1 and claims[0].deadline is not None
    assert (claims[0].deadline - clock()).days == 14
    actions = [e.action for e in await driver.bot.store.audit.everything(GUILD.id)]
    assert actions[-1] == "claim"


async def test_claim_days_zero_means_no_deadline(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, claim_days=0)
    await submit(driver, "Idea about a haunted lighthouse", user=BOB)
    out = await driver.command("claim", user=CAROL, prompt=1)
    assert "There is no deadline" in out.content


async def test_each_claim_refusal_is_ephemeral_and_changes_nothing(driver: Driver, db_path) -> None:
    await submit(driver, "Bob's idea about a haunted lighthouse", user=BOB)
    await submit(driver, "Second idea about a lonely robot", user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    await driver.command(
        "prompt submit", user=BOB, guild=OTHER_GUILD, channel=OTHER_CHANNEL, text="An idea in another server entirely"
    )
    cases = [
        (BOB, 1, "your own prompt"),
        (CAROL, 1, "already hold a claim on #1"),
        (ALICE, 1, "no free claim slot"),
        (ALICE, 3, "no prompt #3"),
    ]
    for user, number, expected in cases:
        before = snapshot(db_path)
        out = await driver.command("claim", user=user, prompt=number)
        assert out.ephemeral and expected in out.content, (expected, out.content)
        assert snapshot(db_path) == before
    await driver.command("settings set", user=MOD, claims_per_member=1)
    before = snapshot(db_path)
    out = await driver.command("claim", user=CAROL, prompt=2)
    assert "You already hold 1 claim" in out.content
    assert snapshot(db_path) == before
    await driver.command("prompt withdraw", user=BOB, prompt=2)
    before = snapshot(db_path)
    out = await driver.command("claim", user=ALICE, prompt=2)
    assert "is closed" in out.content
    assert snapshot(db_path) == before


async def test_a_hundred_members_pressing_claim_at_once_give_exactly_one_claim(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, "The one prompt everyone wants to write", user=BOB)
    post = next(c for c in driver.post_calls() if c.channel_id == PROMPTS.id)
    message_id = int(post.response["id"])
    members = [User(740000000000000000 + i, f"writer{i}") for i in range(100)]
    outs = await asyncio.gather(*(driver.click(message_id, "promptfill:claim:1", user=m) for m in members))
    won = [o for o in outs if "You claimed" in o.content]
    assert len(won) == 1
    assert sum("no free claim slot" in o.content for o in outs) == 99
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.active_claims == 1


async def test_one_member_firing_ten_claims_at_once_gets_exactly_the_limit(driver: Driver) -> None:
    for i in range(10):
        await submit(driver, f"Prompt {i} about the sea and its keepers", user=BOB)
    outs = await asyncio.gather(*(driver.command("claim", user=CAROL, prompt=n) for n in range(1, 11)))
    assert sum("You claimed" in o.content for o in outs) == 3
    assert sum("this server's limit" in o.content for o in outs) == 7
    assert len(await driver.bot.store.claims.of_member(GUILD.id, CAROL.id)) == 3


async def test_claim_button_on_a_post_still_works_after_a_restart(driver: Driver, db_path, clock) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, "The one prompt everyone wants to write", user=BOB)
    post = next(c for c in driver.post_calls() if c.channel_id == PROMPTS.id)
    message = post.response
    await driver.close()
    second = await Driver.start(db_path, clock=clock)
    try:
        second.fake.messages[int(message["id"])] = message
        out = await second.click(int(message["id"]), "promptfill:claim:1", user=CAROL)
        assert "You claimed prompt #1" in out.content
        assert second.unexpected_errors() == []
    finally:
        await second.close()


# -- unclaim, claims, release, extend -------------------------------------------------------------------


async def test_unclaim_frees_the_slot_and_refuses_without_a_claim(driver: Driver, db_path) -> None:
    await submit(driver, "Idea about a haunted lighthouse", user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    out = await driver.command("unclaim", user=CAROL, prompt=1)
    assert out.ephemeral and "dropped" in out.content
    assert "You claimed" in (await driver.command("claim", user=ALICE, prompt=1)).content
    before = snapshot(db_path)
    refused = await driver.command("unclaim", user=CAROL, prompt=1)
    assert refused.ephemeral and "You hold no claim on #1" in refused.content
    assert snapshot(db_path) == before


async def test_claims_lists_active_claims_with_deadlines(driver: Driver) -> None:
    await submit(driver, "Idea about a haunted lighthouse", user=BOB, title="The Lighthouse")
    await submit(driver, "Idea about a lonely robot", user=BOB)
    await submit(driver, "Idea about two rival duellists", user=BOB, title="Duel", rating="E")
    for number in (1, 2, 3):
        await driver.command("claim", user=CAROL, prompt=number)
    out = await driver.command("claims", user=ALICE, member=CAROL)
    lines = out.embeds[0]["description"].splitlines()[1:]
    # Each prompt by number and title (an Explicit one's title only where it may be read), then its dates.
    assert [line.split(":")[0] for line in lines] == ["#1 · The Lighthouse", "Prompt #2", "Prompt #3 (Explicit)"]
    assert all("claimed <t:" in line and "due <t:" in line for line in lines)
    assert "No active claims" in (await driver.command("claims", user=ALICE)).embeds[0]["description"]


async def test_mod_release_and_extend(driver: Driver, db_path, clock) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await submit(driver, "Idea about a haunted lighthouse", user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    extended = await driver.command("mod extend", user=MOD, prompt=1, member=CAROL, days=7)
    assert extended.ephemeral and "now due" in extended.content
    claim = (await driver.bot.store.claims.of_member(GUILD.id, CAROL.id))[0]
    assert claim.deadline is not None and (claim.deadline - clock()).days == 21
    released = await driver.command("mod release", user=MOD, prompt=1, member=CAROL)
    assert released.ephemeral and "Released" in released.content
    assert await driver.bot.store.claims.of_member(GUILD.id, CAROL.id) == []
    assert any("released your claim" in m["content"] for m in driver.dms(CAROL))
    lines = [line["content"] for line in driver.posts(LOG)]
    assert any("extended" in line for line in lines) and any("released" in line for line in lines)
    before = snapshot(db_path)
    again = await driver.command("mod release", user=MOD, prompt=1, member=CAROL)
    assert again.ephemeral and "holds no active claim" in again.content
    assert snapshot(db_path) == before
    out_of_range = await driver.command_unchecked("mod extend", user=MOD, prompt=1, member=ALICE, days=0)
    assert "between 1 and 365" in out_of_range.content
    assert snapshot(db_path) == before


async def test_mod_extend_gives_a_claim_without_deadline_one(driver: Driver, clock) -> None:
    await driver.command("settings set", user=MOD, claim_days=0)
    await submit(driver, "Idea about a haunted lighthouse", user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    await driver.command("mod extend", user=MOD, prompt=1, member=CAROL, days=5)
    claim = (await driver.bot.store.claims.of_member(GUILD.id, CAROL.id))[0]
    assert claim.deadline == clock() + __import__("datetime").timedelta(days=5)


# -- background: reminders and expiry --------------------------------------------------------------------


def reminders(driver: Driver, user: User) -> list[str]:
    return [m["content"] for m in driver.dms(user) if "is due" in m["content"] or "are due soon" in m["content"]]


def expiries(driver: Driver, user: User) -> list[str]:
    return [
        m["content"]
        for m in driver.dms(user)
        if "reached its deadline" in m["content"] or "reached their" in m["content"]
    ]


async def test_reminder_two_days_before_once_then_expiry_frees_the_slot(driver: Driver, clock) -> None:
    await submit(driver, "Idea about a haunted lighthouse", user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    clock.advance(days=11, hours=23)
    await driver.bot.sweep()
    assert reminders(driver, CAROL) == []
    clock.advance(hours=1)
    await driver.bot.sweep()
    await driver.bot.sweep()
    assert len(reminders(driver, CAROL)) == 1
    clock.advance(days=2, seconds=-1)
    await driver.bot.sweep()
    assert expiries(driver, CAROL) == []
    clock.advance(seconds=1)
    await driver.bot.sweep()
    assert len(expiries(driver, CAROL)) == 1
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).active_claims == 0
    assert "You claimed" in (await driver.command("claim", user=ALICE, prompt=1)).content
    audit = [e.action for e in await driver.bot.store.audit.everything(GUILD.id)]
    assert "claim expired" in audit


async def test_reminder_and_expiry_hold_across_a_restart(driver: Driver, db_path, clock) -> None:
    await submit(driver, "Idea about a haunted lighthouse", user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    clock.advance(days=12, hours=1)
    await driver.bot.sweep()
    assert len(reminders(driver, CAROL)) == 1
    await driver.close()
    second = await Driver.start(db_path, clock=clock)
    try:
        await second.bot.sweep()
        assert reminders(second, CAROL) == []  # not sent again by the new process
        clock.advance(days=2)
        await second.bot.sweep()
        assert len(expiries(second, CAROL)) == 1
    finally:
        await second.close()


async def test_a_closed_direct_message_does_not_stop_the_sweep_for_others(driver: Driver, clock) -> None:
    await submit(driver, "Idea about a haunted lighthouse", user=BOB)
    await submit(driver, "Idea about a lonely robot", user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    await driver.command("claim", user=ALICE, prompt=2)
    driver.fake.close_dms(CAROL.id)
    clock.advance(days=14)
    await driver.bot.sweep()
    assert len(expiries(driver, ALICE)) == 1
    assert await driver.bot.store.claims.of_member(GUILD.id, CAROL.id) == []


async def test_claims_per_prompt_zero_means_no_limit(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, claims_per_prompt=0)
    await submit(driver, "A prompt everyone can write at once", user=BOB)
    outs = [await driver.command("claim", user=u, prompt=1) for u in (ALICE, CAROL, MOD)]
    assert all("You claimed prompt #1" in o.content for o in outs)
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).active_claims == 3


async def test_a_dropped_connection_costs_no_one_else_their_reminder_and_is_tried_again(driver: Driver, clock) -> None:
    for i in range(3):
        await submit(driver, f"Idea {i} about a haunted lighthouse", user=BOB)
    for number, member in enumerate((ALICE, CAROL, MOD), start=1):
        await driver.command("claim", user=member, prompt=number)
    driver.fake.drop_dms(CAROL.id)
    driver.fake.close_dms(MOD.id)
    clock.advance(days=12, hours=1)  # 14-day claims: reminders are due
    await driver.bot.sweep()
    assert len(reminders(driver, ALICE)) == 1  # the others' failures did not stop Alice's
    assert reminders(driver, CAROL) == [] and reminders(driver, MOD) == []
    claims = {
        c.member_id: c
        for c in [
            *await driver.bot.store.claims.of_member(GUILD.id, CAROL.id),
            *await driver.bot.store.claims.of_member(GUILD.id, MOD.id),
        ]
    }
    assert not claims[CAROL.id].reminded  # not delivered: tried again next pass
    assert claims[MOD.id].reminded  # refused for good (closed DMs): not tried every minute
    driver.fake.failures.clear()  # the connection is back
    await driver.bot.sweep()
    assert len(reminders(driver, CAROL)) == 1
    assert len(reminders(driver, ALICE)) == 1 and reminders(driver, MOD) == []  # nobody gets a second one


async def test_an_expired_claim_refreshes_the_prompts_post(driver: Driver, clock) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, "Idea about a haunted lighthouse", user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    post_id = next(c.response["id"] for c in driver.post_calls() if c.channel_id == PROMPTS.id)
    edits_before = [c for c in driver.fake.calls if c.method == "PATCH" and c.params.get("message_id") == post_id]
    clock.advance(days=15)
    await driver.bot.sweep()
    edits = [c for c in driver.fake.calls if c.method == "PATCH" and c.params.get("message_id") == post_id]
    assert len(edits) == len(edits_before) + 1
    assert "promptfill:claim:1" in json.dumps(edits[-1].body["components"])  # claimable again


async def test_the_sweep_works_through_many_due_claims_in_batches(driver: Driver, clock, monkeypatch) -> None:
    monkeypatch.setattr("db.claims.SWEEP_BATCH", 2)  # five claims: three batches of each kind
    claimants = (ALICE, CAROL, MOD, ALICE, CAROL)
    for i, member in enumerate(claimants, start=1):
        await submit(driver, f"Idea {i} about a haunted lighthouse", user=BOB)
        await driver.command("claim", user=member, prompt=i)
    driver.fake.drop_dms(MOD.id)  # stays due, and must not keep the sweep from the batches after it
    clock.advance(days=12, hours=1)
    await driver.bot.sweep()
    # One message per member, across batches: Alice's claims on #1 and #4 arrive together, as do Carol's.
    assert (len(reminders(driver, ALICE)), len(reminders(driver, CAROL)), len(reminders(driver, MOD))) == (1, 1, 0)
    assert "prompt #1 " in reminders(driver, ALICE)[0] and "prompt #4 " in reminders(driver, ALICE)[0]
    assert "prompt #2 " in reminders(driver, CAROL)[0] and "prompt #5 " in reminders(driver, CAROL)[0]
    driver.fake.failures.clear()
    clock.advance(days=2)
    await driver.bot.sweep()
    # Expiries go in batches of two (ordered by deadline): one message per member and batch.
    assert [len(expiries(driver, m)) for m in (ALICE, CAROL, MOD)] == [2, 2, 1]
    assert [(await driver.bot.store.prompts.get(GUILD.id, i)).active_claims for i in range(1, 6)] == [0] * 5
