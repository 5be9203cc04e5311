"""A child process for tests/test_operations.py: the bot under a write burst, stopped by SIGTERM.

`python -m tests.sigterm_child DATABASE` starts the bot through the offline driver with the production
signal handling (bot.stop_on_signals), submits prompts from several members at once and prints
`ack N` for each submission the bot confirmed, until the signal closes the bot. Exits 0 when the bot
closed cleanly.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from bot import stop_on_signals
from tests.driver import ALICE, BOB, CAROL, Driver, User

CONFIRMED = re.compile(r"Your prompt is \*\*#(\d+)\*\*")


async def keep_submitting(driver: Driver, user: User) -> None:
    i = 0
    while not driver.bot.is_closed():
        i += 1
        try:
            out = await driver.command("prompt submit", user=user, text=f"{user.name}'s burst prompt {i}, a comet")
        except Exception:
            return  # the bot is going away under us
        found = [CONFIRMED.search(body.get("content") or "") for body in out.messages]
        for match in found:
            if match:
                print(f"ack {match.group(1)}", flush=True)


async def main(database: Path) -> int:
    driver = await Driver.start(database)
    try:
        stop_on_signals(driver.bot)
        print("ready", flush=True)
        await asyncio.gather(*(keep_submitting(driver, user) for user in (ALICE, BOB, CAROL)))
    finally:
        await driver.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(Path(sys.argv[1]))))
