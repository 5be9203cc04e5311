"""/exchange: gift-exchange rounds (EXCHANGES.md). One cog, `Exchanges`, made of one part per thing people do:

- signups.py: members sign up (requests, offers, do-not-match lists, nominations) and see where an exchange
  stands;
- gifts.py: members with an assignment: the assignment, the gift, giving up, pinch hits (the Take button),
  anonymous messages between giver and recipient;
- moderation.py: `/mod exchange`, the moderators' commands and their buttons;
- outbox.py: assignment messages sent once each, and the background sweep (resumed sends, reminders, overdue);
- base.py: the two groups, the `exchange` option, and what every part shares.

Secrecy is asked of `Secrecy` by the renderers in cogs/ui/exchange_embeds.py; nothing here names a giver except
to moderators and to the giver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from cogs.exchanges import base
from cogs.exchanges.gifts import TakePinchHit
from cogs.exchanges.moderation import ModeratorCommands
from cogs.exchanges.signups import SignupCommands

if TYPE_CHECKING:
    from bot import Promptfill


class Exchanges(SignupCommands, ModeratorCommands):
    # The groups are attributes of the cog, so discord.py binds every part's commands to this one cog.
    exchange = base.exchange
    _mod_stand_in = base.mod_stand_in
    moderators = base.moderators

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(TakePinchHit)
        # This cog's own copy of /exchange (discord.py copies a cog's groups, bound to the cog), laid out in the
        # published order: each part declares its commands, and the parts are imported in another order.
        members = next(c for c in self.__cog_app_commands__ if c.name == self.exchange.name)
        if not isinstance(members, app_commands.Group) or {c.name for c in members.commands} != set(
            base.MEMBER_COMMANDS
        ):
            raise RuntimeError("MEMBER_COMMANDS (cogs/exchanges/base.py) must name every /exchange command")
        for command in sorted(members.commands, key=lambda c: base.MEMBER_COMMANDS.index(c.name)):
            members.remove_command(command.name)
            members.add_command(command)
        mod = self.bot.tree.get_command("mod")
        if not isinstance(mod, app_commands.Group):
            raise RuntimeError("cogs.exchanges needs /mod: load cogs.moderation first")
        stand_in = next(c for c in self.__cog_app_commands__ if c.name == self._mod_stand_in.name)
        self.__cog_app_commands__ = [c for c in self.__cog_app_commands__ if c is not stand_in]
        group = stand_in.get_command(self.moderators.name) if isinstance(stand_in, app_commands.Group) else None
        if group is None:
            raise RuntimeError("the moderators' exchange group is missing from its stand-in")
        mod.add_command(group)

    async def cog_unload(self) -> None:
        for task in self._resuming:
            task.cancel()
        self.bot.remove_dynamic_items(TakePinchHit)
        mod = self.bot.tree.get_command("mod")
        if isinstance(mod, app_commands.Group):
            mod.remove_command(self.moderators.name)


async def setup(bot: Promptfill) -> None:
    await bot.add_cog(Exchanges(bot))
