from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.driver import ALICE, GENERAL, Driver

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class MovableClock:
    """The injected clock: tests move it; the bot reads it for every deadline and reminder."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "promptfill.db"


@pytest.fixture
async def driver(db_path: Path, clock: MovableClock, request: pytest.FixtureRequest) -> AsyncIterator[Driver]:
    """A test seeds the bot's random source with `@pytest.mark.parametrize("driver", [seed], indirect=True)`."""
    seed = getattr(request, "param", None)
    started = await Driver.start(db_path, clock=clock, rng=random.Random(seed) if seed is not None else None)
    try:
        yield started
    finally:
        await started.close()
    errors = started.unexpected_errors()
    assert not errors, "errors were logged or raised in tasks:\n" + "\n".join(errors)


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table: compare before and after a refused request."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'prompt_search%'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


async def submit(driver: Driver, text: str, *, user=None, channel=None, **options) -> int:
    """Submit through /prompt submit and return the number the bot gave it."""
    out = await driver.command("prompt submit", user=user or ALICE, channel=channel or GENERAL, text=text, **options)
    match = re.search(r"Your prompt is \*\*#(\d+)\*\*", out.content)
    assert match, f"submission refused: {out.content}"
    return int(match.group(1))


def all_sent_bodies(driver: Driver) -> list[dict]:
    """Every message body the bot sent anywhere (replies, followups, edits, posts, DMs)."""
    bodies = []
    for call in driver.fake.calls:
        body = call.body
        if not isinstance(body, dict):
            continue
        if call.route.endswith("/callback"):
            body = body.get("data") or {}
        if "content" in body or "embeds" in body:
            bodies.append(body)
    return bodies
