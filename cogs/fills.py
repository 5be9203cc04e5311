"""/fill and its announcement, /profile and /stats."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from ao3.links import recognise
from cogs.common import (
    NO_MENTIONS,
    age_restricted,
    channel_is_age_restricted,
    guild_id_of,
    post,
    prompt_autocomplete,
    send_dm,
)
from cogs.ui.announce import refresh_posted_prompt
from cogs.ui.embeds import ao3_embed, excerpt, fill_embed, timestamp
from db import validation
from db.fills import FillRecorded, Profile, ServerStats

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)
EditAnnouncement = Callable[..., Awaitable[Any]]


def prompt_link(recorded: FillRecorded) -> str | None:
    prompt = recorded.prompt
    if prompt.message_channel_id is None or prompt.message_id is None:
        return None
    return f"https://discord.com/channels/{prompt.guild_id}/{prompt.message_channel_id}/{prompt.message_id}"


def announcement(recorded: FillRecorded, *, age_restricted_channel: bool) -> dict[str, Any]:
    """The fill announcement. Only the prompter of a named prompt may be pinged, and only by id."""
    prompt = recorded.prompt
    embed = fill_embed(recorded, age_restricted_channel=age_restricted_channel, prompt_link=prompt_link(recorded))
    if prompt.anonymous:
        return {
            "content": f"✨ Prompt #{prompt.number} has a new fill!",
            "embed": embed,
            "allowed_mentions": NO_MENTIONS,
        }
    return {
        "content": f"✨ <@{prompt.author_id}>, your prompt #{prompt.number} has a new fill!",
        "embed": embed,
        "allowed_mentions": discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(id=prompt.author_id)], replied_user=False
        ),
    }


def tally(counts: dict[str, int], keys: tuple[str, ...]) -> str:
    return " · ".join(f"{counts.get(key, 0)} {key}" for key in keys)


def profile_embed(member: discord.abc.User, profile: Profile, *, own: bool) -> discord.Embed:
    claims = profile.claims_by_status
    embed = discord.Embed(title=f"{member.display_name}'s profile", colour=discord.Colour.blurple())
    embed.add_field(name="Prompts", value=str(profile.prompts_total), inline=True)
    embed.add_field(name="Fills", value=str(profile.fills_total), inline=True)
    embed.add_field(
        name="Claims",
        value=tally(claims, ("active", "filled", "expired", "dropped", "released")),
        inline=False,
    )
    prompt_lines = [
        f"`#{p.number}` {excerpt(p.title or p.text, 60)}" + (" *(anonymous)*" if p.anonymous and own else "")
        for p in profile.recent_prompts
    ]
    claim_lines = [f"`#{c.prompt_number}` due {timestamp(c.deadline)}" for c in profile.active_claims]
    fill_lines = [f"`#{f.prompt_number}` [{excerpt(f.title or f.url, 60)}]({f.url})" for f in profile.recent_fills]
    embed.add_field(name="Recent prompts", value="\n".join(prompt_lines) or "none", inline=False)
    embed.add_field(name="Active claims", value="\n".join(claim_lines) or "none", inline=False)
    embed.add_field(name="Recent fills", value="\n".join(fill_lines) or "none", inline=False)
    return embed


def stats_embed(guild_name: str, stats: ServerStats) -> discord.Embed:
    by_status = stats.prompts_by_status
    total = sum(by_status.values())
    embed = discord.Embed(title=f"{guild_name} in numbers", colour=discord.Colour.gold())
    embed.add_field(name="Prompts", value=str(total), inline=True)
    embed.add_field(name="Fills", value=str(stats.fills_total), inline=True)
    embed.add_field(name="Writers who filled", value=str(stats.fillers), inline=True)
    embed.add_field(
        name="By status",
        value=tally(by_status, ("open", "filled", "pending", "closed", "rejected")),
        inline=False,
    )
    embed.add_field(name="Active claims", value=str(stats.claims_active), inline=True)
    embed.add_field(name="Fill rate", value=f"{stats.fill_rate:.0%} of open and filled prompts", inline=True)
    top = [
        f"{rank}. <@{member_id}> · {count} fill{'s' if count != 1 else ''}"
        for rank, (member_id, count) in enumerate(stats.top_fillers, start=1)
    ]
    embed.add_field(name="Top fillers", value="\n".join(top) or "No fills yet: be the first!", inline=False)
    return embed


class Fills(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @app_commands.command(name="fill", description="Share a finished work that answers a prompt")
    @app_commands.describe(
        prompt="The prompt's number",
        url="Link to the work (http or https), e.g. on Archive of Our Own",
        title="The work's title",
        notes="A note for readers (warnings, pairing, word count...)",
    )
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    @app_commands.guild_only()
    async def fill(
        self,
        interaction: discord.Interaction,
        prompt: int,
        url: app_commands.Range[str, 1, 2048],
        title: app_commands.Range[str, 1, 200] | None = None,
        notes: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        checked_url = validation.fill_url(url)
        checked_title = validation.title(title)
        checked_notes = validation.notes(notes)
        recorded = await self.bot.store.fills.record(
            guild_id, prompt, interaction.user.id, url=checked_url, title=checked_title, notes=checked_notes
        )
        settings = await self.bot.store.settings.get(guild_id)
        if settings.fills_channel_id is None:
            # The announcement is the public reply in this channel.
            here_restricted = age_restricted(interaction.channel)
            await interaction.response.send_message(**announcement(recorded, age_restricted_channel=here_restricted))
            self._enrich_later(recorded, here_restricted, interaction.edit_original_response)
        else:
            await interaction.response.send_message(
                f"Your fill of #{recorded.prompt.number} is recorded. Congratulations on finishing it!",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            channel_id = settings.fills_channel_id
            restricted = channel_is_age_restricted(self.bot, channel_id)
            posted = await post(self.bot, channel_id, **announcement(recorded, age_restricted_channel=restricted))
            if posted is not None:
                self._enrich_later(recorded, restricted, posted.edit)
            else:
                await interaction.followup.send(
                    f"Your fill is safely recorded, but I could not announce it in <#{channel_id}> "
                    "(the channel is gone or I may not post there). Please tell a moderator.",
                    ephemeral=True,
                    allowed_mentions=NO_MENTIONS,
                )
        if recorded.prompt.anonymous:
            await send_dm(
                self.bot,
                recorded.prompt.author_id,
                content=(f"✨ Your anonymous prompt #{recorded.prompt.number} has a new fill!"),
                embed=fill_embed(recorded, age_restricted_channel=False, prompt_link=prompt_link(recorded)),
            )
        await refresh_posted_prompt(self.bot, recorded.prompt)

    def _enrich_later(self, recorded: FillRecorded, age_restricted_channel: bool, edit: EditAnnouncement) -> None:
        """For an AO3 link, fetch the work's metadata after the announcement and edit it in (never delaying it)."""
        link = recognise(recorded.fill.url)
        if link is None or self.bot.ao3 is None:
            return
        client = self.bot.ao3

        async def enrich() -> None:
            info = await client.lookup(link)
            if info is None:
                return
            embed = ao3_embed(
                recorded, info, age_restricted_channel=age_restricted_channel, prompt_link=prompt_link(recorded)
            )
            try:
                await edit(embed=embed, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as error:
                log.warning("could not add AO3 details to the fill of #%s: %s", recorded.prompt.number, error)

        self.bot.spawn(enrich())

    @app_commands.command(name="profile", description="A member's prompts, claims and fills")
    @app_commands.describe(member="Whose profile (default: yours)")
    @app_commands.guild_only()
    async def profile(self, interaction: discord.Interaction, member: discord.User | None = None) -> None:
        who = member or interaction.user
        own = who.id == interaction.user.id
        profile = await self.bot.store.fills.profile(
            guild_id_of(interaction),
            who.id,
            include_anonymous=own,
            include_explicit=age_restricted(interaction.channel),
        )
        await interaction.response.send_message(
            embed=profile_embed(who, profile, own=own), ephemeral=own, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="stats", description="Server totals and the top fillers")
    @app_commands.guild_only()
    async def stats(self, interaction: discord.Interaction) -> None:
        stats = await self.bot.store.fills.stats(guild_id_of(interaction))
        name = interaction.guild.name if interaction.guild else "This server"
        await interaction.response.send_message(embed=stats_embed(name, stats), allowed_mentions=NO_MENTIONS)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Fills(cast("Promptfill", bot)))
