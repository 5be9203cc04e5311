"""What every part of the exchange cog shares: its two command groups, the `exchange` option, and the
cog's own state and helpers (the store, secrecy, announcements, where a direct message is from).

`/exchange` (members) and `/mod exchange` (moderators) are one group each. Discord.py collects a cog's
commands over its classes, so each part (signups.py, gifts.py, moderation.py, outbox.py) declares its
commands with `@exchange.command` or `@moderators.command` on a class of its own, and `Exchanges`
(__init__.py) is the one cog made of them all.
"""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from db.errors import InvalidField
from db.exchange_models import NAME_MAX, Exchange, Secrecy
from db.exchanges import ExchangeRepo
from db.models import Viewer
from interactions.checks import Interaction, is_moderator, require_moderator
from interactions.sending import post

if TYPE_CHECKING:
    from bot import Promptfill

log = logging.getLogger(__name__)


class ExchangeName(app_commands.Transformer):
    """The `exchange` option of every exchange command: an exchange's name as typed (1 to 50 characters),
    with the server's exchanges offered as the member types (running ones first)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return NAME_MAX

    async def transform(self, interaction: Interaction, value: str, /) -> str:  # type: ignore[override]
        return value  # the store finds the exchange (and refuses an unknown name) in the command's transaction

    async def autocomplete(self, interaction: Interaction, value: str, /) -> list[app_commands.Choice[str]]:  # type: ignore[override]
        if interaction.guild_id is None:
            return []
        names = await interaction.client.store.exchanges.names(interaction.guild_id, value)
        return [app_commands.Choice(name=n, value=n) for n in names[:25]]


ExchangeOption = app_commands.Transform[str, ExchangeName]


class ModeratorsGroup(app_commands.Group):
    """The moderators' exchange commands, `/mod exchange …`. `/mod` is hidden from members by Discord
    (default permissions apply to top-level commands only); this runs the moderator rule again on every use."""

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        return await require_moderator(interaction)


exchange = app_commands.Group(
    name="exchange", description="Gift exchanges: sign up, get an assignment, post a gift", guild_only=True
)
# Declared under a stand-in parent, so its commands are the cog's methods; cog_load moves the group under the
# real `/mod` of cogs/moderation.py (loaded first), and the stand-in is never registered.
# /exchange's subcommands in the order they are published (joining, writing, then nominations and status, as
# they were added over time); each part declares its own, and cog_load lays them out in this order.
MEMBER_COMMANDS = (
    "request",
    "offer",
    "signup",
    "drop",
    "leave",
    "assignment",
    "gift",
    "default",
    "pinchhits",
    "nominate",
    "status",
    "letter",
    "summary",
    "avoid",
    "message",
)
mod_stand_in = app_commands.Group(name="mod", description="Moderators")
moderators = ModeratorsGroup(
    name="exchange", description="Run exchanges: sign-ups, matching, assignments, reveals", parent=mod_stand_in
)


def end_of_day(field: str, value: str | None) -> int | None:
    """`YYYY-MM-DD` as the last second of that day in UTC."""
    if value is None:
        return None
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise InvalidField(field, "must be a date written YYYY-MM-DD, e.g. 2026-12-24") from None
    return int((day + timedelta(days=1)).timestamp()) - 1


class ExchangeCog(commands.Cog):
    """The state and helpers every part of the cog uses."""

    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot
        self._sending: set[int] = set()  # exchanges this process is sending now (send and sweep take turns)
        self._resuming: set[Any] = set()  # sends a sweep resumed in the background (outbox.py)

    @property
    def store(self) -> ExchangeRepo:
        return self.bot.store.exchanges

    def matching_rng(self) -> random.Random:
        """Ties between equally good matches are broken by a generator seeded from the bot's injected random
        source (a seeded one in tests makes the match repeatable). A generator of its own: it travels to the
        match worker with its state, which the system's source cannot."""
        return random.Random(self.bot.rng.getrandbits(64))  # noqa: S311 (not for secrets: it only breaks ties)

    async def _secrecy(self, interaction: Interaction) -> Secrecy:
        return Secrecy(Viewer(member_id=interaction.user.id, is_moderator=await is_moderator(interaction)))

    async def _announce(self, exchange: Exchange, text: str, here: int | None, **extra: Any) -> str:
        """Posts in the exchange's channel, else in `here` (where a moderator acted; None where that could tie
        the post to a member, as after a default). Returns what the moderator is told about the post."""
        return (await self._announced(exchange, text, here, **extra))[1]

    async def _announced(
        self, exchange: Exchange, text: str, here: int | None, **extra: Any
    ) -> tuple[discord.Message | None, str]:
        """As `_announce`, with the post itself (None when nothing was posted), for a post edited later."""
        channel_id = exchange.settings.channel_id or here
        if channel_id is None:
            return None, ""
        message = await post(self.bot, channel_id, content=text, **extra)
        if message is None:
            return None, (
                f" The announcement could not be posted in <#{channel_id}>: the bot needs to view that channel and"
                " send messages there."
            )
        return message, f" Announced in <#{channel_id}>."

    def _where(self, exchange: Exchange) -> str:
        """The exchange and its server, for direct messages: a member may be in several servers' exchanges."""
        guild = self.bot.get_guild(exchange.guild_id)
        return f"**{exchange.name}** ({guild.name})" if guild is not None else f"**{exchange.name}**"
