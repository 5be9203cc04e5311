"""/export and /import: a moderator's backup and bulk loading of prompts."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from db.transfer import parse_import
from interactions.checks import Interaction, guild_id_of, moderators_only
from interactions.refusals import sentence
from interactions.sending import NO_MENTIONS, log_line

if TYPE_CHECKING:
    from bot import Promptfill

REPORT_LINES = 25


class Data(commands.Cog):
    def __init__(self, bot: Promptfill) -> None:
        self.bot = bot

    @moderators_only()
    @app_commands.command(name="export", description="Download the server's prompts, claims and fills")
    @app_commands.describe(format="json keeps everything and can be imported again; csv opens in spreadsheets")
    async def export(self, interaction: Interaction, format: Literal["csv", "json"]) -> None:
        guild_id = guild_id_of(interaction)
        transfer = self.bot.store.transfer
        body = await (transfer.export_json(guild_id) if format == "json" else transfer.export_csv(guild_id))
        stamp = self.bot.clock().strftime("%Y%m%d-%H%M")
        attachment = discord.File(io.BytesIO(body.encode("utf-8")), filename=f"promptfill-{guild_id}-{stamp}.{format}")
        await interaction.response.send_message(
            f"Here is this server's export ({format}).", file=attachment, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        await log_line(self.bot, guild_id, f"📦 <@{interaction.user.id}> exported the server's prompts ({format}).")

    @moderators_only()
    @app_commands.command(name="import", description="Add prompts from a JSON export or a text file (one per line)")
    @app_commands.describe(file="A .json file made by /export, or a .txt file with one prompt per line")
    async def import_(self, interaction: Interaction, file: discord.Attachment) -> None:
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        entries = parse_import(file.filename, await file.read())
        report = await self.bot.store.transfer.import_entries(guild_id, interaction.user.id, entries)
        lines = [
            f"Added {len(report.added)} prompt{'s' if len(report.added) != 1 else ''}"
            + (f" (#{report.added[0]} to #{report.added[-1]})." if report.added else ".")
        ]
        if report.refused:
            lines.append(f"Refused {len(report.refused)}:")
            lines += [
                f"• {name}: {(sentence(why) or str(why)).removesuffix(' Nothing was changed.')}"
                for name, why in report.refused[:REPORT_LINES]
            ]
            if len(report.refused) > REPORT_LINES:
                lines.append(f"… and {len(report.refused) - REPORT_LINES} more.")
        await interaction.followup.send("\n".join(lines)[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS)
        await log_line(self.bot, guild_id, f"📥 <@{interaction.user.id}> imported {len(report.added)} prompts.")


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Data(bot))
