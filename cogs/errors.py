"""The one place refusals become sentences, and unexpected errors become an apology and a log entry."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.common import NO_MENTIONS, ModeratorsOnly, ServerOnly
from db import errors as domain

log = logging.getLogger(__name__)


def _limit(limit: int) -> str:
    return "no limit" if limit == 0 else f"{limit}"


MESSAGES: dict[type[BaseException], Callable[[Any], str]] = {
    domain.InvalidField: lambda e: f"{e.field} {e.problem}. Nothing was changed.",
    domain.NothingToChange: lambda e: f"Nothing to change: give at least one new value for the {e.what}.",
    ModeratorsOnly: lambda e: "Only moderators (Manage Server, or the server's moderator role) can use this.",
    ServerOnly: lambda e: "This command works only inside a server.",
    domain.PromptNotFound: lambda e: (
        f"There is no prompt #{e.number} in this server. Check the number with `/prompt list` or `/prompt search`."
    ),
    domain.DuplicatePrompt: lambda e: (
        f"That prompt already exists here as #{e.existing_number}. "
        f"Have a look at it with `/prompt view prompt:{e.existing_number}`."
    ),
    domain.AnonymousNotAllowed: lambda e: (
        "This server does not take anonymous prompts. Submit again without `anonymous`."
    ),
    domain.WrongStatus: lambda e: f"Prompt #{e.number} is {e.status}, so you cannot {e.action}.",
    domain.NotPrompter: lambda e: f"Only the member who posted #{e.number}, or a moderator, can {e.action}.",
    domain.EditLocked: lambda e: f"Prompt #{e.number} has been claimed or filled, so only a moderator can edit it now.",
    domain.ExplicitNeedsAgeRestrictedChannel: lambda e: (
        f"Prompt #{e.number} is rated Explicit: use this in an age-restricted channel to see it."
    ),
    domain.OwnPrompt: lambda e: (
        f"#{e.number} is your own prompt, so you cannot {e.action}: an exchange is writing for others."
    ),
    domain.AlreadyClaimed: lambda e: f"You already hold a claim on #{e.number}. See `/claims`.",
    domain.NoClaimSlot: lambda e: (
        f"Prompt #{e.number} has no free claim slot "
        f"(this server allows {e.limit} claim{'s' if e.limit != 1 else ''} per prompt). Try `/prompt random`."
    ),
    domain.ClaimLimitReached: lambda e: (
        f"You already hold {e.limit} claim{'s' if e.limit != 1 else ''}, "
        "this server's limit. Fill or `/unclaim` one first."
    ),
    domain.ClaimNotFound: lambda e: (
        f"You hold no claim on #{e.number}."
        if e.own
        else f"<@{e.member_id}> holds no active claim on #{e.number}; nothing was changed."
    ),
    domain.DuplicateFill: lambda e: f"That link is already recorded as a fill of #{e.number}.",
    domain.NothingToDraw: lambda e: (
        "No prompt matches that draw."
        + (f" Try loosening: {', '.join(f'`{f}`' for f in e.filters)}." if e.filters else "")
    ),
    domain.ImportUnreadable: lambda e: f"That file could not be imported: {e.reason}. Nothing was added.",
    app_commands.NoPrivateMessage: lambda e: "This command works only inside a server.",
    app_commands.MissingPermissions: lambda e: "You lack the permissions this command needs.",
}


def message_for(error: BaseException) -> str | None:
    """The sentence for a refusal, or None when the error is a bug."""
    for kind in type(error).__mro__:
        render = MESSAGES.get(kind)
        if render is not None:
            return render(error)
    return None


def unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    return error


async def report(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer any failure of an interaction: a refusal's sentence, or an apology with a reference."""
    error = unwrap(error)
    text = message_for(error)
    if text is None:
        reference = secrets.token_hex(3)
        log.error(
            "unexpected error [%s] in %s by user %s in guild %s",
            reference,
            _describe(interaction),
            interaction.user.id,
            interaction.guild_id,
            exc_info=error,
        )
        text = f"Sorry, something went wrong on our side. It has been logged (reference `{reference}`)."
    await reply(interaction, text)


async def reply(interaction: discord.Interaction, text: str) -> None:
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.warning("could not deliver an error reply for %s", _describe(interaction), exc_info=True)


def _describe(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data = interaction.data or {}
    return f"component {data.get('custom_id', '?')}"


class Errors(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report(interaction, error)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Errors(bot))
