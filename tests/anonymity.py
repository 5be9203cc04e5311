"""The anonymity scan: every request the bot sent (replies, followups, edits, channel posts, direct messages,
uploaded files), searched for what would name a writer. Like the exchanges' secrecy scan (tests/test_exchanges.py),
it decides per request who reads it: an interaction's answers are read by whoever ran it (moderators may read
everything; the writer only in a private answer), a direct message by its recipient, a channel post by everyone
(the log channel included: members may read it too)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from tests.driver import MOD, ROLE_MOD, Driver, User

MODERATORS = frozenset({MOD.id, ROLE_MOD.id})
EPHEMERAL = 64


def _private_tokens(driver: Driver) -> set[str]:
    """Interactions whose answer only their member sees: an ephemeral callback (or deferral), or autocomplete."""
    private = set()
    for call in driver.fake.calls:
        if call.token and call.route.endswith("/callback") and isinstance(call.body, dict):
            data = call.body.get("data") or {}
            if call.body.get("type") == 8 or (data.get("flags") or 0) & EPHEMERAL:
                private.add(call.token)
    return private


def _text(call) -> str:
    body = json.dumps(call.body, ensure_ascii=False) if call.body is not None else ""
    files = " ".join(content.decode("utf-8", "replace") for _, content in call.files)
    return f"{body} {files}".casefold()


def leaks(driver: Driver, writer: User, *also: str, moderators: Iterable[int] = MODERATORS) -> list[str]:
    """Each request that names the writer (their id, their name or display name, or any of `also`, such as an
    AO3 byline) to someone other than a moderator or the writer in private. Empty when nothing leaked."""
    secrets = [str(writer.id), writer.name, *also]
    readers_ok = set(moderators)
    private = _private_tokens(driver)
    found = []
    for call in driver.fake.calls:
        if call.route == "/users/@me/channels":
            continue  # opening a direct-message channel: a request to Discord, read by nobody
        text = _text(call)
        hits = [secret for secret in secrets if secret.casefold() in text]
        if not hits:
            continue
        if call.token:
            reader = driver.fake.interactions[call.token]["user_id"]
            followup_private = isinstance(call.body, dict) and (call.body.get("flags") or 0) & EPHEMERAL
            if reader in readers_ok or (reader == writer.id and (call.token in private or followup_private)):
                continue
        else:
            recipient = driver.fake.dm_channels.get(call.channel_id or 0)
            if recipient is not None and (recipient in readers_ok or recipient == writer.id):
                continue
        found.append(f"{call.method} {call.route} names {hits}: {text[:300]}")
    return found
