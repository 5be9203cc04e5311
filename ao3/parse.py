"""Reading AO3 pages with BeautifulSoup. Anything unexpected becomes NotAWork, never an exception elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag


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

    @property
    def explicit(self) -> bool:
        return any(r.strip().lower() == "explicit" for r in self.rating)


@dataclass(frozen=True)
class Series:
    title: str
    authors: tuple[str, ...]
    works: str | None
    summary: str | None


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


def _summary(scope: Tag) -> str | None:
    block = scope.select_one("div.summary.module blockquote.userstuff")
    if block is None:
        return None
    paragraphs = [_text(p) for p in block.find_all("p")] or [_text(block)]
    joined = "\n\n".join(p for p in paragraphs if p)
    return joined or None


def parse_work(html: str) -> Work:
    soup = BeautifulSoup(html, "html.parser")
    preface = soup.select_one("div.preface.group")
    title = _text(preface.select_one("h2.title.heading")) if preface else None
    if preface is None or title is None:
        if "mystery work" in soup.get_text(" ").lower():
            raise NotAWork("an unrevealed (mystery) work")
        raise NotAWork("no work preface found: the page's markup is not what we expect")
    byline = preface.select_one("h3.byline.heading")
    authors = tuple(a for a in (_text(x) for x in preface.select("h3.byline.heading a[rel=author]")) if a)
    if not authors and byline is not None and "anonymous" in (byline.get_text(" ") or "").lower():
        authors = ("Anonymous",)
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
    )


def parse_series(html: str) -> Series:
    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one("div#main") or soup
    title = _text(main.select_one("h2.heading"))
    meta = main.select_one("dl.series.meta.group")
    if title is None or meta is None:
        raise NotAWork("no series metadata found: the page's markup is not what we expect")
    authors = tuple(a for a in (_text(x) for x in meta.select("a[rel=author]")) if a)
    stats = meta.select_one("dl.stats")
    works = _text(stats.select_one("dd.works")) if stats is not None else None
    summary_block = meta.select_one("blockquote.userstuff")
    return Series(title=title, authors=authors, works=works, summary=_text(summary_block))
