"""Why a target is missed: every MISS a benchmark prints comes with its reason (issue 25: "the bench prints every
target met or the reason it cannot be with what was tried").

Each target a benchmark checks has its reason written here, from what was measured (bench/README.md keeps the
runs behind each sentence); `Misses.verdict` refuses a target without one, so a new target cannot miss in
silence. At the end of a run, `Misses.summary()` says either that every target was met or, for each MISS, what
limits it and what was tried.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

_SHARES = (
    "The no-op command is discord.py's own cost for one interaction (its payload parsed, Interaction and Member"
    " built, dispatch, the response sent); a command adds its steps on the event loop (options, validation, its"
    " embed and view) and its hand-offs to the store's one thread (about 0.2 ms each on this VM), which"
    " `python -m bench.profile <command>` shows by function. "
)
_DRAWS = (
    "A draw probes random numbers by the (server, number) index, 8 then 64, then (when the fandom and tag it names"
    " are each on 1,000 prompts or more) 256, before it counts the matches: counting up to 1,000 reads rows with a"
    " tag probe each, 5 to 25 ms when a fandom + tag pair holds 2% of 100,000 prompts (the batch of 256, issue 25;"
    " for every draw it cost a rare tag 1.5 ms on the 1,000,000-prompt file). What is left is the event loop's own"
    " time for the command (about 0.5 ms at p50) and this VM: a p99 of a few milliseconds moves by 1 to 3 ms"
    " between runs of the same code, more when other work shares the 2 cores."
)
_WORDS = (
    "Each typed word longer than 3 letters is turned into the exact indexed words it begins, joined by OR, which"
    " SQLite 3.40's FTS5 walks lazily, newest first (migration 0011; before it, a prefix query merged every"
    " matching word's whole list first: 8 ms for a word in 50,000 prompts, 0.2 ms now). A word that is not"
    " plain ASCII once its accents are removed, or a prefix that begins more than 16 indexed words, stays a"
    " prefix query and pays that merge; in `python -m bench` every prompt has 13 of the same 20 words, so each"
    " word is in most prompts. The rest is the event loop and this VM's noise."
)
_BURST = (
    "Timed from the burst's start, the 99th percentile waits for nearly the whole burst: 990 interactions at the"
    " mixed capacity measured here (about 2,600/s with 50 in flight) are at least 380 ms of work on one event"
    " loop, so p99 < 250 ms needs a capacity above 4,000/s, where the no-op command alone runs at about 9,000/s."
    " Batching the store's hand-offs (group commit) is what keeps it at that; none is past Discord's 3 seconds."
)

REASONS: dict[str, str] = {
    # python -m bench: shares of the no-op command with 50 in flight
    "prompt submit": _SHARES
    + "A submission is one read (the merged name and the near-miss check, one hand-off since issue 25) and one"
    " write: settings, the insert with its name-count triggers, its tags, the search index with its three prefix"
    " indexes, the audit line (about 0.75 ms of SQLite at 10,000 prompts); then its reply, embed and post. Taken"
    " out in issue 25: the per-character fold of ASCII names and texts (a third of the store thread's time) and a"
    " second read. Kept: the prefix indexes (1 to 3 letter autocomplete at 1,000,000 prompts needs them).",
    "prompt view": _SHARES + "A view is one read and its embed with buttons; nothing of its own was left to take out.",
    "prompt random": _SHARES
    + "A draw is one read; on the event loop it builds its embed and a view with Claim and Draw again for each"
    " draw (about 0.4 ms together, bench.profile); not reduced.",
    "claim + unclaim": _SHARES
    + "A claim and an unclaim are four hand-offs: the claim, the post re-read when its turn comes, the unclaim"
    " (with the prompt its reply names, one hand-off since issue 25, two before), the post re-read again. The"
    " re-reads are the rule that a post always shows the current state; kept.",
    "fill": _SHARES
    + "A fill is three hand-offs (the record; the announcement's message id, known only once Discord answers; the"
    " prompt's post re-read) and the URL check and two embeds (announcement, post). Taken out in issue 25: a third"
    " embed, the seconders' card, built on every fill, and the read of the seconders (they hear of fills in their"
    " daily digest now).",
    "autocomplete": _SHARES
    + "An autocomplete is one read and 25 choices built by discord.py. Issue 25 turned each whole word into the"
    " exact indexed words it begins (22% to 36% of the no-op by CPU time in one run).",
    # python -m bench: the burst, and latency at 100,000 prompts
    "burst": _BURST,
    "random": _DRAWS,
    "random fandom+tag": _DRAWS,
    "random rating (nsfw)": _DRAWS,
    "autocomplete words": _WORDS,
    "search": _WORDS
    + " A search also counts its matches (up to 1,000) for the page line, and renders a page of 10 prompts.",
    "servers": "Each server's channels, roles, emojis and stickers as discord.py keeps them (the bot asks for no"
    " members and no messages); the comparison row shows what the default intents would add.",
    # python -m bench.scale
    "random, no filter": _DRAWS,
    "random, rare tag (~100)": _DRAWS,
    "random, tag with no match here": _DRAWS,
    "random, long-tail fandom + tag": _DRAWS,
    "autocomplete, 1 letter": "One or two letters are served by the search index's prefix indexes (a key of 6"
    " characters and 1 to 3 letters), newest first; a single letter begins the most words. " + _WORDS,
    "autocomplete, 2 letters": _WORDS,
    "autocomplete, 3 letters": _WORDS,
    "autocomplete, whole words": _WORDS,
    "search, big server": _WORDS,
    "search, small server beside it": "Every word is keyed by its server, so the 100,000-prompt server's entries"
    " for the same word are never read; what is left is the command's own time and this VM's noise (p99 of a"
    " few milliseconds moves by 1 to 3 ms between runs).",
    "/mod log, first page": "Read through the (server, id) index, newest first; its time is the command's own and"
    " this VM's noise.",
    "/mod log, one member": "Read through the partial index of moderators' actions by target; its time is the"
    " command's own and this VM's noise.",
    "scale burst": _BURST,
    "scale burst past 3 s": "Interactions past 3 s fail at Discord: the event loop fell behind by seconds, which"
    " no run has shown since the store batched its hand-offs; look for a stall (the sweep, an import).",
    "export within 10 MiB": "Exports are split into gzip parts of at most 10 MiB (Discord's upload limit); a part"
    " over it means the split's estimate of a compressed size was wrong.",
    "export or import stall": "A stall is the event loop's own thread not running for that long. Tried: entries"
    " validated on a thread before the write, the collector paused for whole imports and exports (a full pass"
    " over an import's objects stalled 736 ms), the file's entries freed before it resumes. What is left moves"
    " with the machine: 128 to 313 ms in runs at load 5 to 7, where the exports in the same runs stalled 64 to"
    " 315 ms too, and 75 to 121 ms in quieter ones; not traced further.",
    "others during import": "Another server's interaction waits on the one store thread behind the import's"
    " current transaction (50 entries, each indexed for search with three prefix indexes; p50 10 to 30 ms, but"
    " up to 100 to 160 ms when FTS5 merges its segments inside it). Tried: 200 to 50 entries per transaction"
    " (others' p99 790 to 184 ms on the whole import), a millisecond's pause between chunks so that what queued"
    " runs in a batch of its own (72 to 148 ms in runs at load 2 to 5). Next step, not built: FTS5's automerge"
    " with a bounded ('merge', N) step between chunks, so no member's wait holds a merge.",
    # python -m bench.startup
    "idle memory": "What the bot loads at start (a fresh interpreter, 2026-12-04): asyncio and ssl 10.7 MiB,"
    " aiohttp 14.5, discord.py 8.4, regex 1.9, bs4 1.9 (the AO3 page parser, needed by the first AO3 fill), the"
    " bot's own modules about 2, the interpreter 8.6; then the ready bot's caches. numpy and scipy load only in the"
    " match worker, rapidfuzz on first use (issue 25: 59.3 to 56.7 MiB).",
    "memory after burst": "Python keeps the arenas a burst used; the bot's own caches are bounded (settings of"
    " 10,000 servers, 5,000 short-lived views, 1,000 AO3 lookups).",
    # python -m bench.exchanges
    "match": "The solver runs in a process started for each match, so that numpy and scipy (about 50 MiB) never"
    " load into the bot: its start costs about 0.45 s of CPU (Python, numpy, scipy.optimize; 0.56 s before the"
    " worker stopped importing the whole store, issue 25), reading 3,000 sign-ups about 0.12 s and the solve about"
    " 0.2 s; it starts before the deferral and the read, which hide part of it. On a loaded 2-core VM the worker's"
    " start alone takes 1.3 s of wall time. Tried: a 'spawn' process pool (it imports the bot's main module again:"
    " 9.4 s). Not done: a worker kept warm, which would hold the same 50 MiB all year.",
    "match stall": "Pickling 3,000 sign-ups holds the interpreter lock; it is done on a thread in slices of 50 with"
    " the collector paused, so a stall over 50 ms means the machine starved the loop's thread.",
    "match leaves none out": "A recipient without a giver though one was compatible: the integer program hit its"
    " time limit (seen once at 3,000 before the ban step above 300 participants); look at the solver's log.",
    "sent twice": "A message delivered twice breaks the outbox's rule (each is marked before it is sent, and one"
    " whose answer was lost is left unknown, never resent): a bug to look into.",
}


@dataclass
class Misses:
    missed: list[str] = field(default_factory=list)

    def verdict(self, ok: bool, case: str) -> str:
        """'pass', or 'MISS' with the case noted for the summary; a case without a written reason is refused."""
        if case not in REASONS:
            raise KeyError(f"no reason written for the target {case!r} in bench/misses.py")
        if ok:
            return "pass"
        if case not in self.missed:
            self.missed.append(case)
        return "MISS"

    def summary(self) -> str:
        """Every target met, or each MISS with its reason; a reason several misses share is printed once."""
        if not self.missed:
            return "\nEvery target met."
        lines = ["\nWhy each MISS (what limits it and what was tried; the runs behind it in bench/README.md):"]
        shown: set[str] = set()
        for case in self.missed:
            reason = REASONS[case]
            shared = next((part for part in _SHARED if reason.startswith(part)), None)
            if shared is None:
                lines.append(_wrapped(f"- {case}: {reason}", "  "))
                continue
            if shared not in shown:
                alike = [c for c in self.missed if REASONS[c].startswith(shared)]
                lines.append(_wrapped(f"- {', '.join(alike)}: {shared.strip()}", "  "))
                shown.add(shared)
            if rest := reason[len(shared) :].strip():
                lines.append(_wrapped(f"  - {case}: {rest}", "    "))
        return "\n".join(lines)


_SHARED = (_SHARES, _DRAWS, _WORDS, _BURST)


def _wrapped(text: str, indent: str) -> str:
    return textwrap.fill(text, width=116, subsequent_indent=indent, break_on_hyphens=False)
