"""Reading AO3 pages with BeautifulSoup. Anything unexpected becomes NotAWork, never an exception elsewhere."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, NavigableString


class NotAWork(Exception):
    """The page holds no readable metadata: locked, unrevealed, or markup we do not recognise."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Work:
    title: str
    authors: tuple[str, ...]
    summary: str | None
    rating: tuple[str, ...]
    warnings: tuple[str, ...]
    categories: tuple[str, ...]
    fandoms: tuple[str, ...]
    relationships: tuple[str, ...]
    characters: tuple[str, ...]
    freeforms: tuple[str, ...]
    language: str | None
    series: tuple[str, ...]
    words: str | None
    chapters: str | None
    published: str | None
    status: str | None
    kudos: str | None
    hits: str | None
    # AO3 logins linked from the byline ("Alias (anafabula)" is anafabula's); empty when no account is named
    # (an Anonymous byline, an imported work's original creator), so it cannot be checked.
    accounts: tuple[str, ...] = ()

    @property
    def explicit(self) -> bool:
        return any(r.strip().lower() == "explicit" for r in self.rating)


@dataclass(frozen=True)
class Series:
    title: str
    authors: tuple[str, ...]
    works: str | None
    summary: str | None
    accounts: tuple[str, ...] = ()


def _text(node: Tag | None) -> str | None:
    if node is None:
        return None
    value = " ".join(node.get_text(" ", strip=True).split())
    return value or None


def _tags(meta: Tag, css_class: str) -> tuple[str, ...]:
    holder = meta.select_one(f"dd.{css_class}.tags")
    if holder is None:
        return ()
    return tuple(t for t in (_text(a) for a in holder.select("a.tag")) if t)


_BLOCKS = frozenset(
    {"p", "div", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "table", "tr"}
)
_USER_PATH = re.compile(r"^/users/([^/]+)/")


def _rich_text(block: Tag) -> str | None:
    """Text as AO3 shows it: inline markup joins its words without extra spaces, <br> is a line break and each
    paragraph (or other block) is separated by a blank line, ready for Discord."""
    parts: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                parts.append(re.sub(r"\s+", " ", str(child)))
            elif isinstance(child, Tag):
                if child.name == "br":
                    parts.append("\n")
                elif child.name in _BLOCKS:
                    parts.append("\n\n")
                    walk(child)
                    parts.append("\n\n")
                else:
                    walk(child)

    walk(block)
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text or None


def _summary(scope: Tag) -> str | None:
    block = scope.select_one("div.summary.module blockquote.userstuff")
    return _rich_text(block) if block is not None else None


def _byline(byline: Tag | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(authors as shown, linked AO3 logins). An unlinked byline is AO3's "Anonymous"; an imported work reads
    "Jane Writer [archived by open_doors]" and its creator has no account here."""
    if byline is None:
        return (), ()
    links = byline.select("a[rel=author]")
    shown = " ".join((_rich_text(byline) or "").split()) or None
    if shown is not None and "[archived by" in shown:
        return (shown,), ()
    authors = tuple(a for a in (_text(x) for x in links) if a)
    if not authors:
        return (("Anonymous",), ()) if shown and shown.lower() == "anonymous" else ((), ())
    logins = []
    for link in links:
        found = _USER_PATH.match(str(link.get("href") or ""))
        if found and found.group(1) not in logins:
            logins.append(found.group(1))
    return authors, tuple(logins)


def parse_work(html: str) -> Work:
    soup = BeautifulSoup(html, "html.parser")
    preface = soup.select_one("div.preface.group")
    title = _text(preface.select_one("h2.title.heading")) if preface else None
    if preface is None or title is None:
        if "mystery work" in soup.get_text(" ").lower():
            raise NotAWork("an unrevealed (mystery) work")
        raise NotAWork("no work preface found: the page's markup is not what we expect")
    authors, accounts = _byline(preface.select_one("h3.byline.heading"))
    meta = soup.select_one("dl.work.meta.group")
    if meta is None:
        raise NotAWork("no work metadata found")
    stats = meta.select_one("dl.stats") or soup.select_one("dl.stats")

    def stat(name: str) -> str | None:
        return _text(stats.select_one(f"dd.{name}")) if stats is not None else None

    series = tuple(s for s in (_text(span) for span in meta.select("dd.series span.position")) if s)
    return Work(
        title=title,
        authors=authors,
        summary=_summary(preface),
        rating=_tags(meta, "rating"),
        warnings=_tags(meta, "warning"),
        categories=_tags(meta, "category"),
        fandoms=_tags(meta, "fandom"),
        relationships=_tags(meta, "relationship"),
        characters=_tags(meta, "character"),
        freeforms=_tags(meta, "freeform"),
        language=_text(meta.select_one("dd.language")),
        series=series,
        words=stat("words"),
        chapters=stat("chapters"),
        published=stat("published"),
        status=stat("status"),
        kudos=stat("kudos"),
        hits=stat("hits"),
        accounts=accounts,
    )


def parse_series(html: str) -> Series:
    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one("div#main") or soup
    title = _text(main.select_one("h2.heading"))
    meta = main.select_one("dl.series.meta.group")
    if title is None or meta is None:
        raise NotAWork("no series metadata found: the page's markup is not what we expect")
    creator = next(
        (dt.find_next_sibling("dd") for dt in meta.find_all("dt") if (_text(dt) or "").startswith("Creator")), None
    )
    authors, accounts = _byline(creator if isinstance(creator, Tag) else None)
    stats = meta.select_one("dl.stats")
    works = _text(stats.select_one("dd.works")) if stats is not None else None
    summary_block = meta.select_one("blockquote.userstuff")
    summary = _rich_text(summary_block) if summary_block is not None else None
    return Series(title=title, authors=authors, works=works, summary=summary, accounts=accounts)
