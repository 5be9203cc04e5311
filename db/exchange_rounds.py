"""The round as moderators run it: the exchange's settings and phases, matching and assignments, gifts,
defaults and pinch hits, the status, the reveal, removals, and the moderators' export."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, replace
from typing import Any

from db import validation
from db.errors import (
    AlreadyGiving,
    ExchangeNameTaken,
    ExchangeNotFound,
    InvalidCounts,
    InvalidField,
    MatchIncomplete,
    NoApprovedFandoms,
    NoAssignment,
    NotDefaulted,
    NotSignedUp,
    OwnPinchHit,
    PinchHitGone,
    SelfAssignment,
)
from db.exchange_models import (
    CLOSED,
    COMPLETE,
    COUNT_MAX,
    COUNT_MIN,
    DELIVERED,
    NAME_MAX,
    NOMINATIONS,
    REVEALED_PHASES,
    SIGNUPS,
    UNSENT,
    Assignment,
    Exchange,
    ExchangeAction,
    ExchangeSettings,
    ExchangeStatus,
    Gift,
    Phase,
    Signup,
)
from db.exchange_rows import (
    SETTINGS_COLUMNS,
    _approved,
    _assignments,
    _audit,
    _by_name,
    _complete,
    _exchange,
    _gift,
    _move_on,
    _require,
    _settings_values,
    _signup_id,
    _signups,
    exchange_name_key,
)
from db.exchange_signups import COPY_APPROVED
from db.letters import letters_by_member
from db.match_types import Participant, Wish
from db.rows import placeholders

# The settings that decide the match: fixed once assignments are sent ("change the rules" in PHASE_ALLOWS).
GIFTS_SHOWN = 20  # in a status after the reveal: the count says how many there are in all
RULE_SETTINGS = frozenset({"requests_min", "requests_max", "offers_min", "offers_max", "match_rule"})


def exchange_name(value: str | None) -> str:
    return validation.required_text("Name", value, NAME_MAX)


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


def _check_closing_date(close_at: int | None, now: int) -> None:
    """A closing date is today or later: a past one would close sign-ups at the sweep's next pass."""
    if close_at is not None and close_at < now:
        raise InvalidField("Sign-ups close", "is a day already past: give today or a later date (YYYY-MM-DD)")


def _create(
    conn: sqlite3.Connection,
    guild_id: int,
    name: str,
    settings: ExchangeSettings,
    actor: int,
    now: int,
    tagset_from: str | None = None,
):
    _check_closing_date(settings.signups_close_at, now)
    source = _by_name(conn, guild_id, tagset_from) if tagset_from is not None else None
    # With nominations the exchange starts by collecting them; otherwise with sign-ups open (EXCHANGES.md).
    phase: Phase = NOMINATIONS if settings.nominations_max is not None else SIGNUPS
    try:
        cursor = conn.execute(
            "INSERT INTO exchanges (guild_id, name, name_key, phase, created_by, created_at,"
            f" {', '.join(SETTINGS_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, {placeholders(SETTINGS_COLUMNS)})",
            (
                guild_id,
                name,
                exchange_name_key(name),
                phase,
                actor,
                now,
                *(getattr(settings, c) for c in SETTINGS_COLUMNS),
            ),
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
    if RULE_SETTINGS & set(changes):
        _require(exchange, "change the rules")
    if "signups_close_at" in changes:
        _require(exchange, "set the closing date")
        _check_closing_date(changes["signups_close_at"], now)
    settings = checked_settings(replace(exchange.settings, **changes))
    if new_name is not None:
        clash = conn.execute(
            "SELECT 1 FROM exchanges WHERE guild_id = ? AND name_key = ? AND id != ?",
            (guild_id, exchange_name_key(new_name), exchange.id),
        ).fetchone()
        if clash:
            raise ExchangeNameTaken(new_name)
    conn.execute(
        f"UPDATE exchanges SET {', '.join(f'{c} = ?' for c in SETTINGS_COLUMNS)}, name = ?, name_key = ? WHERE id = ?",
        (
            *_settings_values(settings),
            new_name or exchange.name,
            exchange_name_key(new_name or exchange.name),
            exchange.id,
        ),
    )
    edited = _by_name(conn, guild_id, new_name or exchange.name)
    _audit(conn, edited, actor, "exchange edited", now, detail=f"{edited.name}: {', '.join(sorted(changes)) or 'name'}")
    return edited


def _close(conn: sqlite3.Connection, guild_id: int, name: str, actor: int, now: int) -> Exchange:
    closed = _move_on(conn, _by_name(conn, guild_id, name), "close sign-ups")
    _audit(conn, closed, actor, "exchange closed", now)
    return closed


def _open(conn: sqlite3.Connection, guild_id: int, name: str, actor: int, now: int) -> tuple[Exchange, bool]:
    """Opens sign-ups: the first time after nominations (then at least one fandom must be approved), or again
    after a close, discarding an unsent match. The flag says which: True for the first opening after
    nominations."""
    exchange = _by_name(conn, guild_id, name)
    first = exchange.phase == NOMINATIONS
    if first and not _approved(conn, exchange.id):
        raise NoApprovedFandoms(exchange.name)
    opened = _move_on(conn, exchange, "open sign-ups")
    if opened.settings.signups_close_at is not None and opened.settings.signups_close_at <= now:
        # Opened after its closing date: the date is spent (else the sweep would close them again at once).
        conn.execute("UPDATE exchanges SET signups_close_at = NULL WHERE id = ?", (exchange.id,))
        opened = replace(opened, settings=replace(opened.settings, signups_close_at=None))
    if not first:
        conn.execute("DELETE FROM exchange_assignments WHERE exchange_id = ?", (exchange.id,))
    _audit(conn, opened, actor, "exchange opened" if first else "exchange reopened", now)
    return opened, first


def _delete(conn: sqlite3.Connection, guild_id: int, name: str, actor: int, now: int) -> Exchange:
    exchange = _by_name(conn, guild_id, name)
    conn.execute("DELETE FROM exchanges WHERE id = ?", (exchange.id,))  # sign-ups, assignments, gifts cascade
    _audit(conn, exchange, actor, "exchange deleted", now)
    return exchange


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
    _require(exchange, "match")
    return exchange, _participants(conn, exchange)


def _save_match(
    conn: sqlite3.Connection, exchange_id: int, pairs: tuple[tuple[int, int], ...], actor: int, now: int
) -> Exchange:
    row = conn.execute("SELECT * FROM exchanges WHERE id = ?", (exchange_id,)).fetchone()
    if row is None:
        raise ExchangeNotFound(str(exchange_id))
    exchange = _exchange(row)
    _require(exchange, "match")  # reopened or sent while the match was computed
    conn.execute("DELETE FROM exchange_assignments WHERE exchange_id = ?", (exchange_id,))
    conn.executemany(
        "INSERT INTO exchange_assignments (exchange_id, recipient_id, giver_id, created_at) VALUES (?, ?, ?, ?)",
        [(exchange_id, recipient, giver, now) for giver, recipient in pairs],
    )
    _audit(conn, exchange, actor, "exchange matched", now, detail=f"{exchange.name}: {len(pairs)} matched")
    return exchange


def _assign(
    conn: sqlite3.Connection, guild_id: int, name: str, recipient: int, giver: int, actor: int, now: int
) -> tuple[Exchange, int | None, bool]:
    """Sets the recipient's giver; returns the giver it replaced and whether the two now write for each other
    (a mutual pair, which the moderator is told of). After sending, the new row is unsent."""
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "assign")
    if recipient == giver:
        raise SelfAssignment()
    if exchange.phase == CLOSED and _signup_id(conn, exchange.id, recipient) is None:
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
        " ON CONFLICT (exchange_id, recipient_id) DO UPDATE SET giver_id = excluded.giver_id, send_state = ?,"
        " sending_token = NULL, reminded = 0",  # defaulted_by stays: /exchange status counts defaults by it
        (exchange.id, recipient, giver, now, UNSENT),
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
    _require(exchange, "unassign")
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
    _require(exchange, "send")
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
    sent = _move_on(conn, exchange, "send")
    _audit(conn, sent, actor, "exchange sent", now)
    return sent


def _assignment_of(
    conn: sqlite3.Connection, guild_id: int, name: str | None, giver: int
) -> tuple[Exchange, Assignment, Signup | None]:
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "see an assignment")
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
    _require(exchange, "post a gift")
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
    _require(exchange, "give up")
    found = _assignments(conn, exchange.id, "AND giver_id = ?", (giver,))
    if not found:
        raise NoAssignment(exchange.name, giver, giver == actor)
    conn.execute(
        "UPDATE exchange_assignments SET giver_id = NULL, defaulted_by = ?, send_state = ?, reminded = 0"
        " WHERE id = ? AND giver_id = ?",
        (giver, UNSENT, found[0].id, giver),
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
    _require(exchange, "restore")
    restored = conn.execute(
        "UPDATE exchange_assignments SET giver_id = defaulted_by, defaulted_by = NULL, send_state = ?"
        " WHERE exchange_id = ? AND defaulted_by = ? AND giver_id IS NULL",
        (DELIVERED, exchange.id, member),
    ).rowcount
    if not restored:
        raise NotDefaulted(member)
    _audit(conn, exchange, actor, "exchange undefault", now, target_id=member)
    return exchange, _assignments(conn, exchange.id, "AND giver_id = ?", (member,))[0]


def _pinch_hits(
    conn: sqlite3.Connection, guild_id: int, name: str | None
) -> tuple[Exchange, list[tuple[Assignment, Signup | None]]]:
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "see pinch hits")
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
    _require(exchange, "take a pinch hit")
    if row["recipient_id"] == member:
        raise OwnPinchHit()
    if conn.execute(
        "SELECT 1 FROM exchange_assignments WHERE exchange_id = ? AND giver_id = ?", (exchange.id, member)
    ).fetchone():
        raise AlreadyGiving(member, True)
    try:
        taken = conn.execute(
            "UPDATE exchange_assignments SET giver_id = ?, send_state = ?, reminded = 0"
            " WHERE id = ? AND giver_id IS NULL",
            (member, DELIVERED, assignment_id),
        ).rowcount
    except sqlite3.IntegrityError:
        raise AlreadyGiving(member, True) from None
    if not taken:
        raise PinchHitGone()
    _audit(conn, exchange, member, "exchange pinch hit", now, by_moderator=False, target_id=row["recipient_id"])
    return exchange, _assignments(conn, exchange.id, "AND id = ?", (assignment_id,))[0]


def _status(conn: sqlite3.Connection, guild_id: int, name: str | None) -> ExchangeStatus:
    """Counted in SQL: a status of a 3,000-sign-up exchange must not load every request."""
    exchange = _by_name(conn, guild_id, name)
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
        revealed_gifts=tuple(
            _gift(r)
            for r in conn.execute(
                "SELECT * FROM exchange_gifts WHERE exchange_id = ? ORDER BY id LIMIT ?", (exchange.id, GIFTS_SHOWN)
            )
        )
        if exchange.phase in REVEALED_PHASES
        else (),
    )


def _reveal(
    conn: sqlite3.Connection, guild_id: int, name: str, what: str, here: int, actor: int, now: int
) -> tuple[Exchange, list[Assignment]]:
    """Moves the exchange on; the reveal channel is the exchange's own, else `here` (where it was asked),
    and creators are revealed where the works were (the returned exchange's reveal_channel_id)."""
    exchange = _by_name(conn, guild_id, name)
    channel_id = exchange.reveal_channel_id or exchange.settings.channel_id or here
    action: ExchangeAction = "reveal works" if what == "works" else "reveal creators"
    exchange = _move_on(conn, exchange, action, reveal_channel_id=channel_id)
    _audit(conn, exchange, actor, f"exchange reveal {what}", now)
    return exchange, _assignments(conn, exchange.id)


def _set_gift_post(conn: sqlite3.Connection, gift_id: int, channel_id: int, message_id: int) -> None:
    conn.execute(
        "UPDATE exchange_gifts SET channel_id = ?, message_id = ? WHERE id = ?", (channel_id, message_id, gift_id)
    )


def _requests_of(conn: sqlite3.Connection, exchange_id: int, recipient: int) -> Signup | None:
    """The recipient's sign-up, for a pinch-hit post to say what the gift is (no phase rule: a post follows an
    action that was already allowed)."""
    row = conn.execute("SELECT * FROM exchanges WHERE id = ?", (exchange_id,)).fetchone()
    found = _signups(conn, _exchange(row), [recipient]) if row is not None else []
    return found[0] if found else None


def _set_pinch_post(
    conn: sqlite3.Connection, exchange_id: int, recipient: int, channel_id: int, message_id: int
) -> None:
    conn.execute(
        "INSERT INTO exchange_pinch_posts (exchange_id, recipient_id, channel_id, message_id) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (exchange_id, recipient_id) DO UPDATE SET channel_id = excluded.channel_id,"
        " message_id = excluded.message_id",
        (exchange_id, recipient, channel_id, message_id),
    )


def _close_pinch_post(conn: sqlite3.Connection, exchange_id: int, recipient: int) -> tuple[int, int] | None:
    """The recipient's pinch-hit post (channel, message), forgotten at once: only one caller edits it."""
    row = conn.execute(
        "DELETE FROM exchange_pinch_posts WHERE exchange_id = ? AND recipient_id = ? RETURNING channel_id, message_id",
        (exchange_id, recipient),
    ).fetchone()
    return (row[0], row[1]) if row is not None else None


def _remove(
    conn: sqlite3.Connection, guild_id: int, name: str, member: int, actor: int, now: int
) -> tuple[Exchange, int | None, Assignment | None]:
    """Before sending: the sign-up (and any unsent match rows) go. After: their recipient needs a pinch hit,
    their own assignment goes; returns the giver who was writing for them (to be told) and the assignment
    that now needs a pinch hit (to be announced)."""
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "remove")
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


def _names(conn: sqlite3.Connection, guild_id: int, typed: str) -> list[str]:
    pattern = "%" + exchange_name_key(typed).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM exchanges WHERE guild_id = ? AND name_key LIKE ? ESCAPE '\\'"
            " ORDER BY phase = ?, created_at DESC LIMIT 25",
            (guild_id, pattern, COMPLETE),
        )
    ]


def export_exchanges(conn: sqlite3.Connection, guild_id: int, name: str | None) -> list[dict[str, Any]]:
    """Moderators' copy: every sign-up (with its letter, or None), assignment and gift, naming everyone."""
    if name is None:
        exchanges = [
            _exchange(r) for r in conn.execute("SELECT * FROM exchanges WHERE guild_id = ? ORDER BY id", (guild_id,))
        ]
    else:
        exchanges = [_by_name(conn, guild_id, name)]
    result = []
    for exchange in exchanges:
        letters = letters_by_member(conn, exchange.id)
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
                        "letter": letters[s.member_id].as_export() if s.member_id in letters else None,
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
