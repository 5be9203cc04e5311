"""The bot alone after an unmodified start: `python bot.py` in its own process, measured from outside.

The child is the real entry point (`bot.main`, settings from the environment, real logging); the only
change is where discord.py connects: its REST base and gateway point at a loopback fake of Discord in
this process. Nothing of the tests or the harness is imported into the child, so its RSS is the bot's.
Measured on an empty database and on the cached 1,000,000-prompt file: the difference, per 100,000
prompts, is what the data costs the idle bot.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import TestServer

from bench.scale import BIG, FRESH, SMALL
from bench.seed import NOW, TOTAL, cached_database
from tests.test_startup import LoopbackDiscord

LAUNCH = """
import sys, yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
base = sys.argv[1]
Route.BASE = base + "/api/v10"
DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(base.replace("http", "ws", 1) + "/gateway")
import bot
sys.exit(bot.main([]))
"""
SETTLE_S = 3.0  # after the ready line: command sync, first sweep and the collector have run


def child_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def overdue_claims(database: Path) -> int:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(
            "SELECT count(*) FROM claims WHERE status = 'active' AND deadline IS NOT NULL AND deadline <= ?",
            (int(time.time()),),
        ).fetchone()[0]
    finally:
        conn.close()


async def idle_rss(database: Path, *, catch_up: bool = False) -> dict[str, float]:
    """RSS of `python bot.py` on `database` once ready and settled, and the seconds it took to be ready.

    With `catch_up`, the file has claims past their deadline (a bot that was down): the start's sweep
    expires them; followed until none is left, with the peak RSS and WAL size meanwhile."""
    fake = LoopbackDiscord(recommended_shards=1, guilds=(BIG, SMALL, FRESH))
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    environment = dict(
        os.environ,
        DISCORD_TOKEN="loopback-token",  # noqa: S106 - the loopback accepts any token DATABASE_PATH=str(database), AO3_LOOKUP="off", LOG_LEVEL="INFO"
    )
    started = time.perf_counter()
    log_path = database.with_suffix(".log")
    with log_path.open("wb") as log_file:  # a file, not a pipe: an unread pipe would stall the bot's logging
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", LAUNCH, base, env=environment, stderr=log_file
        )
    try:
        while " ready: " not in log_path.read_text(errors="replace"):
            if child.returncode is not None or time.perf_counter() - started > 120:
                raise RuntimeError("the bot did not get ready:\n" + log_path.read_text(errors="replace")[-2000:])
            await asyncio.sleep(0.1)
        figures = {"ready_s": time.perf_counter() - started}
        if catch_up:
            figures["overdue"] = overdue_claims(database)
            caught_up = time.perf_counter()
            peak_rss = peak_wal = 0.0
            wal = Path(f"{database}-wal")
            while overdue_claims(database) and time.perf_counter() - caught_up < 900:
                peak_rss = max(peak_rss, child_rss_mib(child.pid))
                peak_wal = max(peak_wal, wal.stat().st_size / 1_048_576 if wal.exists() else 0.0)
                await asyncio.sleep(0.5)
            figures.update(catch_up_s=time.perf_counter() - caught_up, peak_rss_mib=peak_rss, peak_wal_mib=peak_wal)
        await asyncio.sleep(SETTLE_S)
        figures["rss_mib"] = child_rss_mib(child.pid)
        return figures
    finally:
        child.send_signal(signal.SIGTERM)
        await asyncio.wait_for(child.wait(), 60)
        await server.close()


def bring_to_today(database: Path) -> None:
    """The seed's times are the benchmark clock's; the real start uses the real one. Shift every claim so the
    file looks as it would on a live server today (otherwise the start's sweep expires 160,000 claims at once)."""
    shift = int(time.time()) - NOW
    conn = sqlite3.connect(database)
    with conn:
        conn.execute(
            "UPDATE claims SET claimed_at = claimed_at + ?, deadline = deadline + ? WHERE status = 'active'",
            (shift, shift),
        )
    conn.close()


async def run() -> dict[str, dict[str, float]]:
    path, _ = cached_database()
    with tempfile.TemporaryDirectory() as folder:
        results = {"empty": await idle_rss(Path(folder) / "empty.db")}
        copy = Path(folder) / "scale.db"
        for case in ("full", "catch-up"):
            shutil.copy(path, copy)
            if case == "full":
                bring_to_today(copy)
            results[case] = await idle_rss(copy, catch_up=case == "catch-up")
            wal = Path(f"{copy}-wal")
            results[case]["database_mib"] = copy.stat().st_size / 1_048_576
            results[case]["wal_after_stop_mib"] = wal.stat().st_size / 1_048_576 if wal.exists() else 0.0
        results["full"]["per_100k_mib"] = (results["full"]["rss_mib"] - results["empty"]["rss_mib"]) / (TOTAL / 100_000)
        return results


def report(m: dict[str, dict[str, float]]) -> None:
    empty, full, late = m["empty"], m["full"], m["catch-up"]
    verdict = "pass" if max(empty["rss_mib"], full["rss_mib"]) < 80 else "MISS"
    print(
        f"\n== The bot alone (`python bot.py`, unmodified start against a loopback Discord, 3 servers)\n"
        f"idle RSS: {empty['rss_mib']:.0f} MiB on an empty database (ready in {empty['ready_s']:.1f} s),"
        f" {full['rss_mib']:.0f} MiB on the 1,000,000-prompt file (ready in {full['ready_s']:.1f} s);"
        f" target < 80 MiB: {verdict}\n"
        f"per 100,000 prompts in the file: {full['per_100k_mib']:+.1f} MiB;"
        f" database {full['database_mib']:,.0f} MiB,"
        f" WAL after a start and a SIGTERM {full['wal_after_stop_mib']:.1f} MiB\n"
        f"start after a long downtime ({late['overdue']:,.0f} claims past their deadline): caught up in"
        f" {late['catch_up_s']:.0f} s, peak RSS {late['peak_rss_mib']:.0f} MiB, idle after {late['rss_mib']:.0f} MiB,"
        f" peak WAL {late['peak_wal_mib']:.0f} MiB, WAL after SIGTERM {late['wal_after_stop_mib']:.1f} MiB"
    )


def main() -> int:
    report(asyncio.run(run()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
