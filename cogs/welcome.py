"""The welcome: one message when the bot joins a server (never on a restart, never twice for one server)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from interactions.checks import may_send
from interactions.sending import post

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)


def welcome_channel(guild: discord.Guild) -> discord.TextChannel | None:
    """The server's system channel, or else the first text channel (in the server's order) the bot may post in."""
    system = guild.system_channel
    if system is not None and may_send(system):
        return system
    return next((c for c in sorted(guild.text_channels, key=lambda c: c.position) if may_send(c)), None)


def welcome_text(bot: Promptfill) -> str:
    return (
        "👋 Thank you for inviting Promptfill. It runs a prompt meme here: members post story ideas, writers "
        "claim them and share the works they write; it also runs gift exchanges.\n"
        f"Moderators: start with {bot.mention('setup')} to choose the channels. "
        f"Everyone: {bot.mention('help')} shows what you can do."
    )


class Welcome(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    # guild_join comes only when the bot is added to a server; a restart's servers come as guild_available.
    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        channel = welcome_channel(guild)
        if channel is None:
            log.info("joined guild %s but may post in none of its channels; no welcome", guild.id)
            return
        if not await self.bot.store.settings.mark_welcomed(guild.id):
            return
        if await post(self.bot, channel.id, content=welcome_text(self.bot)) is None:
            await self.bot.store.settings.forget_welcome(guild.id)  # a later invitation may try again


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Welcome(bot))
