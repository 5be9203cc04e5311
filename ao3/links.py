"""Which fill URLs are AO3 works or series."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_AO3_LINK = re.compile(
    r"^https?://(?:www\.)?(?:archiveofourown\.org|archiveofourown\.com|archive\.transformativeworks\.org|ao3\.org)"
    r"(?:/collections/[^/?#]+)?"
    r"/(?P<kind>works|series)/(?P<id>\d+)"
    r"(?:/chapters/\d+)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AO3Link:
    kind: Literal["work", "series"]
    id: int

    def path(self) -> str:
        """Path on the archive to fetch; works skip the adult-content interstitial."""
        if self.kind == "work":
            return f"/works/{self.id}?view_adult=true"
        return f"/series/{self.id}"


def recognise(url: str) -> AO3Link | None:
    match = _AO3_LINK.match(url.strip())
    if match is None:
        return None
    kind: Literal["work", "series"] = "work" if match["kind"].lower() == "works" else "series"
    return AO3Link(kind, int(match["id"]))
