"""/fandoms: moderators merge fandom names that split anyway, and see the names in use with their counts.

A top-level group of its own rather than under /mod: /mod is about to receive the moderators' exchange
commands, and Discord allows 4,000 characters per top-level command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from cogs.ui.embeds import names_embed
from cogs.ui.fandom_autocomplete import fandom_autocomplete
from interactions.checks import MODERATOR_PERMISSIONS, Interaction, guild_id_of, moderators_only
from interactions.sending import NO_MENTIONS, log_line

if TYPE_CHECKING:
    from bot import Promptfill


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class Fandoms(commands.Cog):
    fandoms = app_commands.Group(
        name="fandoms",
        description="Fandom names: merge the ones that split (moderators)",
        default_permissions=MODERATOR_PERMISSIONS,
        guild_only=True,
    )

    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @moderators_only()
    @fandoms.command(name="merge", description="Rename every prompt, request and offer of one fandom to another")
    @app_commands.describe(from_="The name to retire (it stays as a synonym of the other)", into="The name to keep")
    @app_commands.rename(from_="from")
    @app_commands.autocomplete(from_=fandom_autocomplete, into=fandom_autocomplete)
    async def merge(
        self,
        interaction: Interaction,
        from_: app_commands.Range[str, 1, 100],
        into: app_commands.Range[str, 1, 100],
    ) -> None:
        guild_id = guild_id_of(interaction)
        merged = await self.bot.store.names.merge(guild_id, interaction.user.id, from_, into)
        changed = ", ".join(
            [_count(merged.prompts, "prompt"), _count(merged.requests, "request"), _count(merged.offers, "offer")]
        )
        await interaction.response.send_message(
            f"Merged **{merged.from_name}** into **{merged.into_name}**: {changed} changed. "
            f"From now on, prompts, requests, offers and filters naming {merged.from_name} land on "
            f"{merged.into_name}.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        await log_line(
            self.bot,
            guild_id,
            f"🏷️ <@{interaction.user.id}> merged the fandom {merged.from_name} into {merged.into_name} ({changed}).",
        )

    @moderators_only()
    @fandoms.command(name="list", description="Fandom names in use, most used first, and the merged ones")
    async def list_(self, interaction: Interaction) -> None:
        listed = await self.bot.store.names.list(guild_id_of(interaction))
        await interaction.response.send_message(embed=names_embed(listed), ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Fandoms(bot))
