"""The sign-up summary (issue 23): per fandom, how many requests and offers an exchange has, the least offered
first, so members see where an offer is most wanted (AO3's sign-up summary).

Counts over a handful of sign-ups would point at the people behind them, so members see it only from
SUMMARY_MIN_SIGNUPS sign-ups on; moderators, who see every sign-up anyway, always. It never names anyone.
Fandoms are counted as the server knows them: by the exchange's match key (case, accents, punctuation ignored),
named by the approved name, else the name a merge sent it to, else the spelling most sign-ups used.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from db.database import Repository
from db.errors import SummaryTooEarly
from db.exchange_models import Exchange
from db.exchange_rows import _approved, _by_name
from db.fandoms import canonical_name
from db.folding import fandom_match_key, name_key
from db.models import Page

SUMMARY_MIN_SIGNUPS = 5
SUMMARY_PER_PAGE = 20

# Sign-ups that name at least one fandom: an empty sign-up (everything dropped) hides nobody.
COUNTED_SIGNUPS = (
    "SELECT COUNT(*) FROM exchange_signups s WHERE s.exchange_id = ?"
    " AND (EXISTS (SELECT 1 FROM exchange_requests r WHERE r.signup_id = s.id)"
    " OR EXISTS (SELECT 1 FROM exchange_offers o WHERE o.signup_id = s.id))"
)


@dataclass(frozen=True)
class FandomTally:
    fandom: str
    requests: int
    offers: int


@dataclass(frozen=True)
class SignupSummary:
    exchange: Exchange
    signups: int  # sign-ups with at least one request or offer
    requests: int
    offers: int
    fandoms: int  # how many fandoms are named, each counted once

    @property
    def shown_to_members(self) -> bool:
        return self.signups >= SUMMARY_MIN_SIGNUPS


def _tallies(conn: sqlite3.Connection, exchange: Exchange) -> list[FandomTally]:
    spellings: dict[str, Counter[str]] = {}
    counts: dict[str, list[int]] = {}
    for side, kind in enumerate(("requests", "offers")):
        for key, fandom, count in conn.execute(
            f"SELECT w.fandom_key, w.fandom, COUNT(*) FROM exchange_{kind} w"
            " JOIN exchange_signups s ON s.id = w.signup_id WHERE s.exchange_id = ? GROUP BY w.fandom_key, w.fandom",
            (exchange.id,),
        ):
            spellings.setdefault(key, Counter())[fandom] += count
            counts.setdefault(key, [0, 0])[side] += count
    approved = _approved(conn, exchange.id)
    # Synonyms folded: a name a merge sent elsewhere is counted under the name it landed on.
    merged: dict[str, tuple[str, list[int]]] = {}
    for key, (requests, offers) in counts.items():
        most_used = min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]
        name = approved.get(key) or canonical_name(conn, exchange.guild_id, "fandom", most_used)
        folded = fandom_match_key(name)
        _, tally = merged.setdefault(folded, (name, [0, 0]))
        tally[0] += requests
        tally[1] += offers
    found = [FandomTally(name, tally[0], tally[1]) for name, tally in merged.values()]
    # Least offered first (where an offer helps most), then the most requested, then by name.
    return sorted(found, key=lambda t: (t.offers, -t.requests, name_key(t.fandom), t.fandom))


def _summary_page(
    conn: sqlite3.Connection, guild_id: int, name: str | None, moderator: bool, page: int, per_page: int
) -> tuple[SignupSummary, Page[FandomTally]]:
    exchange = _by_name(conn, guild_id, name)
    signups = conn.execute(COUNTED_SIGNUPS, (exchange.id,)).fetchone()[0]
    if signups < SUMMARY_MIN_SIGNUPS and not moderator:
        raise SummaryTooEarly(exchange.name, signups, SUMMARY_MIN_SIGNUPS)
    tallies = _tallies(conn, exchange)
    summary = SignupSummary(
        exchange,
        signups,
        sum(t.requests for t in tallies),
        sum(t.offers for t in tallies),
        len(tallies),
    )
    last = max(0, (len(tallies) - 1) // per_page)
    page = min(max(page, 0), last)
    items = tuple(tallies[page * per_page : (page + 1) * per_page])
    return summary, Page(items=items, total=len(tallies), page=page, per_page=per_page)


class SummaryRepo(Repository):
    async def page(
        self, guild_id: int, name: str | None, *, moderator: bool, page: int = 0, per_page: int = SUMMARY_PER_PAGE
    ) -> tuple[SignupSummary, Page[FandomTally]]:
        """One page of the summary; refused to members below SUMMARY_MIN_SIGNUPS sign-ups."""
        return await self._db.read(_summary_page, guild_id, name, moderator, page, per_page)
