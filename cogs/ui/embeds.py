"""Every embed the bot sends is built here, one renderer per thing, used by every command that shows it.
Cogs choose the words of a reply and which embed goes with it; they never build an embed themselves.

One rendering rule keeps every embed within Discord's limits whatever members typed: lists keep the whole
lines that fit and say "and N more" (`lines_within`), links too long to be worth a line become their label
(`link`), and every renderer returns through `fitted`, which clips each part to its limit and then trims
the description and the longest fields until the whole embed is within 6,000 characters."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import discord

from ao3.parse import Series, Work
from cogs.ui.audit_lines import audit_line
from db.claims import ClaimEvent
from db.fandoms import NameList
from db.fills import FillRecorded
from db.models import (
    RATING_NAMES,
    AuditEntry,
    Claim,
    Fill,
    GuildSettings,
    Page,
    Prompt,
    SettingName,
    Viewer,
    named_settings,
)
from db.profiles import Profile, ServerStats
from interactions.words import SETTING_WORDS

STATUS_COLOURS = {
    "pending": discord.Colour.light_grey(),
    "open": discord.Colour.green(),
    "filled": discord.Colour.gold(),
    "closed": discord.Colour.dark_grey(),
    "rejected": discord.Colour.red(),
}
EXPLICIT_NOTICE = "This prompt is rated Explicit: its text is shown only in age-restricted channels."
EMBED_TOTAL_LIMIT = 6000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
FIELDS_LIMIT = 25
LINK_URL_LIMIT = 300  # a longer URL would crowd out the lines beside it; its label is shown instead
CONTENT_LIMIT = 2000  # Discord's limit for a message's plain content


def excerpt(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lines_within(lines: Iterable[str], limit: int, *, empty: str = "none") -> str:
    """As many whole lines as fit in `limit` characters, then "… and N more"."""
    items = list(lines)
    if not items:
        return empty
    shown: list[str] = []
    used = 0
    for index, line in enumerate(items):
        rest = len(items) - index - 1
        tail = len(f"\n… and {rest} more") if rest else 0
        cost = len(line) + (1 if shown else 0)
        if used + cost + tail > limit:
            break
        shown.append(line)
        used += cost
    if not shown:  # not even the first line fits: clip it
        return _clip(items[0], limit - len(f"\n… and {len(items) - 1} more")) + (
            f"\n… and {len(items) - 1} more" if len(items) > 1 else ""
        )
    hidden = len(items) - len(shown)
    return "\n".join(shown) + (f"\n… and {hidden} more" if hidden else "")


def fitted_content(text: str, limit: int = CONTENT_LIMIT) -> str:
    """Plain message content within Discord's limit, its line breaks kept: the whole lines that fit, then
    "… and N more" (the one rule for content, as `fitted` is for embeds)."""
    if len(text) <= limit:
        return text
    return lines_within(text.split("\n"), limit, empty="")


def quoted(text: str, limit: int = 600) -> str:
    """Member text as a Markdown quote, its line breaks kept, clipped to about `limit` characters."""
    clipped = _clip(text.strip(), limit)
    return "\n".join(f"> {line}" for line in clipped.split("\n"))


def link(label: str, url: str) -> str:
    """A Markdown link, or just its label when the URL is too long to show in a line."""
    return f"[{label}]({url})" if len(url) <= LINK_URL_LIMIT else label


def _within_limits(embed: discord.Embed) -> bool:
    """Nothing for fitted() to change: every part within its limit, no empty field, 6,000 in all."""
    fields = embed.fields
    return (
        len(fields) <= FIELDS_LIMIT
        and len(embed.title or "") <= TITLE_LIMIT
        and len(embed.description or "") <= DESCRIPTION_LIMIT
        and all(
            f.name and f.value and len(f.name) <= FIELD_NAME_LIMIT and len(f.value) <= FIELD_VALUE_LIMIT for f in fields
        )
        and len(embed.footer.text or "") <= FOOTER_LIMIT
        and len(embed.author.name or "") <= AUTHOR_LIMIT
        and len(embed) <= EMBED_TOTAL_LIMIT
    )


def fitted(embed: discord.Embed) -> discord.Embed:
    """The embed within every Discord limit: each part clipped, then trimmed to 6,000 characters in all."""
    if _within_limits(embed):
        # Most embeds: checking is a fifth of the cost of rebuilding every field (profiled, 2026-12-04).
        return embed
    if embed.title:
        embed.title = _clip(embed.title, TITLE_LIMIT)
    if embed.description:
        embed.description = _clip(embed.description, DESCRIPTION_LIMIT)
    fields = embed.fields[:FIELDS_LIMIT]
    embed.clear_fields()
    for field in fields:
        embed.add_field(
            name=_clip(field.name or "\u200b", FIELD_NAME_LIMIT),
            value=_clip(field.value or "\u200b", FIELD_VALUE_LIMIT),
            inline=bool(field.inline),
        )
    if embed.footer.text:
        embed.set_footer(text=_clip(embed.footer.text, FOOTER_LIMIT), icon_url=embed.footer.icon_url)
    if embed.author.name:
        embed.set_author(name=_clip(embed.author.name, AUTHOR_LIMIT), url=embed.author.url)
    over = len(embed) - EMBED_TOTAL_LIMIT
    if over > 0 and embed.description:
        embed.description = _clip(embed.description, max(200, len(embed.description) - over))
    while (over := len(embed) - EMBED_TOTAL_LIMIT) > 0:
        found = max(enumerate(embed.fields), key=lambda pair: len(pair[1].value or ""), default=None)
        if found is None or len(found[1].value or "") <= 20:
            # Nothing long is left among the fields: the description gives way entirely.
            if embed.description:
                embed.description = _clip(embed.description, max(1, len(embed.description) - over))
            break
        index, longest = found
        value = longest.value or ""
        trimmed = _clip(value, max(20, len(value) - over))
        embed.set_field_at(index, name=longest.name, value=trimmed, inline=bool(longest.inline))
    return embed


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def timestamp(moment: datetime | None) -> str:
    return discord.utils.format_dt(moment, "R") if moment else "no deadline"


def heading(prompt: Prompt) -> str:
    return f"#{prompt.number} · {prompt.title}" if prompt.title else f"Prompt #{prompt.number}"


def prompt_link(prompt: Prompt) -> str | None:
    """The prompt's post in the prompts channel, if it was posted."""
    if prompt.message_channel_id is None or prompt.message_id is None:
        return None
    return f"https://discord.com/channels/{prompt.guild_id}/{prompt.message_channel_id}/{prompt.message_id}"


def prompt_name(prompt: Prompt) -> str:
    """ "prompt #12 *The Lighthouse Keeper*", as a sentence names it."""
    title = f" *{discord.utils.escape_markdown(prompt.title)}*" if prompt.title else ""
    return f"prompt #{prompt.number}{title}"


def in_server(prompt: Prompt, server: str) -> str:
    """The prompt as a direct message names it: number, title and server, with a link to its post if it has one."""
    post = prompt_link(prompt)
    named = f"{prompt_name(prompt)} in **{discord.utils.escape_markdown(server)}**"
    return f"{named} ([open it]({post}))" if post else named


def status_line(prompt: Prompt, per_prompt: int | None = None) -> str:
    """The prompt's state as members read it; with the server's claims per prompt, the slots left too."""
    if prompt.status == "pending":
        return "Waiting for a moderator's approval"
    if prompt.status == "rejected":
        return "Not accepted by the moderators"
    if not prompt.claimable:
        return "Closed: it takes no more claims or fills"
    state = "Filled, and open for more fills" if prompt.status == "filled" else "Open for claims"
    if per_prompt is None:
        return state
    if per_prompt == 0:
        return f"{state}: any number of writers may claim it"
    left = max(0, per_prompt - prompt.active_claims)
    if left == 0:  # not "Open for claims: no slot left", which contradicts itself
        return f"{'Filled' if prompt.status == 'filled' else 'Claimed'}: no claim slot left until a claim ends"
    return f"{state}: {_plural(left, 'claim slot')} left"


def claim_line(claim: Claim) -> str:
    if claim.deadline is None:
        return f"<@{claim.member_id}>, no deadline"
    return f"<@{claim.member_id}>, until {discord.utils.format_dt(claim.deadline, 'f')} ({timestamp(claim.deadline)})"


def prompter_line(prompt: Prompt, viewer: Viewer, *, private: bool) -> str:
    if prompt.author_id is None:
        return "Imported prompt (no prompter named)"
    if not prompt.anonymous:
        return f"<@{prompt.author_id}>"
    if viewer.sees_prompter(prompt, private=private):
        return f"Anonymous (<@{prompt.author_id}>; only moderators and the prompter see this)"
    return "Anonymous"


def filler_name(fill: Fill, viewer: Viewer, *, private: bool) -> str:
    """Who wrote a fill, as this viewer may read it: an anonymous writer stays unnamed in every public message."""
    if not fill.anonymous:
        return f"<@{fill.member_id}>"
    if viewer.sees_filler(fill, private=private):
        return f"<@{fill.member_id}> (anonymous: only moderators and the writer see who)"
    return "an anonymous writer"


def prompt_embed(
    prompt: Prompt,
    viewer: Viewer,
    *,
    private: bool,
    claims: Iterable[Claim] | None = None,
    fills: Iterable[Fill] | None = None,
    per_prompt: int | None = None,
    seconders: Iterable[int] = (),
) -> discord.Embed:
    """The standard prompt embed, as `viewer` may see it in a private or public message. Explicit prompts
    outside age-restricted channels show a notice instead of their text. With `per_prompt` (the server's claims
    per prompt), the status says how many claim slots are left: a post shows it. How many members seconded it
    shows to all; who they are (`seconders`) only to a moderator in a private answer."""
    hide_text = not viewer.reads_text(prompt, private=private)
    embed = discord.Embed(
        title=heading(prompt),
        description=EXPLICIT_NOTICE if hide_text else prompt.text,
        colour=STATUS_COLOURS[prompt.status],
        timestamp=prompt.created_at,
    )
    if prompt.fandom:
        embed.add_field(name="Fandom", value=prompt.fandom, inline=True)
    embed.add_field(name="Rating", value=RATING_NAMES[prompt.rating], inline=True)
    embed.add_field(name="Status", value=status_line(prompt, per_prompt), inline=True)
    if prompt.tags and not hide_text:
        embed.add_field(name="Tags", value=_listing(prompt.tags, len(prompt.tags)), inline=False)
    embed.add_field(name="Prompter", value=prompter_line(prompt, viewer, private=private), inline=True)
    if prompt.seconds:
        embed.add_field(name="Seconded by", value=seconds_line(prompt, viewer, seconders, private=private), inline=True)
    if claims is not None:
        claim_lines = [claim_line(c) for c in claims]
        embed.add_field(
            name="Claimed by", value=lines_within(claim_lines, FIELD_VALUE_LIMIT, empty="nobody yet"), inline=False
        )
    if fills is not None:
        fill_lines = [
            f"{link(_clip(f.title or 'a work', 80), f.url)} by {filler_name(f, viewer, private=private)}"
            + ("" if f.complete else " (in progress)")
            for f in fills
        ]
        embed.add_field(name="Fills", value=lines_within(fill_lines, FIELD_VALUE_LIMIT, empty="none yet"), inline=False)
    embed.set_footer(text=f"Prompt #{prompt.number}")
    return fitted(embed)


def seconds_line(prompt: Prompt, viewer: Viewer, seconders: Iterable[int], *, private: bool) -> str:
    """How many members want the prompt filled too; a moderator, privately, also reads who."""
    count = _plural(prompt.seconds, "member")
    named = [f"<@{member_id}>" for member_id in seconders]
    if not named or not viewer.sees_seconders(private=private):
        return count
    # Whole mentions only (a clipped one would show as raw text), then how many more.
    shown: list[str] = []
    for index, mention in enumerate(named):
        rest = len(named) - index - 1
        more = f", … and {rest:,} more" if rest else ""
        if len(f"{count}: {', '.join([*shown, mention])}{more} (only moderators see who)") > FIELD_VALUE_LIMIT:
            more = f"… and {len(named) - index:,} more"
            break
        shown.append(mention)
    else:
        more = ""
    listed = ", ".join(shown) + (", " if shown and more else "") + more
    return f"{count}: {listed} (only moderators see who)"


def prompt_line(prompt: Prompt) -> str:
    title = f"**{prompt.title}** — " if prompt.title else ""
    fandom = f" · {prompt.fandom}" if prompt.fandom else ""
    seconded = f" · seconded by {prompt.seconds:,}" if prompt.seconds else ""
    return (
        f"`#{prompt.number}` [{prompt.rating}] {title}{excerpt(prompt.text, 90)}{fandom}{seconded} *({prompt.status})*"
    )


def list_title(base: str, filters: dict[str, str | None]) -> str:
    shown = [f"{name}: {value}" for name, value in filters.items() if value is not None]
    return f"{base} ({', '.join(shown)})" if shown else base


def prompt_list_embed(title: str, page: Page[Prompt]) -> discord.Embed:
    lines = [prompt_line(p) for p in page.items]
    embed = discord.Embed(
        title=title,
        description=lines_within(lines, DESCRIPTION_LIMIT, empty="No prompts match."),
        colour=discord.Colour.blurple(),
    )
    more = "+" if page.capped else ""
    noun = "prompt" if page.total == 1 else "prompts"
    embed.set_footer(text=f"Page {page.page + 1} of {page.page_count}{more} · {page.total:,}{more} {noun}")
    return fitted(embed)


def claims_embed(member_id: int, held: Iterable[ClaimEvent], reader: Viewer) -> discord.Embed:
    """Active claims, each prompt by number and title (an Explicit one's title only where it may be read) with a
    link to its post, then when it was claimed and when it is due."""
    lines = []
    for event in held:
        prompt = event.prompt
        if not reader.reads_text(prompt, private=True):
            named = f"Prompt #{prompt.number} (Explicit)"
        elif prompt.title:
            named = f"#{prompt.number} · {discord.utils.escape_markdown(prompt.title)}"
        else:
            named = f"Prompt #{prompt.number}"
        post = prompt_link(prompt)
        named = f"[{named}]({post})" if post else named
        lines.append(f"{named}: claimed {timestamp(event.claim.claimed_at)}, due {timestamp(event.claim.deadline)}")
    heading_line = f"<@{member_id}>\n"
    listed = lines_within(lines, DESCRIPTION_LIMIT - len(heading_line), empty="No active claims.")
    return fitted(
        discord.Embed(title="Active claims", description=heading_line + listed, colour=discord.Colour.blurple())
    )


def _prompt_field(prompt: Prompt, reader: Viewer) -> str:
    """The prompt a fill answers, under the fill: an excerpt (or the Explicit notice) and a link to its post."""
    text = EXPLICIT_NOTICE if prompt.explicit and not reader.age_restricted_channel else excerpt(prompt.text, 300)
    post = prompt_link(prompt)
    if post:
        text += f"\n[See the prompt]({post})"
    return _clip(text, FIELD_VALUE_LIMIT)


def fill_intro(fill: Fill, prompt: Prompt, *, named: bool = True) -> str:
    """Who wrote the fill and whose prompt it answers, never to be read the other way round. Not `named`: an
    anonymous fill as everyone reads it."""
    writer = f"<@{fill.member_id}>" if named or not fill.anonymous else "An anonymous writer"
    if prompt.anonymous:
        whose = "an anonymous prompt"
    elif prompt.author_id is None:
        whose = "an imported prompt"
    else:
        whose = f"a prompt by <@{prompt.author_id}>"
    if not fill.complete:
        return f"{writer} is writing a fill for **{heading(prompt)}**, {whose}: a work in progress, posted in parts."
    return f"{writer} wrote a fill for **{heading(prompt)}**, {whose}."


def fill_embed(recorded: FillRecorded, reader: Viewer, *, private: bool = False) -> discord.Embed:
    """The fill as announced; an anonymous one names its writer only in a private answer to them or a moderator."""
    fill, prompt = recorded.fill, recorded.prompt
    hide_text = prompt.explicit and not reader.age_restricted_channel
    embed = discord.Embed(
        title=_clip(fill.title or fill.url, 256),
        url=fill.url,
        description=fill_intro(fill, prompt, named=reader.sees_filler(fill, private=private)),
        colour=discord.Colour.gold(),
        timestamp=fill.created_at,
    )
    embed.add_field(name=f"Prompt #{prompt.number}", value=_prompt_field(prompt, reader), inline=False)
    if prompt.fandom:
        embed.add_field(name="Fandom", value=prompt.fandom, inline=True)
    embed.add_field(name="Rating", value=RATING_NAMES[prompt.rating], inline=True)
    if fill.notes and not hide_text:
        embed.add_field(name="Notes", value=fill.notes, inline=False)
    embed.set_footer(text=f"Fill of prompt #{prompt.number}")
    return fitted(embed)


def removed_fill_embed(fill: Fill, prompt: Prompt, *, by_moderator: bool) -> discord.Embed:
    """What a removed fill's announcement becomes: no link, title or notes of the work any more."""
    who = "a moderator" if by_moderator else "its writer"
    embed = discord.Embed(
        title="Fill removed",
        description=f"This fill of **{heading(prompt)}** was removed by {who}.",
        colour=discord.Colour.dark_grey(),
    )
    post = prompt_link(prompt)
    if post:
        embed.add_field(name=f"Prompt #{prompt.number}", value=f"[See the prompt]({post})", inline=False)
    return fitted(embed)


def _tally(counts: dict[str, int], keys: tuple[str, ...]) -> str:
    return " · ".join(f"{counts.get(key, 0)} {key}" for key in keys)


def profile_embed(member: discord.abc.User, profile: Profile, viewer: Viewer) -> discord.Embed:
    own = viewer.is_member(member.id)
    embed = discord.Embed(title=f"{member.display_name}'s profile", colour=discord.Colour.blurple())
    embed.add_field(name="Prompts", value=str(profile.prompts_total), inline=True)
    embed.add_field(name="Fills", value=str(profile.fills_total), inline=True)
    if profile.ao3_account:
        account = profile.ao3_account
        embed.add_field(name="AO3", value=f"[{account}](https://archiveofourown.org/users/{account})", inline=True)
    embed.add_field(
        name="Claims",
        value=_tally(profile.claims_by_status, ("active", "filled", "expired", "dropped", "released")),
        inline=False,
    )
    prompt_lines = [
        f"`#{p.number}` {excerpt(p.title or p.text, 60)}" + (" *(anonymous)*" if p.anonymous and own else "")
        for p in profile.recent_prompts
    ]
    claim_lines = [f"`#{c.prompt_number}` due {timestamp(c.deadline)}" for c in profile.active_claims]
    # Someone else's profile never lists an anonymous fill (the store leaves them out); your own marks them.
    fill_lines = [
        f"`#{f.prompt_number}` {link(excerpt(f.title or f.url, 60), f.url)}" + (" *(anonymous)*" if f.anonymous else "")
        for f in profile.recent_fills
    ]
    in_progress = [
        f"`#{f.prompt_number}` {link(excerpt(f.title or f.url, 60), f.url)}" + (" *(anonymous)*" if f.anonymous else "")
        for f in profile.in_progress
    ]
    embed.add_field(name="Recent prompts", value=lines_within(prompt_lines, FIELD_VALUE_LIMIT), inline=False)
    embed.add_field(name="Active claims", value=lines_within(claim_lines, FIELD_VALUE_LIMIT), inline=False)
    embed.add_field(name="Recent fills", value=lines_within(fill_lines, FIELD_VALUE_LIMIT), inline=False)
    if in_progress:
        embed.add_field(name="Works in progress", value=lines_within(in_progress, FIELD_VALUE_LIMIT), inline=False)
    return fitted(embed)


def stats_embed(guild_name: str, stats: ServerStats) -> discord.Embed:
    by_status = stats.prompts_by_status
    embed = discord.Embed(title=f"{guild_name} in numbers", colour=discord.Colour.gold())
    embed.add_field(name="Prompts", value=str(sum(by_status.values())), inline=True)
    embed.add_field(name="Fills", value=str(stats.fills_total), inline=True)
    embed.add_field(name="Writers who filled", value=str(stats.fillers), inline=True)
    embed.add_field(
        name="By status", value=_tally(by_status, ("open", "filled", "pending", "closed", "rejected")), inline=False
    )
    embed.add_field(name="Active claims", value=str(stats.claims_active), inline=True)
    embed.add_field(name="Fill rate", value=f"{stats.fill_rate:.0%} of open and filled prompts", inline=True)
    top = [
        f"{rank}. <@{member_id}> · {_plural(count, 'fill')}"
        for rank, (member_id, count) in enumerate(stats.top_fillers, start=1)
    ]
    embed.add_field(
        name="Top fillers",
        value=lines_within(top, FIELD_VALUE_LIMIT, empty="No fills yet: be the first!"),
        inline=False,
    )
    return fitted(embed)


def audit_embed(page: Page[AuditEntry]) -> discord.Embed:
    embed = discord.Embed(
        title="Moderation log",
        description=lines_within(
            [audit_line(e) for e in page.items], DESCRIPTION_LIMIT, empty="No moderator actions yet."
        ),
        colour=discord.Colour.dark_teal(),
    )
    more = "+" if page.capped else ""
    entries = "entry" if page.total == 1 else "entries"
    embed.set_footer(text=f"Page {page.page + 1} of {page.page_count}{more} · {page.total:,}{more} {entries}")
    return fitted(embed)


def setting_label(name: SettingName) -> str:
    return SETTING_WORDS[name][0]


def describe_setting(name: str, value: int | bool | None) -> str:
    if value is None:
        return "not set"
    if name.endswith("_channel"):
        return f"<#{value}>"
    if name == "moderator_role":
        return f"<@&{value}>"
    if isinstance(value, bool):
        return "on" if value else "off"
    if name == "claim_days":
        return "no deadline" if value == 0 else _plural(value, "day")
    if name.startswith("claims_per"):
        return "no limit" if value == 0 else str(value)
    return str(value)


def settings_embed(settings: GuildSettings) -> discord.Embed:
    """Every setting by its name in words, its value and what it does."""
    embed = discord.Embed(title="Promptfill settings", colour=discord.Colour.blurple())
    for name, value in named_settings(settings).items():
        label, does = SETTING_WORDS[name]
        embed.add_field(name=label, value=f"{describe_setting(name, value)}\n*{does}*", inline=True)
    return fitted(embed)


def _items_within(items: list[str], limit: int) -> str:
    """Whole items side by side (a mention cut in half would show as broken text), then "… and N more"."""
    shown: list[str] = []
    for index, item in enumerate(items):
        tail = f" … and {len(items) - index - 1} more" if index < len(items) - 1 else ""
        if len(" ".join([*shown, item])) + len(tail) > limit:
            return " ".join(shown) + f" … and {len(items) - len(shown)} more"
        shown.append(item)
    return " ".join(shown)


def help_embed(about: str, sections: list[tuple[str, list[str]]]) -> discord.Embed:
    """/help: what the server runs, then each group of commands as one line of clickable mentions."""
    embed = discord.Embed(title="Promptfill: what you can do here", description=about, colour=discord.Colour.blurple())
    for title, mentions in sections:
        if mentions:
            embed.add_field(name=title, value=_items_within(mentions, FIELD_VALUE_LIMIT), inline=False)
    return fitted(embed)


def _listing(values: Iterable[str], limit: int, cap: int = 1024) -> str | None:
    items = list(values)
    if not items:
        return None
    shown = ", ".join(items[:limit]) + (f" (+{len(items) - limit} more)" if len(items) > limit else "")
    return _clip(shown, cap)


def ao3_embed(recorded: FillRecorded, info: Work | Series, reader: Viewer) -> discord.Embed:
    """A fill announcement with what readers decide by: title, authors, fandoms, rating, warnings, tags,
    length, series and summary. Explicit works (or prompts) keep summary and tags for age-restricted channels.
    An anonymous fill shows the work without its byline: AO3's byline would name the writer."""
    fill, prompt = recorded.fill, recorded.prompt
    explicit = (isinstance(info, Work) and info.explicit) or prompt.explicit
    hide = explicit and not reader.age_restricted_channel
    named = reader.sees_filler(fill, private=False)
    if named:
        byline = ", ".join(info.authors) or "an unknown author"
        intro = f"by **{_clip(byline, 200)}** · {fill_intro(fill, prompt)}"
    else:
        intro = fill_intro(fill, prompt, named=False)
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
            ("Words", _clip(info.words, 100) if info.words else None, True),
            ("Chapters", _clip(info.chapters, 100) if info.chapters else None, True),
        ]
        if not hide:
            fields += [
                ("Relationships", _listing(info.relationships, 4), False),
                ("Tags", _listing(info.freeforms, 8), False),
            ]
        fields.append(("Series", _listing(info.series, 3), False))
    else:
        fields.append(("Works in series", info.works, True))
    fields.append((f"Prompt #{prompt.number}", _prompt_field(prompt, reader), False))
    for name, value, inline in fields:
        if value:
            embed.add_field(name=name, value=value, inline=inline)
    embed.set_footer(text=f"Fill of prompt #{prompt.number} · Archive of Our Own")
    # The summary gets whatever room the other parts leave, within Discord's 6,000-character embed limit.
    room = min(4096, EMBED_TOTAL_LIMIT - len(embed) - len(intro) - 10)
    description = intro if not summary else f"{intro}\n\n>>> {summary}"
    embed.description = _clip(description, max(room, len(intro)))
    return fitted(embed)


def unsent_text_embed(text: str) -> discord.Embed:
    """A text that was not stored, shown back so the member can copy it (the near-miss guard's timeout)."""
    return fitted(discord.Embed(title="Your text (not stored)", description=text))


def names_embed(listed: NameList) -> discord.Embed:
    """/fandoms list: names with how many prompts members can see use each, then the merged names."""
    lines = [f"{discord.utils.escape_markdown(n.name)} · {_plural(n.uses, 'prompt')}" for n in listed.names]
    embed = discord.Embed(
        title="Fandoms in use",
        description=lines_within(lines, DESCRIPTION_LIMIT, empty="No prompt names a fandom yet."),
        colour=discord.Colour.blurple(),
    )
    if listed.synonyms:
        merged = [
            f"{discord.utils.escape_markdown(a)} → {discord.utils.escape_markdown(b)}" for a, b in listed.synonyms
        ]
        embed.add_field(name="Merged names (they land on the name after the arrow)", value=lines_within(merged, 1024))
    return fitted(embed)
