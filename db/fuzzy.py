"""Closest names by rapidfuzz, loaded on first use (issue 25).

rapidfuzz is needed only when a member types a name or word the server does not use yet (a near miss, a
search that finds nothing, a request for an unapproved fandom), yet loading it costs the bot about 2.6 MiB
of resident memory from start to stop, against an idle target of 60 MiB. So this module is the one
deliberate exception to "no import inside a function" (tests/test_layers.py names it): rapidfuzz is
imported by the first call, on the store's thread, where the import's ~20 ms (loaded machine) waits only for that
request. Everything else imports these functions, never rapidfuzz itself.
"""

from __future__ import annotations

from collections.abc import Sequence


def closest(
    query: str, choices: Sequence[str], *, limit: int, score_cutoff: float | None = None, normalise: bool = False
) -> list[str]:
    """The choices closest to query by rapidfuzz's normalised similarity (fuzz.ratio), best first, none under
    score_cutoff; normalise runs rapidfuzz's default processing (lower case, no punctuation) on both sides."""
    if not choices:
        return []
    from rapidfuzz import fuzz, process, utils  # lazy: see the module's docstring

    found = process.extract(
        query,
        choices,
        scorer=fuzz.ratio,
        processor=utils.default_process if normalise else None,
        score_cutoff=score_cutoff,
        limit=limit,
    )
    return [choice for choice, _, _ in found]


def closest_weighted(query: str, choices: Sequence[str], *, limit: int) -> list[str]:
    """The choices closest to query by rapidfuzz's weighted ratio (fuzz.WRatio, which also rewards a shared
    part of a longer name), after its default processing, best first."""
    if not choices:
        return []
    from rapidfuzz import fuzz, process, utils  # lazy: see the module's docstring

    found = process.extract(query, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit)
    return [choice for choice, _, _ in found]
