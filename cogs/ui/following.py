"""What following says: the answers of /follow, /unfollow and /following, and the daily digest, a direct message
that stands alone (the server named, each prompt by number and title with a link to its post, the next step).

The digest never names who wrote a fill (a writer may have filled anonymously) and shows no prompt's text, only
its number and title, as a reminder does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from cogs.ui.claiming import server_name
from cogs.ui.embeds import CONTENT_LIMIT, lines_within, prompt_link, prompt_name
from db.database import from_epoch
from db.follows import Digest, Follow, NewPrompt
from db.models import FOLLOW_KINDS, Prompt, Viewer
from interactions.checks import Interaction, viewer_of
from interactions.sending import NO_MENTIONS
from interactions.words import claim_state, followed, plural

if TYPE_CHECKING:
    from bot import Promptfill

DIGEST_EMOJI = "🔔"  # every message about following and the digest


def follow_name(follow: Follow, viewer: Viewer | None = None) -> str:
    """The followed thing in a sentence: a fandom or tag by name, a member as a mention, a prompt by number and
    title (an Explicit prompt's title only where its text could be read)."""
    if follow.prompt is not None:
        if viewer is not None and not viewer.reads_text(follow.prompt):
            return f"prompt #{follow.prompt.number} (rated Explicit)"
        return prompt_name(follow.prompt)
    if follow.member_id is not None:
        return f"<@{follow.member_id}>"
    return followed(follow.kind, discord.utils.escape_markdown(follow.name))


def followed_answer(bot: Promptfill, follow: Follow) -> str:
    what = {
        "fandom": "its new prompts",
        "tag": "the new prompts with it",
        "member": "the new prompts they post under their name",
        "prompt": "its new fills",
    }[follow.kind]
    return (
        f"{DIGEST_EMOJI} You now follow {follow_name(follow)} here. Once a day at most, when there is something new, "
        f"I will send you a direct message with {what}. {bot.mention('following')} lists what you follow; "
        f"{bot.mention('unfollow')} stops it."
    )


def unfollowed_answer(follow: Follow) -> str:
    return f"You no longer follow {follow_name(follow)} here; your digest leaves it out from now on."


def following_answer(bot: Promptfill, follows: list[Follow], server: str, viewer: Viewer) -> str:
    if not follows:
        return (
            f"You follow nothing in **{discord.utils.escape_markdown(server)}** yet. {bot.mention('follow')} a "
            "fandom, a tag, a member or a prompt, and once a day at most I will send you what is new there."
        )
    head = f"{DIGEST_EMOJI} You follow {_counted(follows)} here:"
    tail = (
        "Once a day at most, when there is something new, I send you one direct message about them. "
        f"{bot.mention('unfollow')} stops following one."
    )
    # The list gives way before the next step does.
    listed = lines_within([f"• {follow_name(f, viewer)}" for f in follows], CONTENT_LIMIT - len(head) - len(tail) - 2)
    return "\n".join([head, listed, tail])


def _counted(follows: list[Follow]) -> str:
    """What a member follows, counted by kind: "1 fandom and 2 members"."""
    counts = [(kind, sum(1 for f in follows if f.kind == kind)) for kind in FOLLOW_KINDS]
    parts = [plural(count, kind) for kind, count in counts if count]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _prompt_line(bot: Promptfill, prompt: Prompt) -> str:
    post = prompt_link(prompt)
    where = f"([open it]({post}))" if post else f"(see it with {bot.mention('prompt view', dm=True)} there)"
    return f"{prompt_name(prompt)} {where}"


def _fills(count: int, in_progress: int, *, lead: str) -> str:
    """ "a fill (a work in progress)", "3 fills (1 of them a work in progress)"."""
    told = f"{lead}a fill" if count == 1 else f"{lead}{plural(count, 'fill')}"
    return told + _work_in_progress(count, in_progress)


def _work_in_progress(count: int, in_progress: int) -> str:
    if not in_progress:
        return ""
    if count == 1:
        return " (a work in progress)"
    works = "a work in progress" if in_progress == 1 else "works in progress"
    return f" ({'all' if in_progress == count else f'{in_progress:,}'} of them {works})"


def _new_prompt_line(bot: Promptfill, item: NewPrompt, claims_per_prompt: int) -> str:
    """A new prompt, why it is told, and whether it can be claimed now (with its new fills, if any)."""
    state = claim_state(item.prompt, claims_per_prompt)
    if item.fills:
        state += _fills(item.fills, item.in_progress, lead=", and ")
    return f"• {_prompt_line(bot, item.prompt)}, {_because(item)}: {state}"


def _because(item: NewPrompt) -> str:
    if item.kind == "member" and item.prompt.author_id is not None:
        return f"by <@{item.prompt.author_id}>, whom you follow"
    if item.kind == "tag":
        return f"tagged “{discord.utils.escape_markdown(item.name)}”, which you follow"
    return f"in {followed(item.kind, discord.utils.escape_markdown(item.name))}, which you follow"


def digest_message(bot: Promptfill, digest: Digest) -> dict[str, Any]:
    """One member's digest of one server: new prompts in what they follow, then new fills of the prompts they
    follow or seconded, then how to change what they hear of (kept whole: the lists give way first)."""
    server = discord.utils.escape_markdown(server_name(bot, digest.guild_id))
    since = discord.utils.format_dt(from_epoch(digest.since), "f")
    head = f"{DIGEST_EMOJI} Your daily digest from **{server}**: what is new since {since}."
    items: list[str] = []
    if digest.new_prompts:
        items.append(f"**{plural(len(digest.new_prompts), 'new prompt')}**")
        items += [_new_prompt_line(bot, n, digest.claims_per_prompt) for n in digest.new_prompts]
    if digest.new_fills:
        items.append(f"**{plural(len(digest.new_fills), 'prompt')} with new fills**")
        items += [
            f"• {_prompt_line(bot, f.prompt)} has {plural(f.fills, 'new fill')}"
            + _work_in_progress(f.fills, f.in_progress)
            + (", a prompt you seconded" if f.seconded else ", a prompt you follow")
            for f in digest.new_fills
        ]
    steps: list[str] = []
    if digest.follows:
        steps.append(
            f"{bot.mention('following', dm=True)} in **{server}** lists what you follow, and "
            f"{bot.mention('unfollow', dm=True)} there stops following any of it."
        )
    if any(f.seconded for f in digest.new_fills):
        steps.append(
            f"To stop hearing of a prompt you seconded, take your second back with "
            f"{bot.mention('prompt second', dm=True)} there."
        )
    ends = "\n".join([head, *steps])
    body = lines_within(items, CONTENT_LIMIT - len(ends) - 2, empty="")
    return {"content": "\n".join([head, body, *steps]), "allowed_mentions": NO_MENTIONS}


CHOICES_MAX, CHOICE_NAME_MAX = 25, 100


async def _followed(interaction: Interaction, kind: str) -> list[Follow]:
    if interaction.guild_id is None:
        return []
    follows = await interaction.client.store.follows.of_member(interaction.guild_id, interaction.user.id)
    return [f for f in follows if f.kind == kind]


def _matches(name: str, typed: str) -> bool:
    folded = typed.casefold().strip()
    return not folded or any(word.startswith(folded) for word in [name.casefold(), *name.casefold().split()])


async def _followed_names(interaction: Interaction, kind: str, current: str) -> list[app_commands.Choice[str]]:
    found = [f.name[:CHOICE_NAME_MAX] for f in await _followed(interaction, kind) if _matches(f.name, current)]
    return [app_commands.Choice(name=n, value=n) for n in found[:CHOICES_MAX]]


async def followed_fandoms(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """/unfollow fandom: the fandoms this member follows here."""
    return await _followed_names(interaction, "fandom", current)


async def followed_tags(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """/unfollow tag: the tags this member follows here."""
    return await _followed_names(interaction, "tag", current)


async def followed_prompts(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    """/unfollow prompt: the prompts this member follows here, by number and title (never their prompter); an
    Explicit one's title only in an age-restricted channel."""
    viewer = await viewer_of(interaction)
    choices = []
    for follow in await _followed(interaction, "prompt"):
        prompt = follow.prompt
        if prompt is None:
            continue
        shown = prompt.title if prompt.title and viewer.reads_text(prompt) else ""
        label = f"#{prompt.number} {shown}".strip()[:CHOICE_NAME_MAX]
        if _matches(label.lstrip("#"), current.lstrip("#")):
            choices.append(app_commands.Choice(name=label, value=prompt.number))
    return choices[:CHOICES_MAX]
