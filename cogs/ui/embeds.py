"""How prompts, claims and fills look. One renderer per thing, used by every command that shows it."""

from __future__ import annotations

from collections.abc import Iterable

import discord

from ao3.parse import Series, Work
from db.fills import FillRecorded
from db.models import RATING_NAMES, Claim, Fill, Page, Prompt

STATUS_COLOURS = {
    "pending": discord.Colour.light_grey(),
    "open": discord.Colour.green(),
    "filled": discord.Colour.gold(),
    "closed": discord.Colour.dark_grey(),
    "rejected": discord.Colour.red(),
}
EXPLICIT_NOTICE = "This prompt is rated Explicit: its text is shown only in age-restricted channels."


def excerpt(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def timestamp(moment) -> str:
    return discord.utils.format_dt(moment, "R") if moment else "no deadline"


def heading(prompt: Prompt) -> str:
    return f"#{prompt.number} · {prompt.title}" if prompt.title else f"Prompt #{prompt.number}"


def prompter_line(prompt: Prompt, *, reveal_anonymous: bool) -> str:
    if not prompt.anonymous:
        return f"<@{prompt.author_id}>"
    if reveal_anonymous:
        return f"Anonymous (<@{prompt.author_id}>; only moderators and the prompter see this)"
    return "Anonymous"


def prompt_embed(
    prompt: Prompt,
    *,
    age_restricted_channel: bool,
    reveal_anonymous: bool = False,
    claims: Iterable[Claim] | None = None,
    fills: Iterable[Fill] | None = None,
) -> discord.Embed:
    """The standard prompt embed. Explicit prompts outside age-restricted channels show a notice instead."""
    hide_text = prompt.explicit and not age_restricted_channel
    embed = discord.Embed(
        title=heading(prompt),
        description=EXPLICIT_NOTICE if hide_text else prompt.text,
        colour=STATUS_COLOURS[prompt.status],
        timestamp=prompt.created_at,
    )
    if prompt.fandom:
        embed.add_field(name="Fandom", value=prompt.fandom, inline=True)
    embed.add_field(name="Rating", value=RATING_NAMES[prompt.rating], inline=True)
    embed.add_field(name="Status", value=prompt.status, inline=True)
    if prompt.tags and not hide_text:
        embed.add_field(name="Tags", value=_clip(", ".join(prompt.tags), 1024), inline=False)
    embed.add_field(name="Prompter", value=prompter_line(prompt, reveal_anonymous=reveal_anonymous), inline=True)
    if claims is not None:
        claim_lines = [f"<@{c.member_id}> (due {timestamp(c.deadline)})" for c in claims]
        embed.add_field(name="Claims", value=_clip("\n".join(claim_lines) or "none", 1024), inline=True)
    if fills is not None:
        fill_lines = [f"[{_clip(f.title or 'a work', 80)}]({f.url}) by <@{f.member_id}>" for f in fills]
        embed.add_field(name="Fills", value=_clip("\n".join(fill_lines) or "none yet", 1024), inline=False)
    embed.set_footer(text=f"Prompt #{prompt.number}")
    return embed


def prompt_line(prompt: Prompt) -> str:
    title = f"**{prompt.title}** — " if prompt.title else ""
    fandom = f" · {prompt.fandom}" if prompt.fandom else ""
    return f"`#{prompt.number}` [{prompt.rating}] {title}{excerpt(prompt.text, 90)}{fandom} *({prompt.status})*"


def prompt_list_embed(title: str, page: Page[Prompt]) -> discord.Embed:
    lines = [prompt_line(p) for p in page.items]
    embed = discord.Embed(
        title=title, description="\n".join(lines) or "No prompts match.", colour=discord.Colour.blurple()
    )
    more = "+" if page.capped else ""
    noun = "prompt" if page.total == 1 else "prompts"
    embed.set_footer(text=f"Page {page.page + 1} of {page.page_count}{more} · {page.total:,}{more} {noun}")
    return embed


def claims_embed(member_id: int, claims: Iterable[Claim]) -> discord.Embed:
    lines = [f"`#{c.prompt_number}` claimed {timestamp(c.claimed_at)}, due {timestamp(c.deadline)}" for c in claims]
    return discord.Embed(
        title="Active claims",
        description=f"<@{member_id}>\n" + ("\n".join(lines) if lines else "No active claims."),
        colour=discord.Colour.blurple(),
    )


def fill_embed(recorded: FillRecorded, *, age_restricted_channel: bool, prompt_link: str | None) -> discord.Embed:
    fill, prompt = recorded.fill, recorded.prompt
    hide_text = prompt.explicit and not age_restricted_channel
    embed = discord.Embed(
        title=_clip(fill.title or fill.url, 256),
        url=fill.url,
        description=f"A new fill for **{heading(prompt)}** by <@{fill.member_id}>",
        colour=discord.Colour.gold(),
        timestamp=fill.created_at,
    )
    prompt_text = EXPLICIT_NOTICE if hide_text else excerpt(prompt.text, 300)
    if prompt_link:
        prompt_text += f"\n[See the prompt]({prompt_link})"
    embed.add_field(name=f"Prompt #{prompt.number}", value=_clip(prompt_text, 1024), inline=False)
    if prompt.fandom:
        embed.add_field(name="Fandom", value=prompt.fandom, inline=True)
    embed.add_field(name="Rating", value=RATING_NAMES[prompt.rating], inline=True)
    if fill.notes and not hide_text:
        embed.add_field(name="Notes", value=_clip(fill.notes, 1024), inline=False)
    embed.set_footer(text=f"Fill of prompt #{prompt.number}")
    return embed


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


EMBED_TOTAL_LIMIT = 6000


def _listing(values: Iterable[str], limit: int, cap: int = 1024) -> str | None:
    items = list(values)
    if not items:
        return None
    shown = ", ".join(items[:limit]) + (f" (+{len(items) - limit} more)" if len(items) > limit else "")
    return _clip(shown, cap)


def ao3_embed(
    recorded: FillRecorded, info: Work | Series, *, age_restricted_channel: bool, prompt_link: str | None
) -> discord.Embed:
    """A fill announcement with what readers decide by: title, authors, fandoms, rating, warnings, tags,
    length, series and summary. Explicit works (or prompts) keep summary and tags for age-restricted channels."""
    fill, prompt = recorded.fill, recorded.prompt
    explicit = (isinstance(info, Work) and info.explicit) or prompt.explicit
    hide = explicit and not age_restricted_channel
    byline = ", ".join(info.authors) or "an unknown author"
    intro = f"by **{_clip(byline, 200)}** · a new fill for **{heading(prompt)}** by <@{fill.member_id}>"
    summary = None if hide else info.summary
    embed = discord.Embed(
        title=_clip(info.title, 256), url=fill.url, colour=discord.Colour.from_rgb(153, 0, 0), timestamp=fill.created_at
    )
    fields: list[tuple[str, str | None, bool]] = []
    if isinstance(info, Work):
        fields += [
            ("Fandoms", _listing(info.fandoms, 5), False),
            ("Rating", _listing(info.rating, 2), True),
            ("Warnings", _listing(info.warnings, 4), True),
            ("Words", info.words, True),
            ("Chapters", info.chapters, True),
        ]
        if not hide:
            fields += [
                ("Relationships", _listing(info.relationships, 4), False),
                ("Tags", _listing(info.freeforms, 8), False),
            ]
        fields.append(("Series", _listing(info.series, 3), False))
    else:
        fields.append(("Works in series", info.works, True))
    prompt_text = EXPLICIT_NOTICE if prompt.explicit and not age_restricted_channel else excerpt(prompt.text, 300)
    if prompt_link:
        prompt_text += f"\n[See the prompt]({prompt_link})"
    fields.append((f"Prompt #{prompt.number}", _clip(prompt_text, 1024), False))
    for name, value, inline in fields:
        if value:
            embed.add_field(name=name, value=value, inline=inline)
    embed.set_footer(text=f"Fill of prompt #{prompt.number} · Archive of Our Own")
    # The summary gets whatever room the other parts leave, within Discord's 6,000-character embed limit.
    room = min(4096, EMBED_TOTAL_LIMIT - len(embed) - len(intro) - 10)
    description = intro if not summary else f"{intro}\n\n>>> {summary}"
    embed.description = _clip(description, max(room, len(intro)))
    return embed
