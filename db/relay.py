"""Anonymous questions (issue 23, item 5): `/exchange message` relays a message between a giver and their
recipient by direct message without naming the giver. Who is reached is read from the current assignment when
the message is sent, so after a pinch hit the new giver gets the recipient's messages. Every message is stored
before it goes (with how its delivery went) and is in the moderators' export; nothing else shows it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, Literal

from db import validation
from db.avoid import avoid_lists
from db.database import Repository
from db.errors import InvalidField, MessageLimitReached, NoAssignment, NoGiverToMessage
from db.exchange_models import Exchange
from db.exchange_rounds import export_exchanges
from db.exchange_rows import _by_name, _require

Side = Literal["recipient", "giver"]
Delivery = Literal["pending", "delivered", "refused", "unknown"]
MESSAGE_MAX = 1500  # with the heading and the answer's instructions, well within a message's 2,000 characters
MESSAGES_PER_DAY = 10  # per member and exchange: enough for questions and thanks, too few to harass anyone with
DAY = 86_400
# Messages go from the sending of assignments until creators are revealed ("send a message" in PHASE_ALLOWS):
# before, nobody has a giver; after, the giver is known and members can write to each other themselves.


@dataclass(frozen=True)
class RelayedMessage:
    id: int
    exchange_id: int
    recipient_id: int  # the assignment's recipient, whichever way the message went
    sender_id: int
    receiver_id: int
    to: Side
    text: str


def message_text(value: str | None) -> str:
    cleaned = validation.clean(value)
    if cleaned is None:
        raise InvalidField("Your message", "is empty once blank and invisible characters are removed")
    if len(cleaned) > MESSAGE_MAX:
        raise InvalidField("Your message", f"must be up to {MESSAGE_MAX:,} characters long (yours is {len(cleaned):,})")
    return cleaned


def _record(
    conn: sqlite3.Connection, guild_id: int, name: str | None, sender: int, to: Side, text: str, now: int
) -> tuple[Exchange, RelayedMessage]:
    exchange = _by_name(conn, guild_id, name)
    _require(exchange, "send a message")
    if to == "recipient":
        query = "SELECT recipient_id FROM exchange_assignments WHERE exchange_id = ? AND giver_id = ?"
        row = conn.execute(query, (exchange.id, sender)).fetchone()
        if row is None:
            raise NoAssignment(exchange.name, sender, True)
        recipient = receiver = row[0]
    else:
        query = "SELECT giver_id FROM exchange_assignments WHERE exchange_id = ? AND recipient_id = ?"
        row = conn.execute(query, (exchange.id, sender)).fetchone()
        if row is None or row[0] is None:
            raise NoGiverToMessage(exchange.name, waiting=row is not None)
        recipient, receiver = sender, row[0]
    recent = conn.execute(
        "SELECT COUNT(*) FROM exchange_messages WHERE exchange_id = ? AND sender_id = ? AND created_at > ?",
        (exchange.id, sender, now - DAY),
    ).fetchone()[0]
    if recent >= MESSAGES_PER_DAY:
        raise MessageLimitReached(MESSAGES_PER_DAY)
    cursor = conn.execute(
        "INSERT INTO exchange_messages (exchange_id, recipient_id, sender_id, receiver_id, to_side, text, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (exchange.id, recipient, sender, receiver, to, text, now),
    )
    return exchange, RelayedMessage(cursor.lastrowid or 0, exchange.id, recipient, sender, receiver, to, text)


def _mark(conn: sqlite3.Connection, message_id: int, delivery: Delivery) -> None:
    conn.execute("UPDATE exchange_messages SET delivery = ? WHERE id = ?", (delivery, message_id))


def relayed(conn: sqlite3.Connection, exchange_id: int) -> list[dict[str, Any]]:
    """Every message of the exchange, oldest first, naming everyone (the moderators' export)."""
    return [
        {
            "from_id": r["sender_id"],
            "to_id": r["receiver_id"],
            "to": r["to_side"],
            "recipient_id": r["recipient_id"],
            "text": r["text"],
            "delivery": r["delivery"],
            "sent_at": r["created_at"],
        }
        for r in conn.execute("SELECT * FROM exchange_messages WHERE exchange_id = ? ORDER BY id", (exchange_id,))
    ]


def moderators_copy(conn: sqlite3.Connection, guild_id: int, name: str) -> dict[str, Any]:
    """The exchange export (db/exchange_rounds.py) with the do-not-match lists and the relayed messages, in one
    read; db/transfer.py's exchange_file writes it."""
    exchange = _by_name(conn, guild_id, name)
    (data,) = export_exchanges(conn, guild_id, name)
    lists = avoid_lists(conn, exchange.id)
    data["do_not_match"] = [{"member_id": m, "avoided_ids": avoided} for m, avoided in lists.items()]
    data["messages"] = relayed(conn, exchange.id)
    return data


class RelayRepo(Repository):
    """Relayed messages. `record` is one transaction and refuses before anything is stored."""

    async def record(
        self, guild_id: int, name: str | None, sender: int, to: Side, text: str
    ) -> tuple[Exchange, RelayedMessage]:
        return await self._db.write(_record, guild_id, name, sender, to, text, self._now())

    async def mark(self, message_id: int, delivery: Delivery) -> None:
        await self._db.write(_mark, message_id, delivery)

    async def moderators_copy(self, guild_id: int, name: str) -> dict[str, Any]:
        return await self._db.read(moderators_copy, guild_id, name)
