"""Explicit prompts can be read where they may be: an age-restricted channel for their posts, a queue that says
where to read one before approving it, and no Claim button under a post nobody can read."""

from __future__ import annotations

from tests.conftest import snapshot, submit
from tests.driver import ALICE, BOB, GUILD, MOD, NSFW, PROMPTS, Driver

TEXT = "Two rivals share a very small bed at the inn, and neither sleeps."
PLAIN = "A lighthouse keeper finds a letter in a bottle."


async def test_the_queue_says_where_to_read_an_explicit_prompt_with_a_link(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, require_approval=True, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=ALICE, channel=NSFW, rating="E")
    without = await driver.command("queue show", user=MOD)
    assert without.embeds[0]["description"] != TEXT  # the notice, not the text, outside age-restricted channels
    assert "🔞 This one is rated Explicit: read it with" in without.content
    assert f"</queue show:{driver.bot.command_ids['queue']}>" in without.content
    assert f"</setup:{driver.bot.command_ids['setup']}>" in without.content

    await driver.command("settings set", user=MOD, explicit_channel=NSFW)
    shown = await driver.command("queue show", user=MOD)
    assert f"in <#{NSFW.id}> ([open the channel](https://discord.com/channels/{GUILD.id}/{NSFW.id}))" in shown.content
    assert shown.custom_ids == ["promptfill:queue:approve:1", "promptfill:queue:reject:1"]

    there = await driver.command("queue show", user=MOD, channel=NSFW)
    assert there.embeds[0]["description"] == TEXT
    assert "🔞" not in there.content


async def test_the_prompter_reads_their_own_explicit_prompt_in_the_private_reply_only(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, require_approval=True, prompts_channel=PROMPTS)
    reply = await driver.command("prompt submit", user=ALICE, text=TEXT, rating="E")  # in a general channel
    assert reply.ephemeral and reply.embeds[0]["description"] == TEXT
    queue = await driver.command("queue show", user=MOD)  # not the prompter: still where to read it
    assert queue.embeds[0]["description"] != TEXT and "🔞 This one is rated Explicit" in queue.content
    await driver.click(queue.message_id, "promptfill:queue:approve:1", user=MOD)
    post = driver.posts(PROMPTS)[0]
    assert post["embeds"][0]["description"] != TEXT and "age-restricted" in post["embeds"][0]["description"]


async def test_a_plain_prompt_in_the_queue_carries_no_explicit_notice(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, require_approval=True)
    await submit(driver, PLAIN, user=ALICE)
    shown = await driver.command("queue show", user=MOD)
    assert shown.embeds[0]["description"] == PLAIN and "🔞" not in shown.content


async def test_explicit_prompts_are_posted_in_full_in_their_channel_others_in_the_prompts_channel(
    driver: Driver,
) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, explicit_channel=NSFW)
    await submit(driver, TEXT, user=ALICE, channel=NSFW, rating="E")
    await submit(driver, PLAIN, user=ALICE)
    explicit_posts, plain_posts = driver.posts(NSFW), driver.posts(PROMPTS)
    assert [p["embeds"][0]["description"] for p in explicit_posts] == [TEXT]
    assert [p["embeds"][0]["description"] for p in plain_posts] == [PLAIN]
    assert explicit_posts[0]["components"][0]["components"][0]["custom_id"] == "promptfill:claim:1"
    prompt = await driver.bot.store.prompts.get(GUILD.id, 1)
    assert prompt.message_channel_id == NSFW.id


async def test_without_an_explicit_channel_the_public_post_has_no_claim_button(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    await submit(driver, TEXT, user=ALICE, channel=NSFW, rating="E")
    post = driver.posts(PROMPTS)[0]
    assert post["embeds"][0]["description"] != TEXT and "age-restricted" in post["embeds"][0]["description"]
    assert not post.get("components")
    # Filled (still claimable), the post is edited, and still offers no button leading nowhere.
    await driver.command("fill", user=BOB, channel=NSFW, prompt=1, url="https://example.org/works/1")
    assert (await driver.bot.store.prompts.get(GUILD.id, 1)).status == "filled"
    edits = [
        c.body
        for c in driver.fake.calls
        if c.method == "PATCH" and c.route == "/channels/{channel_id}/messages/{message_id}"
    ]
    assert edits and all(not e.get("components") for e in edits)


async def test_an_explicit_channel_is_chosen_only_by_moderators(driver: Driver, db_path) -> None:
    before = snapshot(db_path)
    out = await driver.command("settings set", user=ALICE, explicit_channel=NSFW)
    assert out.ephemeral and "Only moderators" in out.content
    assert snapshot(db_path) == before
