"""/exchange's sign-up commands: requests, offers, the member's own sign-up, letter and do-not-match list,
nominations, and where an exchange stands (its status, the sign-up summary). A new member command about joining
an exchange goes here."""

from __future__ import annotations

from dataclasses import replace

import discord
from discord import app_commands

from cogs.exchanges.base import ExchangeCog, ExchangeOption, exchange
from cogs.ui import avoid as do_not_match
from cogs.ui import exchange_embeds as render
from cogs.ui import letters as letters_ui
from cogs.ui.fandom_autocomplete import exchange_fandom_autocomplete, fandom_autocomplete
from cogs.ui.near_miss import guard_name
from db import validation
from db.errors import InvalidField
from db.exchange_models import Exchange, Signup
from db.exchanges import offer_draft, request_draft
from db.models import Rating
from interactions.checks import Interaction, guild_id_of
from interactions.sending import answer_privately


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


class SignupCommands(ExchangeCog):
    async def _card(self, exchange: Exchange, signup: Signup) -> discord.Embed:
        """The member's sign-up as they read it after each change, with whether their letter is written."""
        letters = await self.bot.store.letters.of_members(exchange.id, [signup.member_id])
        return render.signup_embed(self.bot, exchange, signup, letter=signup.member_id in letters)

    @exchange.command(name="request", description="Add something you would love to receive")
    @app_commands.describe(
        fandom="The fandom (required)",
        tags="Characters, relationships, tropes: comma separated, up to 20",
        details="What you would like, in your words (up to 4,000 characters)",
        rating="The most explicit rating you would like",
        exchange="Which exchange (optional when the server runs one)",
    )
    @app_commands.autocomplete(fandom=exchange_fandom_autocomplete)
    async def request(
        self,
        interaction: Interaction,
        fandom: app_commands.Range[str, 1, 100],
        tags: app_commands.Range[str, 1, 1100] | None = None,
        details: app_commands.Range[str, 1, 4000] | None = None,
        rating: Rating | None = None,
        exchange: ExchangeOption | None = None,
    ) -> None:
        draft = request_draft(fandom, tags, details, rating)

        async def add(chosen: Interaction, name: str | None) -> None:
            found, signup = await self.store.add_request(
                guild_id_of(chosen), exchange, chosen.user.id, replace(draft, fandom=name or draft.fandom)
            )
            await answer_privately(chosen, "Request added.", embed=await self._card(found, signup))

        await guard_name(interaction, draft.fandom, add, what="add your request", offers_in=exchange, request=True)

    @exchange.command(name="offer", description="Add a fandom you are willing to write for")
    @app_commands.describe(
        fandom="The fandom (required)",
        tags="What you are happy to write (comma separated); none means anything in the fandom",
        exchange="Which exchange (optional when the server runs one)",
    )
    @app_commands.autocomplete(fandom=exchange_fandom_autocomplete)
    async def offer(
        self,
        interaction: Interaction,
        fandom: app_commands.Range[str, 1, 100],
        tags: app_commands.Range[str, 1, 1100] | None = None,
        exchange: ExchangeOption | None = None,
    ) -> None:
        draft = offer_draft(fandom, tags)

        async def add(chosen: Interaction, name: str | None) -> None:
            found, signup = await self.store.add_offer(
                guild_id_of(chosen), exchange, chosen.user.id, replace(draft, fandom=name or draft.fandom)
            )
            await answer_privately(chosen, "Offer added.", embed=await self._card(found, signup))

        await guard_name(interaction, draft.fandom, add, what="add your offer")

    @exchange.command(name="signup", description="See your sign-up: requests and offers, complete or not")
    @app_commands.describe(exchange="Which exchange (optional when the server runs one)")
    async def signup(self, interaction: Interaction, exchange: ExchangeOption | None = None) -> None:
        found, signup = await self.store.signup(guild_id_of(interaction), exchange, interaction.user.id)
        await answer_privately(interaction, "", embed=await self._card(found, signup))

    @exchange.command(name="drop", description="Remove one of your requests or offers while sign-ups are open")
    @app_commands.describe(item="request N or offer N, as /exchange signup numbers them", exchange="Which exchange")
    @app_commands.autocomplete(item=item_autocomplete)
    async def drop(
        self,
        interaction: Interaction,
        item: app_commands.Range[str, 1, 20],
        exchange: ExchangeOption | None = None,
    ) -> None:
        found, signup = await self.store.drop_item(guild_id_of(interaction), exchange, interaction.user.id, item)
        await answer_privately(interaction, f"Removed {item.strip()}.", embed=await self._card(found, signup))

    @exchange.command(name="leave", description="Withdraw your whole sign-up while sign-ups are open")
    @app_commands.describe(exchange="Which exchange (optional when the server runs one)")
    async def leave(self, interaction: Interaction, exchange: ExchangeOption | None = None) -> None:
        found = await self.store.leave(guild_id_of(interaction), exchange, interaction.user.id)
        await answer_privately(interaction, f"You have left **{found.name}**; your requests and offers are gone.")

    @exchange.command(name="nominate", description="Nominate a fandom for an exchange; no options: see yours")
    @app_commands.describe(
        fandom="A fandom you would like in the exchange",
        withdraw="One of your nominations to take back",
        exchange="Which exchange (optional when the server runs one)",
    )
    @app_commands.autocomplete(fandom=fandom_autocomplete, withdraw=nomination_autocomplete)
    async def nominate(
        self,
        interaction: Interaction,
        fandom: app_commands.Range[str, 1, 100] | None = None,
        withdraw: app_commands.Range[str, 1, 100] | None = None,
        exchange: ExchangeOption | None = None,
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
    async def status(self, interaction: Interaction, exchange: ExchangeOption | None = None) -> None:
        found = await self.store.status(guild_id_of(interaction), exchange)
        secrecy = await self._secrecy(interaction)
        # Moderators also see the sign-up summary beside it (cogs/ui/letters.py).
        now = int(self.bot.clock().timestamp())
        embed = render.status_embed(found, secrecy, now)
        await letters_ui.answer_status(interaction, embed, found.exchange, secrecy)

    # -- letters and the sign-up summary (issue 23; their code is in cogs/ui/letters.py and db/letters.py,
    # db/exchange_summary.py) ---------------------------------------------------------------------------------

    @exchange.command(name="letter", description="Write a letter to your giver; no options: see yours")
    @app_commands.describe(
        text="Your letter (up to 4,000 characters; the form keeps line breaks)",
        url="A link to your letter posted elsewhere",
        dnw="What you do not want (up to 1,000 characters)",
        exchange="Which exchange (optional when the server runs one)",
    )
    async def letter(
        self,
        interaction: Interaction,
        text: app_commands.Range[str, 1, 4000] | None = None,
        url: app_commands.Range[str, 1, 2048] | None = None,
        dnw: app_commands.Range[str, 1, 1000] | None = None,
        exchange: ExchangeOption | None = None,
    ) -> None:
        await letters_ui.letter_command(interaction, exchange, text=text, url=url, dnw=dnw)

    @exchange.command(name="summary", description="Requests and offers per fandom, the least offered first")
    @app_commands.describe(exchange="Which exchange (optional when the server runs one)")
    async def summary(self, interaction: Interaction, exchange: ExchangeOption | None = None) -> None:
        await letters_ui.summary_command(interaction, exchange)

    # Issue 23, item 4: the work is in cogs/ui/avoid.py (db/avoid.py).
    @exchange.command(name="avoid", description="Never be matched with a member, either way; no member: your list")
    @app_commands.describe(
        member="Who you must not be matched with (they are never told)",
        remove="Take the member off your list instead",
        exchange="Which exchange (optional when the server runs one)",
    )
    async def avoid(
        self,
        interaction: Interaction,
        member: discord.User | None = None,
        remove: bool = False,
        exchange: ExchangeOption | None = None,
    ) -> None:
        await do_not_match.avoid(self.bot, interaction, exchange, member, remove)
