"""Small words every message shares: real plurals, a prompt's status as a member says it, and each setting's name."""

from __future__ import annotations

from db.models import Prompt, PromptStatus, SettingName

# What a status means to the reader, completing "Prompt #6 …" (VOICE.md: no internal state names).
STATUS_WORDS: dict[PromptStatus, str] = {
    "pending": "is still waiting for a moderator's approval",
    "open": "is open",
    "filled": "is filled",
    "closed": "is closed",
    "rejected": "was not accepted",
}


def claim_state(prompt: Prompt, claims_per_prompt: int) -> str:
    """Whether a prompt can be claimed now, as a digest line says it: "1 claim slot free", "claimed, no slot free",
    "filled, open for more fills" (claims_per_prompt is the server's setting; 0 means no limit)."""
    if not prompt.claimable:
        return f"it {STATUS_WORDS[prompt.status]}"
    left = None if claims_per_prompt == 0 else max(0, claims_per_prompt - prompt.active_claims)
    if left == 0:
        return f"{'filled' if prompt.status == 'filled' else 'claimed'}, no slot free"
    if prompt.status == "filled":
        return "filled, open for more fills"
    return "open for claims" if left is None else f"{plural(left, 'claim slot')} free"


def followed(kind: str, name: str) -> str:
    """A followed thing as a sentence names it: the fandom “Good Omens”, the tag “Fluff”, a member, prompt #3."""
    if kind == "member":
        return f"<@{name}>"
    if kind == "prompt":
        return f"prompt #{name}"
    return f"the {kind} “{name}”"


def plural(count: int, noun: str, many: str | None = None) -> str:
    """Counted words as people say them: 1 claim, 3 claims, 1,200 prompts; `many` for an irregular plural."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


# Each setting as moderators read it: a name in words and one line on what it does. Option names appear only
# where a moderator types them (/settings set).
SETTING_WORDS: dict[SettingName, tuple[str, str]] = {
    "prompts_channel": ("Prompts channel", "where open prompts are posted, with a Claim button"),
    "fills_channel": ("Fills channel", "where finished works are announced (otherwise where /fill is used)"),
    "log_channel": ("Log channel", "where moderators' actions are recorded"),
    "explicit_channel": ("Explicit channel", "an age-restricted channel where Explicit prompts are posted in full"),
    "moderator_role": ("Moderator role", "members with it count as moderators"),
    "require_approval": ("Approval", "whether new prompts wait for a moderator before they open"),
    "claims_per_member": ("Claims per member", "how many prompts one member may claim at a time"),
    "claims_per_prompt": ("Claims per prompt", "how many members may claim one prompt at a time"),
    "claim_days": ("Claim length", "how long a claim lasts before it expires"),
    "allow_anonymous": ("Anonymous prompts", "whether members may post a prompt without their name"),
    "anonymous_fills": ("Anonymous fills", "whether members may share a fill without their name until they reveal it"),
}
