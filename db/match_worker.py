"""`/exchange match` runs the solver in a process of its own, started for the match and gone after it.

numpy and scipy (`db.matching`) take about 50 MiB and 0.4 s to load, for something a server does a few times
a year: run as `python -m db.matching` in a fresh interpreter, they never enter the bot's process, and the
solver's CPU never holds the bot's interpreter lock. A plain child process rather than multiprocessing's
'spawn': that one imports the parent's main module again in the child (bot.py, or whatever script embeds the
bot, with discord.py and everything else), which costs time and fails outright for a script without an
`if __name__ == "__main__"` guard.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import random
import sys
from asyncio.subprocess import PIPE, Process
from collections.abc import Sequence
from pathlib import Path

from db.collector import collector_paused
from db.match_types import NO_PAIR_RULES, Match, MatchRule, PairRules, Participant

SOLVER_MODULE = "db.matching"
SLICE = 50  # participants per pickle.dumps call (see _handover)
PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the folder holding db/: where the worker imports from


class MatchWorkerFailed(RuntimeError):
    """The worker stopped without an answer (a bug in the solver, or the host killed it for memory)."""


def _handover(participants: list[Participant], rule: MatchRule, rng: random.Random, rules: PairRules) -> bytes:
    """What the worker reads on stdin. Pickled in slices on a thread: one pickle.dumps of 3,000 sign-ups is a
    single call that holds the interpreter lock for 60 ms or more; between slices the event loop gets it back.
    The collector is paused meanwhile: a full pass over the sign-ups' objects would hold the lock as long."""
    with collector_paused():
        slices = [pickle.dumps(participants[i : i + SLICE]) for i in range(0, len(participants), SLICE)]
    return pickle.dumps((slices, rule, rng, rules))


class MatchWorker:
    """`async with MatchWorker() as worker:` starts the process at once, so the solver loads while the caller
    still reads the sign-ups; `await worker.best_match(...)` hands them over and waits for the answer. Leaving
    the block early (a refusal, the bot closing) stops the process."""

    def __init__(self) -> None:
        self._process: Process | None = None

    async def __aenter__(self) -> MatchWorker:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            SOLVER_MODULE,
            stdin=PIPE,
            stdout=PIPE,
            stderr=PIPE,
            cwd=PROJECT_ROOT,
            env={k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"},  # the solver needs no token
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
            await self._process.wait()

    async def best_match(
        self, participants: Sequence[Participant], rule: MatchRule, rng: random.Random, rules: PairRules = NO_PAIR_RULES
    ) -> Match:
        """db.matching.best_match, computed in the worker. `rng` travels with its state, so a seeded one gives the
        same match as a direct call; `rules`: do-not-match lists and earlier pairs."""
        if self._process is None:
            raise RuntimeError("MatchWorker.best_match outside `async with`")
        handover = await asyncio.to_thread(_handover, list(participants), rule, rng, rules)
        answer, errors = await self._process.communicate(handover)
        if self._process.returncode != 0 or not answer:
            last = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
            raise MatchWorkerFailed(f"the matching process stopped (exit {self._process.returncode}): {last[0]}")
        # Our own child's answer, written by db.matching's main(): not input from anyone else.
        return pickle.loads(answer)  # noqa: S301


async def best_match_in_worker(
    participants: Sequence[Participant], rule: MatchRule, rng: random.Random, rules: PairRules = NO_PAIR_RULES
) -> Match:
    """One match in a worker started for it: db.matching.best_match without loading the solver here."""
    async with MatchWorker() as worker:
        return await worker.best_match(participants, rule, rng, rules)
