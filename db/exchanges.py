"""Exchange rounds: what is true of an exchange, its sign-ups, assignments and gifts (EXCHANGES.md).

Every rule that must hold under concurrency is a condition in SQL: a phase change is an UPDATE that
names the phases it may leave, a pinch hit is taken by an UPDATE that only succeeds while it is open, and a
unique index keeps each participant to one gift. Assignment messages go through an outbox in
exchange_assignments.send_state (see the migration).

Which phase allows what is one table on the model (db/exchange_models.py, PHASE_ALLOWS). The work is done in
transactions of the modules beside this one, by what it is about:
- exchange_rows.py: rows read into records, the phase table applied, phase moves, the audit line;
- exchange_signups.py: requests, offers and sign-ups; nominations and approved fandoms;
- exchange_rounds.py: the moderators' round: settings, phases, matching, assignments, gifts, pinch hits,
  status, reveal, removals, export;
- exchange_outbox.py: assignment messages sent once each, reminders, the overdue report.
Letters (db/letters.py, LetterRepo) and the sign-up summary (db/exchange_summary.py, SummaryRepo) have
repositories of their own; a sign-up's letter travels in export_exchanges.
`ExchangeRepo` below is the one door the cogs use: each method one transaction.
"""

from __future__ import annotations

import secrets
from typing import Any

from db.database import Repository
from db.exchange_models import (
    Assignment,
    Exchange,
    ExchangeSettings,
    ExchangeStatus,
    Gift,
    NominatedFandom,
    SendState,
    Signup,
)
from db.exchange_outbox import (
    _close_due_signups,
    _due_reminders,
    _finish_sending,
    _mark_reminded,
    _mark_sending,
    _orphaned_sends,
    _overdue,
    _unsent,
    _with_unsent,
)
from db.exchange_rounds import (
    _assign,
    _assignment_of,
    _close,
    _close_pinch_post,
    _create,
    _default,
    _delete,
    _edit,
    _matchable,
    _names,
    _open,
    _participants,
    _pinch_hits,
    _record_gift,
    _remove,
    _requests_of,
    _reveal,
    _save_match,
    _set_gift_post,
    _set_pinch_post,
    _start_sending,
    _status,
    _take_pinch_hit,
    _unassign,
    _undefault,
    checked_settings,
    exchange_name,
    export_exchanges,
)
from db.exchange_rows import _by_name, _signups
from db.exchange_signups import (
    OfferDraft,
    RequestDraft,
    _add_item,
    _approved_names,
    _decide,
    _drop_item,
    _leave,
    _nominate,
    _nomination_page,
    _nominations_of,
    _own_signup,
    _signup_sheet,
    _withdraw,
    closest_approved,
    offer_draft,
    request_draft,
)
from db.match_types import Participant
from db.models import Page

# Re-exported: the cogs, db/fandoms.py, db/transfer.py and the benchmark import them from here.
__all__ = [
    "ExchangeRepo",
    "OfferDraft",
    "RequestDraft",
    "_add_item",
    "_by_name",
    "_participants",
    "checked_settings",
    "closest_approved",
    "exchange_name",
    "export_exchanges",
    "offer_draft",
    "request_draft",
]


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
        return await self._db.write(_close, guild_id, name, actor, self._now())

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
        return await self._db.write(_add_item, guild_id, name, member, draft, self._now())

    async def add_offer(
        self, guild_id: int, name: str | None, member: int, draft: OfferDraft
    ) -> tuple[Exchange, Signup]:
        return await self._db.write(_add_item, guild_id, name, member, draft, self._now())

    async def signup(self, guild_id: int, name: str | None, member: int) -> tuple[Exchange, Signup]:
        return await self._db.read(_own_signup, guild_id, name, member)

    async def drop_item(self, guild_id: int, name: str | None, member: int, item: str) -> tuple[Exchange, Signup]:
        return await self._db.write(_drop_item, guild_id, name, member, item)

    async def leave(self, guild_id: int, name: str | None, member: int) -> Exchange:
        return await self._db.write(_leave, guild_id, name, member)

    async def signup_sheet(self, guild_id: int, name: str, number: int) -> tuple[Exchange, Page[Signup]]:
        return await self._db.read(_signup_sheet, guild_id, name, number)

    async def signups_of(self, exchange: Exchange, member_ids: list[int]) -> list[Signup]:
        return await self._db.read(_signups, exchange, member_ids)

    async def matchable(self, guild_id: int, name: str) -> tuple[Exchange, list[Participant]]:
        """The exchange, refused unless sign-ups are closed and nothing is sent, and its complete sign-ups."""
        return await self._db.read(_matchable, guild_id, name)

    async def save_match(self, exchange_id: int, pairs: tuple[tuple[int, int], ...], actor: int) -> Exchange:
        return await self._db.write(_save_match, exchange_id, pairs, actor, self._now())

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

    async def finish_sending(self, assignment_id: int, state: SendState) -> None:
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

    async def requests_of(self, exchange_id: int, recipient: int) -> Signup | None:
        return await self._db.read(_requests_of, exchange_id, recipient)

    async def set_pinch_post(self, exchange_id: int, recipient: int, channel_id: int, message_id: int) -> None:
        await self._db.write(_set_pinch_post, exchange_id, recipient, channel_id, message_id)

    async def close_pinch_post(self, exchange_id: int, recipient: int) -> tuple[int, int] | None:
        return await self._db.write(_close_pinch_post, exchange_id, recipient)

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

    async def close_due_signups(self) -> list[Exchange]:
        return await self._db.write(_close_due_signups, self._now())

    async def overdue(self) -> list[tuple[Exchange, list[int]]]:
        return await self._db.write(_overdue, self._now())

    async def names(self, guild_id: int, typed: str) -> list[str]:
        return await self._db.read(_names, guild_id, typed)

    async def export(self, guild_id: int, name: str | None = None) -> list[dict[str, Any]]:
        return await self._db.read(export_exchanges, guild_id, name)
