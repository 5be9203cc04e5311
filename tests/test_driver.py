"""The driver itself: it refuses what Discord would refuse, so a test fails instead of production."""

from __future__ import annotations

import pytest

from interactions.sending import post
from tests.driver import GENERAL, Driver
from tests.driver.api_schema import discord_api_schema, limit_problems

MESSAGES = "/channels/{channel_id}/messages"
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"


def test_documented_limits_beyond_the_description_are_checked() -> None:
    assert limit_problems({"content": "x" * 2000}) == []
    assert limit_problems({"content": "x" * 2001})
    half = {"title": "t", "description": "d" * 3000}
    assert limit_problems({"embeds": [half, half]})  # 6,002 in all, each within its own limits
    row = {"type": 1, "components": [{"type": 2, "style": 1, "label": "b", "custom_id": "c"}]}
    assert limit_problems({"components": [row] * 5}) == []
    assert limit_problems({"components": [row] * 6})
    assert limit_problems({"type": 8, "data": {"choices": [{"name": "n", "value": "v" * 101}]}})
    assert limit_problems({"type": 4, "data": {"content": "y" * 2001}})


@pytest.mark.skipif(
    discord_api_schema() is None, reason="../shared/discord-api/openapi.json is not beside this checkout"
)
def test_the_published_description_is_applied_to_each_operation() -> None:
    schema = discord_api_schema()
    assert schema is not None
    assert (
        schema.problems("POST", MESSAGES, {"content": "hello", "allowed_mentions": {"parse": [], "users": [1]}}) == []
    )
    assert schema.problems("POST", MESSAGES, {"embeds": [{"title": "x" * 257}]})
    assert schema.problems("POST", MESSAGES, {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]})
    assert schema.problems("POST", MESSAGES, {"embeds": [{"description": "d" * 4097}]})
    choices = [{"name": str(i), "value": str(i)} for i in range(26)]
    assert schema.problems("POST", CALLBACK, {"type": 8, "data": {"choices": choices}})
    assert schema.problems("POST", CALLBACK, {"type": 8, "data": {"choices": choices[:25]}}) == []
    assert schema.problems("PATCH", "/nowhere/{id}", {"a": 1})  # an unknown operation is refused too


async def test_a_refused_request_is_answered_400_and_fails_the_test(driver: Driver) -> None:
    sent = await post(driver.bot, GENERAL.id, content="z" * 2001)
    assert sent is None  # the bot saw Discord's 400 and carried on
    refused = driver.forget_errors()
    assert any("Discord would refuse POST /channels/{channel_id}/messages" in e for e in refused), refused
