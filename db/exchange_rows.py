"""The exchange as stored: its rows read into records, the phase table applied (`_require`), phase moves, and
the audit line. What every part of db/exchanges.py reads with; SQL only, no sentences."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from typing import Any

from db.errors import (
    ExchangeChoiceNeeded,
    ExchangeNotFound,
    NotSignedUp,
    WrongPhase,
)
from db.exchange_models import (
    PHASE_AFTER,
    PHASE_ALLOWS,
    RUNNING_PHASES,
    Assignment,
    Exchange,
    ExchangeAction,
    ExchangeOffer,
    ExchangeRequest,
    ExchangeSettings,
    Gift,
    Signup,
)
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
    "signups_close_at",
)


def exchange_name_key(name: str) -> str:
    """An exchange's name as its server's names are unique: ignoring case and runs of spaces (EXCHANGES.md)."""
    return " ".join(name.casefold().split())


def _settings_values(settings: ExchangeSettings) -> tuple[Any, ...]:
    """The settings in SETTINGS_COLUMNS' order, for an INSERT or UPDATE of those columns."""
    return tuple(getattr(settings, c) for c in SETTINGS_COLUMNS)


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
    """The named exchange. With no name, the server's one running exchange; with none running, its latest
    finished one (its status shows the finished round, and a late sign-up is told it is finished); with
    several running, the member must say which."""
    if name is None:
        running = conn.execute(
            f"SELECT * FROM exchanges WHERE guild_id = ? AND phase IN ({placeholders(RUNNING_PHASES)}) LIMIT 2",
            (guild_id, *RUNNING_PHASES),
        ).fetchall()
        if len(running) == 1:
            return _exchange(running[0])
        if running:
            count = conn.execute(
                f"SELECT COUNT(*) FROM exchanges WHERE guild_id = ? AND phase IN ({placeholders(RUNNING_PHASES)})",
                (guild_id, *RUNNING_PHASES),
            ).fetchone()[0]
            raise ExchangeChoiceNeeded(count)
        latest = conn.execute(
            "SELECT * FROM exchanges WHERE guild_id = ? ORDER BY created_at DESC, id DESC LIMIT 1", (guild_id,)
        ).fetchone()
        if latest is None:
            raise ExchangeChoiceNeeded(0)
        return _exchange(latest)
    row = conn.execute(
        "SELECT * FROM exchanges WHERE guild_id = ? AND name_key = ?", (guild_id, exchange_name_key(name))
    ).fetchone()
    if row is None:
        raise ExchangeNotFound(name)
    return _exchange(row)


def _require(exchange: Exchange, action: ExchangeAction) -> None:
    """Refused unless the exchange's phase allows the action (PHASE_ALLOWS, on the model)."""
    if not exchange.allows(action):
        raise WrongPhase(exchange.name, exchange.phase, action)


def _move_on(conn: sqlite3.Connection, exchange: Exchange, action: ExchangeAction, **columns: Any) -> Exchange:
    """Moves the exchange to the phase the action leads to, by an UPDATE that names the phases it may leave:
    a concurrent change of phase makes it change nothing. `columns` are set with it."""
    _require(exchange, action)
    leaving, to = PHASE_ALLOWS[action], PHASE_AFTER[action]
    sets = "".join(f", {column} = ?" for column in columns)
    conn.execute(
        f"UPDATE exchanges SET phase = ?{sets} WHERE id = ? AND phase IN ({placeholders(leaving)})",
        (to, *columns.values(), exchange.id, *leaving),
    )
    return replace(exchange, phase=to, **columns)


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


def _approved(conn: sqlite3.Connection, exchange_id: int) -> dict[str, str]:
    """The exchange's approved fandoms, match key -> name; empty: any fandom may be requested and offered."""
    found = conn.execute(
        "SELECT fandom_key, fandom FROM exchange_fandoms WHERE exchange_id = ? AND approved = 1", (exchange_id,)
    )
    return {r[0]: r[1] for r in found}


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
