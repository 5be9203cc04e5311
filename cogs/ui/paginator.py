"""Previous/Next paging for lists, search results and the moderation log. Only the asker can page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from cogs.ui.owned import OwnedView
from db.models import Page
from interactions.checks import Interaction
from interactions.sending import NO_MENTIONS

FetchPage = Callable[[int], Awaitable[Page[Any]]]
RenderPage = Callable[[Page[Any]], discord.Embed]


class Paginator(OwnedView):
    not_yours = "These buttons belong to whoever ran the command; run it yourself to page through."

    def __init__(self, owner_id: int, fetch: FetchPage, render: RenderPage, first: Page[Any]) -> None:
        super().__init__(owner_id, timeout=600)
        self.fetch = fetch
        self.render = render
        self.page = first
        self._sync_buttons()

    @classmethod
    async def send(
        cls,
        interaction: Interaction,
        fetch: FetchPage,
        render: RenderPage,
        *,
        ephemeral: bool = True,
        first: Page[Any] | None = None,
    ) -> None:
        """`first`: the first page when the caller already fetched it (a search looks before it answers)."""
        first = first or await fetch(0)
        view = cls(interaction.user.id, fetch, render, first)
        kwargs: dict[str, Any] = {"embed": render(first), "ephemeral": ephemeral, "allowed_mentions": NO_MENTIONS}
        if first.page_count > 1 or first.capped:
            kwargs["view"] = view
        await interaction.response.send_message(**kwargs)

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page.page <= 0
        more_past_count = self.page.capped and len(self.page.items) == self.page.per_page
        self.next.disabled = self.page.page >= self.page.page_count - 1 and not more_past_count

    async def _turn(self, interaction: Interaction, step: int) -> None:
        target = max(self.page.page + step, 0)
        self.page = await self.fetch(target)
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.render(self.page), view=self, allowed_mentions=NO_MENTIONS)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary, custom_id="promptfill:page:previous")
    async def previous(self, interaction: Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary, custom_id="promptfill:page:next")
    async def next(self, interaction: Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, +1)
