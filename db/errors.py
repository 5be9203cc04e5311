"""Domain refusals.

Each exception carries the facts of one refusal; cogs/errors.py turns them into the sentence a member
reads. Raising one inside a store transaction rolls the transaction back, so a refusal never leaves a
partial change behind.
"""

from __future__ import annotations


class Refusal(Exception):
    """A request the rules do not allow. Never a bug: answered, not logged."""


class DatabaseTooNew(Exception):
    """The database was written by a newer Promptfill than this one."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"The database is at schema version {found}, but this Promptfill only knows up to {known}. "
            "Upgrade Promptfill before starting it on this database."
        )
        self.found = found
        self.known = known


class InvalidField(Refusal):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class NothingToChange(Refusal):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class PromptNotFound(Refusal):
    def __init__(self, number: int) -> None:
        super().__init__(f"prompt #{number} not found")
        self.number = number


class DuplicatePrompt(Refusal):
    def __init__(self, existing_number: int) -> None:
        super().__init__(f"duplicate of #{existing_number}")
        self.existing_number = existing_number


class AnonymousNotAllowed(Refusal):
    pass


class WrongStatus(Refusal):
    """The prompt's status does not allow the action (approve a non-pending prompt, claim a closed one)."""

    def __init__(self, number: int, status: str, action: str) -> None:
        super().__init__(f"#{number} is {status}; cannot {action}")
        self.number = number
        self.status = status
        self.action = action


class NotPrompter(Refusal):
    def __init__(self, number: int, action: str) -> None:
        super().__init__(f"not the prompter of #{number}; cannot {action}")
        self.number = number
        self.action = action


class EditLocked(Refusal):
    def __init__(self, number: int) -> None:
        super().__init__(f"#{number} is claimed or filled")
        self.number = number


class ExplicitNeedsAgeRestrictedChannel(Refusal):
    def __init__(self, number: int) -> None:
        super().__init__(f"#{number} is rated E")
        self.number = number


class OwnPrompt(Refusal):
    def __init__(self, number: int, action: str) -> None:
        super().__init__(f"#{number} is your own prompt; cannot {action}")
        self.number = number
        self.action = action


class AlreadyClaimed(Refusal):
    def __init__(self, number: int) -> None:
        super().__init__(f"already claimed #{number}")
        self.number = number


class NoClaimSlot(Refusal):
    def __init__(self, number: int, limit: int) -> None:
        super().__init__(f"#{number} has no free claim slot")
        self.number = number
        self.limit = limit


class ClaimLimitReached(Refusal):
    def __init__(self, limit: int) -> None:
        super().__init__(f"claim limit {limit} reached")
        self.limit = limit


class ClaimNotFound(Refusal):
    def __init__(self, number: int, member_id: int, *, own: bool) -> None:
        super().__init__(f"no active claim on #{number}")
        self.number = number
        self.member_id = member_id
        self.own = own


class DuplicateFill(Refusal):
    def __init__(self, number: int) -> None:
        super().__init__(f"this URL already fills #{number}")
        self.number = number


class NothingToDraw(Refusal):
    def __init__(self, filters: list[str]) -> None:
        super().__init__("nothing to draw")
        self.filters = filters


class ImportUnreadable(Refusal):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
