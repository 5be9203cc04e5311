"""The bot alone after an unmodified start: `python bot.py` in its own process, measured from outside.

The child is the real entry point (`bot.main`, settings from the environment, real logging); the only
change is where discord.py connects: its REST base and gateway point at a loopback fake of Discord in
this process. Nothing of the tests or the harness is imported into the child, so its RSS is the bot's.
Measured on an empty database and on the cached 1,000,000-prompt file: the difference, per 100,000
prompts, is what the data costs the idle bot. Then a burst of everyday commands (submit, view, list, random,
search, autocomplete, claim, fill, profile, claims, stats) arrives through the loopback gateway as
INTERACTION_CREATE events, 50 in flight, answered through the loopback REST API; RSS is read again after it.
`python -m bench.startup --quick` measures the empty database only (no 1,000,000-prompt file needed).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from bench.misses import Misses
from bench.scale import BIG, FRESH, SMALL, member
from bench.seed import NOW, TOTAL, cached_database
from tests.driver import APPLICATION_ID
from tests.driver.fake_discord import message_shape
from tests.test_startup import LoopbackDiscord, json_response

LAUNCH = """
import sys, yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from discord.webhook import async_ as webhook
base = sys.argv[1]
Route.BASE = base + "/api/v10"
webhook.Route.BASE = base + "/api/v10"  # interaction answers and followups
DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(base.replace("http", "ws", 1) + "/gateway")
import bot
sys.exit(bot.main([]))
"""
SETTLE_S = 3.0  # after the ready line: command sync, first sweep and the collector have run
IDLE_TARGET_MIB = 60
BURST_TARGET_MIB = 80
IN_FLIGHT = 50
FANDOMS = ("Good Omens", "Sherlock", "Discworld", "The Expanse", "Murderbot", "Hades", "Star Trek", "Dune")
WORDS = ("rain", "library", "road trip", "letters", "snowed in", "found family", "heist", "bakery")


def child_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stored_in_fresh(database: Path) -> dict[str, float]:
    """What the burst left in the fresh server's rows: proof its commands did their work, not just answered."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        counts = {}
        for table in ("prompts", "claims", "fills"):  # our own table names, not input
            query = f"SELECT count(*) FROM {table} WHERE guild_id = ?"  # noqa: S608
            counts[f"stored_{table}"] = conn.execute(query, (FRESH.id,)).fetchone()[0]
        return counts
    finally:
        conn.close()


def overdue_claims(database: Path) -> int:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(
            "SELECT count(*) FROM claims WHERE status = 'active' AND deadline IS NOT NULL AND deadline <= ?",
            (int(time.time()),),
        ).fetchone()[0]
    finally:
        conn.close()


@dataclass
class BusyLoopback(LoopbackDiscord):
    """The loopback Discord, also answering what a command sends (interaction callbacks, followups, posts,
    direct messages) and counting the answers, so interactions can be fed through its gateway."""

    answered: set[str] = field(default_factory=set)  # tokens whose interaction got its callback
    channels: dict[str, str] = field(default_factory=dict)  # token -> channel id
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1 << 60))
    _sequence: itertools.count = field(default_factory=lambda: itertools.count(1000))

    def app(self) -> web.Application:
        app = super().app()
        route = "/api/v10/interactions/{interaction_id}/{token}/callback"
        app.router.add_post(route, self.callback)
        app.router.add_route("*", "/api/v10/webhooks/{application_id}/{token}{rest:.*}", self.followup)
        app.router.add_post("/api/v10/users/@me/channels", self.dm_channel)
        app.router.add_route("*", "/api/v10/channels/{channel_id}/messages{rest:.*}", self.channel_message)
        return app

    def message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return message_shape(
            str(next(self._ids)), channel_id, body, timestamp="2026-12-04T00:00:00+00:00", flags=body.get("flags") or 0
        )

    async def callback(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        body = await request.json()
        self.answered.add(token)
        answer: dict[str, Any] = {"interaction": {"id": request.match_info["interaction_id"], "type": 2}}
        if body.get("type") in (4, 5):
            message = self.message(self.channels.get(token, "0"), body.get("data") or {})
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": body["type"], "message": message}
        return json_response(answer)

    async def followup(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        return json_response(self.message(self.channels.get(request.match_info["token"], "0"), body))

    async def dm_channel(self, request: web.Request) -> web.Response:
        user = (await request.json())["recipient_id"]
        recipient = {"id": str(user), "username": f"user{user}", "discriminator": "0", "avatar": None}
        return json_response(
            {"id": str(next(self._ids)), "type": 1, "last_message_id": None, "recipients": [recipient]}
        )

    async def channel_message(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        return json_response(self.message(request.match_info["channel_id"], body))

    async def interact(self, kind: int, user_index: int, data: dict[str, Any]) -> str:
        """Send one interaction in the fresh server through the gateway, as Discord would; returns its token."""
        channel = FRESH.channels[0]
        token = f"burst-{next(self._ids)}"
        self.channels[token] = str(channel.id)
        payload = {
            "id": str(next(self._ids)),
            "application_id": str(APPLICATION_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "channel_id": str(channel.id),
            "channel": channel.payload(FRESH.id),
            "guild_id": str(FRESH.id),
            "guild_locale": "en-US",
            "locale": "en-US",
            "member": member(FRESH, user_index).member_payload(),
            "app_permissions": str((1 << 50) - 1),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(FRESH.id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
            "data": data,
        }
        event = {"op": 0, "t": "INTERACTION_CREATE", "s": next(self._sequence), "d": payload}
        await self.sockets[-1].send_str(json.dumps(event))
        return token


def command(name: str, **options: Any) -> dict[str, Any]:
    """A slash command's data as Discord sends it: `command("prompt view", prompt=3)` (4: integer, 3: string)."""
    leaf = [{"name": k, "type": 4 if isinstance(v, int) else 3, "value": v} for k, v in options.items()]
    top, *sub = name.split()
    nested = [{"name": sub[0], "type": 1, "options": leaf}] if sub else leaf
    return {"id": str(APPLICATION_ID + 1), "name": top, "type": 1, "options": nested}


def autocomplete(name: str, typed: str) -> dict[str, Any]:
    data = command(name)
    data["options"] = [{"name": "prompt", "type": 4, "value": typed, "focused": True}]
    return data


def everyday_commands(prompts: int = 100) -> list[tuple[int, int, dict[str, Any]]]:
    """(interaction type, member, data), wave by wave: 100 submissions, then reads of them, claims and fills."""
    waves: list[tuple[int, int, dict[str, Any]]] = [
        (
            2,
            i % 50,
            command(
                "prompt submit",
                text=f"Prompt {i}: a story about {WORDS[i % len(WORDS)]}, told over one long winter evening.",
                fandom=FANDOMS[i % len(FANDOMS)],
                tags=f"{WORDS[(i + 3) % len(WORDS)]}, fluff",
            ),
        )
        for i in range(prompts)
    ]
    for i in range(200):
        waves.append((2, 50 + i % 50, command("prompt view", prompt=1 + i % prompts)))
    for i in range(100):
        waves.append((2, 50 + i % 50, command("prompt list", **({"fandom": FANDOMS[i % 8]} if i % 2 else {}))))
        waves.append((2, 50 + i % 50, command("prompt random", **({"fandom": FANDOMS[i % 8]} if i % 2 else {}))))
        waves.append((2, 50 + i % 50, command("prompt search", query=WORDS[i % len(WORDS)].split()[0])))
        waves.append((4, 50 + i % 50, autocomplete("claim", WORDS[i % len(WORDS)][:3])))
    for i in range(50):  # member 50 + i claims prompt i + 1, then fills it
        waves.append((2, 50 + i, command("claim", prompt=1 + i)))
    for i in range(50):
        waves.append((2, 50 + i, command("fill", prompt=1 + i, url=f"https://example.org/works/{i}")))
    for i in range(50):
        waves.append((2, i, command("profile")))
        waves.append((2, 50 + i, command("claims")))
        waves.append((2, i, command("stats")))
    return waves


async def burst(fake: BusyLoopback, pid: int) -> dict[str, float]:
    """Every everyday command, IN_FLIGHT at a time in arrival order; waits for each wave's callbacks."""
    waves = everyday_commands()
    started = time.perf_counter()
    peak = 0.0
    unanswered = 0
    for start in range(0, len(waves), IN_FLIGHT):
        tokens = [await fake.interact(kind, user, data) for kind, user, data in waves[start : start + IN_FLIGHT]]
        waited = time.perf_counter()
        while not fake.answered.issuperset(tokens) and time.perf_counter() - waited < 10:
            peak = max(peak, child_rss_mib(pid))
            await asyncio.sleep(0.02)
        unanswered += len(set(tokens) - fake.answered)
    return {
        "burst_count": len(waves),
        "burst_s": time.perf_counter() - started,
        "burst_unanswered": unanswered,
        "burst_peak_mib": max(peak, child_rss_mib(pid)),
    }


async def idle_rss(database: Path, *, catch_up: bool = False, busy: bool = False) -> dict[str, float]:
    """RSS of `python bot.py` on `database` once ready and settled, and the seconds it took to be ready.

    With `catch_up`, the file has claims past their deadline (a bot that was down): the start's sweep
    expires them; followed until none is left, with the peak RSS and WAL size meanwhile. With `busy`, a burst
    of everyday commands follows, and RSS is read again once it has settled."""
    fake = BusyLoopback(recommended_shards=1, guilds=(BIG, SMALL, FRESH))
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    environment = dict(
        os.environ,
        DISCORD_TOKEN="loopback-token",  # noqa: S106 - the loopback accepts any token
        DATABASE_PATH=str(database),
        AO3_LOOKUP="off",
        LOG_LEVEL="INFO",
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
            figures["still_overdue"] = overdue_claims(database)  # not 0: it gave up after 900 s
        await asyncio.sleep(SETTLE_S)
        figures["rss_mib"] = child_rss_mib(child.pid)
        if busy:
            figures.update(await burst(fake, child.pid))
            await asyncio.sleep(SETTLE_S)
            figures["after_burst_mib"] = child_rss_mib(child.pid)
            log = log_path.read_text(errors="replace")
            figures["errors_logged"] = log.count(" ERROR ")
            figures.update(stored_in_fresh(database))
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


async def run(quick: bool = False) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as folder:
        results = {"empty": await idle_rss(Path(folder) / "empty.db", busy=True)}
        if quick:
            return results
        path, _ = cached_database()
        copy = Path(folder) / "scale.db"
        for case in ("full", "catch-up"):
            shutil.copy(path, copy)
            if case == "full":
                bring_to_today(copy)
            results[case] = await idle_rss(copy, catch_up=case == "catch-up", busy=case == "full")
            wal = Path(f"{copy}-wal")
            results[case]["database_mib"] = copy.stat().st_size / 1_048_576
            results[case]["wal_after_stop_mib"] = wal.stat().st_size / 1_048_576 if wal.exists() else 0.0
        results["full"]["per_100k_mib"] = (results["full"]["rss_mib"] - results["empty"]["rss_mib"]) / (TOTAL / 100_000)
        return results


# Every verdict of this run, for the reasons printed at its end (bench/misses.py).
MISSES = Misses()


def verdict(value: float, target: float, case: str) -> str:
    return MISSES.verdict(value < target, case)


def burst_line(case: str, m: dict[str, float]) -> str:
    highest = max(m["after_burst_mib"], m["burst_peak_mib"])
    return (
        f"after a burst of {m['burst_count']:,.0f} everyday commands ({IN_FLIGHT} in flight, {m['burst_s']:.1f} s,"
        f" {m['burst_unanswered']:.0f} unanswered, {m['errors_logged']:.0f} errors logged;"
        f" {m['stored_prompts']:.0f} prompts, {m['stored_claims']:.0f} claims, {m['stored_fills']:.0f} fills stored)"
        f" {case}:"
        f" RSS {m['after_burst_mib']:.1f} MiB (peak {m['burst_peak_mib']:.1f});"
        f" target < {BURST_TARGET_MIB} MiB: {verdict(highest, BURST_TARGET_MIB, 'memory after burst')}"
    )


def report(m: dict[str, dict[str, float]]) -> None:
    empty = m["empty"]
    lines = [
        "\n== The bot alone (`python bot.py`, unmodified start against a loopback Discord, 3 servers)",
        f"idle RSS on an empty database: {empty['rss_mib']:.1f} MiB (ready in {empty['ready_s']:.1f} s);"
        f" target < {IDLE_TARGET_MIB} MiB: {verdict(empty['rss_mib'], IDLE_TARGET_MIB, 'idle memory')}",
        burst_line("on the empty database", empty),
    ]
    if "full" in m:
        full, late = m["full"], m["catch-up"]
        lines += [
            f"idle RSS on the 1,000,000-prompt file: {full['rss_mib']:.1f} MiB (ready in {full['ready_s']:.1f} s);"
            f" target < {IDLE_TARGET_MIB} MiB: {verdict(full['rss_mib'], IDLE_TARGET_MIB, 'idle memory')}",
            burst_line("on the 1,000,000-prompt file", full),
            f"per 100,000 prompts in the file: {full['per_100k_mib']:+.1f} MiB;"
            f" database {full['database_mib']:,.0f} MiB,"
            f" WAL after a start and a SIGTERM {full['wal_after_stop_mib']:.1f} MiB",
            f"start after a long downtime ({late['overdue']:,.0f} claims past their deadline): "
            + (
                f"caught up in {late['catch_up_s']:.0f} s"
                if not late["still_overdue"]
                else f"NOT caught up after {late['catch_up_s']:.0f} s ({late['still_overdue']:,.0f} still past it)"
            )
            + f", peak RSS {late['peak_rss_mib']:.0f} MiB,"
            f" RSS at the end {late['rss_mib']:.0f} MiB,"
            f" peak WAL {late['peak_wal_mib']:.0f} MiB, WAL after SIGTERM {late['wal_after_stop_mib']:.1f} MiB",
        ]
    print("\n".join(lines))
    print(MISSES.summary())


def main(argv: list[str]) -> int:
    report(asyncio.run(run(quick="--quick" in argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
