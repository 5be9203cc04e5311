"""The approval queue and /mod: buttons that survive restarts, rights re-checked on every click."""

from __future__ import annotations

import json
import sqlite3

from tests.conftest import snapshot, submit
from tests.driver import ALICE, BOB, CAROL, GUILD, LOG, MOD, MOD_ROLE, PROMPTS, ROLE_MOD, Driver

TEXT = "A lighthouse keeper finds a selkie's coat in the storm."


async def pending(driver: Driver, *texts: str, user=ALICE, anonymous: bool = False) -> None:
    await driver.command("settings set", user=MOD, require_approval=True, prompts_channel=PROMPTS, log_channel=LOG)
    for text in texts:
        await submit(driver, text, user=user, anonymous=anonymous)


async def test_queue_show_offers_the_oldest_pending_prompt_with_buttons(driver: Driver) -> None:
    await pending(driver, TEXT, "A second idea, waiting its turn")
    out = await driver.command("queue show", user=MOD)
    assert out.ephemeral and "2 prompts waiting" in out.content
    assert out.embeds[0]["description"] == TEXT
    assert out.custom_ids == ["promptfill:queue:approve:1", "promptfill:queue:reject:1"]


async def test_empty_queue_says_so(driver: Driver) -> None:
    out = await driver.command("queue show", user=MOD)
    assert out.ephemeral and "queue is empty" in out.content


async def test_approve_button_opens_posts_and_shows_the_next(driver: Driver) -> None:
    await pending(driver, TEXT, "A second idea, waiting its turn")
    shown = await driver.command("queue show", user=MOD)
    clicked = await driver.click(shown.message_id, "promptfill:queue:approve:1", user=MOD)
    queue = clicked.messages[0]  # the queue message moves on to the next prompt
    assert "Approved #1" in queue["content"] and "1 prompt waiting" in queue["content"]
    assert [b["custom_id"] for row in queue["components"] for b in row["components"]] == [
        "promptfill:queue:approve:2",
        "promptfill:queue:reject:2",
    ]
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.status == "open"
    post = driver.posts(PROMPTS)[0]
    assert post["embeds"][0]["description"] == TEXT
    # Then, as /queue approve says it, where it was posted.
    assert clicked.ephemeral and len(clicked.messages) == 2
    assert clicked.content == (
        f"Prompt #1 approved and open for claims: [see its post](https://discord.com/channels/{GUILD.id}/"
        f"{PROMPTS.id}/{prompt.message_id})."
    )
    assert any("approved" in m["content"] for m in driver.dms(ALICE))
    assert "approved prompt #1" in driver.posts(LOG)[-1]["content"]


async def test_queue_buttons_work_after_a_restart_on_the_same_file(driver: Driver, db_path, clock) -> None:
    await pending(driver, TEXT)
    shown = await driver.command("queue show", user=MOD)
    old_message = driver.fake.messages[shown.message_id]
    await driver.close()
    second = await Driver.start(db_path, clock=clock)
    try:
        second.fake.messages[shown.message_id] = old_message
        clicked = await second.click(shown.message_id, "promptfill:queue:approve:1", user=MOD)
        assert "Approved #1" in clicked.messages[0]["content"]
        assert (await second.bot.store.prompts.get(GUILD.id, 1)).status == "open"
        assert second.unexpected_errors() == []
    finally:
        await second.close()


async def test_non_moderator_pressing_approve_is_refused_and_nothing_changes(driver: Driver, db_path) -> None:
    await pending(driver, TEXT)
    shown = await driver.command("queue show", user=MOD)
    before = snapshot(db_path)
    clicked = await driver.click(shown.message_id, "promptfill:queue:approve:1", user=BOB)
    assert clicked.ephemeral and "Only moderators" in clicked.content
    assert snapshot(db_path) == before


async def test_moderator_role_may_use_the_queue_once_configured(driver: Driver) -> None:
    await pending(driver, TEXT)
    assert "Only moderators" in (await driver.command("queue approve", user=ROLE_MOD, prompt=1)).content
    await driver.command("settings set", user=MOD, moderator_role=MOD_ROLE)
    assert "approved" in (await driver.command("queue approve", user=ROLE_MOD, prompt=1)).content


async def test_reject_button_asks_for_a_reason_and_tells_the_prompter(driver: Driver) -> None:
    await pending(driver, TEXT)
    shown = await driver.command("queue show", user=MOD)
    asked = await driver.click(shown.message_id, "promptfill:queue:reject:1", user=MOD)
    assert driver.text_input_ids(asked.modal) == ["reason"]
    done = await driver.submit_modal(asked.modal, {"reason": "Please add a fandom @everyone"}, user=MOD)
    assert done.ephemeral and "rejected" in done.content and "told by direct message" in done.content
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).status == "rejected"
    dm = driver.dms(ALICE)[-1]
    assert "Please add a fandom" in dm["content"] and dm["allowed_mentions"] == {"parse": []}
    entries = await driver.bot.store.audit.moderation(GUILD.id)
    assert entries.items[0].action == "reject" and entries.items[0].detail == "Please add a fandom @everyone"


async def test_reject_with_closed_direct_messages_still_rejects(driver: Driver) -> None:
    await pending(driver, TEXT)
    driver.fake.close_dms(ALICE.id)
    out = await driver.command("queue reject", user=MOD, prompt=1, reason="Off topic")
    assert out.ephemeral and "could not be told" in out.content
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).status == "rejected"


async def test_only_pending_prompts_can_be_approved_or_rejected(driver: Driver, db_path) -> None:
    await submit(driver, TEXT)
    before = snapshot(db_path)
    out = await driver.command("queue approve", user=MOD, prompt=1)
    assert out.ephemeral and "is open, so you cannot approve" in out.content
    out = await driver.command("queue reject", user=MOD, prompt=1)
    assert "is open, so you cannot reject" in out.content
    out = await driver.command("queue approve", user=MOD, prompt=42)
    assert "no prompt #42" in out.content
    assert snapshot(db_path) == before


async def test_members_cannot_run_moderator_commands(driver: Driver, db_path) -> None:
    await pending(driver, TEXT)
    before = snapshot(db_path)
    for name, options in [
        ("queue show", {}),
        ("queue approve", {"prompt": 1}),
        ("queue reject", {"prompt": 1}),
        ("mod log", {}),
        ("mod release", {"prompt": 1, "member": BOB}),
        ("mod extend", {"prompt": 1, "member": BOB, "days": 3}),
    ]:
        out = await driver.command(name, user=CAROL, **options)
        assert out.ephemeral and "Only moderators" in out.content, name
    assert snapshot(db_path) == before


async def test_log_lines_never_name_an_anonymous_prompter(driver: Driver) -> None:
    await pending(driver, TEXT, "Another anonymous idea for later", anonymous=True)
    await driver.command("queue approve", user=MOD, prompt=1)
    await driver.command("queue reject", user=MOD, prompt=2, reason="duplicate")
    lines = driver.posts(LOG)
    assert any("approved prompt #1" in line["content"] for line in lines)
    assert any("rejected prompt #2" in line["content"] for line in lines)
    assert str(ALICE.id) not in json.dumps(lines)
    assert str(ALICE.id) not in json.dumps(driver.posts(PROMPTS))


async def test_mod_log_lists_moderator_actions_newest_first_and_filters_by_member(driver: Driver) -> None:
    await pending(driver, TEXT, "A second idea, waiting its turn")
    await driver.command("queue approve", user=MOD, prompt=1)
    await driver.command("queue reject", user=MOD, prompt=2)
    out = await driver.command("mod log", user=MOD)
    assert out.ephemeral
    description = out.embeds[0]["description"]
    assert description.index("rejected prompt #2") < description.index("approved prompt #1")
    assert f"approved prompt #1 by <@{ALICE.id}>." in description
    filtered = await driver.command("mod log", user=MOD, member=BOB)
    assert "No moderator actions" in filtered.embeds[0]["description"]


async def test_mod_log_counts_up_to_a_cap_and_reads_from_its_indexes(driver: Driver, db_path) -> None:
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany(
            "INSERT INTO audit_log (guild_id, actor_id, action, detail, by_moderator, created_at)"
            " VALUES (?, ?, 'settings', 'claim_days: 14 -> 15', 1, 0)",
            [(GUILD.id, MOD.id)] * 1_500,
        )
    plans = {
        query: " ".join(str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {query}", params))
        for query, params in [
            ("SELECT * FROM audit_log WHERE guild_id = ? AND by_moderator = 1 ORDER BY id DESC LIMIT 10", (1,)),
            (
                "SELECT id FROM (SELECT id FROM audit_log WHERE guild_id = ? AND by_moderator = 1 AND actor_id = ?"
                " ORDER BY id DESC LIMIT 10) UNION SELECT id FROM (SELECT id FROM audit_log WHERE guild_id = ?"
                " AND by_moderator = 1 AND target_id = ? ORDER BY id DESC LIMIT 10)",
                (1, 2, 1, 2),
            ),
        ]
    }
    conn.close()
    whole, by_member = plans.values()
    assert "audit_moderation" in whole and "TEMP B-TREE" not in whole, whole
    assert "audit_moderation_actor" in by_member and "audit_moderation_target" in by_member, by_member
    out = await driver.command("mod log", user=MOD)
    assert "1,000+ entries" in out.embeds[0]["footer"]["text"]
    filtered = await driver.command("mod log", user=MOD, member=MOD)
    assert "1,000+ entries" in filtered.embeds[0]["footer"]["text"]
