"""What the matcher reads and returns (EXCHANGES.md, "Matching"): plain records, no solver.

Kept apart from `db.matching` so the repositories and the cogs can name these types without loading numpy
and scipy, which only the worker that runs a match needs (`db.match_worker`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MatchRule = Literal["fandom", "fandom_and_tag", "any"]


@dataclass(frozen=True)
class Wish:
    """A request (what a recipient would like) or an offer (what a giver will write), as matching sees it."""

    fandom_key: str
    tag_keys: frozenset[str]


@dataclass(frozen=True)
class Participant:
    member_id: int
    requests: tuple[Wish, ...]
    offers: tuple[Wish, ...]


@dataclass(frozen=True)
class Match:
    pairs: tuple[tuple[int, int], ...]  # (giver, recipient) member ids
    unmatched: tuple[int, ...]  # participants without a recipient or without a giver
    mutual_pairs: int
    without_compatible_giver: int  # recipients no participant could write for at all

    @property
    def matched(self) -> int:
        return len(self.pairs)
