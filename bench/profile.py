"""Where a command's time goes: `python -m bench.profile [path ...] [--count N] [--lines N]`.

Runs the same cases as `python -m bench` (50 in flight, through the offline driver, on a server of 10,000
prompts) under cProfile, one path at a time, and prints the functions with the most time of their own and
the most time including their callees. Paths: noop, submit, view, random, fill, claim, autocomplete,
search. Each profile is also written to bench/cache/profile-<path>.prof (for snakeviz or pstats).
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import random
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import discord

import db.database
from bench.__main__ import FANDOMS, TAGS, WORDS, Clock, prompt_text, seed, writers
from tests.driver import ALICE, BOB, CAROL, GUILD, MOD, Driver

CACHE = Path(__file__).with_name("cache")


async def cases(driver: Driver) -> dict[str, Callable[[int], Awaitable[Any]]]:
    @driver.bot.tree.command(name="bench-noop", description="benchmark only")
    async def noop(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)

    rng = random.Random(11)
    members = writers(50)
    top = await driver.bot.store.browse.highest_number(GUILD.id)

    async def submit(i: int) -> None:
        await driver.command(
            "prompt submit",
            user=BOB,
            text=prompt_text(rng, 10**6 + i),
            fandom=rng.choice(FANDOMS),
            tags=", ".join(rng.sample(TAGS, 3)),
        )

    async def claim(i: int) -> None:
        member, number = members[i % 50], 1 + (i * 7) % top
        await driver.command("claim", user=member, prompt=number)
        await driver.command("unclaim", user=member, prompt=number)

    return {
        "noop": lambda i: driver.command("bench-noop", user=ALICE),
        "submit": submit,
        "view": lambda i: driver.command("prompt view", user=CAROL, prompt=1 + i % top),
        "random": lambda i: driver.command("prompt random", user=CAROL),
        "fill": lambda i: driver.command(
            "fill", user=members[i % 50], prompt=1 + i % top, url=f"https://example.org/p/{i}"
        ),
        "claim": claim,
        "autocomplete": lambda i: driver.autocomplete("claim", "prompt", rng.choice(WORDS), user=CAROL),
        "search": lambda i: driver.command("prompt search", user=CAROL, query=rng.choice(WORDS)),
    }


async def in_flight(run: Callable[[int], Awaitable[Any]], start: int, count: int) -> None:
    gate = asyncio.Semaphore(50)

    async def one(i: int) -> None:
        async with gate:
            await run(i)

    await asyncio.gather(*(one(start + i) for i in range(count)))


async def main(argv: list[str]) -> int:
    count = int(argv[argv.index("--count") + 1]) if "--count" in argv else 2_000
    lines = int(argv[argv.index("--lines") + 1]) if "--lines" in argv else 30
    wanted = [a for a in argv if not a.startswith("--") and not a.isdigit()]
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        driver = await Driver.start(Path(directory) / "profile.db", clock=Clock(), rng=random.Random(1))
        driver.fake.check_requests = False
        try:
            await seed(driver, 10_000)
            await driver.command("settings set", user=MOD, claims_per_member=0, claims_per_prompt=0)
            table = await cases(driver)
            for serial, name in enumerate(wanted or list(table)):
                run = table[name]
                await in_flight(run, 100_000 * serial, 200)  # warm up
                profiler, worker = cProfile.Profile(), cProfile.Profile()
                original = db.database._run_requests

                def profiled(
                    conn: Any, *, batch: Any, worker: cProfile.Profile = worker, original: Any = original
                ) -> Any:
                    # cProfile sees only the thread that enables it: the store's worker thread gets its own.
                    worker.enable()
                    try:
                        return original(conn, batch=batch)
                    finally:
                        worker.disable()

                db.database._run_requests = profiled
                profiler.enable()
                await in_flight(run, 100_000 * serial + 1_000, count)
                profiler.disable()
                db.database._run_requests = original
                profiler.dump_stats(CACHE / f"profile-{name}.prof")
                worker.dump_stats(CACHE / f"profile-{name}-store.prof")
                for label, which in (("event loop", profiler), ("store's thread", worker)):
                    for order in ("tottime", "cumulative"):
                        out = io.StringIO()
                        pstats.Stats(which, stream=out).sort_stats(order).print_stats(lines)
                        print(f"\n===== {name}: {count} with 50 in flight, {label}, by {order}")
                        print(out.getvalue())
        finally:
            await driver.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
