"""Taking a claim: the same interaction whether it comes from /claim or a Claim button, and its reply."""

from __future__ import annotations

import re
from typing import Any

import discord

from cogs.ui.embeds import timestamp
from interactions.checks import Interaction, guild_id_of
from interactions.refusals import report
from interactions.sending import NO_MENTIONS


async def claim_and_reply(interaction: Interaction, number: int) -> None:
    claims = interaction.client.store.claims
    claim, prompt = await claims.take(guild_id_of(interaction), number, interaction.user.id)
    due = f"Your deadline is {timestamp(claim.deadline)}." if claim.deadline else "There is no deadline."
    await interaction.response.send_message(
        f"You claimed prompt #{prompt.number}. {due} When your work is posted, share it with `/fill`.",
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )


# Parsed once: discord.py parses an emoji given as text on every button it builds.
CLAIM_EMOJI = discord.PartialEmoji(name="✍️")


class ClaimButton(discord.ui.DynamicItem[discord.ui.Button], template=r"promptfill:claim:(?P<number>\d+)"):
    """Claim button on posted and drawn prompts. Persistent: the prompt number lives in the custom_id."""

    def __init__(self, number: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Claim",
                style=discord.ButtonStyle.primary,
                custom_id=f"promptfill:claim:{number}",
                emoji=CLAIM_EMOJI,
            )
        )
        self.number = number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> ClaimButton:
        return cls(int(match["number"]))

    async def callback(self, interaction: Interaction) -> Any:  # type: ignore[override]
        try:
            await claim_and_reply(interaction, self.number)
        except Exception as error:
            await report(interaction, error)


def claim_view(number: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ClaimButton(number))
    return view
