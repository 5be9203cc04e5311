"""Measuring helpers shared by the benchmarks."""

from __future__ import annotations

from pathlib import Path

from tests.driver import Driver, Outcome


def rss_mib() -> float:
    """This process's resident memory, in MiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def callback_latency_ms(driver: Driver, out: Outcome) -> float:
    """From the interaction's creation to the bot's answer reaching (the fake) Discord."""
    created = driver.fake.interactions[out.token]["created"]
    callback = next(c for c in out.calls if c.route.endswith("/callback"))
    return (callback.at - created) * 1000
