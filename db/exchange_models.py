"""Exchange rounds as the rest of the code sees them, and the secrecy rule (EXCHANGES.md, "Rules").

Secrecy lives here and nowhere else: every renderer asks `Secrecy` whether it may show a giver, a gift
or a sign-up to the member reading, as prompt anonymity is asked of `Viewer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from db.match_types import MatchRule
from db.models import Rating, Viewer

Phase = Literal["nominations", "signups", "closed", "assigned", "works revealed", "complete"]
# In order; "nominations" only for an exchange created with nominations (its fandoms are approved first).
PHASES: tuple[Phase, ...] = ("nominations", "signups", "closed", "assigned", "works revealed", "complete")
MATCH_RULES: tuple[MatchRule, ...] = ("fandom", "fandom_and_tag", "any")
SendState = Literal["unsent", "sending", "delivered", "refused", "unknown"]
DETAILS_MAX = 4000
NAME_MAX = 50
COUNT_MIN, COUNT_MAX = 1, 10
REMIND_BEFORE_DAYS = 3


@dataclass(frozen=True)
class ExchangeSettings:
    """What /exchange create sets and /exchange edit changes; None in an edit leaves it as it is."""

    requests_min: int = 1
    requests_max: int = 3
    offers_min: int = 1
    offers_max: int = 5
    match_rule: MatchRule = "fandom"
    due_at: int | None = None
    reveal_at: int | None = None
    channel_id: int | None = None
    nominations_max: int | None = None  # fandoms each member may nominate; None: no nominations phase


@dataclass(frozen=True)
class Exchange:
    id: int
    guild_id: int
    name: str
    phase: Phase
    settings: ExchangeSettings
    created_by: int
    created_at: int
    reveal_channel_id: int | None

    @property
    def sent(self) -> bool:
        """Assignments have gone out: from here on the match is fixed."""
        return PHASES.index(self.phase) >= PHASES.index("assigned")


@dataclass(frozen=True)
class ExchangeRequest:
    id: int
    fandom: str
    tags: tuple[str, ...]
    details: str | None
    rating: Rating | None


@dataclass(frozen=True)
class ExchangeOffer:
    id: int
    fandom: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Signup:
    member_id: int
    requests: tuple[ExchangeRequest, ...]
    offers: tuple[ExchangeOffer, ...]
    requests_min: int
    offers_min: int

    @property
    def complete(self) -> bool:
        return len(self.requests) >= self.requests_min and len(self.offers) >= self.offers_min


@dataclass(frozen=True)
class Gift:
    id: int
    recipient_id: int
    giver_id: int
    url: str
    title: str | None
    notes: str | None
    channel_id: int | None
    message_id: int | None


@dataclass(frozen=True)
class Assignment:
    id: int
    recipient_id: int
    giver_id: int | None  # None: the giver defaulted, a pinch hit is needed
    defaulted_by: int | None
    send_state: SendState
    gift: Gift | None = None

    @property
    def needs_pinch_hit(self) -> bool:
        return self.giver_id is None


@dataclass(frozen=True)
class ExchangeStatus:
    exchange: Exchange
    signups: int
    complete_signups: int
    assignments: int
    gifts: int
    defaults: int
    open_pinch_hits: int
    unmatched: tuple[int, ...]  # complete sign-ups without a giver (before sending, or without a recipient)
    givers_without_gift: tuple[int, ...]  # moderators only
    needs_pinch_hit: tuple[int, ...] = ()  # recipients whose giver defaulted (moderators only)


@dataclass(frozen=True)
class NominatedFandom:
    """One fandom of an exchange's nominations, as moderators review it (nominators are never named)."""

    key: str
    name: str
    nominations: int
    approved: bool | None  # None: not decided yet


@dataclass(frozen=True)
class Secrecy:
    """Who may see what in an exchange. Moderators see everything; the rest is EXCHANGES.md's rule."""

    viewer: Viewer

    def sees_signup(self, member_id: int) -> bool:
        return self.viewer.is_moderator or self.viewer.is_member(member_id)

    def sees_giver(self, exchange: Exchange, giver_id: int | None) -> bool:
        """A giver is named to moderators, to the giver, and to everyone once creators are revealed."""
        if giver_id is None:
            return False
        return self.viewer.is_moderator or self.viewer.is_member(giver_id) or exchange.phase == "complete"

    def sees_gift(self, exchange: Exchange, gift: Gift) -> bool:
        """A gift is shown to its giver and moderators, to everyone once works are revealed."""
        revealed = exchange.phase in ("works revealed", "complete")
        return revealed or self.viewer.is_moderator or self.viewer.is_member(gift.giver_id)

    @property
    def sees_everyone(self) -> bool:
        """Names of unmatched participants and givers without a gift (status): moderators only."""
        return self.viewer.is_moderator
