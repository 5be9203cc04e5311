"""What Discord would refuse: every request body checked against Discord's published OpenAPI description
(`../shared/discord-api/openapi.json`, read in place) and against the documented limits it leaves out.

The description is used as published, with one tolerance and one shortcut: a snowflake may be a JSON
integer as well as a string (Discord accepts both, and discord.py sends integers in `allowed_mentions`);
and `oneOf` is checked as `anyOf`, which stops at the first branch that matches. The description's
`oneOf` branches are told apart by a type, a `null` or a component `type`, so no body matches two of them
and nothing the check would refuse is let through; checking every branch of every nested `oneOf` made
each check about twice as slow (measured on a draw reply: 2.3 ms against 1.1 ms).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC = Path(__file__).resolve().parents[3] / "shared" / "discord-api" / "openapi.json"
SPEC_URI = "urn:discord-api"

# Documented limits the description does not encode (Discord's "Message" and "Embed limits" pages).
CONTENT_LIMIT = 2_000
EMBEDS_TOTAL_LIMIT = 6_000
ACTION_ROWS_LIMIT = 5
AUTOCOMPLETE_VALUE_LIMIT = 100
# "Application Command" page: a top-level command's names, descriptions and choice values (its own, its
# subcommands' and groups', its options' and their choices') may total 4,000 characters.
COMMAND_CHARACTERS_LIMIT = 4_000
_PARAMETER = re.compile(r"\{[^}]+\}")


def _template(path: str) -> str:
    return _PARAMETER.sub("{}", path)


class DiscordAPISchema:
    """Finds the request schema of an operation by method and path template and reports every violation."""

    def __init__(self, spec: dict[str, Any]) -> None:
        components = spec["components"]["schemas"]
        snowflake = components["SnowflakeType"]
        components["SnowflakeType"] = {"anyOf": [snowflake, {"type": "integer", "minimum": 0}]}
        _first_match_suffices(spec)
        self._registry = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, DRAFT202012))
        self._operations: dict[tuple[str, str], str] = {}
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                if method == "parameters":
                    continue
                content = (operation.get("requestBody") or {}).get("content") or {}
                if "application/json" not in content:
                    continue
                pointer = "/".join(
                    part.replace("~", "~0").replace("/", "~1")
                    for part in ("paths", path, method, "requestBody", "content", "application/json", "schema")
                )
                self._operations.setdefault((method.upper(), _template(path)), f"{SPEC_URI}#/{pointer}")
        self._validators: dict[str, Draft202012Validator] = {}

    def knows(self, method: str, path: str) -> bool:
        return (method.upper(), _template(path)) in self._operations

    def problems(self, method: str, path: str, body: Any) -> list[str]:
        """Why Discord would answer 400 to this request; empty when it would accept it."""
        if body is None:
            return []
        key = (method.upper(), _template(path))
        found: list[str] = []
        reference = self._operations.get(key)
        if reference is None:
            return [f"{method} {path} is not an operation in Discord's API description"]
        validator = self._validators.get(reference)
        if validator is None:
            validator = Draft202012Validator({"$ref": reference}, registry=self._registry)
            self._validators[reference] = validator
        for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in error.absolute_path) or "(body)"
            found.append(f"{where}: {_explain(error)}")
        found += _limit_problems(body)
        return found


def _first_match_suffices(node: Any) -> None:
    if isinstance(node, dict):
        if "oneOf" in node and "anyOf" not in node:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _first_match_suffices(value)
    elif isinstance(node, list):
        for value in node:
            _first_match_suffices(value)


def _explain(error: Any) -> str:
    # anyOf/oneOf errors say only "is not valid under any of the given schemas": name the closest reason.
    if error.context:
        deepest = max(error.context, key=lambda e: len(list(e.absolute_path)))
        where = "/".join(str(p) for p in deepest.absolute_path)
        return f"{deepest.message[:300]} (at {where})"
    return error.message[:300]


def _embed_length(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "") + len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    return total


def _messages_in(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The message-like parts of a body: itself, or an interaction callback's data."""
    if "type" in body and "data" in body and isinstance(body.get("data"), dict):
        return [body["data"]]
    return [body]


def command_characters(command: dict[str, Any]) -> int:
    """What Discord counts towards a command's 4,000 characters: names, descriptions and choices (the
    longest localization of each, where there are localizations), all the way down its options."""

    def longest(node: dict[str, Any], key: str) -> int:
        localized = (node.get(f"{key}_localizations") or {}).values()
        return max([len(str(node.get(key) or "")), *(len(str(v)) for v in localized)])

    total = longest(command, "name") + longest(command, "description")
    for choice in command.get("choices") or []:
        total += longest(choice, "name") + len(str(choice.get("value", "")))
    for option in command.get("options") or []:
        total += command_characters(option)
    return total


def _command_problems(commands: list[Any]) -> list[str]:
    """A command sync (PUT .../commands): every top-level command within its 4,000 characters."""
    found = []
    for command in commands:
        if isinstance(command, dict) and (size := command_characters(command)) > COMMAND_CHARACTERS_LIMIT:
            found.append(
                f"/{command.get('name')}: {size:,} characters in names, descriptions and choices,"
                f" over Discord's {COMMAND_CHARACTERS_LIMIT:,}"
            )
    return found


def _limit_problems(body: Any) -> list[str]:
    if isinstance(body, list):
        return _command_problems(body)
    if not isinstance(body, dict):
        return []
    found = []
    for message in _messages_in(body):
        content = message.get("content")
        if isinstance(content, str) and len(content) > CONTENT_LIMIT:
            found.append(f"content: {len(content)} characters, over Discord's {CONTENT_LIMIT}")
        embeds = message.get("embeds") or []
        total = sum(_embed_length(e) for e in embeds if isinstance(e, dict))
        if total > EMBEDS_TOTAL_LIMIT:
            found.append(f"embeds: {total} characters in all, over Discord's {EMBEDS_TOTAL_LIMIT}")
        components = message.get("components") or []
        rows = [c for c in components if isinstance(c, dict) and c.get("type") == 1]
        if len(rows) > ACTION_ROWS_LIMIT and not (message.get("custom_id") and message.get("title")):
            found.append(f"components: {len(rows)} action rows, over Discord's {ACTION_ROWS_LIMIT}")
        for choice in message.get("choices") or []:
            value = choice.get("value") if isinstance(choice, dict) else None
            if isinstance(value, str) and len(value) > AUTOCOMPLETE_VALUE_LIMIT:
                found.append(f"choices: a value of {len(value)} characters, over {AUTOCOMPLETE_VALUE_LIMIT}")
    return found


@cache
def discord_api_schema() -> DiscordAPISchema | None:
    """The checker, or None where the description is not beside the checkout (then only the limits above
    that the driver checks itself apply)."""
    if not SPEC.is_file():
        return None
    return DiscordAPISchema(json.loads(SPEC.read_text(encoding="utf-8")))


def limit_problems(body: Any) -> list[str]:
    return _limit_problems(body)
