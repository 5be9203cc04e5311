"""The contract's limits on what members type: cogs turn options into checked, typed values here before
they reach a repository (prompts, edits, fills, settings alike)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import regex

from db.errors import InvalidField
from db.folding import name_key, text_key
from db.models import (
    FILL_STATUSES,
    LIST_SORT_NAMES,
    RATINGS,
    ListSort,
    PromptDraft,
    PromptEdit,
    Rating,
    SettingName,
    SettingValue,
)

TEXT_MIN, TEXT_MAX = 10, 4000
TITLE_MAX = 200
FANDOM_MAX = 100
TAGS_MAX, TAG_MAX = 20, 50
URL_MAX = 2048
NOTES_MAX = 1000
REASON_MAX = 1000
COUNT_SETTING_MAX = 365
EXTEND_DAYS_MAX = 365

# Characters that render as nothing, by Unicode's own maintained properties rather than a list of ours:
# Default_Ignorable_Code_Point (zero-width characters, direction marks, invisible operators, Hangul and
# other fillers, variation selectors, tags...), White_Space and the space separators (every script's
# blanks), controls and format characters. U+2800 BRAILLE PATTERN BLANK is the one addition: a symbol by
# category, it draws no dots, and it is the blank most used to fake empty text.
_INVISIBLE = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{White_Space}\p{Cc}\p{Cf}\p{Z}\u2800]")
_EDGES = regex.compile(
    r"^[\p{Default_Ignorable_Code_Point}\p{White_Space}\p{Cc}\p{Cf}\p{Z}\u2800]+|"
    r"[\p{Default_Ignorable_Code_Point}\p{White_Space}\p{Cc}\p{Cf}\p{Z}\u2800]+$"
)
_DISCORD_INVITE_HOSTS = {"discord.gg", "discord.com", "discordapp.com", "www.discord.gg"}


# In ASCII, the characters above are exactly the controls, the space and DEL (tests/test_validation.py checks
# this against the expression): most text is ASCII, and str.translate and str.strip with them are about ten
# times faster than the expressions (the regular expressions were a tenth of a submission's time, profiled).
_ASCII_INVISIBLE = "".join(map(chr, [*range(0x21), 0x7F]))
_DROP_ASCII_INVISIBLE = str.maketrans("", "", _ASCII_INVISIBLE)


def visible_length(text: str) -> int:
    if text.isascii():
        return len(text.translate(_DROP_ASCII_INVISIBLE))
    return len(_INVISIBLE.sub("", text))


def clean(value: str | None) -> str | None:
    """Trim blank and invisible characters from both ends; None when nothing visible remains."""
    if value is None:
        return None
    trimmed = value.strip(_ASCII_INVISIBLE) if value.isascii() else _EDGES.sub("", value)
    return trimmed if visible_length(trimmed) else None


def _bounded(field: str, value: str | None, maximum: int, minimum: int = 1) -> str | None:
    cleaned = clean(value)
    if cleaned is None:
        if value is not None and minimum > 0 and value != "":
            raise InvalidField(field, "is empty once blank and invisible characters are removed")
        return None
    if not minimum <= len(cleaned) <= maximum:
        raise InvalidField(field, f"must be {minimum:,} to {maximum:,} characters long (yours is {len(cleaned):,})")
    return cleaned


def optional_text(field: str, value: str | None, maximum: int) -> str | None:
    """An optional text option: None when not given; refused when given but blank or invisible only, or longer
    than `maximum` (as a prompt's title and notes are)."""
    return _bounded(field, value, maximum)


def required_text(field: str, value: str | None, maximum: int) -> str:
    """A text option that must say something: refused when missing, blank or invisible only, or longer than
    `maximum` (an exchange's name, a followed fandom or tag)."""
    cleaned = _bounded(field, value, maximum)
    if cleaned is None:
        raise InvalidField(field, "is empty once blank and invisible characters are removed")
    return cleaned


def prompt_text(value: str | None) -> str:
    cleaned = clean(value)
    if cleaned is None:
        raise InvalidField("Text", "is empty once blank and invisible characters are removed")
    if not TEXT_MIN <= len(cleaned) <= TEXT_MAX:
        raise InvalidField("Text", f"must be {TEXT_MIN} to {TEXT_MAX:,} characters long (yours is {len(cleaned):,})")
    if visible_length(cleaned) < TEXT_MIN:
        raise InvalidField(
            "Text", f"needs at least {TEXT_MIN} characters that show (yours has {visible_length(cleaned)})"
        )
    return cleaned


def title(value: str | None) -> str | None:
    return _bounded("Title", value, TITLE_MAX)


def fandom(value: str | None) -> str | None:
    return _bounded("Fandom", value, FANDOM_MAX)


def notes(value: str | None) -> str | None:
    return _bounded("Notes", value, NOTES_MAX)


def reason(value: str | None) -> str | None:
    return _bounded("Reason", value, REASON_MAX)


def tags(value: str | None) -> tuple[str, ...]:
    """Comma-separated tags: trimmed, shown as typed, duplicates (ignoring case) dropped."""
    if value is None:
        return ()
    seen: set[str] = set()
    result: list[str] = []
    for raw in value.split(","):
        tag = clean(raw)
        if tag is None:
            if raw.strip():  # not an empty slot between commas: a tag of invisible characters only
                raise InvalidField("Tags", "include one made only of invisible characters")
            continue
        if len(tag) > TAG_MAX:
            raise InvalidField("Tags", f"each tag may be up to {TAG_MAX} characters (“{tag[:20]}…” is {len(tag)})")
        key = tag_key(tag)
        if key not in seen:
            seen.add(key)
            result.append(tag)
    if len(result) > TAGS_MAX:
        raise InvalidField("Tags", f"at most {TAGS_MAX} tags (you gave {len(result)})")
    if not result and value:
        raise InvalidField("Tags", "is empty once blank and invisible characters are removed")
    return tuple(result)


def tag_key(tag: str) -> str:
    return name_key(tag)


def fandom_key(value: str | None) -> str | None:
    return None if value is None else name_key(value)


def fill_status(value: str) -> bool:
    """Whether a fill is complete, from /fill's status as typed (complete or in progress)."""
    for known in FILL_STATUSES:
        if known == value:
            return known == "complete"
    raise InvalidField("Status", f"must be one of {', '.join(FILL_STATUSES)}")


def list_sort(value: str) -> ListSort:
    """A list order as typed (Discord's client offers only the choices; the API can be called directly)."""
    for known in LIST_SORT_NAMES:
        if known == value:
            return known
    raise InvalidField("Sort", f"must be one of {', '.join(LIST_SORT_NAMES)}")


def rating(value: str | None) -> Rating:
    if value is None:
        return "NR"
    upper = value.strip().upper()
    for known in RATINGS:
        if known == upper:
            return known
    raise InvalidField("Rating", f"must be one of {', '.join(RATINGS)}")


# Every ASCII character that is not a letter or a digit: what dedupe_key drops from ASCII text.
_DROP_ASCII_NON_ALNUM = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum()))


def dedupe_key(text: str) -> str:
    """Text with case, accents, whitespace, punctuation and invisible characters ignored (db/folding.py)."""
    if text.isascii():
        # The same key as text_key for ASCII (no accents, no invisible characters; casefold is lower), without
        # a step per character: the hot path of every submission and import entry.
        return text.lower().translate(_DROP_ASCII_NON_ALNUM)
    return text_key(text)


def draft(
    *,
    text: str | None,
    title_: str | None = None,
    fandom_: str | None = None,
    tags_: str | None = None,
    rating_: str | None = None,
    anonymous: bool = False,
) -> PromptDraft:
    return PromptDraft(
        text=prompt_text(text),
        title=title(title_),
        fandom=fandom(fandom_),
        tags=tags(tags_),
        rating=rating(rating_),
        anonymous=anonymous,
    )


def prompt_edit(
    *,
    text: str | None = None,
    title_: str | None = None,
    fandom_: str | None = None,
    tags_: str | None = None,
    rating_: str | None = None,
) -> PromptEdit:
    """The options an edit gave, each checked as at submission; options not given stay None."""
    return PromptEdit(
        text=None if text is None else prompt_text(text),
        title=None if title_ is None else title(title_),
        fandom=None if fandom_ is None else fandom(fandom_),
        tags=None if tags_ is None else tags(tags_),
        rating=None if rating_ is None else rating(rating_),
    )


def fill_url(value: str | None, *, of: str = "your finished work", itself: str = "the work itself") -> str:
    """A link members share: a work (a fill, a gift), or with `of` and `itself` something else (a letter)."""
    cleaned = clean(value)
    if cleaned is None:
        raise InvalidField("URL", f"is empty; give the link to {of}")
    if len(cleaned) > URL_MAX:
        raise InvalidField("URL", f"may be up to {URL_MAX:,} characters (yours is {len(cleaned):,})")
    if any(ch.isspace() for ch in cleaned):
        raise InvalidField("URL", "contains spaces; paste the link exactly as your browser shows it")
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018 (reading it checks it: a port that is not a number raises)
    except ValueError as error:
        raise InvalidField("URL", "is not a well-formed link (check the part after http://)") from error
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidField("URL", "must start with http:// or https://")
    host = (parts.hostname or "").lower()
    if not host or "." not in host.strip("."):
        raise InvalidField("URL", "has no website name; give the full link, like https://archiveofourown.org/works/123")
    if host in _DISCORD_INVITE_HOSTS and (host != "discord.com" or parts.path.startswith("/invite")):
        raise InvalidField("URL", f"is a Discord invite; link {itself}")
    return cleaned


# AO3's own rule for user names (its sign-up form): 3 to 40 letters, digits or underscores, beginning and
# ending with a letter or digit.
_AO3_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{1,38}[A-Za-z0-9]")


def ao3_username(value: str | None) -> str | None:
    """An AO3 user name as AO3 allows them, or None to clear. A pasted profile link is read for its name."""
    cleaned = clean(value)
    if cleaned is None:
        if value:
            raise InvalidField("username", "is empty once blank and invisible characters are removed")
        return None
    profile = re.fullmatch(r"(?:https?://)?(?:www\.)?archiveofourown\.org/users/([^/?#]+)(?:/.*)?", cleaned)
    name = profile.group(1) if profile else cleaned.removeprefix("@")
    if not _AO3_USERNAME.fullmatch(name):
        raise InvalidField(
            "username",
            "is not an AO3 user name: 3 to 40 letters, digits or underscores, "
            "starting and ending with a letter or digit",
        )
    return name


COUNT_SETTINGS: tuple[SettingName, ...] = ("claims_per_member", "claims_per_prompt", "claim_days")


def setting_changes(
    given: dict[SettingName, SettingValue], clear: SettingName | None
) -> dict[SettingName, SettingValue]:
    """The settings /settings set changes: those given (counts checked), and the one it clears."""
    changes: dict[SettingName, SettingValue] = {name: value for name, value in given.items() if value is not None}
    for name in COUNT_SETTINGS:
        value = changes.get(name)
        if isinstance(value, int) and not 0 <= value <= COUNT_SETTING_MAX:
            raise InvalidField(name, f"must be between 0 and {COUNT_SETTING_MAX} (0 means no limit)")
    if clear is not None:
        changes[clear] = None
    return changes


def extend_days(value: int) -> int:
    if not 1 <= value <= EXTEND_DAYS_MAX:
        raise InvalidField("days", f"must be between 1 and {EXTEND_DAYS_MAX}")
    return value
