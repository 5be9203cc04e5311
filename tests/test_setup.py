"""/setup through the real dispatch: Discord's channel and role menus, each step saved and checked, refusals
that change nothing, a summary with the next step, and the offer to post prompts that waited for a channel."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from cogs.ui import configuring
from tests.conftest import snapshot, submit
from tests.driver import (
    ALICE,
    BOB,
    FILLS,
    GENERAL,
    GUILD,
    LOG,
    MOD,
    MOD_ROLE,
    NSFW,
    PROMPTS,
    ROLE_MOD,
    Channel,
    Driver,
    Guild,
    Outcome,
)
from tests.driver.outcome import walk_components
from tests.driver.world import deny_bot


def component(driver: Driver, out: Outcome, starts: str) -> dict[str, Any]:
    """The menu or button of the setup message whose placeholder or label starts with these words."""
    message = driver.fake.messages[out.message_id]
    for found in walk_components(message["components"]):
        if (found.get("placeholder") or found.get("label") or "").startswith(starts):
            return found
    raise AssertionError(f"nothing starting with {starts!r} in {message['components']}")


async def choose(driver: Driver, out: Outcome, starts: str, values: list[Any], user=MOD) -> Outcome:
    return await driver.select(out.message_id, component(driver, out, starts)["custom_id"], values, user=user)


async def press(driver: Driver, out: Outcome, label: str, user=MOD) -> Outcome:
    return await driver.click(out.message_id, component(driver, out, label)["custom_id"], user=user)


def rows(driver: Driver, out: Outcome) -> int:
    return len(driver.fake.messages[out.message_id]["components"])


async def test_a_moderator_sets_up_the_server_with_menus_alone(driver: Driver) -> None:
    out = await driver.command("setup", user=MOD)
    assert out.ephemeral and "step 1 of 2: channels" in out.content
    assert rows(driver, out) <= 5  # Discord's limit of action rows in one message
    kinds = [c["type"] for c in walk_components(driver.fake.messages[out.message_id]["components"]) if c["type"] != 1]
    assert kinds == [8, 8, 8, 2]  # three channel menus, then Next
    await choose(driver, out, "Prompts channel", [PROMPTS])
    await choose(driver, out, "Fills channel", [FILLS])
    await choose(driver, out, "Log channel", [LOG])
    assert (await driver.bot.store.settings.get(GUILD.id)).prompts_channel_id is None  # saved at Next, not before

    step_two = await press(driver, out, "Next")
    assert "step 2 of 2" in step_two.content
    assert "✅ Promptfill can post in every channel chosen so far." in step_two.content
    saved = await driver.bot.store.settings.get(GUILD.id)
    assert (saved.prompts_channel_id, saved.fills_channel_id, saved.log_channel_id) == (PROMPTS.id, FILLS.id, LOG.id)
    assert rows(driver, out) <= 5
    kinds = [c["type"] for c in walk_components(driver.fake.messages[out.message_id]["components"]) if c["type"] != 1]
    assert kinds == [8, 6, 3, 2]  # the Explicit channel, the moderator role, approval, then Finish

    await choose(driver, out, "Explicit channel", [NSFW])
    await choose(driver, out, "Moderator role", [MOD_ROLE])
    await choose(driver, out, "Approval", ["on"])
    done = await press(driver, out, "Finish")
    assert "✅ Setup done. Saved 6 changes." in done.content
    assert f"Members with <@&{MOD_ROLE.id}> count as moderators now" in done.content
    assert "Server Settings → Integrations → Promptfill" in done.content
    assert f"</prompt submit:{driver.bot.command_ids['prompt']}>" in done.content  # the next step
    assert f"</queue show:{driver.bot.command_ids['queue']}>" in done.content  # approval is on
    summary = {f["name"]: f["value"].split("\n")[0] for f in done.embeds[0]["fields"]}
    assert summary["Prompts channel"] == f"<#{PROMPTS.id}>" and summary["Explicit channel"] == f"<#{NSFW.id}>"
    assert summary["Moderator role"] == f"<@&{MOD_ROLE.id}>" and summary["Approval"] == "on"
    assert driver.fake.messages[out.message_id]["components"] == []  # finished: no menus left to use
    settings = await driver.bot.store.settings.get(GUILD.id)
    assert (settings.explicit_channel_id, settings.moderator_role_id, settings.require_approval) == (
        NSFW.id,
        MOD_ROLE.id,
        True,
    )
    # Each change is audited and logged, in words.
    log = "\n".join(p["content"] for p in driver.posts(LOG))
    assert "**Approval**: off → on" in log and f"**Explicit channel**: not set → <#{NSFW.id}>" in log
    assert len(await driver.bot.store.audit.everything(GUILD.id)) == 6


async def test_the_menus_start_from_the_current_settings(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, require_approval=True)
    out = await driver.command("setup", user=MOD)
    prompts = component(driver, out, "Prompts channel")
    assert [(str(v["id"]), v["type"]) for v in prompts["default_values"]] == [(str(PROMPTS.id), "channel")]
    assert component(driver, out, "Fills channel").get("default_values", []) == []
    step_two = await press(driver, out, "Next")
    assert "Saved" not in step_two.content
    approval = component(driver, out, "Approval")
    assert [o["value"] for o in approval["options"] if o.get("default")] == ["on"]
    done = await press(driver, out, "Finish")
    assert "Nothing changed." in done.content
    assert len(await driver.bot.store.audit.everything(GUILD.id)) == 2  # only the two /settings set changes


async def test_a_member_cannot_run_setup_and_nothing_changes(driver: Driver, db_path) -> None:
    before = snapshot(db_path)
    out = await driver.command("setup", user=ALICE)
    assert out.ephemeral and "Only moderators" in out.content
    assert snapshot(db_path) == before
    role_mod = await driver.command("setup", user=ROLE_MOD)  # no moderator role set yet
    assert "Only moderators" in role_mod.content
    assert snapshot(db_path) == before


async def test_someone_else_cannot_use_a_moderators_setup(driver: Driver, db_path) -> None:
    out = await driver.command("setup", user=MOD)
    await choose(driver, out, "Prompts channel", [PROMPTS])
    before = snapshot(db_path)
    other = await press(driver, out, "Next", user=BOB)
    assert other.ephemeral and "belongs to the moderator who started it" in other.content
    assert snapshot(db_path) == before


async def test_a_moderator_who_lost_the_role_midway_is_refused(driver: Driver, db_path) -> None:
    await driver.command("settings set", user=MOD, moderator_role=MOD_ROLE)
    out = await driver.command("setup", user=ROLE_MOD)
    await choose(driver, out, "Prompts channel", [PROMPTS], user=ROLE_MOD)
    await driver.command("settings set", user=MOD, clear="moderator_role")
    before = snapshot(db_path)
    refused = await press(driver, out, "Next", user=ROLE_MOD)
    assert refused.ephemeral and "Only moderators" in refused.content
    assert snapshot(db_path) == before


async def test_an_explicit_channel_that_is_not_age_restricted_is_refused(driver: Driver, db_path) -> None:
    out = await driver.command("setup", user=MOD)
    await press(driver, out, "Next")
    before = snapshot(db_path)
    refused = await choose(driver, out, "Explicit channel", [GENERAL])
    assert refused.ephemeral and f"<#{GENERAL.id}> is not age-restricted" in refused.content
    await press(driver, out, "Finish")
    assert snapshot(db_path) == before


async def test_a_missing_permission_is_named_with_its_channel(db_path, clock) -> None:
    locked = Channel(710000000000000066, "quiet-log", overwrites=(deny_bot("view_channel"),))
    no_history = Channel(710000000000000067, "prompts-2", overwrites=(deny_bot("read_message_history"),))
    guild = Guild(GUILD.id, GUILD.name, (*GUILD.channels, locked, no_history), GUILD.roles)
    driver = await Driver.start(db_path, clock=clock, guilds=(guild,))
    try:
        out = await driver.command("setup", user=MOD)
        await choose(driver, out, "Prompts channel", [no_history])
        await choose(driver, out, "Log channel", [locked])
        step_two = await press(driver, out, "Next")
        assert f"In <#{no_history.id}> Promptfill lacks the Read Message History permission" in step_two.content
        # Exactly what was withheld: Discord takes the rest along with View Channel, and gives it back with it.
        assert f"In <#{locked.id}> Promptfill lacks the View Channel permission: allow it" in step_two.content
        done = await press(driver, out, "Finish")
        assert f"<#{no_history.id}> Promptfill lacks the Read Message History" in done.content
    finally:
        await driver.close()
    assert not driver.unexpected_errors()


async def test_setup_offers_to_post_the_prompts_that_waited_for_a_channel(driver: Driver, monkeypatch) -> None:
    monkeypatch.setattr(configuring, "POST_PACE", 0.0)
    await submit(driver, "A lighthouse keeper finds a letter in a bottle", user=BOB)
    await submit(driver, "A clockwork heart that keeps the wrong time", user=BOB)
    out = await driver.command("setup", user=MOD)
    await choose(driver, out, "Prompts channel", [PROMPTS])
    await press(driver, out, "Next")
    done = await press(driver, out, "Finish")
    assert "2 prompts are open but were never posted" in done.content
    posted = await driver.click(out.message_id, "promptfill:post-waiting", user=MOD)
    assert "📬 Posted 2 prompts." in posted.content
    assert [p["embeds"][0]["footer"]["text"] for p in driver.posts(PROMPTS)] == ["Prompt #1", "Prompt #2"]


async def test_a_setup_left_alone_times_out_and_says_how_to_start_again(driver: Driver, monkeypatch) -> None:
    # The module as the bot loaded it (discord.py loads an extension as a module of its own).
    monkeypatch.setattr(sys.modules["cogs.setup"], "SETUP_TIMEOUT", 0.05)
    out = await driver.command("setup", user=MOD)
    await asyncio.sleep(0.5)
    message = driver.fake.messages[out.message_id]
    assert message["components"] == []
    assert "This setup has timed out" in message["content"]
    assert f"</setup:{driver.bot.command_ids['setup']}>" in message["content"]


async def test_a_slow_log_channel_never_delays_the_answer(driver: Driver) -> None:
    """Discord rate-limits the log channel: each step still answers within its 3 seconds, the line comes after."""
    await driver.command("settings set", user=MOD, log_channel=LOG)
    driver.fake.rate_limit(LOG.id, 3.2)
    out = await driver.command("setup", user=MOD)
    await choose(driver, out, "Prompts channel", [PROMPTS])
    step_two = await press(driver, out, "Next")
    assert "step 2 of 2" in step_two.content  # the callback came in time (the fake refuses one after 3 s)
    assert "**Prompts channel**: not set → " in driver.posts(LOG)[-1]["content"]
    changed = await driver.command("settings set", user=MOD, claim_days=7)
    assert "**Claim length**: 14 days → 7 days" in changed.content
