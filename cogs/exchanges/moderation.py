"""`/mod exchange`: the moderators' commands (create, edit, close and open, nominations, match, assign, send,
reveal, remove, delete, export) and their buttons. The group checks the moderator rule on every use
(base.ModeratorsGroup); a new moderator command goes here with `@moderators.command`."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from typing import Any, Literal, cast

import discord
from discord import app_commands

from cogs.exchanges.base import ExchangeOption, end_of_day, moderators
from cogs.exchanges.gifts import GiftCommands, close_pinch_post
from cogs.exchanges.outbox import Outbox
from cogs.ui import exchange_embeds as render
from cogs.ui.owned import OwnedView
from cogs.ui.paginator import Paginator
from db.errors import InvalidField
from db.exchange_models import NAME_MAX, Exchange, ExchangeSettings, NominatedFandom, Secrecy, Signup
from db.exchanges import exchange_name
from db.match_types import MatchRule
from db.match_worker import MatchWorker
from db.models import Page, Viewer
from db.transfer import exchange_file
from interactions.checks import Interaction, guild_id_of, require_moderator
from interactions.refusals import report
from interactions.sending import NO_MENTIONS, answer_privately, dm_delivery, log_line, mention_list, post

log = logging.getLogger(__name__)
PAIRS_PER_PAGE = 20
FANDOMS_PER_PAGE = 4  # one row of Approve / Reject each, under the row of page buttons: Discord's 5 rows


class ConfirmDelete(OwnedView):
    not_yours = "Only the moderator who asked can confirm this."

    def __init__(self, owner_id: int, cog: ModeratorCommands, name: str) -> None:
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
        self, owner_id: int, cog: ModeratorCommands, exchange: Exchange, result: render.Match, participants: int
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
            await self._as_command(ModeratorCommands.send, interaction)
        except Exception as error:
            await report(interaction, error)

    @discord.ui.button(label="Match again", style=discord.ButtonStyle.secondary, custom_id="promptfill:match:again")
    async def match_again(self, interaction: Interaction, button: discord.ui.Button) -> None:
        try:
            await require_moderator(interaction)
            await self._as_command(ModeratorCommands.match, interaction)
        except Exception as error:
            await report(interaction, error)


class NominationReview(Paginator):
    """`/mod exchange nominations`: every nominated fandom, page by page, with Approve and Reject per fandom.
    Only the moderator who asked can press them, and each press checks the moderator rule again."""

    def __init__(self, owner_id: int, cog: ModeratorCommands, exchange: Exchange, first: Page[NominatedFandom]) -> None:
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


class ModeratorCommands(GiftCommands, Outbox):
    @moderators.command(name="create", description="Start an exchange with sign-ups open")
    @app_commands.describe(
        name="A name, unique in this server (1 to 50 characters)",
        requests_min="Requests a sign-up needs (1 to 10, default 1)",
        requests_max="Requests a member may make (1 to 10, default 3)",
        offers_min="Offers a sign-up needs (1 to 10, default 1)",
        offers_max="Offers a member may make (1 to 10, default 5)",
        match="fandom (default), fandom_and_tag, or any (a Secret Santa)",
        signups_close="When sign-ups close by themselves: YYYY-MM-DD (end of that day, UTC)",
        due="When gifts are due: YYYY-MM-DD (end of that day, UTC)",
        reveal="When gifts are revealed: YYYY-MM-DD",
        channel="Where the gifts are revealed",
        nominations="Start with fandom nominations, approved by moderators (default off)",
        nominations_max="Fandoms each member may nominate (1 to 10, default 3)",
        tagset_from="Reuse the approved fandoms of an earlier exchange",
    )
    async def create(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, NAME_MAX],
        requests_min: app_commands.Range[int, 1, 10] = 1,
        requests_max: app_commands.Range[int, 1, 10] = 3,
        offers_min: app_commands.Range[int, 1, 10] = 1,
        offers_max: app_commands.Range[int, 1, 10] = 5,
        match: MatchRule = "fandom",
        signups_close: app_commands.Range[str, 1, 10] | None = None,
        due: app_commands.Range[str, 1, 10] | None = None,
        reveal: app_commands.Range[str, 1, 10] | None = None,
        channel: discord.TextChannel | None = None,
        nominations: bool = False,
        nominations_max: app_commands.Range[int, 1, 10] = 3,
        tagset_from: ExchangeOption | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        settings = ExchangeSettings(
            requests_min=requests_min,
            requests_max=requests_max,
            offers_min=offers_min,
            offers_max=offers_max,
            match_rule=match,
            signups_close_at=end_of_day("Sign-ups close", signups_close),
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
            approved = await self.store.approved_names(guild_id, created.name, "")  # reused from tagset_from
            posted = await self._announce(
                created, render.signups_opened_post(self.bot, created, approved), interaction.channel_id
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
        signups_close="When sign-ups close by themselves: YYYY-MM-DD",
        due="YYYY-MM-DD",
        reveal="YYYY-MM-DD",
        channel="Where the gifts are revealed",
    )
    async def edit(
        self,
        interaction: Interaction,
        exchange: ExchangeOption,
        name: app_commands.Range[str, 1, NAME_MAX] | None = None,
        requests_min: app_commands.Range[int, 1, 10] | None = None,
        requests_max: app_commands.Range[int, 1, 10] | None = None,
        offers_min: app_commands.Range[int, 1, 10] | None = None,
        offers_max: app_commands.Range[int, 1, 10] | None = None,
        match: MatchRule | None = None,
        signups_close: app_commands.Range[str, 1, 10] | None = None,
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
                "signups_close_at": end_of_day("Sign-ups close", signups_close),
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
            approved = await self.store.approved_names(guild_id, moved.name, "")  # nominators learn the result
            announcement = render.signups_opened_post(self.bot, moved, approved, again=not first)
        await interaction.response.defer(ephemeral=True, thinking=True)
        posted = await self._announce(moved, announcement, interaction.channel_id)
        await answer_privately(interaction, text + posted)
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}>: {text}")

    @moderators.command(name="close", description="Close sign-ups")
    @app_commands.describe(exchange="The exchange")
    async def close(self, interaction: Interaction, exchange: ExchangeOption) -> None:
        await self._move(interaction, exchange, "close")

    @moderators.command(name="nominations", description="Review fandom nominations: approve or reject each")
    @app_commands.describe(exchange="The exchange")
    async def nominations(self, interaction: Interaction, exchange: ExchangeOption) -> None:
        found, first = await self.store.nomination_page(guild_id_of(interaction), exchange, 0, FANDOMS_PER_PAGE)
        await NominationReview(interaction.user.id, self, found, first).show(interaction)

    @moderators.command(name="open", description="Open sign-ups after nominations, or reopen them")
    @app_commands.describe(exchange="The exchange")
    async def open(self, interaction: Interaction, exchange: ExchangeOption) -> None:
        await self._move(interaction, exchange, "open")

    @moderators.command(name="match", description="Compute the best assignments (sends nothing)")
    @app_commands.describe(exchange="The exchange")
    async def match(self, interaction: Interaction, exchange: ExchangeOption) -> None:
        guild_id = guild_id_of(interaction)
        # The solver runs in a process of its own (db/match_worker.py): numpy and scipy never load into the bot.
        # Started first, even before the deferral's round trip to Discord, so it loads them (about 0.45 s of CPU)
        # while the bot defers and reads the sign-ups.
        async with MatchWorker() as solver:
            await interaction.response.defer(ephemeral=True, thinking=True)  # thousands of sign-ups: seconds
            found, people = await self.store.matchable(guild_id, exchange)
            # Do-not-match lists (fixed since sign-ups closed) and the server's earlier pairs (db/avoid.py).
            pairs = await self.bot.store.avoid.pair_rules(found)
            result = await solver.best_match(people, found.settings.match_rule, self.matching_rng(), pairs)
        await self.store.save_match(found.id, result.pairs, interaction.user.id)
        await MatchReport(interaction.user.id, self, found, result, len(people)).show(interaction)
        await log_line(
            self.bot, guild_id, f"🎁 <@{interaction.user.id}> matched {found.name}: {result.matched} of {len(people)}."
        )

    @moderators.command(name="signups", description="Every sign-up, whole, one a page")
    @app_commands.describe(exchange="The exchange", page="Which sign-up to start at (1 is the first)")
    async def signups(
        self, interaction: Interaction, exchange: ExchangeOption, page: app_commands.Range[int, 1] = 1
    ) -> None:
        guild_id = guild_id_of(interaction)
        found, first = await self.store.signup_sheet(guild_id, exchange, page - 1)

        async def fetch(number: int) -> Page[Signup]:
            return (await self.store.signup_sheet(guild_id, found.name, number))[1]

        await Paginator.send(interaction, fetch, lambda shown: render.signup_sheet_embed(found, shown), first=first)

    @moderators.command(name="assign", description="Set the giver for a recipient")
    @app_commands.describe(
        exchange="The exchange", recipient="Who receives", giver="Who writes (a pinch hitter may be anyone)"
    )
    async def assign(
        self,
        interaction: Interaction,
        exchange: ExchangeOption,
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
        if found.sent:  # an open pinch hit for this recipient is taken now: its post says so
            await close_pinch_post(self.bot, found, recipient.id, taken=True)
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
    async def unassign(self, interaction: Interaction, exchange: ExchangeOption, recipient: discord.User) -> None:
        guild_id = guild_id_of(interaction)
        found, giver = await self.store.unassign(guild_id, exchange, recipient.id, interaction.user.id)
        await answer_privately(interaction, f"<@{recipient.id}> has no giver in **{found.name}** now.")
        if found.sent and giver is not None:  # they had their assignment: tell them it is off
            await self._release(found, giver)
        await close_pinch_post(self.bot, found, recipient.id, taken=False)  # no live Take button left behind
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}> removed an assignment in {found.name}.")

    @moderators.command(name="send", description="Send every giver their assignment by direct message")
    @app_commands.describe(exchange="The exchange")
    async def send(self, interaction: Interaction, exchange: ExchangeOption) -> None:
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

    @moderators.command(name="undefault", description="Restore a defaulted assignment")
    @app_commands.describe(exchange="The exchange", member="The giver who defaulted")
    async def undefault(self, interaction: Interaction, exchange: ExchangeOption, member: discord.User) -> None:
        guild_id = guild_id_of(interaction)
        found, restored = await self.store.undefault(guild_id, exchange, member.id, interaction.user.id)
        await answer_privately(interaction, f"<@{member.id}>'s assignment in **{found.name}** is theirs again.")
        await close_pinch_post(self.bot, found, restored.recipient_id, taken=False)
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}> restored an assignment in {found.name}.")

    @moderators.command(name="reveal", description="Reveal the works, then their creators")
    @app_commands.describe(exchange="The exchange", what="works first (the gifts), then creators (who wrote them)")
    async def reveal(
        self, interaction: Interaction, exchange: ExchangeOption, what: Literal["works", "creators"]
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
    async def remove(self, interaction: Interaction, exchange: ExchangeOption, member: discord.User) -> None:
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
        await close_pinch_post(self.bot, found, member.id, taken=False)  # they needed a pinch hit themselves
        await log_line(self.bot, guild_id, f"🎁 <@{interaction.user.id}> removed a participant from {found.name}.")

    @moderators.command(name="delete", description="Delete an exchange (asks to confirm)")
    @app_commands.describe(exchange="The exchange")
    async def delete(self, interaction: Interaction, exchange: ExchangeOption) -> None:
        found = await self.store.get(guild_id_of(interaction), exchange)
        await answer_privately(
            interaction,
            f"Delete **{found.name}** with all its sign-ups, assignments and gifts? This cannot be undone."
            " Works posted elsewhere stay where they are.",
            view=ConfirmDelete(interaction.user.id, self, found.name),
        )

    @moderators.command(name="export", description="Sign-ups, assignments and gifts (names everyone)")
    @app_commands.describe(exchange="The exchange", format="json or csv")
    async def export(self, interaction: Interaction, exchange: ExchangeOption, format: Literal["csv", "json"]) -> None:
        guild_id = guild_id_of(interaction)
        # With the do-not-match lists and the relayed messages (db/relay.py).
        data = await self.bot.store.relay.moderators_copy(guild_id, exchange)
        await interaction.response.defer(ephemeral=True, thinking=True)
        content = await asyncio.to_thread(exchange_file, data, format)
        # Named for the server and the exchange (a moderator may keep files of several servers side by side).
        server = interaction.guild.name if interaction.guild is not None else ""
        safe = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{server} {data['name']}").strip("-") or "exchange"
        await interaction.followup.send(
            f"The moderators' copy of **{data['name']}** ({format}).",
            file=discord.File(io.BytesIO(content), filename=f"exchange-{safe}.{format}"),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
