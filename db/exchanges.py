"""Exchange rounds: what is true of an exchange, its sign-ups, assignments and gifts (EXCHANGES.md).

Every rule that must hold under concurrency is a condition in SQL: a phase change is an UPDATE that
names the phase it leaves, a pinch hit is taken by an UPDATE that only succeeds while it is open, and a
unique index keeps each participant to one gift. Assignment messages go through an outbox in
exchange_assignments.send_state (see the migration).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import asdict, dataclass, replace
from typing import Any

from db import fuzzy, validation
from db.database import Repository
from db.errors import (
    AlreadyGiving,
    AlreadyNominated,
    ExchangeChoiceNeeded,
    ExchangeNameTaken,
    ExchangeNotFound,
    FandomNotApproved,
    InvalidCounts,
    InvalidField,
    MatchIncomplete,
    NoApprovedFandoms,
    NoAssignment,
    NominationLimitReached,
    NotDefaulted,
    NotNominated,
    NotSignedUp,
    OwnPinchHit,
    PinchHitGone,
    SelfAssignment,
    SignupItemNotFound,
    SignupLimitReached,
    WrongPhase,
)
from db.exchange_models import (
    COUNT_MAX,
    COUNT_MIN,
    DETAILS_MAX,
    NAME_MAX,
    REMIND_BEFORE_DAYS,
    Assignment,
    Exchange,
    ExchangeOffer,
    ExchangeRequest,
    ExchangeSettings,
    ExchangeStatus,
    Gift,
    NominatedFandom,
    Phase,
    Signup,
)
from db.folding import name_key as folded_key
from db.match_types import Participant, Wish
from db.models import Page, Rating
from db.rows import placeholders, record_audit

SETTINGS_COLUMNS = (
    "requests_min",
    "requests_max",
    "offers_min",
    "offers_max",
    "match_rule",
    "due_at",
    "reveal_at",
    "channel_id",
    "nominations_max",
)
EXPORT_VERSION = 1
CLOSEST_APPROVED = 3  # approved fandoms a refusal names


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def exchange_name(value: str | None) -> str:
    cleaned = validation.clean(value)
    if cleaned is None:
        raise InvalidField("Name", "is empty once blank and invisible characters are removed")
    if len(cleaned) > NAME_MAX:
        raise InvalidField("Name", f"must be 1 to {NAME_MAX} characters long (yours is {len(cleaned)})")
    return cleaned


def checked_settings(settings: ExchangeSettings) -> ExchangeSettings:
    for kind in ("requests", "offers"):
        low, high = getattr(settings, f"{kind}_min"), getattr(settings, f"{kind}_max")
        if not (COUNT_MIN <= low <= COUNT_MAX and COUNT_MIN <= high <= COUNT_MAX):
            raise InvalidCounts(f"{kind}_min and {kind}_max take {COUNT_MIN} to {COUNT_MAX}")
        if low > high:
            raise InvalidCounts(f"{kind}_min ({low}) is more than {kind}_max ({high})")
    limit = settings.nominations_max
    if limit is not None and not COUNT_MIN <= limit <= COUNT_MAX:
        raise InvalidCounts(f"nominations_max takes {COUNT_MIN} to {COUNT_MAX}")
    return settings


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
    text = validation.clean(details)
    if text is not None and len(text) > DETAILS_MAX:
        raise InvalidField("Details", f"must be up to {DETAILS_MAX:,} characters long (yours is {len(text):,})")
    return RequestDraft(checked, validation.tags(tags), text, validation.rating(rating) if rating else None)


def offer_draft(fandom: str | None, tags: str | None) -> RequestDraft:
    checked = validation.fandom(fandom)
    if checked is None:
        raise InvalidField("Fandom", "is required")
    return RequestDraft(checked, validation.tags(tags), None, None)


def fandom_match_key(fandom: str) -> str:
    """Fandoms are the same ignoring case, whitespace and punctuation (EXCHANGES.md, "Compatible")."""
    return validation.dedupe_key(fandom)


# -- reading rows ---------------------------------------------------------------------------------------------


def _exchange(row: sqlite3.Row) -> Exchange:
    return Exchange(
        id=row["id"],
        guild_id=row["guild_id"],
        name=row["name"],
        phase=row["phase"],
        settings=ExchangeSettings(**{c: row[c] for c in SETTINGS_COLUMNS}),
        created_by=row["created_by"],
        created_at=row["created_at"],
        reveal_channel_id=row["reveal_channel_id"],
    )


def _gift(row: sqlite3.Row) -> Gift:
    return Gift(
        id=row["id"],
        recipient_id=row["recipient_id"],
        giver_id=row["giver_id"],
        url=row["url"],
        title=row["title"],
        notes=row["notes"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
    )


def _assignments(conn: sqlite3.Connection, exchange_id: int, where: str = "", params: tuple = ()) -> list[Assignment]:
    gifts = {
        r["recipient_id"]: _gift(r)
        for r in conn.execute("SELECT * FROM exchange_gifts WHERE exchange_id = ?", (exchange_id,))
    }
    found = conn.execute(
        f"SELECT * FROM exchange_assignments WHERE exchange_id = ? {where} ORDER BY id", (exchange_id, *params)
    )
    return [
        Assignment(
            id=r["id"],
            recipient_id=r["recipient_id"],
            giver_id=r["giver_id"],
            defaulted_by=r["defaulted_by"],
            send_state=r["send_state"],
            gift=gifts.get(r["recipient_id"]),
        )
        for r in found
    ]


def _by_name(conn: sqlite3.Connection, guild_id: int, name: str | None) -> Exchange:
    """The named exchange; with no name, the server's only exchange that is not complete."""
    if name is None:
        running = conn.execute(
            "SELECT * FROM exchanges WHERE guild_id = ? AND phase != 'complete' LIMIT 2", (guild_id,)
        ).fetchall()
        if len(running) != 1:
            count = conn.execute(
                "SELECT COUNT(*) FROM exchanges WHERE guild_id = ? AND phase != 'complete'", (guild_id,)
            ).fetchone()[0]
            raise ExchangeChoiceNeeded(count)
        return _exchange(running[0])
    row = conn.execute(
        "SELECT * FROM exchanges WHERE guild_id = ? AND name_key = ?", (guild_id, name_key(name))
    ).fetchone()
    if row is None:
        raise ExchangeNotFound(name)
    return _exchange(row)


def _require_phase(exchange: Exchange, allowed: tuple[Phase, ...], action: str) -> None:
    if exchange.phase in allowed:
        return
    # The next step from each phase; the phase itself is said in words by the refusal's sentence.
    remedies = {
        "nominations": "A moderator reviews the nominations with `/mod exchange nominations`, then opens sign-ups"
        " with `/mod exchange open`",
        "signups": "A moderator closes sign-ups first with `/mod exchange close`",
        "closed": "A moderator can reopen sign-ups with `/mod exchange open` until assignments are sent",
        "assigned": "Gifts are being written now",
        "works revealed": "Only their creators are left to reveal",
        "complete": "",
    }
    raise WrongPhase(exchange.name, exchange.phase, action, remedies[exchange.phase])


def _signup_id(conn: sqlite3.Connection, exchange_id: int, member_id: int) -> int | None:
    row = conn.execute(
        "SELECT id FROM exchange_signups WHERE exchange_id = ? AND member_id = ?", (exchange_id, member_id)
    ).fetchone()
    return row[0] if row else None


def _signups(conn: sqlite3.Connection, exchange: Exchange, member_ids: list[int] | None = None) -> list[Signup]:
    """Sign-ups with their requests and offers, in the order members signed up."""
    where, params = "", ()
    if member_ids is not None:
        where, params = f" AND member_id IN ({placeholders(member_ids)})", tuple(member_ids)
    signups = conn.execute(
        f"SELECT id, member_id FROM exchange_signups WHERE exchange_id = ?{where} ORDER BY id", (exchange.id, *params)
    ).fetchall()
    requests: dict[int, list[ExchangeRequest]] = {s["id"]: [] for s in signups}
    offers: dict[int, list[ExchangeOffer]] = {s["id"]: [] for s in signups}
    ids = list(requests)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for r in conn.execute(
            f"SELECT * FROM exchange_requests WHERE signup_id IN ({placeholders(chunk)}) ORDER BY id", chunk
        ):
            requests[r["signup_id"]].append(
                ExchangeRequest(r["id"], r["fandom"], tuple(json.loads(r["tags"])), r["details"], r["rating"])
            )
        for r in conn.execute(
            f"SELECT * FROM exchange_offers WHERE signup_id IN ({placeholders(chunk)}) ORDER BY id", chunk
        ):
            offers[r["signup_id"]].append(ExchangeOffer(r["id"], r["fandom"], tuple(json.loads(r["tags"]))))
    settings = exchange.settings
    return [
        Signup(
            s["member_id"],
            tuple(requests[s["id"]]),
            tuple(offers[s["id"]]),
            settings.requests_min,
            settings.offers_min,
        )
        for s in signups
    ]


def _signup(conn: sqlite3.Connection, exchange: Exchange, member_id: int, *, own: bool = True) -> Signup:
    found = _signups(conn, exchange, [member_id])
    if not found:
        raise NotSignedUp(exchange.name, member_id, own)
    return found[0]


def _audit(conn: sqlite3.Connection, exchange: Exchange, actor_id: int, action: str, now: int, **kw: Any) -> None:
    record_audit(
        conn,
        guild_id=exchange.guild_id,
        actor_id=actor_id,
        action=action,
        now=now,
        detail=kw.pop("detail", exchange.name),
        by_moderator=kw.pop("by_moderator", True),
        **kw,
    )


# -- moderators: the exchange itself --------------------------------------------------------------------------


def _create(
    conn: sqlite3.Connection,
    guild_id: int,
    name: str,
    settings: ExchangeSettings,
    actor: int,
    now: int,
    tagset_from: str | None = None,
):
    source = _by_name(conn, guild_id, tagset_from) if tagset_from is not None else None
    # With nominations the exchange starts by collecting them; otherwise with sign-ups open (EXCHANGES.md).
    phase: Phase = "nominations" if settings.nominations_max is not None else "signups"
    try:
        cursor = conn.execute(
            "INSERT INTO exchanges (guild_id, name, name_key, phase, created_by, created_at,"
            f" {', '.join(SETTINGS_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, {placeholders(SETTINGS_COLUMNS)})",
            (guild_id, name, name_key(name), phase, actor, now, *(getattr(settings, c) for c in SETTINGS_COLUMNS)),
        )
    except sqlite3.IntegrityError as error:
        if "UNIQUE" in str(error):
            raise ExchangeNameTaken(name) from None
        raise
    exchange = _exchange(conn.execute("SELECT * FROM exchanges WHERE id = ?", (cursor.lastrowid,)).fetchone())
    if source is not None:
        copied = conn.execute(COPY_APPROVED, (exchange.id, actor, now, source.id)).rowcount
        if copied == 0:
            raise NoApprovedFandoms(source.name)
    _audit(conn, exchange, actor, "exchange created", now)
    return exchange


def _edit(
    conn: sqlite3.Connection,
    guild_id: int,
    name: str,
    changes: dict[str, Any],
    new_name: str | None,
    actor: int,
    now: int,
) -> Exchange:
    exchange = _by_name(conn, guild_id, name)
    fixed = {"requests_min", "requests_max", "offers_min", "offers_max", "match_rule"}
    if exchange.sent and fixed & set(changes):
        _require_phase(exchange, ("signups", "closed"), "change the matching rule or the counts")
    settings = checked_settings(replace(exchange.settings, **changes))
    if new_name is not None:
        clash = conn.execute(
            "SELECT 1 FROM exchanges WHERE guild_id = ? AND name_key = ? AND id != ?",
            (guild_id, name_key(new_name), exchange.id),
        ).fetchone()
        if clash:
            raise ExchangeNameTaken(new_name)
    conn.execute(
        f"UPDATE exchanges SET {', '.join(f'{c} = ?' for c in SETTINGS_COLUMNS)}, name = ?, name_key = ? WHERE id = ?",
        (
            *(getattr(settings, c) for c in SETTINGS_COLUMNS),
            new_name or exchange.name,
            name_key(new_name or exchange.name),
            exchange.id,
        ),
    )
    edited = _by_name(conn, guild_id, new_name or exchange.name)
    _audit(conn, edited, actor, "exchange edited", now, detail=f"{edited.name}: {', '.join(sorted(changes)) or 'name'}")
    return edited


def _move(
    conn: sqlite3.Connection,
    guild_id: int,
    name: str,
    leaving: tuple[Phase, ...],
    to: Phase,
    action: str,
    actor: int,
    now: int,
) -> Exchange:
    exchange = _by_name(conn, guild_id, name)
    _require_phase(exchange, leaving, action)
    conn.execute(
        f"UPDATE exchanges SET phase = ? WHERE id = ? AND phase IN ({placeholders(leaving)})",
        (to, exchange.id, *leaving),
    )
    if to == "signups":  # reopening discards an unsent match
        conn.execute("DELETE FROM exchange_assignments WHERE exchange_id = ?", (exchange.id,))
    moved = replace(exchange, phase=to)
    _audit(conn, moved, actor, f"exchange {action}", now)
    return moved


def _open(conn: sqlite3.Connection, guild_id: int, name: str, actor: int, now: int) -> tuple[Exchange, bool]:
    """Opens sign-ups: the first time after nominations (then at least one fandom must be approved), or again
    after a close. The flag says which: True for the first opening after nominations."""
    exchange = _by_name(conn, guild_id, name)
    if exchange.phase != "nominations":
        return _move(conn, guild_id, name, ("closed",), "signups", "reopened", actor, now), False
    if not _approved(conn, exchange.id):
        raise NoApprovedFandoms(exchange.name)
    conn.execute("UPDATE exchanges SET phase = 'signups' WHERE id = ? AND phase = 'nominations'", (exchange.id,))
    opened = replace(exchange, phase="signups")
    _audit(conn, opened, actor, "exchange opened", now)
    return opened, True


def _delete(conn: sqlite3.Connection, guild_id: int, name: str, actor: int, now: int) -> Exchange:
    exchange = _by_name(conn, guild_id, name)
    conn.execute("DELETE FROM exchanges WHERE id = ?", (exchange.id,))  # sign-ups, assignments, gifts cascade
    _audit(conn, exchange, actor, "exchange deleted", now)
    return exchange


# -- members: sign-ups ----------------------------------------------------------------------------------------


def _add_item(
    conn: sqlite3.Connection, guild_id: int, name: str | None, member_id: int, kind: str, draft: RequestDraft, now: int
) -> tuple[Exchange, Signup]:
    exchange = _by_name(conn, guild_id, name)
    _require_phase(exchange, ("signups",), f"add {'a request' if kind == 'requests' else 'an offer'}")
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
    if kind == "requests":
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
    _require_phase(exchange, ("signups",), "change a sign-up")
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
    _require_phase(exchange, ("signups",), "leave")
    if (
        conn.execute(
            "DELETE FROM exchange_signups WHERE exchange_id = ? AND member_id = ?", (exchange.id, member_id)
        ).rowcount
        == 0
    ):
        raise NotSignedUp(exchange.name, member_id, True)
    return exchange


def _signup_page(
    conn: sqlite3.Connection, guild_id: int, name: str, page: int, per_page: int
) -> tuple[Exchange, list[Signup], int]:
    exchange = _by_name(conn, guild_id, name)
    total = conn.execute("SELECT COUNT(*) FROM exchange_signups WHERE exchange_id = ?", (exchange.id,)).fetchone()[0]
    members = [
        r[0]
        for r in conn.execute(
            "SELECT member_id FROM exchange_signups WHERE exchange_id = ? ORDER BY id LIMIT ? OFFSET ?",
            (exchange.id, per_page, page * per_page),
        )
    ]
    return exchange, _signups(conn, exchange, members) if members else [], total


# -- nominations and the approved fandoms --------------------------------------------------------------------

# A later exchange reuses an earlier one's approved fandoms: (new exchange, actor, now, earlier exchange).
COPY_APPROVED = (
    "INSERT INTO exchange_fandoms (exchange_id, fandom_key, fandom, approved, decided_by, decided_at)"
    " SELECT ?, fandom_key, fandom, 1, ?, ? FROM exchange_fandoms WHERE exchange_id = ? AND approved = 1"
)


def _require_nominations(exchange: Exchange, action: str) -> None:
    """Nominations are taken and decided only in their own phase. The phase table's remedy names the next step
    of the exchange, which does not lead back to nominations: this one says when they happen instead."""
    if exchange.phase != "nominations":
        remedy = "Nominations come before sign-ups open, in an exchange a moderator creates with them"
        raise WrongPhase(exchange.name, exchange.phase, action, remedy)


def _approved(conn: sqlite3.Connection, exchange_id: int) -> dict[str, str]:
    """The exchange's approved fandoms, match key -> name; empty: any fandom may be requested and offered."""
    found = conn.execute(
        "SELECT fandom_key, fandom FROM exchange_fandoms WHERE exchange_id = ? AND approved = 1", (exchange_id,)
    )
    return {r[0]: r[1] for r in found}


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
    _require_nominations(exchange, "nominate a fandom")
    key = fandom_match_key(fandom)
    own = conn.execute(
        "SELECT fandom_key FROM exchange_nominations WHERE exchange_id = ? AND member_id = ?", (exchange.id, member_id)
    ).fetchall()
    if any(r[0] == key for r in own):
        raise AlreadyNominated(fandom)
    limit = exchange.settings.nominations_max or 0
    if len(own) >= limit:
        raise NominationLimitReached(limit)
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
    _require_nominations(exchange, "withdraw a nomination")
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
    return sorted(fandoms, key=lambda f: (folded_key(f.name), f.key))


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
    _require_nominations(exchange, "approve or reject fandoms")
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
    key = folded_key(typed)
    names = sorted(approved.values(), key=folded_key)
    return [n for n in names if not key or folded_key(n).startswith(key) or f" {key}" in f" {folded_key(n)}"]


# -- matching and assignments ---------------------------------------------------------------------------------


# A complete sign-up in SQL, the same rule as Signup.complete: enough requests and enough offers.
COMPLETE_SIGNUPS = (
    "SELECT s.id, s.member_id FROM exchange_signups s WHERE s.exchange_id = ?"
    " AND (SELECT COUNT(*) FROM exchange_requests r WHERE r.signup_id = s.id) >= ?"
    " AND (SELECT COUNT(*) FROM exchange_offers o WHERE o.signup_id = s.id) >= ?"
)


def _complete(conn: sqlite3.Connection, exchange: Exchange) -> dict[int, int]:
    """Complete sign-ups: sign-up id -> member id."""
    settings = exchange.settings
    found = conn.execute(COMPLETE_SIGNUPS, (exchange.id, settings.requests_min, settings.offers_min))
    return {r["id"]: r["member_id"] for r in found}


def _participants(conn: sqlite3.Connection, exchange: Exchange) -> list[Participant]:
    """Complete sign-ups as the matcher sees them, from the stored match keys (no Unicode folding again)."""
    complete = _complete(conn, exchange)
    wishes: dict[int, tuple[list[Wish], list[Wish]]] = {signup: ([], []) for signup in complete}
    for kind, side in (("requests", 0), ("offers", 1)):
        for signup, fandom_key, tags in conn.execute(
            f"SELECT w.signup_id, w.fandom_key, w.tags FROM exchange_{kind} w"
            " JOIN exchange_signups s ON s.id = w.signup_id WHERE s.exchange_id = ? ORDER BY w.id",
            (exchange.id,),
        ):
            if signup in wishes:
                keys = frozenset(validation.tag_key(t) for t in json.loads(tags))
                wishes[signup][side].append(Wish(fandom_key, keys))
    return [Participant(complete[s], tuple(requests), tuple(offers)) for s, (requests, offers) in wishes.items()]


def _matchable(conn: sqlite3.Connection, guild_id: int, name: str) -> tuple[Exchange, list[Participant]]:
    exchange = _by_name(conn, guild_id, name)
    if exchange.phase == "signups":
        raise WrongPhase(
            exchange.name, exchange.phase, "match", "A moderator closes sign-ups first with `/mod exchange close`"
        )
    _require_phase(exchange, ("closed",), "match again")
    return exchange, _participants(conn, exchange)


def _save_match(
    conn: sqlite3.Connection, exchange_id: int, pairs: tuple[tuple[int, int], ...], actor: int, now: int
) -> Exchange:
    row = conn.execute("SELECT * FROM exchanges WHERE id = ?", (exchange_id,)).fetchone()
    if row is None:
        raise ExchangeNotFound(str(exchange_id))
    exchange = _exchange(row)
    _require_phase(exchange, ("closed",), "match")  # reopened or sent while the match was computed
    conn.execute("DELETE FROM exchange_assignments WHERE exchange_id = ?", (exchange_id,))
    conn.executemany(
        "INSERT INTO exchange_assignments (exchange_id, recipient_id, giver_id, created_at) VALUES (?, ?, ?, ?)",
        [(exchange_id, recipient, giver, now) for giver, recipient in pairs],
    )
    _audit(conn, exchange, actor, "exchange matched", now, detail=f"{exchange.name}: {len(pairs)} matched")
    return exchange


def _exchange_assignments(
    conn: sqlite3.Connection, guild_id: int, name: str | None
) -> tuple[Exchange, list[Assignment]]:
    exchange = _by_name(conn, guild_id, name)
    return exchange, _assignments(conn, exchange.id)


def _assign(
    conn: sqlite3.Connection, guild_id: int, name: str, recipient: int, giver: int, actor: int, now: int
) -> tuple[Exchange, int | None, bool]:
    """Sets the recipient's giver; returns the giver it replaced and whether the two now write for each other
    (a mutual pair, which the moderator is told of). After sending, the new row is unsent."""
    exchange = _by_name(conn, guild_id, name)
    _require_phase(exchange, ("closed", "assigned"), "assign givers")
    if recipient == giver:
        raise SelfAssignment()
    if exchange.phase == "closed" and _signup_id(conn, exchange.id, recipient) is None:
        raise NotSignedUp(exchange.name, recipient, False)
    giving = conn.execute(
        "SELECT recipient_id FROM exchange_assignments WHERE exchange_id = ? AND giver_id = ?", (exchange.id, giver)
    ).fetchone()
    if giving is not None and giving[0] != recipient:
        raise AlreadyGiving(giver, False)
    existing = conn.execute(
        "SELECT giver_id FROM exchange_assignments WHERE exchange_id = ? AND recipient_id = ?", (exchange.id, recipient)
    ).fetchone()
    mutual = (
        conn.execute(
            "SELECT 1 FROM exchange_assignments WHERE exchange_id = ? AND giver_id = ? AND recipient_id = ?",
            (exchange.id, recipient, giver),
        ).fetchone()
        is not None
    )
    if existing is not None and existing[0] == giver:
        return exchange, None, mutual  # already so: nothing changes, nothing is sent again
    replaced = existing[0] if existing else None
    conn.execute(
        "INSERT INTO exchange_assignments (exchange_id, recipient_id, giver_id, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (exchange_id, recipient_id) DO UPDATE SET giver_id = excluded.giver_id, send_state = 'unsent',"
        " sending_token = NULL, reminded = 0",  # defaulted_by stays: /exchange status counts defaults by it
        (exchange.id, recipient, giver, now),
    )
    if replaced is not None:  # a gift recorded by the replaced giver is theirs, not the new giver's
        conn.execute(
            "DELETE FROM exchange_gifts WHERE exchange_id = ? AND recipient_id = ? AND giver_id = ?",
            (exchange.id, recipient, replaced),
        )
    _audit(
        conn, exchange, actor, "exchange assigned", now, target_id=giver, detail=f"{exchange.name}: for <@{recipient}>"
    )
    return exchange, replaced, mutual


def _unassign(
    conn: sqlite3.Connection, guild_id: int, name: str, recipient: int, actor: int, now: int
) -> tuple[Exchange, int | None]:
    exchange = _by_name(conn, guild_id, name)
    _require_phase(exchange, ("closed", "assigned"), "unassign")
    row = conn.execute(
        "SELECT giver_id FROM exchange_assignments WHERE exchange_id = ? AND recipient_id = ?", (exchange.id, recipient)
    ).fetchone()
    if row is None:
        raise NoAssignment(exchange.name, recipient, False)
    conn.execute(
        "DELETE FROM exchange_assignments WHERE exchange_id = ? AND recipient_id = ?", (exchange.id, recipient)
    )
    _audit(conn, exchange, actor, "exchange unassigned", now, target_id=recipient)
    return exchange, row[0]


def _start_sending(conn: sqlite3.Connection, guild_id: int, name: str, actor: int, now: int) -> Exchange:
    """Refused while a complete sign-up lacks a giver or a recipient; else the exchange is `assigned`."""
    exchange = _by_name(conn, guild_id, name)
    if exchange.phase == "signups":
        raise WrongPhase(
            exchange.name,
            exchange.phase,
            "send assignments",
            "A moderator closes sign-ups with `/mod exchange close` and matches first",
        )
    _require_phase(exchange, ("closed",), "send assignments")
    complete = set(_complete(conn, exchange).values())
    rows = _assignments(conn, exchange.id)
    givers = {a.giver_id for a in rows}
    recipients = {a.recipient_id for a in rows if a.giver_id is not None}
    without_giver = tuple(sorted(complete - recipients))
    without_recipient = tuple(sorted(complete - givers))
    if without_giver or without_recipient:
        raise MatchIncomplete(without_giver, without_recipient)
    if not rows:
        raise MatchIncomplete((), ())
    conn.execute("UPDATE exchanges SET phase = 'assigned' WHERE id = ? AND phase = 'closed'", (exchange.id,))
    sent = replace(exchange, phase="assigned")
    _audit(conn, sent, actor, "exchange sent", now)
    return sent


# The outbox. Each process has its own token; a row is taken for sending by one conditional UPDATE.
def _unsent(conn: sqlite3.Connection, exchange_id: int, limit: int) -> list[Assignment]:
    return _assignments(
        conn,
        exchange_id,
        f"AND id IN (SELECT id FROM exchange_assignments WHERE exchange_id = ? AND send_state = 'unsent'"
        f" AND giver_id IS NOT NULL ORDER BY id LIMIT {int(limit)})",
        (exchange_id,),
    )


def _mark_sending(conn: sqlite3.Connection, assignment_id: int, token: str) -> bool:
    """Recorded as being sent, by this process, before the message goes; False if another got there first."""
    return (
        conn.execute(
            "UPDATE exchange_assignments SET send_state = 'sending', sending_token = ?"
            " WHERE id = ? AND send_state = 'unsent' AND giver_id IS NOT NULL",
            (token, assignment_id),
        ).rowcount
        == 1
    )


def _finish_sending(conn: sqlite3.Connection, assignment_id: int, token: str, state: str) -> None:
    conn.execute(
        "UPDATE exchange_assignments SET send_state = ?, sending_token = NULL WHERE id = ? AND sending_token = ?",
        (state, assignment_id, token),
    )


def _orphaned_sends(conn: sqlite3.Connection, token: str) -> list[tuple[Exchange, Assignment]]:
    """Rows another process was sending when it stopped: whether their message went is unknown."""
    rows = conn.execute(
        "SELECT id, exchange_id FROM exchange_assignments WHERE send_state = 'sending' AND sending_token != ?", (token,)
    ).fetchall()
    found = []
    for row in rows:
        conn.execute(
            "UPDATE exchange_assignments SET send_state = 'unknown', sending_token = NULL WHERE id = ?", (row[0],)
        )
        exchange = _exchange(conn.execute("SELECT * FROM exchanges WHERE id = ?", (row[1],)).fetchone())
        found += [(exchange, a) for a in _assignments(conn, exchange.id, "AND id = ?", (row[0],))]
    return found


def _with_unsent(conn: sqlite3.Connection) -> list[Exchange]:
    """Exchanges past sending with messages still to go (a restart in the middle, a pinch hit, an assign)."""
    return [
        _exchange(r)
        for r in conn.execute(
            "SELECT * FROM exchanges WHERE phase != 'signups' AND phase != 'closed' AND id IN"
            " (SELECT exchange_id FROM exchange_assignments WHERE send_state = 'unsent' AND giver_id IS NOT NULL)"
        )
    ]


# -- after sending: assignments, gifts, defaults, pinch hits --------------------------------------------------


def _assignment_of(
    conn: sqlite3.Connection, guild_id: int, name: str | None, giver: int
) -> tuple[Exchange, Assignment, Signup | None]:
    exchange = _by_name(conn, guild_id, name)
    if not exchange.sent:
        raise WrongPhase(exchange.name, exchange.phase, "see an assignment", "Assignments have not been sent yet")
    found = _assignments(conn, exchange.id, "AND giver_id = ?", (giver,))
    if not found:
        raise NoAssignment(exchange.name, giver, True)
    recipient = _signups(conn, exchange, [found[0].recipient_id])
    return exchange, found[0], recipient[0] if recipient else None


def _record_gift(
    conn: sqlite3.Connection,
    guild_id: int,
    name: str | None,
    giver: int,
    url: str,
    title: str | None,
    notes: str | None,
    now: int,
) -> tuple[Exchange, Gift, bool]:
    exchange = _by_name(conn, guild_id, name)
    if not exchange.sent:
        raise WrongPhase(exchange.name, exchange.phase, "post a gift", "Assignments have not been sent yet")
    _require_phase(exchange, ("assigned",), "post or replace a gift")
    found = _assignments(conn, exchange.id, "AND giver_id = ?", (giver,))
    if not found:
        raise NoAssignment(exchange.name, giver, True)
    recipient = found[0].recipient_id
    replaced = conn.execute(
        "SELECT 1 FROM exchange_gifts WHERE exchange_id = ? AND recipient_id = ?", (exchange.id, recipient)
    ).fetchone()
    conn.execute(
        "INSERT INTO exchange_gifts (exchange_id, recipient_id, giver_id, url, title, notes, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (exchange_id, recipient_id) DO UPDATE SET"
        " giver_id = excluded.giver_id, url = excluded.url, title = excluded.title, notes = excluded.notes,"
        " updated_at = excluded.updated_at",
        (exchange.id, recipient, giver, url, title, notes, now, now),
    )
    gift = _gift(
        conn.execute(
            "SELECT * FROM exchange_gifts WHERE exchange_id = ? AND recipient_id = ?", (exchange.id, recipient)
        ).fetchone()
    )
    _audit(conn, exchange, giver, "exchange gift", now, by_moderator=False)
    return exchange, gift, bool(replaced)


def _default(
    conn: sqlite3.Connection, guild_id: int, name: str | None, giver: int, actor: int, now: int
) -> tuple[Exchange, Assignment]:
    exchange = _by_name(conn, guild_id, name)
    if not exchange.sent:
        raise WrongPhase(exchange.name, exchange.phase, "default", "Assignments have not been sent yet")
    _require_phase(exchange, ("assigned",), "default")
    found = _assignments(conn, exchange.id, "AND giver_id = ?", (giver,))
    if not found:
        raise NoAssignment(exchange.name, giver, giver == actor)
    conn.execute(
        "UPDATE exchange_assignments SET giver_id = NULL, defaulted_by = ?, send_state = 'unsent', reminded = 0"
        " WHERE id = ? AND giver_id = ?",
        (giver, found[0].id, giver),
    )
    conn.execute(
        "DELETE FROM exchange_gifts WHERE exchange_id = ? AND recipient_id = ?", (exchange.id, found[0].recipient_id)
    )
    _audit(conn, exchange, actor, "exchange default", now, target_id=giver, by_moderator=actor != giver)
    return exchange, found[0]


def _undefault(
    conn: sqlite3.Connection, guild_id: int, name: str, member: int, actor: int, now: int
) -> tuple[Exchange, Assignment]:
    exchange = _by_name(conn, guild_id, name)
    _require_phase(exchange, ("assigned",), "restore an assignment")
    restored = conn.execute(
        "UPDATE exchange_assignments SET giver_id = defaulted_by, defaulted_by = NULL, send_state = 'delivered'"
        " WHERE exchange_id = ? AND defaulted_by = ? AND giver_id IS NULL",
        (exchange.id, member),
    ).rowcount
    if not restored:
        raise NotDefaulted(member)
    _audit(conn, exchange, actor, "exchange undefault", now, target_id=member)
    return exchange, _assignments(conn, exchange.id, "AND giver_id = ?", (member,))[0]


def _pinch_hits(
    conn: sqlite3.Connection, guild_id: int, name: str | None
) -> tuple[Exchange, list[tuple[Assignment, Signup | None]]]:
    exchange = _by_name(conn, guild_id, name)
    if not exchange.sent:
        raise WrongPhase(exchange.name, exchange.phase, "take pinch hits", "Assignments have not been sent yet")
    open_ones = _assignments(conn, exchange.id, "AND giver_id IS NULL")
    signups = (
        {s.member_id: s for s in _signups(conn, exchange, [a.recipient_id for a in open_ones])} if open_ones else {}
    )
    return exchange, [(a, signups.get(a.recipient_id)) for a in open_ones]


def _take_pinch_hit(
    conn: sqlite3.Connection, guild_id: int, assignment_id: int, member: int, now: int
) -> tuple[Exchange, Assignment]:
    row = conn.execute(
        "SELECT a.recipient_id, e.* FROM exchange_assignments a JOIN exchanges e ON e.id = a.exchange_id"
        " WHERE a.id = ? AND e.guild_id = ?",
        (assignment_id, guild_id),
    ).fetchone()
    if row is None:
        raise PinchHitGone()
    exchange = _exchange(row)
    _require_phase(exchange, ("assigned",), "take a pinch hit")
    if row["recipient_id"] == member:
        raise OwnPinchHit()
    if conn.execute(
        "SELECT 1 FROM exchange_assignments WHERE exchange_id = ? AND giver_id = ?", (exchange.id, member)
    ).fetchone():
        raise AlreadyGiving(member, True)
    try:
        taken = conn.execute(
            "UPDATE exchange_assignments SET giver_id = ?, send_state = 'delivered', reminded = 0"
            " WHERE id = ? AND giver_id IS NULL",
            (member, assignment_id),
        ).rowcount
    except sqlite3.IntegrityError:
        raise AlreadyGiving(member, True) from None
    if not taken:
        raise PinchHitGone()
    _audit(conn, exchange, member, "exchange pinch hit", now, by_moderator=False, target_id=row["recipient_id"])
    return exchange, _assignments(conn, exchange.id, "AND id = ?", (assignment_id,))[0]


def _latest_or_running(conn: sqlite3.Connection, guild_id: int, name: str | None) -> Exchange:
    """As `_by_name`; with no name and nothing running, the server's latest finished exchange (a status after
    the reveal shows the finished round rather than "no exchange running")."""
    try:
        return _by_name(conn, guild_id, name)
    except ExchangeChoiceNeeded as error:
        if error.running != 0:
            raise
        row = conn.execute(
            "SELECT * FROM exchanges WHERE guild_id = ? AND phase = ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (guild_id, "complete"),
        ).fetchone()
        if row is None:
            raise
        return _exchange(row)


def _status(conn: sqlite3.Connection, guild_id: int, name: str | None) -> ExchangeStatus:
    """Counted in SQL: a status of a 3,000-sign-up exchange must not load every request."""
    exchange = _latest_or_running(conn, guild_id, name)
    complete = set(_complete(conn, exchange).values())
    signups = conn.execute("SELECT COUNT(*) FROM exchange_signups WHERE exchange_id = ?", (exchange.id,)).fetchone()[0]
    rows = conn.execute(
        "SELECT a.recipient_id, a.giver_id, g.id IS NOT NULL AS gifted FROM exchange_assignments a"
        " LEFT JOIN exchange_gifts g ON g.exchange_id = a.exchange_id AND g.recipient_id = a.recipient_id"
        " WHERE a.exchange_id = ?",
        (exchange.id,),
    ).fetchall()
    givers = {r["giver_id"] for r in rows if r["giver_id"] is not None}
    recipients = {r["recipient_id"] for r in rows}
    # Once sent, a member who defaulted still receives a gift: only a member nobody writes for is unmatched,
    # and a recipient whose giver defaulted needs a pinch hitter (named to moderators only, as the giver is not).
    unmatched = (
        tuple(sorted(m for m in complete if m not in recipients or (not exchange.sent and m not in givers)))
        if rows
        else ()
    )
    return ExchangeStatus(
        exchange=exchange,
        signups=signups,
        complete_signups=len(complete),
        assignments=sum(1 for r in rows if r["giver_id"] is not None),
        gifts=sum(1 for r in rows if r["gifted"]),
        # Assignments given up (defaulted_by is kept when a pinch hitter or a moderator fills them again).
        defaults=conn.execute(
            "SELECT COUNT(*) FROM exchange_assignments WHERE exchange_id = ? AND defaulted_by IS NOT NULL",
            (exchange.id,),
        ).fetchone()[0],
        open_pinch_hits=sum(1 for r in rows if r["giver_id"] is None) if exchange.sent else 0,
        unmatched=unmatched,
        needs_pinch_hit=tuple(sorted(r["recipient_id"] for r in rows if r["giver_id"] is None))
        if exchange.sent
        else (),
        givers_without_gift=tuple(sorted(r["giver_id"] for r in rows if r["giver_id"] is not None and not r["gifted"]))
        if exchange.sent
        else (),
    )


def _reveal(
    conn: sqlite3.Connection, guild_id: int, name: str, what: str, here: int, actor: int, now: int
) -> tuple[Exchange, list[Assignment]]:
    """Moves the exchange on; the reveal channel is the exchange's own, else `here` (where it was asked),
    and creators are revealed where the works were (the returned exchange's reveal_channel_id)."""
    exchange = _by_name(conn, guild_id, name)
    channel_id = exchange.reveal_channel_id or exchange.settings.channel_id or here
    if what == "works":
        _require_phase(exchange, ("assigned",), "reveal the works")
        conn.execute(
            "UPDATE exchanges SET phase = 'works revealed', reveal_channel_id = ? WHERE id = ? AND phase = 'assigned'",
            (channel_id, exchange.id),
        )
        exchange = replace(exchange, phase="works revealed", reveal_channel_id=channel_id)
    else:
        _require_phase(exchange, ("works revealed",), "reveal the creators")
        conn.execute(
            "UPDATE exchanges SET phase = 'complete' WHERE id = ? AND phase = 'works revealed'", (exchange.id,)
        )
        exchange = replace(exchange, phase="complete", reveal_channel_id=channel_id)
    _audit(conn, exchange, actor, f"exchange reveal {what}", now)
    return exchange, _assignments(conn, exchange.id)


def _set_gift_post(conn: sqlite3.Connection, gift_id: int, channel_id: int, message_id: int) -> None:
    conn.execute(
        "UPDATE exchange_gifts SET channel_id = ?, message_id = ? WHERE id = ?", (channel_id, message_id, gift_id)
    )


def _remove(
    conn: sqlite3.Connection, guild_id: int, name: str, member: int, actor: int, now: int
) -> tuple[Exchange, int | None, Assignment | None]:
    """Before sending: the sign-up (and any unsent match rows) go. After: their recipient needs a pinch hit,
    their own assignment goes; returns the giver who was writing for them (to be told) and the assignment
    that now needs a pinch hit (to be announced)."""
    exchange = _by_name(conn, guild_id, name)
    _require_phase(exchange, ("signups", "closed", "assigned"), "remove a participant")
    signed = _signup_id(conn, exchange.id, member) is not None
    rows = _assignments(
        conn, exchange.id, "AND (giver_id = ? OR recipient_id = ? OR defaulted_by = ?)", (member, member, member)
    )
    if not signed and not rows:
        raise NotSignedUp(exchange.name, member, False)
    their_giver = next((a.giver_id for a in rows if a.recipient_id == member), None)
    orphaned = next((a for a in rows if a.giver_id == member and a.recipient_id != member), None)
    conn.execute("DELETE FROM exchange_signups WHERE exchange_id = ? AND member_id = ?", (exchange.id, member))
    conn.execute("DELETE FROM exchange_assignments WHERE exchange_id = ? AND recipient_id = ?", (exchange.id, member))
    conn.execute("DELETE FROM exchange_gifts WHERE exchange_id = ? AND recipient_id = ?", (exchange.id, member))
    if exchange.sent:
        conn.execute(
            "UPDATE exchange_assignments SET giver_id = NULL, defaulted_by = NULL"
            " WHERE exchange_id = ? AND giver_id = ?",
            (exchange.id, member),
        )
        conn.execute("DELETE FROM exchange_gifts WHERE exchange_id = ? AND giver_id = ?", (exchange.id, member))
    else:
        conn.execute("DELETE FROM exchange_assignments WHERE exchange_id = ? AND giver_id = ?", (exchange.id, member))
    _audit(conn, exchange, actor, "exchange removed", now, target_id=member)
    if not exchange.sent:
        return exchange, None, None
    return exchange, their_giver, orphaned


# -- deadlines ------------------------------------------------------------------------------------------------


def _due_reminders(conn: sqlite3.Connection, now: int) -> list[tuple[Exchange, Assignment]]:
    found = []
    for row in conn.execute(
        "SELECT * FROM exchanges WHERE phase = 'assigned' AND due_at IS NOT NULL AND due_at > ? AND due_at <= ?",
        (now, now + REMIND_BEFORE_DAYS * 86_400),
    ).fetchall():
        exchange = _exchange(row)
        found += [
            (exchange, a)
            for a in _assignments(conn, exchange.id, "AND giver_id IS NOT NULL AND reminded = 0")
            if a.gift is None
        ]
    return found


def _mark_reminded(conn: sqlite3.Connection, assignment_id: int) -> None:
    conn.execute("UPDATE exchange_assignments SET reminded = 1 WHERE id = ?", (assignment_id,))


def _overdue(conn: sqlite3.Connection, now: int) -> list[tuple[Exchange, list[int]]]:
    """Exchanges whose due date has passed, not yet reported: marked reported here, once."""
    found = []
    for row in conn.execute(
        "SELECT * FROM exchanges WHERE phase = 'assigned' AND due_at IS NOT NULL AND due_at <= ?"
        " AND overdue_reported = 0",
        (now,),
    ).fetchall():
        exchange = _exchange(row)
        conn.execute("UPDATE exchanges SET overdue_reported = 1 WHERE id = ?", (exchange.id,))
        rows = _assignments(conn, exchange.id, "AND giver_id IS NOT NULL")
        found.append((exchange, sorted(a.giver_id for a in rows if a.giver_id is not None and a.gift is None)))
    return found


# -- autocomplete and export ----------------------------------------------------------------------------------


def _names(conn: sqlite3.Connection, guild_id: int, typed: str) -> list[str]:
    pattern = "%" + name_key(typed).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM exchanges WHERE guild_id = ? AND name_key LIKE ? ESCAPE '\\'"
            " ORDER BY phase = 'complete', created_at DESC LIMIT 25",
            (guild_id, pattern),
        )
    ]


def export_exchanges(conn: sqlite3.Connection, guild_id: int, name: str | None) -> list[dict[str, Any]]:
    """Moderators' copy: every sign-up, assignment and gift, naming everyone."""
    if name is None:
        exchanges = [
            _exchange(r) for r in conn.execute("SELECT * FROM exchanges WHERE guild_id = ? ORDER BY id", (guild_id,))
        ]
    else:
        exchanges = [_by_name(conn, guild_id, name)]
    result = []
    for exchange in exchanges:
        result.append(
            {
                "name": exchange.name,
                "phase": exchange.phase,
                "settings": asdict(exchange.settings),
                "created_by": exchange.created_by,
                "created_at": exchange.created_at,
                "signups": [
                    {
                        "member_id": s.member_id,
                        "complete": s.complete,
                        "requests": [
                            {"fandom": r.fandom, "tags": list(r.tags), "details": r.details, "rating": r.rating}
                            for r in s.requests
                        ],
                        "offers": [{"fandom": o.fandom, "tags": list(o.tags)} for o in s.offers],
                    }
                    for s in _signups(conn, exchange)
                ],
                "assignments": [
                    {
                        "recipient_id": a.recipient_id,
                        "giver_id": a.giver_id,
                        "defaulted_by": a.defaulted_by,
                        "sent": a.send_state,
                        "gift": None
                        if a.gift is None
                        else {
                            "url": a.gift.url,
                            "title": a.gift.title,
                            "notes": a.gift.notes,
                            "giver_id": a.gift.giver_id,
                        },
                    }
                    for a in _assignments(conn, exchange.id)
                ],
            }
        )
    return result


class ExchangeRepo(Repository):
    """Exchange rounds. Every method is one transaction; refusals are raised before anything changes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.token = secrets.token_hex(8)  # this process's mark on the assignment messages it is sending

    async def create(
        self, guild_id: int, name: str, settings: ExchangeSettings, actor: int, tagset_from: str | None = None
    ) -> Exchange:
        return await self._db.write(
            _create, guild_id, name, checked_settings(settings), actor, self._now(), tagset_from
        )

    async def edit(
        self, guild_id: int, name: str, changes: dict[str, Any], new_name: str | None, actor: int
    ) -> Exchange:
        return await self._db.write(_edit, guild_id, name, changes, new_name, actor, self._now())

    async def get(self, guild_id: int, name: str | None) -> Exchange:
        return await self._db.read(_by_name, guild_id, name)

    async def close(self, guild_id: int, name: str, actor: int) -> Exchange:
        return await self._db.write(_move, guild_id, name, ("signups",), "closed", "closed", actor, self._now())

    async def reopen(self, guild_id: int, name: str, actor: int) -> tuple[Exchange, bool]:
        """Opens sign-ups after nominations or after a close; True: the first opening after nominations."""
        return await self._db.write(_open, guild_id, name, actor, self._now())

    async def nominate(
        self, guild_id: int, name: str | None, member: int, fandom: str, withdraw: str | None = None
    ) -> tuple[Exchange, list[str]]:
        return await self._db.write(_nominate, guild_id, name, member, fandom, self._now(), withdraw)

    async def withdraw_nomination(
        self, guild_id: int, name: str | None, member: int, fandom: str
    ) -> tuple[Exchange, list[str]]:
        return await self._db.write(_withdraw, guild_id, name, member, fandom)

    async def nominations_of(self, guild_id: int, name: str | None, member: int) -> tuple[Exchange, list[str]]:
        return await self._db.read(_nominations_of, guild_id, name, member)

    async def nomination_page(
        self, guild_id: int, name: str, page: int, per_page: int
    ) -> tuple[Exchange, Page[NominatedFandom]]:
        return await self._db.read(_nomination_page, guild_id, name, page, per_page)

    async def decide(
        self, guild_id: int, name: str, key: str, approved: bool, actor: int
    ) -> tuple[Exchange, NominatedFandom]:
        return await self._db.write(_decide, guild_id, name, key, approved, actor, self._now())

    async def approved_names(self, guild_id: int, name: str | None, typed: str) -> list[str] | None:
        return await self._db.read(_approved_names, guild_id, name, typed)

    async def delete(self, guild_id: int, name: str, actor: int) -> Exchange:
        return await self._db.write(_delete, guild_id, name, actor, self._now())

    async def add_request(
        self, guild_id: int, name: str | None, member: int, draft: RequestDraft
    ) -> tuple[Exchange, Signup]:
        return await self._db.write(_add_item, guild_id, name, member, "requests", draft, self._now())

    async def add_offer(
        self, guild_id: int, name: str | None, member: int, draft: RequestDraft
    ) -> tuple[Exchange, Signup]:
        return await self._db.write(_add_item, guild_id, name, member, "offers", draft, self._now())

    async def signup(self, guild_id: int, name: str | None, member: int) -> tuple[Exchange, Signup]:
        return await self._db.read(_own_signup, guild_id, name, member)

    async def drop_item(self, guild_id: int, name: str | None, member: int, item: str) -> tuple[Exchange, Signup]:
        return await self._db.write(_drop_item, guild_id, name, member, item)

    async def leave(self, guild_id: int, name: str | None, member: int) -> Exchange:
        return await self._db.write(_leave, guild_id, name, member)

    async def signup_page(
        self, guild_id: int, name: str, page: int, per_page: int
    ) -> tuple[Exchange, list[Signup], int]:
        return await self._db.read(_signup_page, guild_id, name, page, per_page)

    async def signups_of(self, exchange: Exchange, member_ids: list[int]) -> list[Signup]:
        return await self._db.read(_signups, exchange, member_ids)

    async def matchable(self, guild_id: int, name: str) -> tuple[Exchange, list[Participant]]:
        """The exchange, refused unless sign-ups are closed and nothing is sent, and its complete sign-ups."""
        return await self._db.read(_matchable, guild_id, name)

    async def save_match(self, exchange_id: int, pairs: tuple[tuple[int, int], ...], actor: int) -> Exchange:
        return await self._db.write(_save_match, exchange_id, pairs, actor, self._now())

    async def assignments(self, guild_id: int, name: str | None) -> tuple[Exchange, list[Assignment]]:
        return await self._db.read(_exchange_assignments, guild_id, name)

    async def assign(
        self, guild_id: int, name: str, recipient: int, giver: int, actor: int
    ) -> tuple[Exchange, int | None, bool]:
        return await self._db.write(_assign, guild_id, name, recipient, giver, actor, self._now())

    async def unassign(self, guild_id: int, name: str, recipient: int, actor: int) -> tuple[Exchange, int | None]:
        return await self._db.write(_unassign, guild_id, name, recipient, actor, self._now())

    async def start_sending(self, guild_id: int, name: str, actor: int) -> Exchange:
        return await self._db.write(_start_sending, guild_id, name, actor, self._now())

    async def unsent(self, exchange_id: int, limit: int = 50) -> list[Assignment]:
        """Up to `limit` assignment messages not sent yet (each is marked with mark_sending just before it goes)."""
        return await self._db.read(_unsent, exchange_id, limit)

    async def mark_sending(self, assignment_id: int) -> bool:
        return await self._db.write(_mark_sending, assignment_id, self.token)

    async def finish_sending(self, assignment_id: int, state: str) -> None:
        await self._db.write(_finish_sending, assignment_id, self.token, state)

    async def orphaned_sends(self) -> list[tuple[Exchange, Assignment]]:
        return await self._db.write(_orphaned_sends, self.token)

    async def with_unsent(self) -> list[Exchange]:
        return await self._db.read(_with_unsent)

    async def assignment_of(
        self, guild_id: int, name: str | None, giver: int
    ) -> tuple[Exchange, Assignment, Signup | None]:
        return await self._db.read(_assignment_of, guild_id, name, giver)

    async def record_gift(
        self, guild_id: int, name: str | None, giver: int, url: str, title: str | None, notes: str | None
    ) -> tuple[Exchange, Gift, bool]:
        return await self._db.write(_record_gift, guild_id, name, giver, url, title, notes, self._now())

    async def default(self, guild_id: int, name: str | None, giver: int, actor: int) -> tuple[Exchange, Assignment]:
        return await self._db.write(_default, guild_id, name, giver, actor, self._now())

    async def undefault(self, guild_id: int, name: str, member: int, actor: int) -> tuple[Exchange, Assignment]:
        return await self._db.write(_undefault, guild_id, name, member, actor, self._now())

    async def pinch_hits(
        self, guild_id: int, name: str | None
    ) -> tuple[Exchange, list[tuple[Assignment, Signup | None]]]:
        return await self._db.read(_pinch_hits, guild_id, name)

    async def take_pinch_hit(self, guild_id: int, assignment_id: int, member: int) -> tuple[Exchange, Assignment]:
        return await self._db.write(_take_pinch_hit, guild_id, assignment_id, member, self._now())

    async def status(self, guild_id: int, name: str | None) -> ExchangeStatus:
        return await self._db.read(_status, guild_id, name)

    async def reveal(
        self, guild_id: int, name: str, what: str, here: int, actor: int
    ) -> tuple[Exchange, list[Assignment]]:
        return await self._db.write(_reveal, guild_id, name, what, here, actor, self._now())

    async def set_gift_post(self, gift_id: int, channel_id: int, message_id: int) -> None:
        await self._db.write(_set_gift_post, gift_id, channel_id, message_id)

    async def remove(
        self, guild_id: int, name: str, member: int, actor: int
    ) -> tuple[Exchange, int | None, Assignment | None]:
        return await self._db.write(_remove, guild_id, name, member, actor, self._now())

    async def due_reminders(self) -> list[tuple[Exchange, Assignment]]:
        return await self._db.read(_due_reminders, self._now())

    async def mark_reminded(self, assignment_id: int) -> None:
        await self._db.write(_mark_reminded, assignment_id)

    async def overdue(self) -> list[tuple[Exchange, list[int]]]:
        return await self._db.write(_overdue, self._now())

    async def names(self, guild_id: int, typed: str) -> list[str]:
        return await self._db.read(_names, guild_id, typed)

    async def export(self, guild_id: int, name: str | None = None) -> list[dict[str, Any]]:
        return await self._db.read(export_exchanges, guild_id, name)
