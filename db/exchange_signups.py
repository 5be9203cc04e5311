"""Sign-ups and nominations: members' requests and offers (checked as drafts first), their own sign-up, the
fandoms nominated and approved before sign-ups open."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace

from db import fuzzy, validation
from db.errors import (
    AlreadyNominated,
    ExchangeChoiceNeeded,
    ExchangeNotFound,
    FandomNotApproved,
    InvalidField,
    NominationLimitReached,
    NotNominated,
    NotSignedUp,
    SignupItemNotFound,
    SignupLimitReached,
)
from db.exchange_models import (
    DETAILS_MAX,
    Exchange,
    NominatedFandom,
    Signup,
)
from db.exchange_rows import _approved, _audit, _by_name, _require, _signup, _signup_id, _signups
from db.folding import fandom_match_key, name_key
from db.models import Page, Rating

CLOSEST_APPROVED = 3  # approved fandoms a refusal names


@dataclass(frozen=True)
class RequestDraft:
    fandom: str
    tags: tuple[str, ...]
    details: str | None
    rating: Rating | None


def request_draft(fandom: str | None, tags: str | None, details: str | None, rating: str | None) -> RequestDraft:
    checked = validation.fandom(fandom)
    if checked is None:
        raise InvalidField("Fandom", "is required")
    text = validation.optional_text("Details", details, DETAILS_MAX)  # blank or invisible only: refused
    return RequestDraft(checked, validation.tags(tags), text, validation.rating(rating) if rating else None)


@dataclass(frozen=True)
class OfferDraft:
    fandom: str
    tags: tuple[str, ...]


def offer_draft(fandom: str | None, tags: str | None) -> OfferDraft:
    checked = validation.fandom(fandom)
    if checked is None:
        raise InvalidField("Fandom", "is required")
    return OfferDraft(checked, validation.tags(tags))


def _add_item(
    conn: sqlite3.Connection,
    guild_id: int,
    name: str | None,
    member_id: int,
    draft: RequestDraft | OfferDraft,
    now: int,
) -> tuple[Exchange, Signup]:
    exchange = _by_name(conn, guild_id, name)
    kind = "requests" if isinstance(draft, RequestDraft) else "offers"
    _require(exchange, "request" if kind == "requests" else "offer")
    approved = _approved(conn, exchange.id)
    if approved and fandom_match_key(draft.fandom) not in approved:
        raise FandomNotApproved(exchange.name, draft.fandom, closest_approved(draft.fandom, list(approved.values())))
    conn.execute(
        "INSERT INTO exchange_signups (exchange_id, member_id, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (exchange_id, member_id) DO NOTHING",
        (exchange.id, member_id, now),
    )
    signup_id = _signup_id(conn, exchange.id, member_id)
    limit = exchange.settings.requests_max if kind == "requests" else exchange.settings.offers_max
    table = f"exchange_{kind}"
    if conn.execute(f"SELECT COUNT(*) FROM {table} WHERE signup_id = ?", (signup_id,)).fetchone()[0] >= limit:
        raise SignupLimitReached(kind, limit)
    tags = json.dumps(list(draft.tags), ensure_ascii=False)
    key = fandom_match_key(draft.fandom)
    if isinstance(draft, RequestDraft):
        conn.execute(
            "INSERT INTO exchange_requests (signup_id, fandom, fandom_key, tags, details, rating, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (signup_id, draft.fandom, key, tags, draft.details, draft.rating, now),
        )
    else:
        conn.execute(
            "INSERT INTO exchange_offers (signup_id, fandom, fandom_key, tags, created_at) VALUES (?, ?, ?, ?, ?)",
            (signup_id, draft.fandom, key, tags, now),
        )
    return exchange, _signup(conn, exchange, member_id)


def _own_signup(conn: sqlite3.Connection, guild_id: int, name: str | None, member_id: int) -> tuple[Exchange, Signup]:
    exchange = _by_name(conn, guild_id, name)
    return exchange, _signup(conn, exchange, member_id)


def _drop_item(
    conn: sqlite3.Connection, guild_id: int, name: str | None, member_id: int, item: str
) -> tuple[Exchange, Signup]:
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "change a sign-up")
    signup = _signup(conn, exchange, member_id)
    parts = item.strip().lower().split()
    if len(parts) != 2 or parts[0] not in ("request", "offer") or not parts[1].isdigit():
        raise SignupItemNotFound(item)
    items = signup.requests if parts[0] == "request" else signup.offers
    position = int(parts[1])
    if not 1 <= position <= len(items):
        raise SignupItemNotFound(item)
    conn.execute(f"DELETE FROM exchange_{parts[0]}s WHERE id = ?", (items[position - 1].id,))
    return exchange, _signup(conn, exchange, member_id)


def _leave(conn: sqlite3.Connection, guild_id: int, name: str | None, member_id: int) -> Exchange:
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "leave")
    if (
        conn.execute(
            "DELETE FROM exchange_signups WHERE exchange_id = ? AND member_id = ?", (exchange.id, member_id)
        ).rowcount
        == 0
    ):
        raise NotSignedUp(exchange.name, member_id, True)
    return exchange


def _signup_sheet(conn: sqlite3.Connection, guild_id: int, name: str, number: int) -> tuple[Exchange, Page[Signup]]:
    """One sign-up, the `number`th (from 0) in the order members signed up, past the last: the last."""
    exchange = _by_name(conn, guild_id, name)
    total = conn.execute("SELECT COUNT(*) FROM exchange_signups WHERE exchange_id = ?", (exchange.id,)).fetchone()[0]
    number = min(max(number, 0), max(total - 1, 0))
    member = conn.execute(
        "SELECT member_id FROM exchange_signups WHERE exchange_id = ? ORDER BY id LIMIT 1 OFFSET ?",
        (exchange.id, number),
    ).fetchone()
    items = tuple(_signups(conn, exchange, [member[0]])) if member else ()
    return exchange, Page(items=items, total=total, page=number, per_page=1)


# A later exchange reuses an earlier one's approved fandoms: (new exchange, actor, now, earlier exchange).
COPY_APPROVED = (
    "INSERT INTO exchange_fandoms (exchange_id, fandom_key, fandom, approved, decided_by, decided_at)"
    " SELECT ?, fandom_key, fandom, 1, ?, ? FROM exchange_fandoms WHERE exchange_id = ? AND approved = 1"
)


def closest_approved(fandom: str, approved: list[str]) -> tuple[str, ...]:
    """The approved names nearest to what was typed (rapidfuzz), best first, for the refusal to offer."""
    return tuple(fuzzy.closest_weighted(fandom, approved, limit=CLOSEST_APPROVED))


def _own_nominations(conn: sqlite3.Connection, exchange_id: int, member_id: int) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT fandom FROM exchange_nominations WHERE exchange_id = ? AND member_id = ? ORDER BY id",
            (exchange_id, member_id),
        )
    ]


def _nominate(
    conn: sqlite3.Connection,
    guild_id: int,
    name: str | None,
    member_id: int,
    fandom: str,
    now: int,
    withdraw: str | None = None,
) -> tuple[Exchange, list[str]]:
    """Adds a nomination; with `withdraw`, takes that one back first, in the same transaction (a swap)."""
    if withdraw is not None:
        _withdraw(conn, guild_id, name, member_id, withdraw)
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "nominate")
    key = fandom_match_key(fandom)
    own = conn.execute(
        "SELECT fandom_key FROM exchange_nominations WHERE exchange_id = ? AND member_id = ?", (exchange.id, member_id)
    ).fetchall()
    if any(r[0] == key for r in own):
        raise AlreadyNominated(fandom)
    limit = exchange.settings.nominations_max or 0
    if len(own) >= limit:
        raise NominationLimitReached(limit, exchange.name, tuple(_own_nominations(conn, exchange.id, member_id)))
    conn.execute(
        "INSERT INTO exchange_nominations (exchange_id, member_id, fandom, fandom_key, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (exchange.id, member_id, fandom, key, now),
    )
    return exchange, _own_nominations(conn, exchange.id, member_id)


def _withdraw(
    conn: sqlite3.Connection, guild_id: int, name: str | None, member_id: int, fandom: str
) -> tuple[Exchange, list[str]]:
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "withdraw a nomination")
    gone = conn.execute(
        "DELETE FROM exchange_nominations WHERE exchange_id = ? AND member_id = ? AND fandom_key = ?",
        (exchange.id, member_id, fandom_match_key(fandom)),
    ).rowcount
    if gone == 0:
        raise NotNominated(fandom)
    return exchange, _own_nominations(conn, exchange.id, member_id)


def _nominations_of(
    conn: sqlite3.Connection, guild_id: int, name: str | None, member_id: int
) -> tuple[Exchange, list[str]]:
    exchange = _by_name(conn, guild_id, name)
    return exchange, _own_nominations(conn, exchange.id, member_id)


def _nominated(conn: sqlite3.Connection, exchange_id: int) -> list[NominatedFandom]:
    """Every nominated or decided fandom of the exchange, by name: how many nominated it, and the decision."""
    decided = {
        r[0]: (r[1], bool(r[2]))
        for r in conn.execute(
            "SELECT fandom_key, fandom, approved FROM exchange_fandoms WHERE exchange_id = ?", (exchange_id,)
        )
    }
    counted = {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            "SELECT fandom_key, MIN(fandom), COUNT(*) FROM exchange_nominations WHERE exchange_id = ?"
            " GROUP BY fandom_key",
            (exchange_id,),
        )
    }
    fandoms = [
        NominatedFandom(
            key,
            decided[key][0] if key in decided else counted[key][0],
            counted[key][1] if key in counted else 0,
            decided[key][1] if key in decided else None,
        )
        for key in decided.keys() | counted.keys()
    ]
    return sorted(fandoms, key=lambda f: (name_key(f.name), f.key))


def _nomination_page(
    conn: sqlite3.Connection, guild_id: int, name: str, page: int, per_page: int
) -> tuple[Exchange, Page[NominatedFandom]]:
    exchange = _by_name(conn, guild_id, name)
    fandoms = _nominated(conn, exchange.id)
    last = max(0, (len(fandoms) - 1) // per_page)
    page = min(max(page, 0), last)
    items = tuple(fandoms[page * per_page : (page + 1) * per_page])
    return exchange, Page(items=items, total=len(fandoms), page=page, per_page=per_page)


def _decide(
    conn: sqlite3.Connection, guild_id: int, name: str, key: str, approved: bool, actor: int, now: int
) -> tuple[Exchange, NominatedFandom]:
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "decide nominations")
    fandom = next((f for f in _nominated(conn, exchange.id) if f.key == key), None)
    if fandom is None:  # withdrawn by every member who nominated it since the page was shown
        raise NotNominated(key)
    conn.execute(
        "INSERT INTO exchange_fandoms (exchange_id, fandom_key, fandom, approved, decided_by, decided_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (exchange_id, fandom_key)"
        " DO UPDATE SET approved = excluded.approved, decided_by = excluded.decided_by,"
        " decided_at = excluded.decided_at",
        (exchange.id, key, fandom.name, int(approved), actor, now),
    )
    action = "exchange fandom approved" if approved else "exchange fandom rejected"
    _audit(conn, exchange, actor, action, now, detail=f"{exchange.name}: {fandom.name}")
    return exchange, replace(fandom, approved=approved)


def _approved_names(conn: sqlite3.Connection, guild_id: int, name: str | None, typed: str) -> list[str] | None:
    """For autocomplete: the exchange's approved fandoms matching what was typed (by the start of the name or
    of a word), by name; None when the exchange cannot be told or has no approved set (any fandom goes)."""
    try:
        exchange = _by_name(conn, guild_id, name)
    except (ExchangeNotFound, ExchangeChoiceNeeded):
        return None
    approved = _approved(conn, exchange.id)
    if not approved:
        return None
    key = name_key(typed)
    names = sorted(approved.values(), key=name_key)
    return [n for n in names if not key or name_key(n).startswith(key) or f" {key}" in f" {name_key(n)}"]
