"""The outbox and the background sweep: assignment messages sent once each (recorded as being sent before
they go), sends a restart left half done resumed, reminders before the due date and the overdue report."""

from __future__ import annotations

import asyncio

from cogs.exchanges.base import ExchangeCog
from cogs.ui import exchange_embeds as render
from cogs.ui import letters as letters_ui
from db.exchange_models import Exchange
from interactions.sending import Delivery, dm_delivery, log_line, mention_list

SEND_BATCH = 50


class Outbox(ExchangeCog):
    async def deliver(self, exchange: Exchange) -> tuple[int, list[int], list[int]]:
        """Sends every unsent assignment of the exchange, each recorded as being sent before it goes."""
        delivered, refused, unknown = 0, [], []
        if exchange.id in self._sending:
            return delivered, refused, unknown
        self._sending.add(exchange.id)
        try:
            while batch := await self.store.unsent(exchange.id, SEND_BATCH):
                recipients = {
                    s.member_id: s for s in (await self.store.signups_of(exchange, [a.recipient_id for a in batch]))
                }
                letters = await self.bot.store.letters.of_members(exchange.id, [a.recipient_id for a in batch])
                for assignment in batch:
                    giver = assignment.giver_id
                    # Recorded as being sent before it goes: a crash now leaves this one message unknown.
                    if giver is None or not await self.store.mark_sending(assignment.id):
                        continue
                    message = render.assignment_message(
                        self.bot, exchange, assignment, recipients.get(assignment.recipient_id), self._where(exchange)
                    )
                    # The recipient's letter goes with it (cogs/ui/letters.py), in further messages if it must.
                    letter = letters.get(assignment.recipient_id)
                    outcome = await letters_ui.dm_assignment(
                        self.bot, giver, message, exchange, letter, self._where(exchange)
                    )
                    if outcome is Delivery.SENT:
                        await self.store.finish_sending(assignment.id, "delivered")
                        delivered += 1
                    elif outcome is Delivery.REFUSED:
                        await self.store.finish_sending(assignment.id, "refused")
                        refused.append(giver)
                    else:  # it may have arrived: never repeated, reported instead
                        await self.store.finish_sending(assignment.id, "unknown")
                        unknown.append(giver)
        finally:
            self._sending.discard(exchange.id)
        return delivered, refused, unknown

    async def resumed_sending(self) -> None:
        """Wait until the sends a sweep resumed are done (tests, benchmarks, a clean stop)."""
        while self._resuming:
            await asyncio.gather(*self._resuming, return_exceptions=True)

    async def sweep(self) -> None:
        """Sends what a restart left unsent, reports what it left unknown, closes sign-ups that reached their
        closing date, reminds, and reports overdue gifts."""
        for exchange, assignment in await self.store.orphaned_sends():
            await log_line(
                self.bot,
                exchange.guild_id,
                f"⚠️ {exchange.name}: the bot stopped while sending <@{assignment.giver_id}> their assignment; it is"
                f" not sent again. Ask them to run {self.bot.mention('exchange assignment')}.",
            )
        for exchange in await self.store.with_unsent():
            if exchange.id in self._sending:
                continue
            # In the background: thousands of messages at Discord's pace take minutes, and the sweep's other
            # work (claims, reminders) must not wait for them.
            task = asyncio.create_task(self.deliver(exchange))
            self._resuming.add(task)
            task.add_done_callback(self._resuming.discard)
        for exchange in await self.store.close_due_signups():
            posted = await self._announce(exchange, render.signups_closed_post(exchange), None)
            await log_line(
                self.bot,
                exchange.guild_id,
                f"🎁 Sign-ups for {exchange.name} closed on their closing date.{posted}"
                f" Next: {self.bot.mention('mod exchange match')}.",
            )
        for exchange, assignment in await self.store.due_reminders():
            if assignment.giver_id is None:
                continue
            outcome = await dm_delivery(
                self.bot, assignment.giver_id, content=render.gift_reminder(self.bot, exchange, assignment.recipient_id)
            )
            if outcome is not Delivery.FAILED:
                await self.store.mark_reminded(assignment.id)
        for exchange, late in await self.store.overdue():
            text = (
                f"⏰ {exchange.name} is due. Givers without a gift: {mention_list(late)}."
                if late
                else f"⏰ {exchange.name} is due, and every giver has posted a gift."
                f" Reveal the works with {self.bot.mention('mod exchange reveal')}."
            )
            await log_line(self.bot, exchange.guild_id, render.content_within(text))
