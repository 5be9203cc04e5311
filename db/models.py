"""What the store returns: plain, immutable records. Cogs never see rows or cursors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Literal, TypeVar, get_args

T = TypeVar("T")

PromptStatus = Literal["pending", "open", "filled", "closed", "rejected"]
ClaimStatus = Literal["active", "dropped", "expired", "released", "filled"]
Rating = Literal["G", "T", "M", "E", "NR"]
FillStatus = Literal["complete", "in progress"]  # /fill status: a finished work, or a work in progress
ListSort = Literal["newest", "seconded"]  # /prompt list: newest first, or most seconded (most wanted) first
FollowKind = Literal["fandom", "tag", "member", "prompt"]  # what /follow takes: exactly one of these

PROMPT_STATUSES: tuple[PromptStatus, ...] = ("pending", "open", "filled", "closed", "rejected")
RATINGS: tuple[Rating, ...] = ("G", "T", "M", "E", "NR")
LIST_SORT_NAMES: tuple[ListSort, ...] = get_args(ListSort)
FILL_STATUSES: tuple[FillStatus, ...] = get_args(FillStatus)
FOLLOW_KINDS: tuple[FollowKind, ...] = get_args(FollowKind)
RATING_NAMES: dict[str, str] = {
    "G": "General Audiences",
    "T": "Teen And Up Audiences",
    "M": "Mature",
    "E": "Explicit",
    "NR": "Not Rated",
}
# Every member sees these; a pending or rejected prompt only its prompter and moderators.
MEMBER_VISIBLE_STATUSES: tuple[PromptStatus, ...] = ("open", "filled", "closed")
# A prompt in one of these takes claims and fills.
CLAIMABLE_STATUSES: tuple[PromptStatus, ...] = ("open", "filled")
# Its prompter may still edit a prompt in one of these while nobody claimed or filled it.
PROMPTER_EDITABLE_STATUSES: tuple[PromptStatus, ...] = ("pending", "open")
# Members may second a prompt in one of these (a filled one too: a second says "I want another fill").
SECONDABLE_STATUSES: tuple[PromptStatus, ...] = ("open", "filled")


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    prompts_channel_id: int | None = None
    fills_channel_id: int | None = None
    log_channel_id: int | None = None
    explicit_channel_id: int | None = None  # age-restricted: where Explicit prompts are posted, text and all
    moderator_role_id: int | None = None
    require_approval: bool = False
    claims_per_member: int = 3
    claims_per_prompt: int = 1
    claim_days: int = 14
    allow_anonymous: bool = True
    anonymous_fills: bool = True  # members may share a fill without their name (/fill anonymous)

    def posts_channel_for(self, prompt: Prompt) -> int | None:
        """Where a prompt is posted: an Explicit one in the age-restricted channel for them, when one is set."""
        if prompt.explicit and self.explicit_channel_id is not None:
            return self.explicit_channel_id
        return self.prompts_channel_id


SettingName = Literal[
    "prompts_channel",
    "fills_channel",
    "log_channel",
    "explicit_channel",
    "moderator_role",
    "require_approval",
    "claims_per_member",
    "claims_per_prompt",
    "claim_days",
    "allow_anonymous",
    "anonymous_fills",
]
SETTING_NAMES: tuple[SettingName, ...] = get_args(SettingName)
# Setting name (as /settings calls it) -> the GuildSettings field and guild_settings column.
SETTING_COLUMNS: dict[SettingName, str] = {
    name: f"{name}_id" if name.endswith(("_channel", "_role")) else name for name in SETTING_NAMES
}
SettingValue = int | bool | None


def named_settings(settings: GuildSettings) -> dict[SettingName, SettingValue]:
    """Settings keyed by the names /settings uses."""
    return {name: getattr(settings, column) for name, column in SETTING_COLUMNS.items()}


@dataclass(frozen=True)
class Prompt:
    id: int
    guild_id: int
    number: int
    author_id: int | None  # None: imported without a prompter (credited to nobody, pinged for nothing)
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
    seconds: int = 0  # members who seconded it ("I want this too"); who they are only moderators see

    @property
    def explicit(self) -> bool:
        return self.rating == "E"

    @property
    def claimable(self) -> bool:
        return self.status in CLAIMABLE_STATUSES

    @property
    def imported(self) -> bool:
        """Imported from a file that named no prompter: nobody is credited, told or pinged for it."""
        return self.author_id is None


@dataclass(frozen=True)
class Viewer:
    """Who is looking or acting, and where. Every rule about what a member may see or does as a moderator."""

    member_id: int
    is_moderator: bool = False
    age_restricted_channel: bool = False

    @classmethod
    def channel_reader(cls, *, age_restricted: bool) -> Viewer:
        """Anyone reading a channel post: no member in particular, never a moderator."""
        return cls(member_id=0, age_restricted_channel=age_restricted)

    def is_member(self, member_id: int) -> bool:
        return self.member_id == member_id

    def owns(self, prompt: Prompt) -> bool:
        return prompt.author_id is not None and prompt.author_id == self.member_id

    def may_see(self, prompt: Prompt) -> bool:
        """Whether the prompt exists for this viewer at all (its rating aside)."""
        return prompt.status in MEMBER_VISIBLE_STATUSES or self.is_moderator or self.owns(prompt)

    def reads_text(self, prompt: Prompt, *, private: bool = False) -> bool:
        """Whether the prompt's text is shown here (Explicit ones only in age-restricted channels, or in a private
        answer to the prompter who wrote it): a Claim button under a prompt nobody can read there would lead
        nowhere."""
        return not prompt.explicit or self.age_restricted_channel or (private and self.owns(prompt))

    def acts_as_moderator_on(self, prompt: Prompt) -> bool:
        """Acting on someone else's prompt: only a moderator may, and it is logged as a moderator action."""
        return not self.owns(prompt)

    def reply_is_private(self, prompt: Prompt, fills: Iterable[Fill] = ()) -> bool:
        """Whether an answer showing this prompt must be private: a hidden prompt, or a moderator shown a
        prompter who posted anonymously, the members who seconded it or the writer of an anonymous fill."""
        return prompt.status not in MEMBER_VISIBLE_STATUSES or (
            self.is_moderator and (prompt.anonymous or prompt.seconds > 0 or any(f.anonymous for f in fills))
        )

    def sees_seconders(self, *, private: bool) -> bool:
        """Whether the members who seconded a prompt are named: only to a moderator, in a private answer; everyone
        else sees how many."""
        return private and self.is_moderator

    def may_second(self, prompt: Prompt) -> bool:
        """Whether the prompt takes seconds now (its status), whoever asks; one's own prompt is refused apart."""
        return prompt.status in SECONDABLE_STATUSES

    def sees_filler(self, fill: Fill, *, private: bool) -> bool:
        """Whether a fill's writer is named: always for a named fill; for an anonymous one only in a private answer
        to its writer or a moderator (a public answer is read by everyone in the channel)."""
        return not fill.anonymous or (private and (self.is_moderator or self.is_member(fill.member_id)))

    def sees_prompter(self, prompt: Prompt, *, private: bool) -> bool:
        """Whether the prompter is named: always for a named prompt; for an anonymous one only in a private
        answer to its prompter or a moderator."""
        return not prompt.anonymous or (private and (self.is_moderator or self.owns(prompt)))


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
class PromptEdit:
    """Validated changes to a prompt; None leaves a field as it is."""

    text: str | None = None
    title: str | None = None
    fandom: str | None = None
    tags: tuple[str, ...] | None = None
    rating: Rating | None = None

    def given(self) -> list[str]:
        return [name for name in ("text", "title", "fandom", "tags", "rating") if getattr(self, name) is not None]


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
    # Where the announcement was posted (None for fills recorded before version 2, or never announced).
    message_channel_id: int | None = None
    message_id: int | None = None
    complete: bool = True  # False: a work in progress, posted in parts
    updated_at: datetime | None = None  # when its last part or its completion was shared, if since
    anonymous: bool = False  # shared without its writer's name, until revealed (Viewer.sees_filler)


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
    # The prompt acted on, as it stands now (read with /mod log): its title, and whether it is anonymous.
    prompt_title: str | None = None
    prompt_anonymous: bool = False


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
