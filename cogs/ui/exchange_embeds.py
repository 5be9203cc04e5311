"""Every exchange message: sign-ups, assignments, status, pinch hits and reveal posts.

Each renderer asks `Secrecy` (db/exchange_models.py) before naming a giver or showing a gift, so no
renderer can leak what the rule hides. Embeds go through `fitted` like every other embed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import discord

from cogs.ui.embeds import excerpt, fitted, lines_within, link
from db.exchange_models import Assignment, Exchange, ExchangeRequest, ExchangeStatus, Gift, Secrecy, Signup

FIELD_ROOM = 1000
PINCH_HIT_ROOM = 900  # five pinch hits share one message's 6,000 characters
COLOUR = discord.Colour.purple()


def date(epoch: int | None) -> str:
    if epoch is None:
        return "not set"
    return discord.utils.format_dt(datetime.fromtimestamp(epoch, UTC), "D")


def request_line(number: int, request: ExchangeRequest, *, full: bool = False) -> str:
    parts = [f"**{number}.** {request.fandom}"]
    if request.tags:
        parts.append(f"tags: {', '.join(request.tags)}")
    if request.rating:
        parts.append(f"up to {request.rating}")
    line = " · ".join(parts)
    if request.details:
        line += "\n" + (request.details if full else excerpt(request.details, 200))
    return line


def signup_embed(exchange: Exchange, signup: Signup, *, title: str = "Your sign-up") -> discord.Embed:
    settings = exchange.settings
    state = (
        "complete ✅"
        if signup.complete
        else (
            f"not complete yet: it needs at least {settings.requests_min} request(s) and {settings.offers_min} offer(s)"
        )
    )
    embed = discord.Embed(title=f"{title} · {exchange.name}", description=f"Sign-up {state}.", colour=COLOUR)
    requests = [request_line(i, r) for i, r in enumerate(signup.requests, start=1)]
    offers = [
        f"**{i}.** {o.fandom}" + (f" · tags: {', '.join(o.tags)}" if o.tags else " · anything in it")
        for i, o in enumerate(signup.offers, start=1)
    ]
    embed.add_field(
        name=f"Requests ({len(signup.requests)} of {settings.requests_min}–{settings.requests_max})",
        value=lines_within(requests, FIELD_ROOM),
        inline=False,
    )
    embed.add_field(
        name=f"Offers ({len(signup.offers)} of {settings.offers_min}–{settings.offers_max})",
        value=lines_within(offers, FIELD_ROOM),
        inline=False,
    )
    return fitted(embed)


def signups_page_embed(
    exchange: Exchange, signups: Sequence[Signup], page: int, pages: int, total: int
) -> discord.Embed:
    """Moderators' list of sign-ups (only they may run it)."""
    embed = discord.Embed(title=f"Sign-ups · {exchange.name}", description=f"{total} sign-up(s).", colour=COLOUR)
    for signup in signups:
        requests = "; ".join(r.fandom for r in signup.requests) or "none"
        offers = "; ".join(o.fandom for o in signup.offers) or "none"
        embed.add_field(
            name=f"{'✅' if signup.complete else '…'} member {signup.member_id}",
            value=excerpt(f"<@{signup.member_id}> · requests: {requests} · offers: {offers}", 900),
            inline=False,
        )
    embed.set_footer(text=f"Page {page + 1} of {max(pages, 1)}")
    return fitted(embed)


def assignment_embed(exchange: Exchange, assignment: Assignment, recipient: Signup | None) -> discord.Embed:
    """What a giver writes: their recipient and every field of every request. Never the giver's own giver."""
    embed = discord.Embed(
        title=f"Your assignment · {exchange.name}",
        description=f"You are writing a gift for <@{assignment.recipient_id}>."
        + (f" Due {date(exchange.settings.due_at)}." if exchange.settings.due_at else "")
        + " When it is posted, record it with `/exchange gift`.",
        colour=COLOUR,
    )
    requests = recipient.requests if recipient else ()
    for i, request in enumerate(requests, start=1):
        embed.add_field(name=f"Request {i}", value=request_line(i, request, full=True), inline=False)
    if not requests:
        embed.add_field(name="Requests", value="Their sign-up was removed; ask a moderator.", inline=False)
    return fitted(embed)


def assignment_message(exchange: Exchange, assignment: Assignment, recipient: Signup | None) -> dict:
    return {
        "content": f"🎁 Your assignment for **{exchange.name}** is here.",
        "embed": assignment_embed(exchange, assignment, recipient),
    }


def status_embed(status: ExchangeStatus, secrecy: Secrecy) -> discord.Embed:
    exchange = status.exchange
    settings = exchange.settings
    embed = discord.Embed(title=f"{exchange.name} · {exchange.phase}", colour=COLOUR)
    embed.description = "\n".join(
        [
            f"Sign-ups: {status.signups} ({status.complete_signups} complete)",
            f"Assignments: {status.assignments}",
            f"Gifts received: {status.gifts}",
            f"Defaults: {status.defaults}",
            f"Open pinch hits: {status.open_pinch_hits}",
            f"Due: {date(settings.due_at)} · reveal: {date(settings.reveal_at)}",
            f"Matching: {settings.match_rule}; requests {settings.requests_min}–{settings.requests_max},"
            f" offers {settings.offers_min}–{settings.offers_max}",
        ]
    )
    if secrecy.sees_everyone:
        embed.add_field(
            name=f"Unmatched ({len(status.unmatched)})",
            value=lines_within([f"<@{m}>" for m in status.unmatched], FIELD_ROOM),
            inline=False,
        )
        embed.add_field(
            name=f"Givers without a gift ({len(status.givers_without_gift)})",
            value=lines_within([f"<@{m}>" for m in status.givers_without_gift], FIELD_ROOM),
            inline=False,
        )
    return fitted(embed)


def pinch_hit_embed(exchange: Exchange, assignment: Assignment, recipient: Signup | None) -> discord.Embed:
    """An open pinch hit: the recipient is named, the giver who defaulted never is."""
    embed = discord.Embed(
        title=f"Pinch hit · {exchange.name}",
        description=f"<@{assignment.recipient_id}> needs a gift. Take it to write for them.",
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


def gift_embed(exchange: Exchange, gift: Gift, secrecy: Secrecy) -> discord.Embed:
    """A gift as posted at the reveal (and to its giver on /exchange gift); the creator only when allowed."""
    embed = discord.Embed(title=excerpt(gift.title or "A gift", 250), url=gift.url if len(gift.url) <= 2048 else None)
    embed.colour = COLOUR
    embed.description = f"For <@{gift.recipient_id}>, " + (
        f"by <@{gift.giver_id}>" if secrecy.sees_giver(exchange, gift.giver_id) else "from your Secret Santa"
    )
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
