"""/prompt: submit, view, random, list, search, edit, withdraw."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.common import (
    NO_MENTIONS,
    age_restricted,
    bot_of,
    guild_id_of,
    is_moderator,
    log_line,
    prompt_autocomplete,
    send_dm,
    viewer_of,
)
from cogs.errors import report
from cogs.ui.announce import post_open_prompt, refresh_posted_prompt
from cogs.ui.claiming import ClaimButton
from cogs.ui.embeds import prompt_embed, prompt_list_embed
from cogs.ui.owned import OwnedView
from cogs.ui.paginator import Paginator
from db import validation
from db.models import Page, Prompt, PromptDraft
from db.prompts import DrawFilters

RatingChoice = Literal["G", "T", "M", "E", "NR"]
StatusChoice = Literal["pending", "open", "filled", "closed", "rejected"]
PER_PAGE = 8


async def store_submission(interaction: discord.Interaction, draft: PromptDraft) -> None:
    bot = bot_of(interaction)
    prompt = await bot.store.prompts.submit(guild_id_of(interaction), interaction.user.id, draft)
    if prompt.status == "pending":
        note = "It waits for a moderator's approval; it opens for claims once approved."
    else:
        note = "It is open for claims."
    embed = prompt_embed(prompt, age_restricted_channel=age_restricted(interaction.channel), reveal_anonymous=True)
    await interaction.response.send_message(
        f"Thank you! Your prompt is **#{prompt.number}**. {note}",
        embed=embed,
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )
    await post_open_prompt(bot, prompt)


class SubmitModal(discord.ui.Modal, title="Submit a prompt"):
    text: discord.ui.TextInput[SubmitModal] = discord.ui.TextInput(
        label="Prompt",
        style=discord.TextStyle.paragraph,
        min_length=validation.TEXT_MIN,
        max_length=validation.TEXT_MAX,
        custom_id="text",
    )
    prompt_title: discord.ui.TextInput[SubmitModal] = discord.ui.TextInput(
        label="Title (optional)", required=False, max_length=validation.TITLE_MAX, custom_id="title"
    )
    fandom: discord.ui.TextInput[SubmitModal] = discord.ui.TextInput(
        label="Fandom (optional)", required=False, max_length=validation.FANDOM_MAX, custom_id="fandom"
    )
    tags: discord.ui.TextInput[SubmitModal] = discord.ui.TextInput(
        label="Tags, comma separated (optional)", required=False, max_length=1000, custom_id="tags"
    )

    def __init__(self, *, rating: str | None, anonymous: bool, defaults: dict[str, str | None]) -> None:
        super().__init__(custom_id="promptfill:submit")
        self.rating = rating
        self.anonymous = anonymous
        self.prompt_title.default = defaults.get("title")
        self.fandom.default = defaults.get("fandom")
        self.tags.default = defaults.get("tags")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        draft = validation.draft(
            text=self.text.value,
            title_=self.prompt_title.value or None,
            fandom_=self.fandom.value or None,
            tags_=self.tags.value or None,
            rating_=self.rating,
            anonymous=self.anonymous,
        )
        await store_submission(interaction, draft)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report(interaction, error)


class DrawView(OwnedView):
    """Claim and Draw again under a drawn prompt; only the member who drew may press them."""

    not_yours = "This draw belongs to someone else: use `/prompt random` for your own."

    def __init__(self, owner_id: int, filters: DrawFilters, number: int) -> None:
        super().__init__(owner_id, timeout=900)
        self.filters = filters
        self.add_item(ClaimButton(number))
        again = discord.ui.Button(
            label="Draw again", style=discord.ButtonStyle.secondary, emoji="🎲", custom_id="promptfill:draw:again"
        )
        again.callback = self.draw_again
        self.add_item(again)

    async def draw_again(self, interaction: discord.Interaction) -> None:
        try:
            viewer = await viewer_of(interaction)
            prompt = await bot_of(interaction).store.prompts.draw(guild_id_of(interaction), viewer, self.filters)
            await interaction.response.edit_message(**draw_message(interaction, prompt, self.filters))
        except Exception as error:
            await report(interaction, error)


def draw_message(interaction: discord.Interaction, prompt: Prompt, filters: DrawFilters) -> dict[str, Any]:
    return {
        "content": "🎲 Your draw:",
        "embed": prompt_embed(prompt, age_restricted_channel=age_restricted(interaction.channel)),
        "view": DrawView(interaction.user.id, filters, prompt.number),
        "allowed_mentions": NO_MENTIONS,
    }


def list_title(base: str, filters: dict[str, Any]) -> str:
    shown = [f"{name}: {value}" for name, value in filters.items() if value is not None]
    return f"{base} ({', '.join(shown)})" if shown else base


class Prompts(commands.Cog):
    prompt = app_commands.Group(name="prompt", description="Post, find and manage prompts", guild_only=True)

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ClaimButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ClaimButton)

    @prompt.command(name="submit", description="Post a prompt (without text, a form opens for long prompts)")
    @app_commands.describe(
        text="The prompt (10 to 4,000 characters); leave empty to write it in a form",
        title="A short title",
        fandom="The fandom, e.g. Good Omens",
        tags="Tags, comma separated",
        rating="G, T, M, E (Explicit) or NR (Not Rated); default NR",
        anonymous="Hide your name from other members (moderators can still see it)",
    )
    async def submit(
        self,
        interaction: discord.Interaction,
        text: str | None = None,
        title: str | None = None,
        fandom: str | None = None,
        tags: str | None = None,
        rating: RatingChoice | None = None,
        anonymous: bool = False,
    ) -> None:
        guild_id_of(interaction)
        if text is None:
            if rating is not None:
                validation.rating(rating)
            modal = SubmitModal(
                rating=rating, anonymous=anonymous, defaults={"title": title, "fandom": fandom, "tags": tags}
            )
            await interaction.response.send_modal(modal)
            return
        draft = validation.draft(
            text=text, title_=title, fandom_=fandom, tags_=tags, rating_=rating, anonymous=anonymous
        )
        await store_submission(interaction, draft)

    @prompt.command(name="view", description="Show a prompt with its claims and fills")
    @app_commands.describe(prompt="The prompt's number")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    async def view(self, interaction: discord.Interaction, prompt: int) -> None:
        viewer = await viewer_of(interaction)
        details = await bot_of(interaction).store.prompts.details(guild_id_of(interaction), prompt, viewer)
        shown = details.prompt
        reveal = viewer.is_moderator and shown.anonymous
        private = reveal or shown.status in ("pending", "rejected")
        embed = prompt_embed(
            shown,
            age_restricted_channel=viewer.age_restricted_channel,
            reveal_anonymous=reveal,
            claims=details.claims,
            fills=details.fills,
        )
        await interaction.response.send_message(embed=embed, ephemeral=private, allowed_mentions=NO_MENTIONS)

    @prompt.command(name="random", description="Draw a random prompt to write")
    @app_commands.describe(
        fandom="Only this fandom",
        tag="Only prompts with this tag",
        rating="Only this rating",
        include_filled="Also draw prompts that already have a fill",
        include_claimed="Also draw prompts whose claim slots are taken",
    )
    async def random(
        self,
        interaction: discord.Interaction,
        fandom: str | None = None,
        tag: str | None = None,
        rating: RatingChoice | None = None,
        include_filled: bool = False,
        include_claimed: bool = False,
    ) -> None:
        filters = DrawFilters(
            fandom=validation.clean(fandom),
            tag=validation.clean(tag),
            rating=rating,
            include_filled=include_filled,
            include_claimed=include_claimed,
        )
        viewer = await viewer_of(interaction)
        drawn = await bot_of(interaction).store.prompts.draw(guild_id_of(interaction), viewer, filters)
        await interaction.response.send_message(**draw_message(interaction, drawn, filters), ephemeral=True)

    @prompt.command(name="list", description="Browse prompts, newest first")
    @app_commands.describe(
        status="Only prompts with this status",
        fandom="Only this fandom",
        tag="Only prompts with this tag",
        member="Only prompts posted by this member",
    )
    async def list_(
        self,
        interaction: discord.Interaction,
        status: StatusChoice | None = None,
        fandom: str | None = None,
        tag: str | None = None,
        member: discord.User | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        viewer = await viewer_of(interaction)
        store = bot_of(interaction).store
        fandom, tag = validation.clean(fandom), validation.clean(tag)
        title = list_title(
            "Prompts",
            {"status": status, "fandom": fandom, "tag": tag, "member": member.display_name if member else None},
        )

        async def fetch(page: int) -> Page[Prompt]:
            return await store.prompts.list(
                guild_id,
                viewer,
                status=status,
                fandom=fandom,
                tag=tag,
                member_id=member.id if member else None,
                page=page,
                per_page=PER_PAGE,
            )

        await Paginator.send(
            interaction,
            fetch,
            lambda p: prompt_list_embed(title, p),
        )

    @prompt.command(name="search", description="Search prompts by words in their text, title, fandom and tags")
    @app_commands.describe(query="Words to look for")
    async def search(self, interaction: discord.Interaction, query: app_commands.Range[str, 1, 200]) -> None:
        guild_id = guild_id_of(interaction)
        viewer = await viewer_of(interaction)
        store = bot_of(interaction).store
        title = f"Search: {query[:80]}"

        async def fetch(page: int) -> Page[Prompt]:
            return await store.prompts.search(guild_id, viewer, query, page=page, per_page=PER_PAGE)

        await Paginator.send(
            interaction,
            fetch,
            lambda p: prompt_list_embed(title, p),
        )

    @prompt.command(name="edit", description="Change a prompt (yours while unclaimed; moderators always)")
    @app_commands.describe(
        prompt="The prompt's number",
        text="New text",
        title="New title",
        fandom="New fandom",
        tags="New tags, comma separated (replaces the old ones)",
        rating="New rating",
    )
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    async def edit(
        self,
        interaction: discord.Interaction,
        prompt: int,
        text: str | None = None,
        title: str | None = None,
        fandom: str | None = None,
        tags: str | None = None,
        rating: RatingChoice | None = None,
    ) -> None:
        bot = bot_of(interaction)
        guild_id = guild_id_of(interaction)
        changes: dict[str, Any] = {}
        if text is not None:
            changes["text"] = validation.prompt_text(text)
        if title is not None:
            changes["title"] = validation.title(title)
        if fandom is not None:
            changes["fandom"] = validation.fandom(fandom)
        if tags is not None:
            changes["tags"] = validation.tags(tags)
        if rating is not None:
            changes["rating"] = validation.rating(rating)
        moderator = await is_moderator(interaction)
        before, after = await bot.store.prompts.edit(
            guild_id, prompt, interaction.user.id, is_moderator=moderator, changes=changes
        )
        embed = prompt_embed(
            after,
            age_restricted_channel=age_restricted(interaction.channel),
            reveal_anonymous=moderator or after.author_id == interaction.user.id,
        )
        await interaction.response.send_message(
            f"Prompt #{after.number} updated.", embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        await refresh_posted_prompt(bot, after)
        if before.author_id != interaction.user.id:
            await log_line(bot, guild_id, f"✏️ <@{interaction.user.id}> edited prompt #{after.number}.")

    @prompt.command(name="withdraw", description="Close a prompt (yours, or any as a moderator)")
    @app_commands.describe(prompt="The prompt's number")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    async def withdraw(self, interaction: discord.Interaction, prompt: int) -> None:
        bot = bot_of(interaction)
        guild_id = guild_id_of(interaction)
        moderator = await is_moderator(interaction)
        closed, ended = await bot.store.prompts.withdraw(guild_id, prompt, interaction.user.id, is_moderator=moderator)
        ended_note = f" {len(ended)} claim{'s' if len(ended) != 1 else ''} on it ended." if ended else ""
        await interaction.response.send_message(
            f"Prompt #{closed.number} is withdrawn (closed). Its fills and history are kept.{ended_note}",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        for claim in ended:
            await send_dm(
                bot,
                claim.member_id,
                content=(
                    f"Prompt #{closed.number} in **{interaction.guild.name if interaction.guild else 'the server'}** "
                    "was withdrawn, so your claim on it has ended. Thank you for picking it up!"
                ),
            )
        await refresh_posted_prompt(bot, closed)
        if closed.author_id != interaction.user.id:
            await log_line(bot, guild_id, f"🚫 <@{interaction.user.id}> withdrew prompt #{closed.number}.")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Prompts(bot))
