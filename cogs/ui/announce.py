"""A prompt's post in the prompts channel: posting it, keeping it current, and its buttons (Claim, Second, and a
link to each fill).

A post always shows the prompt as it stands: who claims it and until when, the claim slots left, its fills;
Claim is disabled while no slot is free and back when one opens; a closed prompt has no buttons. Every state
change edits it (`refresh_posted_prompt`).

Posts and edits of one prompt run one at a time, and each shows the prompt as the store has it when its
turn comes, not as the command that asked for it saw it: an approval racing a withdrawal, or a fill racing
one, always leaves the post showing the prompt's final state.

The Claim and Second buttons live here with the post they sit on: claiming or seconding edits the post, and the
post carries the buttons.
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from cogs.ui.embeds import excerpt, prompt_embed, prompt_name, timestamp
from db.models import Claim, Fill, GuildSettings, Prompt, Viewer
from interactions.checks import Interaction, guild_id_of, viewer_of
from interactions.refusals import report
from interactions.sending import (
    NO_MENTIONS,
    Blocked,
    channel_reader,
    deliver,
    edit_post,
    unreported,
    warn_moderators,
)
from interactions.words import plural

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)

# Discord's limits for a message's buttons: 5 rows of 5, 25 in all.
COMPONENTS_LIMIT = 25
LINK_BUTTON_URL_LIMIT = 512
BUTTON_LABEL_LIMIT = 80

# One lock per prompt (server and number) with a post in progress; a lock nobody holds or waits for is dropped
# by itself.
_turns: weakref.WeakValueDictionary[tuple[int, int], asyncio.Lock] = weakref.WeakValueDictionary()


def _turn(guild_id: int, number: int) -> asyncio.Lock:
    lock = _turns.get((guild_id, number))
    if lock is None:
        lock = _turns[(guild_id, number)] = asyncio.Lock()
    return lock


# -- claiming ---------------------------------------------------------------------------------------------


async def claim_and_reply(interaction: Interaction, number: int) -> None:
    """/claim and every Claim button: take the claim, answer, then bring the prompt's post up to date."""
    bot = interaction.client
    claim, prompt = await bot.store.claims.take(guild_id_of(interaction), number, await viewer_of(interaction))
    due = (
        f"Your deadline is {discord.utils.format_dt(claim.deadline, 'f')} ({timestamp(claim.deadline)})."
        if claim.deadline
        else "There is no deadline."
    )
    await interaction.response.send_message(
        f"✍️ You claimed {prompt_name(prompt)}. {due} When your work is posted, share it with {bot.mention('fill')}.",
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )
    await refresh_posted_prompt(bot, prompt)


# Parsed once: discord.py parses an emoji given as text on every button it builds.
CLAIM_EMOJI = discord.PartialEmoji(name="✍️")


class ClaimButton(discord.ui.DynamicItem[discord.ui.Button], template=r"promptfill:claim:(?P<number>\d+)"):
    """Claim button on posted and drawn prompts. Persistent: the prompt number lives in the custom_id."""

    def __init__(self, number: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Claim" if not disabled else "Claimed: no slot left",
                style=discord.ButtonStyle.primary if not disabled else discord.ButtonStyle.secondary,
                custom_id=f"promptfill:claim:{number}",
                emoji=CLAIM_EMOJI,
                disabled=disabled,
            )
        )
        self.number = number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> ClaimButton:
        return cls(int(match["number"]))

    async def callback(self, interaction: Interaction) -> Any:  # type: ignore[override]
        try:
            await claim_and_reply(interaction, self.number)
        except Exception as error:
            await report(interaction, error)


# -- seconding --------------------------------------------------------------------------------------------


def _wanted_by(count: int) -> str:
    return f"{plural(count, 'member')} {'wants' if count == 1 else 'want'} it filled"


async def second_and_reply(interaction: Interaction, number: int) -> None:
    """/prompt second and every Second button: toggle the member's second, answer, then bring the post up to date
    (it shows the count)."""
    bot = interaction.client
    toggled = await bot.store.seconds.toggle(guild_id_of(interaction), number, await viewer_of(interaction))
    prompt = toggled.prompt
    if toggled.seconded:
        again = bot.mention("prompt second")
        text = (
            f"🙌 You seconded {prompt_name(prompt)}: {_wanted_by(prompt.seconds)}. When it is filled, your daily "
            f"digest (a direct message) tells you. To take your second back, press Second again or use {again}."
        )
    else:
        still = _wanted_by(prompt.seconds) if prompt.seconds else "nobody has seconded it now"
        text = f"You took back your second on {prompt_name(prompt)}; {still}."
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    await refresh_posted_prompt(bot, prompt)


SECOND_EMOJI = discord.PartialEmoji(name="🙌")


class SecondButton(discord.ui.DynamicItem[discord.ui.Button], template=r"promptfill:second:(?P<number>\d+)"):
    """Second button on posted prompts: toggles the member's second. Persistent: the number lives in the custom_id."""

    def __init__(self, number: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Second",
                style=discord.ButtonStyle.secondary,
                custom_id=f"promptfill:second:{number}",
                emoji=SECOND_EMOJI,
            )
        )
        self.number = number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> SecondButton:
        return cls(int(match["number"]))

    async def callback(self, interaction: Interaction) -> Any:  # type: ignore[override]
        try:
            await second_and_reply(interaction, self.number)
        except Exception as error:
            await report(interaction, error)


# -- the post -------------------------------------------------------------------------------------------------


def slots_left(prompt: Prompt, settings: GuildSettings) -> int | None:
    """Free claim slots; None when the server sets no limit per prompt."""
    if settings.claims_per_prompt == 0:
        return None
    return max(0, settings.claims_per_prompt - prompt.active_claims)


def _fill_target(fill: Fill) -> str | None:
    """Where a fill's button leads: the work, or its announcement when the work's link is too long for a button."""
    if len(fill.url) <= LINK_BUTTON_URL_LIMIT:
        return fill.url
    if fill.message_channel_id is not None and fill.message_id is not None:
        return f"https://discord.com/channels/{fill.guild_id}/{fill.message_channel_id}/{fill.message_id}"
    return None


def post_view(
    prompt: Prompt, fills: tuple[Fill, ...], settings: GuildSettings, reader: Viewer
) -> discord.ui.View | None:
    """The post's buttons: Claim (disabled while no slot is free), Second, then one link per fill, newest last,
    within Discord's 25 buttons (the embed lists every fill). A closed prompt has none, and so has a post whose reader
    may not read the prompt (an Explicit one outside an age-restricted channel): neither a claim nor its works."""
    if not prompt.claimable or not reader.reads_text(prompt):
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(ClaimButton(prompt.number, disabled=slots_left(prompt, settings) == 0))
    view.add_item(SecondButton(prompt.number))
    targets = [(fill, url) for fill in fills if (url := _fill_target(fill)) is not None]
    room = COMPONENTS_LIMIT - len(view.children)
    for index, (fill, url) in enumerate(targets[-room:], start=max(1, len(targets) - room + 1)):
        label = excerpt(f"Read: {fill.title}" if fill.title else f"Read fill {index}", BUTTON_LABEL_LIMIT)
        view.add_item(discord.ui.Button(label=label, url=url, emoji="✨"))
    return view


def _post_embed(
    prompt: Prompt, claims: tuple[Claim, ...], fills: tuple[Fill, ...], settings: GuildSettings, reader: Viewer
) -> discord.Embed:
    """Everyone's view of the prompt: claims (with their deadlines) while it takes claims, fills once it has any."""
    return prompt_embed(
        prompt,
        reader,
        private=False,
        claims=claims if prompt.claimable else None,
        fills=fills or None,
        per_prompt=settings.claims_per_prompt,
    )


@dataclass(frozen=True)
class Published:
    """How posting a prompt went. True only when it was posted; `blocked` says which permission kept it out,
    `told` whether the moderators were warned in the log channel (a message) or why not."""

    message: discord.Message | None = None
    blocked: Blocked | None = None
    told: discord.Message | Blocked | None = None
    channel_id: int | None = None  # the prompts channel; None when the server has none

    def __bool__(self) -> bool:
        return self.message is not None


def not_posted_note(
    bot: Promptfill,
    number: int,
    published: Published,
    *,
    moderator: bool,
    opened: str = "is saved and open for claims",
) -> str | None:
    """For whoever opened a prompt whose post a missing permission kept out: it is recorded but not posted, and
    who was told; a moderator gets the details when the log channel could not carry them. None otherwise."""
    blocked = published.blocked
    if blocked is None:
        return None
    text = f"Prompt #{number} {opened}, but it could not be posted"
    if isinstance(published.told, discord.Message):
        return f"{text}: {blocked.reason()}. The moderators have been told in the log channel."
    if moderator:
        return f"{text}.{unreported(blocked, published.told)}"
    return f"{text}: {blocked.reason()}. Members can still find it with {bot.mention('prompt list')}."


async def post_open_prompt(bot: Promptfill, prompt: Prompt) -> Published:
    """Post an open prompt with its Claim button. Not posted (false) when no channel is set, the prompt is no
    longer open (withdrawn meanwhile), it is already posted, or the post failed; when a permission is missing,
    the moderators are warned in the log channel and the result says what is missing where."""
    channel_id = (await bot.store.settings.get(prompt.guild_id)).posts_channel_for(prompt)
    if channel_id is None:
        return Published()
    async with _turn(prompt.guild_id, prompt.number):
        details, settings = await bot.store.browse.as_posted(prompt.guild_id, prompt.number)
        current = details.prompt
        if not current.claimable or current.message_id is not None:
            return Published(channel_id=channel_id)
        reader = channel_reader(bot, channel_id)
        embed = _post_embed(current, details.claims, details.fills, settings, reader)
        view = post_view(current, details.fills, settings, reader)
        sent = await deliver(bot, channel_id, embed=embed, **({"view": view} if view else {}))
        if isinstance(sent, Blocked):
            what = f"Prompt #{current.number} is open for claims but could not be posted"
            told = await warn_moderators(bot, current.guild_id, what, sent)
            return Published(blocked=sent, told=told, channel_id=channel_id)
        if sent is None:
            return Published(channel_id=channel_id)
        await bot.store.prompts.set_message(current.id, sent.channel.id, sent.id)
        return Published(message=sent, channel_id=channel_id)


async def refresh_posted_prompt(bot: Promptfill, prompt: Prompt) -> Blocked | None:
    """Bring the prompt's post up to date (see refresh_post_of)."""
    return await refresh_post_of(bot, prompt.guild_id, prompt.number)


async def refresh_post_of(bot: Promptfill, guild_id: int, number: int) -> Blocked | None:
    """Bring the prompts-channel post up to date: status and slots, claims, fills and their buttons. When a
    permission keeps the edit out, the moderators are warned in the log channel and it is returned."""
    async with _turn(guild_id, number):
        details, settings = await bot.store.browse.as_posted(guild_id, number)
        current = details.prompt
        if current.message_channel_id is None or current.message_id is None:
            return None
        channel_id = current.message_channel_id
        reader = channel_reader(bot, channel_id)
        embed = _post_embed(current, details.claims, details.fills, settings, reader)
        edited = await edit_post(
            bot, channel_id, current.message_id, embed=embed, view=post_view(current, details.fills, settings, reader)
        )
    if isinstance(edited, Blocked):
        what = f"The post of prompt #{number} could not be brought up to date"
        await warn_moderators(bot, guild_id, what, edited)
        return edited
    return None
