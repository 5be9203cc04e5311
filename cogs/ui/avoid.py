"""`/exchange avoid`: a member's do-not-match list, in the member's own private answers only (issue 23, item 4).

The avoided member is never told and nothing goes to the log channel or the moderation log: the list reaches
moderators only in the exchange export (db/avoid.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from db.avoid import AVOID_MAX
from db.errors import AvoidNeedsMember
from interactions.checks import Interaction, guild_id_of
from interactions.sending import answer_privately, mention_list

if TYPE_CHECKING:
    from bot import Promptfill


def list_line(bot: Promptfill, exchange: str, avoided: list[int]) -> str:
    if not avoided:
        return (
            f"Your do-not-match list for **{exchange}** is empty. Add up to {AVOID_MAX} members you must not be"
            f" matched with, either way, with {bot.mention('exchange avoid')} `member`; they are never told."
        )
    return (
        f"Your do-not-match list for **{exchange}** ({len(avoided)} of {AVOID_MAX}): {mention_list(avoided)}."
        " You are never matched with them, either way, and they are never told."
    )


async def avoid(
    bot: Promptfill, interaction: Interaction, exchange: str | None, member: discord.abc.User | None, remove: bool
) -> None:
    """Shows the list (no member), adds a member to it, or takes one off (`remove`)."""
    avoid_lists = bot.store.avoid
    guild_id = guild_id_of(interaction)
    me = interaction.user.id
    if member is None:
        if remove:
            raise AvoidNeedsMember()
        found, avoided = await avoid_lists.listed(guild_id, exchange, me)
        await answer_privately(interaction, list_line(bot, found.name, avoided))
        return
    found, avoided, changed = await avoid_lists.change(guild_id, exchange, me, member.id, remove)
    if remove:
        done = f"<@{member.id}> is off your do-not-match list for **{found.name}**."
    elif changed:
        done = f"<@{member.id}> is on your do-not-match list for **{found.name}** now."
    else:
        done = f"<@{member.id}> was already on your do-not-match list for **{found.name}**; nothing changed."
    await answer_privately(interaction, f"{done}\n{list_line(bot, found.name, avoided)}")
