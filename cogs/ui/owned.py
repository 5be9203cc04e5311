"""A short-lived view whose buttons only the member who asked may press."""

from __future__ import annotations

from typing import Any

import discord

from interactions.checks import Interaction
from interactions.refusals import report
from interactions.sending import NO_MENTIONS


class OwnedView(discord.ui.View):
    not_yours = "These buttons belong to whoever ran the command; run it yourself."

    def __init__(self, owner_id: int, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(self.not_yours, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return False
        return True

    async def on_error(self, interaction: Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:  # type: ignore[override]
        await report(interaction, error)
