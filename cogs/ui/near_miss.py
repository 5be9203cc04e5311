"""The near-miss guard: a fandom new to the server that is close to a known one is stored only after the
member chooses between the two.

The draft (a prompt, an edit, an exchange request or offer) waits in this short-lived view, in memory,
with nothing written: the member's choice stores it with the fandom they picked, once. Only the member
who ran the command may choose; a second click changes nothing. If nobody chooses within ten minutes,
nothing is stored and the question is replaced by a sentence saying so (with a prompt's text, so a long
text typed into the form is not lost).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

import discord

from cogs.ui.embeds import unsent_text_embed
from cogs.ui.owned import OwnedView
from db.fandoms import NameKind
from interactions.checks import Interaction, guild_id_of
from interactions.refusals import report
from interactions.sending import NO_MENTIONS

# The view outlives its question by less than Discord keeps the first answer editable (15 minutes).
CHOICE_SECONDS = 600
LABEL_MAX = 80

Proceed = Callable[[Interaction, str | None], Awaitable[None]]


def _label(verb: str, name: str) -> str:
    label = f"{verb} {name}"
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


class NearMissView(OwnedView):
    not_yours = "This choice belongs to whoever ran the command; run it yourself."

    def __init__(
        self, origin: Interaction, typed: str, known: str, proceed: Proceed, *, what: str, text: str | None
    ) -> None:
        super().__init__(origin.user.id, timeout=CHOICE_SECONDS)
        self.origin = origin
        self.proceed = proceed
        self.what = what
        self.text = text
        self.chosen = False
        self.add_item(_Choice(known, "Use", discord.ButtonStyle.primary, "promptfill:nearmiss:use"))
        self.add_item(_Choice(typed, "Keep", discord.ButtonStyle.secondary, "promptfill:nearmiss:keep"))

    async def choose(self, interaction: Interaction, name: str) -> None:
        if self.chosen:
            # A second click (a double tap, or both buttons at once): the first one already decided.
            await interaction.response.defer()
            return
        self.chosen = True
        self.stop()
        try:
            await self.proceed(interaction, name)
        except Exception as error:
            await report(interaction, error)
        await self._close(f"Fandom chosen: **{discord.utils.escape_markdown(name)}**.")

    async def _close(self, content: str, embed: discord.Embed | None = None) -> None:
        # A question the member dismissed cannot be edited; the choice stands either way.
        with contextlib.suppress(discord.HTTPException):
            await self.origin.edit_original_response(
                content=content, view=None, embeds=[embed] if embed else [], allowed_mentions=NO_MENTIONS
            )

    async def on_timeout(self) -> None:
        if self.chosen:
            return
        self.chosen = True
        minutes = CHOICE_SECONDS // 60
        note = (
            f"Nothing was stored: no fandom was chosen within {minutes} minutes. Run the command again to {self.what}."
        )
        if self.text:
            note += " Your text is below, to copy."
        await self._close(note, unsent_text_embed(self.text) if self.text else None)


class _Choice(discord.ui.Button[NearMissView]):
    def __init__(self, name: str, verb: str, style: discord.ButtonStyle, custom_id: str) -> None:
        super().__init__(label=_label(verb, name), style=style, custom_id=custom_id)
        self.name = name

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        if self.view is not None:
            await self.view.choose(interaction, self.name)


async def guard_name(
    interaction: Interaction,
    fandom: str | None,
    proceed: Proceed,
    *,
    what: str,
    text: str | None = None,
    kind: NameKind = "fandom",
    offers_in: str | None = None,
    request: bool = False,
) -> None:
    """Store through `proceed` at once, unless `fandom` is new here and close to a known one: then ask first.

    For an exchange request (`request`, in the exchange `offers_in` or the server's only one), also when
    nobody offers that fandom but someone offers a close one."""
    names = interaction.client.store.names
    guild_id = guild_id_of(interaction)
    known = why = None
    if fandom is not None:
        # A name moderators merged into another lands on that one, without asking.
        fandom, known = await names.canonical_and_near_miss(guild_id, kind, fandom)
        why = "is new in this server, and close to **{}**, which members already use."
        if known is None and request:
            known = await names.near_offer(guild_id, offers_in, fandom)
            why = "is offered by nobody in this exchange yet, and close to **{}**, which is offered."
    if fandom is None or known is None or why is None:
        await proceed(interaction, fandom)
        return
    typed_md, known_md = discord.utils.escape_markdown(fandom), discord.utils.escape_markdown(known)
    await interaction.response.send_message(
        f"**{typed_md}** {why.format(known_md)} Which one did you mean? Nothing is stored until you choose.",
        view=NearMissView(interaction, fandom, known, proceed, what=what, text=text),
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )
