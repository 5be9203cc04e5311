"""/follow, /unfollow and /following, and the daily digest: once a day at most, one direct message per member and
server with what is new in what they follow and the fills of the prompts they seconded."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui.autocomplete import prompt_autocomplete
from cogs.ui.claiming import server_name
from cogs.ui.fandom_autocomplete import fandom_autocomplete, tag_autocomplete
from cogs.ui.following import (
    digest_message,
    followed_answer,
    followed_fandoms,
    followed_prompts,
    followed_tags,
    following_answer,
    unfollowed_answer,
)
from db.errors import FollowNeedsOneThing
from db.follows import Digest
from db.models import FollowKind
from interactions.checks import Interaction, guild_id_of, viewer_of
from interactions.sending import NO_MENTIONS, TRANSIENT_ERRORS, Delivery, dm_delivery

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)

DESCRIPTIONS = {
    "fandom": "A fandom: hear of its new prompts",
    "tag": "A tag: hear of new prompts with it",
    "member": "A member: hear of the prompts they post under their name",
    "prompt": "A prompt's number: hear of its new fills",
}


def one_thing(
    action: str, fandom: str | None, tag: str | None, member: discord.User | None, prompt: int | None
) -> tuple[FollowKind, str | int]:
    """The one option given; none or several is refused before anything is read."""
    options: tuple[tuple[FollowKind, str | int | None], ...] = (
        ("fandom", fandom),
        ("tag", tag),
        ("member", member.id if member is not None else None),
        ("prompt", prompt),
    )
    given: list[tuple[FollowKind, str | int]] = [(kind, value) for kind, value in options if value is not None]
    if len(given) != 1:
        raise FollowNeedsOneThing(action, len(given))
    return given[0]


class Following(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @app_commands.command(name="follow", description="Hear once a day of new prompts and fills in what you follow")
    @app_commands.describe(**DESCRIPTIONS)
    @app_commands.autocomplete(fandom=fandom_autocomplete, tag=tag_autocomplete)
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    @app_commands.guild_only()
    async def follow(
        self,
        interaction: Interaction,
        fandom: str | None = None,
        tag: str | None = None,
        member: discord.User | None = None,
        prompt: int | None = None,
    ) -> None:
        kind, value = one_thing("follow", fandom, tag, member, prompt)
        viewer = await viewer_of(interaction)
        made = await self.bot.store.follows.follow(guild_id_of(interaction), viewer, kind, value)
        await interaction.response.send_message(
            followed_answer(self.bot, made), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="unfollow", description="Stop hearing of something you follow")
    @app_commands.describe(
        fandom="A fandom you follow", tag="A tag you follow", member="A member you follow", prompt="A prompt you follow"
    )
    @app_commands.autocomplete(fandom=followed_fandoms, tag=followed_tags)
    @app_commands.autocomplete(prompt=followed_prompts)
    @app_commands.guild_only()
    async def unfollow(
        self,
        interaction: Interaction,
        fandom: str | None = None,
        tag: str | None = None,
        member: discord.User | None = None,
        prompt: int | None = None,
    ) -> None:
        kind, value = one_thing("unfollow", fandom, tag, member, prompt)
        viewer = await viewer_of(interaction)
        gone = await self.bot.store.follows.unfollow(guild_id_of(interaction), viewer, kind, value)
        await interaction.response.send_message(unfollowed_answer(gone), ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="following", description="What you follow in this server (only you see it)")
    @app_commands.guild_only()
    async def following(self, interaction: Interaction) -> None:
        guild_id = guild_id_of(interaction)
        follows = await self.bot.store.follows.of_member(guild_id, interaction.user.id)
        viewer = await viewer_of(interaction)
        text = following_answer(self.bot, follows, server_name(self.bot, guild_id), viewer)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """A member who left (or was removed) follows nothing there any more. Discord sends this only to bots with
        the members intent, which Promptfill does not ask for; the digest checks membership itself before sending."""
        await self.bot.store.follows.forget_member(payload.guild_id, payload.user.id)

    async def sweep(self) -> None:
        """The digests a day or more behind: each gathered, sent on its own (a member whose direct messages are
        closed costs nobody else theirs) and marked covered once sent, refused for good, or found empty. One that
        did not get through is tried again on the next pass."""
        store = self.bot.store
        for guild_id, member_id in await store.follows.due():
            digest = await store.follows.gather(guild_id, member_id)
            if digest is None:
                continue
            guild = self.bot.get_guild(guild_id)
            if digest.empty or guild is None:  # nothing new, or Promptfill is no longer in that server
                await store.follows.covered(digest, sent=False)
                continue
            await self._send(guild, digest)

    async def _send(self, guild: discord.Guild, digest: Digest) -> None:
        store = self.bot.store
        member = await self._still_member(guild, digest.member_id)
        if member is None:
            return  # Discord could not say now: the next pass asks again
        if not member:
            await store.follows.forget_member(digest.guild_id, digest.member_id)
            return
        delivery = await dm_delivery(self.bot, digest.member_id, **digest_message(self.bot, digest))
        if delivery is not Delivery.FAILED:
            await store.follows.covered(digest, sent=delivery is Delivery.SENT)

    async def _still_member(self, guild: discord.Guild, member_id: int) -> bool | None:
        """Whether the member is still in the server (the bot keeps no member list, so Discord is asked); None when
        Discord could not be reached."""
        if guild.get_member(member_id) is not None:
            return True
        try:
            await guild.fetch_member(member_id)
        except discord.NotFound:
            return False
        except discord.HTTPException as error:
            return None if error.status >= 500 else True
        except TRANSIENT_ERRORS:
            return None
        return True


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Following(bot))
