"""Taking a claim: the same interaction whether it comes from /claim or a Claim button."""

from __future__ import annotations

import re
from typing import Any

import discord

from cogs.common import NO_MENTIONS, bot_of, guild_id_of
from cogs.errors import report
from cogs.ui.embeds import timestamp


async def claim_and_reply(interaction: discord.Interaction, number: int) -> None:
    claim, prompt = await bot_of(interaction).store.claims.take(guild_id_of(interaction), number, interaction.user.id)
    due = f"Your deadline is {timestamp(claim.deadline)}." if claim.deadline else "There is no deadline."
    await interaction.response.send_message(
        f"You claimed prompt #{prompt.number}. {due} When your work is posted, share it with `/fill`.",
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )


class ClaimButton(discord.ui.DynamicItem[discord.ui.Button], template=r"promptfill:claim:(?P<number>\d+)"):
    """Claim button on posted and drawn prompts. Persistent: the prompt number lives in the custom_id."""

    def __init__(self, number: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Claim", style=discord.ButtonStyle.primary, custom_id=f"promptfill:claim:{number}", emoji="✍️"
            )
        )
        self.number = number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> ClaimButton:
        return cls(int(match["number"]))

    async def callback(self, interaction: discord.Interaction) -> Any:
        try:
            await claim_and_reply(interaction, self.number)
        except Exception as error:
            await report(interaction, error)


def claim_view(number: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ClaimButton(number))
    return view
