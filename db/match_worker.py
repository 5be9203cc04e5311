"""`/exchange match` runs the solver in a process of its own, started for the match and gone after it.

numpy and scipy (`db.matching`) take about 50 MiB and 0.4 s to load, for something a server does a few times
a year: loaded in a fresh interpreter ('spawn': nothing of the bot's threads or connections is copied), they
never enter the bot's process, and the solver's seconds of CPU never hold the bot's interpreter lock.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import multiprocessing
import random
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from db.match_types import Match, MatchRule, Participant

SOLVER_MODULE = "db.matching"


def _load_solver() -> None:
    """Runs first in the worker, as soon as it starts: the solver loads while the caller still reads the
    sign-ups. The worker lives for one match, so the cyclic collector has nothing to reclaim that reference
    counting does not: off, it no longer walks the solver's hundreds of thousands of objects."""
    gc.disable()
    importlib.import_module(SOLVER_MODULE)


def _best_match(participants: Sequence[Participant], rule: MatchRule, rng: random.Random) -> Match:
    # The one deliberate lazy import (README, "Matching"): by name, in the worker only, so importing this
    # module never loads numpy or scipy. The worker's initializer has already loaded it.
    solver = importlib.import_module(SOLVER_MODULE)
    return solver.best_match(participants, rule, rng)


class MatchWorker:
    """`async with MatchWorker() as worker:` starts the process (and the solver loading in it) at once;
    `await worker.best_match(...)` solves there. Leaving the block lets the process go."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_load_solver
        )
        # Any task starts the worker (the pool starts it on the first); the match queues behind this one.
        self._pool.submit(int)

    async def __aenter__(self) -> MatchWorker:
        return self

    async def __aexit__(self, *_: object) -> None:
        # Without waiting: an abandoned match (the bot closing) must not hold the event loop while it finishes.
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def best_match(self, participants: Sequence[Participant], rule: MatchRule, rng: random.Random) -> Match:
        """db.matching.best_match, computed in the worker. `rng` travels with its state, so a seeded one gives the
        same match as a direct call."""
        return await asyncio.wrap_future(self._pool.submit(_best_match, list(participants), rule, rng))


async def best_match_in_worker(participants: Sequence[Participant], rule: MatchRule, rng: random.Random) -> Match:
    """One match in a worker started for it: db.matching.best_match without loading the solver here."""
    async with MatchWorker() as worker:
        return await worker.best_match(participants, rule, rng)
