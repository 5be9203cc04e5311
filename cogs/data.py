"""/export and /import: a moderator's backup and bulk loading of prompts."""

from __future__ import annotations

import asyncio
import io
import unicodedata
from typing import TYPE_CHECKING, Literal

import discord
import regex
from discord import app_commands
from discord.ext import commands

from cogs.ui.configuring import imported_offer
from cogs.ui.embeds import CONTENT_LIMIT, fitted_content
from db.collector import collector_paused
from db.transfer import parse_import
from interactions.checks import Interaction, guild_id_of, moderators_only
from interactions.refusals import sentence
from interactions.sending import NO_MENTIONS, log_line
from interactions.words import plural

if TYPE_CHECKING:
    from bot import Promptfill

REPORT_LINES = 25
FILE_NAME_PART_LIMIT = 40


def file_name_part(name: str) -> str:
    """A server's name as part of a file name: letters and digits of any script, the rest as single dashes,
    lower case; "server" when nothing is left (a name of emoji only)."""
    words = regex.sub(r"[^\p{L}\p{N}]+", "-", unicodedata.normalize("NFKC", name)).strip("-").lower()
    return words[:FILE_NAME_PART_LIMIT].rstrip("-") or "server"


class Data(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @moderators_only()
    @app_commands.command(name="export", description="Download the server's prompts, claims and fills")
    @app_commands.describe(format="json keeps everything and can be imported again; csv opens in spreadsheets")
    async def export(self, interaction: Interaction, format: Literal["csv", "json"]) -> None:
        guild_id = guild_id_of(interaction)
        # A big server's export takes longer than Discord's 3 seconds: answer "thinking…" first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        limit = interaction.filesize_limit
        files = await self.bot.store.transfer.export_files(guild_id, format, limit=limit)
        if any(len(part) > limit for part in files.parts):
            await interaction.followup.send(
                f"This server's export does not fit Discord's {limit / 1_048_576:.0f} MiB upload limit even "
                "compressed and split. Ask the bot's host for a database backup (`python bot.py backup`) instead.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        stamp = self.bot.clock().strftime("%Y%m%d-%H%M")
        count = len(files.parts)
        server = file_name_part(interaction.guild.name if interaction.guild else "")
        for number, part in enumerate(files.parts, start=1):
            name = f"promptfill-{server}-{stamp}" + (f"-part{number}of{count}" if count > 1 else "")
            name += f".{format}" + (".gz" if files.compressed else "")
            if number == 1:
                note = f"Here is this server's export as {format.upper()}."
                if files.compressed:
                    note += (
                        " It is gzip-compressed to fit Discord's upload limit;"
                        f" {self.bot.mention('import')} reads it as it is."
                    )
                if count > 1:
                    note += f" It comes in {count} parts (one file each); import them one after another."
            else:
                note = f"Part {number} of {count}."
            await interaction.followup.send(
                note, file=discord.File(io.BytesIO(part), filename=name), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
        await log_line(
            self.bot, guild_id, f"📦 <@{interaction.user.id}> exported the server's prompts as {format.upper()}."
        )

    @moderators_only()
    @app_commands.command(name="import", description="Add prompts from a JSON export or a text file (one per line)")
    @app_commands.describe(
        file="A .json, .json.gz or .csv file made by /export, or a .txt file with one prompt per line"
    )
    async def import_(self, interaction: Interaction, file: discord.Attachment) -> None:
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        # Reading a big JSON or CSV file takes a while: on a thread, so other members are not kept waiting.
        with collector_paused():  # the file's entries live until written: no full collector pass over them
            entries = await asyncio.to_thread(parse_import, file.filename, await file.read())
            report = await self.bot.store.transfer.import_entries(guild_id, interaction.user.id, entries)
            # Freed here by reference counting: alive when the collector resumes, its first pass would walk
            # every entry of the file and stall the event loop (hundreds of milliseconds for 35,000 entries).
            del entries
        lines = [
            f"Added {plural(len(report.added), 'prompt')}"
            + (f" (#{report.added[0]} to #{report.added[-1]})." if report.added else ".")
        ]
        if report.refused:
            lines.append(f"Refused {len(report.refused):,}:")
            lines += [
                f"• {name}: {(sentence(why) or str(why)).removesuffix(' Nothing was changed.')}"
                for name, why in report.refused[:REPORT_LINES]
            ]
            if len(report.refused) > REPORT_LINES:
                lines.append(f"… and {len(report.refused) - REPORT_LINES} more.")
        offer, view = await imported_offer(self.bot, guild_id)
        text = "\n".join(lines)
        if offer:  # the offer and its button are never the part cut to fit
            text = fitted_content(text, CONTENT_LIMIT - len(offer) - 2) + "\n\n" + offer
        await interaction.followup.send(
            fitted_content(text),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
            view=view or discord.utils.MISSING,
        )
        added = plural(len(report.added), "prompt")
        refused = f" ({len(report.refused):,} refused)" if report.refused else ""
        await log_line(
            self.bot, guild_id, f"📥 <@{interaction.user.id}> imported {added} from {file.filename}{refused}."
        )


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Data(bot))
