"""Every in-process cache has a bound: settings per server and the short-lived views (AO3 lookups: test_ao3)."""

from __future__ import annotations

from cogs.ui.owned import OwnedView
from tests.conftest import submit
from tests.driver import ALICE, BOB, CAROL, GUILD, LOG, MOD, OTHER_CHANNEL, OTHER_GUILD, Driver


async def test_settings_cache_keeps_the_most_recent_servers_and_rereads_the_rest(driver: Driver) -> None:
    settings = driver.bot.store.settings
    settings.cache_size = 1
    changed = await driver.command("settings set", user=MOD, log_channel=LOG)
    assert changed.ephemeral
    await driver.command("prompt list", guild=OTHER_GUILD, channel=OTHER_CHANNEL)
    assert settings.cached_servers == 1  # GUILD's settings were let go for OTHER_GUILD's
    # Read again from the store, not lost: the log channel set above still gets the moderator's line.
    await submit(driver, "A keeper of lighthouses meets a keeper of bees", user=BOB)
    await driver.command("prompt withdraw", user=MOD, prompt=1)
    assert driver.posts(LOG), "the log channel setting did not survive leaving the cache"
    assert (await settings.get(GUILD.id)).log_channel_id == LOG.id
    assert settings.cached_servers == 1


async def test_past_the_limit_the_oldest_draw_stops_listening(driver: Driver, monkeypatch) -> None:
    monkeypatch.setattr(OwnedView, "live_limit", 2)
    monkeypatch.setattr(OwnedView, "_live", type(OwnedView._live)())
    for i in range(3):
        await submit(driver, f"Idea {i} about a haunted lighthouse", user=BOB)
    draws = [await driver.command("prompt random", user=user) for user in (ALICE, CAROL, ALICE)]
    again = [next(c for c in d.custom_ids if not c.startswith("promptfill:claim:")) for d in draws]
    assert len(OwnedView._live) == 2
    oldest = await driver.click(draws[0].message_id, again[0], user=ALICE)
    assert oldest.calls == []  # no longer listened to: Discord shows its own "interaction failed"
    newest = await driver.click(draws[2].message_id, again[2], user=ALICE)
    assert newest.kind == 7 and newest.embeds
