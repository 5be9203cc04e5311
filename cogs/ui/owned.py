"""A short-lived view whose buttons only the member who asked may press."""

from __future__ import annotations

from collections import deque
from typing import Any, ClassVar

import discord

from interactions.checks import Interaction
from interactions.refusals import report
from interactions.sending import NO_MENTIONS


class OwnedView(discord.ui.View):
    """Lives until its timeout, and at most `live_limit` of them at once: past that the oldest stops listening
    (its buttons then fail as after a timeout), so a burst of commands cannot grow discord.py's view store
    without bound. Persistent buttons (Claim, the queue's) are dynamic items and never held per message."""

    not_yours = "These buttons belong to whoever ran the command; run it yourself."
    live_limit: ClassVar[int] = 5_000
    _live: ClassVar[deque[OwnedView]] = deque()

    def __init__(self, owner_id: int, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        live = OwnedView._live
        while live and (live[0].is_finished() or len(live) >= self.live_limit):
            live.popleft().stop()
        live.append(self)

    def refusal(self, interaction: Interaction) -> str:
        """What someone else who presses a button here reads."""
        return self.not_yours

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                self.refusal(interaction), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return False
        return True

    async def on_error(self, interaction: Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:  # type: ignore[override]
        await report(interaction, error)
