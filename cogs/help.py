"""/help: what this server runs and the commands a member uses, as clickable mentions; moderators also get
theirs. Read from the command tree itself, so it names exactly the commands the bot has."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui.embeds import help_embed
from interactions.checks import Interaction, guild_id_of, is_moderator, require_moderator
from interactions.sending import NO_MENTIONS

if TYPE_CHECKING:
    from bot import Promptfill

# Members' commands by what they do, named by their top-level command; a member command not named here still
# shows, under "More", so a new command is never left out of /help.
MEMBER_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("📝 Prompts: post ideas, find one to write", ("prompt",)),
    (
        "✍️ Claims and fills: promise to write one, then share your work",
        ("claim", "unclaim", "claims", "fill", "unfill", "reveal"),
    ),
    ("🎁 Exchanges: sign up, see your assignment, post your gift", ("exchange",)),
)
MORE_SECTION = "More"
MODERATOR_SECTION = "🛡️ For moderators"

Leaf = app_commands.Command  # type: ignore[type-arg]


def leaves(command: app_commands.Command | app_commands.Group) -> Iterator[Leaf]:  # type: ignore[type-arg]
    if isinstance(command, app_commands.Group):
        for child in command.commands:
            yield from leaves(child)
    else:
        yield command


def for_moderators(top: app_commands.Command | app_commands.Group, leaf: Leaf) -> bool:  # type: ignore[type-arg]
    """Hidden from members by Discord (default permissions on the top-level command), or checked at run time."""
    hidden = top.default_permissions is not None and top.default_permissions.value != 0
    return hidden or require_moderator in leaf.checks


def command_sections(bot: Promptfill, *, moderator: bool) -> list[tuple[str, list[str]]]:
    """The sections of /help, each a list of clickable command mentions in the tree's order."""
    member: dict[str, list[str]] = {title: [] for title, _ in MEMBER_SECTIONS}
    member[MORE_SECTION] = []
    moderators: list[str] = []
    for top in bot.tree.get_commands(type=discord.AppCommandType.chat_input):
        if not isinstance(top, app_commands.Command | app_commands.Group):
            continue  # context menus have no slash to mention
        section = next((title for title, names in MEMBER_SECTIONS if top.name in names), MORE_SECTION)
        for leaf in leaves(top):
            mention = bot.mention(leaf.qualified_name)
            if for_moderators(top, leaf):
                moderators.append(mention)
            else:
                member[section].append(mention)
    sections = list(member.items())
    if moderator:
        for index, chunk in enumerate(_chunks(moderators, FIELD_ROOM)):
            sections.append((MODERATOR_SECTION if index == 0 else f"{MODERATOR_SECTION} (continued)", chunk))
    return sections


FIELD_ROOM = 1000  # an embed field holds 1,024 characters: more mentions than that go on in another field


def _chunks(mentions: list[str], room: int) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    for mention in mentions:
        if chunks[-1] and len(" ".join([*chunks[-1], mention])) > room:
            chunks.append([])
        chunks[-1].append(mention)
    return chunks


class Help(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this server's prompt meme is and which commands to use")
    @app_commands.guild_only()
    async def help(self, interaction: Interaction) -> None:
        settings = await self.bot.store.settings.get(guild_id_of(interaction))
        where = (
            f" New prompts appear in <#{settings.prompts_channel_id}>."
            if settings.prompts_channel_id
            else " Moderators have not chosen a prompts channel yet."
        )
        about = (
            "**Prompt meme**: members post story ideas (prompts); writers claim one, write it and share the work "
            f"(a fill).{where}\n"
            "**Exchanges**: gift rounds: sign up with what you would love and what you can write, get matched, "
            "and write a gift for your recipient."
        )
        sections = command_sections(self.bot, moderator=await is_moderator(interaction))
        await interaction.response.send_message(
            embed=help_embed(about, sections), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Help(bot))
