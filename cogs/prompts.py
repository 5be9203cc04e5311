"""/prompt: submit, view, random, list, search, edit, withdraw."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui.announce import (
    ClaimButton,
    SecondButton,
    not_posted_note,
    post_open_prompt,
    refresh_posted_prompt,
    second_and_reply,
)
from cogs.ui.autocomplete import prompt_autocomplete
from cogs.ui.claiming import server_name
from cogs.ui.embeds import in_server, list_title, prompt_embed, prompt_list_embed
from cogs.ui.fandom_autocomplete import fandom_autocomplete, tag_autocomplete
from cogs.ui.near_miss import guard_name
from cogs.ui.owned import OwnedView
from cogs.ui.paginator import Paginator
from cogs.ui.search_suggestion import offer_suggestion
from db import validation
from db.browse import DrawFilters
from db.models import ListSort, Page, Prompt, PromptDraft, PromptEdit, PromptStatus, Rating
from interactions.checks import Interaction, guild_id_of, is_moderator, viewer_of
from interactions.refusals import report
from interactions.sending import NO_MENTIONS, answer_privately, log_line, note_unlogged, send_dm

if TYPE_CHECKING:
    from bot import Promptfill

PER_PAGE = 8


async def merged_name(interaction: Interaction, fandom: str | None) -> str | None:
    """The fandom a filter names, or the one moderators merged it into."""
    if fandom is None:
        return None
    return await interaction.client.store.names.canonical(guild_id_of(interaction), "fandom", fandom)


async def guarded_submission(interaction: Interaction, draft: PromptDraft) -> None:
    """Store the prompt, unless its fandom is a near miss of a known one: then after the member chooses."""

    async def store_with(chosen: Interaction, fandom: str | None) -> None:
        await store_submission(chosen, replace(draft, fandom=fandom))

    await guard_name(interaction, draft.fandom, store_with, what="post your prompt", text=draft.text)


async def store_submission(interaction: Interaction, draft: PromptDraft) -> None:
    bot = interaction.client
    prompt = await bot.store.prompts.submit(guild_id_of(interaction), interaction.user.id, draft)
    if prompt.status == "pending":
        note = "It waits for a moderator's approval; it opens for claims once approved."
    else:
        note = "It is open for claims."
    embed = prompt_embed(prompt, await viewer_of(interaction), private=True)
    await interaction.response.send_message(
        f"Thank you! Your prompt is **#{prompt.number}**. {note}",
        embed=embed,
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )
    published = await post_open_prompt(bot, prompt)
    if note := not_posted_note(bot, prompt.number, published, moderator=await is_moderator(interaction)):
        await answer_privately(interaction, note)


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
        label="Tags, comma separated (optional)",
        required=False,
        max_length=validation.TAGS_MAX * (validation.TAG_MAX + 2),  # every tag at its longest, with ", "
        custom_id="tags",
    )

    def __init__(
        self, *, rating: str | None, anonymous: bool, title: str | None, fandom: str | None, tags: str | None
    ) -> None:
        super().__init__(custom_id="promptfill:submit")
        self.rating = rating
        self.anonymous = anonymous
        self.prompt_title.default = title
        self.fandom.default = fandom
        self.tags.default = tags

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        draft = validation.draft(
            text=self.text.value,
            title_=self.prompt_title.value or None,
            fandom_=self.fandom.value or None,
            tags_=self.tags.value or None,
            rating_=self.rating,
            anonymous=self.anonymous,
        )
        await guarded_submission(interaction, draft)

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report(interaction, error)


DRAW_EMOJI = discord.PartialEmoji(name="🎲")  # parsed once, not on every draw


class DrawView(OwnedView):
    """Claim and Draw again under a drawn prompt; only the member who drew may press them."""

    def refusal(self, interaction: Interaction) -> str:
        return f"This draw belongs to someone else: use {interaction.client.mention('prompt random')} for your own."

    def __init__(self, owner_id: int, filters: DrawFilters, number: int) -> None:
        super().__init__(owner_id, timeout=900)
        self.filters = filters
        self.add_item(ClaimButton(number))
        again = discord.ui.Button(
            label="Draw again", style=discord.ButtonStyle.secondary, emoji=DRAW_EMOJI, custom_id="promptfill:draw:again"
        )
        again.callback = self.draw_again
        self.add_item(again)

    async def draw_again(self, interaction: Interaction) -> None:
        try:
            message = await draw_message(interaction, self.filters)
            await interaction.response.edit_message(**message)
        except Exception as error:
            await report(interaction, error)


async def draw_message(interaction: Interaction, filters: DrawFilters) -> dict[str, Any]:
    """A fresh draw for this member, with its Claim and Draw again buttons."""
    viewer = await viewer_of(interaction)
    prompt = await interaction.client.store.browse.draw(guild_id_of(interaction), viewer, filters)
    return {
        "content": "🎲 Your draw:",
        "embed": prompt_embed(prompt, viewer, private=True),
        "view": DrawView(interaction.user.id, filters, prompt.number),
        "allowed_mentions": NO_MENTIONS,
    }


async def run_search(interaction: Interaction, query: str) -> None:
    """The search's first page; when it finds nothing, the closest search that does (cogs/ui/search_suggestion)."""
    guild_id = guild_id_of(interaction)
    viewer = await viewer_of(interaction)
    title = f"Search: {query[:80]}"
    browse = interaction.client.store.browse

    async def fetch(page: int) -> Page[Prompt]:
        return await browse.search(guild_id, viewer, query, page=page, per_page=PER_PAGE)

    first = await fetch(0)
    if first.total == 0 and await offer_suggestion(interaction, query, viewer, run_search):
        return
    await Paginator.send(interaction, fetch, lambda p: prompt_list_embed(title, p), first=first)


class Prompts(commands.Cog):
    prompt = app_commands.Group(name="prompt", description="Post, find and manage prompts", guild_only=True)

    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ClaimButton, SecondButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ClaimButton, SecondButton)

    @prompt.command(name="submit", description="Post a prompt (without text, a form opens for long prompts)")
    @app_commands.describe(
        text="The prompt (10 to 4,000 characters); leave empty to write it in a form",
        title="A short title",
        fandom="The fandom, e.g. Good Omens",
        tags="Tags, comma separated",
        rating="G, T, M, E (Explicit) or NR (Not Rated); default NR",
        anonymous="Hide your name from other members (moderators can still see it)",
    )
    @app_commands.autocomplete(fandom=fandom_autocomplete)
    async def submit(
        self,
        interaction: Interaction,
        text: str | None = None,
        title: str | None = None,
        fandom: str | None = None,
        tags: str | None = None,
        rating: Rating | None = None,
        anonymous: bool = False,
    ) -> None:
        guild_id_of(interaction)
        if text is None:
            # What was typed into the options is checked now (a refusal before the form, not after it) and
            # prefilled as it would be stored, so the form never carries more than its fields accept.
            if rating is not None:
                validation.rating(rating)
            modal = SubmitModal(
                rating=rating,
                anonymous=anonymous,
                title=validation.title(title),
                fandom=validation.fandom(fandom),
                tags=", ".join(validation.tags(tags)) or None,
            )
            await interaction.response.send_modal(modal)
            return
        draft = validation.draft(
            text=text, title_=title, fandom_=fandom, tags_=tags, rating_=rating, anonymous=anonymous
        )
        await guarded_submission(interaction, draft)

    @prompt.command(name="view", description="Show a prompt with its claims and fills")
    @app_commands.describe(prompt="The prompt's number")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    async def view(self, interaction: Interaction, prompt: int) -> None:
        viewer = await viewer_of(interaction)
        details = await self.bot.store.browse.details(guild_id_of(interaction), prompt, viewer)
        private = viewer.reply_is_private(details.prompt, details.fills)
        # The slots left, as the prompt's post says them: not "Open for claims" when the next claim is refused.
        settings = await self.bot.store.settings.get(guild_id_of(interaction))
        embed = prompt_embed(
            details.prompt,
            viewer,
            private=private,
            claims=details.claims,
            fills=details.fills,
            per_prompt=settings.claims_per_prompt,
            seconders=details.seconders,
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
    @app_commands.autocomplete(fandom=fandom_autocomplete, tag=tag_autocomplete)
    async def random(
        self,
        interaction: Interaction,
        fandom: str | None = None,
        tag: str | None = None,
        rating: Rating | None = None,
        include_filled: bool = False,
        include_claimed: bool = False,
    ) -> None:
        filters = DrawFilters(
            fandom=await merged_name(interaction, validation.clean(fandom)),
            tag=validation.clean(tag),
            rating=rating,
            include_filled=include_filled,
            include_claimed=include_claimed,
        )
        await interaction.response.send_message(**await draw_message(interaction, filters), ephemeral=True)

    @prompt.command(name="second", description="Say you want a prompt filled too (again to take it back)")
    @app_commands.describe(prompt="The prompt's number")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    async def second(self, interaction: Interaction, prompt: int) -> None:
        await second_and_reply(interaction, prompt)

    @prompt.command(name="list", description="Browse prompts, newest or most seconded first")
    @app_commands.describe(
        status="Only prompts with this status",
        fandom="Only this fandom",
        tag="Only prompts with this tag",
        member="Only prompts posted by this member",
        sort="newest (default) or seconded: most wanted first",
    )
    @app_commands.autocomplete(fandom=fandom_autocomplete, tag=tag_autocomplete)
    async def list_(
        self,
        interaction: Interaction,
        status: PromptStatus | None = None,
        fandom: str | None = None,
        tag: str | None = None,
        member: discord.User | None = None,
        sort: ListSort = "newest",
    ) -> None:
        guild_id = guild_id_of(interaction)
        sort = validation.list_sort(sort)
        viewer = await viewer_of(interaction)
        fandom, tag = await merged_name(interaction, validation.clean(fandom)), validation.clean(tag)
        shown = {"status": status, "fandom": fandom, "tag": tag, "member": member.display_name if member else None}
        title = list_title("Most seconded prompts" if sort == "seconded" else "Prompts", shown)
        browse = self.bot.store.browse

        async def fetch(page: int) -> Page[Prompt]:
            member_id = member.id if member else None
            return await browse.list(
                guild_id,
                viewer,
                status=status,
                fandom=fandom,
                tag=tag,
                member_id=member_id,
                sort=sort,
                page=page,
                per_page=PER_PAGE,
            )

        await Paginator.send(interaction, fetch, lambda p: prompt_list_embed(title, p))

    @prompt.command(name="search", description="Search prompts by words in their text, title, fandom and tags")
    @app_commands.describe(query="Words to look for")
    async def search(self, interaction: Interaction, query: app_commands.Range[str, 1, 200]) -> None:
        await run_search(interaction, query)

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
    @app_commands.autocomplete(fandom=fandom_autocomplete)
    async def edit(
        self,
        interaction: Interaction,
        prompt: int,
        text: str | None = None,
        title: str | None = None,
        fandom: str | None = None,
        tags: str | None = None,
        rating: Rating | None = None,
    ) -> None:
        edit = validation.prompt_edit(text=text, title_=title, fandom_=fandom, tags_=tags, rating_=rating)

        async def edit_with(chosen: Interaction, fandom: str | None) -> None:
            await self._edit(chosen, prompt, replace(edit, fandom=fandom))

        await guard_name(interaction, edit.fandom, edit_with, what="make the change")

    async def _edit(self, interaction: Interaction, prompt: int, edit: PromptEdit) -> None:
        guild_id = guild_id_of(interaction)
        actor = await viewer_of(interaction)
        before, after = await self.bot.store.prompts.edit(guild_id, prompt, actor, edit)
        await interaction.response.send_message(
            f"Prompt #{after.number} updated.",
            embed=prompt_embed(after, actor, private=True),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        await refresh_posted_prompt(self.bot, after)
        if actor.acts_as_moderator_on(before):
            logged = await log_line(self.bot, guild_id, f"✏️ <@{actor.member_id}> edited prompt #{after.number}.")
            await note_unlogged(interaction, logged)

    @prompt.command(name="withdraw", description="Close a prompt (yours, or any as a moderator)")
    @app_commands.describe(prompt="The prompt's number")
    @app_commands.autocomplete(prompt=prompt_autocomplete)
    async def withdraw(self, interaction: Interaction, prompt: int) -> None:
        guild_id = guild_id_of(interaction)
        actor = await viewer_of(interaction)
        closed, ended = await self.bot.store.prompts.withdraw(guild_id, prompt, actor)
        ended_note = f" {len(ended)} claim{'s' if len(ended) != 1 else ''} on it ended." if ended else ""
        await interaction.response.send_message(
            f"Prompt #{closed.number} is withdrawn (closed). Its fills and history are kept.{ended_note}",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        named = in_server(closed, server_name(self.bot, guild_id))
        for claim in ended:
            await send_dm(
                self.bot,
                claim.member_id,
                content=f"Your claim on {named} has ended: the prompt was withdrawn. Thank you for picking it up!",
            )
        await refresh_posted_prompt(self.bot, closed)
        if actor.acts_as_moderator_on(closed):
            logged = await log_line(self.bot, guild_id, f"🚫 <@{actor.member_id}> withdrew prompt #{closed.number}.")
            await note_unlogged(interaction, logged)


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Prompts(bot))
