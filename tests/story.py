"""A scripted story through the real driver: a server set up, prompts, a moderation queue, claims, a reminder
and an expiry, an AO3 fill, a withdrawal and a whole exchange round. It records every message the bot sent
(replies, followups, edits, channel posts, direct messages, log lines) with who reads it, step by step.

tests/test_story.py scans what it records for words members should never read; tools/render_story.py draws
it as HTML close to Discord's look and screenshots it. Command names and button ids live in COMMANDS and
BUTTONS only: when a command moves, change it there.
"""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer

from ao3.client import AO3Config
from tests.ao3_pages import FakeArchive
from tests.conftest import START, MovableClock
from tests.driver import (
    ALICE,
    BOB,
    BOT_USER_ID,
    CAROL,
    FILLS,
    GENERAL,
    GUILD,
    LOG,
    MOD,
    MOD_ROLE,
    NSFW,
    OTHER_GUILD,
    PROMPTS,
    ROLE_MOD,
    Call,
    Driver,
    Outcome,
    User,
)
from tests.driver.outcome import walk_components

# Every command the story runs, by what it does (the moderators' exchange commands live under /mod exchange).
COMMANDS: dict[str, str] = {
    "setup": "setup",
    "settings set": "settings set",
    "settings view": "settings view",
    "submit": "prompt submit",
    "view": "prompt view",
    "withdraw": "prompt withdraw",
    "queue": "queue show",
    "approve": "queue approve",
    "reject": "queue reject",
    "claim": "claim",
    "claims": "claims",
    "fill": "fill",
    "follow": "follow",
    "following": "following",
    "reveal": "reveal",
    "reveal fills": "mod reveal fills",
    "exchange create": "mod exchange create",
    "exchange request": "exchange request",
    "exchange offer": "exchange offer",
    "exchange signup": "exchange signup",
    "exchange close": "mod exchange close",
    "exchange match": "mod exchange match",
    "exchange send": "mod exchange send",
    "exchange assignment": "exchange assignment",
    "exchange gift": "exchange gift",
    "exchange default": "exchange default",
    "exchange pinchhits": "exchange pinchhits",
    "exchange status": "exchange status",
    "exchange reveal": "mod exchange reveal",
    "exchange signups": "mod exchange signups",
    "exchange nominate": "exchange nominate",
    "exchange nominations": "mod exchange nominations",
    "exchange open": "mod exchange open",
    "exchange letter": "exchange letter",
    "exchange summary": "exchange summary",
    "exchange avoid": "exchange avoid",
    "exchange message": "exchange message",
    "mod log": "mod log",
    "profile": "profile",
    "help": "help",
}

# Buttons the story clicks, by the start of their custom_id.
BUTTONS: dict[str, str] = {
    "approve": "promptfill:queue:approve:",
    "claim": "promptfill:claim:",
    "take pinch hit": "promptfill:pinch:",
}

# A fourth member who joins only to pinch-hit.
DANA = User(730000000000000004, "dana")
PEOPLE: tuple[User, ...] = (ALICE, BOB, CAROL, DANA, MOD, ROLE_MOD)


@dataclass
class Sent:
    """One message the bot sent, as the member reading it meets it."""

    kind: str  # reply, followup, edit (of a reply or a clicked message), modal, post, post edit, dm, log, log edit
    where: str  # "#channel" or "DM with <name>"
    reader: str | None  # who alone sees it (a private reply, a DM); None when everyone in the channel does
    ephemeral: bool
    body: dict[str, Any]  # content, embeds, components, allowed_mentions; a modal's title and components
    files: list[str] = field(default_factory=list)
    message: int | None = None  # the message it created, or for an edit the one it changes

    def texts(self) -> list[str]:
        """Every piece of text a member reads in it: content, embeds, button and menu labels, file names."""
        body = self.body
        found = [body.get("content") or "", body.get("title") or ""]  # a modal has a title, a message content
        for embed in body.get("embeds") or []:
            found += [embed.get("title") or "", embed.get("description") or ""]
            found += [(embed.get("author") or {}).get("name") or "", (embed.get("footer") or {}).get("text") or ""]
            for embed_field in embed.get("fields") or []:
                found += [embed_field.get("name") or "", embed_field.get("value") or ""]
        for component in walk_components(body.get("components") or []):
            found += [component.get("label") or "", component.get("placeholder") or ""]
            for option in component.get("options") or []:
                found += [option.get("label") or "", option.get("description") or ""]
        found += self.files
        return [t for t in found if t]


@dataclass
class Step:
    chapter: str
    title: str
    actor: str | None  # who acts (None: time passes)
    action: str  # what they do, as a member would say it: "/claim prompt:1", "clicks Claim"
    at: datetime  # the injected clock when the step ended (to show <t:…:R> as the member would read it)
    sent: list[Sent] = field(default_factory=list)


@dataclass
class Story:
    steps: list[Step]
    names: dict[int, str]  # users, channels, roles and the server by id, to render mentions
    errors: list[str]  # what the driver collected: logged errors, task exceptions, refused requests

    def messages(self) -> list[tuple[Step, Sent]]:
        return [(step, sent) for step in self.steps for sent in step.sent]


class Recorder:
    """Turns the fake's recorded calls into Sent messages, one step at a time."""

    def __init__(self, driver: Driver, clock: MovableClock) -> None:
        self.driver = driver
        self.clock = clock
        self.steps: list[Step] = []
        self.chapter = ""
        self._seen = 0

    async def step(
        self, title: str, actor: User | None, action: str, run: Callable[[], Awaitable[Outcome | None]]
    ) -> Outcome | None:
        outcome = await run()
        calls = self.driver.fake.calls[self._seen :]
        self._seen = len(self.driver.fake.calls)
        step = Step(self.chapter, title, actor.name if actor else None, action, self.clock())
        for call in calls:
            sent = self._sent(call)
            if sent is not None:
                step.sent.append(sent)
        self.steps.append(step)
        return outcome

    def _sent(self, call: Call) -> Sent | None:
        fake = self.driver.fake
        body = call.body if isinstance(call.body, dict) else {}
        files = [name for name, _ in call.files]
        if call.token is not None:
            state = fake.interactions.get(call.token) or {}
            reader = _name(state.get("user_id"))
            where = _channel_name(fake, state.get("channel_id"))
            original_private = _callback_private(fake, call.token)
            if call.route.endswith("/callback"):
                kind = body.get("type")
                data = body.get("data") or {}
                if kind == 9:
                    return Sent("modal", where, reader, True, data)
                if kind == 4:
                    private = bool((data.get("flags") or 0) & 64)
                    created = int(call.response["resource"]["message"]["id"]) if call.response else None
                    return Sent("reply", where, reader if private else None, private, data, files, created)
                if kind == 7:
                    clicked = state.get("message_id")
                    private = bool((fake.messages.get(clicked or 0, {}).get("flags") or 0) & 64)
                    return Sent("edit", where, reader if private else None, private, data, files, clicked)
                return None  # a deferral (types 5 and 6) shows nothing yet; autocomplete (8) is not a message
            if call.method == "POST":
                private = bool((body.get("flags") or 0) & 64)
                created = int(call.response["id"]) if isinstance(call.response, dict) else None
                return Sent("followup", where, reader if private else None, private, body, files, created)
            if call.method == "PATCH":
                target = call.params.get("message_id")
                message_id = state.get("original") if target in (None, "@original") else int(target)
                private = bool((fake.messages.get(message_id or 0, {}).get("flags") or 0) & 64) or original_private
                return Sent("edit", where, reader if private else None, private, body, files, message_id)
            return None
        if call.route == "/channels/{channel_id}/messages" and call.method == "POST" and call.response is not None:
            return self._channel_message(call, body, files, "", int(call.response["id"]))
        if call.route == "/channels/{channel_id}/messages/{message_id}" and call.method == "PATCH":
            return self._channel_message(call, body, files, " edit", int(call.params["message_id"]))
        return None

    def _channel_message(self, call: Call, body: dict[str, Any], files: list[str], edit: str, message: int) -> Sent:
        fake = self.driver.fake
        channel_id = call.channel_id or 0
        if channel_id in fake.dm_channels:
            member = _name(fake.dm_channels[channel_id])
            return Sent("dm" + edit, f"DM with {member}", member, False, body, files, message)
        kind = "log" if channel_id == LOG.id else "post"
        return Sent(kind + edit, _channel_name(fake, channel_id), None, False, body, files, message)


def _callback_private(fake: Any, token: str) -> bool:
    for call in fake.calls_by_token.get(token, []):
        if call.route.endswith("/callback"):
            return bool(((call.body.get("data") or {}).get("flags") or 0) & 64)
    return False


_NAMES: dict[int, str] = {p.id: p.name for p in PEOPLE}


def _name(user_id: int | None) -> str | None:
    return None if user_id is None else _NAMES.get(user_id, str(user_id))


def _channel_name(fake: Any, channel_id: int | None) -> str:
    channel = fake.channel_names.get(channel_id or 0)
    return f"#{channel.name}" if channel else "#unknown"


def _button(outcome_or_message: dict[str, Any], prefix: str) -> str:
    ids = [c.get("custom_id") or "" for c in walk_components(outcome_or_message.get("components") or [])]
    found = [i for i in ids if i.startswith(prefix)]
    assert found, f"no button {prefix}… on that message: {ids}"
    return found[0]


def _component(driver: Driver, message_id: int, starts: str) -> str:
    """The custom_id of the menu or button on a message whose placeholder or label starts with these words."""
    for found in walk_components(driver.fake.messages[message_id].get("components") or []):
        if (found.get("placeholder") or found.get("label") or "").startswith(starts):
            return found["custom_id"]
    raise AssertionError(f"nothing starting with {starts!r} on that message")


def _number(outcome: Outcome | None) -> int:
    assert outcome is not None
    match = re.search(r"#(\d+)", outcome.text)
    assert match, f"no prompt number in {outcome.text!r}"
    return int(match.group(1))


async def run_story(workdir: Path) -> Story:
    """Run the whole story against a fresh database in workdir and return what the bot sent, step by step."""
    archive = FakeArchive()
    server = TestServer(archive.app(), host="127.0.0.1")
    await server.start_server()
    clock = MovableClock(START)
    config = AO3Config(base_url=str(server.make_url("")).rstrip("/"), spacing=0.0, timeout=2.0)
    # The story's server is not there at the start: the bot joins it in the first step, and welcomes it.
    driver = await Driver.start(
        workdir / "story.db", clock=clock, ao3=config, rng=random.Random(21), guilds=(OTHER_GUILD,)
    )
    try:
        recorder = Recorder(driver, clock)
        await _play(driver, recorder, clock)
    finally:
        await driver.close()
        await server.close()
    names: dict[int, str] = {**_NAMES, BOT_USER_ID: "Promptfill", GUILD.id: GUILD.name, MOD_ROLE.id: MOD_ROLE.name}
    names.update({c.id: c.name for c in GUILD.channels})
    return Story(recorder.steps, names, driver.unexpected_errors())


async def _play(driver: Driver, story: Recorder, clock: MovableClock) -> None:
    c = COMMANDS

    def command(key: str, user: User, /, **options: Any) -> Callable[[], Awaitable[Outcome]]:
        where = options.pop("channel_", GENERAL)

        async def run() -> Outcome:
            if "channel" not in options:
                return await driver.command(c[key], user=user, channel=where, **options)
            # Driver.command spends the keyword `channel` on where the command is typed: a command option of
            # that name goes in through the driver's own payload builder.
            payload = driver._base_payload(2, user, where, GUILD)
            payload["data"] = driver._command_data(c[key], options, focused=None)
            return await driver._dispatch(payload)

        return run

    def click(message_id: int, custom_id: str, user: User) -> Callable[[], Awaitable[Outcome]]:
        return lambda: driver.click(message_id, custom_id, user=user)

    def slash(key: str, /, **options: Any) -> str:
        shown = " ".join(f"{k}:{getattr(v, 'name', v)}" for k, v in options.items())
        return f"/{c[key]} {shown}".strip()

    # -- setting up the server -------------------------------------------------------------------------
    story.chapter = "Setting up the server"
    await story.step(
        "Promptfill is invited to the server", None, "a server admin adds the bot", lambda: driver.join(GUILD)
    )
    await story.step("A new member asks for help", DANA, slash("help"), command("help", DANA))
    opened = await story.step("A moderator starts the setup", MOD, slash("setup"), command("setup", MOD))
    assert opened is not None
    menu = opened.message_id

    def choose(choices: list[tuple[str, list[Any]]], press: str) -> Callable[[], Awaitable[Outcome]]:
        """Choose in the setup message's menus (found by the start of their placeholder), then press a button."""

        async def run() -> Outcome:
            for starts, values in choices:
                await driver.select(menu, _component(driver, menu, starts), values, user=MOD)
            return await driver.click(menu, _component(driver, menu, press), user=MOD)

        return run

    channels = [("Prompts channel", [PROMPTS]), ("Fills channel", [FILLS]), ("Log channel", [LOG])]
    await story.step(
        "The moderator chooses the channels",
        MOD,
        "chooses #prompts, #fills and #mod-log, then clicks Next",
        choose(channels, "Next"),
    )
    rest = [("Explicit channel", [NSFW]), ("Moderator role", [MOD_ROLE]), ("Approval", ["on"])]
    await story.step(
        "The moderator chooses the Explicit channel, the moderator role and approval",
        MOD,
        f"chooses #{NSFW.name}, @{MOD_ROLE.name} and Approval on, then clicks Finish",
        choose(rest, "Finish"),
    )
    await story.step("The moderator asks for help", MOD, slash("help"), command("help", MOD))
    limit = dict(claims_per_member=2)
    await story.step(
        "The moderator lets each member hold two claims at a time",
        MOD,
        slash("settings set", **limit),
        command("settings set", MOD, **limit),
    )
    await story.step("The moderator checks the settings", MOD, slash("settings view"), command("settings view", MOD))

    # -- prompts ----------------------------------------------------------------------------------------
    story.chapter = "Prompts"
    original = dict(fandom="Original Work")
    await story.step(
        "Dana follows a fandom, to hear of its new prompts once a day",
        DANA,
        slash("follow", **original),
        command("follow", DANA, **original),
    )
    await story.step(
        "Dana follows Carol too", DANA, slash("follow", member=CAROL), command("follow", DANA, member=CAROL)
    )
    await story.step("Dana checks what she follows", DANA, slash("following"), command("following", DANA))
    lighthouse = dict(
        text="Two lighthouse keepers on opposite cliffs signal each other every night for a year.",
        title="The Lighthouse Keepers",
        fandom="Original Work",
        tags="slow burn, letters",
    )
    first = await story.step(
        "Alice submits a prompt", ALICE, slash("submit", **lighthouse), command("submit", ALICE, **lighthouse)
    )
    explicit = dict(
        text="After the war, the two generals finally share a tent, and a bed.",
        title="Spoils",
        fandom="Original Work",
        rating="E",
    )
    second = await story.step(
        "Bob submits an Explicit prompt", BOB, slash("submit", **explicit), command("submit", BOB, **explicit)
    )
    anonymous = dict(
        text="A dragon who hoards library books, and the librarian sent to collect the fines.",
        title="Overdue",
        fandom="Original Work",
        anonymous=True,
    )
    third = await story.step(
        "Carol submits an anonymous prompt", CAROL, slash("submit", **anonymous), command("submit", CAROL, **anonymous)
    )
    spam = dict(text="Buy cheap followers at my website, best prices in town, click now.")
    fourth = await story.step(
        "Bob submits a prompt the moderators will reject", BOB, slash("submit", **spam), command("submit", BOB, **spam)
    )
    numbers = [_number(o) for o in (first, second, third, fourth)]

    # -- the moderation queue ---------------------------------------------------------------------------
    story.chapter = "The moderation queue"
    queue = await story.step(
        "A moderator (by role) opens the queue", ROLE_MOD, slash("queue"), command("queue", ROLE_MOD)
    )
    assert queue is not None
    await story.step(
        "The moderator clicks Approve on the first prompt",
        ROLE_MOD,
        "clicks Approve",
        click(queue.message_id, _button(queue.last, BUTTONS["approve"]), ROLE_MOD),
    )
    for number in numbers[1:3]:
        await story.step(
            f"The moderator approves #{number}",
            ROLE_MOD,
            slash("approve", prompt=number),
            command("approve", ROLE_MOD, prompt=number),
        )
    reason = "Advertising is not a prompt."
    await story.step(
        "The moderator rejects the advert",
        ROLE_MOD,
        slash("reject", prompt=numbers[3], reason=reason),
        command("reject", ROLE_MOD, prompt=numbers[3], reason=reason),
    )

    # -- claims -----------------------------------------------------------------------------------------
    story.chapter = "Claims"
    lighthouse_post = driver.fake.messages[_first_post_of(driver, numbers[0])]
    await story.step(
        "Carol clicks Claim on the lighthouse prompt's post",
        CAROL,
        "clicks Claim in #prompts",
        click(int(lighthouse_post["id"]), _button(lighthouse_post, BUTTONS["claim"]), CAROL),
    )
    await story.step(
        "Alice claims the Explicit prompt from an age-restricted channel",
        ALICE,
        slash("claim", prompt=numbers[1]),
        command("claim", ALICE, prompt=numbers[1], channel_=NSFW),
    )
    await story.step(
        "Bob claims the anonymous prompt",
        BOB,
        slash("claim", prompt=numbers[2]),
        command("claim", BOB, prompt=numbers[2]),
    )
    await story.step(
        "Dana clicks Claim on the same post, after Carol took its only slot",
        DANA,
        "clicks Claim in #prompts",
        click(int(lighthouse_post["id"]), _button(lighthouse_post, BUTTONS["claim"]), DANA),
    )
    await story.step(
        "Dana tries to claim the rejected prompt",
        DANA,
        slash("claim", prompt=numbers[3]),
        command("claim", DANA, prompt=numbers[3]),
    )
    await story.step("Carol lists her claims", CAROL, slash("claims"), command("claims", CAROL))
    await story.step(
        "Dana looks at the claimed prompt",
        DANA,
        slash("view", prompt=numbers[0]),
        command("view", DANA, prompt=numbers[0]),
    )

    # -- time passes: a reminder, a fill, a withdrawal, an expiry ----------------------------------------
    story.chapter = "Time passes: a reminder, a fill, a withdrawal, an expiry"

    async def sweep_after(**delta: float) -> None:
        clock.advance(**delta)
        await driver.bot.sweep()

    await story.step(
        "Twelve days pass: reminders go out, and Dana's daily digest (the Explicit prompt left out, the anonymous "
        "one never shown as Carol's)",
        None,
        "the clock moves 12 days",
        lambda: sweep_after(days=12, hours=1),
    )
    ao3 = dict(prompt=numbers[0], url="https://archiveofourown.org/works/1", title="Two Lights")
    await story.step("Carol posts her fill, a work on AO3", CAROL, slash("fill", **ao3), command("fill", CAROL, **ao3))
    await story.step(
        "Bob withdraws his Explicit prompt, which Alice had claimed",
        BOB,
        slash("withdraw", prompt=numbers[1]),
        command("withdraw", BOB, prompt=numbers[1]),
    )
    await story.step(
        "Two more days pass: Bob's claim expires", None, "the clock moves 2 days", lambda: sweep_after(days=2)
    )
    await story.step(
        "Dana looks at the prompt whose claim expired",
        DANA,
        slash("view", prompt=numbers[2]),
        command("view", DANA, prompt=numbers[2]),
    )

    # -- anonymous fills and their reveal ------------------------------------------------------------------
    story.chapter = "Anonymous fills and their reveal"
    hidden = dict(prompt=numbers[2], url="https://archiveofourown.org/works/2", title="Late Fees", anonymous=True)
    await story.step(
        "Dana fills the anonymous prompt anonymously", DANA, slash("fill", **hidden), command("fill", DANA, **hidden)
    )
    also = dict(prompt=numbers[0], url="https://example.org/keepers", title="Keepers", anonymous=True)
    await story.step(
        "Bob fills the lighthouse prompt anonymously too",
        BOB,
        slash("fill", **also),
        command("fill", BOB, **also),
    )
    await story.step(
        "Alice looks at her lighthouse prompt and its fills",
        ALICE,
        slash("view", prompt=numbers[0]),
        command("view", ALICE, prompt=numbers[0]),
    )
    shown = dict(prompt=numbers[2], url=hidden["url"])
    await story.step(
        "Dana reveals that she wrote hers", DANA, slash("reveal", **shown), command("reveal", DANA, **shown)
    )
    await story.step(
        "Reveal day: a moderator names the writers of every anonymous fill left",
        MOD,
        slash("reveal fills"),
        command("reveal fills", MOD),
    )

    await story.step("A moderator reads the moderation log", MOD, slash("mod log"), command("mod log", MOD))
    await story.step(
        "Alice looks at Carol's profile", ALICE, slash("profile", member=CAROL), command("profile", ALICE, member=CAROL)
    )

    # -- an exchange round ------------------------------------------------------------------------------
    story.chapter = "An exchange round: nominations"
    yule = "Yulefic"
    created = dict(name=yule, due="2026-03-30", channel=FILLS, nominations=True, nominations_max=2)
    await story.step(
        "A moderator creates an exchange that starts with nominations",
        MOD,
        slash("exchange create", **created),
        command("exchange create", MOD, **created),
    )
    nominated = ((ALICE, "Good Omens"), (ALICE, "Sherlock"), (BOB, "Discworld"), (CAROL, "Hannibal"))
    for member, fandom in nominated:
        await story.step(
            f"{member.name.title()} nominates a fandom",
            member,
            slash("exchange nominate", fandom=fandom),
            command("exchange nominate", member, fandom=fandom),
        )
    await story.step(
        "Alice tries a third nomination",
        ALICE,
        slash("exchange nominate", fandom="Discworld"),
        command("exchange nominate", ALICE, fandom="Discworld"),
    )
    await story.step(
        "Bob tries to sign up before sign-ups open",
        BOB,
        slash("exchange request", fandom="Sherlock"),
        command("exchange request", BOB, fandom="Sherlock"),
    )
    review = await story.step(
        "The moderator reviews the nominations",
        MOD,
        slash("exchange nominations", exchange=yule),
        command("exchange nominations", MOD, exchange=yule),
    )
    assert review is not None
    for label in ("Approve Discworld", "Approve Good Omens", "Reject Hannibal", "Approve Sherlock"):
        await story.step(
            f"The moderator clicks {label}",
            MOD,
            f"clicks {label}",
            click(review.message_id, _component(driver, review.message_id, label), MOD),
        )
    await story.step(
        "The moderator opens sign-ups",
        MOD,
        slash("exchange open", exchange=yule),
        command("exchange open", MOD, exchange=yule),
    )
    story.chapter = "An exchange round: sign-ups"
    await story.step(
        "Carol asks for the fandom that was not approved",
        CAROL,
        slash("exchange request", fandom="Hannibal"),
        command("exchange request", CAROL, fandom="Hannibal"),
    )
    sign_ups = (
        (ALICE, [("Good Omens", "Aziraphale")], [("Sherlock", None)]),
        (BOB, [("Sherlock", None)], [("Discworld", None)]),
        (CAROL, [("Discworld", "Vimes")], [("Good Omens", "Aziraphale, Crowley")]),
    )
    for member, requests, offers in sign_ups:
        for fandom, tags in requests:
            options = dict(fandom=fandom, **({"tags": tags} if tags else {}))
            await story.step(
                f"{member.name.title()} adds a request",
                member,
                slash("exchange request", **options),
                command("exchange request", member, **options),
            )
        for fandom, tags in offers:
            options = dict(fandom=fandom, **({"tags": tags} if tags else {}))
            await story.step(
                f"{member.name.title()} adds an offer",
                member,
                slash("exchange offer", **options),
                command("exchange offer", member, **options),
            )
    await story.step("Alice checks her sign-up", ALICE, slash("exchange signup"), command("exchange signup", ALICE))
    letter = dict(
        text="Dear giver: I would love Holmes and Watson solving something small and domestic, with fog.",
        dnw="Character death; cheating",
    )
    await story.step(
        "Bob writes his letter", BOB, slash("exchange letter", **letter), command("exchange letter", BOB, **letter)
    )
    await story.step(
        "Alice asks which fandoms need offers",
        ALICE,
        slash("exchange summary"),
        command("exchange summary", ALICE),
    )
    await story.step(
        "Alice asks not to be matched with Dana",
        ALICE,
        slash("exchange avoid", member=DANA),
        command("exchange avoid", ALICE, member=DANA),
    )
    await story.step(
        "The moderator lists the sign-ups",
        MOD,
        slash("exchange signups", exchange=yule),
        command("exchange signups", MOD, exchange=yule),
    )
    story.chapter = "An exchange round: matching and assignments"
    await story.step(
        "The moderator closes sign-ups",
        MOD,
        slash("exchange close", exchange=yule),
        command("exchange close", MOD, exchange=yule),
    )
    await story.step(
        "The moderator matches",
        MOD,
        slash("exchange match", exchange=yule),
        command("exchange match", MOD, exchange=yule),
    )
    await story.step(
        "The moderator sends the assignments",
        MOD,
        slash("exchange send", exchange=yule),
        command("exchange send", MOD, exchange=yule),
    )
    story.chapter = "An exchange round: gifts, a default and a pinch hit"
    await story.step(
        "Carol reads her assignment again", CAROL, slash("exchange assignment"), command("exchange assignment", CAROL)
    )
    question = dict(to="recipient", text="Would you rather have Aziraphale's bookshop or the South Downs cottage?")
    await story.step(
        "Carol asks her recipient a question",
        CAROL,
        slash("exchange message", **question),
        command("exchange message", CAROL, **question),
    )
    answer = dict(to="giver", text="The bookshop, please. Thank you for asking!")
    await story.step(
        "Alice answers her giver",
        ALICE,
        slash("exchange message", **answer),
        command("exchange message", ALICE, **answer),
    )
    gift = dict(url="https://archiveofourown.org/works/6", title="Wings of Fire")
    await story.step(
        "Carol posts her gift", CAROL, slash("exchange gift", **gift), command("exchange gift", CAROL, **gift)
    )
    await story.step("Alice defaults", ALICE, slash("exchange default"), command("exchange default", ALICE))
    hits = await story.step(
        "Dana looks for pinch hits", DANA, slash("exchange pinchhits"), command("exchange pinchhits", DANA)
    )
    assert hits is not None
    await story.step(
        "Dana takes the pinch hit",
        DANA,
        "clicks Take",
        click(hits.message_id, _button(hits.last, BUTTONS["take pinch hit"]), DANA),
    )
    await story.step("The due date comes close", None, "the clock moves 13 days", lambda: sweep_after(days=13))
    pinch_gift = dict(url="https://archiveofourown.org/works/1", title="Deduction")
    await story.step(
        "Dana posts her gift", DANA, slash("exchange gift", **pinch_gift), command("exchange gift", DANA, **pinch_gift)
    )
    bob_gift = dict(url="https://archiveofourown.org/works/2", title="The Night Watch")
    await story.step(
        "Bob posts his gift", BOB, slash("exchange gift", **bob_gift), command("exchange gift", BOB, **bob_gift)
    )
    await story.step("The due date passes", None, "the clock moves 3 days", lambda: sweep_after(days=3))
    story.chapter = "An exchange round: the reveal"
    await story.step("Alice checks the exchange", ALICE, slash("exchange status"), command("exchange status", ALICE))
    await story.step(
        "The moderator checks the exchange", MOD, slash("exchange status"), command("exchange status", MOD)
    )
    for what in ("works", "creators"):
        await story.step(
            f"The moderator reveals the {what}",
            MOD,
            slash("exchange reveal", exchange=yule, what=what),
            command("exchange reveal", MOD, exchange=yule, what=what),
        )
    await story.step(
        "Bob checks the exchange after the reveal", BOB, slash("exchange status"), command("exchange status", BOB)
    )


def _first_post_of(driver: Driver, number: int) -> int:
    """The id of the prompts channel post that shows prompt #number."""
    for call in driver.post_calls():
        if call.channel_id == PROMPTS.id and call.response and f"#{number}" in str(call.body):
            return int(call.response["id"])
    raise AssertionError(f"prompt #{number} was never posted in #prompts")
