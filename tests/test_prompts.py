"""/prompt submit, view, list, search, edit, withdraw, and autocomplete, through the real dispatch."""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections import Counter

from db.models import Viewer
from tests.conftest import all_sent_bodies, snapshot, submit
from tests.driver import ALICE, BOB, CAROL, GUILD, LOG, MOD, NSFW, OTHER_CHANNEL, OTHER_GUILD, PROMPTS, Driver

TEXT = "Aziraphale opens a bookshop café and Crowley keeps buying every scone."


async def store_prompt(driver: Driver, number: int, guild_id: int = GUILD.id):
    return await driver.bot.store.prompts.get(guild_id, number)


# -- submit ----------------------------------------------------------------------------------------


async def test_submit_with_options_stores_and_replies_with_the_number(driver: Driver) -> None:
    out = await driver.command(
        "prompt submit", text=TEXT, title="Scones", fandom="Good Omens", tags="Fluff, café AU, fluff", rating="T"
    )
    assert out.ephemeral
    assert "Your prompt is **#1**" in out.content and "open for claims" in out.content
    prompt = await store_prompt(driver, 1)
    assert (prompt.status, prompt.title, prompt.fandom, prompt.rating) == ("open", "Scones", "Good Omens", "T")
    assert prompt.tags == ("Fluff", "café AU")
    assert prompt.author_id == ALICE.id


async def test_open_prompt_is_posted_to_the_prompts_channel_with_a_claim_button(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    number = await submit(driver, TEXT)
    posts = driver.posts(PROMPTS)
    assert len(posts) == 1
    assert posts[0]["embeds"][0]["description"] == TEXT
    ids = [c["custom_id"] for row in posts[0]["components"] for c in row["components"]]
    assert ids == [f"promptfill:claim:{number}", f"promptfill:second:{number}"]
    assert posts[0]["allowed_mentions"] == {"parse": []}
    stored = await store_prompt(driver, number)
    assert stored.message_channel_id == PROMPTS.id and stored.message_id is not None


async def test_with_require_approval_the_prompt_waits_and_is_not_posted(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, require_approval=True)
    out = await driver.command("prompt submit", text=TEXT)
    assert "waits for a moderator" in out.content
    assert (await store_prompt(driver, 1)).status == "pending"
    assert driver.posts(PROMPTS) == []


async def test_submit_without_text_opens_a_modal_and_the_modal_stores_the_prompt(driver: Driver) -> None:
    out = await driver.command("prompt submit", rating="M", anonymous=True)
    modal = out.modal
    assert driver.text_input_ids(modal) == ["text", "title", "fandom", "tags"]
    done = await driver.submit_modal(
        modal,
        {"text": TEXT + "\n\nWith a second paragraph.", "title": "Long one", "fandom": "Good Omens", "tags": "angst"},
    )
    assert done.ephemeral and "**#1**" in done.content
    prompt = await store_prompt(driver, 1)
    assert prompt.text.endswith("second paragraph.") and prompt.rating == "M" and prompt.anonymous
    assert prompt.tags == ("angst",) and prompt.title == "Long one"


async def test_modal_refusal_is_ephemeral_and_stores_nothing(driver: Driver, db_path) -> None:
    out = await driver.command("prompt submit")
    before = snapshot(db_path)
    done = await driver.submit_modal(out.modal, {"text": "\u200b\u200b \u200d  "})
    assert done.ephemeral and "empty" in done.content
    assert snapshot(db_path) == before


async def refused(driver: Driver, db_path, command: str, *, unchecked: bool = False, **options) -> str:
    before = snapshot(db_path)
    send = driver.command_unchecked if unchecked else driver.command
    out = await send(command, **options)
    assert out.ephemeral, out.messages
    assert snapshot(db_path) == before
    return out.content


async def test_each_bad_submission_is_refused_clearly_and_changes_nothing(driver: Driver, db_path) -> None:
    await submit(driver, TEXT)
    assert "10 to 4,000 characters" in await refused(driver, db_path, "prompt submit", text="too short")
    assert "empty" in await refused(driver, db_path, "prompt submit", text="   \u200b\u200c\u2060   ")
    assert "10 to 4,000" in await refused(driver, db_path, "prompt submit", text="x" * 4001)
    assert "Title" in await refused(driver, db_path, "prompt submit", text="A fine idea here", title="t" * 201)
    assert "Fandom" in await refused(driver, db_path, "prompt submit", text="A fine idea here", fandom="f" * 101)
    many = ", ".join(f"tag{i}" for i in range(21))
    assert "at most 20 tags" in await refused(driver, db_path, "prompt submit", text="A fine idea here", tags=many)
    assert "up to 50" in await refused(driver, db_path, "prompt submit", text="A fine idea here", tags="t" * 51)
    duplicate = await refused(
        driver,
        db_path,
        "prompt submit",
        text="  aziraphale OPENS a bookshop-café, and crowley keeps buying every scone!!  ",
    )
    assert "already exists here as #1" in duplicate
    assert "one of G, T, M, E, NR" in await refused(
        driver, db_path, "prompt submit", unchecked=True, text="A fine idea here", rating="X"
    )


async def test_anonymous_is_refused_when_the_server_disallows_it(driver: Driver, db_path) -> None:
    await driver.command("settings set", user=MOD, allow_anonymous=False)
    message = await refused(driver, db_path, "prompt submit", text=TEXT, anonymous=True)
    assert "does not take anonymous prompts" in message


async def test_fifty_concurrent_submissions_get_numbers_1_to_50(driver: Driver) -> None:
    users = [ALICE, BOB, CAROL]
    outs = await asyncio.gather(
        *(
            driver.command("prompt submit", user=users[i % 3], text=f"Prompt number {i} about a dragon and a knight")
            for i in range(50)
        )
    )
    numbers = sorted(int(o.content.split("**#")[1].split("**")[0]) for o in outs)
    assert numbers == list(range(1, 51))
    page = await driver.bot.store.browse.list(GUILD.id, _moderator(), per_page=100)
    assert sorted(p.number for p in page.items) == list(range(1, 51))


async def test_numbers_are_per_server_and_a_refusal_uses_no_number(driver: Driver) -> None:
    await submit(driver, TEXT)
    await driver.command("prompt submit", text="short")
    assert await submit(driver, "A second idea for the archive") == 2
    out = await driver.command("prompt submit", guild=OTHER_GUILD, channel=OTHER_CHANNEL, text=TEXT)
    assert "**#1**" in out.content


def _moderator() -> Viewer:
    return Viewer(member_id=MOD.id, is_moderator=True, age_restricted_channel=True)


# -- view ---------------------------------------------------------------------------------------------


async def test_view_shows_the_prompt_and_its_prompter(driver: Driver) -> None:
    await submit(driver, TEXT, title="Scones", fandom="Good Omens", tags="fluff")
    out = await driver.command("prompt view", user=BOB, prompt=1)
    embed = out.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert embed["description"] == TEXT and embed["title"] == "#1 · Scones"
    assert fields["Prompter"] == f"<@{ALICE.id}>" and fields["Fandom"] == "Good Omens" and fields["Tags"] == "fluff"
    assert fields["Status"] == "Open for claims: 1 claim slot left" and fields["Claimed by"] == "nobody yet"
    assert fields["Fills"] == "none yet"
    assert not out.ephemeral


async def test_anonymous_prompter_is_hidden_from_members_and_shown_to_moderators_privately(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, anonymous=True)
    member_view = await driver.command("prompt view", user=BOB, prompt=1)
    assert str(ALICE.id) not in json.dumps(member_view.last)
    assert "Anonymous" in member_view.text
    mod_view = await driver.command("prompt view", user=MOD, prompt=1)
    assert mod_view.ephemeral and str(ALICE.id) in mod_view.text
    listing = await driver.command("prompt list", user=BOB)
    search = await driver.command("prompt search", user=BOB, query="bookshop")
    by_member = await driver.command("prompt list", user=BOB, member=ALICE)
    for out in (listing, search, by_member):
        assert str(ALICE.id) not in json.dumps(out.calls[0].body)
    assert "No prompts match" in by_member.text
    assert str(ALICE.id) not in json.dumps(driver.posts(PROMPTS))


async def test_view_of_unknown_or_other_servers_prompt_is_refused(driver: Driver) -> None:
    await driver.command("prompt submit", guild=OTHER_GUILD, channel=OTHER_CHANNEL, text=TEXT)
    out = await driver.command("prompt view", prompt=1)
    assert out.ephemeral and "There is no prompt #1 in this server" in out.content


async def test_pending_prompts_are_visible_only_to_their_prompter_and_moderators(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, require_approval=True)
    await submit(driver, TEXT)
    assert "no prompt #1" in (await driver.command("prompt view", user=BOB, prompt=1)).content
    own = await driver.command("prompt view", user=ALICE, prompt=1)
    assert own.ephemeral and own.embeds[0]["description"] == TEXT
    assert (await driver.command("prompt view", user=MOD, prompt=1)).embeds


# -- age-restricted content ---------------------------------------------------------------------------


async def test_explicit_prompts_are_invisible_outside_age_restricted_channels(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, "An explicit idea that only adults should read", rating="E", tags="smut")
    await submit(driver, TEXT)
    view = await driver.command("prompt view", user=BOB, prompt=1)
    assert view.ephemeral and "age-restricted channel" in view.content
    assert "explicit idea" not in json.dumps(driver.posts(PROMPTS))
    assert "rated Explicit" in driver.posts(PROMPTS)[0]["embeds"][0]["description"]
    listing = await driver.command("prompt list", user=BOB)
    assert "#1`" not in listing.text and "#2`" in listing.text
    search = await driver.command("prompt search", user=BOB, query="explicit idea")
    assert "No prompts match" in search.text
    choices = await driver.autocomplete("prompt view", "prompt", "", user=BOB)
    assert [c["value"] for c in choices.choices] == [2]
    in_nsfw = await driver.command("prompt view", user=BOB, channel=NSFW, prompt=1)
    assert "explicit idea" in in_nsfw.embeds[0]["description"]
    nsfw_list = await driver.command("prompt list", user=BOB, channel=NSFW)
    assert "#1`" in nsfw_list.text


# -- list and search --------------------------------------------------------------------------------


async def test_list_pages_with_buttons_only_the_asker_can_press(driver: Driver) -> None:
    for i in range(20):
        await submit(driver, f"Idea {i:02d}: the lighthouse keeper's story", user=BOB, fandom="Original")
    first = await driver.command("prompt list", user=ALICE)
    assert first.ephemeral
    assert "#20`" in first.text and "Page 1 of 3" in first.text
    message_id = first.message_id
    nxt = next(c for c in first.custom_ids if c.endswith("next"))
    second = await driver.click(message_id, nxt, user=ALICE)
    assert "Page 2 of 3" in second.text and "#12`" in second.text and "#20`" not in second.text
    stranger = await driver.click(message_id, nxt, user=CAROL)
    assert stranger.ephemeral and "belong to whoever ran the command" in stranger.content


async def test_list_filters_by_status_fandom_tag_and_member(driver: Driver) -> None:
    await submit(driver, TEXT, fandom="Good Omens", tags="Fluff")
    await submit(driver, "A heist with too many twins involved", user=BOB, fandom="Leverage", tags="heist")
    await driver.command("prompt withdraw", user=BOB, prompt=2)
    assert "#1`" in (await driver.command("prompt list", fandom="good omens")).text
    assert "#2`" not in (await driver.command("prompt list", fandom="good omens")).text
    assert "#2`" in (await driver.command("prompt list", status="closed")).text
    assert "#1`" in (await driver.command("prompt list", tag="FLUFF")).text
    by_bob = await driver.command("prompt list", member=BOB)
    assert "#2`" in by_bob.text and "#1`" not in by_bob.text


async def test_search_finds_words_in_text_title_fandom_and_tags(driver: Driver) -> None:
    await submit(driver, TEXT, title="Scones", fandom="Good Omens", tags="café AU")
    await submit(driver, "A heist with too many twins involved", fandom="Leverage", tags="heist")
    assert "#1`" in (await driver.command("prompt search", query="bookshop")).text
    assert "#1`" in (await driver.command("prompt search", query="scones")).text
    assert "#1`" in (await driver.command("prompt search", query="omens")).text
    assert "#2`" in (await driver.command("prompt search", query="heist")).text
    assert "#1`" not in (await driver.command("prompt search", query="heist")).text


async def test_search_treats_fts_syntax_as_plain_words(driver: Driver) -> None:
    await submit(driver, TEXT)
    for query in ['"', "AND (", "NEAR(a b", "*", "title:x OR", "-bookshop"]:
        out = await driver.command("prompt search", query=query)
        assert out.ephemeral, query
    assert "#1`" in (await driver.command("prompt search", query='"bookshop')).text
    assert driver.unexpected_errors() == []


# -- edit and withdraw --------------------------------------------------------------------------------


async def test_prompter_edits_while_unclaimed_then_only_moderators(driver: Driver, db_path) -> None:
    await submit(driver, TEXT)
    out = await driver.command("prompt edit", prompt=1, title="Scones", tags="fluff, crack")
    assert out.ephemeral and "updated" in out.content
    assert (await store_prompt(driver, 1)).tags == ("fluff", "crack")
    assert "Only the member who posted #1" in await refused(
        driver, db_path, "prompt edit", user=BOB, prompt=1, title="Mine"
    )
    await driver.command("claim", user=BOB, prompt=1)
    assert "only a moderator can edit" in await refused(driver, db_path, "prompt edit", prompt=1, title="Again")
    by_mod = await driver.command("prompt edit", user=MOD, prompt=1, rating="M")
    assert "updated" in by_mod.content and (await store_prompt(driver, 1)).rating == "M"


async def test_edit_refuses_bad_values_duplicates_and_no_changes(driver: Driver, db_path) -> None:
    await submit(driver, TEXT)
    await submit(driver, "A heist with too many twins involved")
    assert "already exists here as #1" in await refused(driver, db_path, "prompt edit", prompt=2, text=TEXT.upper())
    assert "Nothing to change" in await refused(driver, db_path, "prompt edit", prompt=2)
    assert "10 to 4,000" in await refused(driver, db_path, "prompt edit", prompt=2, text="short")
    assert "no prompt #9" in await refused(driver, db_path, "prompt edit", prompt=9, title="x")


async def test_edit_updates_the_search_index_and_the_post(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT)
    await driver.command("prompt edit", prompt=1, text="A completely different idea about pirates")
    assert "#1`" in (await driver.command("prompt search", query="pirates")).text
    assert "No prompts match" in (await driver.command("prompt search", query="bookshop")).text
    edits = [c for c in driver.fake.calls if c.method == "PATCH" and c.route.startswith("/channels/")]
    assert edits and "pirates" in edits[-1].body["embeds"][0]["description"]


async def test_withdraw_closes_ends_claims_and_keeps_history(driver: Driver, db_path) -> None:
    await submit(driver, TEXT)
    await driver.command("claim", user=BOB, prompt=1)
    assert "Only the member who posted #1" in await refused(driver, db_path, "prompt withdraw", user=CAROL, prompt=1)
    out = await driver.command("prompt withdraw", prompt=1)
    assert out.ephemeral and "withdrawn" in out.content and "1 claim on it ended" in out.content
    assert (await store_prompt(driver, 1)).status == "closed"
    assert await driver.bot.store.claims.of_member(GUILD.id, BOB.id) == []
    assert any("withdrawn" in m["content"] for m in driver.dms(BOB))
    assert "is closed" in await refused(driver, db_path, "prompt withdraw", prompt=1)
    assert "is closed, so you cannot claim it" in await refused(driver, db_path, "claim", user=CAROL, prompt=1)


async def test_moderator_withdraw_is_logged_without_naming_an_anonymous_prompter(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await submit(driver, TEXT, anonymous=True)
    await driver.command("prompt withdraw", user=MOD, prompt=1)
    lines = driver.posts(LOG)
    assert "withdrew prompt #1" in lines[-1]["content"]
    assert str(ALICE.id) not in json.dumps(lines)


# -- autocomplete and mentions ----------------------------------------------------------------------


async def test_autocomplete_by_number_prefix_and_by_words(driver: Driver) -> None:
    for i in range(1, 31):
        await submit(driver, f"Story seed {i}: {'dragons' if i % 2 else 'mermaids'} in the harbour", user=BOB)
    by_number = await driver.autocomplete("claim", "prompt", "1")
    assert [c["value"] for c in by_number.choices] == [1, *range(10, 20)]
    assert by_number.choices[0]["name"].startswith("#1 Story seed 1")
    by_words = await driver.autocomplete("claim", "prompt", "mermaid")
    assert by_words.choices and all(c["value"] % 2 == 0 for c in by_words.choices)
    empty = await driver.autocomplete("claim", "prompt", "")
    assert len(empty.choices) == 25 and empty.choices[0]["value"] == 30
    weird = await driver.autocomplete("claim", "prompt", '"(')
    assert len(weird.choices) == 25


async def test_member_text_never_pings(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, log_channel=LOG, require_approval=True)
    nasty = f"@everyone look <@&{GUILD.id}> and <@{BOB.id}> please write this"
    await submit(driver, nasty, title="@here", fandom="@everyone", tags="@everyone")
    await driver.command("queue approve", user=MOD, prompt=1)
    await driver.command("prompt view", user=BOB, prompt=1)
    await driver.command("prompt list", user=BOB)
    await driver.command("prompt search", user=BOB, query="everyone")
    await driver.command("prompt edit", prompt=1, text=nasty + " again")
    bodies = all_sent_bodies(driver)
    assert len(bodies) >= 7
    for body in bodies:
        assert body.get("allowed_mentions") == {"parse": []}, body


async def test_long_lists_count_to_a_thousand_and_say_there_are_more(driver: Driver) -> None:
    entries = [
        (f"line {i}", {"text": f"Seeded idea number {i} about a moth", "author_id": BOB.id}) for i in range(1005)
    ]
    await driver.bot.store.transfer.import_entries(GUILD.id, MOD.id, entries)
    out = await driver.command("prompt list", user=ALICE)
    assert "Page 1 of 125+ · 1,000+ prompts" in out.text
    assert any(c.endswith("next") for c in out.custom_ids)


async def test_autocomplete_hides_other_members_pending_prompts(driver: Driver) -> None:
    await submit(driver, TEXT)
    await driver.command("settings set", user=MOD, require_approval=True)
    await submit(driver, "A pending idea about a runaway train", user=BOB)
    seen_by_alice = await driver.autocomplete("prompt view", "prompt", "", user=ALICE)
    seen_by_bob = await driver.autocomplete("prompt view", "prompt", "", user=BOB)
    seen_by_mod = await driver.autocomplete("queue approve", "prompt", "", user=MOD)
    assert [c["value"] for c in seen_by_alice.choices] == [1]
    assert [c["value"] for c in seen_by_bob.choices] == [2, 1]
    assert [c["value"] for c in seen_by_mod.choices] == [2, 1]


def drawn_number(out) -> int:
    match = re.search(r"#(\d+)", out.embeds[0]["footer"]["text"])
    assert match, out.messages
    return int(match.group(1))


CHI_SQUARE_19_DF_0_1_PERCENT = 43.820  # critical value, 19 degrees of freedom, p = 0.001


async def seeded_driver(db_path, clock, seed: int = 20261125) -> Driver:
    return await Driver.start(db_path, clock=clock, rng=random.Random(seed))


async def test_draw_is_uniform_and_never_offers_an_ineligible_prompt(db_path, clock) -> None:
    driver = await seeded_driver(db_path, clock)
    try:
        eligible = [await submit(driver, f"Eligible idea {i}: a ghost in the library", user=BOB) for i in range(20)]
        own = await submit(driver, "Carol's own idea about a moth", user=CAROL)
        mine_claimed = await submit(driver, "An idea Carol already claimed", user=BOB)
        await driver.command("claim", user=CAROL, prompt=mine_claimed)
        full = await submit(driver, "An idea whose only slot is taken", user=BOB)
        await driver.command("claim", user=ALICE, prompt=full)
        closed = await submit(driver, "An idea that was withdrawn", user=BOB)
        await driver.command("prompt withdraw", user=BOB, prompt=closed)
        filled = await submit(driver, "An idea already filled once", user=BOB)
        await driver.command("fill", user=ALICE, prompt=filled, url="https://example.org/work/1")
        explicit = await submit(driver, "An explicit idea for adults", user=BOB, rating="E")
        await driver.command("settings set", user=MOD, require_approval=True)
        pending = await submit(driver, "An idea still waiting for approval", user=BOB)
        ineligible = {own, mine_claimed, full, closed, filled, explicit, pending}

        counts: Counter[int] = Counter()
        for _ in range(200):
            outs = await asyncio.gather(*(driver.command("prompt random", user=CAROL) for _ in range(50)))
            counts.update(drawn_number(o) for o in outs)
        assert sum(counts.values()) == 10_000
        assert not set(counts) & ineligible
        assert set(counts) == set(eligible)
        expected = 10_000 / 20
        chi_square = sum((counts[n] - expected) ** 2 / expected for n in eligible)
        assert chi_square < CHI_SQUARE_19_DF_0_1_PERCENT, (chi_square, counts)
    finally:
        await driver.close()


async def test_filters_and_include_options_decide_what_is_drawn(driver: Driver) -> None:
    await submit(driver, "A Good Omens idea with fluff", user=BOB, fandom="Good Omens", tags="Fluff", rating="G")
    await submit(driver, "A Leverage idea with heists", user=BOB, fandom="Leverage", tags="heist", rating="T")
    filled = await submit(driver, "A filled Leverage idea", user=BOB, fandom="Leverage", rating="T")
    await driver.command("fill", user=ALICE, prompt=filled, url="https://example.org/w")
    claimed = await submit(driver, "A claimed idea with heists", user=BOB, fandom="Leverage", tags="heist")
    await driver.command("claim", user=ALICE, prompt=claimed)
    explicit = await submit(driver, "An explicit Good Omens idea", user=BOB, fandom="Good Omens", rating="E")

    async def draws(**options) -> set[int]:
        return {drawn_number(await driver.command("prompt random", user=CAROL, **options)) for _ in range(40)}

    assert await draws(fandom="good omens") == {1}
    assert await draws(tag="HEIST") == {2}
    assert await draws(rating="T") == {2}
    assert await draws(fandom="Leverage", include_filled=True) == {2, filled}
    assert await draws(tag="heist", include_claimed=True) == {2, claimed}
    assert explicit in await draws(channel=NSFW, fandom="Good Omens")


async def test_nothing_to_draw_says_which_filters_to_loosen(driver: Driver) -> None:
    await submit(driver, "A Leverage idea with heists", user=BOB, fandom="Leverage")
    out = await driver.command("prompt random", user=CAROL, fandom="Stargate")
    assert out.ephemeral and "No prompt matches" in out.content
    assert "Try again without the fandom filter, or including filled and claimed prompts." in out.content


async def test_draw_again_replaces_the_message_and_claim_button_claims(driver: Driver) -> None:
    for i in range(3):
        await submit(driver, f"Idea {i} about a haunted lighthouse", user=BOB)
    out = await driver.command("prompt random", user=CAROL)
    assert out.ephemeral
    again_id = next(c for c in out.custom_ids if not c.startswith("promptfill:claim:"))
    again = await driver.click(out.message_id, again_id, user=CAROL)
    assert again.kind == 7 and again.embeds  # an update of the same message
    number = drawn_number(again)
    claim = await driver.click(again.message_id, f"promptfill:claim:{number}", user=CAROL)
    assert claim.ephemeral and f"You claimed prompt #{number}" in claim.content
    stranger = await driver.click(out.message_id, again_id, user=ALICE)
    assert stranger.ephemeral and "belongs to someone else" in stranger.content


async def test_the_counting_fallback_is_uniform_too(db_path, clock, monkeypatch) -> None:
    """When eligible prompts are too rare for rejection sampling, the draw counts them and takes the k-th."""
    import db.browse

    monkeypatch.setattr(db.browse, "DRAW_BATCHES", 0)
    driver = await seeded_driver(db_path, clock, seed=7)
    try:
        eligible = [await submit(driver, f"Tagged idea {i} about a comet", user=BOB, tags="rare") for i in range(10)]
        for i in range(10):
            await submit(driver, f"Untagged idea {i} about a lantern", user=BOB)
        counts: Counter[int] = Counter()
        for _ in range(40):
            outs = await asyncio.gather(*(driver.command("prompt random", user=CAROL, tag="rare") for _ in range(50)))
            counts.update(drawn_number(o) for o in outs)
        assert set(counts) == set(eligible)
        expected = 2000 / 10
        chi_square = sum((counts[n] - expected) ** 2 / expected for n in eligible)
        assert chi_square < 27.877, (chi_square, counts)  # 9 degrees of freedom, p = 0.001
    finally:
        await driver.close()


async def test_a_draw_by_common_names_probes_longer_before_counting_and_stays_uniform(
    db_path, clock, monkeypatch
) -> None:
    """issue 25: a fandom and a tag each on at least RARE prompts get a third batch of probes before the count;
    a rare name counts at once. The guess only chooses the batches: draws stay uniform over the matches."""
    import sqlite3

    import db.browse

    monkeypatch.setattr(db.browse, "RARE", 5)
    driver = await seeded_driver(db_path, clock, seed=11)
    try:
        eligible = [
            await submit(driver, f"Matching idea {i} about a comet", user=BOB, fandom="Hades", tags="heist")
            for i in range(6)
        ]
        for i in range(6):
            await submit(driver, f"Other idea {i} about a lantern", user=BOB, fandom="Hades", tags="fluff")
        await submit(driver, "A lone idea about a violin", user=BOB, fandom="Leverage", tags="heist")
        conn = sqlite3.connect(db_path)
        try:
            used = db.browse._each_used_by_many  # pyright: ignore[reportPrivateUsage]
            assert used(conn, GUILD.id, "hades", "heist")  # 12 and 7 prompts: both at least 5
            assert not used(conn, GUILD.id, "leverage", "heist")  # 1 prompt: counted at once
            assert not used(conn, GUILD.id, "hades", "nowhere")  # a tag no prompt uses
            assert not used(conn, GUILD.id, None, None)  # no name: the first batches suffice
        finally:
            conn.close()
        counts: Counter[int] = Counter()
        for _ in range(20):
            outs = await asyncio.gather(
                *(driver.command("prompt random", user=CAROL, fandom="Hades", tag="heist") for _ in range(30))
            )
            counts.update(drawn_number(o) for o in outs)
        assert set(counts) == set(eligible)
        expected = 600 / 6
        chi_square = sum((counts[n] - expected) ** 2 / expected for n in eligible)
        assert chi_square < 20.515, (chi_square, counts)  # 5 degrees of freedom, p = 0.001
    finally:
        await driver.close()


async def test_text_title_and_tags_that_render_as_nothing_are_refused(driver: Driver, db_path) -> None:
    before = snapshot(db_path)
    cases: list[dict[str, str]] = [
        dict(text="\u3164" * 30),  # Hangul fillers
        dict(text="\u200e\u200f\u2061\u2062" * 8),  # direction marks and invisible operators
        dict(text="\u2800" * 20),  # braille blanks
        dict(text=TEXT, title="\u115f\u1160\u200b"),
        dict(text=TEXT, tags="fluff, \u200b\u2060, angst"),
        dict(text=TEXT, tags="\u3000 \u00a0"),
    ]
    for options in cases:
        out = await driver.command("prompt submit", user=ALICE, **options)  # type: ignore[arg-type]
        assert out.ephemeral and "Nothing was changed" in out.content, (options, out.content)
    assert snapshot(db_path) == before
