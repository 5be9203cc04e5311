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
class PairRules:
    """What the matcher must know about pairs of members, beyond their wishes (issue 23).

    `avoid`: (member, avoided member) from do-not-match lists; the two are never paired, either way.
    `earlier`: (giver, recipient) pairs of the server's earlier exchanges; repeated only when no assignment as
    good in matched recipients and mutual pairs avoids them (then the fewest), before compatibility counts."""

    avoid: frozenset[tuple[int, int]] = frozenset()
    earlier: frozenset[tuple[int, int]] = frozenset()


NO_PAIR_RULES = PairRules()


@dataclass(frozen=True)
class Match:
    pairs: tuple[tuple[int, int], ...]  # (giver, recipient) member ids
    unmatched: tuple[int, ...]  # participants without a recipient or without a giver
    mutual_pairs: int
    without_compatible_giver: int  # recipients no participant could write for at all
    repeated_pairs: int = 0  # pairs that repeat a giver->recipient pair of an earlier exchange

    @property
    def matched(self) -> int:
        return len(self.pairs)
