"""`/exchange message`: a question or an answer between a giver and their recipient, relayed by direct message
(issue 23, item 5). The recipient's copy never names the giver; the giver's names the recipient, whom they know.
The message is recorded first (db/relay.py), then sent; the sender is told how the delivery went.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.exchange_models import Exchange
from db.relay import Delivery as Stored
from db.relay import RelayedMessage, Side, message_text
from interactions.checks import Interaction, guild_id_of
from interactions.sending import Delivery, answer_privately, dm_delivery

if TYPE_CHECKING:
    from bot import Promptfill

# How a delivery is kept: a failure on the way may have arrived (connection, timeout), so it is not repeated.
STORED: dict[Delivery, Stored] = {Delivery.SENT: "delivered", Delivery.REFUSED: "refused", Delivery.FAILED: "unknown"}


def where(bot: Promptfill, exchange: Exchange) -> str:
    """The exchange and its server: a member may be in several servers' exchanges."""
    guild = bot.get_guild(exchange.guild_id)
    return f"**{exchange.name}** on {guild.name}" if guild is not None else f"**{exchange.name}**"


def relayed_dm(bot: Promptfill, exchange: Exchange, message: RelayedMessage) -> str:
    """The direct message: who it is from (never the giver by name), where, how to answer, then the text quoted.
    The quote comes last: Discord's `>>>` quotes everything after it, whatever lines the member wrote."""
    answer = bot.mention("exchange message", dm=True)
    if message.to == "recipient":
        heading = (
            f"🎁 Your giver in {where(bot, exchange)} writes to you. Answer with {answer} `to:giver` in the server;"
            " your giver stays anonymous until the creators are revealed."
        )
    else:
        heading = (
            f"🎁 Your recipient <@{message.sender_id}> in {where(bot, exchange)} writes to you. Answer with {answer}"
            " `to:recipient` in the server; they still do not know who you are."
        )
    return f"{heading}\n>>> {message.text}"


def outcome_line(message: RelayedMessage, delivery: Delivery) -> str:
    """What the sender reads: only a recipient's name, never a giver's."""
    them = f"<@{message.receiver_id}>" if message.to == "recipient" else "your giver"
    if delivery is Delivery.SENT:
        if message.to == "recipient":
            return f"Sent to {them} without your name. Their answer will come to you by direct message."
        return "Sent to your giver. Their answer will come to you by direct message."
    if delivery is Delivery.REFUSED:
        return (
            f"Your message is recorded, but {them} doesn't accept direct messages from the bot, so it could not be"
            " delivered. Moderators can read it in the exchange's records."
        )
    return (
        "Your message is recorded, but Discord did not confirm it arrived; it is not sent twice. Moderators can read"
        " it in the exchange's records."
    )


async def relay(bot: Promptfill, interaction: Interaction, exchange: str | None, to: Side, text: str) -> None:
    """Records the message (refusals change nothing), then delivers it to whoever holds the assignment now."""
    found, message = await bot.store.relay.record(
        guild_id_of(interaction), exchange, interaction.user.id, to, message_text(text)
    )
    await interaction.response.defer(ephemeral=True, thinking=True)  # a direct message may wait on rate limits
    delivery = await dm_delivery(bot, message.receiver_id, content=relayed_dm(bot, found, message))
    await bot.store.relay.mark(message.id, STORED[delivery])
    await answer_privately(interaction, outcome_line(message, delivery))
