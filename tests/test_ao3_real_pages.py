"""Real pages saved from archiveofourown.org (../shared/ao3-pages/, SOURCES.md there), read in place: every
page parsed and compared with the values SOURCES.md states, then the fill flow end to end with those pages
served by a loopback archive that redirects as AO3 does. Skipped where the folder is absent."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from ao3.client import AO3Config
from ao3.parse import NotAWork, Series, Work, parse_series, parse_work
from tests.anonymity import leaks
from tests.conftest import submit
from tests.driver import ALICE, BOB, CAROL, FILLS, LOG, MOD, Driver

PAGES = Path(__file__).resolve().parents[2] / "shared" / "ao3-pages"
pytestmark = pytest.mark.skipif(not PAGES.is_dir(), reason="../shared/ao3-pages/ is not beside this checkout")

NOT_A_WORK = "not a work"

# SOURCES.md's "checked values", one entry per file there; fields not named are not asserted.
EXPECTED: dict[str, dict[str, Any] | str] = {
    "ao3/works/323217/index.html": {
        "title": "Field Test no.7: Phone Calls & Boundaries",
        "authors": ("x_art",),
        "accounts": ("x_art",),
        "rating": ("Not Rated",),
        "chapters": "1/1",
        "series": ("Part 1 of The Mentalist Field Tests",),
        "words": "5,652",
        "freeforms": 0,
    },
    "ao3/works/29046888/index.html": {
        "title": "waiting//wishing",
        "authors": ("KBstories",),
        "rating": ("Mature",),
        "chapters": "7/7",
        "series": ("Part 2 of first impressions",),
        "words": "36,352",
        "freeforms": 22,
        "fandoms": ("僕のヒーローアカデミア | Boku no Hero Academia | My Hero Academia",),
    },
    "ao3/works/17793689/index.html": {
        "title": "Nobody Expects the Dragon Age Inquisition",
        "authors": ("enigmalea",),
        "rating": ("Mature",),
        "chapters": "14/?",
        "freeforms": 32,
        "characters": 21,
        "series": ("Part 1 of Thedas Unveiled",),
        "words": "70,561",
        "summary_has": "A Modern Thedas AU, in which",
    },
    "ao3/works/17793689/chapters/41980418.html": {
        "title": "Nobody Expects the Dragon Age Inquisition",
        "authors": ("enigmalea",),
        "chapters": "14/?",
        "words": "70,561",
        "summary_has": "A Modern Thedas AU, in which",
    },
    "ao3/works/17793689/chapters/42035519.html": {
        "title": "Nobody Expects the Dragon Age Inquisition",
        "authors": ("enigmalea",),
        "chapters": "14/?",
        "words": "70,561",
        "summary": None,
    },
    "ao3/works/37214506/chapters/92848687.html": {
        "title": "AvengersGC",
        "authors": ("Anonymous",),
        "accounts": (),
        "rating": ("Teen And Up Audiences",),
        "chapters": "20/?",
        "series": ("Part 1 of Twitterchat Saga",),
        "summary_has": "a week.\nAnd a lot, a lot, of popcorn.",
    },
    "ao3/works/168768/index.html": {
        "title": "Fill",
        "authors": ("Anonymous",),
        "accounts": (),
        "rating": ("Teen And Up Audiences",),
        "chapters": "1/1",
        "summary_has": "big creepy joke.)\nSomeone write something Equius-centric.",
    },
    "ao3/works/23824891/index.html": {
        "authors": ("Anonymous (orphan_account)", "Butterfly_Dream", "orphan_account"),
        "accounts": ("orphan_account", "Butterfly_Dream"),
        "rating": ("Explicit",),
        "chapters": "3/3",
        "words": "19,312",
    },
    "ao3/works/6475531/index.html": {
        "authors": ("Anonymous", "orphan_account"),
        "accounts": ("Anonymous", "orphan_account"),  # a real user named Anonymous: linked, so known
        "rating": ("General Audiences",),
        "chapters": "2/2",
    },
    "ao3/works/41289660/index.html": {
        "authors": ("Fairyzilla (orphan_account)", "orphan_account"),
        "accounts": ("orphan_account",),
        "rating": ("Teen And Up Audiences",),
        "chapters": "6/6",
        "relationships": 15,
        "freeforms": 34,
        "series": ("Part 2 of Hogwarts x Fairy Tail Adventures",),
    },
    "ao3/works/923647/index.html": {
        "authors": ("Alias (anafabula)",),
        "accounts": ("anafabula",),
        "rating": ("Teen And Up Audiences",),
        "chapters": "1/1",
        "fandoms": ("Twin Peaks", "Welcome to Night Vale"),
        "series": ("Part 1 of observe and report",),
        "freeforms_include": "Prompt Fill",
    },
    "ao3/works/4491333/index.html": {
        "rating": ("Teen And Up Audiences",),
        "chapters": "1/1",
        "series": ("Part 11 of Astolat Vids", "Part 8 of Smallville works"),
        "words": "6",
    },
    "ao3/works/3738184/index.html": {
        "authors": ("orphan_account",),
        "rating": ("Not Rated",),
        "warnings": 6,
        "categories": 6,
    },
    "ao3/works/48582418/chapters/122861680.html": {
        "rating": ("Not Rated",),
        "chapters": "6/6",
        "categories": 0,
        "summary": None,
    },
    "ao3/works/15461226/index.html": NOT_A_WORK,
    "ao3/works/49733128/index.html": NOT_A_WORK,
    "ao3/works/41237499/index.html": NOT_A_WORK,
    "ao3/works/43703871/navigate.html": NOT_A_WORK,
    "ao3/series/2270465/index.html": {"title": "OG Titan", "authors": ("MyHero",), "works": "6"},
    "ao3/series/2817877/index.html": {"title": "*Insert Fandom* but Social Media (one-shots)", "works": "8"},
    "ao3/series/1728802/index.html": {
        "title": "angsty oneshots/short stories",
        "authors": ("Anonymous",),
        "accounts": (),
        "works": "3",
    },
    "ao3/series/2946579/index.html": {"title": "Twitterchat Saga", "authors": ("Anonymous",), "works": "2"},
    "ao3/users/astolat/profile/index.html": NOT_A_WORK,
    "ao3/users/franzeska/profile/index.html": NOT_A_WORK,
    "superlove/works/1269/index.html": {"title": "and she burned the sky", "authors": ("melo",), "chapters": "1/1"},
}


def read(relative: str) -> str:
    return (PAGES / relative).read_text(encoding="utf-8")


def test_every_page_in_the_folder_and_in_sources_md_is_checked() -> None:
    on_disk = {str(p.relative_to(PAGES)) for p in PAGES.rglob("*.html")}
    listed = set(re.findall(r"^\| ((?:ao3|superlove)/\S+\.html) \|", read("SOURCES.md"), re.MULTILINE))
    assert on_disk == set(EXPECTED), on_disk ^ set(EXPECTED)
    assert listed == set(EXPECTED), listed ^ set(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_each_page_parses_as_sources_md_says(relative: str) -> None:
    expected = EXPECTED[relative]
    parse = parse_series if relative.startswith("ao3/series/") else parse_work
    if expected == NOT_A_WORK:
        with pytest.raises(NotAWork):
            parse(read(relative))
        return
    assert isinstance(expected, dict)
    info: Work | Series = parse(read(relative))
    for name, value in expected.items():
        if name == "summary_has":
            assert info.summary is not None and value in info.summary, info.summary
        elif name == "freeforms_include":
            assert isinstance(info, Work) and value in info.freeforms
        elif isinstance(value, int) and not isinstance(value, bool) and name != "works":
            assert len(getattr(info, name)) == value, (name, getattr(info, name))
        else:
            assert getattr(info, name) == value, (name, getattr(info, name))


@pytest.mark.parametrize("relative", sorted(r for r, e in EXPECTED.items() if e != NOT_A_WORK))
def test_summaries_keep_line_breaks_and_lose_the_stray_spaces_around_markup(relative: str) -> None:
    parse = parse_series if relative.startswith("ao3/series/") else parse_work
    summary = parse(read(relative)).summary or ""
    assert not re.search(r" [,.;:!?]", summary), summary  # "AU , in which" was the old rendering
    assert "\n\n\n" not in summary and summary == summary.strip()
    assert all(line == line.strip() for line in summary.split("\n"))


def test_an_imported_work_names_its_creator_and_the_archivist() -> None:
    page = read("ao3/works/323217/index.html").replace(
        '<a rel="author" href="/users/x_art/pseuds/x_art">x_art</a>',
        'Jane Writer [archived by <a rel="author" href="/users/open_doors/pseuds/open_doors">open_doors</a>]',
    )
    assert "Jane Writer [archived by" in page
    work = parse_work(page)
    assert work.authors == ("Jane Writer [archived by open_doors]",)
    assert work.accounts == ()  # the creator has no account here: a byline that cannot be checked


# -- the fill flow against the real pages, served as AO3 serves them -------------------------------------


# Multi-chapter works: /works/N?view_adult=true goes on to the first chapter's page, without the flag.
FIRST_CHAPTERS = {17793689: 41980418, 37214506: 92848687, 48582418: 122861680}
CHAPTER_OF = {41980418: 17793689, 42035519: 17793689, 92848687: 37214506, 122861680: 48582418}
LOCKED = {15461226, 49733128}
DELETED = {41237499}


@dataclass
class RealArchive:
    seen: list[tuple[str, str, str]] = field(default_factory=list)  # path, query, Cookie header

    def app(self) -> web.Application:
        def page(relative: str) -> web.Response:
            return web.Response(text=read(relative), content_type="text/html")

        def note(request: web.Request) -> None:
            self.seen.append((request.path, request.query_string, request.headers.get("Cookie", "")))

        def adult_gate(request: web.Request) -> web.Response | None:
            # Past the redirect AO3 shows the adult notice unless the view_adult cookie came along.
            if "view_adult=true" not in request.headers.get("Cookie", "") and "view_adult" not in request.query:
                return web.Response(text="<html><body><p>This work could have adult content.</p></body></html>")
            return None

        async def work(request: web.Request) -> web.StreamResponse:
            note(request)
            number = int(request.match_info["id"])
            if number in LOCKED:
                raise web.HTTPFound("/users/login?restricted=true")
            if number in DELETED:
                return web.Response(status=404, text=read(f"ao3/works/{number}/index.html"), content_type="text/html")
            if number in FIRST_CHAPTERS:
                raise web.HTTPFound(f"/works/{number}/chapters/{FIRST_CHAPTERS[number]}")
            return adult_gate(request) or page(f"ao3/works/{number}/index.html")

        async def work_chapter(request: web.Request) -> web.StreamResponse:
            note(request)
            number, chapter = request.match_info["id"], request.match_info["chapter"]
            return adult_gate(request) or page(f"ao3/works/{number}/chapters/{chapter}.html")

        async def bare_chapter(request: web.Request) -> web.StreamResponse:
            note(request)
            chapter = int(request.match_info["chapter"])
            raise web.HTTPFound(f"/works/{CHAPTER_OF[chapter]}/chapters/{chapter}")

        async def series(request: web.Request) -> web.StreamResponse:
            note(request)
            return page(f"ao3/series/{request.match_info['id']}/index.html")

        async def login(request: web.Request) -> web.StreamResponse:
            note(request)
            return page("ao3/works/15461226/index.html")

        app = web.Application()
        app.router.add_get("/works/{id}", work)
        app.router.add_get("/works/{id}/chapters/{chapter}", work_chapter)
        app.router.add_get("/chapters/{chapter}", bare_chapter)
        app.router.add_get("/series/{id}", series)
        app.router.add_get("/users/login", login)
        return app


@pytest.fixture
async def real_archive(db_path, clock) -> AsyncIterator[tuple[Driver, RealArchive]]:
    archive = RealArchive()
    server = TestServer(archive.app(), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    driver = await Driver.start(db_path, clock=clock, ao3=AO3Config(base_url=base, spacing=0.0, timeout=2.0))
    try:
        for i in range(10):
            await submit(driver, f"Prompt {i}: a found family in a coffee shop at the end of the world", user=BOB)
        yield driver, archive
    finally:
        await driver.close()
        await server.close()
    assert not driver.unexpected_errors()  # locked and deleted works are WARNING lines, not errors


def last_embed(driver: Driver) -> dict[str, Any]:
    edits = [c.body for c in driver.fake.calls if c.method == "PATCH" and c.body.get("embeds")]
    return edits[-1]["embeds"][0]


async def test_a_multi_chapter_work_is_followed_to_its_first_chapter_with_the_adult_cookie(real_archive) -> None:
    driver, archive = real_archive
    await driver.command("fill", user=CAROL, prompt=1, url="https://archiveofourown.org/works/17793689")
    embed = last_embed(driver)
    assert embed["title"] == "Nobody Expects the Dragon Age Inquisition"
    assert "by **enigmalea**" in embed["description"] and "A Modern Thedas AU, in which" in embed["description"]
    assert [(p, q) for p, q, _ in archive.seen] == [
        ("/works/17793689", "view_adult=true"),
        ("/works/17793689/chapters/41980418", ""),
    ]
    assert all(cookie == "view_adult=true" for _, _, cookie in archive.seen)


async def test_a_bare_chapter_link_is_followed_to_its_work(real_archive) -> None:
    driver, archive = real_archive
    await driver.command("fill", user=CAROL, prompt=2, url="https://archiveofourown.org/chapters/92848687")
    embed = last_embed(driver)
    assert embed["title"] == "AvengersGC" and "by **Anonymous**" in embed["description"]
    assert archive.seen[0][0] == "/chapters/92848687"


async def test_real_series_and_pseud_bylines_are_announced_as_ao3_shows_them(real_archive) -> None:
    driver, _ = real_archive
    await driver.command("fill", user=CAROL, prompt=3, url="https://archiveofourown.org/series/1728802")
    series = last_embed(driver)
    assert series["title"] == "angsty oneshots/short stories" and "by **Anonymous**" in series["description"]
    await driver.command("fill", user=CAROL, prompt=4, url="https://www.archiveofourown.net/works/923647")
    work = last_embed(driver)
    assert "by **Alias (anafabula)**" in work["description"]
    fields = {f["name"]: f["value"] for f in work["fields"]}
    assert fields["Fandoms"] == "Twin Peaks, Welcome to Night Vale"
    assert fields["Series"] == "Part 1 of observe and report"


async def test_locked_and_deleted_works_are_announced_plainly(real_archive) -> None:
    driver, archive = real_archive
    for prompt, number in ((5, 15461226), (6, 41237499)):
        out = await driver.command("fill", user=CAROL, prompt=prompt, url=f"https://archiveofourown.org/works/{number}")
        assert "new fill" in out.messages[0]["content"]
    assert not [c for c in driver.fake.calls if c.method == "PATCH" and c.body.get("embeds")]
    assert "/users/login" not in [p for p, _, _ in archive.seen]  # the login page itself is never fetched


async def test_a_byline_without_the_fillers_linked_account_gets_one_log_line(real_archive) -> None:
    driver, archive = real_archive
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await driver.command("ao3 account", user=CAROL, username="anafabula")

    def byline_lines() -> list[dict[str, Any]]:
        return [p for p in driver.posts(LOG) if "credited on AO3" in p["content"]]

    await driver.command("fill", user=CAROL, prompt=1, url="https://archiveofourown.org/works/923647")  # her pseud
    await driver.command("fill", user=CAROL, prompt=2, url="https://archiveofourown.org/works/168768")  # Anonymous
    assert not byline_lines()
    out = await driver.command("fill", user=CAROL, prompt=3, url="https://archiveofourown.org/works/323217")
    assert "new fill" in out.messages[0]["content"]  # recorded and announced all the same
    lines = byline_lines()
    assert len(lines) == 1
    assert "by x_art" not in lines[0]["content"] and "credited on AO3 to x_art" in lines[0]["content"]
    assert "`anafabula`" in lines[0]["content"] and lines[0]["allowed_mentions"] == {"parse": []}
    # A member with no linked account is never checked; no fetch is added for the check.
    await driver.command("fill", user=ALICE, prompt=5, url="https://archiveofourown.org/works/4491333")
    assert len(byline_lines()) == 1
    assert len(archive.seen) == 4


# -- anonymous fills: the work without its byline ---------------------------------------------------------


async def test_an_anonymous_fill_shows_the_real_work_without_its_byline_until_revealed(real_archive) -> None:
    driver, _ = real_archive
    await driver.command("settings set", user=MOD, fills_channel=FILLS, log_channel=LOG)
    url = "https://archiveofourown.org/works/923647"  # by "Alias (anafabula)": Twin Peaks, Welcome to Night Vale
    out = await driver.command("fill", user=CAROL, prompt=1, url=url, anonymous=True)
    assert out.ephemeral and out.content.startswith("🎭 AO3 shows your name on the work's page")
    card = last_embed(driver)
    fields = {f["name"]: f["value"] for f in card["fields"]}
    assert card["url"] == url and card["title"]
    assert fields["Fandoms"] == "Twin Peaks, Welcome to Night Vale"
    assert fields["Rating"] == "Teen And Up Audiences" and fields["Series"] == "Part 1 of observe and report"
    assert "Words" in fields and "Prompt #1" in fields
    assert card["description"].startswith("An anonymous writer wrote a fill for **Prompt #1**")
    assert not card["description"].startswith("by ")
    assert leaks(driver, CAROL, "anafabula", "Alias") == []
    await driver.command("reveal", user=CAROL, prompt=1, url=url)
    revealed = last_embed(driver)
    assert revealed["description"].startswith(f"by **Alias (anafabula)** · <@{CAROL.id}> wrote a fill")


async def test_a_byline_mismatch_on_an_anonymous_fill_names_neither_writer_nor_accounts(real_archive) -> None:
    driver, _ = real_archive
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await driver.command("ao3 account", user=CAROL, username="carol_writes")
    url = "https://archiveofourown.org/works/323217"  # credited to x_art
    await driver.command("fill", user=CAROL, prompt=1, url=url, anonymous=True)
    [line] = [p["content"] for p in driver.posts(LOG) if "credited on AO3" in p["content"]]
    assert line.startswith(f"🔎 The anonymous fill of #1 ({url}) is credited on AO3 to accounts other than its writer")
    assert "</prompt view:" in line
    assert leaks(driver, CAROL, "carol_writes", "x_art") == []
