"""Do-not-match lists (issue 23, item 4): a member names up to AVOID_MAX others they must not be matched with,
either way, while sign-ups are open. The list belongs to the sign-up (leaving takes it along) and is shown only
to its member and in the moderators' export: the avoided member is never told, and nothing is written to the
moderation log. The matcher reads it through `pair_rules`, together with the server's earlier giver->recipient
pairs, which a new exchange repeats only when no assignment as good avoids them (db/matching.py).
"""

from __future__ import annotations

import sqlite3

from db.database import Repository
from db.errors import AvoidLimitReached, AvoidSelf, NotAvoided, NotSignedUp
from db.exchange_models import SENT_PHASES, Exchange
from db.exchange_rows import _by_name, _require, _signup_id
from db.match_types import PairRules
from db.rows import placeholders

AVOID_MAX = 10
# A list changes only while sign-ups are open ("change a do-not-match list" in PHASE_ALLOWS), like the requests
# and offers of the sign-up it belongs to, so the match moderators compute is made from the lists members saw. A
# late wish goes to a moderator (`/mod exchange assign`). The "earlier" pairs a new exchange tries not to repeat
# are those of exchanges whose assignments went out (SENT_PHASES).


def _avoided(conn: sqlite3.Connection, signup_id: int) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT avoided_id FROM exchange_avoids WHERE signup_id = ? ORDER BY created_at, rowid", (signup_id,)
        )
    ]


def _own_signup_id(conn: sqlite3.Connection, exchange: Exchange, member: int) -> int:
    signup_id = _signup_id(conn, exchange.id, member)
    if signup_id is None:
        raise NotSignedUp(exchange.name, member, True)
    return signup_id


def _list(conn: sqlite3.Connection, guild_id: int, name: str | None, member: int) -> tuple[Exchange, list[int]]:
    exchange = _by_name(conn, guild_id, name)
    return exchange, _avoided(conn, _own_signup_id(conn, exchange, member))


def _change(
    conn: sqlite3.Connection, guild_id: int, name: str | None, member: int, other: int, remove: bool, now: int
) -> tuple[Exchange, list[int], bool]:
    """Adds `other` to the member's list (or takes them off); the flag says whether anything changed (adding
    someone already on the list changes nothing and is not refused)."""
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "change a do-not-match list")
    signup_id = _own_signup_id(conn, exchange, member)
    if remove:
        gone = conn.execute(
            "DELETE FROM exchange_avoids WHERE signup_id = ? AND avoided_id = ?", (signup_id, other)
        ).rowcount
        if not gone:
            raise NotAvoided(other)
        return exchange, _avoided(conn, signup_id), True
    if other == member:
        raise AvoidSelf()
    listed = _avoided(conn, signup_id)
    if other in listed:
        return exchange, listed, False
    if len(listed) >= AVOID_MAX:
        raise AvoidLimitReached(AVOID_MAX)
    conn.execute(
        "INSERT INTO exchange_avoids (signup_id, avoided_id, created_at) VALUES (?, ?, ?)", (signup_id, other, now)
    )
    return exchange, [*listed, other], True


def avoid_lists(conn: sqlite3.Connection, exchange_id: int) -> dict[int, list[int]]:
    """Every sign-up's list, member -> avoided members (the moderators' export)."""
    lists: dict[int, list[int]] = {}
    for member, avoided in conn.execute(
        "SELECT s.member_id, a.avoided_id FROM exchange_avoids a JOIN exchange_signups s ON s.id = a.signup_id"
        " WHERE s.exchange_id = ? ORDER BY s.id, a.created_at, a.rowid",
        (exchange_id,),
    ):
        lists.setdefault(member, []).append(avoided)
    return lists


def pair_rules(conn: sqlite3.Connection, exchange: Exchange) -> PairRules:
    """What the matcher needs beyond the wishes: this exchange's do-not-match pairs, and every giver->recipient
    pair of the server's other exchanges whose assignments went out (the matcher keeps those of its participants)."""
    lists = avoid_lists(conn, exchange.id)
    avoid = frozenset((member, avoided) for member, avoided_ids in lists.items() for avoided in avoided_ids)
    earlier = frozenset(
        (r[0], r[1])
        for r in conn.execute(
            "SELECT a.giver_id, a.recipient_id FROM exchange_assignments a JOIN exchanges e ON e.id = a.exchange_id"
            f" WHERE e.guild_id = ? AND e.id != ? AND e.phase IN ({placeholders(SENT_PHASES)})"
            " AND a.giver_id IS NOT NULL",
            (exchange.guild_id, exchange.id, *SENT_PHASES),
        )
    )
    return PairRules(avoid=avoid, earlier=earlier)


class AvoidRepo(Repository):
    """Do-not-match lists. Each method is one transaction; refusals change nothing."""

    async def change(
        self, guild_id: int, name: str | None, member: int, other: int, remove: bool
    ) -> tuple[Exchange, list[int], bool]:
        return await self._db.write(_change, guild_id, name, member, other, remove, self._now())

    async def listed(self, guild_id: int, name: str | None, member: int) -> tuple[Exchange, list[int]]:
        return await self._db.read(_list, guild_id, name, member)

    async def pair_rules(self, exchange: Exchange) -> PairRules:
        return await self._db.read(pair_rules, exchange)

    async def lists(self, exchange_id: int) -> dict[int, list[int]]:
        return await self._db.read(avoid_lists, exchange_id)
