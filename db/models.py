"""What the store returns: plain, immutable records. Cogs never see rows or cursors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Literal, TypeVar

T = TypeVar("T")

PromptStatus = Literal["pending", "open", "filled", "closed", "rejected"]
ClaimStatus = Literal["active", "dropped", "expired", "released", "filled"]
Rating = Literal["G", "T", "M", "E", "NR"]

PROMPT_STATUSES: tuple[PromptStatus, ...] = ("pending", "open", "filled", "closed", "rejected")
RATINGS: tuple[Rating, ...] = ("G", "T", "M", "E", "NR")
RATING_NAMES: dict[str, str] = {
    "G": "General Audiences",
    "T": "Teen And Up Audiences",
    "M": "Mature",
    "E": "Explicit",
    "NR": "Not Rated",
}
CLAIMABLE_STATUSES: tuple[PromptStatus, ...] = ("open", "filled")


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    prompts_channel_id: int | None = None
    fills_channel_id: int | None = None
    log_channel_id: int | None = None
    moderator_role_id: int | None = None
    require_approval: bool = False
    claims_per_member: int = 3
    claims_per_prompt: int = 1
    claim_days: int = 14
    allow_anonymous: bool = True


SETTING_NAMES: tuple[str, ...] = (
    "prompts_channel",
    "fills_channel",
    "log_channel",
    "moderator_role",
    "require_approval",
    "claims_per_member",
    "claims_per_prompt",
    "claim_days",
    "allow_anonymous",
)


@dataclass(frozen=True)
class Prompt:
    id: int
    guild_id: int
    number: int
    author_id: int
    anonymous: bool
    status: PromptStatus
    rating: Rating
    text: str
    title: str | None
    fandom: str | None
    tags: tuple[str, ...]
    active_claims: int
    fill_count: int
    created_at: datetime
    message_channel_id: int | None = None
    message_id: int | None = None

    @property
    def explicit(self) -> bool:
        return self.rating == "E"

    @property
    def claimable(self) -> bool:
        return self.status in CLAIMABLE_STATUSES


@dataclass(frozen=True)
class PromptDraft:
    """A validated submission, not yet stored (no number yet)."""

    text: str
    title: str | None
    fandom: str | None
    tags: tuple[str, ...]
    rating: Rating
    anonymous: bool


@dataclass(frozen=True)
class Claim:
    id: int
    guild_id: int
    prompt_id: int
    prompt_number: int
    member_id: int
    status: ClaimStatus
    claimed_at: datetime
    deadline: datetime | None
    reminded: bool
    ended_at: datetime | None


@dataclass(frozen=True)
class Fill:
    id: int
    guild_id: int
    prompt_id: int
    prompt_number: int
    member_id: int
    url: str
    title: str | None
    notes: str | None
    created_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    id: int
    guild_id: int
    actor_id: int
    action: str
    prompt_number: int | None
    target_id: int | None
    detail: str | None
    created_at: datetime


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    page: int
    per_page: int
    capped: bool = False  # total stopped counting: there are more than `total`

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.per_page))
