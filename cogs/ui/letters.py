"""Letters and the sign-up summary as members read them (issue 23): the letter's embeds, the form that writes it,
the assignment with the recipient's letter (direct message and private answers), and the summary's pages.

A letter is member text: it goes out only in embeds, never pinging (NO_MENTIONS everywhere), and only to its
writer, to whoever writes for them (their giver, a pinch hitter once they take it) and to moderators' exports.
A whole letter (4,000 characters of text and 1,000 of do-not-wants) fits one message; beside an assignment it
may not, so `packed` moves what does not fit into further messages, each within Discord's limits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import discord

from cogs.ui.embeds import EMBED_TOTAL_LIMIT, LINK_URL_LIMIT, fitted, lines_within, link
from cogs.ui.owned import OwnedView
from cogs.ui.paginator import Paginator
from db.errors import WrongPhase
from db.exchange_models import Exchange, Secrecy
from db.exchange_summary import SUMMARY_MIN_SIGNUPS, FandomTally, SignupSummary
from db.letters import DNW_MAX, TEXT_MAX, URL_MAX, Letter, letter_changes
from db.models import Page
from interactions.checks import Interaction, guild_id_of, is_moderator
from interactions.refusals import report
from interactions.sending import Delivery, answer_privately, dm_delivery
from interactions.words import plural

if TYPE_CHECKING:
    from bot import Promptfill

COLOUR = discord.Colour.purple()  # the exchanges' colour (cogs/ui/exchange_embeds.py)
DNW_COLOUR = discord.Colour.dark_red()  # do-not-wants stand apart from the letter at a glance
EMBEDS_PER_MESSAGE = 10  # Discord's limit
STATUS_SUMMARY_ROOM = 1500  # the summary beside a moderator's status: the least offered fandoms that fit


# -- the letter -------------------------------------------------------------------------------------------------


def letter_embeds(exchange: Exchange, letter: Letter, *, whose: str) -> list[discord.Embed]:
    """The letter (its text, and the link to a letter posted elsewhere), then the do-not-wants in an embed of
    their own. `whose`: "Your letter" for its writer, "Their letter" for a giver."""
    embeds: list[discord.Embed] = []
    if letter.text or letter.url:
        embed = discord.Embed(title=f"{whose} · {exchange.name}", colour=COLOUR)
        embed.description = letter.text or "The letter is posted elsewhere: follow the link."
        if letter.url:
            embed.url = letter.url  # the title links to it, whatever its length (Discord takes 2,048)
            host = urlsplit(letter.url).hostname or "the web"
            shown = link(f"Read it on {host}", letter.url) if len(letter.url) <= LINK_URL_LIMIT else None
            embed.add_field(name="Posted elsewhere", value=shown or "The title above links to it.", inline=False)
        embeds.append(fitted(embed))
    if letter.dnw:
        embeds.append(fitted(discord.Embed(title="Do not want", description=letter.dnw, colour=DNW_COLOUR)))
    return embeds


def packed(
    content: str, embeds: list[discord.Embed], extra: list[discord.Embed], continued: str
) -> list[dict[str, Any]]:
    """A message of `content` and `embeds`, with `extra` embeds added while it stays within Discord's 6,000
    characters across a message's embeds (and 10 embeds); the rest go in further messages saying `continued`."""
    messages: list[dict[str, Any]] = [{"content": content, "embeds": list(embeds)}]
    for embed in extra:
        last = messages[-1]["embeds"]
        if len(last) < EMBEDS_PER_MESSAGE and sum(len(e) for e in last) + len(embed) <= EMBED_TOTAL_LIMIT:
            last.append(embed)
        else:
            messages.append({"content": continued, "embeds": [embed]})
    return messages


def _assignment_with_letter(
    message: dict[str, Any], exchange: Exchange, letter: Letter | None, where: str
) -> list[dict[str, Any]]:
    extra = letter_embeds(exchange, letter, whose="Their letter") if letter else []
    continued = f"🎁 Your recipient's letter, for your assignment in {where}."
    return packed(message["content"], [message["embed"]], extra, continued)


async def dm_assignment(
    bot: Promptfill, giver: int, message: dict[str, Any], exchange: Exchange, letter: Letter | None, where: str
) -> Delivery:
    """The assignment's direct message (`message`, from exchange_embeds.assignment_message) with the recipient's
    letter. How the first message went is the delivery; the letter's further messages follow only when it
    arrived (if one of those fails, /exchange assignment still shows the whole letter)."""
    first, *rest = _assignment_with_letter(message, exchange, letter, where)
    outcome = await dm_delivery(bot, giver, **first)
    if outcome is Delivery.SENT:
        for more in rest:
            await dm_delivery(bot, giver, **more)
    return outcome


async def answer_assignment(
    interaction: Interaction, content: str, embed: discord.Embed, exchange: Exchange, recipient_id: int
) -> None:
    """A private answer showing an assignment (/exchange assignment, a pinch hit just taken) with its letter."""
    letters = await interaction.client.store.letters.of_members(exchange.id, [recipient_id])
    where = f"**{exchange.name}**"
    for message in _assignment_with_letter(
        {"content": content, "embed": embed}, exchange, letters.get(recipient_id), where
    ):
        await answer_privately(interaction, message["content"], embeds=message["embeds"])


async def _answer_letter(
    interaction: Interaction, text: str, exchange: Exchange, letter: Letter | None, *, editable: bool
) -> None:
    embeds = letter_embeds(exchange, letter, whose="Your letter") if letter else []
    messages = packed(text, [], embeds, f"Your letter for **{exchange.name}**, continued.")
    view = LetterView(interaction.user.id, exchange.name, written=letter is not None) if editable else None
    for number, message in enumerate(messages, start=1):
        extra: dict[str, Any] = {"view": view} if view is not None and number == len(messages) else {}
        await answer_privately(interaction, message["content"], embeds=message["embeds"], **extra)


def _saved_text(bot: Promptfill, exchange: Exchange, letter: Letter | None) -> str:
    if letter is None:
        return f"Your letter for **{exchange.name}** is removed: nothing of it is left to show your giver."
    return (
        f"Your letter for **{exchange.name}** is saved. Your giver reads it with their assignment, the do-not-wants"
        f" set apart; you can change it until assignments are sent ({bot.mention('exchange letter')} again, or"
        " **Edit your letter**)."
    )


async def letter_command(
    interaction: Interaction, exchange: str | None, *, text: str | None, url: str | None, dnw: str | None
) -> None:
    """/exchange letter: with options, sets those parts of the member's letter; without, shows it."""
    bot = interaction.client
    guild_id = guild_id_of(interaction)
    given = tuple(part for part, value in (("text", text), ("url", url), ("dnw", dnw)) if value is not None)
    if given:
        changes = letter_changes(text=text, url=url, dnw=dnw, given=given)
        found, letter = await bot.store.letters.write(guild_id, exchange, interaction.user.id, changes)
        await _answer_letter(interaction, _saved_text(bot, found, letter), found, letter, editable=True)
        return
    found, letter = await bot.store.letters.own(guild_id, exchange, interaction.user.id)
    editable = found.allows("write a letter")
    if letter is None:
        how = (
            " Tell your giver what you would love (and what you would rather not get): press **Write your letter**,"
            " where line breaks are kept, or use the `text`, `url` and `dnw` options."
            if editable
            else ""
        )
        await _answer_letter(
            interaction, f"You have no letter for **{found.name}**.{how}", found, None, editable=editable
        )
        return
    when = (
        "You can change it until assignments are sent."
        if editable
        else "Assignments have been sent, so it stays as it is now."
    )
    text_shown = f"Your letter for **{found.name}**, as your giver reads it. {when}"
    await _answer_letter(interaction, text_shown, found, letter, editable=editable)


class LetterModal(discord.ui.Modal, title="Your letter"):
    """The whole letter in one form: line breaks are kept, and a part left empty is removed."""

    text: discord.ui.TextInput[LetterModal] = discord.ui.TextInput(
        label="Letter (line breaks are kept)",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=TEXT_MAX,
        placeholder="Dear giver, what you would love to read: characters, moods, tropes…",
        custom_id="text",
    )
    url: discord.ui.TextInput[LetterModal] = discord.ui.TextInput(
        label="Link to a letter posted elsewhere (optional)",
        required=False,
        max_length=URL_MAX,
        placeholder="https://…",
        custom_id="url",
    )
    dnw: discord.ui.TextInput[LetterModal] = discord.ui.TextInput(
        label="Do not want (optional)",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=DNW_MAX,
        placeholder="What you would rather not receive",
        custom_id="dnw",
    )

    def __init__(self, exchange: str, letter: Letter | None) -> None:
        super().__init__(custom_id="promptfill:letter")
        self.exchange = exchange
        if letter is not None:
            self.text.default = letter.text
            self.url.default = letter.url
            self.dnw.default = letter.dnw

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        changes = letter_changes(text=self.text.value, url=self.url.value, dnw=self.dnw.value)
        bot = interaction.client
        found, letter = await bot.store.letters.write(
            guild_id_of(interaction), self.exchange, interaction.user.id, changes
        )
        await _answer_letter(interaction, _saved_text(bot, found, letter), found, letter, editable=True)

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report(interaction, error)


class LetterView(OwnedView):
    """Write or Edit under a member's own letter: opens the form with the letter as it stands now."""

    not_yours = "This letter belongs to someone else: `/exchange letter` shows yours."

    def __init__(self, owner_id: int, exchange: str, *, written: bool) -> None:
        super().__init__(owner_id, timeout=600)
        self.exchange = exchange
        self.edit.label = "Edit your letter" if written else "Write your letter"

    @discord.ui.button(label="Edit your letter", style=discord.ButtonStyle.primary, custom_id="promptfill:letter:edit")
    async def edit(self, interaction: Interaction, button: discord.ui.Button) -> None:
        # Read again: the letter may have changed since this answer was shown (another command, another form).
        found, letter = await interaction.client.store.letters.own(
            guild_id_of(interaction), self.exchange, interaction.user.id
        )
        if not found.allows("write a letter"):  # sent since this answer was shown: say so before the form, not after
            raise WrongPhase(found.name, found.phase, "write a letter")
        await interaction.response.send_modal(LetterModal(found.name, letter))


# -- the sign-up summary ----------------------------------------------------------------------------------------


def _tally_line(tally: FandomTally) -> str:
    name = discord.utils.escape_markdown(tally.fandom)
    return f"**{name}** · {plural(tally.requests, 'request')} · {plural(tally.offers, 'offer')}"


def _summary_head(summary: SignupSummary) -> str:
    head = (
        f"{plural(summary.signups, 'sign-up')}: {plural(summary.requests, 'request')} and"
        f" {plural(summary.offers, 'offer')} in {plural(summary.fandoms, 'fandom')}. The least offered come first:"
        " an offer there is the one most wanted. Nobody is named."
    )
    if not summary.shown_to_members:
        head += f" Members see this once the exchange has {SUMMARY_MIN_SIGNUPS} sign-ups."
    return head


def summary_embed(summary: SignupSummary, page: Page[FandomTally]) -> discord.Embed:
    embed = discord.Embed(title=f"Requests and offers · {summary.exchange.name}", colour=COLOUR)
    lines = [_tally_line(t) for t in page.items]
    embed.description = _summary_head(summary) + "\n\n" + lines_within(lines, 3500, empty="No requests or offers yet.")
    embed.set_footer(text=f"Page {page.page + 1} of {page.page_count}")
    return fitted(embed)


async def summary_command(interaction: Interaction, exchange: str | None) -> None:
    """/exchange summary: the pages of requests and offers per fandom (members from SUMMARY_MIN_SIGNUPS sign-ups)."""
    store = interaction.client.store.summaries
    guild_id = guild_id_of(interaction)
    moderator = await is_moderator(interaction)
    summary, first = await store.page(guild_id, exchange, moderator=moderator)
    shown = {"summary": summary}

    async def fetch(number: int) -> Page[Any]:
        shown["summary"], page = await store.page(guild_id, summary.exchange.name, moderator=moderator, page=number)
        return page

    def render(page: Page[Any]) -> discord.Embed:
        return summary_embed(shown["summary"], page)

    await Paginator.send(interaction, fetch, render, first=first)


async def moderators_summary(interaction: Interaction, exchange: Exchange, secrecy: Secrecy) -> list[discord.Embed]:
    """For a moderator's /exchange status: the least offered fandoms that fit beside it (none for members, and
    none before anyone names a fandom)."""
    if not secrecy.sees_everyone:
        return []
    summary, first = await interaction.client.store.summaries.page(
        guild_id_of(interaction), exchange.name, moderator=True
    )
    if not first.items:
        return []
    embed = discord.Embed(title=f"Requests and offers · {exchange.name}", colour=COLOUR)
    lines = [_tally_line(t) for t in first.items]
    cut = first.page_count > 1 or len("\n".join(lines)) > STATUS_SUMMARY_ROOM
    every = f"\n{interaction.client.mention('exchange summary')} shows every fandom, page by page." if cut else ""
    embed.description = _summary_head(summary) + "\n\n" + lines_within(lines, STATUS_SUMMARY_ROOM) + every
    return [fitted(embed)]


async def answer_status(interaction: Interaction, status: discord.Embed, exchange: Exchange, secrecy: Secrecy) -> None:
    """/exchange status: the status, with the summary beside it for moderators (in a second message if the two
    would pass Discord's 6,000 characters together)."""
    extra = await moderators_summary(interaction, exchange, secrecy)
    for message in packed("", [status], extra, ""):
        await answer_privately(interaction, message["content"], embeds=message["embeds"])
