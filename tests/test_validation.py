"""db/validation.py: the contract's limits on what members type. Pure and fast; the commands' own tests
check that each refusal reaches the member and changes nothing."""

from __future__ import annotations

import pytest

from db import validation
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
