"""The whole story (tests/story.py) through the real dispatch, and a scan of every message the bot sent in it for
words members should never read: raw ids, "(s)", None/True/False, internal state, phase and setting names,
empty embed fields.

KNOWN_TODAY lists what today's code still says: each entry is (message kind, phrase), and a finding is let
through only when its kind matches and the phrase occurs in the text around it. The entries go as the fixes
land: an entry that no longer matches anything fails the test too, so that the list only shrinks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from db.exchange_models import PHASES, SendState
from db.match_types import MatchRule
from db.models import PROMPT_STATUSES, SETTING_COLUMNS, SETTING_NAMES, ClaimStatus
from tests.story import Sent, Story, run_story

# Names the code uses for states, phases and settings: a member reads none of them as a word of ours.
INTERNAL_NAMES: frozenset[str] = frozenset(
    [
        *PROMPT_STATUSES,
        *get_args(ClaimStatus),
        *PHASES,
        *get_args(SendState),
        *get_args(MatchRule),
        *SETTING_NAMES,
        *SETTING_COLUMNS.values(),
    ]
)
# The ones no English sentence contains (prompts_channel, fandom_and_tag, ...): wrong even outside backticks.
SNAKE_CASE_NAMES: frozenset[str] = frozenset(n for n in INTERNAL_NAMES if "_" in n)

# What Discord renders as a name, a channel, a role, a command or a time rather than as digits, and its links
# to a message (shown as "#channel › message"): the ids inside these are never read as numbers.
RENDERED = re.compile(
    r"<@!?\d+>|<#\d+>|<@&\d+>|</[^<>:]+:\d+>|<t:-?\d+(?::[tTdDfFR])?>"
    r"|https://(?:ptb\.|canary\.)?discord(?:app)?\.com/channels/(?:\d+|@me)/\d+(?:/\d+)?"
)
RAW_ID = re.compile(r"(?<!\d)\d{17,20}(?!\d)")
PLURAL = re.compile(r"\(s\)")
PYTHON_WORD = re.compile(r"\b(?:None|True|False)\b")
BACKTICKED = re.compile(r"`([^`\n]+)`")
EXCERPT = 40  # characters either side of a finding, on its own line, that an allow-list phrase is looked for in

# Empty since issue 21's branches were merged: a new entry needs a reason beside it, and goes with its fix.
KNOWN_TODAY: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Finding:
    step: str
    kind: str
    check: str
    excerpt: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.check}: …{self.excerpt}… (step: {self.step})"


def _excerpt(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    return text[max(line_start, start - EXCERPT) : min(line_end, end + EXCERPT)]


def scan_text(text: str) -> list[tuple[str, str]]:
    """(check, excerpt) for each thing in one piece of text that a member should never read."""
    found: list[tuple[str, str]] = []
    # Blank out what Discord renders (keeping the length) so that positions still point into the text.
    plain = RENDERED.sub(lambda m: " " * len(m.group()), text)
    for match in RAW_ID.finditer(plain):
        found.append(("raw id", _excerpt(text, match.start(), match.end())))
    for match in PLURAL.finditer(text):
        found.append(('"(s)" instead of a plural', _excerpt(text, match.start(), match.end())))
    for match in PYTHON_WORD.finditer(text):
        found.append((f"the word {match.group()}", _excerpt(text, match.start(), match.end())))
    spans = list(BACKTICKED.finditer(text))
    for match in spans:
        if match.group(1).strip() in INTERNAL_NAMES:
            found.append((f"internal name `{match.group(1).strip()}`", _excerpt(text, match.start(), match.end())))
    outside = BACKTICKED.sub(lambda m: " " * len(m.group()), text)
    for name in sorted(SNAKE_CASE_NAMES):
        for match in re.finditer(rf"(?<![\w`]){re.escape(name)}(?![\w`])", outside):
            found.append((f"internal name {name}", _excerpt(text, match.start(), match.end())))
    return found


def scan_message(sent: Sent) -> list[tuple[str, str]]:
    found = [hit for text in sent.texts() for hit in scan_text(text)]
    for embed in sent.body.get("embeds") or []:
        for index, field in enumerate(embed.get("fields") or []):
            for part in ("name", "value"):
                if not str(field.get(part) or "").replace("\u200b", "").strip():
                    title = embed.get("title") or (embed.get("author") or {}).get("name") or "untitled"
                    found.append((f"empty field {part}", f"field {index + 1} of the embed {title!r}"))
    return found


def findings(story: Story) -> list[Finding]:
    return [
        Finding(step.title, sent.kind, check, excerpt)
        for step, sent in story.messages()
        for check, excerpt in scan_message(sent)
    ]


def allowed(finding: Finding, entry: tuple[str, str]) -> bool:
    kind, phrase = entry
    return finding.kind == kind and phrase in finding.excerpt


async def test_every_message_of_the_story_reads_as_words_for_people(tmp_path: Path) -> None:
    story = await run_story(tmp_path)
    assert not story.errors, "the story logged or raised errors:\n" + "\n".join(story.errors)
    # The scan must have met every kind of message the story produces, or it proves nothing.
    kinds = {sent.kind for _, sent in story.messages()}
    assert {"reply", "followup", "edit", "post", "post edit", "dm", "log"} <= kinds, kinds
    assert len(story.messages()) >= 60, len(story.messages())  # 112 today

    found = findings(story)
    unexpected = [f for f in found if not any(allowed(f, entry) for entry in KNOWN_TODAY)]
    stale = [entry for entry in KNOWN_TODAY if not any(allowed(f, entry) for f in found)]
    known = "\n".join(f"  {kind!r}, {phrase!r}" for kind, phrase in KNOWN_TODAY)
    assert not unexpected and not stale, (
        "Messages members read:\n"
        + "\n".join(f"  {f}" for f in unexpected)
        + ("\nAllow-list entries that match nothing any more (remove them):\n" if stale else "")
        + "\n".join(f"  {entry!r}" for entry in stale)
        + f"\nKNOWN_TODAY (tests/test_story.py), still let through:\n{known}"
    )


def test_the_scan_finds_each_kind_of_mistake_and_leaves_rendered_ids_alone() -> None:
    # Each check on its own, so that a check that cannot fail is caught here.
    assert [c for c, _ in scan_text("✅ member 731000000000000011")] == ["raw id"]
    assert [c for c, _ in scan_text("Sent 3 assignment(s)")] == ['"(s)" instead of a plural']
    assert [c for c, _ in scan_text("(require_approval: False -> True)")] == [
        "the word False",
        "the word True",
        "internal name require_approval",
    ]
    assert [c for c, _ in scan_text("in its `closed` phase")] == ["internal name `closed`"]
    assert [c for c, _ in scan_text("it is now `works revealed`")] == ["internal name `works revealed`"]
    assert [c for c, _ in scan_text("**prompts_channel**: not set")] == ["internal name prompts_channel"]
    assert [c for c, _ in scan_text("match rule fandom_and_tag")] == ["internal name fandom_and_tag"]
    # What Discord renders, and a command a member types, pass.
    rendered = (
        "<@730000000000000001> <@!730000000000000001> <#710000000000000003> <@&700000000000000001>"
        " </prompt submit:1100000000000000001> <t:1772366400:R> <t:1772366400>"
        " https://discord.com/channels/720000000000000001/710000000000000003/1100000000000000038"
        " Use `/settings set prompts_channel:#prompts`; the prompt is open; Nonetheless, truly."
    )
    assert scan_text(rendered) == []
    empty = Sent(
        "reply", "#general", None, True, {"embeds": [{"title": "T", "fields": [{"name": "A", "value": "\u200b"}]}]}
    )
    assert [c for c, _ in scan_message(empty)] == ["empty field value"]
    finding = Finding("a step", "reply", "raw id", "✅ member 731000000000000011")
    assert allowed(finding, ("reply", "✅ member ")) and not allowed(finding, ("dm", "✅ member "))
