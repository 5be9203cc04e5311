"""The moderation log as sentences: each stored audit entry read as "who did what to what, with the reason".

Entries keep the facts as they were recorded (an action word, the prompt's number, the member acted on and a
short detail such as "require_approval: False -> True"); the words are chosen here, when they are read, so
entries written by any earlier version read as well as new ones.
"""

from __future__ import annotations

import re

import discord

from db.models import SETTING_NAMES, AuditEntry, SettingName, SettingValue
from interactions.words import SETTING_WORDS as SETTINGS_SHOWN
from interactions.words import plural

# Each setting as a moderator reads it in the log: the names /settings view and /setup show, mid-sentence.
SETTING_WORDS: dict[str, str] = {
    name: label if label.startswith("Explicit") else label.lower() for name, (label, _) in SETTINGS_SHOWN.items()
}
_SETTING_CHANGE = re.compile(r"^(?P<name>\w+): (?P<old>.*) -> (?P<new>.*)$")
_REASON_LIMIT = 150


def setting_value(name: str, stored: str) -> str:
    """One value as the settings write recorded it ("None", "True", "0", an id), in words."""
    if stored in ("None", ""):
        return "not set"
    if stored in ("True", "False"):
        return "on" if stored == "True" else "off"
    if not stored.isdigit():
        return stored
    if name.endswith("_channel"):
        return f"<#{stored}>"
    if name.endswith("_role"):
        return f"<@&{stored}>"
    if name == "claim_days":
        return "no deadline" if stored == "0" else plural(int(stored), "day")
    if name.startswith("claims_per_"):
        return "no limit" if stored == "0" else stored
    return stored


def setting_change(detail: str) -> str:
    """A stored change such as "require_approval: False -> True", read as "require approval: off → on"."""
    found = _SETTING_CHANGE.match(detail)
    if found is None or found["name"] not in SETTING_NAMES:
        return detail
    name = found["name"]
    return f"{SETTING_WORDS[name]}: {setting_value(name, found['old'])} → {setting_value(name, found['new'])}"


def setting_change_of(name: SettingName, old: SettingValue, new: SettingValue) -> str:
    """The same words for a change as it happens (for a log-channel line): values as the settings write stores
    them, read back by setting_change."""
    return setting_change(f"{name}: {old} -> {new}")


def _clip(text: str, limit: int = _REASON_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _exchange_parts(detail: str | None) -> tuple[str, str]:
    """An exchange entry's detail is its name, or "name: more"."""
    name, _, more = (detail or "").partition(": ")
    return name or "an exchange", more


def _exchange(entry: AuditEntry, actor: str, target: str) -> str:
    name, more = _exchange_parts(entry.detail)
    verb = entry.action.removeprefix("exchange ")
    match verb:
        case "created" | "deleted":
            return f"{actor} {verb} the exchange {name}"
        case "edited":
            return f"{actor} edited the exchange {name}" + (f" ({more})" if more else "")
        case "closed":
            return f"{actor} closed sign-ups for {name}"
        case "closed on its date":
            return f"Sign-ups for {name} closed by themselves on their closing date"
        case "reopened":
            return f"{actor} reopened sign-ups for {name}"
        case "opened":
            return f"{actor} opened sign-ups for {name} after its nominations"
        case "fandom approved" | "fandom rejected":
            return f"{actor} {verb.removeprefix('fandom ')} the fandom {more or 'nominated'} for {name}"
        case "matched":
            return f"{actor} matched {name}" + (f" ({more})" if more else "")
        case "assigned":
            return f"{actor} assigned {target} to write {more or 'a gift'} in {name}"
        case "unassigned":
            return f"{actor} removed the assignment for {target} in {name}"
        case "sent":
            return f"{actor} sent the assignments of {name}"
        case "gift":
            return f"{actor} posted a gift in {name}"
        case "default":
            if entry.target_id in (None, entry.actor_id):
                return f"{actor} gave up their assignment in {name}"
            return f"{actor} marked {target}'s assignment in {name} as given up"
        case "undefault":
            return f"{actor} gave {target}'s assignment in {name} back to them"
        case "pinch hit":
            return f"{actor} took the pinch hit for {target} in {name}"
        case "reveal works" | "reveal creators":
            return f"{actor} revealed the {verb.removeprefix('reveal ')} of {name}"
        case "removed":
            return f"{actor} removed {target} from {name}"
        case _:
            return f"{actor}: {entry.action} in {name}"


_EDIT_FIELDS = re.compile(r"^[a-z, ]+$")


def audit_sentence(entry: AuditEntry) -> str:
    """One entry as a sentence, without its time."""
    actor = f"<@{entry.actor_id}>"
    target = f"<@{entry.target_id}>" if entry.target_id is not None else "a member"
    someone_else = entry.target_id is not None and entry.target_id != entry.actor_id
    prompt = f"prompt #{entry.prompt_number}" if entry.prompt_number is not None else "a prompt"
    if entry.prompt_title:
        prompt += f" “{entry.prompt_title}”"
    # The log is read by moderators only, so it names an anonymous prompt's prompter, marked as anonymous (the
    # log channel's live line never names them).
    if entry.prompt_anonymous:
        by = f" (anonymous; by {target})" if someone_else else " (anonymous)"
    else:
        by = f" by {target}" if someone_else else ""
    detail = entry.detail or ""
    match entry.action:
        case "submit":
            text = f"{actor} submitted {prompt}"
        case "approve":
            text = f"{actor} approved {prompt}{by}"
        case "reject":
            text = f"{actor} rejected {prompt}{by}" + (f". Reason: {_clip(detail)}" if detail else "")
        case "edit":
            fields = detail.split(", ") if detail and _EDIT_FIELDS.match(detail) else []
            changed = f" (its {', '.join(fields[:-1]) + ' and ' + fields[-1] if len(fields) > 1 else fields[0]})"
            text = f"{actor} edited {prompt}{by}" + (changed if fields else "")
        case "withdraw":
            text = f"{actor} withdrew {prompt}{by}"
        case "claim":
            text = f"{actor} claimed {prompt}"
        case "claim dropped":
            text = f"{actor} dropped their claim on {prompt}"
        case "claim released":
            whose = f"{target}'s claim" if someone_else else "their claim"
            why = " because the prompt was withdrawn" if detail == "prompt withdrawn" else ""
            text = f"{actor} released {whose} on {prompt}{why}"
        case "claim expired":
            text = f"{target}'s claim on {prompt} expired at its deadline"
        case "claim filled":
            text = f"{target}'s claim on {prompt} ended with a fill"
        case "claim extended":
            days = detail.removeprefix("+").removesuffix(" days")
            more = f" by {plural(int(days), 'day')}" if days.isdigit() else ""
            text = f"{actor} extended {target}'s claim on {prompt}{more}"
        case "fill":
            text = f"{actor} posted a fill of {prompt}" + (f": <{detail}>" if detail else "")
        case "fill in progress":
            text = f"{actor} posted a fill of {prompt}, a work in progress" + (f": <{detail}>" if detail else "")
        case "fill part":
            text = f"{actor} posted a new part of their fill of {prompt}" + (f": <{detail}>" if detail else "")
        case "fill completed":
            text = f"{actor} completed their fill of {prompt}" + (f": <{detail}>" if detail else "")
        case "fill revealed":
            text = f"{actor} revealed that they wrote the anonymous fill of {prompt}" + (
                f": <{detail}>" if detail else ""
            )
        case "fills revealed":
            count = plural(int(detail), "anonymous fill") if detail.isdigit() else "the anonymous fills"
            text = f"{actor} revealed the writers of {count}"
        case "unfill":
            whose = f"{target}'s fill" if someone_else else "their fill"
            text = f"{actor} removed {whose} of {prompt}" + (f": <{detail}>" if detail else "")
        case "settings":
            text = f"{actor} changed {setting_change(detail)}"
        case "import":
            found = re.fullmatch(r"added (\d+), refused (\d+)", detail)
            if found:
                added, refused = int(found[1]), int(found[2])
                text = f"{actor} imported {plural(added, 'prompt')}" + (f" ({refused:,} refused)" if refused else "")
            else:
                text = f"{actor} imported prompts"
        case "ao3 account":
            old, _, new = detail.partition(" -> ")
            text = (
                f"{actor} unlinked their AO3 account {old}"
                if new == "(none)"
                else f"{actor} linked the AO3 account {new}"
            )
        case action if action.startswith("exchange "):
            text = _exchange(entry, actor, target)
        case _:
            text = f"{actor}: {entry.action}" + (f" ({_clip(detail)})" if detail else "")
    return text if text.endswith((".", "…", "!", "?")) else text + "."


def audit_line(entry: AuditEntry) -> str:
    """One line of /mod log: when, then what happened."""
    return f"{discord.utils.format_dt(entry.created_at, 'f')} · {audit_sentence(entry)}"
