"""A realistic large database for the scale benchmark, written straight with SQL (the same schema, the same
derived columns the store writes) and cached between runs: bench/cache/scale-<version>.db.

50 servers and 1,000,000 prompts: one server of 100,000, one of 200 beside it, the rest Zipf-sized. Fandoms
and tags are long-tailed (Zipf over thousands of values), words too (a vocabulary of pseudo-words with the
letter mix of English), every status, claims of every status, fills, and a large audit history (500,000
rows in the big server).
"""

from __future__ import annotations

import bisect
import itertools
import random
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from db import validation
from db.database import MIGRATIONS_DIR, migrate
from db.search_words import indexed_words

SEED_VERSION = "scale-v2"
CACHE = Path(__file__).with_name("cache")
BIG_GUILD = 900_000_000_000_000_001
SMALL_GUILD = 900_000_000_000_000_002
BIG_SIZE, SMALL_SIZE, TOTAL, SERVERS = 100_000, 200, 1_000_000, 50
AUDIT_ROWS_BIG = 500_000
DAY = 86_400
NOW = 1_790_000_000  # 2026-09-21, the benchmark clock


@dataclass(frozen=True)
class Zipf:
    """Draws from n values with weight 1 / rank**s."""

    cumulative: list[float]

    @classmethod
    def of(cls, n: int, s: float) -> Zipf:
        return cls(list(itertools.accumulate(1 / (rank**s) for rank in range(1, n + 1))))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])


def vocabulary(rng: random.Random, size: int) -> list[str]:
    onsets = [
        "b",
        "c",
        "d",
        "f",
        "g",
        "h",
        "j",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "w",
        "y",
        "z",
        "br",
        "ch",
        "cl",
        "dr",
        "fl",
        "gr",
        "pl",
        "sh",
        "st",
        "th",
        "tr",
    ]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oa", "ou"]
    codas = ["", "", "n", "r", "s", "t", "l", "nd", "st", "ng"]
    words: set[str] = set()
    while len(words) < size:
        syllables = rng.choice((1, 2, 2, 3))
        words.add("".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables)))
    return sorted(words)


def server_sizes(rng: random.Random) -> list[tuple[int, int]]:
    rest = TOTAL - BIG_SIZE - SMALL_SIZE
    weights = [1 / (rank**0.8) for rank in range(1, SERVERS - 1)]
    sizes = [max(50, int(rest * w / sum(weights))) for w in weights]
    sizes[0] += rest - sum(sizes)
    others = [(900_000_000_000_001_000 + i, size) for i, size in enumerate(sizes)]
    return [(BIG_GUILD, BIG_SIZE), (SMALL_GUILD, SMALL_SIZE), *others]


def seed(path: Path) -> float:
    started = time.perf_counter()
    rng = random.Random(20261125)
    words = vocabulary(rng, 6_000)
    word_of = Zipf.of(len(words), 1.05)
    fandoms = [f"{' '.join(rng.sample(words, 2)).title()} Fandom {i}" for i in range(3_000)]
    fandom_of = Zipf.of(len(fandoms), 1.1)
    tags = [f"{' '.join(rng.sample(words, rng.choice((1, 2, 3))))} {i}" for i in range(5_000)]
    tag_of = Zipf.of(len(tags), 1.1)
    statuses = ["open"] * 60 + ["filled"] * 20 + ["closed"] * 10 + ["pending"] * 5 + ["rejected"] * 5
    ratings = ["G", "T", "T", "M", "NR", "E"]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    migrate(conn, MIGRATIONS_DIR)
    prompt_id = itertools.count(1)
    for guild_id, size in server_sizes(rng):
        members = [guild_id + 10_000 + m for m in range(max(20, size // 20))]
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO guild_settings (guild_id, claims_per_member, claims_per_prompt) VALUES (?, 0, 1)", (guild_id,)
        )
        prompts, tag_rows, search_rows, claims, fills = [], [], [], [], []
        for number in range(1, size + 1):
            pid = next(prompt_id)
            text = " ".join(words[word_of.draw(rng)] for _ in range(rng.randint(12, 40))).capitalize() + "."
            title = " ".join(words[word_of.draw(rng)] for _ in range(3)).title() if rng.random() < 0.5 else None
            fandom = fandoms[fandom_of.draw(rng)] if rng.random() < 0.8 else None
            chosen = list(dict.fromkeys(tags[tag_of.draw(rng)] for _ in range(rng.randint(0, 5))))
            status = rng.choice(statuses)
            rating = rng.choice(ratings)
            author = rng.choice(members)
            created = NOW - rng.randint(0, 900) * DAY
            active = 0
            if status in ("open", "filled") and rng.random() < 0.2:
                active = 1
                # Due 3 to 29 days from the benchmark's now: nothing is due at start, as in a server that has been
                # running (the sweep's own benchmark adds claims that are due).
                claims.append((guild_id, pid, rng.choice(members), "active", created, NOW + (3 + pid % 27) * DAY))
            if status == "filled":
                fills.append((guild_id, pid, rng.choice(members), f"https://archiveofourown.org/works/{pid}", created))
                claims.append((guild_id, pid, rng.choice(members), "filled", created, None))
            if rng.random() < 0.05:
                claims.append(
                    (guild_id, pid, rng.choice(members), rng.choice(("dropped", "expired", "released")), created, None)
                )
            prompts.append(
                (
                    pid,
                    guild_id,
                    number,
                    author,
                    int(rng.random() < 0.1),
                    status,
                    rating,
                    text,
                    title,
                    fandom,
                    validation.fandom_key(fandom),
                    f"{guild_id}:{pid}",
                    active,
                    int(status == "filled"),
                    created,
                    created,
                )
            )
            tag_rows += [(pid, guild_id, position, tag, validation.tag_key(tag)) for position, tag in enumerate(chosen)]
            search_rows.append((pid, indexed_words(guild_id, text, title, fandom, " ".join(chosen))))
        conn.executemany(
            "INSERT INTO prompts (id, guild_id, number, author_id, anonymous, status, rating, text,"
            " title, fandom, fandom_key, dedupe_key, active_claims, fill_count, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            prompts,
        )
        conn.executemany(
            "INSERT INTO prompt_tags (prompt_id, guild_id, position, tag, tag_key) VALUES (?, ?, ?, ?, ?)", tag_rows
        )
        conn.executemany("INSERT INTO prompt_search (rowid, words) VALUES (?, ?)", search_rows)
        conn.executemany(
            "INSERT INTO claims (guild_id, prompt_id, member_id, status, claimed_at, deadline, ended_at)"
            " VALUES (?, ?, ?, ?, ?, ?, NULL)",
            claims,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO fills (guild_id, prompt_id, member_id, url, created_at) VALUES (?, ?, ?, ?, ?)",
            fills,
        )
        audit_rows = AUDIT_ROWS_BIG if guild_id == BIG_GUILD else size // 2
        moderators = members[:5]
        conn.executemany(
            "INSERT INTO audit_log (guild_id, actor_id, action, prompt_number, target_id, detail, by_moderator,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    guild_id,
                    rng.choice(moderators),
                    rng.choice(("approve", "reject", "release", "settings")),
                    rng.randint(1, size),
                    rng.choice(members),
                    None,
                    int(rng.random() < 0.6),
                    NOW - i,
                )
                for i in range(audit_rows)
            ),
        )
        conn.execute("COMMIT")
    conn.execute("INSERT INTO bot_state (key, value) VALUES ('bench_seed', ?)", (SEED_VERSION,))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - started


def cached_database() -> tuple[Path, float | None]:
    """The seeded file, made if missing; returns (path, seconds it took, or None when it came from the cache)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{SEED_VERSION}.db"
    if path.exists():
        conn = sqlite3.connect(path)
        try:
            marker = conn.execute("SELECT value FROM bot_state WHERE key = 'bench_seed'").fetchone()
        except sqlite3.Error:
            marker = None
        finally:
            conn.close()
        if marker == (SEED_VERSION,):
            return path, None
        path.unlink()
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(f"{partial.name}*"):
        leftover.unlink()
    seconds = seed(partial)
    partial.rename(path)
    return path, seconds
