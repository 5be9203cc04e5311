"""/settings through the real dispatch: moderators only, validated, audited, persistent."""

from __future__ import annotations

from tests.conftest import snapshot
from tests.driver import ALICE, FILLS, GUILD, LOG, MOD, MOD_ROLE, PROMPTS, ROLE_MOD, Driver


async def test_view_lists_every_setting_with_defaults(driver: Driver) -> None:
    out = await driver.command("settings view", user=MOD)
    assert out.ephemeral
    fields = {f["name"]: f["value"] for f in out.embeds[0]["fields"]}
    assert fields == {
        "prompts_channel": "not set",
        "fills_channel": "not set",
        "log_channel": "not set",
        "moderator_role": "not set",
        "require_approval": "no",
        "claims_per_member": "3",
        "claims_per_prompt": "1",
        "claim_days": "14 days",
        "allow_anonymous": "yes",
    }


async def test_set_changes_values_and_reports_them(driver: Driver, db_path) -> None:
    out = await driver.command(
        "settings set", user=MOD, prompts_channel=PROMPTS, claims_per_member=5, require_approval=True
    )
    assert out.ephemeral
    assert "claims_per_member**: 3 → 5" in out.content
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
    assert "claim_days" in lines[1]["content"] and "no deadline" in lines[1]["content"]
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
    assert "claims_per_prompt**: 1 → 2" in allowed.content


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
        fields = {f["name"]: f["value"] for f in out.embeds[0]["fields"]}
        assert fields["claims_per_member"] == "7"
        assert fields["allow_anonymous"] == "no"
    finally:
        await second.close()
