"""When a search finds nothing: "Did you mean …?" with a button that runs the suggested search."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from cogs.ui.owned import OwnedView
from db.models import Viewer
from interactions.checks import Interaction, guild_id_of
from interactions.sending import NO_MENTIONS

RunSearch = Callable[[Interaction, str], Awaitable[None]]
LABEL_MAX = 80


class SuggestionView(OwnedView):
    not_yours = "This suggestion belongs to whoever searched; run `/prompt search` yourself."

    def __init__(self, owner_id: int, suggestion: str, run: RunSearch) -> None:
        super().__init__(owner_id, timeout=600)
        label = f"Search for {suggestion}"
        button: discord.ui.Button[SuggestionView] = discord.ui.Button(
            label=label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…",
            style=discord.ButtonStyle.primary,
            emoji="🔎",
            custom_id="promptfill:search:suggested",
        )
        self.suggestion = suggestion
        self.run = run
        self.add_item(button)
        button.callback = self.search  # type: ignore[assignment]

    async def search(self, interaction: Interaction) -> None:
        await self.run(interaction, self.suggestion)


async def offer_suggestion(interaction: Interaction, query: str, viewer: Viewer, run: RunSearch) -> bool:
    """Answer an empty search with the closest search that finds prompts this member may see; False if none."""
    guild_id = guild_id_of(interaction)
    store = interaction.client.store
    for suggestion in await store.suggestions.search(guild_id, query):
        if (await store.browse.search(guild_id, viewer, suggestion, per_page=1)).total:
            shown_query = discord.utils.escape_markdown(" ".join(query.split())[:100])
            await interaction.response.send_message(
                f"No prompts match “{shown_query}”. Did you mean **{discord.utils.escape_markdown(suggestion)}**?",
                view=SuggestionView(interaction.user.id, suggestion, run),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return True
    return False
