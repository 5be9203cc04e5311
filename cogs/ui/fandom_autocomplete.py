"""Autocomplete for fandom and tag options: the names this server already uses, most used first.

Matched by the start of the name or of any of its words, ignoring case, accents and punctuation
(db/folding.py); at most 25, as Discord shows. What the member typed is never offered back as a
choice: a new name is simply typed out and sent as it is.
"""

from __future__ import annotations

from discord import app_commands

from db.fandoms import NameKind
from interactions.checks import Interaction

CHOICE_MAX = 100


async def _names(interaction: Interaction, kind: NameKind, current: str) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    found = await interaction.client.store.names.autocomplete(interaction.guild_id, kind, current[:CHOICE_MAX])
    return [app_commands.Choice(name=n.name[:CHOICE_MAX], value=n.name[:CHOICE_MAX]) for n in found[:25]]


async def fandom_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _names(interaction, "fandom", current)


async def tag_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _names(interaction, "tag", current)


async def exchange_fandom_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """For requests and offers: within an exchange with approved fandoms, only those; else the server's names."""
    if interaction.guild_id is None:
        return []
    exchange = getattr(interaction.namespace, "exchange", None)
    approved = await interaction.client.store.exchanges.approved_names(
        interaction.guild_id, exchange, current[:CHOICE_MAX]
    )
    if approved is None:
        return await _names(interaction, "fandom", current)
    return [app_commands.Choice(name=n[:CHOICE_MAX], value=n[:CHOICE_MAX]) for n in approved[:25]]
