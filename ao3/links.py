"""Which fill URLs are AO3 works or series, in every form AO3 itself uses for them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

# The archive's own names for itself; each may carry www., secure. or insecure. in front.
ARCHIVE_DOMAINS = frozenset(
    {
        "archiveofourown.org",
        "archiveofourown.com",
        "archiveofourown.net",
        "archiveofourown.gay",
        "archive.transformativeworks.org",
        "ao3.org",
    }
)
_SUBDOMAINS = ("www.", "secure.", "insecure.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WORK_PATH = re.compile(
    r"^(?:/collections/[^/]+)?"
    r"(?:/(?P<work_kind>works)/(?P<work>\d+)(?:/chapters/\d+|/navigate|/bookmarks|/kudos)?"
    r"|/(?P<series_kind>series)/(?P<series>\d+)"
    r"|/(?P<chapter_kind>chapters)/(?P<chapter>\d+))"
    r"/?$",
    re.IGNORECASE,
)

Kind = Literal["work", "series", "chapter"]


@dataclass(frozen=True)
class AO3Link:
    """A work, a series, or a bare chapter (`/chapters/N`, which AO3 redirects to its work's chapter page)."""

    kind: Kind
    id: int

    def path(self) -> str:
        """Path on the archive to fetch; works and chapters skip the adult-content notice."""
        if self.kind == "work":
            return f"/works/{self.id}?view_adult=true"
        if self.kind == "chapter":
            return f"/chapters/{self.id}?view_adult=true"
        return f"/series/{self.id}"

    @property
    def page(self) -> Literal["work", "series"]:
        """Which kind of page the fetch ends on."""
        return "series" if self.kind == "series" else "work"


def is_archive_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    for prefix in _SUBDOMAINS:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    return host in ARCHIVE_DOMAINS


def recognise(url: str) -> AO3Link | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a malformed host or port, such as http://[oops
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or parts.username is not None or parts.password is not None:
        return None
    if not is_archive_host(parts.hostname or "") or port not in (None, _DEFAULT_PORTS[scheme]):
        return None
    match = _WORK_PATH.match(unquote(parts.path))
    if match is None:
        return None
    if match["work"]:
        return AO3Link("work", int(match["work"]))
    if match["series"]:
        return AO3Link("series", int(match["series"]))
    return AO3Link("chapter", int(match["chapter"]))
