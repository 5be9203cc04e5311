"""The best assignment for an exchange: who writes for whom (EXCHANGES.md, "Matching").

In order of importance: (1) as many recipients with a compatible giver as any assignment allows;
(2) among those, as few mutual pairs (A writes for B and B for A) as possible; (3) among those, as few
giver->recipient pairs repeated from the server's earlier exchanges as possible; (4) among those, the
highest compatibility (requests the giver's offers can fill, then tags in common); (5) ties broken at
random (a seeded generator makes it repeatable). Two members of whom one put the other on their
do-not-match list are not compatible at all, either way (`PairRules`).

(1), (3) and (4) are one min-cost bipartite assignment (scipy's `min_weight_full_bipartite_matching`, sparse)
where each edge costs `LIMIT - (COUNT_WEIGHT + score)` and each giver also has a dummy recipient costing
`LIMIT`: a giver paired with their dummy gives nothing. With earlier pairs, every pair that is not one
also weighs NOVEL on top of its score, more than any total of scores (see `_pair_rules`). When that
optimum has mutual pairs, one direction of each is forbidden and the assignment solved again, a few rounds:
reaching no mutual pair at the same value is exact (`_banned_without_loss`; a Secret Santa of equal pairs
ends here). Otherwise (2) is not a question of swapping one pair (a better assignment may change
many edges at once), so the exact lexicographic optimum is solved as a small integer program (scipy's
`milp`, HiGHS) with the matched count fixed at the optimum of (1), up to EXACT_MUTUAL_MAX participants;
above, where the program may not finish in time, one direction of a mutual pair is banned at a time and
the assignment solved again.
Pure functions. The bot never imports this module: `db.match_worker` runs it as `python -m db.matching`
(main() below) in a short-lived process of its own, so numpy and scipy never load into the bot; the records
it reads and returns are in `db.match_types`.
"""

from __future__ import annotations

import gc
import os
import pickle
import random
import sys
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from db.match_types import NO_PAIR_RULES, Match, MatchRule, PairRules, Participant

REQUEST_WEIGHT = 256  # one more request filled outweighs any number of tags in common (capped below)
TAGS_COUNTED_MAX = REQUEST_WEIGHT - 1
DENSE_ANY_MAX = 400  # with `any`, up to this many participants every pair is an edge (see _any_edges)
ANY_EXTRA_EDGES = 12
MILP_SECONDS = 10.0
# Up to this many participants mutual pairs are removed exactly (an integer program: seconds at most);
# above, by banning one direction of a pair at a time (README: "Matching").
EXACT_MUTUAL_MAX = 300
MUTUAL_BAN_ROUNDS = 20
QUICK_BAN_ROUNDS = 8  # rounds of `_banned_without_loss` before the integer program


class _Profile:
    """One participant's wishes, grouped by fandom once, so scoring a pair is a few dictionary lookups."""

    __slots__ = ("member_id", "offered", "offered_tags", "open_offers", "requests", "wanted")

    def __init__(self, person: Participant) -> None:
        self.member_id = person.member_id
        self.requests = person.requests
        self.offered: dict[str, set[str]] = defaultdict(set)
        self.open_offers: set[str] = set()  # fandoms with an offer of no tags: anything in them
        for offer in person.offers:
            self.offered[offer.fandom_key] |= offer.tag_keys
            if not offer.tag_keys:
                self.open_offers.add(offer.fandom_key)
        self.wanted: dict[str, set[str]] = defaultdict(set)
        for request in person.requests:
            self.wanted[request.fandom_key] |= request.tag_keys
        # Only fandoms where the giver named tags can have tags in common: most pairs skip the count.
        self.offered_tags = {fandom: tags for fandom, tags in self.offered.items() if tags}


def _score(giver: _Profile, recipient: _Profile, rule: MatchRule) -> int | None:
    """None when the giver cannot write for the recipient; else requests fillable, then tags in common.

    A request is fillable when an offer has its fandom and, under `fandom_and_tag`, either side has no
    tags or some offer in that fandom shares a tag with it (so: the union of those offers' tags does)."""
    if giver.member_id == recipient.member_id:
        return None
    offered = giver.offered
    filled = 0
    for request in recipient.requests:
        tags = offered.get(request.fandom_key)
        if tags is None:
            continue
        if (
            rule != "fandom_and_tag"
            or not request.tag_keys
            or request.fandom_key in giver.open_offers
            or not request.tag_keys.isdisjoint(tags)
        ):
            filled += 1
    if not filled and rule != "any":
        return None
    return filled * REQUEST_WEIGHT + _in_common(giver, recipient)


def _in_common(giver: _Profile, recipient: _Profile) -> int:
    """Tags the recipient asked for that the giver offered, fandom by fandom (capped)."""
    in_common = 0
    for fandom, tags in giver.offered_tags.items():
        wanted = recipient.wanted.get(fandom)
        if wanted:
            in_common += len(wanted & tags)
    return min(in_common, TAGS_COUNTED_MAX)


def score(giver: Participant, recipient: Participant, rule: MatchRule) -> int | None:
    """The compatibility of one pair (None: incompatible), as the matcher weighs it."""
    return _score(_Profile(giver), _Profile(recipient), rule)


def _fandom_edges(people: Sequence[Participant], rule: MatchRule) -> dict[tuple[int, int], int]:
    """(giver index, recipient index) -> score, for pairs sharing a fandom: for each recipient, the givers
    of each requested fandom (an index) count the requests they can fill; the same figures as `_score`."""
    profiles = [_Profile(p) for p in people]
    givers_by_fandom: dict[str, list[int]] = defaultdict(list)
    for g, giver in enumerate(profiles):
        for fandom in giver.offered:
            givers_by_fandom[fandom].append(g)
    by_tag = rule == "fandom_and_tag"
    edges: dict[tuple[int, int], int] = {}
    for r, recipient in enumerate(profiles):
        filled: dict[int, int] = {}
        for request in recipient.requests:
            fandom, wanted = request.fandom_key, request.tag_keys
            for g in givers_by_fandom.get(fandom, ()):
                if by_tag and wanted:
                    giver = profiles[g]
                    if fandom not in giver.open_offers and wanted.isdisjoint(giver.offered[fandom]):
                        continue
                filled[g] = filled.get(g, 0) + 1
        filled.pop(r, None)  # never oneself
        for g, count in filled.items():
            edges[(g, r)] = count * REQUEST_WEIGHT + _in_common(profiles[g], recipient)
    return edges


def _any_edges(people: Sequence[Participant], rng: random.Random) -> dict[tuple[int, int], int]:
    """With `any` every pair is compatible. Up to DENSE_ANY_MAX participants every pair is an edge; above,
    the pairs sharing a fandom (which carry a score) plus a random cycle through everyone and a few random
    pairs each: a cycle already matches everyone with no mutual pair, and score-0 pairs are interchangeable."""
    n = len(people)
    edges = _fandom_edges(people, "any")
    if n <= DENSE_ANY_MAX:
        pairs = ((g, r) for g in range(n) for r in range(n) if g != r)
    else:
        order = list(range(n))
        rng.shuffle(order)
        cycle = [(order[i], order[(i + 1) % n]) for i in range(n)]
        extra = [(g, rng.randrange(n)) for g in range(n) for _ in range(ANY_EXTRA_EDGES)]
        pairs = (p for p in [*cycle, *extra] if p[0] != p[1])
    for pair in pairs:
        edges.setdefault(pair, 0)
    return edges


def _pair_rules(
    people: Sequence[Participant], edges: dict[tuple[int, int], int], rules: PairRules
) -> tuple[dict[tuple[int, int], int], set[tuple[int, int]]]:
    """The edges without the pairs a do-not-match list forbids (both directions), and the earlier pairs among
    them. When some edge repeats an earlier pair, each edge that does not gains NOVEL, one more than any total of
    scores an assignment can reach: one repeat fewer then outweighs all compatibility (criterion 3 before 4),
    while `_weights` still puts the matched count first and the integer program mutual pairs second."""
    index = {person.member_id: i for i, person in enumerate(people)}
    for member, avoided in rules.avoid:
        a, b = index.get(member), index.get(avoided)
        if a is not None and b is not None:
            edges.pop((a, b), None)
            edges.pop((b, a), None)
    repeats: set[tuple[int, int]] = set()
    for giver, recipient in rules.earlier:
        g, r = index.get(giver), index.get(recipient)
        if g is not None and r is not None and (g, r) in edges:
            repeats.add((g, r))
    if repeats:
        novel = len(people) * (max(edges.values()) + 1) + 1
        edges = {pair: value if pair in repeats else value + novel for pair, value in edges.items()}
    return edges, repeats


def _weights(n: int, edges: dict[tuple[int, int], int]) -> tuple[float, float]:
    best = max(edges.values(), default=0)
    count_weight = float(n * (best + 1) + 1)  # one more recipient matched outweighs any total of scores
    return count_weight, count_weight + best + 1


def _assignment(n: int, edges: dict[tuple[int, int], int]) -> list[tuple[int, int]]:
    """The maximum-count, then maximum-score assignment, as (giver index, recipient index) pairs."""
    if not edges:
        return []
    count_weight, limit = _weights(n, edges)
    keys = list(edges)
    rows = [g for g, _ in keys] + list(range(n))
    columns = [r for _, r in keys] + [n + g for g in range(n)]  # giver g's dummy is column n + g
    costs = [limit - (count_weight + edges[k]) for k in keys] + [limit] * n  # all > 0: a zero is no edge
    graph = csr_array((costs, (rows, columns)), shape=(n, 2 * n))
    givers, recipients = min_weight_full_bipartite_matching(graph)
    return [(int(g), int(r)) for g, r in zip(givers, recipients, strict=True) if r < n]


def _mutual(pairs: list[tuple[int, int]]) -> int:
    chosen = set(pairs)
    return sum(1 for g, r in pairs if g < r and (r, g) in chosen)


def _without_mutual_pairs(n: int, edges: dict[tuple[int, int], int], count: int) -> list[tuple[int, int]] | None:
    """Exactly `count` recipients matched, the fewest mutual pairs, then the highest score (an integer program)."""
    keys = list(edges)
    index = {k: i for i, k in enumerate(keys)}
    reciprocal = [(index[(g, r)], index[(r, g)]) for g, r in keys if g < r and (r, g) in index]
    m, p = len(keys), len(reciprocal)
    count_weight, _ = _weights(n, edges)
    # Variables: x (one per edge), then y (one per reciprocal pair, 1 when both directions are chosen).
    objective = np.concatenate([-np.array([edges[k] for k in keys], dtype=float), np.full(p, count_weight)])
    rows, columns, values = [], [], []
    for i, (g, r) in enumerate(keys):
        rows += [g, n + r, 2 * n]  # each giver gives once, each recipient receives once, the count is fixed
        columns += [i, i, i]
        values += [1.0, 1.0, 1.0]
    lower = [0.0] * (2 * n) + [float(count)]
    upper = [1.0] * (2 * n) + [float(count)]
    for j, (a, b) in enumerate(reciprocal):  # x_ab + x_ba - y <= 1
        row = 2 * n + 1 + j
        rows += [row, row, row]
        columns += [a, b, m + j]
        values += [1.0, 1.0, -1.0]
        lower.append(-np.inf)
        upper.append(1.0)
    matrix = coo_array((values, (rows, columns)), shape=(2 * n + 1 + p, m + p)).tocsr()
    result = milp(
        objective,
        # scipy's annotations say float; its documentation and code take one bound per row.
        constraints=LinearConstraint(matrix, np.array(lower), np.array(upper)),  # pyright: ignore[reportArgumentType]
        integrality=np.ones(m + p),
        bounds=Bounds(0, 1),
        # An exact optimum: HiGHS stops within 0.01 % of it by default, which large weights turn into a lost
        # point of compatibility (or a repeated pair).
        options={"time_limit": MILP_SECONDS, "mip_rel_gap": 0.0},
    )
    if result.x is None:
        return None
    return [keys[i] for i in range(m) if result.x[i] > 0.5]


def _banned_without_loss(
    n: int, edges: dict[tuple[int, int], int], pairs: list[tuple[int, int]]
) -> list[tuple[int, int]] | None:
    """The cheap exact way, tried first: forbid one direction of every mutual pair and solve again, a few rounds.
    If that reaches an assignment with no mutual pair and the same matched count and value as the optimum
    without the rule, nothing can beat it (no mutual pair is the fewest; nothing is worth more). None when it
    loses anything: then the integer program decides. A Secret Santa where every pair is as good as any other
    (the solver then returns half its pairs mutual) is solved here in a fraction of a second."""
    target = (len(pairs), sum(edges[p] for p in pairs))
    allowed = dict(edges)
    for _ in range(QUICK_BAN_ROUNDS):
        chosen = set(pairs)
        mutual = [(g, r) for g, r in pairs if g < r and (r, g) in chosen]
        if not mutual:
            return pairs
        for g, r in mutual:
            allowed.pop((r, g), None)
        pairs = _assignment(n, allowed)
        if (len(pairs), sum(allowed[p] for p in pairs)) != target:
            return None
    return None


def _ban_mutual_pairs(n: int, edges: dict[tuple[int, int], int], pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """For large exchanges, where the integer program may not finish in time: forbid one direction of a
    mutual pair at a time and solve again, keeping each ban that loses no recipient and removes mutual pairs.
    Each solve takes a fraction of a second, and an optimum rarely has more than a few mutual pairs."""
    allowed = dict(edges)
    for _ in range(MUTUAL_BAN_ROUNDS):
        chosen = set(pairs)
        mutual = [(g, r) for g, r in pairs if g < r and (r, g) in chosen]
        if not mutual:
            break
        improved = False
        for g, r in mutual:
            for direction in ((g, r), (r, g)):
                trial = {k: v for k, v in allowed.items() if k != direction}
                candidate = _assignment(n, trial)
                if len(candidate) == len(pairs) and _mutual(candidate) < _mutual(pairs):
                    allowed, pairs, improved = trial, candidate, True
                    break
            if improved:
                break
        if not improved:
            break
    return pairs


def best_match(
    participants: Sequence[Participant], rule: MatchRule, rng: random.Random, rules: PairRules = NO_PAIR_RULES
) -> Match:
    """The assignment EXCHANGES.md asks for. `rng` only breaks ties (the order the solver sees); `rules`: the
    do-not-match lists and the server's earlier pairs."""
    people = list(participants)
    rng.shuffle(people)
    n = len(people)
    edges = _any_edges(people, rng) if rule == "any" else _fandom_edges(people, rule)
    edges, repeats = _pair_rules(people, edges, rules)
    pairs = _assignment(n, edges)
    if n >= 3 and _mutual(pairs):
        better = _banned_without_loss(n, edges, pairs)
        if better is None and n <= EXACT_MUTUAL_MAX:
            better = _without_mutual_pairs(n, edges, len(pairs))
        elif better is None:
            better = _ban_mutual_pairs(n, edges, pairs)
        if better is not None and len(better) == len(pairs) and _mutual(better) < _mutual(pairs):
            pairs = better
    givers = {g for g, _ in pairs}
    recipients = {r for _, r in pairs}
    unmatched = sorted(people[i].member_id for i in range(n) if i not in givers or i not in recipients)
    reachable = {r for _, r in edges}
    return Match(
        pairs=tuple(sorted((people[g].member_id, people[r].member_id) for g, r in pairs)),
        unmatched=tuple(unmatched),
        mutual_pairs=_mutual(pairs),
        without_compatible_giver=sum(1 for i in range(n) if i not in reachable),
        repeated_pairs=sum(1 for pair in pairs if pair in repeats),
    )


def main() -> int:
    """The worker (`python -m db.matching`, started by db.match_worker): the participants (pickled in slices),
    the rule and the generator on stdin; the Match pickled on stdout; a traceback on stderr and a non-zero exit
    on failure."""
    # The process lives for one match and its memory goes with it: the collector's full passes over the
    # solver's hundreds of thousands of objects would only slow the match down.
    gc.disable()
    answer = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything the solver prints goes to stderr, not into the answer
    # Pickled by db.match_worker in the bot that started this process: not input from anyone else.
    slices, rule, rng, rules = pickle.load(sys.stdin.buffer)  # noqa: S301
    participants = [person for piece in slices for person in pickle.loads(piece)]  # noqa: S301
    pickle.dump(best_match(participants, rule, rng, rules), answer)
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
