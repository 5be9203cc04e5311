"""The one place refusals become sentences, and unexpected errors become an apology and a log entry."""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from db.errors import (
    AlreadyClaimed,
    AlreadyFollowing,
    AlreadyGiving,
    AlreadyNominated,
    AnonymousFillsOff,
    AnonymousNotAllowed,
    AvoidLimitReached,
    AvoidNeedsMember,
    AvoidSelf,
    ClaimLimitReached,
    ClaimNotFound,
    DuplicateFill,
    DuplicatePrompt,
    EditLocked,
    ExchangeChoiceNeeded,
    ExchangeNameTaken,
    ExchangeNotFound,
    ExplicitNeedsAgeRestrictedChannel,
    FandomNotApproved,
    FillNotAnonymous,
    FillNotFound,
    FollowLimitReached,
    FollowNeedsOneThing,
    FollowSelf,
    ImportUnreadable,
    InvalidCounts,
    InvalidField,
    MatchIncomplete,
    MessageLimitReached,
    NameNotUsed,
    NoApprovedFandoms,
    NoAssignment,
    NoClaimSlot,
    NoGiverToMessage,
    NominationLimitReached,
    NotAgeRestricted,
    NotAvoided,
    NotDefaulted,
    NotFollowing,
    NothingToChange,
    NothingToDraw,
    NotNominated,
    NotPrompter,
    NotSignedUp,
    NotYourFill,
    NotYourReminder,
    OwnPinchHit,
    OwnPrompt,
    PinchHitGone,
    PromptNotFound,
    SameName,
    SecondOwnPrompt,
    SelfAssignment,
    SignupItemNotFound,
    SignupLimitReached,
    SummaryTooEarly,
    WrongPhase,
    WrongStatus,
)
from db.exchange_models import NOMINATIONS, PHASE_ALLOWS, PHASES, SENT_PHASES, ExchangeAction, Phase
from interactions.checks import Interaction, ModeratorsOnly, ServerOnly, is_moderator
from interactions.sending import answer_privately, mention_list
from interactions.words import STATUS_WORDS, followed, plural

log = logging.getLogger(__name__)


def phase_sentence(name: str, phase: str) -> str:
    """An exchange's phase as what it means for the reader (VOICE.md), never the phase's own name."""
    return {
        "nominations": f"{name} is collecting fandom nominations; sign-ups have not opened yet",
        "signups": f"Sign-ups for {name} are open",
        "closed": f"Sign-ups for {name} are closed and assignments go out soon",
        "assigned": f"Assignments for {name} have been sent",
        "works revealed": f"The gifts of {name} have been revealed",
        "complete": f"{name} is finished: its gifts and their creators have been revealed",
    }.get(phase, name)


# Each exchange action in a refusal's words: "…, so you cannot add a request now."
ACTION_WORDS: dict[ExchangeAction, str] = {
    "nominate": "nominate a fandom",
    "withdraw a nomination": "withdraw a nomination",
    "decide nominations": "approve or reject fandoms",
    "request": "add a request",
    "offer": "add an offer",
    "change a sign-up": "change a sign-up",
    "leave": "leave",
    "write a letter": "write or change a letter",
    "open sign-ups": "open sign-ups",
    "close sign-ups": "close sign-ups",
    "set the closing date": "set the date sign-ups close",
    "change the rules": "change the matching rule or the counts",
    "match": "match",
    "assign": "assign givers",
    "unassign": "unassign",
    "send": "send assignments",
    "see an assignment": "see an assignment",
    "post a gift": "post or replace a gift",
    "give up": "give up an assignment",
    "restore": "restore an assignment",
    "see pinch hits": "take pinch hits",
    "take a pinch hit": "take a pinch hit",
    "reveal works": "reveal the works",
    "reveal creators": "reveal the creators",
    "remove": "remove a participant",
    "change a do-not-match list": "change your do-not-match list",
    "send a message": "send an anonymous message",
}
# The next step from each phase, said after a refusal of what the phase does not allow: to moderators, with the
# command that takes it; to members (MEMBER_NEXT_STEP, `{name}` the exchange), what happens next and what they can
# do meanwhile, never a command only moderators can run.
NEXT_STEP: dict[Phase, str] = {
    "nominations": "A moderator reviews the nominations with `/mod exchange nominations`, then opens sign-ups"
    " with `/mod exchange open`",
    "signups": "A moderator closes sign-ups first with `/mod exchange close`",
    "closed": "A moderator can reopen sign-ups with `/mod exchange open` until assignments are sent",
    "assigned": "Gifts are being written now",
    "works revealed": "Only their creators are left to reveal",
    "complete": "A moderator starts a new exchange with `/mod exchange create`",
}
MEMBER_NEXT_STEP: dict[Phase, str] = {
    "nominations": "Sign-ups for {name} open once the moderators approve the nominated fandoms. Meanwhile you can"
    " nominate with `/exchange nominate`",
    "signups": "The moderators close sign-ups when it is time to match",
    "closed": "If you need a change, ask a moderator: they can reopen sign-ups until assignments are sent",
    "assigned": NEXT_STEP["assigned"],
    "works revealed": NEXT_STEP["works revealed"],
    "complete": "The moderators announce the next exchange when it opens",
}
# What to do instead once an action's phases are over, where that is not the phase's next step.
PAST_STEP: dict[ExchangeAction, str] = {
    "send a message": "Givers are known now: write to each other directly",
}


def phase_remedy(phase: Phase, action: ExchangeAction, *, name: str = "", moderator: bool = False) -> str:
    """What comes before the action can happen: nominations have their own time, an action of a later phase
    waits for the assignments, one whose time is over may say what to do instead (PAST_STEP), anything else
    waits for the phase's next step (a moderator's with its command, a member's in their terms)."""
    allowed = PHASE_ALLOWS[action]
    if allowed == (NOMINATIONS,):  # the next step never leads back to nominations: say when they happen
        return "Nominations come before sign-ups open, in an exchange a moderator creates with them"
    if allowed[0] in SENT_PHASES and PHASES.index(phase) < PHASES.index(allowed[0]):
        return "Assignments have not been sent yet"
    if action in PAST_STEP and PHASES.index(phase) > PHASES.index(allowed[-1]):
        return PAST_STEP[action]
    return NEXT_STEP[phase] if moderator else MEMBER_NEXT_STEP[phase].format(name=name)


def sentence(error: BaseException, *, moderator: bool = False) -> str | None:
    """What a member reads for a refusal; None when the error is a bug. `moderator`: the reader is one, so a
    refusal may name the moderators' commands that lead on (members read what happens next instead)."""
    match error:
        case InvalidField():
            return f"{error.field} {error.problem}. Nothing was changed."
        case NameNotUsed():
            return (
                f"No prompt, request or offer here uses the fandom “{error.name}”, so there is nothing to merge. "
                "`/fandoms list` shows the names in use."
            )
        case SameName():
            return (
                f"“{error.old}” and “{error.new}” are already one fandom here (they differ only in case, accents "
                "or punctuation), so there is nothing to merge."
            )
        case NothingToChange():
            return f"Nothing to change: give at least one new value for the {error.what}."
        case PromptNotFound():
            return (
                f"There is no prompt #{error.number} in this server. "
                "Check the number with `/prompt list` or `/prompt search`."
            )
        case DuplicatePrompt():
            number = error.existing_number
            return (
                f"That prompt already exists here as #{number}. Have a look at it with `/prompt view prompt:{number}`."
            )
        case AnonymousNotAllowed():
            return "This server does not take anonymous prompts. Submit again without `anonymous`."
        case WrongStatus():
            return f"Prompt #{error.number} {STATUS_WORDS[error.status]}, so you cannot {error.action}."
        case NotPrompter():
            return f"Only the member who posted #{error.number}, or a moderator, can {error.action}."
        case EditLocked():
            return f"Prompt #{error.number} has been claimed or filled, so only a moderator can edit it now."
        case ExplicitNeedsAgeRestrictedChannel():
            return f"Prompt #{error.number} is rated Explicit: use this in an age-restricted channel to see it."
        case NotAgeRestricted():
            return (
                f"<#{error.channel_id}> is not age-restricted, so Explicit prompts cannot be posted there. Turn on "
                "Age-Restricted Channel in its settings (Overview), or choose another channel. Nothing was changed."
            )
        case OwnPrompt():
            return (
                f"#{error.number} is your own prompt, so you cannot {error.action}: prompts are for other members to "
                "write. `/prompt random` finds one for you."
            )
        case SecondOwnPrompt():
            return (
                f"#{error.number} is your own prompt, so you cannot second it: a second is another member saying "
                "they want it filled too. Nothing was changed."
            )
        case FollowNeedsOneThing():
            things = "a fandom, a tag, a member or a prompt"
            if error.given == 0:
                return f"Name one thing to {error.action}: {things}. Nothing was changed."
            return (
                f"Name one thing at a time to {error.action} (you named {error.given}): {things}. Nothing was changed."
            )
        case AlreadyFollowing():
            return f"You already follow {followed(error.kind, error.name)} here. `/following` lists what you follow."
        case NotFollowing():
            return (
                f"You do not follow {followed(error.kind, error.name)} here, so there is nothing to unfollow. "
                "`/following` lists what you follow."
            )
        case FollowSelf():
            return (
                "You cannot follow yourself: your own prompts are yours already. Follow a fandom, a tag, another "
                "member or a prompt instead. Nothing was changed."
            )
        case FollowLimitReached():
            return (
                f"You follow {plural(error.limit, 'thing')} here, the most one member may. Stop following one with "
                "`/unfollow` first. Nothing was changed."
            )
        case AlreadyClaimed():
            return f"You already hold a claim on #{error.number}. See `/claims`."
        case NoClaimSlot():
            return (
                f"Prompt #{error.number} has no free claim slot "
                f"(this server allows {plural(error.limit, 'claim')} per prompt). Try `/prompt random`."
            )
        case ClaimLimitReached():
            return (
                f"You already hold {plural(error.limit, 'claim')}, this server's limit. Fill or `/unclaim` one first."
            )
        case ClaimNotFound():
            if error.own:
                return f"You hold no claim on #{error.number}."
            return f"<@{error.member_id}> holds no active claim on #{error.number}; nothing was changed."
        case NotYourReminder():
            return (
                f"That reminder is about someone else's claim on #{error.number}, so its button is theirs. "
                "Your own claims are in `/claims`; nothing was changed."
            )
        case DuplicateFill():
            return f"That link is already recorded as a fill of #{error.number}."
        case FillNotFound():
            return (
                f"Prompt #{error.number} has no fill with that link; pick one from the list the `url` option offers "
                "(`/prompt view` shows the prompt's fills)."
            )
        case NotYourFill(revealing=True):
            return f"That fill of #{error.number} was posted by someone else: only its writer can reveal it."
        case NotYourFill():
            return f"That fill of #{error.number} was posted by someone else: only they or a moderator can remove it."
        case AnonymousFillsOff():
            return "This server does not take anonymous fills. Share it again without `anonymous`."
        case FillNotAnonymous():
            return f"Your fill of #{error.number} already shows your name: there is nothing to reveal."
        case NothingToDraw():
            return "No prompt matches that draw." + _loosen(error.filters)
        case ImportUnreadable():
            return f"That file could not be imported: {error.reason}. Nothing was added."
        case ExchangeNotFound():
            return (
                f"There is no exchange called “{error.name}” in this server. "
                "Pick one from the list the `exchange` option offers."
            )
        case ExchangeChoiceNeeded():
            if error.running == 0:
                return "This server has no exchange running. A moderator starts one with `/mod exchange create`."
            return f"This server runs {error.running} exchanges: say which with the `exchange` option."
        case ExchangeNameTaken():
            return f"This server already has an exchange called “{error.name}” (names ignore case). Choose another."
        case WrongPhase(action="write a letter"):
            # A letter's own words: before sign-ups there is nothing to write it for; once sent, the giver has it.
            if error.phase == NOMINATIONS:
                return (
                    f"{phase_sentence(error.name, error.phase)}, so there is no sign-up to write a letter for. "
                    "Write it once sign-ups open, beside your requests."
                )
            return (
                f"{phase_sentence(error.name, error.phase)}, so your letter can no longer change: your giver has it "
                "as it stands. `/exchange letter` with no options shows it to you."
            )
        case WrongPhase():
            remedy = phase_remedy(error.phase, error.action, name=error.name, moderator=moderator)
            then = f" {remedy}." if remedy else ""
            return f"{phase_sentence(error.name, error.phase)}, so you cannot {ACTION_WORDS[error.action]} now.{then}"
        case SignupLimitReached():
            return (
                f"This exchange takes at most {plural(error.limit, error.kind[:-1])} per sign-up; "
                "remove one with `/exchange drop` first."
            )
        case NominationLimitReached(nominated=()):
            return f"{error.name} takes no nominations from members. Nothing was changed."
        case NominationLimitReached():
            return (
                f"You've nominated {_and(list(error.nominated))} for {error.name}, the most it takes ({error.limit}). "
                "To swap one, withdraw it: `/exchange nominate fandom:… withdraw:…`. Nothing was changed."
            )
        case AlreadyNominated():
            return f"You have already nominated {error.fandom}; nothing was changed."
        case NotNominated():
            return f"You have not nominated {error.fandom}. `/exchange nominate` with no options lists yours."
        case FandomNotApproved():
            near = f" The closest approved: {', '.join(error.closest)}." if error.closest else ""
            return (
                f"{error.fandom} is not among the fandoms approved for {error.name}, so it cannot be added.{near}"
                " As you type the fandom, Discord lists every approved one."
            )
        case NoApprovedFandoms():
            return (
                f"{error.name} has no approved fandom yet. Approve nominations first with `/mod exchange nominations`."
            )
        case NotSignedUp():
            if error.own:
                return f"You have not signed up for {error.name}. Start with `/exchange request` and `/exchange offer`."
            return f"<@{error.member_id}> has no sign-up in {error.name}; nothing was changed."
        case SignupItemNotFound():
            return f"Your sign-up has no {error.item.strip()}. `/exchange signup` shows the numbers."
        case NoAssignment():
            if error.own:
                return f"You have no assignment in {error.name}. `/exchange pinchhits` lists gifts that need a writer."
            return f"<@{error.member_id}> has no assignment in {error.name}; nothing was changed."
        case SelfAssignment():
            return "Nobody writes their own gift: choose a different giver."
        case AlreadyGiving():
            if error.own:
                return "You are already writing a gift in this exchange: one each. Thank you for offering!"
            return (
                f"<@{error.member_id}> already owes a gift in this exchange. Give their recipient another giver "
                "(`/mod exchange assign`) or `/mod exchange unassign` them first."
            )
        case PinchHitGone():
            return "That pinch hit has already been taken (or restored). Thank you for offering!"
        case OwnPinchHit():
            return "That pinch hit is your own gift: someone else will write it."
        case NotDefaulted():
            return f"<@{error.member_id}> has no given-up assignment that is still open; nothing was changed."
        case MatchIncomplete():
            if not error.without_giver and not error.without_recipient:
                return "There is nothing to send: run `/mod exchange match` first."
            text = (
                f"Not sent: without a giver: {mention_list(error.without_giver)}; without a recipient: "
                f"{mention_list(error.without_recipient)}. Assign pinch hitters (`/mod exchange assign`) or remove "
                "sign-ups (`/mod exchange remove`) first."
            )
            return text if len(text) <= 1900 else text[:1899] + "…"
        case InvalidCounts():
            return f"{error.detail}. Nothing was changed."
        case SummaryTooEarly():
            return (
                f"{error.name} has {plural(error.signups, 'sign-up')} so far. The summary of requests and offers "
                f"appears once it has {error.needed}: counts over fewer would point at the people behind them."
            )
        case AvoidSelf():
            return "You are never matched with yourself, so there is no need to avoid yourself. Nothing was changed."
        case AvoidLimitReached():
            return (
                f"Your do-not-match list already has {plural(error.limit, 'member')}, the most it takes. Take someone "
                "off with the `remove` option of `/exchange avoid` first. Nothing was changed."
            )
        case NotAvoided():
            return f"<@{error.member_id}> is not on your do-not-match list, so there is nothing to take off."
        case AvoidNeedsMember():
            return "Name the `member` to take off your do-not-match list. `/exchange avoid` alone shows your list."
        case NoGiverToMessage():
            if error.waiting:
                return (
                    f"Your gift in {error.name} is waiting for a pinch hitter, so there is no giver to message yet. "
                    "Try again once someone has taken it over."
                )
            return f"Nobody is writing a gift for you in {error.name}, so there is no giver to message."
        case MessageLimitReached():
            return (
                f"You have sent {plural(error.limit, 'message')} in this exchange in the last 24 hours, the most a "
                "member may. Try again tomorrow, or ask a moderator if it is urgent."
            )
        case ModeratorsOnly():
            return "Only moderators (Manage Server, or the server's moderator role) can use this."
        case ServerOnly() | app_commands.NoPrivateMessage():
            return "This command works only inside a server."
        case app_commands.MissingPermissions():
            return "You lack the permissions this command needs."
        case _:
            return None


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _loosen(filters: tuple[str, ...]) -> str:
    """The draw's active filters as a member reads them: "Try again without the fandom filter, or including
    filled prompts." (the option names stay where they are typed)."""
    named = [name for name in filters if not name.startswith("include_")]
    left_out = [name.removeprefix("include_") for name in filters if name.startswith("include_")]
    ways = []
    if named:
        ways.append(f"without the {_and(named)} filter{'s' if len(named) > 1 else ''}")
    if left_out:
        ways.append(f"including {_and(left_out)} prompts")
    return f" Try again {', or '.join(ways)}." if ways else ""


def unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    return error


async def report(interaction: Interaction, error: BaseException) -> None:
    """Answer any failure of an interaction: a refusal's sentence, or an apology with a reference."""
    error = unwrap(error)
    # Only a refused phase reads differently for moderators; asking costs a settings read, so only then.
    moderator = isinstance(error, WrongPhase) and await is_moderator(interaction)
    text = sentence(error, moderator=moderator)
    if text is None:
        reference = secrets.token_hex(3)
        log.error(
            "unexpected error [%s] in %s by user %s in guild %s",
            reference,
            _describe(interaction),
            interaction.user.id,
            interaction.guild_id,
            exc_info=error,
        )
        text = f"Sorry, something went wrong on our side. It has been logged (reference `{reference}`)."
    await reply(interaction, text)


async def reply(interaction: Interaction, text: str) -> None:
    """A private answer, as the interaction's response or, once that is used, as a followup."""
    try:
        await answer_privately(interaction, text)
    except discord.HTTPException:
        log.warning("could not deliver an error reply for %s", _describe(interaction), exc_info=True)


def _describe(interaction: Interaction) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data = interaction.data or {}
    return f"component {data.get('custom_id', '?')}"
