"""Every exchange message: sign-ups, assignments, status, pinch hits and reveal posts.

Each renderer asks `Secrecy` (db/exchange_models.py) before naming a giver or showing a gift, so no
renderer can leak what the rule hides. Embeds go through `fitted` like every other embed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from cogs.ui.embeds import excerpt, fitted, lines_within, link
from db.exchange_models import (
    ASSIGNED,
    NOMINATIONS,
    REVEALED_PHASES,
    SIGNUPS,
    Assignment,
    Exchange,
    ExchangeOffer,
    ExchangeRequest,
    ExchangeStatus,
    Gift,
    NominatedFandom,
    Secrecy,
    Signup,
)
from db.match_types import Match
from db.models import Page
from interactions.refusals import phase_sentence

if TYPE_CHECKING:
    from bot import Promptfill

FIELD_ROOM = 1000
PINCH_HIT_ROOM = 750  # five pinch hits share one message's 6,000 characters, with their descriptions
GIFT_KIND_ROOM = 160  # the fandoms in a pinch hit's description (its requests below list them whole)
COLOUR = discord.Colour.purple()


MATCH_RULE_WORDS = {
    "fandom": "Matched by fandom",
    "fandom_and_tag": "Matched by fandom and a shared tag",
    "any": "Anyone may write for anyone (a Secret Santa)",
}


def _range_words(least: int, most: int, noun: str) -> str:
    """How many of something a sign-up takes: "1 to 3 requests", "2 offers"."""
    return counted(most, noun) if least == most else f"{least} to {counted(most, noun)}"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A number with its noun in the right form: "1 request", "3 requests"."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def date(epoch: int | None) -> str:
    if epoch is None:
        return "not set"
    return discord.utils.format_dt(datetime.fromtimestamp(epoch, UTC), "D")


def request_line(number: int | None, request: ExchangeRequest, *, full: bool = False) -> str:
    """One request; numbered in a list, not where a field's name already says "Request N"."""
    parts = [f"**{number}.** {request.fandom}" if number is not None else request.fandom]
    if request.tags:
        parts.append(f"tags: {', '.join(request.tags)}")
    if request.rating:
        parts.append(f"up to {request.rating}")
    line = " · ".join(parts)
    if request.details:
        line += "\n" + (request.details if full else excerpt(request.details, 200))
    return line


def _still_needed(have: int, needed: int, noun: str, plural: str | None = None) -> str | None:
    """What a sign-up still lacks of one kind, said as something to add: "an offer", "2 more requests"."""
    missing = needed - have
    if missing <= 0:
        return None
    if missing == 1 and have:
        return f"one more {noun}"
    if missing == 1:
        return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"
    return counted(missing, f"more {noun}" if have else noun, plural)


def _how_many(have: int, least: int, most: int) -> str:
    """A field's count as members read it: "1 (up to 3)", "1 (at least 2, up to 3)"."""
    if least == most:
        return f"{have} (it takes {most})"
    if least > 1:
        return f"{have} (at least {least}, up to {most})"
    return f"{have} (up to {most})"


def signup_embed(
    bot: Promptfill, exchange: Exchange, signup: Signup, *, letter: bool, title: str = "Your sign-up"
) -> discord.Embed:
    """A member's own sign-up: what it still needs (or that it is complete), its requests and offers, and whether
    their letter is written."""
    settings = exchange.settings
    missing_requests = _still_needed(len(signup.requests), settings.requests_min, "request")
    missing_offers = _still_needed(len(signup.offers), settings.offers_min, "offer")
    request_command, offer_command = bot.mention("exchange request"), bot.mention("exchange offer")
    letter_command = bot.mention("exchange letter")
    if signup.complete:
        state = "Your sign-up is complete ✅."
    elif missing_requests and missing_offers:
        state = (
            f"Not complete yet: add {missing_requests} with {request_command} and {missing_offers} with"
            f" {offer_command}."
        )
    elif missing_offers:
        state = f"Almost there: add {missing_offers} with {offer_command}."
    else:
        state = f"Almost there: add {missing_requests} with {request_command}."
    if letter:
        state += f"\nYour letter is written: {letter_command} shows it, and changes it until assignments are sent."
    else:
        state += (
            f"\nNo letter yet: {letter_command} lets you tell your giver what you would love (and what you would"
            " rather not get)."
        )
    embed = discord.Embed(title=f"{title} · {exchange.name}", description=state, colour=COLOUR)
    requests = [request_line(i, r) for i, r in enumerate(signup.requests, start=1)]
    offers = [offer_line(i, o) for i, o in enumerate(signup.offers, start=1)]
    embed.add_field(
        name=f"Requests: {_how_many(len(signup.requests), settings.requests_min, settings.requests_max)}",
        value=lines_within(requests, FIELD_ROOM),
        inline=False,
    )
    embed.add_field(
        name=f"Offers: {_how_many(len(signup.offers), settings.offers_min, settings.offers_max)}",
        value=lines_within(offers, FIELD_ROOM),
        inline=False,
    )
    return fitted(embed)


SHEET_ROOM = 3_900  # a sign-up's sheet in one embed description (Discord: 4,096), with room for the note
SHORTENED = "\n*Details shortened to fit here: `/mod exchange export` has every word.*"


def offer_line(number: int, offer: ExchangeOffer) -> str:
    return f"**{number}.** {offer.fandom}" + (
        f" · tags: {', '.join(offer.tags)}" if offer.tags else " · anything in it"
    )


def signup_sheet_embed(exchange: Exchange, page: Page[Signup]) -> discord.Embed:
    """`/mod exchange signups`: one sign-up a page, whole (moderators only may run it): every request with its
    tags, rating and details, every offer with its tags. Details too long for one page share its room evenly."""
    embed = discord.Embed(title=f"Sign-ups · {exchange.name}", colour=COLOUR)
    if not page.items:
        embed.description = "Nobody has signed up yet."
        return embed
    signup = page.items[0]
    state = "complete ✅" if signup.complete else "not complete yet"
    head = f"<@{signup.member_id}>'s sign-up is {state}."

    def sheet(details_room: int | None) -> str:
        requests = []
        for i, r in enumerate(signup.requests, start=1):
            shown = r if details_room is None or not r.details else replace(r, details=excerpt(r.details, details_room))
            requests.append(request_line(i, shown, full=True))
        offers = [offer_line(i, o) for i, o in enumerate(signup.offers, start=1)]
        return "\n".join(
            [head, f"**Requests ({len(requests)})**", *(requests or ["none"]), f"**Offers ({len(offers)})**"]
            + (offers or ["none"])
        )

    text = sheet(None)
    if len(text) > SHEET_ROOM:
        with_details = [r for r in signup.requests if r.details]
        bare = len(sheet(1)) + len(SHORTENED)  # every details cut to its ellipsis
        text = sheet(max(20, (SHEET_ROOM - bare) // max(1, len(with_details)))) + SHORTENED
    embed.description = text
    embed.set_footer(text=f"Sign-up {page.page + 1} of {page.total:,}")
    return fitted(embed)


def assignment_embed(
    bot: Promptfill, exchange: Exchange, assignment: Assignment, recipient: Signup | None, *, dm: bool = False
) -> discord.Embed:
    """What a giver writes: their recipient and every field of every request, that it is a secret, and the ways
    forward (a question to the recipient, giving it up). Never the giver's own giver."""
    embed = discord.Embed(
        title=f"Your assignment · {exchange.name}",
        description=f"You are writing a gift for <@{assignment.recipient_id}>."
        + (f" Due {date(exchange.settings.due_at)}." if exchange.settings.due_at else "")
        + f" When it is posted, record it with {bot.mention('exchange gift', dm=dm)}."
        + "\nKeep it secret until the creators are revealed."
        + f" To ask them a question anonymously, use {bot.mention('exchange message', dm=dm)} `to:recipient`;"
        + f" if you cannot write it, {bot.mention('exchange default', dm=dm)} gives it up for a pinch hitter.",
        colour=COLOUR,
    )
    requests = recipient.requests if recipient else ()
    for i, request in enumerate(requests, start=1):
        name = "Their request" if len(requests) == 1 else f"Request {i}"
        embed.add_field(name=name, value=request_line(None, request, full=True), inline=False)
    if not requests:
        embed.add_field(name="Requests", value="Their sign-up was removed; ask a moderator.", inline=False)
    return fitted(embed)


def assignment_message(
    bot: Promptfill, exchange: Exchange, assignment: Assignment, recipient: Signup | None, where: str
) -> dict:
    """The direct message: `where` names the exchange and its server."""
    return {
        "content": f"🎁 Your assignment for {where} is here. {bot.mention('exchange assignment', dm=True)} in the"
        " server shows it again.",
        "embed": assignment_embed(bot, exchange, assignment, recipient, dm=True),
    }


def status_embed(status: ExchangeStatus, secrecy: Secrecy, now: int) -> discord.Embed:
    """Where an exchange stands, in members' words. The number of defaults is for moderators only: in a small
    round it points at a person. After the due date it says the reveal comes next; after the reveal, only what
    is left to read (no pinch hits, no due date)."""
    exchange = status.exchange
    settings = exchange.settings
    embed = discord.Embed(title=exchange.name, colour=COLOUR)
    revealed = exchange.phase in REVEALED_PHASES
    past_due = exchange.phase == ASSIGNED and settings.due_at is not None and settings.due_at < now
    if past_due:
        head = f"Gifts were due {date(settings.due_at)}; the moderators will reveal them soon."
    else:
        head = f"{phase_sentence(exchange.name, exchange.phase)}."
    lines = [
        head,
        f"Sign-ups: {status.signups} ({status.complete_signups} complete)",
        f"Assignments: {status.assignments}",
        f"Gifts received: {status.gifts}",
        *([f"Defaults: {status.defaults}"] if secrecy.sees_everyone else []),
        *([f"Open pinch hits: {status.open_pinch_hits}"] if not revealed else []),
        *(
            [f"Due: {date(settings.due_at)}" + (f" · reveal: {date(settings.reveal_at)}" if settings.reveal_at else "")]
            if not revealed and not past_due
            else []
        ),
        *(
            [f"Sign-ups close by themselves: {date(settings.signups_close_at)}"]
            if settings.signups_close_at is not None and exchange.phase in (NOMINATIONS, SIGNUPS)
            else []
        ),
        f"{MATCH_RULE_WORDS.get(settings.match_rule, 'Matched by fandom')}",
        f"Each sign-up: {_range_words(settings.requests_min, settings.requests_max, 'request')},"
        f" {_range_words(settings.offers_min, settings.offers_max, 'offer')}",
    ]
    if exchange.phase == "complete":
        where = f" in <#{exchange.reveal_channel_id}>" if exchange.reveal_channel_id else ""
        lines.append(f"Thank you, everyone: the gifts and who wrote them are posted{where}.")
    embed.description = "\n".join(lines)
    if status.revealed_gifts:
        shown = len(status.revealed_gifts)
        more = f" (the first {shown} of {status.gifts})" if status.gifts > shown else ""
        embed.add_field(
            name=f"Gifts{more}",
            value=lines_within([revealed_gift_line(exchange, g, secrecy) for g in status.revealed_gifts], FIELD_ROOM),
            inline=False,
        )
    if secrecy.sees_everyone:
        embed.add_field(
            name=f"Unmatched ({len(status.unmatched)})",
            value=lines_within([f"<@{m}>" for m in status.unmatched], FIELD_ROOM),
            inline=False,
        )
        if exchange.sent:
            embed.add_field(
                name=f"Needs a pinch hitter ({len(status.needs_pinch_hit)})",
                value=lines_within([f"<@{m}>" for m in status.needs_pinch_hit], FIELD_ROOM),
                inline=False,
            )
        embed.add_field(
            name=f"Givers without a gift ({len(status.givers_without_gift)})",
            value=lines_within([f"<@{m}>" for m in status.givers_without_gift], FIELD_ROOM),
            inline=False,
        )
    return fitted(embed)


def gift_kind(recipient: Signup | None) -> str:
    """What a pinch hitter would write, by the fandoms of the recipient's requests: "a Sherlock gift", "an
    Original Work or Discworld gift" (each fandom once, in the recipient's order)."""
    fandoms: list[str] = []
    for request in recipient.requests if recipient else ():
        if request.fandom.casefold() not in {f.casefold() for f in fandoms}:
            fandoms.append(request.fandom)
    if not fandoms:
        return "a gift"
    named = fandoms[0] if len(fandoms) == 1 else f"{', '.join(fandoms[:-1])} or {fandoms[-1]}"
    article = "an" if named[:1].casefold() in "aeiou" else "a"
    return f"{article} {named} gift"


def due_relative(exchange: Exchange) -> str:
    """ ", due in 3 days" as each reader's own time, or nothing without a due date."""
    if exchange.settings.due_at is None:
        return ""
    return f", due {discord.utils.format_dt(datetime.fromtimestamp(exchange.settings.due_at, UTC), 'R')}"


def pinch_hit_embed(exchange: Exchange, assignment: Assignment, recipient: Signup | None) -> discord.Embed:
    """An open pinch hit: the recipient is named, the giver who defaulted never is."""
    embed = discord.Embed(
        title=f"Pinch hit · {exchange.name}",
        description=f"<@{assignment.recipient_id}> needs {excerpt(gift_kind(recipient), GIFT_KIND_ROOM)}"
        f"{due_relative(exchange)}."
        " Take it to write for them.",
        colour=COLOUR,
    )
    requests = recipient.requests if recipient else ()
    embed.add_field(
        name="Their requests",
        value=lines_within([request_line(i, r) for i, r in enumerate(requests, start=1)], PINCH_HIT_ROOM),
        inline=False,
    )
    return fitted(embed)


def gift_line(gift: Gift) -> str:
    return link(gift.title or "the work", gift.url)


def gift_embed(exchange: Exchange, gift: Gift, secrecy: Secrecy, *, words: bool = True) -> discord.Embed:
    """A gift as posted at the reveal (and to its giver on /exchange gift); the creator only when allowed."""
    embed = discord.Embed(title=excerpt(gift.title or "A gift", 250), url=gift.url if len(gift.url) <= 2048 else None)
    embed.colour = COLOUR
    if words:  # a post says them in its content, where the recipient is mentioned
        embed.description = gift_words(exchange, gift, secrecy)
    if gift.notes:
        embed.add_field(name="Notes", value=gift.notes, inline=False)
    embed.set_footer(text=exchange.name)
    return fitted(embed)


def revealed_creators_embed(exchange: Exchange, gifts: Sequence[Gift], secrecy: Secrecy) -> discord.Embed:
    lines = [
        f"{gift_line(g)} for <@{g.recipient_id}>: by <@{g.giver_id}>"
        for g in gifts
        if secrecy.sees_giver(exchange, g.giver_id)
    ]
    embed = discord.Embed(title=f"Who wrote what · {exchange.name}", colour=COLOUR)
    embed.description = lines_within(lines, 4000, empty="No gifts were posted.")
    return fitted(embed)


def revealed_gift_line(exchange: Exchange, gift: Gift, secrecy: Secrecy) -> str:
    """A revealed gift in a list: the work for its recipient, and its creator once the reader may know."""
    by = f", by <@{gift.giver_id}>" if secrecy.sees_giver(exchange, gift.giver_id) else ""
    return f"{gift_line(gift)} for <@{gift.recipient_id}>{by}"


def gift_words(exchange: Exchange, gift: Gift, secrecy: Secrecy) -> str:
    """ "A gift for @x", and by whom once the reader may know (creators revealed, or a moderator or the giver)."""
    by = f", by <@{gift.giver_id}>" if secrecy.sees_giver(exchange, gift.giver_id) else ""
    return f"A gift for <@{gift.recipient_id}>{by}."


def gift_post(exchange: Exchange, gift: Gift, secrecy: Secrecy) -> dict:
    """A gift's post in the exchange's channel: at the reveal of the works, and edited at the reveal of creators."""
    return {
        "content": f"🎁 {gift_words(exchange, gift, secrecy)}",
        "embed": gift_embed(exchange, gift, secrecy, words=False),
    }


def match_page_embed(
    bot: Promptfill, exchange: Exchange, result: Match, participants: int, page: Page[tuple[int, int]]
) -> discord.Embed:
    """The moderators' view of a match before anything is sent: the figures, then who writes for whom."""
    every_pair = set(result.pairs) if result.mutual_pairs else set()
    lines = [
        f"**{n}.** <@{giver}> writes for <@{recipient}>"
        + (" (they write for each other)" if (recipient, giver) in every_pair else "")
        for n, (giver, recipient) in enumerate(page.items, start=page.page * page.per_page + 1)
    ]
    summary = [
        f"Participants: {participants:,}",
        f"Matched: {result.matched:,}",
        f"Unmatched: {len(result.unmatched):,}"
        + (f" ({', '.join(f'<@{m}>' for m in result.unmatched)})" if result.unmatched else ""),
        f"Mutual pairs: {result.mutual_pairs:,}",
    ]
    if result.repeated_pairs:  # issue 23: only when no assignment as full could avoid them
        summary.append(f"Pairs repeated from earlier exchanges (no other match was as full): {result.repeated_pairs:,}")
    if result.unmatched:
        summary.append(
            f"Fix the unmatched with {bot.mention('mod exchange assign')} (a pinch hitter need not have signed up) or"
            f" {bot.mention('mod exchange remove')}, then send."
        )
    else:
        summary.append(
            "Nothing has been sent yet. **Send** sends every giver their assignment; **Match again** tries again."
        )
    embed = discord.Embed(title=f"Match · {exchange.name}", colour=COLOUR)
    embed.description = lines_within(summary, 1500) + "\n\n" + lines_within(lines, 2400, empty="No pairs.")
    embed.set_footer(text=f"Pairs, page {page.page + 1} of {page.page_count}")
    return fitted(embed)


def when_due(exchange: Exchange) -> str:
    return f" Gifts are due {date(exchange.settings.due_at)}." if exchange.settings.due_at else ""


FANDOMS_ROOM = 1200  # the approved fandoms in the opening post, within Discord's 2,000 characters of content


def signups_opened_post(
    bot: Promptfill, exchange: Exchange, approved: Sequence[str] | None, *, again: bool = False
) -> str:
    """The post that opens sign-ups says all a member needs to join: which fandoms (the approved ones, so that
    nominators learn the result), how many requests and offers, the dates, and the commands, briefly."""
    settings = exchange.settings
    opened = "are open again" if again else "are open"
    until = f" until {date(settings.signups_close_at)}" if settings.signups_close_at is not None else ""
    if approved:
        names = [discord.utils.escape_markdown(f) for f in approved]
        listed = lines_within(names, FANDOMS_ROOM).replace("\n", ", ")
        fandoms = f"Fandoms ({len(names)}): {listed}. Requests and offers name one of them."
    else:
        fandoms = "Any fandom is welcome."
    lines = [
        f"🎁 Sign-ups for **{exchange.name}** {opened}{until}.",
        fandoms,
        f"A sign-up takes {_range_words(settings.requests_min, settings.requests_max, 'request')} and"
        f" {_range_words(settings.offers_min, settings.offers_max, 'offer')}.{when_due(exchange)}",
        f"• Sign up: what you would love to receive with {bot.mention('exchange request')}, what you would write"
        f" with {bot.mention('exchange offer')}.",
        f"• Write a letter to your giver with {bot.mention('exchange letter')}.",
        f"• {bot.mention('exchange signup')} shows your sign-up; {bot.mention('exchange summary')} shows which"
        " fandoms need offers.",
        f"• {bot.mention('exchange avoid')} keeps you from being matched with someone (they are never told).",
    ]
    return content_within("\n".join(lines))


def nominations_opened_post(bot: Promptfill, exchange: Exchange) -> str:
    limit = exchange.settings.nominations_max or 0
    return (
        f"🎁 **{exchange.name}** is collecting fandom nominations: nominate up to {counted(limit, 'fandom')} with"
        f" {bot.mention('exchange nominate')}. Moderators approve the fandoms, then sign-ups open for them."
    )


def own_nominations(exchange: Exchange, fandoms: Sequence[str]) -> str:
    """A member's own nominations, in a sentence (they are few: at most ten)."""
    limit = exchange.settings.nominations_max
    if not fandoms:
        return f"You have no nominations in **{exchange.name}**."
    of = f" of {limit}" if limit else ""
    names = ", ".join(f"**{discord.utils.escape_markdown(f)}**" for f in fandoms)
    return f"Your nominations in **{exchange.name}** ({len(fandoms)}{of}): {names}."


DECISION_WORDS = {True: "✅ approved", False: "❌ rejected", None: "waiting for a decision"}


def nominations_page_embed(bot: Promptfill, exchange: Exchange, page: Page[NominatedFandom]) -> discord.Embed:
    """Moderators' review: each fandom with how many nominated it (never who) and the decision so far."""
    lines = [
        f"**{discord.utils.escape_markdown(f.name)}** · {counted(f.nominations, 'nomination')}"
        f" · {DECISION_WORDS[f.approved]}"
        for f in page.items
    ]
    head = (
        f"{phase_sentence(exchange.name, exchange.phase)}. Approve or reject each fandom with its buttons;"
        f" a fandom merged into an approved one is approved with it. Then open sign-ups with"
        f" {bot.mention('mod exchange open')}: requests and offers must name an approved fandom."
    )
    embed = discord.Embed(title=f"Nominations · {exchange.name}", colour=COLOUR)
    embed.description = head + "\n\n" + lines_within(lines, 3000, empty="No fandom has been nominated yet.")
    embed.set_footer(text=f"{counted(page.total, 'fandom')}, page {page.page + 1} of {page.page_count}")
    return fitted(embed)


def signups_closed_post(exchange: Exchange) -> str:
    return f"🎁 Sign-ups for **{exchange.name}** are closed. Assignments go out soon: thank you for signing up."


def assignments_sent_post(bot: Promptfill, exchange: Exchange, sent: int) -> str:
    return (
        f"🎁 The assignments for **{exchange.name}** have gone out ({counted(sent, 'giver')}): check your direct"
        f" messages; {bot.mention('exchange assignment')} shows yours again.{when_due(exchange)}"
        f" When your gift is posted, record it with {bot.mention('exchange gift')}."
    )


def pinch_hit_wanted_post(bot: Promptfill, exchange: Exchange, recipient_id: int, recipient: Signup | None) -> str:
    """Names the recipient and what their gift is; never the giver who gave it up."""
    return (
        f"🎁 **{exchange.name}** needs a pinch hitter: {gift_kind(recipient)} for <@{recipient_id}>"
        f"{due_relative(exchange)}. Anyone may take it over: press **Take** below, or see every open pinch hit"
        f" with {bot.mention('exchange pinchhits')}."
    )


def gift_reminder(bot: Promptfill, exchange: Exchange, recipient_id: int) -> str:
    """The direct message three days before the due date: to the giver, who knows their recipient. Commands are
    plain names there (a command clicked in a direct message runs outside the server), so it says where."""
    guild = bot.get_guild(exchange.guild_id)
    server = guild.name if guild is not None else "the server"
    due = exchange.settings.due_at
    when = f"{date(due)} ({discord.utils.format_dt(datetime.fromtimestamp(due, UTC), 'R')})" if due else "soon"
    return (
        f"⏰ Your **{exchange.name}** gift for <@{recipient_id}> ({server}) is due {when}. When it is posted, record"
        f" it with {bot.mention('exchange gift', dm=True)} in {server}, or use"
        f" {bot.mention('exchange default', dm=True)} there if you cannot finish."
    )


def pinch_hit_taken_post(exchange_name: str, recipient_id: int) -> str:
    """The pinch-hit post once someone (or a moderator's assign) has taken it; who took it stays secret (they are
    the recipient's giver now)."""
    return f"🎁 **{exchange_name}**'s pinch hit for <@{recipient_id}> has been taken. Thank you!"


def pinch_hit_closed_post(exchange_name: str, recipient_id: int) -> str:
    """The pinch-hit post once it is no longer open without being taken (restored to its giver, unassigned, the
    recipient removed): saying why would point at the giver who defaulted."""
    return f"🎁 **{exchange_name}**'s pinch hit for <@{recipient_id}> is no longer open. Thank you for looking."


def pinch_hit_post_parts(wanted: str) -> tuple[str, int] | None:
    """The exchange (in bold) and the recipient (the first mention) of a pinch-hit post, read back from the post
    for a Take pressed on a post that was not recorded (posted before the bot kept them)."""
    name = re.search(r"\*\*(.+?)\*\*", wanted)
    recipient = re.search(r"<@!?(\d+)>", wanted)
    return (name[1], int(recipient[1])) if name and recipient else None


def works_revealed_post(exchange: Exchange, gifts: int) -> str:
    return (
        f"🎁 The gifts of **{exchange.name}** are here: {counted(gifts, 'gift')} below."
        " Who wrote them stays secret a little longer."
    )


CONTENT_LIMIT = 2000  # Discord's limit on a message's content


def content_within(text: str, limit: int = CONTENT_LIMIT) -> str:
    """Message content within Discord's limit, keeping its line breaks (unlike `excerpt`, which makes one line)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def creators_revealed_post(exchange: Exchange) -> str:
    return f"🎁 Who wrote the gifts of **{exchange.name}**: thank you, everyone, and congratulations on your works."
