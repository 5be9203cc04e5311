"""Words of the full-text index, keyed by server.

One FTS5 index serves every server, so each word is stored with its server's key in front of it
("k3f9a0" + "lighthouse"): a search or an autocomplete in one server reads only that server's entries for
its words, never the postings a large server beside it has for the same word. Prefix indexes of 7 to 9
characters (the 6-character key and 1 to 3 letters) serve the short prefixes members type.

Words are split here exactly as FTS5's unicode61 tokenizer splits them (runs of letters, numbers and
private-use characters), so the key stays glued to each word; the tokenizer still folds case and
diacritics.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import regex

KEY_LENGTH = 6
_TOKEN = regex.compile(r"[\p{L}\p{N}\p{Co}]+")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def server_key(guild_id: int) -> str:
    """Six characters: "k" and five base-36 digits of a hash of the server's id (a collision between two
    servers costs only speed: every query also filters by server)."""
    value = int.from_bytes(hashlib.blake2b(str(guild_id).encode(), digest_size=8).digest(), "big")
    digits = []
    for _ in range(KEY_LENGTH - 1):
        value, digit = divmod(value, 36)
        digits.append(_DIGITS[digit])
    return "k" + "".join(digits)


# The same runs in ASCII text (letters and digits), by the standard library's faster engine.
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9]+")


def tokens(text: str) -> list[str]:
    if text.isascii():
        return _ASCII_TOKEN.findall(text)
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


def indexed_words(guild_id: int, *parts: str | None) -> str:
    """What the index stores for a prompt: every word of its parts, with the server's key in front."""
    key = server_key(guild_id)
    return " ".join(key + token for part in parts if part for token in tokens(part))


def match_query(guild_id: int, typed: str, *, limit: int = 20) -> str | None:
    """The typed words as an FTS5 query in this server: each a quoted prefix, all required; None when no word."""
    words = tokens(typed)[:limit]
    if not words:
        return None
    key = server_key(guild_id)
    return " ".join(f'"{key}{word}"*' for word in words)
