"""Following (issue 24): /follow, /unfollow and /following, their refusals (each leaving the database unchanged),
and the daily digest on the injected clock: one direct message per member and server, a day at most, nothing
when there is nothing, never a prompt the member may not see, never an anonymous prompt through its prompter,
across a restart, and one member's closed direct messages costing nobody else theirs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import snapshot, submit
from tests.driver import ALICE, BOB, CAROL, GUILD, MOD, NSFW, PROMPTS, Driver
from tests.posted import post_id
from tests.wording import unreadable

GOOD_OMENS = "A lighthouse keeper and a selkie trade one secret a night in Tadfield."
OTHER = "Crowley runs a bakery and Aziraphale eats every scone."
THIRD = "Two rival florists share one shop window all summer long."
WORK = "https://archiveofourown.org/works/4242"


def follows_of(db_path: Path, member_id: int) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return sorted(conn.execute("SELECT kind, name FROM follows WHERE member_id = ?", (member_id,)).fetchall())


async def day_passes(driver: Driver, clock, **extra: float) -> None:
    clock.advance(days=1, **extra)
    await driver.bot.sweep()


# -- the commands ------------------------------------------------------------------------------------------------


async def test_follow_each_kind_privately_and_following_lists_them(driver: Driver, db_path: Path) -> None:
    await submit(driver, GOOD_OMENS, user=BOB, title="Selkie", fandom="Good Omens")
    out = await driver.command("follow", user=ALICE, fandom="good omens")
    assert out.ephemeral
    assert out.content.startswith(
        "🔔 You now follow the fandom “Good Omens” here. Once a day at most, when there is something new, I will "
        "send you a direct message with its new prompts."
    )
    assert (await driver.command("follow", user=ALICE, tag="Fluff")).ephemeral
    out = await driver.command("follow", user=ALICE, member=BOB)
    assert out.ephemeral and f"You now follow <@{BOB.id}> here" in out.content
    assert out.last["allowed_mentions"] == {"parse": []}
    out = await driver.command("follow", user=ALICE, prompt=1)
    assert out.ephemeral and "You now follow prompt #1 *Selkie* here" in out.content and "its new fills" in out.content
    assert follows_of(db_path, ALICE.id) == [
        ("fandom", "Good Omens"),
        ("member", str(BOB.id)),
        ("prompt", "1"),
        ("tag", "Fluff"),
    ]

    listed = await driver.command("following", user=ALICE)
    assert listed.ephemeral
    assert listed.content.split("\n")[:5] == [
        "🔔 You follow 1 fandom, 1 tag, 1 member and 1 prompt here:",
        "• the fandom “Good Omens”",
        f"• <@{BOB.id}>",
        "• prompt #1 *Selkie*",
        "• the tag “Fluff”",
    ]
    nothing = await driver.command("following", user=CAROL)
    assert nothing.ephemeral and nothing.content.startswith("You follow nothing in **Writers' Den** yet.")

    out = await driver.command("unfollow", user=ALICE, fandom="GOOD OMENS")
    assert out.ephemeral
    assert out.content == "You no longer follow the fandom “Good Omens” here; your digest leaves it out from now on."
    assert (await driver.command("unfollow", user=ALICE, member=BOB)).ephemeral
    assert follows_of(db_path, ALICE.id) == [("prompt", "1"), ("tag", "Fluff")]
    assert unreadable(driver) == []


async def test_unfollow_offers_only_what_the_member_follows(driver: Driver) -> None:
    await submit(driver, GOOD_OMENS, user=BOB, title="Selkie", fandom="Good Omens", tags="Fluff")
    await submit(driver, OTHER, user=BOB, title="Scones", fandom="Sherlock", anonymous=True)
    await driver.command("follow", user=ALICE, fandom="Good Omens")
    await driver.command("follow", user=ALICE, prompt=2)
    fandoms = await driver.autocomplete("unfollow", "fandom", "go", user=ALICE)
    assert [c["value"] for c in fandoms.choices] == ["Good Omens"]
    assert (await driver.autocomplete("unfollow", "tag", "", user=ALICE)).choices == []
    prompts = await driver.autocomplete("unfollow", "prompt", "", user=ALICE)
    assert prompts.choices == [{"name": "#2 Scones", "value": 2}]  # an anonymous prompt: never its prompter
    assert str(BOB.id) not in str(prompts.choices)


async def test_a_merged_fandom_is_followed_as_the_name_it_landed_on(driver: Driver, db_path: Path, clock) -> None:
    await submit(driver, GOOD_OMENS, user=BOB, fandom="Good Omens")
    await submit(driver, OTHER, user=BOB, fandom="GO")
    clock.advance(minutes=5)
    await driver.command("follow", user=CAROL, fandom="GO")  # before the merge: its own key
    await driver.command("fandoms merge", user=MOD, from_="GO", into="Good Omens")
    out = await driver.command("follow", user=ALICE, fandom="GO")
    assert "the fandom “Good Omens”" in out.content
    before = snapshot(db_path)
    again = await driver.command("follow", user=ALICE, fandom="good omens")
    assert again.ephemeral
    assert again.content == "You already follow the fandom “Good Omens” here. `/following` lists what you follow."
    assert snapshot(db_path) == before
    clock.advance(hours=2)
    await submit(driver, THIRD, user=BOB, fandom="GO")  # lands on Good Omens
    await day_passes(driver, clock)
    [carol] = driver.dms(CAROL)
    assert "prompt #3" in carol["content"] and "prompt #2" not in carol["content"]
    assert "in the fandom “Good Omens”, which you follow" in carol["content"]


NONE = "Name one thing to follow: a fandom, a tag, a member or a prompt. Nothing was changed."


@pytest.mark.parametrize(
    ("command", "options", "reply"),
    [
        ("follow", {}, NONE),
        (
            "follow",
            {"fandom": "Good Omens", "tag": "Fluff"},
            "Name one thing at a time to follow (you named 2): a fandom, a tag, a member or a prompt. "
            "Nothing was changed.",
        ),
        ("unfollow", {}, NONE.replace("to follow", "to unfollow")),
        ("follow", {"fandom": "Good  Omens"}, "You already follow the fandom “Good Omens” here. "),
        ("unfollow", {"tag": "Angst"}, "You do not follow the tag “Angst” here, so there is nothing to unfollow. "),
        ("unfollow", {"prompt": 1}, "You do not follow prompt #1 here, so there is nothing to unfollow. "),
        ("unfollow", {"member": CAROL}, f"You do not follow <@{CAROL.id}> here, so there is nothing to unfollow. "),
        (
            "follow",
            {"prompt": 99},
            "There is no prompt #99 in this server. Check the number with `/prompt list` or `/prompt search`.",
        ),
        (
            "follow",
            {"prompt": 2},  # Explicit, outside an age-restricted channel
            "Prompt #2 is rated Explicit: use this in an age-restricted channel to see it.",
        ),
        (
            "follow",
            {"member": ALICE},
            "You cannot follow yourself: your own prompts are yours already. Follow a fandom, a tag, another member "
            "or a prompt instead. Nothing was changed.",
        ),
    ],
)
async def test_refusals_answer_privately_and_change_nothing(
    driver: Driver, db_path: Path, command: str, options: dict, reply: str
) -> None:
    await submit(driver, GOOD_OMENS, user=BOB, fandom="Good Omens")
    await submit(driver, OTHER, user=BOB, rating="E")
    await driver.command("follow", user=ALICE, fandom="Good Omens")
    before = snapshot(db_path)
    out = await driver.command(command, user=ALICE, **options)
    assert out.ephemeral and out.content.startswith(reply), out.content
    assert snapshot(db_path) == before


@pytest.mark.parametrize("hidden", ["pending", "rejected"])
async def test_someone_elses_pending_or_rejected_prompt_cannot_be_followed(
    driver: Driver, db_path: Path, hidden: str
) -> None:
    await driver.command("settings set", user=MOD, require_approval=True)
    await submit(driver, GOOD_OMENS, user=BOB)
    if hidden == "rejected":
        await driver.command("queue reject", user=MOD, prompt=1, reason="Off topic")
    before = snapshot(db_path)
    out = await driver.command("follow", user=ALICE, prompt=1)
    assert out.ephemeral
    assert out.content == (
        "There is no prompt #1 in this server. Check the number with `/prompt list` or `/prompt search`."
    )
    assert snapshot(db_path) == before


async def test_following_counts_what_is_followed_by_kind_with_real_plurals(driver: Driver) -> None:
    await driver.command("follow", user=ALICE, fandom="Good Omens")
    out = await driver.command("following", user=ALICE)
    assert out.content.split("\n")[0] == "🔔 You follow 1 fandom here:"
    await driver.command("follow", user=ALICE, fandom="Discworld")
    await driver.command("follow", user=ALICE, member=BOB)
    out = await driver.command("following", user=ALICE)
    assert out.content.split("\n")[0] == "🔔 You follow 2 fandoms and 1 member here:"
    await driver.command("follow", user=ALICE, member=CAROL)
    await driver.command("follow", user=ALICE, tag="Fluff")
    out = await driver.command("following", user=ALICE)
    assert out.content.split("\n")[0] == "🔔 You follow 2 fandoms, 1 tag and 2 members here:"


async def test_a_member_follows_at_most_fifty_things_in_a_server(driver: Driver, db_path: Path) -> None:
    for index in range(50):
        out = await driver.command("follow", user=ALICE, tag=f"tag {index}")
        assert out.content.startswith("🔔 You now follow")
    before = snapshot(db_path)
    out = await driver.command("follow", user=ALICE, tag="one more")
    assert out.ephemeral
    assert out.content == (
        "You follow 50 things here, the most one member may. Stop following one with `/unfollow` first. "
        "Nothing was changed."
    )
    assert snapshot(db_path) == before
    await driver.command("unfollow", user=ALICE, tag="tag 0")
    assert (await driver.command("follow", user=ALICE, tag="one more")).content.startswith("🔔 You now follow")


async def test_a_long_list_of_follows_fits_and_keeps_its_next_step(driver: Driver) -> None:
    long_name = "a very long tag name, indeed, a very long one"  # 45 characters: with its number, 48 of 50
    for index in range(50):
        out = await driver.command("follow", user=ALICE, tag=f"{index:02} {long_name}")
        assert out.content.startswith("🔔 You now follow")
    listed = await driver.command("following", user=ALICE)
    assert len(listed.content) <= 2000
    lines = listed.content.split("\n")
    assert lines[0] == "🔔 You follow 50 tags here:" and lines[-2].startswith("… and ")
    assert lines[-1].startswith("Once a day at most")


async def test_a_blank_or_too_long_name_is_refused(driver: Driver, db_path: Path) -> None:
    before = snapshot(db_path)
    blank = await driver.command("follow", user=ALICE, fandom="\u200b ")
    assert blank.ephemeral
    assert blank.content == "Fandom is empty once blank and invisible characters are removed. Nothing was changed."
    long = await driver.command("follow", user=ALICE, tag="t" * 51)
    assert long.content == "Tag must be 1 to 50 characters long (yours is 51). Nothing was changed."
    assert snapshot(db_path) == before


# -- the digest ---------------------------------------------------------------------------------------------------


async def test_one_digest_a_day_with_what_is_new_and_the_next_step(driver: Driver, clock) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    followed_at = int(clock().timestamp())
    await driver.command("follow", user=ALICE, fandom="Good Omens")
    await driver.command("follow", user=ALICE, member=CAROL)
    clock.advance(hours=1)
    await submit(driver, GOOD_OMENS, user=BOB, title="Selkie", fandom="Good Omens")
    await submit(driver, THIRD, user=CAROL, title="Florists")
    await submit(driver, OTHER, user=BOB, fandom="Sherlock")  # not followed
    await driver.bot.sweep()
    assert driver.dms(ALICE) == []  # a digest comes a day after what it covers

    await day_passes(driver, clock)
    [digest] = driver.dms(ALICE)
    posts = [c.response["id"] for c in driver.post_calls() if c.channel_id == PROMPTS.id]
    link = f"https://discord.com/channels/{GUILD.id}/{PROMPTS.id}/"
    assert digest["content"] == (
        f"🔔 Your daily digest from **Writers' Den**: what is new since <t:{followed_at}:f>.\n"
        "**2 new prompts**\n"
        f"• prompt #1 *Selkie* ([open it]({link}{posts[0]})), in the fandom “Good Omens”, which you follow: "
        "1 claim slot free\n"
        f"• prompt #2 *Florists* ([open it]({link}{posts[1]})), by <@{CAROL.id}>, whom you follow: 1 claim slot free\n"
        "`/following` in **Writers' Den** lists what you follow, and `/unfollow` there stops following any of it."
    )
    assert digest["allowed_mentions"] == {"parse": []}

    clock.advance(hours=2)
    await submit(driver, GOOD_OMENS + " Again.", user=BOB, fandom="Good Omens")
    await driver.bot.sweep()
    clock.advance(hours=20)
    await driver.bot.sweep()
    assert len(driver.dms(ALICE)) == 1  # not twice in a day
    await day_passes(driver, clock)
    second = driver.dms(ALICE)[1]["content"]
    assert "**1 new prompt**" in second and "prompt #4" in second and "#1 " not in second  # nothing told twice
    await day_passes(driver, clock)
    assert len(driver.dms(ALICE)) == 2  # nothing new: nothing sent
    assert unreadable(driver) == []


async def test_nothing_is_sent_when_there_is_nothing(driver: Driver, clock) -> None:
    await driver.command("follow", user=ALICE, fandom="Good Omens")
    await submit(driver, OTHER, user=BOB, fandom="Sherlock")
    await day_passes(driver, clock, minutes=1)
    await day_passes(driver, clock)
    assert driver.dms(ALICE) == []
    await submit(driver, GOOD_OMENS, user=BOB, fandom="Good Omens")  # the empty days were covered, not lost
    await day_passes(driver, clock)
    [digest] = driver.dms(ALICE)
    assert "**1 new prompt**" in digest["content"]


async def test_no_digest_after_unfollow(driver: Driver, clock) -> None:
    await driver.command("follow", user=ALICE, fandom="Good Omens")
    await driver.command("follow", user=ALICE, tag="Fluff")
    await driver.command("follow", user=CAROL, fandom="Good Omens")  # who keeps following still hears
    clock.advance(hours=1)
    await submit(driver, GOOD_OMENS, user=BOB, fandom="Good Omens", tags="Fluff")
    await driver.command("unfollow", user=ALICE, fandom="Good Omens")
    await driver.command("unfollow", user=ALICE, tag="fluff")
    await day_passes(driver, clock)
    assert driver.dms(ALICE) == []
    assert len(driver.dms(CAROL)) == 1


async def test_hidden_prompts_are_never_in_a_digest(driver: Driver, clock) -> None:
    await driver.command("settings set", user=MOD, require_approval=True)
    await driver.command("follow", user=ALICE, fandom="Good Omens")
    clock.advance(hours=1)
    await submit(driver, GOOD_OMENS, user=BOB, fandom="Good Omens", title="Waiting")
    await submit(driver, OTHER, user=BOB, fandom="Good Omens", title="Refused")
    await submit(driver, THIRD, user=BOB, fandom="Good Omens", title="Spicy", rating="E")
    await driver.command("queue reject", user=MOD, prompt=2, reason="Off topic")
    await driver.command("queue approve", user=MOD, prompt=3)  # open, but Explicit
    await day_passes(driver, clock)
    assert driver.dms(ALICE) == []  # pending, rejected, and Explicit outside what she chose

    await driver.command("queue approve", user=MOD, prompt=1)  # approved today: news today
    await day_passes(driver, clock)
    [digest] = driver.dms(ALICE)
    assert "prompt #1 *Waiting*" in digest["content"]
    assert "#2" not in digest["content"] and "#3" not in digest["content"]


async def test_a_follow_made_in_an_age_restricted_channel_includes_explicit_prompts(driver: Driver, clock) -> None:
    await driver.command("follow", user=ALICE, fandom="Good Omens", channel=NSFW)
    await driver.command("follow", user=CAROL, fandom="Good Omens")
    clock.advance(hours=1)
    await submit(driver, THIRD, user=BOB, fandom="Good Omens", title="Spicy", rating="E")
    await day_passes(driver, clock)
    [digest] = driver.dms(ALICE)
    assert "prompt #1 *Spicy*" in digest["content"] and THIRD not in digest["content"]  # never its text
    assert driver.dms(CAROL) == []


async def test_following_a_member_never_surfaces_their_anonymous_prompts(driver: Driver, clock) -> None:
    await driver.command("follow", user=ALICE, member=BOB)
    clock.advance(hours=1)
    await submit(driver, GOOD_OMENS, user=BOB, title="Hidden hand", anonymous=True)
    await submit(driver, OTHER, user=BOB, title="Signed")
    await day_passes(driver, clock)
    [digest] = driver.dms(ALICE)
    assert "prompt #2 *Signed*" in digest["content"]
    assert "#1" not in digest["content"] and "Hidden hand" not in digest["content"]
    follows = await driver.command("follow", user=CAROL, prompt=1)  # the prompt itself may be followed...
    assert str(BOB.id) not in follows.text  # ...without its prompter being named


async def test_fills_of_followed_and_seconded_prompts_come_in_one_digest(driver: Driver, clock) -> None:
    await submit(driver, GOOD_OMENS, user=BOB, title="Selkie")
    await submit(driver, OTHER, user=BOB, title="Scones")
    await driver.command("follow", user=ALICE, prompt=1)
    await driver.command("prompt second", user=ALICE, prompt=2)
    clock.advance(hours=1)
    await driver.command("fill", user=CAROL, prompt=1, url=WORK, title="Salt")
    await driver.command("fill", user=CAROL, prompt=2, url=WORK + "1", title="Flour")
    await driver.command("fill", user=MOD, prompt=2, url=WORK + "2", title="Butter")
    await day_passes(driver, clock)
    [digest] = driver.dms(ALICE)
    lines = digest["content"].split("\n")
    view = "(see it with `/prompt view` there)"  # no prompts channel: no post to link
    assert lines[1:4] == [
        "**2 prompts with new fills**",
        f"• prompt #1 *Selkie* {view} has 1 new fill, a prompt you follow",
        f"• prompt #2 *Scones* {view} has 2 new fills, a prompt you seconded",
    ]
    assert lines[-1] == "To stop hearing of a prompt you seconded, take your second back with `/prompt second` there."
    assert "Salt" not in digest["content"] and str(CAROL.id) not in digest["content"]  # never who wrote a fill
    assert unreadable(driver) == []


async def test_the_digest_says_whether_each_new_prompt_can_be_claimed_and_tells_a_prompt_once(
    driver: Driver, clock
) -> None:
    """Each new prompt says in words whether it can be claimed now; one that is also seconded and has a fill is
    told once, among the new prompts, with its fill; a work in progress is said to be one."""
    await driver.command("settings set", user=MOD, claims_per_prompt=2)
    await submit(driver, OTHER, user=BOB, title="Scones")
    await driver.command("follow", user=ALICE, prompt=1)
    await driver.command("follow", user=ALICE, fandom="Good Omens")
    clock.advance(hours=1)
    await submit(driver, GOOD_OMENS, user=BOB, title="Selkie", fandom="Good Omens")
    await submit(
        driver, "Two angels run a bookshop that never sells a book.", user=BOB, title="Shop", fandom="Good Omens"
    )
    await submit(
        driver, "A demon learns to bake for a picnic in the park.", user=BOB, title="Picnic", fandom="Good Omens"
    )
    await submit(
        driver, "A car that plays only one band, whatever is put in.", user=BOB, title="Car", fandom="Good Omens"
    )
    await driver.command("claim", user=CAROL, prompt=3)
    await driver.command("claim", user=CAROL, prompt=4)
    await driver.command("claim", user=MOD, prompt=4)
    await driver.command("prompt second", user=ALICE, prompt=5)
    await driver.command("fill", user=CAROL, prompt=5, url=WORK, title="Salt", status="in progress")
    await driver.command("fill", user=CAROL, prompt=1, url=WORK + "1", title="Flour", status="in progress")
    await day_passes(driver, clock)
    [digest] = driver.dms(ALICE)
    lines = digest["content"].split("\n")
    view = "(see it with `/prompt view` there)"
    because = "in the fandom “Good Omens”, which you follow"
    assert lines[1:8] == [
        "**4 new prompts**",
        f"• prompt #2 *Selkie* {view}, {because}: 2 claim slots free",
        f"• prompt #3 *Shop* {view}, {because}: 1 claim slot free",
        f"• prompt #4 *Picnic* {view}, {because}: claimed, no slot free",
        f"• prompt #5 *Car* {view}, {because}: filled, open for more fills, and a fill (a work in progress)",
        "**1 prompt with new fills**",
        f"• prompt #1 *Scones* {view} has 1 new fill (a work in progress), a prompt you follow",
    ]
    assert digest["content"].count("#5 ") == 1 and "Salt" not in digest["content"]
    assert unreadable(driver) == []


async def test_the_digest_is_once_a_day_across_a_restart(db_path: Path, clock) -> None:
    first = await Driver.start(db_path, clock=clock)
    try:
        await first.command("follow", user=ALICE, fandom="Good Omens")
        clock.advance(hours=1)
        await submit(first, GOOD_OMENS, user=BOB, fandom="Good Omens")
        await day_passes(first, clock)
        assert len(first.dms(ALICE)) == 1
        await submit(first, OTHER, user=BOB, fandom="Good Omens")
    finally:
        await first.close()
    clock.advance(hours=3)
    second = await Driver.start(db_path, clock=clock)
    try:
        await second.bot.sweep()
        assert second.dms(ALICE) == []  # the day is not over: the restart sends nothing
        await day_passes(second, clock)
        [digest] = second.dms(ALICE)
        assert "prompt #2" in digest["content"] and "prompt #1" not in digest["content"]
        assert second.unexpected_errors() == []
    finally:
        await second.close()


async def test_closed_direct_messages_cost_nobody_else_their_digest(driver: Driver, clock) -> None:
    for member in (ALICE, CAROL, MOD):
        await driver.command("follow", user=member, fandom="Good Omens")
    clock.advance(hours=1)
    await submit(driver, GOOD_OMENS, user=BOB, fandom="Good Omens")
    driver.fake.close_dms(CAROL.id)
    await day_passes(driver, clock)
    assert len(driver.dms(ALICE)) == 1 and len(driver.dms(MOD)) == 1
    assert driver.dms(CAROL) == []
    driver.fake.failures.clear()
    await submit(driver, OTHER, user=BOB, fandom="Good Omens")
    await day_passes(driver, clock)
    [later] = driver.dms(CAROL)  # refused for good: that day was covered, and the next digest comes as usual
    assert "prompt #2" in later["content"] and "prompt #1" not in later["content"]


async def test_a_member_who_left_the_server_gets_no_digest_and_follows_nothing(
    driver: Driver, db_path: Path, clock
) -> None:
    await driver.command("follow", user=ALICE, fandom="Good Omens")
    await driver.command("follow", user=CAROL, fandom="Good Omens")
    clock.advance(hours=1)
    await submit(driver, GOOD_OMENS, user=BOB, fandom="Good Omens")
    driver.fake.leave(GUILD.id, ALICE.id)
    await day_passes(driver, clock)
    assert driver.dms(ALICE) == [] and len(driver.dms(CAROL)) == 1
    assert follows_of(db_path, ALICE.id) == []
    # With the members intent, Discord says so at once.
    await driver._feed("GUILD_MEMBER_REMOVE", {"guild_id": str(GUILD.id), "user": CAROL.user_payload()})
    assert follows_of(db_path, CAROL.id) == []


async def test_a_post_link_leads_to_the_prompt(driver: Driver, clock) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await driver.command("follow", user=ALICE, tag="Fluff")
    clock.advance(hours=1)
    await submit(driver, GOOD_OMENS, user=BOB, tags="fluff, angst")
    await day_passes(driver, clock)
    [digest] = driver.dms(ALICE)
    assert f"/{PROMPTS.id}/{post_id(driver)})), tagged “Fluff”, which you follow" in digest["content"]
