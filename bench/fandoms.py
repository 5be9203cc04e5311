"""Fandom and tag autocomplete at 100,000 prompts, and what the names table costs to keep and to build.

    .venv/bin/python -m bench.fandoms

One server of 100,000 prompts with 3,000 fandoms and 5,000 tags (Zipf: a few big fandoms, a long tail),
written with SQL so the triggers of migration 0005 keep `server_names` as the bot's own writes do. It
prints: the seeding time with and without those triggers (their cost on writes), the time the migration's
Python step takes to refold and count an existing database of that size, and the latency of fandom and
tag autocomplete through the real dispatch (p50 / p99 / max, from the interaction to the bot's answer),
beside the prompt autocomplete measured in the same run.
"""

from __future__ import annotations

import asyncio
import gc
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import callback_latency_ms, percentile
from bench.seed import Zipf, vocabulary
from db import validation
from db.database import AFTER_MIGRATION, MIGRATIONS_DIR, migrate
from tests.driver import Channel, Driver, Guild, User

GUILD_ID = 910_000_000_000_000_001
SERVER = Guild(GUILD_ID, "Big prompt meme", (Channel(GUILD_ID + 1, "prompts"),), ())
PROMPTS, FANDOMS, TAGS = 100_000, 3_000, 5_000
SAMPLES = 2_000


def seed(path: Path, *, triggers: bool) -> float:
    rng = random.Random(20261204)
    words = vocabulary(rng, 6_000)
    fandoms = [f"{' '.join(rng.sample(words, 2)).title()} Fandom {i}" for i in range(FANDOMS)]
    tags = [f"{' '.join(rng.sample(words, rng.choice((1, 2, 3))))} {i}" for i in range(TAGS)]
    fandom_of, tag_of = Zipf.of(FANDOMS, 1.1), Zipf.of(TAGS, 1.1)
    statuses = ["open"] * 60 + ["filled"] * 20 + ["closed"] * 10 + ["pending"] * 5 + ["rejected"] * 5
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    migrate(conn, MIGRATIONS_DIR)
    if not triggers:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
    prompts, tag_rows = [], []
    for number in range(1, PROMPTS + 1):
        fandom = fandoms[fandom_of.draw(rng)] if rng.random() < 0.8 else None
        chosen = list(dict.fromkeys(tags[tag_of.draw(rng)] for _ in range(rng.randint(0, 5))))
        text = f"Prompt {number}: " + " ".join(rng.sample(words, 12))
        prompts.append(
            (number, GUILD_ID, number, GUILD_ID + 10_000 + number % 500, rng.choice(statuses), text, fandom,
             validation.fandom_key(fandom), validation.dedupe_key(text), 1_790_000_000, 1_790_000_000)
        )  # fmt: skip
        tag_rows += [(number, GUILD_ID, i, tag, validation.tag_key(tag)) for i, tag in enumerate(chosen)]
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO prompts (id, guild_id, number, author_id, status, text, fandom, fandom_key, dedupe_key,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        prompts,
    )
    conn.executemany(
        "INSERT INTO prompt_tags (prompt_id, guild_id, position, tag, tag_key) VALUES (?, ?, ?, ?, ?)", tag_rows
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def refold(path: Path) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    started = time.perf_counter()
    conn.execute("BEGIN")
    AFTER_MIGRATION["0005_fandom_names"](conn)
    conn.execute("ROLLBACK")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


async def latencies(path: Path) -> dict[str, tuple[float, float, float]]:
    driver = await Driver.start(path, guilds=(SERVER,))
    # The fake checks every body against Discord's API description before it records the answer's time;
    # for 25 string choices that check (jsonschema) takes longer than the bot's whole answer, so it is
    # switched off here: the figures are the bot's. The tests keep it on.
    driver.fake._check_body = lambda *_: None  # type: ignore[method-assign]
    writer = User(GUILD_ID + 10_001, "writer")
    cases = {
        "baseline: prompt autocomplete, 1 digit": ("claim", "prompt", lambda i: str(1 + i % 9)),
        "fandom, nothing typed": ("prompt submit", "fandom", lambda i: ""),
        "fandom, 1 letter": ("prompt submit", "fandom", lambda i: "abcdefghijklmnoprstuvw"[i % 22]),
        "fandom, word 'fandom' (all 3,000 match)": ("prompt list", "fandom", lambda i: "fandom"),
        "fandom, no match": ("prompt list", "fandom", lambda i: "zzzzq"),
        "fandom, accented prefix": ("prompt random", "fandom", lambda i: "Fándom 1"),
        "tag, 2 letters": ("prompt list", "tag", lambda i: "abcdefghijklmnoprstuvw"[i % 22] + "a"),
    }
    results = {}
    try:
        for label, (command, option, typed) in cases.items():
            driver.fake.forget()
            gc.collect()
            times = []
            for i in range(SAMPLES):
                out = await driver.autocomplete(command, option, typed(i), user=writer, guild=SERVER,
                                                channel=SERVER.channels[0])  # fmt: skip
                times.append(callback_latency_ms(driver, out))
            results[label] = (percentile(times, 0.5), percentile(times, 0.99), max(times))
    finally:
        await driver.close()
    return results


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        bare = seed(Path(folder) / "bare.db", triggers=False)
        path = Path(folder) / "names.db"
        kept = seed(path, triggers=True)
        print(f"insert 100,000 prompts and their tags: {bare:.2f} s without the name triggers, {kept:.2f} s with")
        print(f"migration 0005's refold and count of 100,000 prompts: {refold(path):.2f} s")
        names = sqlite3.connect(path).execute("SELECT kind, COUNT(*) FROM server_names GROUP BY kind").fetchall()
        print(f"names kept: {dict(names)}")
        print(f"{'autocomplete (' + str(SAMPLES) + ' each)':45} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for label, (p50, p99, worst) in asyncio.run(latencies(path)).items():
            print(f"{label:45} {p50:8.2f} {p99:8.2f} {worst:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
