"""Claims in direct messages: every one names the server and the prompt (number and title) and links to its post;
a reminder carries Open and Unclaim buttons (Unclaim persistent, and only for the claimant); a member's claims due in
one sweep come as one message; a rejection quotes the prompt it rejects."""

from __future__ import annotations

from typing import Any

from cogs.ui.embeds import CONTENT_LIMIT, fitted_content
from tests.conftest import snapshot, submit
from tests.driver import ALICE, BOB, CAROL, GUILD, MOD, PROMPTS, Channel, Driver, User
from tests.driver.outcome import walk_components

TEXT = "A lighthouse keeper and a selkie trade one secret a night."


def dm_calls(driver: Driver, user: User) -> list[Any]:
    return [
        c
        for c in driver.fake.calls
        if c.method == "POST"
        and c.route == "/channels/{channel_id}/messages"
        and driver.fake.dm_channels.get(c.channel_id or 0) == user.id
        and c.response is not None
    ]


def post_link(driver: Driver, number: int) -> str:
    post = [c for c in driver.post_calls() if c.channel_id == PROMPTS.id and c.response is not None][number - 1]
    return f"https://discord.com/channels/{GUILD.id}/{PROMPTS.id}/{post.response['id']}"


async def two_claims_due(driver: Driver, clock) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB, title="Selkie")
    await submit(driver, TEXT + " Second.", user=BOB)
    await driver.command("claim", user=CAROL, prompt=1)
    await driver.command("claim", user=CAROL, prompt=2)
    clock.advance(days=12, hours=1)  # 14-day claims: both reminders are due in this sweep


async def test_a_reminder_names_the_server_and_prompt_and_carries_open_and_unclaim(driver: Driver, clock) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB, title="Selkie")
    await driver.command("claim", user=CAROL, prompt=1)
    clock.advance(days=12, hours=1)
    await driver.bot.sweep()
    [reminder] = driver.dms(CAROL)
    deadline = int(clock().timestamp()) + 2 * 86400 - 3600
    assert reminder["content"].startswith(
        f"⏰ Your claim on prompt #1 *Selkie* in **Writers' Den** ([open it]({post_link(driver, 1)})) "
        f"is due <t:{deadline}:f> (<t:{deadline}:R>)."
    )
    assert "`/fill`" in reminder["content"] and reminder["allowed_mentions"] == {"parse": []}
    found = list(walk_components(reminder["components"]))
    assert {"type": 2, "style": 5, "label": "Open #1", "url": post_link(driver, 1)}.items() <= found[1].items()
    assert found[2]["custom_id"] == f"promptfill:unclaim:{GUILD.id}:1:{CAROL.id}"


async def test_two_claims_due_in_one_sweep_come_as_one_message(driver: Driver, clock) -> None:
    await two_claims_due(driver, clock)
    await driver.bot.sweep()
    [reminder] = driver.dms(CAROL)
    lines = reminder["content"].split("\n")  # line breaks kept
    assert lines[0] == "⏰ 2 of your claims are due soon:"
    assert lines[1].startswith(f"• prompt #1 *Selkie* in **Writers' Den** ([open it]({post_link(driver, 1)})), due <t:")
    assert lines[2].startswith(f"• prompt #2 in **Writers' Den** ([open it]({post_link(driver, 2)})), due <t:")
    rows = reminder["components"]
    assert len(rows) == 2 and [c["custom_id"] for c in rows[1]["components"] if "custom_id" in c] == [
        f"promptfill:unclaim:{GUILD.id}:2:{CAROL.id}"
    ]
    await driver.bot.sweep()
    assert len(driver.dms(CAROL)) == 1  # not again


async def test_expiries_in_one_sweep_come_as_one_message_naming_each_prompt(driver: Driver, clock) -> None:
    await two_claims_due(driver, clock)
    driver.fake.close_dms(CAROL.id)  # the reminders are refused for good: marked, not retried
    await driver.bot.sweep()
    driver.fake.failures.clear()
    clock.advance(days=2)
    await driver.bot.sweep()
    [notice] = driver.dms(CAROL)
    assert notice["content"].startswith(
        "⏰ 2 of your claims reached their deadline and have ended:\n• prompt #1 *Selkie*"
    )
    assert "Writers' Den" in notice["content"] and post_link(driver, 2) in notice["content"]


async def test_the_reminders_unclaim_button_drops_the_claim_and_frees_the_posts_slot(driver: Driver, clock) -> None:
    await two_claims_due(driver, clock)
    await driver.bot.sweep()
    [call] = dm_calls(driver, CAROL)
    message = call.response
    dm = Channel(int(message["channel_id"]), "dm")
    out = await driver.click(
        int(message["id"]), f"promptfill:unclaim:{GUILD.id}:1:{CAROL.id}", user=CAROL, channel=dm, guild=None
    )
    assert out.ephemeral
    assert (
        out.content
        == "You dropped your claim on prompt #1 *Selkie* in **Writers' Den**; its slot is free for someone else."
    )
    held = await driver.bot.store.claims.of_member(GUILD.id, CAROL.id)
    assert [c.prompt_number for c in held] == [2]
    post_id = post_link(driver, 1).rsplit("/", 1)[1]
    edit = [c.body for c in driver.fake.calls if c.method == "PATCH" and c.params.get("message_id") == post_id][-1]
    status = {f["name"]: f["value"] for f in edit["embeds"][0]["fields"]}["Status"]
    assert status == "Open for claims: 1 claim slot left"


async def test_an_unclaim_click_by_anyone_but_the_claimant_is_refused_and_changes_nothing(
    driver: Driver, clock, db_path
) -> None:
    await two_claims_due(driver, clock)
    await driver.bot.sweep()
    await driver.command("settings set", user=MOD, claims_per_prompt=2)
    await driver.command("claim", user=ALICE, prompt=1)  # Alice holds a claim on #1 too: it must stay
    message = dm_calls(driver, CAROL)[0].response
    before = snapshot(db_path)
    out = await driver.click(
        int(message["id"]),
        f"promptfill:unclaim:{GUILD.id}:1:{CAROL.id}",
        user=ALICE,
        channel=Channel(1, "dm"),
        guild=None,
    )
    assert out.ephemeral and out.content == (
        "That reminder is about someone else's claim on #1, so its button is theirs. "
        "Your own claims are in `/claims`; nothing was changed."
    )
    assert snapshot(db_path) == before


async def test_the_unclaim_button_still_works_after_a_restart(driver: Driver, clock, db_path) -> None:
    await two_claims_due(driver, clock)
    await driver.bot.sweep()
    message = dm_calls(driver, CAROL)[0].response
    post = driver.fake.messages[int(post_link(driver, 2).rsplit("/", 1)[1])]
    await driver.close()
    second = await Driver.start(db_path, clock=clock)
    try:
        second.fake.messages[int(message["id"])] = message
        second.fake.messages[int(post["id"])] = post
        custom_id = f"promptfill:unclaim:{GUILD.id}:2:{CAROL.id}"
        out = await second.click(int(message["id"]), custom_id, user=CAROL, channel=Channel(1, "dm"), guild=None)
        assert "You dropped your claim on prompt #2" in out.content
        assert [c.prompt_number for c in await second.bot.store.claims.of_member(GUILD.id, CAROL.id)] == [1]
        assert "nobody yet" in str(second.fake.messages[int(post["id"])]["embeds"])  # the post shows the free slot
        assert second.unexpected_errors() == []
    finally:
        await second.close()


async def test_release_extend_and_withdraw_messages_name_the_server_and_prompt(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=BOB, title="Selkie")
    await driver.command("claim", user=CAROL, prompt=1)
    await driver.command("mod extend", user=MOD, prompt=1, member=CAROL, days=3)
    await driver.command("mod release", user=MOD, prompt=1, member=CAROL)
    await driver.command("claim", user=CAROL, prompt=1)
    await driver.command("prompt withdraw", user=BOB, prompt=1)
    named = f"prompt #1 *Selkie* in **Writers' Den** ([open it]({post_link(driver, 1)}))"
    extended, released, withdrawn = (m["content"] for m in driver.dms(CAROL))
    assert extended.startswith(f"A moderator extended your claim on {named}: it is now due <t:")
    assert released == f"A moderator released your claim on {named}."
    assert withdrawn.startswith(f"Your claim on {named} has ended: the prompt was withdrawn.")


async def test_a_rejection_names_the_server_and_quotes_the_prompt(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, require_approval=True)
    await submit(driver, "First line of the idea.\nSecond line, kept as a line.", user=ALICE, title="Lines")
    await driver.command("queue reject", user=MOD, prompt=1, reason="Too close to #4.")
    [dm] = driver.dms(ALICE)
    assert dm["content"] == (
        "Your prompt #1 *Lines* in **Writers' Den** was not accepted by the moderators.\n"
        "Reason: Too close to #4.\n"
        "> First line of the idea.\n> Second line, kept as a line.\n"
        "You are welcome to submit another with `/prompt submit`."
    )


def test_fitted_content_keeps_line_breaks_and_discords_limit() -> None:
    short = "one\ntwo\n\nthree"
    assert fitted_content(short) == short
    long = "\n".join(f"line {n}: " + "x" * 60 for n in range(100))
    fitted = fitted_content(long)
    assert len(fitted) <= CONTENT_LIMIT == 2000
    assert fitted.startswith("line 0: ") and "\nline 1: " in fitted and fitted.endswith("more")
    one_long_line = "y" * 5000
    assert len(fitted_content(one_long_line)) <= CONTENT_LIMIT
