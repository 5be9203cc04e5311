"""The matcher runs in a worker process of its own: the bot never loads numpy or scipy (issue 25)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bot import EXTENSIONS
from db.match_types import Participant, Wish
from db.match_worker import MatchWorkerFailed, best_match_in_worker
from db.matching import best_match
from tests.conftest import snapshot
from tests.driver import GUILD, MOD, Driver
from tests.test_exchanges import MEMBERS, assignments, create, random_exchange, sign_up

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: the test process itself has loaded the solver (the pure tests call it).
WHOLE_BOT_THEN_A_MATCH = """
import asyncio, json, sys
from pathlib import Path

def heavy():
    return sorted(m for m in ("numpy", "scipy") if m in sys.modules)

import bot
from tests.driver import MOD, Driver
from tests.driver.world import User

async def main():
    seen = {"after import bot": heavy(), "rapidfuzz after import bot": "rapidfuzz" in sys.modules}
    driver = await Driver.start(Path(sys.argv[1]))  # setup_hook: the store, every cog, the command tree
    try:
        seen["cogs"] = sorted(driver.bot.extensions)
        seen["after loading every cog"] = heavy()
        seen["rapidfuzz after loading every cog"] = "rapidfuzz" in sys.modules
        await driver.command("mod exchange create", user=MOD, name="Ring", match="any")
        for i in range(6):
            member = User(731000000000000000 + i, f"ringer{i}")
            for kind in ("exchange request", "exchange offer"):
                await driver.command(kind, user=member, fandom="Anything", exchange="Ring")
        await driver.command("mod exchange close", user=MOD, exchange="Ring")
        seen["reply"] = (await driver.command("mod exchange match", user=MOD, exchange="Ring")).embeds[0]["description"]
        seen["after a match"] = heavy()
        seen["errors"] = driver.unexpected_errors()
    finally:
        await driver.close()
    print(json.dumps(seen))

asyncio.run(main())
"""


def test_the_bot_with_every_cog_never_loads_numpy_or_scipy_even_to_match_nor_rapidfuzz_at_start(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WHOLE_BOT_THEN_A_MATCH, str(tmp_path / "promptfill.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "cogs.exchanges" in seen["cogs"] and len(seen["cogs"]) == len(EXTENSIONS), seen["cogs"]
    assert seen["after import bot"] == []
    assert seen["after loading every cog"] == []
    # rapidfuzz too waits for its first use (db/fuzzy.py): a near miss, an empty search
    assert seen["rapidfuzz after import bot"] is False
    assert seen["rapidfuzz after loading every cog"] is False
    assert "Participants: 6" in seen["reply"] and "Matched: 6" in seen["reply"], seen["reply"]
    assert seen["after a match"] == []  # the solver ran elsewhere
    assert seen["errors"] == []


async def test_exchange_match_through_the_worker_gives_what_the_solver_gives_here(db_path: Path, monkeypatch) -> None:
    """The match's generator, seeded from the bot's random source, travels to the worker with its state: the
    stored assignment is exactly the one `best_match` computes in this process from the same sign-ups and the
    same generator (the first the bot's source seeded with 5 gives). Seeded as the contract says a test fixes
    a match: PROMPTFILL_EXCHANGE_SEED."""
    monkeypatch.setenv("PROMPTFILL_EXCHANGE_SEED", "5")
    driver = await Driver.start(db_path)
    try:
        await _match_seeded(driver, db_path)
    finally:
        await driver.close()


async def _match_seeded(driver: Driver, db_path: Path) -> None:
    people, rule = random_exchange(random.Random(8))
    await create(driver, "Seeded", match=rule, requests_max=3, offers_max=3)
    for user, person in zip(MEMBERS, people, strict=False):
        await sign_up(
            driver,
            user,
            [(w.fandom_key, ", ".join(sorted(w.tag_keys)) or None) for w in person.requests],
            [(w.fandom_key, ", ".join(sorted(w.tag_keys)) or None) for w in person.offers],
            exchange="Seeded",
        )
    await driver.command("mod exchange close", user=MOD, exchange="Seeded")
    out = await driver.command("mod exchange match", user=MOD, exchange="Seeded")
    _, stored_people = await driver.bot.store.exchanges.matchable(GUILD.id, "Seeded")
    expected = best_match(stored_people, rule, random.Random(random.Random(5).getrandbits(64)))
    assert f"Matched: {expected.matched}" in out.embeds[0]["description"], out.embeds
    assert {r: g for g, r in expected.pairs} == {r: g for r, g in assignments(db_path).items() if g is not None}


async def test_the_worker_returns_the_solvers_answer_and_passes_its_errors_on() -> None:
    people = [Participant(i, (Wish("a", frozenset()),), (Wish("a", frozenset()),)) for i in range(1, 7)]
    assert await best_match_in_worker(people, "fandom", random.Random(3)) == best_match(
        people, "fandom", random.Random(3)
    )
    # Raised in the worker, by the solver: the command fails with the worker's last line, not silently.
    with pytest.raises(MatchWorkerFailed, match="AttributeError: 'str' object has no attribute 'shuffle'"):
        await best_match_in_worker([Participant(1, (), ())], "fandom", "not a generator")  # type: ignore[arg-type]


def workers_running() -> list[int]:
    """This process's children that run the matcher."""
    children = []
    for task in Path("/proc/self/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    return [pid for pid in children if b"db.matching" in Path(f"/proc/{pid}/cmdline").read_bytes()]


async def test_a_refused_match_stops_the_worker_it_started(driver: Driver, db_path: Path) -> None:
    await create(driver, "Open")  # sign-ups still open: matching is refused after the worker has started
    before = snapshot(db_path)
    out = await driver.command("mod exchange match", user=MOD, exchange="Open")
    assert out.ephemeral and "/mod exchange close" in out.content, out.content
    assert snapshot(db_path) == before
    assert workers_running() == []
