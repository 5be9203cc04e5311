"""The outbox and the deadlines, as the sweep reads them: each assignment message is taken for sending by one
conditional UPDATE under this process's token, so it goes at most once; reminders and the overdue report are
marked as they are read, so each happens once."""

from __future__ import annotations

import sqlite3

from db.exchange_models import (
    ASSIGNED,
    REMIND_BEFORE_DAYS,
    SENDING,
    SENT_PHASES,
    SIGNUPS,
    UNKNOWN,
    UNSENT,
    Assignment,
    Exchange,
    SendState,
)
from db.exchange_rows import _assignments, _audit, _exchange, _move_on
from db.rows import placeholders


# The outbox. Each process has its own token; a row is taken for sending by one conditional UPDATE.
def _unsent(conn: sqlite3.Connection, exchange_id: int, limit: int) -> list[Assignment]:
    return _assignments(
        conn,
        exchange_id,
        "AND id IN (SELECT id FROM exchange_assignments WHERE exchange_id = ? AND send_state = ?"
        " AND giver_id IS NOT NULL ORDER BY id LIMIT ?)",
        (exchange_id, UNSENT, limit),
    )


def _mark_sending(conn: sqlite3.Connection, assignment_id: int, token: str) -> bool:
    """Recorded as being sent, by this process, before the message goes; False if another got there first."""
    return (
        conn.execute(
            "UPDATE exchange_assignments SET send_state = ?, sending_token = ?"
            " WHERE id = ? AND send_state = ? AND giver_id IS NOT NULL",
            (SENDING, token, assignment_id, UNSENT),
        ).rowcount
        == 1
    )


def _finish_sending(conn: sqlite3.Connection, assignment_id: int, token: str, state: SendState) -> None:
    conn.execute(
        "UPDATE exchange_assignments SET send_state = ?, sending_token = NULL WHERE id = ? AND sending_token = ?",
        (state, assignment_id, token),
    )


def _orphaned_sends(conn: sqlite3.Connection, token: str) -> list[tuple[Exchange, Assignment]]:
    """Rows another process was sending when it stopped: whether their message went is unknown."""
    rows = conn.execute(
        "SELECT id, exchange_id FROM exchange_assignments WHERE send_state = ? AND sending_token != ?", (SENDING, token)
    ).fetchall()
    found = []
    for row in rows:
        conn.execute(
            "UPDATE exchange_assignments SET send_state = ?, sending_token = NULL WHERE id = ?", (UNKNOWN, row[0])
        )
        exchange = _exchange(conn.execute("SELECT * FROM exchanges WHERE id = ?", (row[1],)).fetchone())
        found += [(exchange, a) for a in _assignments(conn, exchange.id, "AND id = ?", (row[0],))]
    return found


def _with_unsent(conn: sqlite3.Connection) -> list[Exchange]:
    """Exchanges past sending with messages still to go (a restart in the middle, a pinch hit, an assign)."""
    return [
        _exchange(r)
        for r in conn.execute(
            f"SELECT * FROM exchanges WHERE phase IN ({placeholders(SENT_PHASES)}) AND id IN"
            " (SELECT exchange_id FROM exchange_assignments WHERE send_state = ? AND giver_id IS NOT NULL)",
            (*SENT_PHASES, UNSENT),
        )
    ]


def _due_reminders(conn: sqlite3.Connection, now: int) -> list[tuple[Exchange, Assignment]]:
    found = []
    for row in conn.execute(
        "SELECT * FROM exchanges WHERE phase = ? AND due_at IS NOT NULL AND due_at > ? AND due_at <= ?",
        (ASSIGNED, now, now + REMIND_BEFORE_DAYS * 86_400),
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


def _close_due_signups(conn: sqlite3.Connection, now: int) -> list[Exchange]:
    """Exchanges whose sign-ups reached their closing date: closed here, as /mod exchange close closes them
    (the same phase move), each once."""
    closed = []
    for row in conn.execute(
        "SELECT * FROM exchanges WHERE phase = ? AND signups_close_at IS NOT NULL AND signups_close_at <= ?",
        (SIGNUPS, now),
    ).fetchall():
        exchange = _move_on(conn, _exchange(row), "close sign-ups")
        # Recorded as the act of the moderator who created the exchange, by the date they gave.
        _audit(conn, exchange, exchange.created_by, "exchange closed on its date", now)
        closed.append(exchange)
    return closed


def _overdue(conn: sqlite3.Connection, now: int) -> list[tuple[Exchange, list[int]]]:
    """Exchanges whose due date has passed, not yet reported: marked reported here, once."""
    found = []
    for row in conn.execute(
        "SELECT * FROM exchanges WHERE phase = ? AND due_at IS NOT NULL AND due_at <= ? AND overdue_reported = 0",
        (ASSIGNED, now),
    ).fetchall():
        exchange = _exchange(row)
        conn.execute("UPDATE exchanges SET overdue_reported = 1 WHERE id = ?", (exchange.id,))
        rows = _assignments(conn, exchange.id, "AND giver_id IS NOT NULL")
        found.append((exchange, sorted(a.giver_id for a in rows if a.giver_id is not None and a.gift is None)))
    return found
