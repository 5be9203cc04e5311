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


def test_a_command_over_4000_characters_is_refused_at_sync_and_the_bots_own_fit() -> None:
    from tests.driver.api_schema import command_characters

    choices = [{"name": f"choice {i}".ljust(100, "c"), "value": f"v{i}".ljust(100, "v")} for i in range(25)]
    option = {"type": 3, "name": "pick", "description": "d" * 100, "choices": choices}
    big = {"name": "big", "description": "A command too big", "options": [option]}
    assert command_characters(big) == 3 + 17 + 4 + 100 + 25 * 200
    assert any("/big" in p and "4,000" in p for p in limit_problems([big]))
    small = {"name": "small", "description": "Fits", "options": [dict(option, choices=choices[:5])]}
    assert limit_problems([small]) == []
    localized = dict(small, description_localizations={"fr": "x" * 3900})
    assert limit_problems([localized])  # the longest localization counts


async def test_the_sync_of_an_oversized_command_is_refused_as_discord_would(driver: Driver) -> None:
    import discord
    from discord import app_commands

    from tests.driver.api_schema import COMMAND_CHARACTERS_LIMIT, command_characters

    # Every command the bot syncs fits (the driver's start-up sync went through the same check).
    assert all(command_characters(c) <= COMMAND_CHARACTERS_LIMIT for c in driver.bot.command_schema())
    group = app_commands.Group(name="huge", description="Too many words")
    for i in range(25):

        async def callback(interaction: discord.Interaction, word: str) -> None: ...

        command = app_commands.Command(name=f"sub{i}", description="s" * 100, callback=callback)
        command._params["word"].description = "w" * 100
        group.add_command(command)
    driver.bot.tree.add_command(group)
    with pytest.raises(discord.HTTPException):
        await driver.bot.tree.sync()
    refused = driver.forget_errors()
    assert any("/huge" in e and "over Discord's 4,000" in e for e in refused), refused
