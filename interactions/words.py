"""Small words every message shares: real plurals, and a prompt's status as a member says it."""

from __future__ import annotations

from db.models import PromptStatus

# What a status means to the reader, completing "Prompt #6 …" (VOICE.md: no internal state names).
STATUS_WORDS: dict[PromptStatus, str] = {
    "pending": "is still waiting for a moderator's approval",
    "open": "is open",
    "filled": "is filled",
    "closed": "is closed",
    "rejected": "was not accepted",
}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """Counted words as people say them: 1 claim, 3 claims, 1,200 prompts; `many` for an irregular plural."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"
