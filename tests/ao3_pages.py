"""Hand-written HTML in the shape of AO3's pages (following the markup facts in the AO3 issue), served by a
local aiohttp server on 127.0.0.1 for the AO3 tests. Not copied from AO3."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from html import escape

from aiohttp import web


def _tags(css: str, values: list[str]) -> str:
    if not values:
        return ""
    links = "".join(f'<li><a class="tag" href="/tags/{escape(v)}/works">{escape(v)}</a></li>' for v in values)
    return f'<dt class="{css} tags">{css.title()}:</dt><dd class="{css} tags"><ul class="commas">{links}</ul></dd>'


def work_page(
    *,
    title: str = "The Lighthouse at the End",
    authors: list[str] | None = None,
    anonymous: bool = False,
    summary: str = "Two keepers, one storm, and a lamp that will not stay lit.",
    rating: str = "General Audiences",
    warnings: list[str] | None = None,
    fandoms: list[str] | None = None,
    relationships: list[str] | None = None,
    freeforms: list[str] | None = None,
    words: str = "12,345",
    chapters: str = "1/1",
    series: str | None = None,
) -> str:
    if anonymous:
        byline = '<h3 class="byline heading">Anonymous</h3>'
    else:
        names = authors if authors is not None else ["keeper_of_lamps"]
        links = ", ".join(
            f'<a rel="author" href="/users/{escape(n)}/pseuds/{escape(n)}">{escape(n)}</a>' for n in names
        )
        byline = f'<h3 class="byline heading">{links}</h3>'
    series_block = (
        f'<dt class="series">Series:</dt><dd class="series"><span class="series"><span class="position">{series}'
        "</span></span></dd>"
        if series
        else ""
    )
    return f"""<!DOCTYPE html><html><head><title>{escape(title)} - Archive</title></head><body><div id="main">
<div class="wrapper"><dl class="work meta group">
{_tags("rating", [rating])}
{_tags("warning", warnings if warnings is not None else ["No Archive Warnings Apply"])}
{_tags("category", ["M/M"])}
{_tags("fandom", fandoms if fandoms is not None else ["Original Work", "Lighthouses - Fandom"])}
{_tags("relationship", relationships if relationships is not None else ["Keeper/Keeper"])}
{_tags("character", ["The Keeper"])}
{_tags("freeform", freeforms if freeforms is not None else ["Fluff", "Storms", "Hurt/Comfort"])}
<dt class="language">Language:</dt><dd class="language">English</dd>
{series_block}
<dt class="stats">Stats:</dt><dd class="stats"><dl class="stats">
<dt class="published">Published:</dt><dd class="published">2026-10-01</dd>
<dt class="status">Updated:</dt><dd class="status">2026-11-01</dd>
<dt class="words">Words:</dt><dd class="words">{words}</dd>
<dt class="chapters">Chapters:</dt><dd class="chapters">{chapters}</dd>
<dt class="kudos">Kudos:</dt><dd class="kudos">321</dd>
<dt class="hits">Hits:</dt><dd class="hits">4,567</dd>
</dl></dd></dl></div>
<div id="workskin"><div class="preface group">
<h2 class="title heading">{escape(title)}</h2>
{byline}
<div class="summary module"><h3 class="heading">Summary:</h3>
<blockquote class="userstuff"><p>{escape(summary)}</p></blockquote></div>
</div><div id="chapters"><p>Once upon a time...</p></div></div>
</div></body></html>"""


MYSTERY_PAGE = """<!DOCTYPE html><html><body><div id="main"><div class="mystery">
<h2 class="heading">Mystery Work</h2>
<p>This work is part of an ongoing challenge and will be revealed soon!</p></div></div></body></html>"""

LOGIN_PAGE = """<!DOCTYPE html><html><body><div id="main"><h2 class="heading">Log in</h2>
<p>Sorry, you don't have permission to access the page you were trying to reach. Please log in.</p>
</div></body></html>"""

CHANGED_PAGE = """<!DOCTYPE html><html><body><div id="main"><article><h1>The Lighthouse at the End</h1>
<p>A brand new layout nobody told us about.</p></article></div></body></html>"""

SERIES_PAGE = """<!DOCTYPE html><html><body><div id="main"><h2 class="heading">The Long Series</h2>
<div class="wrapper"><dl class="series meta group">
<dt>Creator:</dt><dd><a rel="author" href="/users/keeper_of_lamps/pseuds/keeper_of_lamps">keeper_of_lamps</a></dd>
<dt>Series Begun:</dt><dd>2025-01-01</dd>
<dt>Description:</dt><dd><blockquote class="userstuff"><p>Every lighthouse, every storm.</p></blockquote></dd>
<dt class="stats">Stats:</dt><dd class="stats"><dl class="stats">
<dt class="words">Words:</dt><dd class="words">250,000</dd><dt class="works">Works:</dt><dd class="works">21</dd>
</dl></dd></dl></div></div></body></html>"""


@dataclass
class Request:
    path: str
    query: str
    user_agent: str
    at: float


@dataclass
class FakeArchive:
    """What the local server served, and when."""

    requests: list[Request] = field(default_factory=list)
    answered_at: dict[str, float] = field(default_factory=dict)
    slow_seconds: float = 1.0
    delayed_seconds: float = 0.3
    huge_bytes_sent: int = 0
    cookies: list[str] = field(default_factory=list)

    def app(self) -> web.Application:
        pages = {
            1: work_page(),
            2: work_page(title="Slow Burn, Slower Updates", chapters="3/?", words="30,001"),
            3: work_page(title="Part of Something", series='Part 20 of <a href="/series/1">The Long Series</a>'),
            6: work_page(title="Gift Exchange Piece", anonymous=True),
            11: work_page(
                title="Very Adult",
                rating="Explicit",
                summary="Steamy summary text.",
                freeforms=["Explicit Sexual Content"],
                relationships=["A/B"],
            ),
            13: work_page(title="@everyone <@&1> ping attempt", summary="@here hello"),
            14: work_page(title="Long Summary", summary="word " * 2000, freeforms=[f"tag{i}" for i in range(40)]),
            19: work_page(  # a hostile page: every field far past anything AO3 shows
                title="T" * 3000,
                authors=[f"author{i}" * 10 for i in range(200)],
                summary="S" * 20_000,
                fandoms=["F" * 1500] * 30,
                relationships=["R" * 1500] * 30,
                freeforms=["X" * 1500] * 30,
                words="9" * 5000,
                chapters="1/" + "?" * 5000,
                series="Part 1 of " + "Y" * 5000,
            ),
        }

        async def work(request: web.Request) -> web.StreamResponse:
            number = int(request.match_info["id"])
            self.requests.append(
                Request(request.path, request.query_string, request.headers.get("User-Agent", ""), time.monotonic())
            )
            self.cookies.append(request.headers.get("Cookie", ""))
            try:
                if number == 4:
                    raise web.HTTPFound("/users/login?restricted=true")
                if number == 5:
                    return web.Response(text=MYSTERY_PAGE, content_type="text/html")
                if number == 7:
                    return web.Response(status=404, text="not found")
                if number == 8:
                    return web.Response(status=429, headers={"Retry-After": "1"}, text="slow down")
                if number == 9:
                    await asyncio.sleep(self.slow_seconds)
                if number == 10:
                    return web.Response(text=CHANGED_PAGE, content_type="text/html")
                if number == 12:
                    return web.Response(status=503, text="<html>checking your browser</html>", content_type="text/html")
                if number == 16:  # a redirect off the archive: never followed
                    raise web.HTTPFound("http://elsewhere.invalid/works/16")
                if number == 17:  # one byte that is not UTF-8, inside the summary
                    body = work_page(title="Odd Byte", summary="caf\u00e9 SPLIT").encode().replace(b"SPLIT", b"\xff")
                    return web.Response(body=body, content_type="text/html", charset="utf-8")
                if number == 18:  # a page far larger than any work's: only its start is read
                    self.huge_bytes_sent = 0
                    response = web.StreamResponse(headers={"Content-Type": "text/html"})
                    await response.prepare(request)
                    await response.write(work_page(title="Endless Page").encode())
                    padding = b"<p>" + b"x" * 65_536 + b"</p>"
                    for _ in range(60 * 16):  # up to 60 MB, if the reader keeps reading
                        try:
                            await response.write(padding)
                        except (ConnectionResetError, RuntimeError):
                            break
                        self.huge_bytes_sent += len(padding)
                    return response
                if number == 15:
                    await asyncio.sleep(self.delayed_seconds)
                    return web.Response(text=work_page(title="Worth the Wait"), content_type="text/html")
                return web.Response(text=pages.get(number, work_page()), content_type="text/html")
            finally:
                self.answered_at[request.path] = time.monotonic()

        async def series(request: web.Request) -> web.StreamResponse:
            self.requests.append(
                Request(request.path, request.query_string, request.headers.get("User-Agent", ""), time.monotonic())
            )
            return web.Response(text=SERIES_PAGE, content_type="text/html")

        async def login(request: web.Request) -> web.StreamResponse:
            return web.Response(text=LOGIN_PAGE, content_type="text/html")

        app = web.Application()
        app.router.add_get("/works/{id}", work)
        app.router.add_get("/series/{id}", series)
        app.router.add_get("/users/login", login)
        return app
