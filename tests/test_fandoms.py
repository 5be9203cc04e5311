"""Fandom and tag names: autocomplete from the server's own names, folding (accents, case, punctuation),
the near-miss guard, search suggestions, through the real dispatch."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
from pathlib import Path

from db import folding, validation
from db.database import migrate
from db.models import MEMBER_VISIBLE_STATUSES
from tests.conftest import snapshot, submit
from tests.driver import ALICE, BOB, GUILD, LOG, MOD, OTHER_GUILD, Driver
from tests.test_operations import load_fixture


async def seed(driver: Driver, fandoms: dict[str, int], *, tags: str | None = None, guild_id: int = GUILD.id) -> None:
    """Prompts through the importer (the same insert as /prompt submit): `count` prompts per fandom."""
    entries = [
        (
            f"line {name} {i}",
            {
                "text": f"Seeded idea {i} for {name}, with a lighthouse",
                "fandom": name,
                "author_id": BOB.id,
                **({"tags": tags.split(", ")} if tags else {}),
            },
        )
        for name, count in fandoms.items()
        for i in range(count)
    ]
    await driver.bot.store.transfer.import_entries(guild_id, MOD.id, entries)


def names(out) -> list[str]:
    return [c["name"] for c in out.choices]


# -- folding ---------------------------------------------------------------------------------------


def test_one_fold_ignores_case_accents_punctuation_and_invisible_characters() -> None:
    assert folding.name_key("  Café  AU ") == folding.name_key("cafe au") == "cafe au"
    assert folding.name_key("Good Omens - Neil Gaiman") == "good omens neil gaiman"
    assert folding.name_key("Poke\u0301mon") == folding.name_key("POKÉMON") == "pokemon"
    assert folding.name_key("Sher\u200block") == "sherlock"
    assert folding.name_key("Ｇｏｏｄ Ｏｍｅｎｓ") == "good omens"
    assert folding.name_key("Ocean\u2019s Eleven") == folding.name_key("Oceans Eleven")
    # Marks that change a letter outside Latin, Greek and Cyrillic stay: か and が are different words.
    assert folding.name_key("が") != folding.name_key("か")
    assert validation.dedupe_key("A café, at dawn!") == validation.dedupe_key("a cafe at DAWN")
    assert validation.fandom_key("Café") == validation.tag_key("CAFE") == "cafe"


# -- autocomplete ----------------------------------------------------------------------------------


async def test_fandom_autocomplete_offers_the_servers_names_most_used_first(driver: Driver) -> None:
    await seed(driver, {"Good Omens": 3, "Sherlock (TV)": 5, "Pokémon": 1, "The Good Place": 2})
    await seed(driver, {"Only Elsewhere": 9}, guild_id=OTHER_GUILD.id)
    everything = await driver.autocomplete("prompt submit", "fandom", "")
    assert names(everything) == ["Sherlock (TV)", "Good Omens", "The Good Place", "Pokémon"]
    assert everything.choices[0]["value"] == "Sherlock (TV)"
    # By the start of the name and by the start of any word; case, accents and punctuation ignored.
    assert names(await driver.autocomplete("prompt submit", "fandom", "good")) == ["Good Omens", "The Good Place"]
    assert names(await driver.autocomplete("prompt submit", "fandom", "OME")) == ["Good Omens"]
    assert names(await driver.autocomplete("prompt submit", "fandom", "pokemon")) == ["Pokémon"]
    assert names(await driver.autocomplete("prompt submit", "fandom", "(tv")) == ["Sherlock (TV)"]
    assert names(await driver.autocomplete("prompt submit", "fandom", "good om")) == ["Good Omens"]
    assert names(await driver.autocomplete("prompt submit", "fandom", "ood")) == []
    assert names(await driver.autocomplete("prompt submit", "fandom", "elsewhere")) == []


async def test_every_fandom_and_tag_option_autocompletes(driver: Driver) -> None:
    await seed(driver, {"Good Omens": 2}, tags="Café AU, Fluff")
    await submit(driver, "A prompt to edit, about a garden wall", fandom="Good Omens")
    for command in ("prompt submit", "prompt random", "prompt list", "exchange request", "exchange offer"):
        assert names(await driver.autocomplete(command, "fandom", "go")) == ["Good Omens"], command
    edit = await driver.autocomplete("prompt edit", "fandom", "go", prompt=3)
    assert names(edit) == ["Good Omens"]
    for command in ("prompt random", "prompt list"):
        assert names(await driver.autocomplete(command, "tag", "cafe")) == ["Café AU"], command
        assert names(await driver.autocomplete(command, "tag", "")) == ["Café AU", "Fluff"], command


async def test_autocomplete_gives_the_25_most_used_of_many(driver: Driver) -> None:
    await seed(driver, {f"Fandom {n:02d}": 1 + n % 7 for n in range(40)})
    out = await driver.autocomplete("prompt list", "fandom", "fandom")
    uses = [1 + int(name.split()[1]) % 7 for name in names(out)]
    assert len(out.choices) == 25
    assert uses == sorted(uses, reverse=True) and uses[0] == 7 and uses[-1] >= 3


async def test_pending_and_rejected_fandoms_are_not_offered_and_counts_follow_edits(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, require_approval=True)
    await submit(driver, "A secret pending idea about a lantern", fandom="Hidden Fandom", tags="Secret Tag")
    assert names(await driver.autocomplete("prompt list", "fandom", "hid", user=BOB)) == []
    assert names(await driver.autocomplete("prompt list", "tag", "sec", user=BOB)) == []
    await driver.command("queue approve", user=MOD, prompt=1)
    assert names(await driver.autocomplete("prompt list", "fandom", "hid", user=BOB)) == ["Hidden Fandom"]
    assert names(await driver.autocomplete("prompt list", "tag", "sec", user=BOB)) == ["Secret Tag"]
    await driver.command("prompt edit", user=MOD, prompt=1, fandom="Shown Fandom", tags="Other Tag")
    assert names(await driver.autocomplete("prompt list", "fandom", "", user=BOB)) == ["Shown Fandom"]
    assert names(await driver.autocomplete("prompt list", "tag", "", user=BOB)) == ["Other Tag"]
    await submit(driver, "Another pending idea, later rejected", fandom="Spam Fandom")
    await driver.command("queue reject", user=MOD, prompt=2, reason="not a prompt")
    assert names(await driver.autocomplete("prompt list", "fandom", "", user=BOB)) == ["Shown Fandom"]


def test_the_name_counts_use_the_statuses_members_see(db_path: Path) -> None:
    """The triggers of migration 0005 spell out MEMBER_VISIBLE_STATUSES; the two must agree."""
    sql = (Path(__file__).parents[1] / "db/migrations/0005_fandom_names.sql").read_text(encoding="utf-8")
    spelled = set(re.findall(r"IN \(('[a-z]+'(?:, '[a-z]+')*)\)", sql)) - {"'fandom', 'tag'"}
    assert spelled == {", ".join(f"'{s}'" for s in MEMBER_VISIBLE_STATUSES)}


async def test_filters_and_duplicates_ignore_accents(driver: Driver, db_path: Path) -> None:
    await submit(driver, "Two rivals open a café on the same street", fandom="Pokémon", tags="Café AU")
    listed = await driver.command("prompt list", user=BOB, fandom="POKEMON", tag="cafe au")
    assert "rivals open a" in listed.text
    before = snapshot(db_path)
    again = await driver.command("prompt submit", user=BOB, text="Two rivals open a cafe on the same street!")
    assert again.ephemeral and "#1" in again.content and "Your prompt is" not in again.content
    assert snapshot(db_path) == before


def test_names_table_answers_from_its_index(db_path: Path) -> None:
    """The autocomplete reads server_names by (guild, kind, uses): never the prompts table."""
    conn = sqlite3.connect(db_path)
    migrate(conn)
    plan = " ".join(
        str(r[3])
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT name, uses FROM server_names WHERE guild_id = 1 AND kind = 'fandom'"
            " AND instr(' ' || name_key, ' ' || 'x') > 0 ORDER BY uses DESC, name_key LIMIT 25"
        )
    )
    conn.close()
    assert "server_names_by_use" in plan and "prompts" not in plan and "TEMP B-TREE" not in plan


async def test_an_older_database_is_refolded_and_its_names_counted(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    load_fixture(Path(__file__).with_name("fixtures") / "schema-3.sql", database)
    conn = sqlite3.connect(database)
    try:
        # Two prompts whose texts differ only in an accent were both allowed before; both must survive.
        for number, text, key in ((901, "A café at dawn", "acaféatdawn"), (902, "A cafe at dawn", "acafeatdawn")):
            conn.execute(
                "INSERT INTO prompts (guild_id, number, author_id, status, text, fandom, fandom_key, dedupe_key,"
                " created_at, updated_at) VALUES (?, ?, 1, 'open', ?, 'Café Fandom', 'café fandom', ?, 0, 0)",
                (GUILD.id, number, text, key),
            )
        conn.commit()
        migrate(conn)
        twins = conn.execute("SELECT dedupe_key FROM prompts WHERE number IN (901, 902) ORDER BY number").fetchall()
        counted = conn.execute(
            "SELECT guild_id, name_key, uses FROM server_names WHERE kind = 'fandom' ORDER BY guild_id, name_key"
        ).fetchall()
        statuses = ", ".join(f"'{s}'" for s in MEMBER_VISIBLE_STATUSES)
        expected = conn.execute(
            f"SELECT guild_id, fandom_key, COUNT(*) FROM prompts WHERE status IN ({statuses})"
            " AND fandom IS NOT NULL GROUP BY guild_id, fandom_key ORDER BY guild_id, fandom_key"
        ).fetchall()
        keys = conn.execute("SELECT fandom, fandom_key FROM prompts WHERE fandom IS NOT NULL").fetchall()
    finally:
        conn.close()
    assert counted and counted == expected
    # The plain one already held the folded key, so the accented one keeps its old key: both stay.
    assert twins == [("acaféatdawn",), ("acafeatdawn",)]
    assert ("cafe fandom", 2) in [(key, uses) for guild, key, uses in counted if guild == GUILD.id]
    assert all(key == folding.name_key(fandom) for fandom, key in keys)


# -- the near-miss guard ---------------------------------------------------------------------------

OMENS_TEXT = "Crowley and Aziraphale swap bodies for a whole week of chores"


def labels(out) -> list[str]:
    return [c["label"] for row in out.last.get("components") or [] for c in row["components"]]


async def question(driver: Driver, **options) -> tuple[int, object]:
    out = await driver.command("prompt submit", text=OMENS_TEXT, fandom="Good Omans", **options)
    assert out.ephemeral and "**Good Omans** is new in this server" in out.content
    assert "**Good Omens**" in out.content and "Nothing is stored until you choose" in out.content
    assert labels(out) == ["Use Good Omens", "Keep Good Omans"]
    return out.message_id, out


async def test_a_near_miss_is_stored_only_after_the_member_chooses_use(driver: Driver, db_path: Path) -> None:
    await seed(driver, {"Good Omens": 3})
    before = snapshot(db_path)
    message_id, _ = await question(driver)
    assert snapshot(db_path) == before
    chosen = await driver.click(message_id, "promptfill:nearmiss:use")
    assert "Your prompt is **#4**" in chosen.content and chosen.ephemeral
    assert (await driver.bot.store.prompts.get(GUILD.id, 4)).fandom == "Good Omens"
    question_now = driver.fake.messages[message_id]
    assert question_now["content"] == "Fandom chosen: **Good Omens**." and not question_now.get("components")
    listed = await driver.command("prompt list", fandom="Good Omens")
    assert "4 prompts" in listed.text


async def test_keep_stores_the_new_name_as_typed(driver: Driver) -> None:
    await seed(driver, {"Good Omens": 3})
    message_id, _ = await question(driver)
    chosen = await driver.click(message_id, "promptfill:nearmiss:keep")
    assert "Your prompt is **#4**" in chosen.content
    assert (await driver.bot.store.prompts.get(GUILD.id, 4)).fandom == "Good Omans"
    assert names(await driver.autocomplete("prompt list", "fandom", "good")) == ["Good Omens", "Good Omans"]


async def test_a_second_click_and_someone_elses_click_change_nothing(driver: Driver, db_path: Path) -> None:
    await seed(driver, {"Good Omens": 3})
    message_id, _ = await question(driver)
    before = snapshot(db_path)
    stranger = await driver.click(message_id, "promptfill:nearmiss:use", user=BOB)
    assert "belongs to whoever ran the command" in stranger.content and stranger.ephemeral
    assert snapshot(db_path) == before
    clicked = dict(driver.fake.messages[message_id])
    first, second = await asyncio.gather(
        driver.click(message_id, "promptfill:nearmiss:use"), driver.click(message_id, "promptfill:nearmiss:keep")
    )
    assert "Your prompt is **#4**" in first.content
    assert second.kind == 6 and not second.messages  # acknowledged, nothing said, nothing stored
    assert await driver.bot.store.browse.highest_number(GUILD.id) == 4
    assert (await driver.bot.store.prompts.get(GUILD.id, 4)).fandom == "Good Omens"
    assert clicked.get("components") and not driver.fake.messages[message_id].get("components")


async def test_the_form_keeps_its_draft_until_the_choice(driver: Driver, db_path: Path) -> None:
    await seed(driver, {"Good Omens": 3})
    modal = (await driver.command("prompt submit", rating="T")).modal
    before = snapshot(db_path)
    asked = await driver.submit_modal(modal, {"text": OMENS_TEXT, "fandom": "good omans", "title": "Chores"})
    assert "**good omans** is new" in asked.content and labels(asked) == ["Use Good Omens", "Keep good omans"]
    assert snapshot(db_path) == before
    await driver.click(asked.message_id, "promptfill:nearmiss:use")
    stored = await driver.bot.store.prompts.get(GUILD.id, 4)
    assert (stored.text, stored.title, stored.fandom, stored.rating) == (OMENS_TEXT, "Chores", "Good Omens", "T")


async def test_on_timeout_nothing_is_stored_and_the_text_is_given_back(driver: Driver, db_path: Path) -> None:
    await seed(driver, {"Good Omens": 3})
    message_id, _ = await question(driver)
    before = snapshot(db_path)
    view = driver.bot._connection._view_store._synced_message_views[message_id]
    await view.on_timeout()
    edited = driver.fake.messages[message_id]
    assert edited["content"].startswith("Nothing was stored: no fandom was chosen within 10 minutes.")
    assert "Run the command again to post your prompt" in edited["content"]
    assert edited["embeds"][0]["description"] == OMENS_TEXT and not edited.get("components")
    assert snapshot(db_path) == before


async def test_known_names_in_any_spelling_and_far_names_are_stored_at_once(driver: Driver) -> None:
    await seed(driver, {"Good Omens": 3})
    for take, fandom in enumerate(("GOOD OMENS", "Good Ómens", "Sherlock", "Goo")):
        number = await submit(driver, f"{OMENS_TEXT}, take {take}", fandom=fandom)
        assert (await driver.bot.store.prompts.get(GUILD.id, number)).fandom == fandom


async def test_editing_to_a_near_miss_asks_first(driver: Driver) -> None:
    await seed(driver, {"Good Omens": 3})
    number = await submit(driver, OMENS_TEXT, fandom="Sherlock")
    asked = await driver.command("prompt edit", prompt=number, fandom="Good Omenz")
    assert labels(asked) == ["Use Good Omens", "Keep Good Omenz"]
    assert (await driver.bot.store.prompts.get(GUILD.id, number)).fandom == "Sherlock"
    done = await driver.click(asked.message_id, "promptfill:nearmiss:use")
    assert f"Prompt #{number} updated." in done.content
    assert (await driver.bot.store.prompts.get(GUILD.id, number)).fandom == "Good Omens"


async def test_an_exchange_request_for_a_near_miss_asks_first(driver: Driver, db_path: Path) -> None:
    await seed(driver, {"Good Omens": 3})
    await driver.command("mod exchange create", user=MOD, name="Yulefic")
    before = snapshot(db_path)
    asked = await driver.command("exchange request", fandom="Good Omans")
    assert labels(asked) == ["Use Good Omens", "Keep Good Omans"]
    assert snapshot(db_path) == before
    added = await driver.click(asked.message_id, "promptfill:nearmiss:use")
    assert "Request added." in added.text and "Good Omens" in added.text
    offered = await driver.command("exchange offer", fandom="Good Omans")
    await driver.click(offered.message_id, "promptfill:nearmiss:keep")
    signup = await driver.command("exchange signup")
    assert "Good Omans" in signup.text and "Good Omens" in signup.text


async def test_a_request_nobody_offers_but_close_to_an_offer_asks_first(driver: Driver, db_path: Path) -> None:
    await driver.command("mod exchange create", user=MOD, name="Yulefic")
    await driver.command("exchange offer", user=BOB, fandom="Good Omens")
    before = snapshot(db_path)
    asked = await driver.command("exchange request", fandom="Good Omans")
    assert "is offered by nobody in this exchange yet, and close to **Good Omens**" in asked.content
    assert labels(asked) == ["Use Good Omens", "Keep Good Omans"]
    assert snapshot(db_path) == before
    await driver.click(asked.message_id, "promptfill:nearmiss:use")
    exact = await driver.command("exchange request", fandom="good omens!")
    assert "Request added." in exact.text
    signup = await driver.command("exchange signup")
    assert "Good Omans" not in signup.text and signup.text.count("Good Omens") + signup.text.count("good omens") == 2


# -- search suggestions ----------------------------------------------------------------------------


async def test_an_empty_search_suggests_the_closest_words_with_a_button(driver: Driver, db_path: Path) -> None:
    await submit(driver, "Sherlock Holmes keeps bees on the South Downs", user=BOB, fandom="Sherlock (TV)")
    await submit(driver, "Watson writes up a case about a missing lighthouse", user=BOB)
    before = snapshot(db_path)
    out = await driver.command("prompt search", query="sherlok")
    assert out.ephemeral and out.content == "No prompts match “sherlok”. Did you mean **sherlock**?"
    assert labels(out) == ["Search for sherlock"] and out.last["allowed_mentions"] == {"parse": []}
    stranger = await driver.click(out.message_id, "promptfill:search:suggested", user=BOB)
    assert "belongs to whoever searched" in stranger.content
    found = await driver.click(out.message_id, "promptfill:search:suggested")
    assert found.ephemeral and "Search: sherlock" in found.text and "Sherlock Holmes keeps bees" in found.text
    two_words = await driver.command("prompt search", query="Sherlok HOLMSE")
    assert "Did you mean **sherlock holmes**?" in two_words.content
    assert snapshot(db_path) == before


async def test_no_suggestion_when_nothing_is_close_or_only_hidden_prompts_use_it(driver: Driver) -> None:
    await submit(driver, "Watson writes up a case about a missing lighthouse", user=BOB)
    far = await driver.command("prompt search", query="zyxwvut")
    assert not far.content and far.embeds[0]["description"] == "No prompts match." and not labels(far)
    await driver.command("settings set", user=MOD, require_approval=True)
    await submit(driver, "A pending idea about a secret submarine", user=BOB)
    hidden = await driver.command("prompt search", query="submarin", user=ALICE)
    assert not hidden.content and hidden.embeds[0]["description"] == "No prompts match."
    hidden = await driver.command("prompt search", query="submarime", user=ALICE)
    assert not hidden.content and hidden.embeds[0]["description"] == "No prompts match."
    seen_by_prompter = await driver.command("prompt search", query="submarime", user=BOB)
    assert "Did you mean **submarine**?" in seen_by_prompter.content


# -- duplicates ignore accents ---------------------------------------------------------------------


async def test_accent_duplicates_are_refused_on_edit_and_import_and_merged_in_tags(
    driver: Driver, db_path: Path
) -> None:
    first = await submit(driver, "Rivals open a café across the street from each other")
    second = await submit(driver, "Rivals open a bakery across the street", tags="Café AU, cafe au, CAFÉ-AU, Fluff")
    assert (await driver.bot.store.prompts.get(GUILD.id, second)).tags == ("Café AU", "Fluff")
    before = snapshot(db_path)
    edited = await driver.command(
        "prompt edit", prompt=second, text="RIVALS open a cafe across the street from each other!"
    )
    assert edited.ephemeral and f"#{first}" in edited.content and "updated" not in edited.content
    assert snapshot(db_path) == before
    report = await driver.bot.store.transfer.import_entries(
        GUILD.id,
        MOD.id,
        [("line 1", {"text": "Rivals open a CAFE across the street from each other", "author_id": BOB.id})],
    )
    assert not report.added and len(report.refused) == 1


def test_exchange_fandoms_match_ignoring_accents() -> None:
    assert (
        folding.fandom_match_key("Pokémon")
        == folding.fandom_match_key("POKEMON!")
        == folding.fandom_match_key("Poke\u0301mon")
    )


# -- moderators merge names ------------------------------------------------------------------------


async def test_merge_renames_prompts_and_requests_keeps_a_synonym_and_is_audited(driver: Driver, db_path: Path) -> None:
    await driver.command("settings set", user=MOD, log_channel=LOG)
    await seed(driver, {"Good Omens": 3, "Good Omans": 2})
    await driver.command("mod exchange create", user=MOD, name="Yulefic")
    await driver.command("exchange offer", user=BOB, fandom="Good Omens")
    asked = await driver.command("exchange request", fandom="Good Omans")
    await driver.click(asked.message_id, "promptfill:nearmiss:keep")
    out = await driver.command("fandoms merge", user=MOD, from_="good omans", into="good omens")
    assert out.ephemeral and out.content.startswith(
        "Merged **Good Omans** into **Good Omens**: 2 prompts, 1 request, 0 offers changed."
    )
    assert [p["content"] for p in driver.posts(LOG)][-1] == (
        f"🏷️ <@{MOD.id}> merged the fandom Good Omans into Good Omens (2 prompts, 1 request, 0 offers)."
    )
    assert names(await driver.autocomplete("prompt list", "fandom", "good")) == ["Good Omens"]
    listed = await driver.command("prompt list", fandom="Good Omans")
    assert "5 prompts" in listed.text
    # The index now holds the new name: the fandom's words find all five (their texts aside).
    searched = await driver.command("prompt search", query="good omens")
    assert "5 prompts" in searched.text
    drawn = await driver.command("prompt random", fandom="good omans")
    assert "Good Omens" in drawn.text
    number = await submit(driver, "A brand new prompt that names the old fandom", fandom="GOOD OMANS")
    assert (await driver.bot.store.prompts.get(GUILD.id, number)).fandom == "Good Omens"
    signup = await driver.command("exchange signup")
    assert "Good Omans" not in signup.text and "Good Omens" in signup.text
    imported = await driver.bot.store.transfer.import_entries(
        GUILD.id, MOD.id, [("line 1", {"text": "An imported idea with the old name", "fandom": "Good Omans"})]
    )
    assert (await driver.bot.store.prompts.get(GUILD.id, imported.added[0])).fandom == "Good Omens"
    export = await driver.command("export", user=MOD, format="csv")
    exported_rows = list(csv.DictReader(io.StringIO(next(f for c in export.calls for f in c.files)[1].decode())))
    fandoms = {r["fandom"] for r in exported_rows if r["record"] == "prompt"}
    assert fandoms == {"Good Omens"}
    log = await driver.command("mod log", user=MOD)
    assert "Good Omans → Good Omens: 2 prompts, 1 requests, 0 offers" in log.text
    fandom_list = await driver.command("fandoms list", user=MOD)
    assert "Good Omens · 7 prompts" in fandom_list.text and "Good Omans → Good Omens" in fandom_list.text


async def test_merge_refusals_change_nothing(driver: Driver, db_path: Path) -> None:
    await seed(driver, {"Good Omens": 3})
    before = snapshot(db_path)
    same = await driver.command("fandoms merge", user=MOD, from_="GOOD ÓMENS", into="Good Omens")
    assert same.ephemeral and "are already one fandom here" in same.content
    unused = await driver.command("fandoms merge", user=MOD, from_="Sherlock", into="Good Omens")
    assert unused.ephemeral and "No prompt, request or offer here uses the fandom “Sherlock”" in unused.content
    member = await driver.command_unchecked("fandoms merge", user=BOB, from_="Good Omens", into="Omens")
    assert member.ephemeral and "moderator" in member.content.lower()
    assert snapshot(db_path) == before


async def test_merges_chain_and_reverse_without_loops(driver: Driver) -> None:
    await seed(driver, {"Good Omens": 3, "Good Omans": 2, "GO": 1})
    await driver.command("fandoms merge", user=MOD, from_="Good Omans", into="Good Omens")
    chained = await driver.command("fandoms merge", user=MOD, from_="GO", into="Good Omans")
    assert chained.content.startswith("Merged **GO** into **Good Omens**: 1 prompt, 0 requests, 0 offers changed.")
    back = await driver.command("fandoms merge", user=MOD, from_="Good Omens", into="GO")
    assert back.ephemeral and "are already one fandom here" in back.content
    listed = await driver.command("fandoms list", user=MOD)
    assert "Good Omens · 6 prompts" in listed.text
    assert "Good Omans → Good Omens" in listed.text and "GO → Good Omens" in listed.text
