"""/exchange: gift-exchange rounds (EXCHANGES.md). Sign-ups, matching, assignments by direct message
through a durable outbox, gifts, defaults and pinch hits, deadlines and the reveal.

Members and moderators share the one `/exchange` group, and Discord hides only whole top-level commands,
so the moderators' subcommands carry the runtime moderator check. Secrecy is asked of `Secrecy` by the
renderers in cogs/ui/exchange_embeds.py; nothing here names a giver except to moderators and to the giver.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import os
import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, cast

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui import avoid as do_not_match
from cogs.ui import exchange_embeds as render
from cogs.ui import relay as questions
from cogs.ui.fandom_autocomplete import exchange_fandom_autocomplete, fandom_autocomplete
from cogs.ui.near_miss import guard_name
from cogs.ui.owned import OwnedView
from cogs.ui.paginator import Paginator
from db import validation
from db.errors import InvalidField, PinchHitGone
from db.exchange_models import Assignment, Exchange, ExchangeSettings, NominatedFandom, Secrecy
from db.exchanges import ExchangeRepo, exchange_name, offer_draft, request_draft
from db.match_types import MatchRule
from db.match_worker import MatchWorker
from db.models import Page, Viewer
from db.transfer import spreadsheet_safe
from interactions.checks import Interaction, guild_id_of, is_moderator, require_moderator
from interactions.refusals import report
from interactions.sending import (
    NO_MENTIONS,
    TRANSIENT_ERRORS,
    Delivery,
    answer_privately,
    dm_delivery,
    log_line,
    mention_list,
    post,
)

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)
RatingChoice = Literal["G", "T", "M", "E", "NR"]
SEED_VARIABLE = "PROMPTFILL_EXCHANGE_SEED"
SEND_BATCH = 50
PINCH_HITS_SHOWN = 5
PAIRS_PER_PAGE = 20
FANDOMS_PER_PAGE = 4  # one row of Approve / Reject each, under the row of page buttons: Discord's 5 rows


def end_of_day(field: str, value: str | None) -> int | None:
    """`YYYY-MM-DD` as the last second of that day in UTC."""
    if value is None:
        return None
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise InvalidField(field, "must be a date written YYYY-MM-DD, e.g. 2026-12-24") from None
    return int((day + timedelta(days=1)).timestamp()) - 1


def matching_rng() -> random.Random:
    """Ties are broken at random; PROMPTFILL_EXCHANGE_SEED makes a test's match repeatable."""
    seed = os.environ.get(SEED_VARIABLE, "").strip()
    # Not for secrets: it only decides between equally good assignments.
    return random.Random(int(seed)) if seed.lstrip("-").isdigit() else random.Random()  # noqa: S311


async def exchange_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    names = await interaction.client.store.exchanges.names(interaction.guild_id, current)
    return [app_commands.Choice(name=n, value=n) for n in names[:25]]


async def item_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The member's own requests and offers, as `request N` / `offer N`."""
    if interaction.guild_id is None:
        return []
    name = getattr(interaction.namespace, "exchange", None)
    try:
        _, signup = await interaction.client.store.exchanges.signup(interaction.guild_id, name, interaction.user.id)
    except Exception:  # no exchange, several, or no sign-up: nothing to offer
        return []
    choices = [(f"request {i}", f"request {i}: {r.fandom}") for i, r in enumerate(signup.requests, start=1)]
    choices += [(f"offer {i}", f"offer {i}: {o.fandom}") for i, o in enumerate(signup.offers, start=1)]
    typed = current.casefold()
    return [
        app_commands.Choice(name=label[:100], value=value) for value, label in choices if typed in label.casefold()
    ][:25]


async def nomination_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The member's own nominations, for `withdraw`."""
    if interaction.guild_id is None:
        return []
    name = getattr(interaction.namespace, "exchange", None)
    try:
        _, own = await interaction.client.store.exchanges.nominations_of(
            interaction.guild_id, name, interaction.user.id
        )
    except Exception:  # no exchange, or several: nothing to offer
        return []
    typed = current.casefold()
    return [app_commands.Choice(name=f[:100], value=f[:100]) for f in own if typed in f.casefold()][:25]


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
            await answer_privately(
                interaction,
                "Thank you for pinch-hitting! This assignment is yours now.",
                embed=render.assignment_embed(interaction.client, exchange, assignment, recipient),
            )
            await log_line(
                interaction.client,
                guild_id,
                f"🎁 {exchange.name}: the pinch hit for <@{assignment.recipient_id}> was taken.",
            )
            await self._close_post(interaction)
        except PinchHitGone as error:
            await report(interaction, error)
            await self._close_post(interaction)  # taken elsewhere (the list, a moderator): the post catches up
        except Exception as error:
            await report(interaction, error)

    @staticmethod
    async def _close_post(interaction: Interaction) -> None:
        """A pinch-hit post in the exchange's channel says it is taken and loses its button (never naming who)."""
        message = interaction.message
        bot_user = interaction.client.user
        if message is None or message.flags.ephemeral or bot_user is None or message.author.id != bot_user.id:
            return
        try:
            await message.edit(content=render.pinch_hit_taken_post(message.content), view=None)
        except (discord.HTTPException, *TRANSIENT_ERRORS) as error:
            log.warning("could not mark the pinch-hit post %s as taken: %r", message.id, error)


class ConfirmDelete(OwnedView):
    not_yours = "Only the moderator who asked can confirm this."

    def __init__(self, owner_id: int, cog: Exchanges, name: str) -> None:
        super().__init__(owner_id, timeout=300)
        self.cog = cog
        self.name = name

    @discord.ui.button(label="Delete it", style=discord.ButtonStyle.danger, custom_id="promptfill:exchange:delete")
    async def confirm(self, interaction: Interaction, button: discord.ui.Button) -> None:
        try:
            guild_id = guild_id_of(interaction)
            await require_moderator(interaction)
            exchange = await interaction.client.store.exchanges.delete(guild_id, self.name, interaction.user.id)
            self.stop()
            await interaction.response.edit_message(
                content=f"Deleted **{exchange.name}** with its sign-ups, assignments and gifts.",
                view=None,
                allowed_mentions=NO_MENTIONS,
            )
            await log_line(
                interaction.client, guild_id, f"🗑️ <@{interaction.user.id}> deleted the exchange {exchange.name}."
            )
        except Exception as error:
            await report(interaction, error)


class MatchReport(Paginator):
    """`/mod exchange match`'s answer: the figures and every pair, page by page, with Send and Match again.
    Only the moderator who matched can press them, and each press checks the moderator rule again."""

    def __init__(
        self, owner_id: int, cog: Exchanges, exchange: Exchange, result: render.Match, participants: int
    ) -> None:
        pairs = result.pairs
        last = max(0, (len(pairs) - 1) // PAIRS_PER_PAGE)

        def page_of(number: int) -> Page[tuple[int, int]]:
            number = min(number, last)
            start = number * PAIRS_PER_PAGE
            items = pairs[start : start + PAIRS_PER_PAGE]
            return Page(items=items, total=len(pairs), page=number, per_page=PAIRS_PER_PAGE)

        async def fetch(number: int) -> Page[tuple[int, int]]:
            return page_of(number)

        def shown(page: Page[Any]) -> discord.Embed:
            return render.match_page_embed(cog.bot, exchange, result, participants, page)

        super().__init__(owner_id, fetch, shown, page_of(0))
        self.cog = cog
        self.exchange_name = exchange.name

    async def _as_command(self, command: app_commands.Command[Any, ..., Any], interaction: Interaction) -> None:
        """Runs the command's own code, as if the moderator had typed it (the buttons are its shortcuts)."""
        await cast(Any, command.callback)(self.cog, interaction, self.exchange_name)

    async def show(self, interaction: Interaction) -> None:
        await interaction.followup.send(
            embed=self.render(self.page), view=self, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(label="Send", style=discord.ButtonStyle.success, custom_id="promptfill:match:send")
    async def send_assignments(self, interaction: Interaction, button: discord.ui.Button) -> None:
        try:
            await require_moderator(interaction)
            await self._as_command(Exchanges.send, interaction)
        except Exception as error:
            await report(interaction, error)

    @discord.ui.button(label="Match again", style=discord.ButtonStyle.secondary, custom_id="promptfill:match:again")
    async def match_again(self, interaction: Interaction, button: discord.ui.Button) -> None:
        try:
            await require_moderator(interaction)
            await self._as_command(Exchanges.match, interaction)
        except Exception as error:
            await report(interaction, error)


class NominationReview(Paginator):
    """`/mod exchange nominations`: every nominated fandom, page by page, with Approve and Reject per fandom.
    Only the moderator who asked can press them, and each press checks the moderator rule again."""

    def __init__(self, owner_id: int, cog: Exchanges, exchange: Exchange, first: Page[NominatedFandom]) -> None:
        self.cog = cog
        self.guild_id = exchange.guild_id
        self.exchange_name = exchange.name
        self.exchange = exchange
        self.decisions: list[Decision] = []

        async def fetch(number: int) -> Page[NominatedFandom]:
            self.exchange, page = await cog.store.nomination_page(
                self.guild_id, self.exchange_name, number, FANDOMS_PER_PAGE
            )
            return page

        def shown(page: Page[Any]) -> discord.Embed:
            return render.nominations_page_embed(cog.bot, self.exchange, page)

        super().__init__(owner_id, fetch, shown, first)

    def _sync_buttons(self) -> None:
        super()._sync_buttons()
        for button in self.decisions:
            self.remove_item(button)
        self.decisions = []
        for row, fandom in enumerate(self.page.items, start=1):
            for approve in (True, False):
                button = Decision(fandom, approve, row)
                self.decisions.append(button)
                self.add_item(button)

    async def decide(self, interaction: Interaction, fandom: NominatedFandom, approve: bool) -> None:
        try:
            await require_moderator(interaction)
            exchange, decided = await self.cog.store.decide(
                self.guild_id, self.exchange_name, fandom.key, approve, interaction.user.id
            )
            await self._turn(interaction, 0)  # the same page again, with the decision shown
            verb = "approved" if approve else "rejected"
            await log_line(
                self.cog.bot, self.guild_id, f"🎁 <@{interaction.user.id}> {verb} {decided.name} for {exchange.name}."
            )
        except Exception as error:
            await report(interaction, error)

    async def show(self, interaction: Interaction) -> None:
        await interaction.response.send_message(
            embed=self.render(self.page), view=self, ephemeral=True, allowed_mentions=NO_MENTIONS
        )


class Decision(discord.ui.Button[NominationReview]):
    """Approve or Reject one fandom on the review page; the decision already taken is greyed out."""

    def __init__(self, fandom: NominatedFandom, approve: bool, row: int) -> None:
        verb = "Approve" if approve else "Reject"
        super().__init__(
            label=f"{verb} {fandom.name}"[:80],
            style=discord.ButtonStyle.success if approve else discord.ButtonStyle.danger,
            custom_id=f"promptfill:nominations:{verb.lower()}:{row}",
            row=row,
            disabled=fandom.approved is approve,
        )
        self.fandom = fandom
        self.approve = approve

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        if self.view is not None:
            await self.view.decide(interaction, self.fandom, self.approve)


class ModeratorsGroup(app_commands.Group):
    """The moderators' exchange commands, `/mod exchange …`. `/mod` is hidden from members by Discord
    (default permissions apply to top-level commands only); this runs the moderator rule again on every use."""

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        return await require_moderator(interaction)


class Exchanges(commands.Cog):
    exchange = app_commands.Group(
        name="exchange", description="Gift exchanges: sign up, get an assignment, post a gift", guild_only=True
    )
    # Declared here, under a stand-in parent, so its commands are this cog's methods; cog_load moves the group
    # under the real `/mod` of cogs/moderation.py (loaded first), and the stand-in is never registered.
    _mod_stand_in = app_commands.Group(name="mod", description="Moderators")
    moderators = ModeratorsGroup(
        name="exchange", description="Run exchanges: sign-ups, matching, assignments, reveals", parent=_mod_stand_in
    )

    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot
        self._sending: set[int] = set()  # exchanges this process is sending now (send and sweep take turns)
        self._resuming: set[asyncio.Task[Any]] = set()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(TakePinchHit)
        mod = self.bot.tree.get_command("mod")
        if not isinstance(mod, app_commands.Group):
            raise RuntimeError("cogs.exchanges needs /mod: load cogs.moderation first")
        stand_in = next(c for c in self.__cog_app_commands__ if c.name == self._mod_stand_in.name)
        self.__cog_app_commands__ = [c for c in self.__cog_app_commands__ if c is not stand_in]
        group = stand_in.get_command(self.moderators.name) if isinstance(stand_in, app_commands.Group) else None
        if group is None:
            raise RuntimeError("the moderators' exchange group is missing from its stand-in")
        mod.add_command(group)

    @property
    def store(self) -> ExchangeRepo:
        return self.bot.store.exchanges

    async def _secrecy(self, interaction: Interaction) -> Secrecy:
        return Secrecy(Viewer(member_id=interaction.user.id, is_moderator=await is_moderator(interaction)))

    async def _announce_pinch_hit(self, exchange: Exchange, assignment: Assignment, here: int | None) -> str:
        """The post asks for a pinch hitter with a Take button; taking it there edits the post (TakePinchHit)."""
        view = discord.ui.View(timeout=None)
        view.add_item(TakePinchHit(assignment.id))
        return await self._announce(
            exchange, render.pinch_hit_wanted_post(self.bot, exchange, assignment.recipient_id), here, view=view
        )

    async def _announce(self, exchange: Exchange, text: str, here: int | None, **extra: Any) -> str:
        """Posts in the exchange's channel, else in `here` (where a moderator acted; None where that could tie
        the post to a member, as after a default). Returns what the moderator is told about the post."""
        channel_id = exchange.settings.channel_id or here
        if channel_id is None:
            return ""
        if await post(self.bot, channel_id, content=text, **extra) is None:
            return (
                f" The announcement could not be posted in <#{channel_id}>: the bot needs to view that channel and"
                " send messages there."
            )
        return f" Announced in <#{channel_id}>."

    def _where(self, exchange: Exchange) -> str:
        """The exchange and its server, for direct messages: a member may be in several servers' exchanges."""
        guild = self.bot.get_guild(exchange.guild_id)
        return f"**{exchange.name}** ({guild.name})" if guild is not None else f"**{exchange.name}**"

    # -- members ------------------------------------------------------------------------------------------------

    @exchange.command(name="request", description="Add something you would love to receive")
    @app_commands.describe(
        fandom="The fandom (required)",
        tags="Characters, relationships, tropes: comma separated, up to 20",
        details="What you would like, in your words (up to 4,000 characters)",
        rating="The most explicit rating you would like",
        exchange="Which exchange (optional when the server runs one)",
    )
    @app_commands.autocomplete(exchange=exchange_autocomplete, fandom=exchange_fandom_autocomplete)
    async def request(
        self,
        interaction: Interaction,
        fandom: app_commands.Range[str, 1, 100],
        tags: app_commands.Range[str, 1, 1100] | None = None,
        details: app_commands.Range[str, 1, 4000] | None = None,
        rating: RatingChoice | None = None,
        exchange: app_commands.Range[str, 1, 50] | None = None,
    ) -> None:
        draft = request_draft(fandom, tags, details, rating)

        async def add(chosen: Interaction, name: str | None) -> None:
            found, signup = await self.store.add_request(
                guild_id_of(chosen), exchange, chosen.user.id, replace(draft, fandom=name or draft.fandom)
            )
            await answer_privately(chosen, "Request added.", embed=render.signup_embed(found, signup))

        await guard_name(interaction, draft.fandom, add, what="add your request", offers_in=exchange, request=True)

    @exchange.command(name="offer", description="Add a fandom you are willing to write for")
    @app_commands.describe(
        fandom="The fandom (required)",
        tags="What you are happy to write (comma separated); none means anything in the fandom",
        exchange="Which exchange (optional when the server runs one)",
    )
    @app_commands.autocomplete(exchange=exchange_autocomplete, fandom=exchange_fandom_autocomplete)
    async def offer(
        self,
        interaction: Interaction,
        fandom: app_commands.Range[str, 1, 100],
        tags: app_commands.Range[str, 1, 1100] | None = None,
        exchange: app_commands.Range[str, 1, 50] | None = None,
    ) -> None:
        draft = offer_draft(fandom, tags)

        async def add(chosen: Interaction, name: str | None) -> None:
            found, signup = await self.store.add_offer(
                guild_id_of(chosen), exchange, chosen.user.id, replace(draft, fandom=name or draft.fandom)
            )
            await answer_privately(chosen, "Offer added.", embed=render.signup_embed(found, signup))

        await guard_name(interaction, draft.fandom, add, what="add your offer")

    @exchange.command(name="signup", description="See your sign-up: requests and offers, complete or not")
    @app_commands.describe(exchange="Which exchange (optional when the server runs one)")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def signup(self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50] | None = None) -> None:
        found, signup = await self.store.signup(guild_id_of(interaction), exchange, interaction.user.id)
        await answer_privately(interaction, "", embed=render.signup_embed(found, signup))

    @exchange.command(name="drop", description="Remove one of your requests or offers while sign-ups are open")
    @app_commands.describe(item="request N or offer N, as /exchange signup numbers them", exchange="Which exchange")
    @app_commands.autocomplete(item=item_autocomplete, exchange=exchange_autocomplete)
    async def drop(
        self,
        interaction: Interaction,
        item: app_commands.Range[str, 1, 20],
        exchange: app_commands.Range[str, 1, 50] | None = None,
    ) -> None:
        found, signup = await self.store.drop_item(guild_id_of(interaction), exchange, interaction.user.id, item)
        await answer_privately(interaction, f"Removed {item.strip()}.", embed=render.signup_embed(found, signup))

    @exchange.command(name="leave", description="Withdraw your whole sign-up while sign-ups are open")
    @app_commands.describe(exchange="Which exchange (optional when the server runs one)")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def leave(self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50] | None = None) -> None:
        found = await self.store.leave(guild_id_of(interaction), exchange, interaction.user.id)
        await answer_privately(interaction, f"You have left **{found.name}**; your requests and offers are gone.")

    @exchange.command(name="assignment", description="Whom you are writing for, and their requests")
    @app_commands.describe(exchange="Which exchange (optional when the server runs one)")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def assignment(
        self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50] | None = None
    ) -> None:
        found, assignment, recipient = await self.store.assignment_of(
            guild_id_of(interaction), exchange, interaction.user.id
        )
        await answer_privately(interaction, "", embed=render.assignment_embed(self.bot, found, assignment, recipient))

    @exchange.command(name="gift", description="Record the work you wrote for your assignment")
    @app_commands.describe(
        url="Link to the work (http or https), e.g. on Archive of Our Own",
        title="The work's title",
        notes="A note for your recipient",
        exchange="Which exchange (optional when the server runs one)",
    )
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def gift(
        self,
        interaction: Interaction,
        url: app_commands.Range[str, 1, 2048],
        title: app_commands.Range[str, 1, 200] | None = None,
        notes: app_commands.Range[str, 1, 1000] | None = None,
        exchange: app_commands.Range[str, 1, 50] | None = None,
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
        await answer_privately(
            interaction,
            f"Your gift is {words}. It stays hidden until the works are revealed.",
            embed=render.gift_embed(found, gift, await self._secrecy(interaction)),
        )

    @exchange.command(name="default", description="Give up your assignment (moderators: name a member)")
    @app_commands.describe(exchange="Which exchange", member="Moderators only: the giver to default")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def default(
        self,
        interaction: Interaction,
        exchange: app_commands.Range[str, 1, 50] | None = None,
        member: discord.User | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        giver = interaction.user.id
        if member is not None and member.id != interaction.user.id:
            await require_moderator(interaction)
            giver = member.id
        found, assignment = await self.store.default(guild_id, exchange, giver, interaction.user.id)
        whose = "Your assignment is" if giver == interaction.user.id else f"<@{giver}>'s assignment is"
        await answer_privately(
            interaction, f"{whose} given up. A pinch hitter will take it over; thank you for saying so."
        )
        # Moderators learn who needs a pinch hit; the line never says who defaulted (the recipient may read it).
        await log_line(
            self.bot,
            guild_id,
            f"🆘 {found.name}: <@{assignment.recipient_id}> needs a pinch hit"
            f" ({self.bot.mention('exchange pinchhits')}).",
        )
        # Only in the exchange's own channel: posted where the giver typed the command, it would point at them.
        await self._announce_pinch_hit(found, assignment, None)

    @exchange.command(name="pinchhits", description="Open pinch hits you can take over")
    @app_commands.describe(exchange="Which exchange (optional when the server runs one)")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def pinchhits(self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50] | None = None) -> None:
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

    @exchange.command(name="nominate", description="Nominate a fandom for an exchange; no options: see yours")
    @app_commands.describe(
        fandom="A fandom you would like in the exchange",
        withdraw="One of your nominations to take back",
        exchange="Which exchange (optional when the server runs one)",
    )
    @app_commands.autocomplete(
        exchange=exchange_autocomplete, fandom=fandom_autocomplete, withdraw=nomination_autocomplete
    )
    async def nominate(
        self,
        interaction: Interaction,
        fandom: app_commands.Range[str, 1, 100] | None = None,
        withdraw: app_commands.Range[str, 1, 100] | None = None,
        exchange: app_commands.Range[str, 1, 50] | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        done = (
            f"Withdrew your nomination of **{discord.utils.escape_markdown(withdraw.strip())}**. " if withdraw else ""
        )
        if fandom is None:
            if withdraw is not None:
                found, own = await self.store.withdraw_nomination(guild_id, exchange, interaction.user.id, withdraw)
            else:
                found, own = await self.store.nominations_of(guild_id, exchange, interaction.user.id)
            await answer_privately(interaction, done + render.own_nominations(found, own))
            return
        checked = validation.fandom(fandom)
        if checked is None:
            raise InvalidField("Fandom", "is empty once blank and invisible characters are removed")

        async def add(chosen: Interaction, name: str | None) -> None:
            # One transaction for both: a refused nomination leaves the withdrawn one in place.
            found, own = await self.store.nominate(
                guild_id_of(chosen), exchange, chosen.user.id, name or checked, withdraw
            )
            named = discord.utils.escape_markdown(name or checked)
            await answer_privately(chosen, f"{done}Nominated **{named}**. {render.own_nominations(found, own)}")

        await guard_name(interaction, checked, add, what="nominate it")

    @exchange.command(name="status", description="Where an exchange stands: dates and counts")
    @app_commands.describe(exchange="Which exchange (optional when the server runs one)")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def status(self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50] | None = None) -> None:
        found = await self.store.status(guild_id_of(interaction), exchange)
        await answer_privately(interaction, "", embed=render.status_embed(found, await self._secrecy(interaction)))

    # Issue 23, items 4 and 5: the work is in cogs/ui/avoid.py and cogs/ui/relay.py (db/avoid.py, db/relay.py).
    @exchange.command(name="avoid", description="Never be matched with a member, either way; no member: your list")
    @app_commands.describe(
        member="Who you must not be matched with (they are never told)",
        remove="Take the member off your list instead",
        exchange="Which exchange (optional when the server runs one)",
    )
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def avoid(
        self,
        interaction: Interaction,
        member: discord.User | None = None,
        remove: bool = False,
        exchange: app_commands.Range[str, 1, 50] | None = None,
    ) -> None:
        await do_not_match.avoid(self.bot, interaction, exchange, member, remove)

    @exchange.command(name="message", description="Write to your recipient or your giver; givers stay anonymous")
    @app_commands.describe(
        to="recipient: whom you write for; giver: whoever writes your gift",
        text="Your question or answer (up to 1,500 characters)",
        exchange="Which exchange (optional when the server runs one)",
    )
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def message(
        self,
        interaction: Interaction,
        to: Literal["recipient", "giver"],
        text: app_commands.Range[str, 1, 1500],
        exchange: app_commands.Range[str, 1, 50] | None = None,
    ) -> None:
        await questions.relay(self.bot, interaction, exchange, to, text)

    # -- moderators ---------------------------------------------------------------------------------------------

    @moderators.command(name="create", description="Start an exchange with sign-ups open")
    @app_commands.describe(
        name="A name, unique in this server (1 to 50 characters)",
        requests_min="Requests a sign-up needs (1 to 10, default 1)",
        requests_max="Requests a member may make (1 to 10, default 3)",
        offers_min="Offers a sign-up needs (1 to 10, default 1)",
        offers_max="Offers a member may make (1 to 10, default 5)",
        match="fandom (default), fandom_and_tag, or any (a Secret Santa)",
        due="When gifts are due: YYYY-MM-DD (end of that day, UTC)",
        reveal="When gifts are revealed: YYYY-MM-DD",
        channel="Where the gifts are revealed",
        nominations="Start with fandom nominations, approved by moderators (default off)",
        nominations_max="Fandoms each member may nominate (1 to 10, default 3)",
        tagset_from="Reuse the approved fandoms of an earlier exchange",
    )
    @app_commands.autocomplete(tagset_from=exchange_autocomplete)
    async def create(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, 50],
        requests_min: app_commands.Range[int, 1, 10] = 1,
        requests_max: app_commands.Range[int, 1, 10] = 3,
        offers_min: app_commands.Range[int, 1, 10] = 1,
        offers_max: app_commands.Range[int, 1, 10] = 5,
        match: MatchRule = "fandom",
        due: app_commands.Range[str, 1, 10] | None = None,
        reveal: app_commands.Range[str, 1, 10] | None = None,
        channel: discord.TextChannel | None = None,
        nominations: bool = False,
        nominations_max: app_commands.Range[int, 1, 10] = 3,
        tagset_from: app_commands.Range[str, 1, 50] | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        settings = ExchangeSettings(
            requests_min=requests_min,
            requests_max=requests_max,
            offers_min=offers_min,
            offers_max=offers_max,
            match_rule=match,
            due_at=end_of_day("Due", due),
            reveal_at=end_of_day("Reveal", reveal),
            channel_id=channel.id if channel else None,
            nominations_max=nominations_max if nominations else None,
        )
        created = await self.store.create(guild_id, exchange_name(name), settings, interaction.user.id, tagset_from)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if created.phase == "nominations":
            posted = await self._announce(
                created, render.nominations_opened_post(self.bot, created), interaction.channel_id
            )
            text = (
                f"**{created.name}** is collecting fandom nominations: members use"
                f" {self.bot.mention('exchange nominate')}. Review them with"
                f" {self.bot.mention('mod exchange nominations')}, then open sign-ups with"
                f" {self.bot.mention('mod exchange open')}."
            )
        else:
            posted = await self._announce(
                created, render.signups_opened_post(self.bot, created), interaction.channel_id
            )
            text = (
                f"**{created.name}** is open for sign-ups: members use {self.bot.mention('exchange request')} and"
                f" {self.bot.mention('exchange offer')}."
            )
        reused = f" Its approved fandoms are those of {tagset_from.strip()}." if tagset_from else ""
        await answer_privately(interaction, text + reused + posted)
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}> created the exchange {created.name}.")

    @moderators.command(name="edit", description="Change an exchange's settings")
    @app_commands.describe(
        exchange="The exchange",
        name="A new name",
        requests_min="Requests a sign-up needs",
        requests_max="Requests a member may make",
        offers_min="Offers a sign-up needs",
        offers_max="Offers a member may make",
        match="fandom, fandom_and_tag or any (before assignments are sent)",
        due="YYYY-MM-DD",
        reveal="YYYY-MM-DD",
        channel="Where the gifts are revealed",
    )
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def edit(
        self,
        interaction: Interaction,
        exchange: app_commands.Range[str, 1, 50],
        name: app_commands.Range[str, 1, 50] | None = None,
        requests_min: app_commands.Range[int, 1, 10] | None = None,
        requests_max: app_commands.Range[int, 1, 10] | None = None,
        offers_min: app_commands.Range[int, 1, 10] | None = None,
        offers_max: app_commands.Range[int, 1, 10] | None = None,
        match: MatchRule | None = None,
        due: app_commands.Range[str, 1, 10] | None = None,
        reveal: app_commands.Range[str, 1, 10] | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        changes: dict[str, Any] = {
            key: value
            for key, value in {
                "requests_min": requests_min,
                "requests_max": requests_max,
                "offers_min": offers_min,
                "offers_max": offers_max,
                "match_rule": match,
                "due_at": end_of_day("Due", due),
                "reveal_at": end_of_day("Reveal", reveal),
                "channel_id": channel.id if channel else None,
            }.items()
            if value is not None
        }
        new_name = exchange_name(name) if name is not None else None
        if not changes and new_name is None:
            raise InvalidField("Edit", "needs at least one setting to change")
        edited = await self.store.edit(guild_id, exchange, changes, new_name, interaction.user.id)
        await answer_privately(interaction, f"**{edited.name}** is updated.")
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}> edited the exchange {edited.name}.")

    async def _move(self, interaction: Interaction, name: str, action: Literal["close", "open"]) -> None:
        guild_id = guild_id_of(interaction)
        if action == "close":
            moved = await self.store.close(guild_id, name, interaction.user.id)
            text = f"Sign-ups for **{moved.name}** are closed. Next: {self.bot.mention('mod exchange match')}."
            announcement = render.signups_closed_post(moved)
        else:
            moved, first = await self.store.reopen(guild_id, name, interaction.user.id)
            if first:  # after nominations: requests and offers now name an approved fandom
                text = f"Sign-ups for **{moved.name}** are open, for its approved fandoms."
            else:
                text = f"Sign-ups for **{moved.name}** are open again; any unsent match was discarded."
            announcement = render.signups_opened_post(self.bot, moved, again=not first)
        await interaction.response.defer(ephemeral=True, thinking=True)
        posted = await self._announce(moved, announcement, interaction.channel_id)
        await answer_privately(interaction, text + posted)
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}>: {text}")

    @moderators.command(name="close", description="Close sign-ups")
    @app_commands.describe(exchange="The exchange")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def close(self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50]) -> None:
        await self._move(interaction, exchange, "close")

    @moderators.command(name="nominations", description="Review fandom nominations: approve or reject each")
    @app_commands.describe(exchange="The exchange")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def nominations(self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50]) -> None:
        found, first = await self.store.nomination_page(guild_id_of(interaction), exchange, 0, FANDOMS_PER_PAGE)
        await NominationReview(interaction.user.id, self, found, first).show(interaction)

    @moderators.command(name="open", description="Open sign-ups after nominations, or reopen them")
    @app_commands.describe(exchange="The exchange")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def open(self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50]) -> None:
        await self._move(interaction, exchange, "open")

    @moderators.command(name="match", description="Compute the best assignments (sends nothing)")
    @app_commands.describe(exchange="The exchange")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def match(self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50]) -> None:
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)  # thousands of sign-ups: seconds
        # The solver runs in a process of its own (db/match_worker.py): numpy and scipy never load into the bot.
        # Started first, so it loads them while the sign-ups are read.
        async with MatchWorker() as solver:
            found, people = await self.store.matchable(guild_id, exchange)
            # Do-not-match lists (fixed since sign-ups closed) and the server's earlier pairs (db/avoid.py).
            pairs = await self.bot.store.avoid.pair_rules(found)
            result = await solver.best_match(people, found.settings.match_rule, matching_rng(), pairs)
        await self.store.save_match(found.id, result.pairs, interaction.user.id)
        await MatchReport(interaction.user.id, self, found, result, len(people)).show(interaction)
        await log_line(
            self.bot, guild_id, f"🎁 <@{interaction.user.id}> matched {found.name}: {result.matched} of {len(people)}."
        )

    @moderators.command(name="signups", description="Every sign-up, page by page")
    @app_commands.describe(exchange="The exchange", page="Page number (10 sign-ups a page)")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def signups(
        self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50], page: app_commands.Range[int, 1] = 1
    ) -> None:
        found, signups, total = await self.store.signup_page(guild_id_of(interaction), exchange, page - 1, 10)
        pages = (total + 9) // 10
        await answer_privately(interaction, "", embed=render.signups_page_embed(found, signups, page - 1, pages, total))

    @moderators.command(name="assign", description="Set the giver for a recipient")
    @app_commands.describe(
        exchange="The exchange", recipient="Who receives", giver="Who writes (a pinch hitter may be anyone)"
    )
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def assign(
        self,
        interaction: Interaction,
        exchange: app_commands.Range[str, 1, 50],
        recipient: discord.User,
        giver: discord.User,
    ) -> None:
        guild_id = guild_id_of(interaction)
        found, replaced, mutual = await self.store.assign(
            guild_id, exchange, recipient.id, giver.id, interaction.user.id
        )
        text = f"<@{giver.id}> now writes for <@{recipient.id}> in **{found.name}**."
        if mutual:
            text += (
                f" ⚠️ This makes a mutual pair: <@{recipient.id}> also writes for <@{giver.id}>, so each will guess"
                " who their giver is. Assign another giver to one of them to avoid it."
            )
        if found.sent:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self.deliver(found)  # the new giver gets the assignment at once
            if replaced is not None:
                await self._release(found, replaced)
                text += " The giver it replaced has been told they are released."
        await answer_privately(interaction, text)
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}> changed an assignment in {found.name}.")

    async def _release(self, exchange: Exchange, giver: int) -> None:
        await dm_delivery(
            self.bot,
            giver,
            content=f"🎁 You have been released from your assignment in {self._where(exchange)}: a moderator gave"
            " your recipient another giver. Thank you for your part.",
        )

    @moderators.command(name="unassign", description="Remove a recipient's giver")
    @app_commands.describe(exchange="The exchange", recipient="Whose giver to remove")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def unassign(
        self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50], recipient: discord.User
    ) -> None:
        guild_id = guild_id_of(interaction)
        found, giver = await self.store.unassign(guild_id, exchange, recipient.id, interaction.user.id)
        await answer_privately(interaction, f"<@{recipient.id}> has no giver in **{found.name}** now.")
        if found.sent and giver is not None:  # they had their assignment: tell them it is off
            await self._release(found, giver)
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}> removed an assignment in {found.name}.")

    @moderators.command(name="send", description="Send every giver their assignment by direct message")
    @app_commands.describe(exchange="The exchange")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def send(self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50]) -> None:
        guild_id = guild_id_of(interaction)
        found = await self.store.start_sending(guild_id, exchange, interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        delivered, refused, unknown = await self.deliver(found)
        posted = await self._announce(
            found,
            render.assignments_sent_post(self.bot, found, delivered + len(refused) + len(unknown)),
            interaction.channel_id,
        )
        mine = self.bot.mention("exchange assignment")
        text = (
            f"Sent {render.counted(delivered, 'assignment')} for **{found.name}**: its gifts are being written now."
            + posted
        )
        if refused:
            text += (
                f"\nCould not reach (closed direct messages; {mine} still shows it to them): {mention_list(refused)}"
            )
        if unknown:
            text += f"\nDelivery unknown (not repeated; ask them to run {mine}): {mention_list(unknown)}"
        await answer_privately(interaction, render.content_within(text))
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}> sent the assignments of {found.name}.")

    async def resumed_sending(self) -> None:
        """Wait until the sends a sweep resumed are done (tests, benchmarks, a clean stop)."""
        while self._resuming:
            await asyncio.gather(*self._resuming, return_exceptions=True)

    async def cog_unload(self) -> None:
        for task in self._resuming:
            task.cancel()
        mod = self.bot.tree.get_command("mod")
        if isinstance(mod, app_commands.Group):
            mod.remove_command(self.moderators.name)

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
                for assignment in batch:
                    giver = assignment.giver_id
                    # Recorded as being sent before it goes: a crash now leaves this one message unknown.
                    if giver is None or not await self.store.mark_sending(assignment.id):
                        continue
                    message = render.assignment_message(
                        self.bot, exchange, assignment, recipients.get(assignment.recipient_id), self._where(exchange)
                    )
                    outcome = await dm_delivery(self.bot, giver, **message)
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

    @moderators.command(name="undefault", description="Restore a defaulted assignment")
    @app_commands.describe(exchange="The exchange", member="The giver who defaulted")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def undefault(
        self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50], member: discord.User
    ) -> None:
        guild_id = guild_id_of(interaction)
        found, _ = await self.store.undefault(guild_id, exchange, member.id, interaction.user.id)
        await answer_privately(interaction, f"<@{member.id}>'s assignment in **{found.name}** is theirs again.")
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}> restored an assignment in {found.name}.")

    @moderators.command(name="reveal", description="Reveal the works, then their creators")
    @app_commands.describe(exchange="The exchange", what="works first (the gifts), then creators (who wrote them)")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def reveal(
        self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50], what: Literal["works", "creators"]
    ) -> None:
        guild_id = guild_id_of(interaction)
        here = interaction.channel_id or 0
        found, rows = await self.store.reveal(guild_id, exchange, what, here, interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel_id = found.reveal_channel_id or here
        gifts = [a.gift for a in rows if a.gift is not None]
        reader = Secrecy(Viewer.channel_reader(age_restricted=False))
        if what == "works":
            await post(self.bot, channel_id, content=render.works_revealed_post(found, len(gifts)))
            for gift in gifts:
                message = await post(
                    self.bot,
                    channel_id,
                    **render.gift_post(found, gift, reader),
                    allowed_mentions=discord.AllowedMentions(users=[discord.Object(gift.recipient_id)]),
                )
                if message is not None:
                    await self.store.set_gift_post(gift.id, message.channel.id, message.id)
                await dm_delivery(
                    self.bot,
                    gift.recipient_id,
                    content=f"🎁 Your gift in {self._where(found)} is here. Enjoy it!",
                    embed=render.gift_embed(found, gift, reader),
                )
            without = sorted(a.recipient_id for a in rows if a.gift is None)
            text = f"Revealed {render.counted(len(gifts), 'gift')} in <#{channel_id}>."
            if without:
                text += f"\nRecipients with no gift (pinch hits, or late gifts): {mention_list(without)}"
        else:
            for gift in gifts:
                if gift.message_id is not None and gift.channel_id is not None:
                    await self._edit_post(gift.channel_id, gift.message_id, **render.gift_post(found, gift, reader))
            await post(
                self.bot,
                channel_id,
                content=render.creators_revealed_post(found),
                embed=render.revealed_creators_embed(found, gifts, reader),
            )
            text = f"Creators revealed in <#{channel_id}>; **{found.name}** is finished."
        await answer_privately(interaction, render.content_within(text))
        what_words = "gifts" if what == "works" else "creators"
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}> revealed the {what_words} of {found.name}.")

    async def _edit_post(self, channel_id: int, message_id: int, **changes: Any) -> None:
        try:
            await (
                self.bot.get_partial_messageable(channel_id)
                .get_partial_message(message_id)
                .edit(allowed_mentions=NO_MENTIONS, **changes)
            )
        except discord.HTTPException as error:
            log.warning("could not edit the reveal post %s: %s", message_id, error)

    @moderators.command(name="remove", description="Remove a member's sign-up or whole part")
    @app_commands.describe(exchange="The exchange", member="The member")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def remove(
        self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50], member: discord.User
    ) -> None:
        guild_id = guild_id_of(interaction)
        found, their_giver, orphan = await self.store.remove(guild_id, exchange, member.id, interaction.user.id)
        text = f"<@{member.id}> is no longer part of **{found.name}**."
        if orphan is not None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            posted = await self._announce_pinch_hit(found, orphan, interaction.channel_id)
            text += f" <@{orphan.recipient_id}> needs a pinch hit now.{posted}"
        await answer_privately(interaction, text)
        if their_giver is not None:
            await dm_delivery(
                self.bot,
                their_giver,
                content=f"🎁 Your recipient in {self._where(found)} has left the exchange, so you are released from"
                " your assignment. Thank you for your part.",
            )
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}> removed a participant from {found.name}.")

    @moderators.command(name="delete", description="Delete an exchange (asks to confirm)")
    @app_commands.describe(exchange="The exchange")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def delete(self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50]) -> None:
        found = await self.store.get(guild_id_of(interaction), exchange)
        await answer_privately(
            interaction,
            f"Delete **{found.name}** with all its sign-ups, assignments and gifts? This cannot be undone."
            " Works posted elsewhere stay where they are.",
            view=ConfirmDelete(interaction.user.id, self, found.name),
        )

    @moderators.command(name="export", description="Sign-ups, assignments and gifts (names everyone)")
    @app_commands.describe(exchange="The exchange", format="json or csv")
    @app_commands.autocomplete(exchange=exchange_autocomplete)
    async def export(
        self, interaction: Interaction, exchange: app_commands.Range[str, 1, 50], format: Literal["csv", "json"]
    ) -> None:
        guild_id = guild_id_of(interaction)
        # With the do-not-match lists and the relayed messages (db/relay.py).
        data = await self.bot.store.relay.moderators_copy(guild_id, exchange)
        await interaction.response.defer(ephemeral=True, thinking=True)
        content = await asyncio.to_thread(export_bytes, data, format)
        # Named for the server and the exchange (a moderator may keep files of several servers side by side).
        server = interaction.guild.name if interaction.guild is not None else ""
        safe = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{server} {data['name']}").strip("-") or "exchange"
        await interaction.followup.send(
            f"The moderators' copy of **{data['name']}** ({format}).",
            file=discord.File(io.BytesIO(content), filename=f"exchange-{safe}.{format}"),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    # -- background ---------------------------------------------------------------------------------------------

    async def sweep(self) -> None:
        """Sends what a restart left unsent, reports what it left unknown, reminds, and reports overdue gifts."""
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
        for exchange, assignment in await self.store.due_reminders():
            if assignment.giver_id is None:
                continue
            outcome = await dm_delivery(
                self.bot,
                assignment.giver_id,
                content=f"⏰ Your gift for {self._where(exchange)} is due {render.date(exchange.settings.due_at)}."
                f" Record it with {self.bot.mention('exchange gift', dm=True)} when it is posted, or"
                f" {self.bot.mention('exchange default', dm=True)} if you cannot finish.",
            )
            if outcome is not Delivery.FAILED:
                await self.store.mark_reminded(assignment.id)
        for exchange, late in await self.store.overdue():
            text = (
                f"⏰ {exchange.name} is due. Givers without a gift: {mention_list(late)}."
                if late
                else f"⏰ {exchange.name} is due, and every giver has posted a gift."
            )
            await log_line(self.bot, exchange.guild_id, render.content_within(text))


def export_bytes(data: dict[str, Any], format: str) -> bytes:
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=1).encode()
    out = io.StringIO()
    writer = csv.writer(out)

    def row(kind: str, member: Any, other: Any = "", fandom: str = "", tags: Any = (), **rest: Any) -> None:
        cells = [kind, member, other, fandom, ", ".join(tags)]
        cells += [rest.get(k) or "" for k in ("details", "rating", "url", "title", "state")]
        writer.writerow([spreadsheet_safe(c) for c in cells])  # quoted as the prompt export quotes cells

    writer.writerow(["kind", "member_id", "other_id", "fandom", "tags", "details", "rating", "url", "title", "state"])
    for s in data["signups"]:
        for r in s["requests"]:
            row("request", s["member_id"], "", r["fandom"], r["tags"], details=r["details"], rating=r["rating"])
        for o in s["offers"]:
            row("offer", s["member_id"], "", o["fandom"], o["tags"])
    for a in data["assignments"]:
        gift = a["gift"] or {}
        row(
            "assignment",
            a["giver_id"],
            a["recipient_id"],
            url=gift.get("url"),
            title=gift.get("title"),
            state=a["sent"],
        )
    for entry in data.get("do_not_match", ()):  # issue 23: who asked not to be matched with whom
        for avoided in entry["avoided_ids"]:
            row("do not match", entry["member_id"], avoided)
    for m in data.get("messages", ()):  # relayed messages: sender, receiver, the text, how delivery went
        row(f"message to {m['to']}", m["from_id"], m["to_id"], details=m["text"], state=m["delivery"])
    return out.getvalue().encode()


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Exchanges(bot))
