"""A short-lived view whose buttons only the member who asked may press."""

from __future__ import annotations

from typing import Any

import discord

from cogs.common import NO_MENTIONS
from cogs.errors import report


class OwnedView(discord.ui.View):
    not_yours = "These buttons belong to whoever ran the command; run it yourself."

    def __init__(self, owner_id: int, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(self.not_yours, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        await report(interaction, error)
