"""The welcome: once, when the bot joins a server, in the system channel or the first channel it may post in,
with /setup and /help clickable. Never on a restart, never twice for one server."""

from __future__ import annotations

from tests.conftest import snapshot
from tests.driver import GUILD, Channel, Driver, Guild
from tests.driver.world import deny_bot

WELCOME = "Thank you for inviting Promptfill"
NEWS = Channel(760000000000000001, "news", overwrites=(deny_bot("send_messages"),))
LOBBY = Channel(760000000000000002, "lobby")
ANNOUNCE = Channel(760000000000000003, "announcements")
NEW_GUILD = Guild(770000000000000001, "Fresh Fic Fest", (NEWS, LOBBY, ANNOUNCE), (), system_channel=ANNOUNCE)


def welcomes(driver: Driver) -> list[tuple[int | None, dict]]:
    return [
        (c.channel_id, c.body)
        for c in driver.post_calls()
        if c.response is not None and WELCOME in (c.body or {}).get("content", "")
    ]


async def test_joining_a_server_posts_one_welcome_in_its_system_channel(driver: Driver) -> None:
    await driver.join(NEW_GUILD)
    [(channel_id, body)] = welcomes(driver)
    assert channel_id == ANNOUNCE.id
    assert f"</setup:{driver.bot.command_ids['setup']}>" in body["content"]
    assert f"</help:{driver.bot.command_ids['help']}>" in body["content"]
    assert body["allowed_mentions"] == {"parse": []}
    assert len(body["content"]) <= 2000


async def test_never_twice_for_one_server_even_across_restarts(driver: Driver, db_path, clock) -> None:
    await driver.join(NEW_GUILD)
    await driver.join(NEW_GUILD)  # removed and invited again
    assert len(welcomes(driver)) == 1
    await driver.close()
    second = await Driver.start(db_path, clock=clock, guilds=(GUILD, NEW_GUILD))
    try:
        await second.join(NEW_GUILD)
        assert welcomes(second) == []
    finally:
        await second.close()
    assert not second.unexpected_errors()


async def test_a_start_welcomes_nobody(driver: Driver, db_path) -> None:
    """The servers of a start arrive with READY (or as available again): they are not joins."""
    assert welcomes(driver) == []
    assert snapshot(db_path)["welcomed_guilds"] == []


async def test_without_a_system_channel_the_first_channel_it_may_post_in(driver: Driver) -> None:
    guild = Guild(770000000000000002, "No System", (NEWS, LOBBY, ANNOUNCE), ())
    await driver.join(guild)
    [(channel_id, _)] = welcomes(driver)
    assert channel_id == LOBBY.id  # news comes first but denies the bot Send Messages


async def test_a_server_where_it_may_post_nowhere_gets_no_welcome_and_a_later_invite_tries_again(
    driver: Driver, db_path
) -> None:
    muted = Channel(760000000000000009, "muted", overwrites=(deny_bot("send_messages"),))
    guild = Guild(770000000000000003, "Quiet", (muted,), ())
    before = snapshot(db_path)
    await driver.join(guild)
    assert welcomes(driver) == [] and snapshot(db_path) == before


async def test_a_failed_welcome_is_not_counted_as_said(driver: Driver, db_path) -> None:
    driver.fake.fail("POST", "/channels/{channel_id}/messages", channel_id=ANNOUNCE.id)
    await driver.join(NEW_GUILD)
    assert snapshot(db_path)["welcomed_guilds"] == []
    driver.forget_errors()
    driver.fake.failures.clear()
    await driver.join(NEW_GUILD)
    [(channel_id, _)] = welcomes(driver)
    assert channel_id == ANNOUNCE.id
