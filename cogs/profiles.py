"""/profile, /stats and /ao3 account: what members and the server have done, and who is who on AO3."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui.embeds import profile_embed, stats_embed
from db import validation
from interactions.checks import Interaction, guild_id_of, viewer_of
from interactions.sending import NO_MENTIONS

if TYPE_CHECKING:
    from bot import Promptfill


class Profiles(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @app_commands.command(name="profile", description="A member's prompts, claims and fills")
    @app_commands.describe(member="Whose profile (default: yours)")
    @app_commands.guild_only()
    async def profile(self, interaction: Interaction, member: discord.User | None = None) -> None:
        who = member or interaction.user
        viewer = await viewer_of(interaction)
        profile = await self.bot.store.profiles.profile(guild_id_of(interaction), who.id, viewer)
        # Your own profile is private (it lists your anonymous prompts); someone else's is public.
        await interaction.response.send_message(
            embed=profile_embed(who, profile, viewer), ephemeral=viewer.is_member(who.id), allowed_mentions=NO_MENTIONS
        )

    ao3 = app_commands.Group(name="ao3", description="Your Archive of Our Own account", guild_only=True)

    @ao3.command(name="account", description="Name your AO3 account (shown on your profile); leave it out to clear it")
    @app_commands.describe(username="Your AO3 user name, as in archiveofourown.org/users/<name>")
    async def account(self, interaction: Interaction, username: app_commands.Range[str, 1, 100] | None = None) -> None:
        name = validation.ao3_username(username)
        before = await self.bot.store.accounts.link(guild_id_of(interaction), interaction.user.id, name)
        if name is None:
            reply = f"Your AO3 account `{before}` is no longer linked here."
        else:
            reply = (
                f"Your AO3 account is `{name}`: it shows on your {self.bot.mention('profile')}, and moderators hear"
                " of a fill of yours whose AO3 byline does not include it."
            )
        await interaction.response.send_message(reply, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="stats", description="Server totals and the top fillers")
    @app_commands.guild_only()
    async def stats(self, interaction: Interaction) -> None:
        stats = await self.bot.store.profiles.stats(guild_id_of(interaction))
        name = interaction.guild.name if interaction.guild else "This server"
        await interaction.response.send_message(embed=stats_embed(name, stats), allowed_mentions=NO_MENTIONS)


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Profiles(bot))
