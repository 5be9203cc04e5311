"""What the bot sent in answer to one interaction, with the views tests read it through."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.driver.fake_discord import Call


@dataclass
class Outcome:
    """What the bot sent in answer to one interaction."""

    token: str
    calls: list[Call] = field(default_factory=list)

    @property
    def callback(self) -> dict[str, Any]:
        callbacks = [c for c in self.calls if c.route.endswith("/callback")]
        assert callbacks, f"the bot never answered the interaction: {self.calls}"
        return callbacks[0].body

    @property
    def kind(self) -> int:
        return self.callback["type"]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Bodies of every message-like thing sent: the callback's data, followups, edits."""
        bodies = []
        for call in self.calls:
            if call.route.endswith("/callback"):
                if call.body.get("type") in (4, 7) or (call.body.get("type") == 5 and call.body.get("data")):
                    bodies.append(call.body.get("data") or {})
            elif call.method in ("POST", "PATCH"):
                bodies.append(call.body or {})
        return bodies

    @property
    def last(self) -> dict[str, Any]:
        assert self.messages, f"no message was sent: {self.calls}"
        return self.messages[-1]

    @property
    def content(self) -> str:
        return self.last.get("content") or ""

    @property
    def text(self) -> str:
        """Content plus every embed's text, for loose assertions."""
        return " ".join(_message_text(m) for m in self.messages)

    @property
    def ephemeral(self) -> bool:
        """Whether the message the member ends up seeing is private. An edit of the original response keeps
        the response's own visibility (Discord ignores flags on edits)."""
        edits_original = any(
            c.method == "PATCH" and c.params.get("message_id") in (None, "@original") and c.token for c in self.calls
        )
        if edits_original and self.messages[-1] is not self.callback.get("data"):
            return bool(((self.callback.get("data") or {}).get("flags") or 0) & 64)
        return bool((self.last.get("flags") or 0) & 64) or self._deferred_ephemeral()

    def _deferred_ephemeral(self) -> bool:
        body = self.callback
        return body.get("type") == 5 and bool(((body.get("data") or {}).get("flags") or 0) & 64)

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.last.get("embeds") or []

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in walk_components(self.last.get("components") or []) if "custom_id" in c]

    @property
    def modal(self) -> dict[str, Any]:
        assert self.kind == 9, f"expected a modal, got callback type {self.kind}"
        return self.callback["data"]

    @property
    def choices(self) -> list[dict[str, Any]]:
        assert self.kind == 8, f"expected autocomplete choices, got callback type {self.kind}"
        return self.callback["data"]["choices"]

    @property
    def message_id(self) -> int:
        """Id of the message this interaction created or updated (to click its buttons)."""
        for call in self.calls:
            if call.route.endswith("/callback") and call.response and call.response.get("resource"):
                return int(call.response["resource"]["message"]["id"])
        for call in self.calls:
            if call.method == "POST" and isinstance(call.response, dict) and "id" in call.response:
                return int(call.response["id"])
        raise AssertionError("this interaction created no message")


def walk_components(components: list[dict[str, Any]]):
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        if "component" in component:
            yield from walk_components([component["component"]])


def _message_text(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f.get('name')} {f.get('value')}" for f in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")
        parts.append((embed.get("author") or {}).get("name") or "")
    return " ".join(parts)
