"""Claims in direct messages: the reminder before a deadline (one message for all of a member's claims due in a
sweep, with a link to each prompt and an Unclaim button), the notice when claims expire, and dropping a claim,
the same from /unclaim or the reminder's button. The Claim button lives with the post (announce.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import discord

from cogs.ui.announce import refresh_post_of
from cogs.ui.embeds import fitted_content, in_server, prompt_link, prompt_name, timestamp
from db.claims import ClaimEvent
from db.errors import NotYourReminder
from interactions.checks import Interaction, viewer_of
from interactions.refusals import report
from interactions.sending import NO_MENTIONS

if TYPE_CHECKING:
    from bot import Promptfill

# A reminder shows one row of buttons per claim (open the prompt, unclaim it): Discord allows 5 rows.
ROWS_LIMIT = 5


def server_name(bot: discord.Client, guild_id: int) -> str:
    guild = bot.get_guild(guild_id)
    return guild.name if guild is not None else "a server you are in"


async def unclaim_and_reply(interaction: Interaction, guild_id: int, number: int) -> None:
    """/unclaim and the reminder's Unclaim button: drop the member's own claim, answer, bring the post up to date."""
    bot = interaction.client
    _, prompt = await bot.store.claims.drop(guild_id, number, await viewer_of(interaction))
    where = "" if interaction.guild_id == guild_id else f" in **{server_name(bot, guild_id)}**"
    await interaction.response.send_message(
        f"You dropped your claim on {prompt_name(prompt)}{where}; its slot is free for someone else.",
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )
    await refresh_post_of(bot, guild_id, number)


class UnclaimButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"promptfill:unclaim:(?P<guild>\d+):(?P<number>\d+):(?P<member>\d+)",
):
    """Unclaim on a reminder. Persistent (server, prompt and claimant live in the custom_id, so it works after
    a restart and in a direct message, where no server comes with the click); only the claimant may use it."""

    def __init__(self, guild_id: int, number: int, member_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Unclaim #{number}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"promptfill:unclaim:{guild_id}:{number}:{member_id}",
                emoji="🗑️",
            )
        )
        self.guild_id = guild_id
        self.number = number
        self.member_id = member_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> UnclaimButton:
        return cls(int(match["guild"]), int(match["number"]), int(match["member"]))

    async def callback(self, interaction: Interaction) -> Any:  # type: ignore[override]
        try:
            if interaction.user.id != self.member_id:
                raise NotYourReminder(self.number)
            await unclaim_and_reply(interaction, self.guild_id, self.number)
        except Exception as error:
            await report(interaction, error)


def by_member(events: Iterable[ClaimEvent]) -> dict[int, list[ClaimEvent]]:
    """Events grouped by claimant, in the order they came: one message each."""
    grouped: dict[int, list[ClaimEvent]] = {}
    for event in events:
        grouped.setdefault(event.claim.member_id, []).append(event)
    return grouped


def reminder_message(bot: Promptfill, events: list[ClaimEvent]) -> dict[str, Any]:
    """One member's reminder for every claim of theirs due soon: each prompt by number, title and server, with
    its deadline, a button to open its post and one to unclaim it."""
    if len(events) == 1:
        event = events[0]
        deadline = event.claim.deadline
        when = f"{discord.utils.format_dt(deadline, 'f')} ({timestamp(deadline)})" if deadline else "soon"
        lines = [f"⏰ Your claim on {in_server(event.prompt, server_name(bot, event.prompt.guild_id))} is due {when}."]
    else:
        lines = [f"⏰ {len(events)} of your claims are due soon:"]
        lines += [
            f"• {in_server(e.prompt, server_name(bot, e.prompt.guild_id))}, due {timestamp(e.claim.deadline)}"
            for e in events
        ]
    fill = bot.mention("fill", dm=True)
    lines.append(
        f"When your work is posted, share it with {fill} in that server. If you cannot finish, unclaim it here "
        "so someone else can write it."
        if len(events) == 1
        else f"When a work is posted, share it with {fill} in its server. If you cannot finish one, unclaim it "
        "here so someone else can write it."
    )
    view = discord.ui.View(timeout=None)
    for row, event in enumerate(events[:ROWS_LIMIT]):
        prompt = event.prompt
        post = prompt_link(prompt)
        if post is not None:
            view.add_item(discord.ui.Button(label=f"Open #{prompt.number}", url=post, row=row))
        unclaim = UnclaimButton(prompt.guild_id, prompt.number, event.claim.member_id)
        unclaim.row = row
        view.add_item(unclaim)
    if len(events) > ROWS_LIMIT:
        lines.append(f"For the claims without a button here, use {bot.mention('unclaim', dm=True)} in their server.")
    return {"content": fitted_content("\n".join(lines)), "view": view, "allowed_mentions": NO_MENTIONS}


def expiry_message(bot: discord.Client, events: list[ClaimEvent]) -> dict[str, Any]:
    """One member's notice for every claim of theirs that reached its deadline in this sweep."""
    if len(events) == 1:
        prompt = events[0].prompt
        lines = [
            f"⏰ Your claim on {in_server(prompt, server_name(bot, prompt.guild_id))} reached its deadline and has "
            "ended; the prompt is open to others again. You can claim it again from its post if a slot is still free."
        ]
    else:
        lines = [f"⏰ {len(events)} of your claims reached their deadline and have ended:"]
        lines += [f"• {in_server(e.prompt, server_name(bot, e.prompt.guild_id))}" for e in events]
        lines.append("The prompts are open to others again; you can claim one again from its post if a slot is free.")
    return {"content": fitted_content("\n".join(lines)), "allowed_mentions": NO_MENTIONS}
