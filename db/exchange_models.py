"""Exchange rounds as the rest of the code sees them, and the secrecy rule (EXCHANGES.md, "Rules").

Secrecy lives here and nowhere else: every renderer asks `Secrecy` whether it may show a giver, a gift
or a sign-up to the member reading, as prompt anonymity is asked of `Viewer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from db.match_types import MatchRule
from db.models import Rating, Viewer

Phase = Literal["nominations", "signups", "closed", "assigned", "works revealed", "complete"]
# In order; "nominations" only for an exchange created with nominations (its fandoms are approved first).
PHASES: tuple[Phase, ...] = get_args(Phase)
NOMINATIONS, SIGNUPS, CLOSED, ASSIGNED, WORKS_REVEALED, COMPLETE = PHASES
# Assignments have gone out: from here on the match is fixed (Exchange.sent, and the outbox's SQL).
SENT_PHASES: tuple[Phase, ...] = PHASES[PHASES.index(ASSIGNED) :]
# The gifts are public (each to everyone, its creator still hidden until the last phase).
REVEALED_PHASES: tuple[Phase, ...] = (WORKS_REVEALED, COMPLETE)
# Running: every phase but the last. A member's command without `exchange` picks the one running exchange.
RUNNING_PHASES: tuple[Phase, ...] = PHASES[:-1]

# What members and moderators do to an exchange, and the phases that allow each: the one table of it (as the
# prompt statuses' on db/models.py). A refusal names the action in words (interactions/refusals.py).
ExchangeAction = Literal[
    "nominate",
    "withdraw a nomination",
    "decide nominations",
    "request",
    "offer",
    "change a sign-up",
    "leave",
    "write a letter",
    "open sign-ups",
    "close sign-ups",
    "set the closing date",
    "change the rules",
    "match",
    "assign",
    "unassign",
    "send",
    "see an assignment",
    "post a gift",
    "give up",
    "restore",
    "see pinch hits",
    "take a pinch hit",
    "reveal works",
    "reveal creators",
    "remove",
    "change a do-not-match list",
    "send a message",
]
PHASE_ALLOWS: dict[ExchangeAction, tuple[Phase, ...]] = {
    "nominate": (NOMINATIONS,),
    "withdraw a nomination": (NOMINATIONS,),
    "decide nominations": (NOMINATIONS,),
    "request": (SIGNUPS,),
    "offer": (SIGNUPS,),
    "change a sign-up": (SIGNUPS,),
    "leave": (SIGNUPS,),
    "write a letter": (SIGNUPS, CLOSED),  # a letter changes until assignments go: then the giver has it as it is
    "open sign-ups": (NOMINATIONS, CLOSED),  # the first opening after nominations, or again after a close
    "close sign-ups": (SIGNUPS,),
    "set the closing date": (NOMINATIONS, SIGNUPS),  # signups_close: sign-ups close by themselves on it
    "change the rules": (NOMINATIONS, SIGNUPS, CLOSED),  # the match rule and the counts, until assignments go
    "match": (CLOSED,),
    "assign": (CLOSED, ASSIGNED),
    "unassign": (CLOSED, ASSIGNED),
    "send": (CLOSED,),
    "see an assignment": SENT_PHASES,
    "post a gift": (ASSIGNED,),
    "give up": (ASSIGNED,),
    "restore": (ASSIGNED,),
    "see pinch hits": SENT_PHASES,
    "take a pinch hit": (ASSIGNED,),
    "reveal works": (ASSIGNED,),
    "reveal creators": (WORKS_REVEALED,),
    "remove": (SIGNUPS, CLOSED, ASSIGNED),
    # Like the sign-up it belongs to: the match is made from the lists members saw (issue 23).
    "change a do-not-match list": (SIGNUPS,),
    # Anonymous questions: from the sending of assignments until creators are revealed (then givers are known).
    "send a message": (ASSIGNED, WORKS_REVEALED),
}
# The actions that move an exchange on, and the phase each leads to (from any phase the table allows it in).
PHASE_AFTER: dict[ExchangeAction, Phase] = {
    "open sign-ups": SIGNUPS,
    "close sign-ups": CLOSED,
    "send": ASSIGNED,
    "reveal works": WORKS_REVEALED,
    "reveal creators": COMPLETE,
}

SendState = Literal["unsent", "sending", "delivered", "refused", "unknown"]
UNSENT, SENDING, DELIVERED, REFUSED, UNKNOWN = get_args(SendState)
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
    signups_close_at: int | None = None  # sign-ups close by themselves then (the sweep); None: by a moderator


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
        return self.phase in SENT_PHASES

    def allows(self, action: ExchangeAction) -> bool:
        return self.phase in PHASE_ALLOWS[action]


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
    revealed_gifts: tuple[Gift, ...] = ()  # once works are revealed: the first gifts, in the order posted


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
        revealed = exchange.phase in REVEALED_PHASES
        return revealed or self.viewer.is_moderator or self.viewer.is_member(gift.giver_id)

    @property
    def sees_everyone(self) -> bool:
        """Names of unmatched participants and givers without a gift (status): moderators only."""
        return self.viewer.is_moderator
