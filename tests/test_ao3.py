"""AO3 fill announcements, against a real HTTP server on 127.0.0.1 serving hand-written pages."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import threading
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer

import ao3.client as client_module
from ao3.client import AO3Config
from tests.ao3_pages import FakeArchive
from tests.conftest import submit
from tests.driver import BOB, CAROL, FILLS, GUILD, MOD, NSFW, Driver

SPACING = 0.15


@pytest.fixture
async def archive() -> AsyncIterator[tuple[FakeArchive, str]]:
    fake = FakeArchive()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    try:
        yield fake, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def ao3_driver(db_path, clock, archive) -> AsyncIterator[Driver]:
    _, base = archive
    config = AO3Config(base_url=base, spacing=SPACING, timeout=0.5, failure_cache_seconds=60)
    driver = await Driver.start(db_path, clock=clock, ao3=config)
    try:
        for i in range(12):
            await submit(driver, f"Prompt {i}: a lighthouse keeper and a storm that will not end", user=BOB)
        yield driver
    finally:
        await driver.close()
    errors = driver.unexpected_errors()
    assert not errors, errors


def edits(driver: Driver) -> list[dict]:
    """Edits of announcements: the interaction's original reply or a channel message."""
    return [c.body for c in driver.fake.calls if c.method == "PATCH"]


async def fill(driver: Driver, prompt: int, url: str, **options):
    return await driver.command("fill", user=CAROL, prompt=prompt, url=url, **options)


# -- recognising links ----------------------------------------------------------------------------------


# -- the rich announcement ------------------------------------------------------------------------------


async def test_a_complete_work_becomes_a_rich_announcement(ao3_driver: Driver, archive) -> None:
    fake, _ = archive
    out = await fill(ao3_driver, 1, "https://archiveofourown.org/works/1/chapters/99")
    assert "new fill" in out.messages[0]["content"]  # announced at once, plainly
    assert fake.requests[0].path == "/works/1" and fake.requests[0].query == "view_adult=true"
    assert "Promptfill" in fake.requests[0].user_agent and "bot" in fake.requests[0].user_agent
    embed = edits(ao3_driver)[-1]["embeds"][0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert embed["title"] == "The Lighthouse at the End"
    assert "by **keeper_of_lamps**" in embed["description"]
    assert "a lamp that will not stay lit" in embed["description"]
    assert fields["Fandoms"] == "Original Work, Lighthouses - Fandom"
    assert fields["Rating"] == "General Audiences" and fields["Warnings"] == "No Archive Warnings Apply"
    assert fields["Relationships"] == "Keeper/Keeper" and fields["Tags"] == "Fluff, Storms, Hurt/Comfort"
    assert fields["Words"] == "12,345" and fields["Chapters"] == "1/1"
    assert "Prompt #1" in fields


async def test_work_in_progress_series_anonymous_and_series_pages(ao3_driver: Driver) -> None:
    await fill(ao3_driver, 1, "https://archiveofourown.org/works/2")
    wip = {f["name"]: f["value"] for f in edits(ao3_driver)[-1]["embeds"][0]["fields"]}
    assert wip["Chapters"] == "3/?"
    await fill(ao3_driver, 2, "https://archiveofourown.org/works/3")
    in_series = {f["name"]: f["value"] for f in edits(ao3_driver)[-1]["embeds"][0]["fields"]}
    assert in_series["Series"] == "Part 20 of The Long Series"
    await fill(ao3_driver, 3, "https://archiveofourown.org/works/6")
    assert "by **Anonymous**" in edits(ao3_driver)[-1]["embeds"][0]["description"]
    await fill(ao3_driver, 4, "https://archiveofourown.org/series/1")
    series = edits(ao3_driver)[-1]["embeds"][0]
    assert series["title"] == "The Long Series" and "by **keeper_of_lamps**" in series["description"]
    assert {f["name"]: f["value"] for f in series["fields"]}["Works in series"] == "21"


async def test_the_fills_channel_post_is_edited_and_pings_nobody_new(ao3_driver: Driver) -> None:
    await ao3_driver.command("settings set", user=MOD, fills_channel=FILLS)
    await fill(ao3_driver, 1, "https://archiveofourown.org/works/13")
    patch = next(c for c in ao3_driver.fake.calls if c.method == "PATCH" and c.route.startswith("/channels/"))
    assert patch.channel_id == FILLS.id
    assert patch.body["embeds"][0]["title"] == "@everyone <@&1> ping attempt"
    assert patch.body["allowed_mentions"] == {"parse": []}


async def test_embed_stays_within_discords_limits(ao3_driver: Driver) -> None:
    await fill(ao3_driver, 1, "https://archiveofourown.org/works/14")
    embed = edits(ao3_driver)[-1]["embeds"][0]
    size = len(embed["title"]) + len(embed["description"]) + len(embed["footer"]["text"])
    size += sum(len(f["name"]) + len(f["value"]) for f in embed["fields"])
    assert size <= 6000 and len(embed["description"]) <= 4096
    assert all(len(f["value"]) <= 1024 for f in embed["fields"])
    assert "(+32 more)" in {f["name"]: f["value"] for f in embed["fields"]}["Tags"]


async def test_explicit_work_shows_summary_and_tags_only_in_age_restricted_channels(ao3_driver: Driver) -> None:
    await fill(ao3_driver, 1, "https://archiveofourown.org/works/11")
    plain = json.dumps(edits(ao3_driver)[-1])
    assert "Steamy summary" not in plain and "Explicit Sexual Content" not in plain and "Very Adult" in plain
    await ao3_driver.command("fill", user=CAROL, channel=NSFW, prompt=2, url="https://archiveofourown.org/works/11")
    restricted = json.dumps(edits(ao3_driver)[-1])
    assert "Steamy summary" in restricted and "Explicit Sexual Content" in restricted


# -- degrading, never failing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("work", "why"),
    [(4, "locked"), (5, "mystery"), (7, "404"), (8, "429"), (9, "TimeoutError"), (10, "markup"), (12, "503")],
)
async def test_unreadable_works_are_announced_plainly_with_a_warning(
    ao3_driver: Driver, caplog, work: int, why: str
) -> None:
    caplog.set_level(logging.WARNING, logger="ao3.client")
    out = await fill(ao3_driver, 1, f"https://archiveofourown.org/works/{work}")
    assert "new fill" in out.messages[0]["content"]
    assert edits(ao3_driver) == []
    assert (await ao3_driver.bot.store.prompts.get(GUILD.id, 1)).fill_count == 1
    warnings = [r for r in caplog.records if r.name == "ao3.client"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING


async def test_lookup_off_fetches_nothing(db_path, clock, archive) -> None:
    fake, base = archive
    driver = await Driver.start(db_path, clock=clock, ao3=AO3Config(enabled=False, base_url=base))
    try:
        await submit(driver, "A lighthouse keeper and a storm that will not end", user=BOB)
        await fill(driver, 1, "https://archiveofourown.org/works/1")
        assert fake.requests == [] and edits(driver) == []
    finally:
        await driver.close()


# -- politeness ----------------------------------------------------------------------------------------


async def test_requests_are_spaced_and_answers_cached(ao3_driver: Driver, archive) -> None:
    fake, _ = archive
    await asyncio.gather(*(fill(ao3_driver, n, f"https://archiveofourown.org/works/{n}") for n in (1, 2, 3)))
    times = sorted(r.at for r in fake.requests)
    assert len(times) == 3
    assert all(b - a >= SPACING * 0.95 for a, b in itertools.pairwise(times))
    await fill(ao3_driver, 4, "https://archiveofourown.org/works/1")
    assert len(fake.requests) == 3  # the cache answered
    assert len(edits(ao3_driver)) == 4


async def test_identical_lookups_in_flight_share_one_request(ao3_driver: Driver, archive) -> None:
    fake, _ = archive
    await asyncio.gather(*(fill(ao3_driver, n, "https://archiveofourown.org/works/15") for n in (1, 2, 3)))
    assert [r.path for r in fake.requests] == ["/works/15"]
    assert len(edits(ao3_driver)) == 3


async def test_retry_after_is_honoured(ao3_driver: Driver, archive) -> None:
    fake, _ = archive
    await fill(ao3_driver, 1, "https://archiveofourown.org/works/8")
    await fill(ao3_driver, 2, "https://archiveofourown.org/works/1")
    first, second = fake.requests
    assert second.at - first.at >= 0.95  # Retry-After: 1


async def test_the_interaction_is_acknowledged_before_the_fetch_finishes(ao3_driver: Driver, archive) -> None:
    fake, _ = archive
    out = await fill(ao3_driver, 1, "https://archiveofourown.org/works/15")
    callback = next(c for c in out.calls if c.route.endswith("/callback"))
    assert callback.at < fake.answered_at["/works/15"] - 0.2
    assert edits(ao3_driver)[-1]["embeds"][0]["title"] == "Worth the Wait"


async def test_the_lookup_cache_forgets_the_least_recently_used_past_its_bound(db_path, clock, archive) -> None:
    fake, base = archive
    config = AO3Config(base_url=base, spacing=0.0, timeout=0.5, cache_entries=2)
    driver = await Driver.start(db_path, clock=clock, ao3=config)
    try:
        for i in range(5):
            await submit(driver, f"Prompt {i}: a lighthouse keeper and a storm that will not end", user=BOB)
        for prompt, work in ((1, 1), (2, 2), (3, 3)):
            await fill(driver, prompt, f"https://archiveofourown.org/works/{work}")
        assert driver.bot.ao3 is not None and driver.bot.ao3.cached_lookups == 2
        await fill(driver, 4, "https://archiveofourown.org/works/3")  # still cached
        await fill(driver, 5, "https://archiveofourown.org/works/1")  # forgotten: fetched again
        assert [r.path for r in fake.requests] == ["/works/1", "/works/2", "/works/3", "/works/1"]
    finally:
        await driver.close()
    assert not driver.unexpected_errors()


async def test_every_request_carries_the_adult_cookie(ao3_driver: Driver, archive) -> None:
    fake, _ = archive
    await fill(ao3_driver, 1, "https://archiveofourown.org/works/1")
    assert fake.cookies == ["view_adult=true"]


async def test_a_redirect_off_the_archive_is_not_followed(ao3_driver: Driver, archive, caplog) -> None:
    fake, _ = archive
    caplog.set_level(logging.WARNING, logger="ao3.client")
    out = await fill(ao3_driver, 1, "https://archiveofourown.org/works/16")
    assert "new fill" in out.messages[0]["content"]
    assert not edits(ao3_driver)  # announced plainly, nothing from the other site
    assert [r.path for r in fake.requests] == ["/works/16"]
    assert any("to another site" in r.getMessage() for r in caplog.records)


async def test_an_invalid_byte_does_not_lose_the_page(ao3_driver: Driver) -> None:
    await fill(ao3_driver, 1, "https://archiveofourown.org/works/17")
    embed = edits(ao3_driver)[-1]["embeds"][0]
    assert embed["title"] == "Odd Byte" and "café \ufffd" in embed["description"]


async def test_a_huge_page_is_read_only_as_far_as_the_cap(ao3_driver: Driver, archive) -> None:
    fake, _ = archive
    await fill(ao3_driver, 1, "https://archiveofourown.org/works/18")
    assert edits(ao3_driver)[-1]["embeds"][0]["title"] == "Endless Page"
    await asyncio.sleep(0.2)  # the server notices the closed connection
    assert fake.huge_bytes_sent < 20 * 1024 * 1024  # far from the 60 MB it would have sent


async def test_a_hostile_pages_fields_are_clipped_to_discords_limits(ao3_driver: Driver) -> None:
    await fill(ao3_driver, 1, "https://archiveofourown.org/works/19")
    embed = edits(ao3_driver)[-1]["embeds"][0]  # accepted by the driver's check of Discord's limits
    assert embed["title"].startswith("TTT") and len(embed["title"]) <= 256
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Words"].startswith("999") and len(fields["Words"]) <= 1024


async def test_pages_are_parsed_off_the_event_loop(ao3_driver: Driver, monkeypatch) -> None:
    threads: list[str] = []
    real_parse = client_module.parse_work

    def watched(html: str):
        threads.append(threading.current_thread().name)
        return real_parse(html)

    monkeypatch.setattr(client_module, "parse_work", watched)
    await fill(ao3_driver, 1, "https://archiveofourown.org/works/1")
    assert threads and threading.main_thread().name not in threads


async def test_a_work_shared_as_complete_whose_chapters_read_unfinished_is_not_congratulated(
    ao3_driver: Driver,
) -> None:
    """The chapter count is read after the answer: an AO3 work is thanked, not congratulated, and one that AO3
    shows at "3/?" chapters brings its writer a private note on recording it as a work in progress."""
    out = await fill(ao3_driver, 1, "https://archiveofourown.org/works/2")
    private = [m["content"] for m in out.messages if (m.get("flags") or 0) & 64]
    assert "Congratulations" not in out.text
    assert private[-1].startswith(
        "📖 AO3 shows *Slow Burn, Slower Updates* at 3/? chapters, so it reads as a work in progress, but your fill "
        "for #1 was shared as complete. If it is still in progress, share it again with </fill:"
    )
    assert private[-1].endswith(", the same link and status in progress; share it as complete when it is.")

    finished = await fill(ao3_driver, 2, "https://archiveofourown.org/works/1")
    assert "Congratulations" not in finished.text and "AO3 shows" not in finished.text  # 1/1 chapters: no note


async def test_an_anonymous_work_shared_as_complete_is_thanked_and_told_of_its_chapters(ao3_driver: Driver) -> None:
    await ao3_driver.command("settings set", user=MOD, fills_channel=FILLS)
    out = await fill(ao3_driver, 1, "https://archiveofourown.org/works/2", anonymous=True)
    private = [m["content"] for m in out.messages if (m.get("flags") or 0) & 64]
    assert private[0].startswith("🎭 AO3 shows your name on the work's page") and private[0].endswith(
        "Thank you for it!"
    )
    assert private[-1].startswith("📖 AO3 shows *Slow Burn, Slower Updates* at 3/? chapters")
