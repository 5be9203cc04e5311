"""What the bot sent about a prompt's post, read off the driver's recorded requests (shared by post tests)."""

from __future__ import annotations

from typing import Any

from tests.driver import PROMPTS, Driver


def post_id(driver: Driver, number: int = 1) -> int:
    """The id Discord gave the bot's `number`-th post in the prompts channel."""
    posts = [c for c in driver.post_calls() if c.channel_id == PROMPTS.id and c.response is not None]
    return int(posts[number - 1].response["id"])


def edits(driver: Driver, message_id: int) -> list[dict[str, Any]]:
    """The PATCH requests the bot sent for one channel message, oldest first."""
    return [
        c.body
        for c in driver.fake.calls
        if c.method == "PATCH" and c.route.startswith("/channels/") and c.params.get("message_id") == str(message_id)
    ]


def fields(body: dict[str, Any]) -> dict[str, str]:
    """A sent message's first embed's fields, by name."""
    return {f["name"]: f["value"] for f in body["embeds"][0]["fields"]}
