"""Exchange rounds at Yuletide's size: 3,000 complete sign-ups (3 requests, 4 to 6 offers each, fandoms
long-tailed), matched through `/exchange match` and sent through `/exchange send` with Discord's global
rate limit, killed half-way and resumed by a new process.

`python -m bench.exchanges` (part of `make bench`). Figures with a target print it beside them.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import percentile
from bench.misses import Misses
from bench.scale import StallMonitor
from db.exchanges import _add_item, _by_name, _participants, offer_draft, request_draft
from db.matching import _fandom_edges
from tests.conftest import MovableClock
from tests.driver import GUILD, MOD, Driver
from tests.driver.world import User

PARTICIPANTS = 3_000
FANDOMS = 4_000
RATE = 50.0  # Discord's global limit for a bot, requests per second
NAME = "Yuletide"


def fandom_weights() -> list[float]:
    # Zipf-like (s = 0.6): a head of big fandoms and thousands of small ones, as on Yuletide's sign-ups.
    return [1 / (rank + 1) ** 0.6 for rank in range(FANDOMS)]


def seed_signups(conn: sqlite3.Connection, guild_id: int, rng: random.Random, now: int) -> None:
    fandoms = [f"Fandom {i}" for i in range(FANDOMS)]
    weights = fandom_weights()
    tags = [f"Character {i}" for i in range(400)]
    for index in range(PARTICIPANTS):
        member = 740_000_000_000_000_000 + index
        for fandom in rng.choices(fandoms, weights, k=3):
            draft = request_draft(fandom, ", ".join(rng.sample(tags, 2)), "Anything cosy.", "T")
            _add_item(conn, guild_id, NAME, member, draft, now)
        for fandom in rng.choices(fandoms, weights, k=rng.randint(4, 6)):
            _add_item(conn, guild_id, NAME, member, offer_draft(fandom, None), now)


def counts(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as conn:
        states = dict(conn.execute("SELECT send_state, COUNT(*) FROM exchange_assignments GROUP BY send_state"))
        complete = conn.execute("SELECT COUNT(*) FROM exchange_signups").fetchone()[0]
        with_giver = conn.execute("SELECT COUNT(*) FROM exchange_assignments WHERE giver_id IS NOT NULL").fetchone()[0]
    return complete - with_giver, states.get("delivered", 0)


async def run() -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "exchange.db"
        clock = MovableClock()
        driver = await Driver.start(path, clock=clock)
        driver.fake.check_requests = False
        driver.settle_timeout = 900.0
        try:
            await driver.command("mod exchange create", user=MOD, name=NAME, requests_max=3, offers_max=6)
            started = time.perf_counter()
            now = int(clock().timestamp())
            await driver.bot.store.db.write(seed_signups, GUILD.id, random.Random(2026), now)
            results["seed_s"] = time.perf_counter() - started
            await driver.command("mod exchange close", user=MOD, exchange=NAME)
            others: list[float] = []
            done = asyncio.Event()

            async def other_members() -> None:  # someone else's command, all the while
                while not done.is_set():
                    asked = time.perf_counter()
                    await driver.command("exchange status", user=User(750_000_000_000_000_001, "bystander"))
                    others.append((time.perf_counter() - asked) * 1000)
                    await asyncio.sleep(0.01)

            bystander = asyncio.ensure_future(other_members())
            with StallMonitor() as monitor:
                started = time.perf_counter()
                out = await driver.command("mod exchange match", user=MOD, exchange=NAME)
                results["match_s"] = time.perf_counter() - started
            done.set()
            await bystander
            results["match_stall_ms"] = monitor.longest * 1000
            results["others_p99_ms"] = percentile(others, 0.99) if others else 0.0
            results["reply"] = out.embeds[0]["description"] if out.embeds else out.content  # the match report
            with sqlite3.connect(path) as conn:  # matched now, so the store would refuse matchable(): read directly
                conn.row_factory = sqlite3.Row
                exchange = _by_name(conn, GUILD.id, NAME)
                people = _participants(conn, exchange)
            edges = _fandom_edges(people, "fandom")
            givers_per_recipient = [0] * len(people)
            for _, r in edges:
                givers_per_recipient[r] += 1
            results["no_compatible_giver"] = sum(1 for c in givers_per_recipient if c == 0)
            results["median_compatible_givers"] = sorted(givers_per_recipient)[len(people) // 2]
            results["without_giver"], _ = counts(path)
            # The match leaves some unmatched: fill them as a moderator would, with pinch hitters.
            with sqlite3.connect(path) as conn:
                complete = {r[0] for r in conn.execute("SELECT member_id FROM exchange_signups")}
                rows = conn.execute("SELECT recipient_id, giver_id FROM exchange_assignments").fetchall()
            lacking_giver = sorted(complete - {r for r, _ in rows})
            lacking_recipient = sorted(complete - {g for _, g in rows})
            results["fixed_by_hand"] = len(lacking_giver)
            pinch_hitters = lacking_recipient[1:] + lacking_recipient[:1]  # rotated: nobody writes for themselves
            if len(lacking_giver) == 1 and lacking_giver == lacking_recipient:
                await driver.command("mod exchange remove", user=MOD, exchange=NAME, member=User(lacking_giver[0], "x"))
            else:
                for recipient, giver in zip(lacking_giver, pinch_hitters, strict=True):
                    out = await driver.command(
                        "mod exchange assign",
                        user=MOD,
                        exchange=NAME,
                        recipient=User(recipient, "r"),
                        giver=User(giver, "g"),
                    )
                    if "now writes for" not in out.content:
                        raise RuntimeError(f"assign refused: {out.content}")
            driver.fake.forget()
            driver.fake.requests_per_second = RATE
            started = time.perf_counter()
            sending = asyncio.ensure_future(driver.command("mod exchange send", user=MOD, exchange=NAME))
            total = len(complete)
            while counts(path)[1] < total // 2:
                if sending.done():
                    raise RuntimeError(f"send ended early: {sending.result().text}")
                await asyncio.sleep(0.2)
            sending.cancel()  # the process dies half-way
            results["first_half_s"] = time.perf_counter() - started
            first_dms = {m for m, _ in _dm_counts(driver).items()}
            await driver.close()
            driver.forget_errors()
        finally:
            if not driver.bot.is_closed():
                await driver.close()
        second = await Driver.start(path, clock=clock)
        second.fake.requests_per_second = RATE
        second.fake.check_requests = False
        try:
            started = time.perf_counter()
            await second.bot.get_cog("Exchanges").resumed_sending()  # type: ignore[union-attr]
            results["second_half_s"] = time.perf_counter() - started
            second_dms = _dm_counts(second)
            with sqlite3.connect(path) as conn:
                states = dict(conn.execute("SELECT send_state, COUNT(*) FROM exchange_assignments GROUP BY send_state"))
            results["states"] = states
            results["sent_twice"] = len(first_dms & set(second_dms)) + sum(1 for c in second_dms.values() if c > 1)
            results["assignments"] = sum(states.values())
            second.forget_errors()
        finally:
            await second.close()
    return results


def _dm_counts(driver: Driver) -> dict[int, int]:
    found: dict[int, int] = {}
    for call in driver.fake.calls:
        user = driver.fake.dm_channels.get(call.channel_id or 0)
        if call.method == "POST" and user is not None and call.response is not None:
            found[user] = found.get(user, 0) + 1
    return found


def report(r: dict[str, Any]) -> None:
    misses = Misses()
    match_ok = misses.verdict(r["match_s"] < 1, "match")
    stall_ok = misses.verdict(r["match_stall_ms"] < 50, "match stall")
    equal = misses.verdict(r["without_giver"] == r["no_compatible_giver"], "match leaves none out")
    sent_ok = misses.verdict(r["sent_twice"] == 0, "sent twice")
    print(
        f"\n== Exchanges: {PARTICIPANTS:,} complete sign-ups (3 requests, 4-6 offers, {FANDOMS:,} fandoms long-tailed;"
        f" median {r['median_compatible_givers']} compatible givers each; seeded in {r['seed_s']:.1f} s)\n"
        f"/exchange match end to end: {r['match_s'] * 1000:.0f} ms (target < 1 s: {match_ok}); longest loop stall"
        f" {r['match_stall_ms']:.0f} ms (< 50 ms: {stall_ok}); others' /exchange status p99 meanwhile"
        f" {r['others_p99_ms']:.0f} ms\n"
        f"  {' / '.join(r['reply'].splitlines()[:2])}, mutual pairs:"
        f" {r['reply'].split('Mutual pairs: ')[1].split()[0] if 'Mutual pairs: ' in r['reply'] else '?'}\n"
        f"recipients left without a giver: {r['without_giver']}; with no compatible giver at all:"
        f" {r['no_compatible_giver']} (target equal: {equal})\n"
        f"/exchange send of {r['assignments']:,} at {RATE:.0f} requests/s: first process killed after"
        f" {r['first_half_s']:.0f} s, the restarted one finished the rest in {r['second_half_s']:.0f} s;"
        f" states {json.dumps(r['states'])}; sent twice: {r['sent_twice']} (target 0:"
        f" {sent_ok})"
    )
    print(misses.summary())


def main() -> int:
    report(asyncio.run(run()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
