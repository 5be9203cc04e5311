"""/settings through the real dispatch: moderators only, validated, audited, persistent."""

from __future__ import annotations

import itertools

from cogs.ui import configuring
from tests.conftest import snapshot, submit
from tests.driver import (
    ALICE,
    BOB,
    CAROL,
    FILLS,
    GENERAL,
    GUILD,
    LOG,
    MOD,
    MOD_ROLE,
    NSFW,
    PROMPTS,
    ROLE_MOD,
    Attachment,
    Channel,
    Driver,
    Guild,
)
from tests.driver.world import deny_bot


def values(out) -> dict[str, str]:
    """Each setting's shown value by its readable name (the line under it says what it does)."""
    return {f["name"]: f["value"].split("\n")[0] for f in out.embeds[0]["fields"]}


async def test_view_says_which_settings_change_where_after_the_next_step(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    out = await driver.command("settings view", user=MOD)
    *_, next_step, change = out.content.split("\n")
    assert next_step.startswith("Next: members post prompts with")
    setup, set_ = driver.bot.mention("setup"), driver.bot.mention("settings set")
    assert change == f"To change these settings, go step by step with {setup}, or use {set_}."


async def test_view_lists_every_setting_by_a_readable_name_with_defaults(driver: Driver) -> None:
    out = await driver.command("settings view", user=MOD)
    assert out.ephemeral
    assert values(out) == {
        "Prompts channel": "not set",
        "Fills channel": "not set",
        "Log channel": "not set",
        "Explicit channel": "not set",
        "Moderator role": "not set",
        "Approval": "off",
        "Claims per member": "3",
        "Claims per prompt": "1",
        "Claim length": "14 days",
        "Anonymous prompts": "on",
        "Anonymous fills": "on",
    }
    # Each says what it does, and no option name leaks into what moderators read.
    for field in out.embeds[0]["fields"]:
        assert field["value"].split("\n")[1].startswith("*")
        assert "_" not in field["name"] + field["value"]
    # No prompts channel yet: the next step says so, with /setup clickable.
    assert "Next: choose a prompts channel" in out.content
    assert f"</setup:{driver.bot.command_ids['setup']}>" in out.content


async def test_set_changes_values_and_reports_them(driver: Driver, db_path) -> None:
    out = await driver.command(
        "settings set", user=MOD, prompts_channel=PROMPTS, claims_per_member=5, require_approval=True
    )
    assert out.ephemeral
    assert "**Claims per member**: 3 → 5" in out.content
    assert "**Approval**: off → on" in out.content
    # The next step: members can post now, and approval sends new prompts to the queue.
    assert f"</prompt submit:{driver.bot.command_ids['prompt']}>" in out.content
    assert f"</queue show:{driver.bot.command_ids['queue']}>" in out.content
    assert f"<#{PROMPTS.id}>" in out.content
    assert out.last["allowed_mentions"] == {"parse": []}
    settings = await driver.bot.store.settings.get(GUILD.id)
    assert settings.claims_per_member == 5
    assert settings.require_approval is True
    assert settings.prompts_channel_id == PROMPTS.id


async def test_every_change_is_audited_and_logged_to_the_log_channel(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await driver.command("settings set", user=MOD, claim_days=0, fills_channel=FILLS)
    entries = await driver.bot.store.audit.everything(GUILD.id)
    details = [e.detail for e in entries]
    assert details == [
        f"log_channel: None -> {LOG.id}",
        f"fills_channel: None -> {FILLS.id}",
        "claim_days: 14 -> 0",
    ]
    assert all(e.actor_id == MOD.id for e in entries)
    lines = driver.posts(LOG)
    assert len(lines) == 2
    assert "**Claim length**: 14 days → no deadline" in lines[1]["content"]
    assert lines[1]["allowed_mentions"] == {"parse": []}


async def test_clear_unsets_a_channel(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    out = await driver.command("settings set", user=MOD, clear="prompts_channel")
    assert "not set" in out.content
    assert (await driver.bot.store.settings.get(GUILD.id)).prompts_channel_id is None


async def test_member_without_manage_server_is_refused_and_nothing_changes(driver: Driver, db_path) -> None:
    before = snapshot(db_path)
    out = await driver.command("settings set", user=ALICE, claims_per_member=9)
    assert out.ephemeral
    assert "Only moderators" in out.content
    assert snapshot(db_path) == before
    view = await driver.command("settings view", user=ALICE)
    assert view.ephemeral and "Only moderators" in view.content


async def test_moderator_role_counts_as_moderator(driver: Driver) -> None:
    refused = await driver.command("settings view", user=ROLE_MOD)
    assert "Only moderators" in refused.content
    await driver.command("settings set", user=MOD, moderator_role=MOD_ROLE)
    allowed = await driver.command("settings set", user=ROLE_MOD, claims_per_prompt=2)
    assert "**Claims per prompt**: 1 → 2" in allowed.content


async def test_out_of_range_value_is_refused_by_the_bot_too(driver: Driver, db_path) -> None:
    """Discord's client enforces 0..365, but the API can be called directly: the bot checks again."""
    before = snapshot(db_path)
    out = await driver.command_unchecked("settings set", user=MOD, claim_days=400)
    assert out.ephemeral
    assert "claim_days must be between 0 and 365" in out.content
    assert snapshot(db_path) == before


async def test_set_without_options_says_what_to_do(driver: Driver, db_path) -> None:
    before = snapshot(db_path)
    out = await driver.command("settings set", user=MOD)
    assert out.ephemeral and "Nothing to change" in out.content
    assert snapshot(db_path) == before


async def test_settings_persist_across_a_restart_on_the_same_file(driver: Driver, db_path, clock) -> None:
    await driver.command("settings set", user=MOD, claims_per_member=7, allow_anonymous=False)
    await driver.close()
    second = await Driver.start(db_path, clock=clock)
    try:
        out = await second.command("settings view", user=MOD)
        assert values(out)["Claims per member"] == "7"
        assert values(out)["Anonymous prompts"] == "off"
    finally:
        await second.close()


async def test_a_moderator_role_comes_with_word_of_where_discord_shows_its_commands(driver: Driver) -> None:
    out = await driver.command("settings set", user=MOD, moderator_role=MOD_ROLE)
    assert f"Members with <@&{MOD_ROLE.id}> count as moderators now" in out.content
    assert "Server Settings → Integrations → Promptfill" in out.content
    # The commands named are the ones Discord hides, read from the tree: /queue, /mod and /settings among them,
    # all as typed (a group cannot be clicked, and a half-clickable list reads unevenly).
    note = next(part for part in out.content.split("\n\n") if "count as moderators" in part)
    for name in ("`/queue`", "`/mod`", "`/settings`", "`/setup`"):
        assert name in note
    assert "</" not in note
    assert "/prompt" not in out.content and "/help" not in out.content


async def test_the_explicit_channel_must_be_age_restricted(driver: Driver, db_path) -> None:
    before = snapshot(db_path)
    out = await driver.command("settings set", user=MOD, explicit_channel=GENERAL)
    assert out.ephemeral
    assert f"<#{GENERAL.id}> is not age-restricted" in out.content and "Nothing was changed" in out.content
    assert snapshot(db_path) == before
    accepted = await driver.command("settings set", user=MOD, explicit_channel=NSFW)
    assert f"**Explicit channel**: not set → <#{NSFW.id}>" in accepted.content
    assert (await driver.bot.store.settings.get(GUILD.id)).explicit_channel_id == NSFW.id


async def test_a_channel_missing_a_permission_is_named_with_what_is_missing(db_path, clock) -> None:
    locked = Channel(710000000000000077, "locked-prompts", overwrites=(deny_bot("send_messages", "embed_links"),))
    guild = Guild(GUILD.id, GUILD.name, (*GUILD.channels, locked), GUILD.roles)
    driver = await Driver.start(db_path, clock=clock, guilds=(guild,))
    try:
        out = await driver.command("settings set", user=MOD, prompts_channel=locked, fills_channel=FILLS)
        assert f"In <#{locked.id}> Promptfill lacks the Send Messages and Embed Links permissions" in out.content
        assert f"<#{FILLS.id}> Promptfill lacks" not in out.content
        view = await driver.command("settings view", user=MOD)
        assert f"In <#{locked.id}> Promptfill lacks the Send Messages and Embed Links permissions" in view.content
    finally:
        await driver.close()
    assert not driver.unexpected_errors()


async def test_first_prompts_channel_offers_to_post_the_waiting_prompts_paced(
    driver: Driver, db_path, monkeypatch
) -> None:
    monkeypatch.setattr(configuring, "POST_PACE", 0.05)
    first = await submit(driver, "A lighthouse keeper finds a letter in a bottle", user=BOB)
    await driver.command(
        "import", user=MOD, file=Attachment("ideas.txt", b"A clockwork heart that keeps the wrong time\n")
    )
    explicit = await submit(driver, "An explicit idea that only adults should read", user=CAROL, rating="E")
    assert driver.posts(PROMPTS) == []
    out = await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    assert "3 prompts are open but were never posted" in out.content
    assert out.custom_ids == ["promptfill:post-waiting"]

    # Someone who is not a moderator cannot use the button, and nothing is posted.
    before = snapshot(db_path)
    refused = await driver.click(out.message_id, "promptfill:post-waiting", user=ALICE)
    assert refused.ephemeral and "Only moderators" in refused.content
    assert snapshot(db_path) == before and driver.posts(PROMPTS) == []

    clicked = await driver.click(out.message_id, "promptfill:post-waiting", user=MOD)
    assert clicked.callback["type"] == 7  # the button goes at once: no second click posts twice
    assert clicked.messages[0]["components"] == []
    assert "📬 Posted 3 prompts." in clicked.content
    posts = [c for c in driver.post_calls() if c.channel_id == PROMPTS.id]
    assert [p.body["embeds"][0]["footer"]["text"] for p in posts] == ["Prompt #1", "Prompt #2", f"Prompt #{explicit}"]
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(posts)]
    assert all(gap >= 0.045 for gap in gaps), gaps
    # An Explicit prompt outside an age-restricted channel shows the notice and no Claim button leading nowhere.
    assert posts[0].body["components"] and not posts[2].body.get("components")
    assert await driver.bot.store.settings.unposted_prompts(GUILD.id) == []
    assert (await driver.bot.store.prompts.get(GUILD.id, first)).message_id is not None

    # Set again later: nothing waits, so nothing is offered.
    again = await driver.command("settings set", user=MOD, clear="prompts_channel")
    assert "promptfill:post-waiting" not in again.custom_ids


async def test_waiting_prompts_that_cannot_be_posted_are_named_with_the_missing_permission(
    db_path, clock, monkeypatch
) -> None:
    monkeypatch.setattr(configuring, "POST_PACE", 0.0)
    locked = Channel(710000000000000078, "locked-prompts", overwrites=(deny_bot("send_messages"),))
    guild = Guild(GUILD.id, GUILD.name, (*GUILD.channels, locked), GUILD.roles)
    driver = await Driver.start(db_path, clock=clock, guilds=(guild,))
    try:
        await submit(driver, "A lighthouse keeper finds a letter in a bottle", user=BOB)
        await submit(driver, "A clockwork heart that keeps the wrong time", user=BOB)
        # Discord refuses the posts, as it would without Send Messages.
        driver.fake.fail("POST", "/channels/{channel_id}/messages", channel_id=locked.id)
        out = await driver.command("settings set", user=MOD, prompts_channel=locked)
        assert "2 prompts are open but were never posted" in out.content
        clicked = await driver.click(out.message_id, "promptfill:post-waiting", user=MOD)
        assert "None of the 2 prompts could be posted." in clicked.content
        assert f"In <#{locked.id}> Promptfill lacks the Send Messages permission" in clicked.content
        assert clicked.custom_ids == ["promptfill:post-waiting"]  # to try again once it is fixed
        assert len(await driver.bot.store.settings.unposted_prompts(GUILD.id)) == 2

        driver.fake.failures.clear()
        again = await driver.click(clicked.message_id, "promptfill:post-waiting", user=MOD)
        assert "📬 Posted 2 prompts." in again.content and again.custom_ids == []
        assert await driver.bot.store.settings.unposted_prompts(GUILD.id) == []
    finally:
        await driver.close()
    driver.forget_errors()  # the refused posts were logged as warnings, not errors


async def test_the_post_waiting_button_works_after_a_restart(driver: Driver, db_path, clock, monkeypatch) -> None:
    monkeypatch.setattr(configuring, "POST_PACE", 0.0)
    await submit(driver, "A lighthouse keeper finds a letter in a bottle", user=BOB)
    out = await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    old_message = driver.fake.messages[out.message_id]
    await driver.close()
    second = await Driver.start(db_path, clock=clock)
    try:
        second.fake.messages[out.message_id] = old_message
        clicked = await second.click(out.message_id, "promptfill:post-waiting", user=MOD)
        assert "📬 Posted 1 prompt." in clicked.content
        assert len(second.posts(PROMPTS)) == 1
        assert second.unexpected_errors() == []
    finally:
        await second.close()
