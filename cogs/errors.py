"""Every command's errors go to one handler: interactions/refusals.py answers them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from interactions.checks import Interaction
from interactions.refusals import report

if TYPE_CHECKING:
    from bot import Promptfill


class Errors(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]

    async def on_app_command_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        await report(interaction, error)


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Errors(bot))
