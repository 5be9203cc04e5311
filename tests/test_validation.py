"""db/validation.py: the contract's limits on what members type. Pure and fast; the commands' own tests
check that each refusal reaches the member and changes nothing."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db import folding, search_words, validation
from db.errors import InvalidField
from db.models import PromptEdit


def refused_field(call) -> str:
    with pytest.raises(InvalidField) as refused:
        call()
    return refused.value.field


@pytest.mark.parametrize("value", ["", "   ", "\u200b\u200b", " \ufeff\u2060 "])
def test_clean_sees_blank_and_invisible_text_as_nothing(value: str) -> None:
    assert validation.clean(value) is None


def test_clean_trims_but_keeps_inner_text() -> None:
    assert validation.clean("  \u200ba prompt\u200b ") == "a prompt"


@pytest.mark.parametrize(
    ("text", "ok"),
    [("x" * 9, False), ("x" * 10, True), ("x" * 4000, True), ("x" * 4001, False), ("\u200b" * 20, False)],
)
def test_prompt_text_is_10_to_4000_visible_characters(text: str, ok: bool) -> None:
    if ok:
        assert validation.prompt_text(text) == text
    else:
        assert refused_field(lambda: validation.prompt_text(text)) == "Text"


def test_optional_fields_refuse_blank_values_that_were_given() -> None:
    assert validation.title(None) is None
    assert refused_field(lambda: validation.title("  \u200b ")) == "Title"
    assert refused_field(lambda: validation.fandom("f" * 101)) == "Fandom"
    assert validation.fandom("f" * 100) == "f" * 100


def test_tags_are_trimmed_deduplicated_ignoring_case_and_bounded() -> None:
    assert validation.tags(" Fluff, fluff ,Angst,, ") == ("Fluff", "Angst")
    assert validation.tags(None) == ()
    assert refused_field(lambda: validation.tags("t" * 51)) == "Tags"
    assert refused_field(lambda: validation.tags(",".join(f"t{i}" for i in range(21)))) == "Tags"
    assert len(validation.tags(",".join(f"t{i}" for i in range(20)))) == 20


def test_keys_fold_case_and_spacing() -> None:
    assert validation.tag_key("  Slow   Burn ") == validation.tag_key("slow burn")
    assert validation.fandom_key("Good  Omens") == validation.fandom_key("good omens")
    assert validation.dedupe_key("Hello, World!") == validation.dedupe_key("hello world")


def test_the_ascii_fold_is_the_general_fold_on_every_ascii_character() -> None:
    """words() folds ASCII text on a short path (issue 25); it must give what the general path gives."""
    for code in range(128):
        text = f"Ab{chr(code)}cD {chr(code)}"
        assert folding.words(text) == folding._folded_words(text), code  # pyright: ignore[reportPrivateUsage]


@settings(max_examples=400)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_the_ascii_fold_agrees_with_the_general_fold(text: str) -> None:
    assert folding.words(text) == folding._folded_words(text)  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize(("given", "expected"), [(None, "NR"), ("e", "E"), (" t ", "T")])
def test_rating_defaults_to_not_rated_and_ignores_case(given: str | None, expected: str) -> None:
    assert validation.rating(given) == expected


def test_unknown_rating_is_refused() -> None:
    assert refused_field(lambda: validation.rating("PG-13")) == "Rating"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/work",
        "https://",
        "https://localhost/work",
        "https://exa mple.org/work",
        "https://discord.gg/abc",
        "https://discord.com/invite/abc",
        "https://example.org/" + "x" * 2048,
        "   ",
    ],
)
def test_fill_urls_need_http_a_host_and_no_invite(url: str) -> None:
    assert refused_field(lambda: validation.fill_url(url)) == "URL"


def test_a_plain_work_link_is_accepted_as_typed() -> None:
    assert validation.fill_url(" https://archiveofourown.org/works/1 ") == "https://archiveofourown.org/works/1"
    assert validation.fill_url("https://discord.com/channels/1/2/3") == "https://discord.com/channels/1/2/3"


def test_an_edit_checks_only_the_options_given() -> None:
    assert validation.prompt_edit(title_="New", tags_="a, b") == PromptEdit(title="New", tags=("a", "b"))
    assert validation.prompt_edit().given() == []
    assert refused_field(lambda: validation.prompt_edit(text="short")) == "Text"


def test_setting_changes_check_counts_and_clear_one_setting() -> None:
    changes = validation.setting_changes({"claim_days": 0, "require_approval": None, "log_channel": 5}, "fills_channel")
    assert changes == {"claim_days": 0, "log_channel": 5, "fills_channel": None}
    assert refused_field(lambda: validation.setting_changes({"claims_per_member": 366}, None)) == "claims_per_member"
    assert refused_field(lambda: validation.setting_changes({"claim_days": -1}, None)) == "claim_days"


# -- text that looks empty: a property over generated strings -----------------------------------------------

# Built from Unicode's own data, not from the module under test: every code point Python reports as a space
# separator, line or paragraph separator, control or format character, plus the fillers and marks that
# render as nothing although their category says otherwise (Hangul fillers are letters, variation selectors
# and the combining grapheme joiner are marks, U+2800 is a symbol).
_BLANK_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}
_RENDER_NOTHING = [0x115F, 0x1160, 0x3164, 0xFFA0, 0x034F, 0x180B, 0x180C, 0x180D, 0x180F, 0xFE00, 0xFE0F, 0x2800]
BLANKS = sorted(
    {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) in _BLANK_CATEGORIES}
    | {chr(c) for c in _RENDER_NOTHING}
    | {chr(c) for c in range(0xE0100, 0xE01F0)}  # variation selectors supplement
)
blank_text = st.text(alphabet=st.sampled_from(BLANKS), min_size=1, max_size=60)
# Letters and numbers, less the Hangul fillers: letters by category that render as nothing (in BLANKS).
visible_word = st.text(
    alphabet=st.characters(categories=("L", "N"), exclude_characters="".join(BLANKS)), min_size=1, max_size=20
)


@settings(max_examples=300, deadline=None)
@given(blank_text)
def test_text_of_blank_and_invisible_characters_is_empty(text: str) -> None:
    assert validation.clean(text) is None
    for check in (validation.prompt_text, validation.title, validation.fandom, validation.tags):
        with pytest.raises(InvalidField):
            check(text)


@settings(max_examples=300, deadline=None)
@given(blank_text, visible_word, blank_text)
def test_visible_text_survives_with_its_surroundings_trimmed(before: str, word: str, after: str) -> None:
    assert validation.clean(before + word + after) == word


@settings(max_examples=200, deadline=None)
@given(blank_text.filter(lambda hidden: hidden.strip()), st.lists(visible_word, min_size=1, max_size=5))
def test_a_hidden_tag_among_real_ones_is_refused(hidden: str, real: list[str]) -> None:
    # An empty slot between commas ("a, , b") is only a separator; a slot of invisible characters is a tag.
    assert len(validation.tags(", , ".join(real) + ",")) >= 1
    with pytest.raises(InvalidField, match="invisible"):
        validation.tags(", ".join([*real, hidden]))


@pytest.mark.parametrize(
    "text",
    [
        "\u200e\u200f" * 10,
        "\u2061\u2062\u2063\u2064" * 5,
        "\u3164" * 12,
        "\u2800" * 12,
        "\ufeff\u00ad" * 8,
        "a" + "\u200b" * 12,
    ],
)
def test_prompt_text_needs_ten_characters_that_show(text: str) -> None:
    with pytest.raises(InvalidField):
        validation.prompt_text(text)


# -- the ASCII shortcut: the same answers as the Unicode expressions ------------------------------------------


def test_the_ascii_invisible_characters_are_exactly_those_the_expression_finds() -> None:
    found = "".join(chr(c) for c in range(128) if validation._INVISIBLE.fullmatch(chr(c)))
    assert found == validation._ASCII_INVISIBLE


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_text_is_cleaned_and_measured_as_the_expressions_would(text: str) -> None:
    assert validation.visible_length(text) == len(validation._INVISIBLE.sub("", text))
    by_expression = validation._EDGES.sub("", text)
    expected = by_expression if len(validation._INVISIBLE.sub("", by_expression)) else None
    assert validation.clean(text) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_text_has_the_duplicate_key_and_words_of_the_general_rule(text: str) -> None:
    folded = unicodedata.normalize("NFKC", text).casefold()
    assert validation.dedupe_key(text) == "".join(ch for ch in folded if ch.isalnum())
    assert search_words.tokens(text) == search_words._TOKEN.findall(unicodedata.normalize("NFC", text))
