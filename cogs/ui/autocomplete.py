"""The `prompt` option's autocomplete, shared by every command that takes a prompt number."""

from __future__ import annotations

from discord import app_commands

from interactions.checks import Interaction, viewer_of

CHOICE_NAME_MAX = 100


async def prompt_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    """Prompts this member may see in this channel, by number or by words; at most 25."""
    if interaction.guild_id is None:
        return []
    viewer = await viewer_of(interaction)
    choices = await interaction.client.store.browse.autocomplete(interaction.guild_id, viewer, current)
    return [app_commands.Choice(name=_choice_name(c.number, c.label), value=c.number) for c in choices[:25]]


def _choice_name(number: int, text: str) -> str:
    name = f"#{number} {' '.join(text.split())}"
    return name if len(name) <= CHOICE_NAME_MAX else name[: CHOICE_NAME_MAX - 1] + "…"
