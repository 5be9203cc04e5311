"""/exchange's commands once assignments are out: the assignment, the gift, giving up (a default), pinch
hits with their persistent Take button, and anonymous messages between giver and recipient. A new member
command about writing a gift goes here."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands

from ao3.links import recognise
from cogs.exchanges.base import ExchangeCog, ExchangeOption, exchange
from cogs.ui import exchange_embeds as render
from cogs.ui import letters as letters_ui
from cogs.ui import relay as questions
from db import validation
from db.errors import PinchHitGone
from db.exchange_models import Assignment, Exchange
from interactions.checks import Interaction, guild_id_of, require_moderator
from interactions.refusals import report
from interactions.sending import TRANSIENT_ERRORS, answer_privately, edit_post, log_line

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)
PINCH_HITS_SHOWN = 5


class TakePinchHit(discord.ui.DynamicItem[discord.ui.Button], template=r"promptfill:pinch:(?P<assignment>\d+)"):
    """Take button on an open pinch hit. Persistent: the assignment lives in the custom_id; the first wins."""

    def __init__(self, assignment_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Take", style=discord.ButtonStyle.success, custom_id=f"promptfill:pinch:{assignment_id}"
            )
        )
        self.assignment_id = assignment_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> TakePinchHit:
        return cls(int(match["assignment"]))

    async def callback(self, interaction: Interaction) -> Any:  # type: ignore[override]
        try:
            exchanges = interaction.client.store.exchanges
            guild_id = guild_id_of(interaction)
            exchange, assignment = await exchanges.take_pinch_hit(guild_id, self.assignment_id, interaction.user.id)
            _, _, recipient = await exchanges.assignment_of(guild_id, exchange.name, interaction.user.id)
            # With the recipient's letter: only whoever takes the pinch hit reads it (the post never shows it).
            await letters_ui.answer_assignment(
                interaction,
                "Thank you for pinch-hitting! This assignment is yours now.",
                render.assignment_embed(interaction.client, exchange, assignment, recipient),
                exchange,
                assignment.recipient_id,
            )
            # A log-channel line never names a giver before the creators are revealed (EXCHANGES.md, Secrecy: the
            # log channel may be read by more than moderators); /mod log, private to moderators, says who took it.
            await log_line(
                interaction.client,
                guild_id,
                f"🎁 The pinch hit for <@{assignment.recipient_id}> in {exchange.name} was taken.",
            )
            # The post is edited wherever Take was pressed (the post itself or /exchange pinchhits).
            if not await close_pinch_post(interaction.client, exchange, assignment.recipient_id, taken=True):
                await self._close_unrecorded_post(interaction, taken=True)
        except PinchHitGone as error:
            await report(interaction, error)
            await self._close_unrecorded_post(interaction, taken=False)  # a post the bot did not record catches up
        except Exception as error:
            await report(interaction, error)

    @staticmethod
    async def _close_unrecorded_post(interaction: Interaction, *, taken: bool) -> None:
        """A Take pressed on a pinch-hit post the bot holds no record of (posted before it kept them, or its edit
        failed once): the post, read back, says so and loses its button."""
        message = interaction.message
        bot_user = interaction.client.user
        if message is None or message.flags.ephemeral or bot_user is None or message.author.id != bot_user.id:
            return
        parts = render.pinch_hit_post_parts(message.content)
        if parts is None:
            return
        try:
            closed = render.pinch_hit_taken_post if taken else render.pinch_hit_closed_post
            await message.edit(content=closed(*parts), view=None)
        except (discord.HTTPException, *TRANSIENT_ERRORS) as error:
            log.warning("could not close the pinch-hit post %s: %r", message.id, error)


async def close_pinch_post(bot: Promptfill, exchange: Exchange, recipient_id: int, *, taken: bool) -> bool:
    """Edits the recipient's pinch-hit post, if one was recorded, to say it is taken (or no longer open), without
    its Take button: a post always shows the current state. False when no post was recorded."""
    where = await bot.store.exchanges.close_pinch_post(exchange.id, recipient_id)
    if where is None:
        return False
    text = (render.pinch_hit_taken_post if taken else render.pinch_hit_closed_post)(exchange.name, recipient_id)
    await edit_post(bot, *where, content=text, view=None)
    return True


class GiftCommands(ExchangeCog):
    async def _announce_pinch_hit(self, exchange: Exchange, assignment: Assignment, here: int | None) -> str:
        """The post asks for a pinch hitter with a Take button, saying what the gift is; it is recorded so that
        taking the pinch hit anywhere (or its going away) edits it (close_pinch_post)."""
        view = discord.ui.View(timeout=None)
        view.add_item(TakePinchHit(assignment.id))
        recipient = await self.store.requests_of(exchange.id, assignment.recipient_id)
        text = render.pinch_hit_wanted_post(self.bot, exchange, assignment.recipient_id, recipient)
        message, said = await self._announced(exchange, text, here, view=view)
        if message is not None:
            await self.store.set_pinch_post(exchange.id, assignment.recipient_id, message.channel.id, message.id)
        return said

    @exchange.command(name="assignment", description="Whom you are writing for, and their requests")
    @app_commands.describe(exchange="Which exchange (optional when the server runs one)")
    async def assignment(self, interaction: Interaction, exchange: ExchangeOption | None = None) -> None:
        found, assignment, recipient = await self.store.assignment_of(
            guild_id_of(interaction), exchange, interaction.user.id
        )
        embed = render.assignment_embed(self.bot, found, assignment, recipient)
        await letters_ui.answer_assignment(interaction, "", embed, found, assignment.recipient_id)  # with the letter

    @exchange.command(name="gift", description="Record the work you wrote for your assignment")
    @app_commands.describe(
        url="Link to the work (http or https), e.g. on Archive of Our Own",
        title="The work's title",
        notes="A note for your recipient",
        exchange="Which exchange (optional when the server runs one)",
    )
    async def gift(
        self,
        interaction: Interaction,
        url: app_commands.Range[str, 1, 2048],
        title: app_commands.Range[str, 1, 200] | None = None,
        notes: app_commands.Range[str, 1, 1000] | None = None,
        exchange: ExchangeOption | None = None,
    ) -> None:
        checked_url = validation.fill_url(url)
        found, gift, replaced = await self.store.record_gift(
            guild_id_of(interaction),
            exchange,
            interaction.user.id,
            checked_url,
            validation.title(title),
            validation.notes(notes),
        )
        words = "replaced" if replaced else "recorded"
        # As for anonymous fills: the bot keeps the secret, AO3 keeps it only in an anonymous collection.
        byline = (
            " On AO3 itself your name shows on the work's page unless the work is in an anonymous collection: the"
            " exchange's secret holds only then."
            if recognise(checked_url) is not None
            else ""
        )
        await answer_privately(
            interaction,
            f"Your gift is {words}. It stays hidden until the works are revealed.{byline}",
            embed=render.gift_embed(found, gift, await self._secrecy(interaction)),
        )

    @exchange.command(name="default", description="Give up your assignment (moderators: name a member)")
    @app_commands.describe(exchange="Which exchange", member="Moderators only: the giver to default")
    async def default(
        self,
        interaction: Interaction,
        exchange: ExchangeOption | None = None,
        member: discord.User | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        giver = interaction.user.id
        if member is not None and member.id != interaction.user.id:
            await require_moderator(interaction)
            giver = member.id
        found, assignment = await self.store.default(guild_id, exchange, giver, interaction.user.id)
        gift = f"the gift for <@{assignment.recipient_id}>"
        if giver == interaction.user.id:
            text = (
                f"🎁 You've given up your {found.name} assignment ({gift}). Thank you for saying so early: a pinch"
                " hitter will write it. If you change your mind, ask a moderator."
            )
        else:
            text = (
                f"🎁 <@{giver}>'s {found.name} assignment ({gift}) is given up: a pinch hitter will write it."
                f" {self.bot.mention('mod exchange undefault')} gives it back while nobody has taken it."
            )
        await answer_privately(interaction, text)
        # Moderators learn who needs a pinch hit; the line never says who defaulted (the recipient may read it).
        await log_line(
            self.bot,
            guild_id,
            f"🎁 The assignment for <@{assignment.recipient_id}> in {found.name} was given up and is open as a pinch"
            f" hit: members take it with {self.bot.mention('exchange pinchhits')}, or assign a pinch hitter with"
            f" {self.bot.mention('mod exchange assign')}.",
        )
        # Only in the exchange's own channel: posted where the giver typed the command, it would point at them.
        await self._announce_pinch_hit(found, assignment, None)

    @exchange.command(name="pinchhits", description="Open pinch hits you can take over")
    @app_commands.describe(exchange="Which exchange (optional when the server runs one)")
    async def pinchhits(self, interaction: Interaction, exchange: ExchangeOption | None = None) -> None:
        found, open_ones = await self.store.pinch_hits(guild_id_of(interaction), exchange)
        if not open_ones:
            await answer_privately(interaction, f"**{found.name}** has no open pinch hits. Thank you for looking!")
            return
        # Discord counts 6,000 characters across all of a message's embeds: five pinch hits of at most
        # PINCH_HIT_ROOM each fit, with one Take button each on a single row.
        shown = open_ones[:PINCH_HITS_SHOWN]
        view = discord.ui.View(timeout=None)
        for assignment, _ in shown:
            view.add_item(TakePinchHit(assignment.id))
        more = f" Showing the first {len(shown)}." if len(open_ones) > len(shown) else ""
        how = (
            "Press **Take** to write it."
            if len(shown) == 1
            else "Each **Take** button, from the left, takes the pinch hit at the same place in the list."
        )
        await answer_privately(
            interaction,
            f"{render.counted(len(open_ones), 'open pinch hit')} in **{found.name}**.{more} {how}",
            embeds=[render.pinch_hit_embed(found, a, s) for a, s in shown],
            view=view,
        )

    # Issue 23, item 5: the work is in cogs/ui/relay.py (db/relay.py).
    @exchange.command(name="message", description="Write to your recipient or your giver; givers stay anonymous")
    @app_commands.describe(
        to="recipient: whom you write for; giver: whoever writes your gift",
        text="Your question or answer (up to 1,500 characters)",
        exchange="Which exchange (optional when the server runs one)",
    )
    async def message(
        self,
        interaction: Interaction,
        to: Literal["recipient", "giver"],
        text: app_commands.Range[str, 1, 1500],
        exchange: ExchangeOption | None = None,
    ) -> None:
        await questions.relay(self.bot, interaction, exchange, to, text)
