"""/claim, /unclaim, /claims, and the background work on deadlines (reminders and expiry)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui.announce import refresh_posted_prompt
from cogs.ui.autocomplete import prompt_autocomplete
from cogs.ui.claiming import claim_and_reply
from cogs.ui.embeds import claims_embed, timestamp
from interactions.checks import Interaction, guild_id_of, viewer_of
from interactions.sending import NO_MENTIONS, Delivery, dm_delivery

if TYPE_CHECKING:
    from bot import Promptfill


class Claims(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @app_commands.command(name="claim", description="Promise to write a prompt")
    @app_commands.describe(prompt="The prompt's number")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    @app_commands.guild_only()
    async def claim(self, interaction: Interaction, prompt: int) -> None:
        await claim_and_reply(interaction, prompt)

    @app_commands.command(name="unclaim", description="Drop your claim on a prompt")
    @app_commands.describe(prompt="The prompt's number")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    @app_commands.guild_only()
    async def unclaim(self, interaction: Interaction, prompt: int) -> None:
        claim = await self.bot.store.claims.drop(guild_id_of(interaction), prompt, await viewer_of(interaction))
        await interaction.response.send_message(
            f"You dropped your claim on #{claim.prompt_number}; its slot is free for someone else.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="claims", description="Active claims and their deadlines")
    @app_commands.describe(member="Whose claims (default: yours)")
    @app_commands.guild_only()
    async def claims(self, interaction: Interaction, member: discord.User | None = None) -> None:
        who = member or interaction.user
        held = await self.bot.store.claims.of_member(guild_id_of(interaction), who.id)
        await interaction.response.send_message(
            embed=claims_embed(who.id, held), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    async def sweep(self) -> None:
        """Reminders first, then expiries. Each message is sent on its own: one that fails costs nobody else
        theirs. A reminder is marked sent once delivered (or refused for good, e.g. closed DMs); one that did
        not get through is tried again on the next pass."""
        store = self.bot.store
        # In batches: after a long downtime thousands may be due, and holding them all (or expiring them
        # in one transaction) costs memory, a huge write-ahead log and a long pause for everyone else.
        after_id = 0
        while batch := await store.claims.due_reminders(after_id=after_id):
            for event in batch:
                claim = event.claim
                delivery = await dm_delivery(
                    self.bot,
                    claim.member_id,
                    content=(
                        f"⏰ Your claim on prompt #{claim.prompt_number} is due {timestamp(claim.deadline)}. "
                        "Post it with `/fill`, or `/unclaim` to free it for someone else."
                    ),
                )
                if delivery is not Delivery.FAILED:
                    await store.claims.mark_reminded(claim.id)
            after_id = batch[-1].claim.id
        while batch := await store.claims.expire_due():
            for event in batch:
                claim = event.claim
                await dm_delivery(
                    self.bot,
                    claim.member_id,
                    content=(
                        f"Your claim on prompt #{claim.prompt_number} reached its deadline and has expired; "
                        "the prompt is open to others again. You can claim it again if it is still free."
                    ),
                )
                await refresh_posted_prompt(self.bot, event.prompt)


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Claims(bot))
