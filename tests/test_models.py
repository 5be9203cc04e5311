"""db/models.py: the rules every renderer and repository asks Viewer, in one place. Pure and fast."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from db.models import CLAIMABLE_STATUSES, MEMBER_VISIBLE_STATUSES, PROMPT_STATUSES, Fill, Prompt, Viewer

PROMPTER, OTHER, MODERATOR = 1, 2, 3
PROMPT = Prompt(
    id=1,
    guild_id=10,
    number=1,
    author_id=PROMPTER,
    anonymous=False,
    status="open",
    rating="G",
    text="Two rival bakers are stuck in a lift.",
    title=None,
    fandom=None,
    tags=(),
    active_claims=0,
    fill_count=0,
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)
member, prompter, moderator = Viewer(OTHER), Viewer(PROMPTER), Viewer(MODERATOR, is_moderator=True)


@pytest.mark.parametrize("status", PROMPT_STATUSES)
def test_members_see_public_statuses_prompters_and_moderators_see_all(status) -> None:
    prompt = replace(PROMPT, status=status)
    assert member.may_see(prompt) == (status in ("open", "filled", "closed"))
    assert prompter.may_see(prompt) and moderator.may_see(prompt)
    assert Viewer.channel_reader(age_restricted=True).may_see(prompt) == (status in MEMBER_VISIBLE_STATUSES)


@pytest.mark.parametrize("status", PROMPT_STATUSES)
def test_only_open_and_filled_prompts_take_claims(status) -> None:
    assert replace(PROMPT, status=status).claimable == (status in CLAIMABLE_STATUSES) == (status in ("open", "filled"))


def test_an_anonymous_prompter_is_named_only_privately_to_themselves_or_a_moderator() -> None:
    hidden = replace(PROMPT, anonymous=True)
    for viewer, named_privately in ((member, False), (prompter, True), (moderator, True)):
        assert viewer.sees_prompter(hidden, private=True) == named_privately
        assert not viewer.sees_prompter(hidden, private=False)
        assert viewer.sees_prompter(PROMPT, private=False)  # a named prompt names its prompter to anyone


def test_an_answer_is_private_for_hidden_prompts_and_for_a_moderator_shown_an_anonymous_prompter() -> None:
    assert not member.reply_is_private(PROMPT)
    assert member.reply_is_private(replace(PROMPT, status="pending"))
    assert prompter.reply_is_private(replace(PROMPT, status="rejected"))
    assert moderator.reply_is_private(replace(PROMPT, anonymous=True))
    assert not member.reply_is_private(replace(PROMPT, anonymous=True))
    assert not moderator.reply_is_private(PROMPT)


def test_an_anonymous_fills_writer_is_named_only_privately_to_themselves_or_a_moderator() -> None:
    writer = Viewer(OTHER + 10)
    named = Fill(1, 10, 1, 1, writer.member_id, "https://example.org/w", None, None, datetime(2026, 1, 1, tzinfo=UTC))
    hidden = replace(named, anonymous=True)
    for viewer, named_privately in ((member, False), (prompter, False), (writer, True), (moderator, True)):
        assert viewer.sees_filler(hidden, private=True) == named_privately
        assert not viewer.sees_filler(hidden, private=False)
        assert viewer.sees_filler(named, private=False)
    assert not Viewer.channel_reader(age_restricted=True).sees_filler(hidden, private=False)
    # A moderator shown an anonymous fill's writer gets a private answer; members a public one.
    assert moderator.reply_is_private(PROMPT, [hidden]) and not moderator.reply_is_private(PROMPT, [named])
    assert not member.reply_is_private(PROMPT, [hidden])


def test_acting_on_someone_elses_prompt_is_acting_as_a_moderator() -> None:
    assert not prompter.acts_as_moderator_on(PROMPT)
    assert moderator.acts_as_moderator_on(PROMPT)
    assert not Viewer(PROMPTER, is_moderator=True).acts_as_moderator_on(PROMPT)


@pytest.mark.parametrize("status", PROMPT_STATUSES)
def test_an_imported_prompt_without_a_prompter_is_nobodys_not_even_a_channel_readers(status) -> None:
    imported = replace(PROMPT, author_id=None, status=status)
    reader = Viewer.channel_reader(age_restricted=True)  # member 0, as the store writes "nobody"
    assert imported.imported and not PROMPT.imported
    assert not reader.owns(imported) and not member.owns(imported)
    assert reader.may_see(imported) == member.may_see(imported) == (status in MEMBER_VISIBLE_STATUSES)
    assert moderator.may_see(imported)
    assert reader.acts_as_moderator_on(imported)  # acting on it is never acting on one's own prompt
