"""A scan of what people read: every message the bot sent in a test, checked for words that are not theirs.

`unreadable(driver)` lists each problem with the text it was found in: a raw Discord id outside a mention,
"(s)" instead of a real plural, None/True/False, or an internal name in backticks (a prompt status, an
exchange phase, a setting's column). Tests call it after the flows they drive; an empty list is the pass.
"""

from __future__ import annotations

import re
from typing import Any

from db.exchange_models import PHASES
from db.models import PROMPT_STATUSES, SETTING_COLUMNS
from tests.conftest import all_sent_bodies
from tests.driver import Driver

# A snowflake (17 to 20 digits) that is not inside <@…>, <@&…>, <#…>, </name:…> or <t:…> where Discord renders
# those, nor part of a link.
_MENTION = re.compile(r"<(?:@[!&]?|#|/[^:>]+:|t:)\d+(?::[a-zA-Z])?>")
_LINK = re.compile(r"https?://\S+")
_RAW_ID = re.compile(r"(?<![\d])\d{17,20}(?![\d])")
_PYTHON_WORDS = re.compile(r"\b(None|True|False)\b")
_INTERNAL = {*PROMPT_STATUSES, *PHASES, *SETTING_COLUMNS.values(), "by_moderator", "author_id", "member_id"}
_BACKTICKED = re.compile(r"`([^`]+)`")


def texts_of(body: dict[str, Any]) -> list[tuple[str, bool]]:
    """Every piece of text a member reads in one message, each with whether Discord renders mentions there
    (content, embed descriptions and field values do; titles, field names, footers and labels show them raw)."""
    texts = [(body.get("content") or "", True)]
    for embed in body.get("embeds") or []:
        texts += [(embed.get("title") or "", False), (embed.get("description") or "", True)]
        texts += [((embed.get("footer") or {}).get("text") or "", False)]
        texts += [((embed.get("author") or {}).get("name") or "", False)]
        for field in embed.get("fields") or []:
            texts += [(field.get("name") or "", False), (field.get("value") or "", True)]
    for row in body.get("components") or []:
        for item in row.get("components") or []:
            texts += [(item.get("label") or "", False), (item.get("placeholder") or "", False)]
    return [(text, renders) for text, renders in texts if text]


def problems_in(text: str, *, renders_mentions: bool = True) -> list[str]:
    found = []
    plain = _LINK.sub("", _MENTION.sub("", text) if renders_mentions else text)
    found += [f"raw id {m}" for m in _RAW_ID.findall(plain)]
    if "(s)" in text:
        found.append('"(s)"')
    found += [f"Python word {m}" for m in _PYTHON_WORDS.findall(plain)]
    found += [f"internal name `{m}`" for m in _BACKTICKED.findall(text) if m.strip() in _INTERNAL]
    return found


def unreadable(driver: Driver) -> list[str]:
    """Each problem found in what the bot sent so far, with the text it is in."""
    return [
        f"{problem}: {text!r}"
        for body in all_sent_bodies(driver)
        for text, renders_mentions in texts_of(body)
        for problem in problems_in(text, renders_mentions=renders_mentions)
    ]
