"""Domain refusals: the facts of each refusal as a small dataclass.

The one sentence a member reads for each lives in interactions/refusals.py, which reads these fields
with type checking. Raising one inside a store transaction rolls it back, so a refusal never leaves a
partial change behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.exchange_models import ExchangeAction, Phase
from db.models import PromptStatus


class Refusal(Exception):
    """A request the rules do not allow. Never a bug: answered, not logged."""

    def __str__(self) -> str:
        return repr(self)


class DatabaseTooNew(Exception):
    """The database was written by a newer Promptfill than this one."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"The database is at schema version {found}, but this Promptfill only knows up to {known}. "
            "Upgrade Promptfill before starting it on this database."
        )
        self.found = found
        self.known = known


class DatabaseInUse(Exception):
    """Another Promptfill process holds this database."""

    def __init__(self, database: str) -> None:
        super().__init__(
            f"Another Promptfill is already running on {database} (it holds {database}.lock): "
            "stop it first, or set DATABASE_PATH to a different file."
        )
        self.database = database


class UnusableBackup(Exception):
    """A backup or restore that cannot go ahead; the message is the sentence an operator reads."""


@dataclass(eq=False)
class InvalidField(Refusal):
    field: str
    problem: str


@dataclass(eq=False)
class NothingToChange(Refusal):
    what: str


@dataclass(eq=False)
class NameNotUsed(Refusal):
    """A merge from a fandom that no prompt, request or offer of this server uses."""

    name: str


@dataclass(eq=False)
class SameName(Refusal):
    """A merge of a fandom into itself (the two names fold to one key)."""

    old: str
    new: str


@dataclass(eq=False)
class PromptNotFound(Refusal):
    number: int


@dataclass(eq=False)
class DuplicatePrompt(Refusal):
    existing_number: int


@dataclass(eq=False)
class AnonymousNotAllowed(Refusal):
    pass


@dataclass(eq=False)
class WrongStatus(Refusal):
    """The prompt's status does not allow the action (approve a non-pending prompt, claim a closed one)."""

    number: int
    status: PromptStatus
    action: str


@dataclass(eq=False)
class NotPrompter(Refusal):
    number: int
    action: str


@dataclass(eq=False)
class SecondOwnPrompt(Refusal):
    """A member seconding their own prompt: a second is another member saying they want it too."""

    number: int


@dataclass(eq=False)
class FollowNeedsOneThing(Refusal):
    """/follow or /unfollow with none, or more than one, of fandom, tag, member and prompt."""

    action: str  # "follow" or "unfollow"
    given: int


@dataclass(eq=False)
class AlreadyFollowing(Refusal):
    kind: str  # a FollowKind
    name: str  # the fandom or tag as followed; the member's id; the prompt's number


@dataclass(eq=False)
class NotFollowing(Refusal):
    kind: str
    name: str


@dataclass(eq=False)
class FollowSelf(Refusal):
    """A member following themselves: their own prompts are theirs already."""


@dataclass(eq=False)
class FollowLimitReached(Refusal):
    limit: int


@dataclass(eq=False)
class EditLocked(Refusal):
    number: int


@dataclass(eq=False)
class ExplicitNeedsAgeRestrictedChannel(Refusal):
    number: int


@dataclass(eq=False)
class NotAgeRestricted(Refusal):
    """A channel chosen for Explicit prompts that is not age-restricted."""

    channel_id: int


@dataclass(eq=False)
class OwnPrompt(Refusal):
    number: int
    action: str


@dataclass(eq=False)
class AlreadyClaimed(Refusal):
    number: int


@dataclass(eq=False)
class NoClaimSlot(Refusal):
    number: int
    limit: int


@dataclass(eq=False)
class ClaimLimitReached(Refusal):
    limit: int


@dataclass(eq=False)
class ClaimNotFound(Refusal):
    number: int
    member_id: int
    own: bool


@dataclass(eq=False)
class NotYourReminder(Refusal):
    """An Unclaim button on someone else's reminder (a forwarded or shared message)."""

    number: int


@dataclass(eq=False)
class DuplicateFill(Refusal):
    number: int


@dataclass(eq=False)
class FillNotFound(Refusal):
    number: int
    url: str


@dataclass(eq=False)
class NotYourFill(Refusal):
    number: int
    revealing: bool = False  # /reveal: only its writer may reveal a fill (moderators reveal them all at once)


@dataclass(eq=False)
class AnonymousFillsOff(Refusal):
    """/fill anonymous:true in a server that does not take anonymous fills."""


@dataclass(eq=False)
class FillNotAnonymous(Refusal):
    """/reveal on a fill that already names its writer."""

    number: int


@dataclass(eq=False)
class NothingToDraw(Refusal):
    filters: tuple[str, ...]


@dataclass(eq=False)
class ImportUnreadable(Refusal):
    reason: str


# -- exchanges ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class ExchangeNotFound(Refusal):
    name: str


@dataclass(eq=False)
class ExchangeChoiceNeeded(Refusal):
    """A member left `exchange` out, and the server has none (count 0) or several running."""

    running: int


@dataclass(eq=False)
class ExchangeNameTaken(Refusal):
    name: str


@dataclass(eq=False)
class WrongPhase(Refusal):
    """The exchange's phase does not allow the action (PHASE_ALLOWS); the sentence says what comes next."""

    name: str
    phase: Phase
    action: ExchangeAction


@dataclass(eq=False)
class SignupLimitReached(Refusal):
    kind: str  # "requests" or "offers"
    limit: int


@dataclass(eq=False)
class NominationLimitReached(Refusal):
    limit: int
    name: str  # the exchange
    nominated: tuple[str, ...]  # the member's nominations as they stand, so the refusal can say which to swap


@dataclass(eq=False)
class AlreadyNominated(Refusal):
    fandom: str


@dataclass(eq=False)
class NotNominated(Refusal):
    fandom: str


@dataclass(eq=False)
class FandomNotApproved(Refusal):
    """A request or offer naming a fandom outside the exchange's approved set; `closest`: approved names to offer."""

    name: str
    fandom: str
    closest: tuple[str, ...]


@dataclass(eq=False)
class NoApprovedFandoms(Refusal):
    """Sign-ups cannot open (or a set cannot be reused) while the exchange has no approved fandom."""

    name: str


@dataclass(eq=False)
class NotSignedUp(Refusal):
    name: str
    member_id: int
    own: bool


@dataclass(eq=False)
class SignupItemNotFound(Refusal):
    item: str


@dataclass(eq=False)
class NoAssignment(Refusal):
    name: str
    member_id: int
    own: bool


@dataclass(eq=False)
class SelfAssignment(Refusal):
    pass


@dataclass(eq=False)
class AlreadyGiving(Refusal):
    """The member already owes a gift in this exchange (one each, EXCHANGES.md)."""

    member_id: int
    own: bool


@dataclass(eq=False)
class PinchHitGone(Refusal):
    pass


@dataclass(eq=False)
class OwnPinchHit(Refusal):
    pass


@dataclass(eq=False)
class NotDefaulted(Refusal):
    member_id: int


@dataclass(eq=False)
class MatchIncomplete(Refusal):
    """/exchange send while complete sign-ups lack a giver or a recipient."""

    without_giver: tuple[int, ...]
    without_recipient: tuple[int, ...]


@dataclass(eq=False)
class InvalidCounts(Refusal):
    detail: str


# -- letters and the sign-up summary ---------------------------------------------------------------------------


@dataclass(eq=False)
class SummaryTooEarly(Refusal):
    """Fewer sign-ups than the summary needs: counts over so few would point at the people behind them."""

    name: str
    signups: int
    needed: int


# -- do-not-match lists and anonymous questions (issue 23) --------------------------------------------------


@dataclass(eq=False)
class AvoidSelf(Refusal):
    """A member putting themselves on their own do-not-match list."""


@dataclass(eq=False)
class AvoidLimitReached(Refusal):
    limit: int


@dataclass(eq=False)
class NotAvoided(Refusal):
    """Taking off the do-not-match list a member who is not on it."""

    member_id: int


@dataclass(eq=False)
class AvoidNeedsMember(Refusal):
    """`remove` given without the member to take off the list."""


@dataclass(eq=False)
class NoGiverToMessage(Refusal):
    """A recipient writing to their giver when nobody writes for them (never matched), or when their giver
    gave the assignment up and no pinch hitter has taken it yet (`waiting`)."""

    name: str
    waiting: bool


@dataclass(eq=False)
class MessageLimitReached(Refusal):
    """More anonymous messages in one exchange within a day than a member may send."""

    limit: int
