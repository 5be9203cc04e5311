"""How two spellings of one name are found equal: one fold, used by duplicate detection and by matching.

The fold ignores case (casefold), accents (NFKD, then the combining marks dropped: café = cafe, and
compatibility forms such as full-width letters become plain ones), invisible characters (Unicode's
Default_Ignorable_Code_Point and format characters: zero-width spaces, direction marks), apostrophes
(Ocean's = Oceans), and treats every other run of whitespace, punctuation or symbols as one word break.
Each use has one key function built on it, named for it, so a prompt's text, a fandom and a tag are each
compared the same way wherever they are compared for that use: `name_key` where names are listed, grouped and
merged (fandoms and tags; tags in exchange matching too), `fandom_match_key` where an exchange compares fandoms
(whitespace ignored as well, EXCHANGES.md), `text_key` for duplicate prompts.
"""

from __future__ import annotations

import re
import unicodedata

import regex

_INVISIBLE = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]")
_APOSTROPHES = regex.compile(r"['\u2019\u02bc\u2018`]")
_BREAKS = regex.compile(r"[^\p{L}\p{M}\p{N}]+")
# ASCII text has no accents, no invisible characters and no compatibility forms, and casefold is lower there:
# its fold is the apostrophes dropped and the rest split on what is not a letter or digit. Most names and
# texts are ASCII, and the general path's step per character was a third of a submission's time on the
# store's thread (profiled, issue 25); tests/test_validation.py checks both paths agree on every ASCII character.
_ASCII_APOSTROPHES = str.maketrans("", "", "'`")
_ASCII_BREAKS = re.compile(r"[^a-z0-9]+")


def _accented_script(ch: str) -> bool:
    """Latin, Greek and Cyrillic letters, whose marks are accents (é, ё, ά). Elsewhere a mark can change the
    letter itself (Japanese か and が, Devanagari vowel signs), so it is kept."""
    code = ord(ch)
    return code < 0x0530 or 0x1E00 <= code <= 0x1FFF


def _without_accents(decomposed: str) -> str:
    kept: list[str] = []
    base_accented = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if base_accented:
                continue
        else:
            base_accented = _accented_script(ch)
        kept.append(ch)
    return "".join(kept)


def words(text: str) -> list[str]:
    """The folded words of a text: lower case, no accents, no punctuation, no invisible characters."""
    if text.isascii():
        return [word for word in _ASCII_BREAKS.split(text.translate(_ASCII_APOSTROPHES).lower()) if word]
    return _folded_words(text)


def _folded_words(text: str) -> list[str]:
    """words() for any text: the general path."""
    bare = _without_accents(unicodedata.normalize("NFKD", text))
    bare = _APOSTROPHES.sub("", _INVISIBLE.sub("", bare)).casefold()
    # casefold can produce new compatibility forms (ß -> ss is fine; some map to decomposable letters).
    bare = unicodedata.normalize("NFKC", bare)
    return [word for word in _BREAKS.split(bare) if word]


def name_key(name: str) -> str:
    """A fandom's or a tag's key: its folded words, one space apart ("Good Omens (TV)" -> "good omens tv")."""
    return " ".join(words(name))


def fandom_match_key(fandom: str) -> str:
    """A fandom's key where an exchange compares it: case, accents, punctuation and whitespace ignored
    (EXCHANGES.md, "Compatible": "Good Omens" = "GoodOmens"). Stored as the fandom_key of exchange requests,
    offers, nominations and approved fandoms."""
    return text_key(fandom)


def text_key(text: str) -> str:
    """A prompt text's key for duplicates: its folded words run together, so spacing never matters."""
    return "".join(words(text))
