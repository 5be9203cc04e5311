"""Polite fetching from AO3: one request at a time, spaced, cached, merged, and never an exception.

At most one request every `spacing` seconds across the whole process, in arrival order (asyncio.Lock
wakes its waiters first come, first served); a 429's Retry-After pushes the next request back;
answers are cached (an hour; failures a few minutes) and identical requests in flight share one fetch.
Any failure (locked, unrevealed, deleted, rate-limited, timed out, down, challenged, unreadable) comes
back as None with at most one WARNING line: a fill is announced plainly then.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp

from ao3.links import AO3Link
from ao3.parse import NotAWork, Series, Work, parse_series, parse_work

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
ADULT_COOKIE = {"Cookie": "view_adult=true"}

USER_AGENT = "Promptfill/0.1 (Discord bot for fan-fiction prompt exchanges; fetches work pages for fill announcements)"
Info = Work | Series


@dataclass(frozen=True)
class AO3Config:
    enabled: bool = True
    base_url: str = "https://archiveofourown.org"
    spacing: float = 3.0
    timeout: float = 5.0
    cache_seconds: float = 3600.0
    failure_cache_seconds: float = 300.0
    cache_entries: int = 1_000  # a work's details are a few KB: at most a few MB however many links are posted
    longest_retry_after: float = 900.0
    max_page_bytes: int = 2 * 1024 * 1024  # read no further: the work's preface and tags are at the top

    @classmethod
    def from_environment(cls) -> AO3Config:
        """AO3_LOOKUP (off, 0, false or no turns fetching off) and AO3_BASE_URL, from the process environment."""
        lookup = os.environ.get("AO3_LOOKUP", "on").strip().lower() not in ("0", "off", "false", "no")
        return cls(enabled=lookup, base_url=os.environ.get("AO3_BASE_URL", "").strip() or cls.base_url)


class AO3Client:
    def __init__(self, config: AO3Config, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self._monotonic = monotonic
        self._session: aiohttp.ClientSession | None = None
        self._turns = asyncio.Lock()
        self._next_allowed = 0.0
        # Oldest first: past `cache_entries` the least recently used lookup is forgotten.
        self._cache: OrderedDict[str, tuple[float, Info | None]] = OrderedDict()
        self._in_flight: dict[str, asyncio.Future[Info | None]] = {}
        self.requests_sent = 0

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(headers={"User-Agent": USER_AGENT})

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def lookup(self, link: AO3Link) -> Info | None:
        key = link.path()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > self._monotonic():
            self._cache.move_to_end(key)
            return cached[1]
        pending = self._in_flight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Info | None] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        info: Info | None = None
        try:
            info = await self._fetch(link)
        finally:
            del self._in_flight[key]
            future.set_result(info)
        lifetime = self.config.cache_seconds if info is not None else self.config.failure_cache_seconds
        self._cache[key] = (self._monotonic() + lifetime, info)
        self._cache.move_to_end(key)
        while len(self._cache) > self.config.cache_entries:
            self._cache.popitem(last=False)
        return info

    @property
    def cached_lookups(self) -> int:
        return len(self._cache)

    async def _take_turn(self) -> None:
        async with self._turns:
            delay = self._next_allowed - self._monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next_allowed = self._monotonic() + self.config.spacing

    async def _fetch(self, link: AO3Link) -> Info | None:
        if self._session is None:
            return None
        await self._take_turn()
        url = self.config.base_url.rstrip("/") + link.path()
        self.requests_sent += 1
        try:
            html = await self._get_page(self._session, url)
        except (TimeoutError, aiohttp.ClientError) as error:
            log.warning("AO3 lookup of %s failed (%s); announcing the fill plainly", url, type(error).__name__)
            return None
        if html is None:
            return None
        parse = parse_work if link.page == "work" else parse_series
        try:
            # Off the event loop: a large or hostile page must not stall every other member's interaction.
            return await asyncio.to_thread(parse, html)
        except NotAWork as problem:
            log.warning("AO3 page %s has no readable metadata (%s)", url, problem.reason)
            return None

    async def _get_page(self, session: aiohttp.ClientSession, url: str) -> str | None:
        """The page's text, following redirects only on the archive's own host; None (with a WARNING) otherwise.

        AO3 sends a multi-chapter work's `?view_adult=true` on to its first chapter without the flag and
        relies on a `view_adult` cookie then, which a client keeps for a host name but not for an IP
        address: the cookie goes with every request explicitly.
        """
        archive = urlsplit(self.config.base_url)
        timeout = aiohttp.ClientTimeout(total=self.config.timeout)
        for _ in range(MAX_REDIRECTS + 1):
            async with session.get(url, timeout=timeout, allow_redirects=False, headers=ADULT_COOKIE) as response:
                if response.status in REDIRECTS:
                    target = urljoin(url, response.headers.get("Location", ""))
                    parts = urlsplit(target)
                    if (parts.scheme, parts.netloc) != (archive.scheme, archive.netloc):
                        log.warning("AO3 sent %s to another site (%s); announcing the fill plainly", url, target)
                        return None
                    if parts.path.startswith("/users/login"):
                        log.warning("AO3 work %s is locked to logged-in users; announcing the fill plainly", url)
                        return None
                    url = target
                    continue
                if response.status == 429:
                    self._back_off(response.headers.get("Retry-After"))
                    log.warning("AO3 asked us to slow down (429) for %s", url)
                    return None
                if response.status != 200:
                    log.warning("AO3 answered %s for %s; announcing the fill plainly", response.status, url)
                    return None
                # A work's details come first on its page: the start of a huge (or hostile) page is enough.
                return _decode(await _read_up_to(response, self.config.max_page_bytes), response.charset)
        log.warning("AO3 redirected %s more than %s times; announcing the fill plainly", url, MAX_REDIRECTS)
        return None

    def _back_off(self, retry_after: str | None) -> None:
        try:
            seconds = float(retry_after) if retry_after is not None else self.config.spacing
        except ValueError:
            seconds = self.config.spacing
        seconds = min(max(seconds, 0.0), self.config.longest_retry_after)
        self._next_allowed = max(self._next_allowed, self._monotonic() + seconds)


async def _read_up_to(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """The body until its end or `limit` bytes, whichever comes first (one read() returns only what has arrived)."""
    chunks: list[bytes] = []
    received = 0
    while received < limit:
        chunk = await response.content.read(limit - received)
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def _decode(body: bytes, charset: str | None) -> str:
    """Leniently: a stray invalid byte becomes U+FFFD instead of losing the whole page."""
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", errors="replace")
