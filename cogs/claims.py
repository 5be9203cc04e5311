"""/claim, /unclaim, /claims, and the background work on deadlines (reminders and expiry)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui.announce import claim_and_reply, refresh_post_of
from cogs.ui.autocomplete import prompt_autocomplete
from cogs.ui.claiming import UnclaimButton, by_member, expiry_message, reminder_message, unclaim_and_reply
from cogs.ui.embeds import claims_embed
from db.claims import ClaimEvent
from interactions.checks import Interaction, guild_id_of, viewer_of
from interactions.sending import NO_MENTIONS, Delivery, dm_delivery

if TYPE_CHECKING:
    from bot import Promptfill


class Claims(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(UnclaimButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(UnclaimButton)

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
        await unclaim_and_reply(interaction, guild_id_of(interaction), prompt)

    @app_commands.command(name="claims", description="Active claims and their deadlines")
    @app_commands.describe(member="Whose claims (default: yours)")
    @app_commands.guild_only()
    async def claims(self, interaction: Interaction, member: discord.User | None = None) -> None:
        who = member or interaction.user
        held = await self.bot.store.claims.held_by(guild_id_of(interaction), who.id)
        await interaction.response.send_message(
            embed=claims_embed(who.id, held, await viewer_of(interaction)), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    async def sweep(self) -> None:
        """Reminders first, then expiries. One message per member for all of their claims due in this pass; each
        message is sent on its own, so one that fails costs nobody else theirs. A reminder is marked sent once
        delivered (or refused for good, e.g. closed DMs); one that did not get through is tried again next pass."""
        store = self.bot.store
        # In batches: after a long downtime thousands may be due, and holding them all (or expiring them
        # in one transaction) costs memory, a huge write-ahead log and a long pause for everyone else.
        # Reminders come ordered by member; the last member of a batch may go on in the next, so waits for it.
        waiting: list[ClaimEvent] = []
        after = (0, 0)
        while batch := await store.claims.due_reminders(after=after):
            last = batch[-1].claim
            after = (last.member_id, last.id)
            waiting += batch
            await self._remind([e for e in waiting if e.claim.member_id != last.member_id])
            waiting = [e for e in waiting if e.claim.member_id == last.member_id]
        await self._remind(waiting)
        while batch := await store.claims.expire_due():
            for member_id, events in by_member(batch).items():
                await dm_delivery(self.bot, member_id, **expiry_message(self.bot, events))
            for event in batch:
                await refresh_post_of(self.bot, event.prompt.guild_id, event.prompt.number)

    async def _remind(self, events: list[ClaimEvent]) -> None:
        for member_id, theirs in by_member(events).items():
            delivery = await dm_delivery(self.bot, member_id, **reminder_message(self.bot, theirs))
            if delivery is not Delivery.FAILED:
                for event in theirs:
                    await self.bot.store.claims.mark_reminded(event.claim.id)


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Claims(bot))
