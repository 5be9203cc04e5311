"""Races and slow Discord: with realistic REST latency and rate limits, posts end showing the final state and
every interaction is answered within Discord's 3 seconds."""

from __future__ import annotations

import asyncio
import json

from tests.conftest import submit
from tests.driver import ALICE, BOB, CAROL, GUILD, MOD, PROMPTS, Driver

TEXT = "A lighthouse keeper and a selkie trade one secret a night."


def final_post(driver: Driver, number: int) -> dict | None:
    """The prompts-channel post of a prompt as it now reads, or None if it was never posted."""
    for message in driver.fake.messages.values():
        if int(message["channel_id"]) == PROMPTS.id and f"Prompt #{number}" in json.dumps(message["embeds"]):
            return message
    return None


async def test_an_approval_racing_the_prompters_withdrawal_never_leaves_a_claimable_post(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, require_approval=True)
    driver.fake.latency = 0.02
    for round_number in range(1, 7):
        await submit(driver, f"{TEXT} Round {round_number}.", user=ALICE)
        # Half the rounds start the withdrawal a moment later, so both orders happen.
        delay = 0.0 if round_number % 2 else 0.015

        async def withdraw_later(number: int = round_number, wait: float = delay) -> None:
            await asyncio.sleep(wait)
            await driver.command("prompt withdraw", user=ALICE, prompt=number)

        await asyncio.gather(driver.command("queue approve", user=MOD, prompt=round_number), withdraw_later())
        prompt = await driver.bot.store.prompts.get(GUILD.id, round_number)
        post = final_post(driver, round_number)
        if prompt.status == "closed" and post is not None:
            assert post["components"] == [], f"round {round_number}: a closed prompt's post offers a Claim button"
            assert "Closed: it takes no more claims or fills" in json.dumps(post["embeds"])
        if prompt.status == "open":
            assert post is not None and "promptfill:claim" in json.dumps(post["components"])


async def test_a_fill_racing_a_withdrawal_leaves_the_post_showing_the_final_state(driver: Driver) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS)
    driver.fake.latency = 0.02
    for number in range(1, 7):
        await submit(driver, f"{TEXT} Take {number}.", user=BOB)
        await asyncio.gather(
            driver.command("fill", user=CAROL, prompt=number, url=f"https://archiveofourown.org/works/{number}"),
            driver.command("prompt withdraw", user=BOB, prompt=number),
        )
        prompt = await driver.bot.store.prompts.get(GUILD.id, number)
        post = final_post(driver, number)
        assert prompt.status == "closed" and post is not None
        assert post["components"] == [], f"take {number}: the closed prompt's post still has a Claim button"
        assert "Closed: it takes no more claims or fills" in json.dumps(post["embeds"])


async def test_clearing_the_queue_under_a_rate_limited_channel_answers_every_approval_in_time(
    driver: Driver,
) -> None:
    await driver.command("settings set", user=MOD, prompts_channel=PROMPTS, require_approval=True)
    for i in range(8):
        await submit(driver, f"{TEXT} Queue entry {i}.", user=ALICE)
    driver.fake.rate_limit(PROMPTS.id, 0.6)  # eight posts take 4.8 s in all
    driver.fake.latency = 0.02
    outcomes = await asyncio.gather(*(driver.command("queue approve", user=MOD, prompt=n) for n in range(1, 9)))
    for number, out in enumerate(outcomes, start=1):
        assert out.ephemeral and f"Prompt #{number} approved" in out.content
    assert len(driver.posts(PROMPTS)) == 8  # the slow part still happened, after the answers
