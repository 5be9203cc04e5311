"""Run the scripted story (tests/story.py) and draw what members see, close to Discord's dark look, then take a
screenshot of each step with a real headless browser (Debian's chromium).

    .venv/bin/python -m tools.render_story            # writes screenshots/story.html and screenshots/NN-*.png
    .venv/bin/python -m tools.render_story --html-only

Nothing reaches Discord or AO3: the story runs the real bot against the test driver's fake and a local fake of
AO3. Messages the story's scan flags (tests/test_story.py) are outlined in red with what it found.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.story import Sent, Step, Story, run_story
from tests.test_story import KNOWN_TODAY, Finding, allowed, scan_message

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 900
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)
BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium"}
SELECTS = {
    3: "Make a selection",
    5: "Select a user",
    6: "Select a role",
    7: "Select a user or role",
    8: "Select a channel",
}

CSS = """
* { box-sizing: border-box; }
body { margin: 0; background: #313338; color: #dbdee1; width: %(width)dpx;
  font: 16px/1.375 "gg sans", "Noto Sans", "DejaVu Sans", "Helvetica Neue", Arial, sans-serif, "Noto Color Emoji"; }
a { color: #00a8fc; text-decoration: none; }
.chapter { background: #1e1f22; color: #f2f3f5; font-size: 22px; font-weight: 700; padding: 18px 20px; }
section.step { padding: 12px 0 16px; border-bottom: 1px solid #3f4147; }
.step-head { margin: 0 16px 10px; padding: 8px 12px; background: #2b2d31; border-radius: 8px; }
.step-head .n { color: #949ba4; font-size: 13px; }
.step-head .title { color: #f2f3f5; font-weight: 600; }
.step-head .action { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; color: #b5bac1; }
.pane { margin: 8px 16px; border-radius: 8px; overflow: hidden; border: 1px solid #1e1f22; }
.pane-head { background: #2b2d31; color: #f2f3f5; font-weight: 600; padding: 8px 14px; font-size: 15px;
  border-bottom: 1px solid #1e1f22; }
.pane-head .hash { color: #80848e; font-size: 20px; margin-right: 4px; }
.pane-head .sub { color: #949ba4; font-weight: 400; font-size: 13px; margin-left: 8px; }
.pane.dm { border-color: #5865f2; }
.pane.dm .pane-head { background: #1e1f22; }
.pane.dm .pane-head .hash { color: #5865f2; }
.msg { position: relative; padding: 6px 16px 8px 72px; min-height: 48px; }
.msg.ephemeral { background: rgba(88, 101, 242, 0.06); }
.msg.flagged { outline: 2px solid #f23f43; outline-offset: -2px; }
.used { position: relative; color: #949ba4; font-size: 14px; margin: 0 0 2px -16px; white-space: nowrap; }
.used .who { color: #c9cdfb; font-weight: 500; }
.used .cmd { color: #00a8fc; }
.avatar { position: absolute; left: 16px; top: 8px; width: 40px; height: 40px; border-radius: 50%%;
  background: #5865f2; color: #fff; font-weight: 700; display: flex; align-items: center; justify-content: center; }
.msg.with-used .avatar { top: 30px; }
.header { display: flex; align-items: baseline; gap: 6px; }
.author { color: #f2f3f5; font-weight: 500; }
.app { background: #5865f2; color: #fff; font-size: 10px; font-weight: 600; padding: 1px 4px; border-radius: 3px;
  position: relative; top: -2px; }
.ts { color: #949ba4; font-size: 12px; }
.content { white-space: pre-wrap; word-wrap: break-word; }
.edited { color: #949ba4; font-size: 10px; margin-left: 4px; }
.edit-note { color: #f0b232; font-size: 12px; margin-bottom: 2px; }
.mention { background: rgba(88, 101, 242, 0.3); color: #c9cdfb; border-radius: 3px; padding: 0 2px; font-weight: 500; }
.timestamp { background: rgba(255, 255, 255, 0.06); border-radius: 3px; padding: 0 2px; }
code { background: #2b2d31; border: 1px solid #1e1f22; border-radius: 4px; padding: 0 3px; font-size: 85%%;
  font-family: "DejaVu Sans Mono", monospace; }
.embed code { background: #1e1f22; }
blockquote { margin: 2px 0; padding: 0 8px 0 12px; border-left: 4px solid #4e5058; }
h1, h2, h3 { margin: 6px 0 2px; color: #f2f3f5; }
h1 { font-size: 24px; } h2 { font-size: 20px; } h3 { font-size: 16px; }
.subtext { color: #949ba4; font-size: 13px; }
.embed { margin-top: 4px; max-width: 520px; background: #2b2d31; border-left: 4px solid #1e1f22; border-radius: 4px;
  padding: 8px 16px 12px 12px; font-size: 14px; }
.embed-author { color: #f2f3f5; font-weight: 600; font-size: 14px; margin-top: 4px; }
.embed-title { color: #f2f3f5; font-weight: 600; font-size: 16px; margin-top: 4px; }
.embed-desc { margin-top: 6px; white-space: pre-wrap; word-wrap: break-word; }
.embed-fields { display: grid; grid-template-columns: repeat(12, 1fr); gap: 8px; margin-top: 8px; }
.field-name { color: #f2f3f5; font-weight: 600; margin-bottom: 2px; }
.field-value { white-space: pre-wrap; word-wrap: break-word; }
.embed-footer { color: #b5bac1; font-size: 12px; margin-top: 8px; }
.embed-image { margin-top: 8px; color: #949ba4; font-size: 12px; border: 1px dashed #4e5058; padding: 6px; }
.components { margin-top: 4px; }
.row { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 4px; }
.button { display: inline-flex; align-items: center; gap: 6px; height: 32px; padding: 2px 16px; border-radius: 8px;
  color: #fff; font-size: 14px; font-weight: 500; }
.button.primary { background: #5865f2; } .button.secondary, .button.link { background: #4e5058; }
.button.success { background: #00863a; } .button.danger { background: #d83a42; }
.button.premium { background: #a653f1; }
.button.disabled { opacity: 0.5; cursor: not-allowed; }
.button .arrow { font-size: 12px; }
.select { display: flex; justify-content: space-between; align-items: center; width: 400px; height: 40px;
  padding: 0 12px; background: #1e1f22; border-radius: 8px; color: #949ba4; font-size: 14px; }
.select.disabled { opacity: 0.5; }
.file { display: inline-flex; gap: 8px; align-items: center; margin-top: 4px; padding: 10px 14px; background: #2b2d31;
  border: 1px solid #1e1f22; border-radius: 8px; color: #00a8fc; }
.ephemeral-note { color: #949ba4; font-size: 12px; margin-top: 4px; }
.ephemeral-note a { color: #00a8fc; }
.meta { color: #6d6f78; font-size: 11px; margin-top: 3px; font-family: "DejaVu Sans Mono", monospace; }
.findings { margin-top: 4px; color: #f23f43; font-size: 12px; font-family: "DejaVu Sans Mono", monospace; }
.findings .known { color: #f0b232; }
.modal { width: 440px; background: #313338; border-radius: 8px; box-shadow: 0 0 0 1px #1e1f22, 0 8px 24px #000a;
  margin: 4px 0; }
.modal-title { color: #f2f3f5; font-weight: 600; font-size: 20px; padding: 16px; }
.modal-body { padding: 0 16px 8px; }
.input-label { color: #b5bac1; font-size: 12px; font-weight: 700; text-transform: uppercase; margin: 8px 0 6px; }
.input { background: #1e1f22; border-radius: 4px; color: #6d6f78; padding: 10px; min-height: 40px; font-size: 14px; }
.input.paragraph { min-height: 80px; }
.modal-foot { background: #2b2d31; display: flex; justify-content: flex-end; gap: 8px; padding: 16px;
  border-radius: 0 0 8px 8px; }
.time-passes { margin: 8px 16px; color: #949ba4; font-style: italic; }
.nothing { margin: 8px 16px; color: #949ba4; }
"""


# -- Discord's markdown, the parts the bot uses ---------------------------------------------------------------
INLINE = re.compile(
    r"(?P<code>`[^`\n]+`)"
    r"|(?P<user><@!?(?P<uid>\d+)>)"
    r"|(?P<channel><#(?P<cid>\d+)>)"
    r"|(?P<role><@&(?P<rid>\d+)>)"
    r"|(?P<command></(?P<cname>[^<>:]+):\d+>)"
    r"|(?P<time><t:(?P<unix>-?\d+)(?::(?P<style>[tTdDfFR]))?>)"
    r"|(?P<link>\[(?P<ltext>[^\]\n]+)\]\((?P<lurl>https?://[^)\s]+)\))"
    r"|(?P<jump>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/channels/(?:\d+|@me)/(?P<jchannel>\d+)(?:/\d+)?)"
    r"|(?P<url>https?://[^\s<>()]+)"
    r"|(?P<bold>\*\*(?P<btext>.+?)\*\*)"
    r"|(?P<under>__(?P<utext>.+?)__)"
    r"|(?P<strike>~~(?P<stext>.+?)~~)"
    r"|(?P<italic>(?<![\w*])\*(?P<itext>[^*\n]+?)\*(?![\w*])|(?<!\w)_(?P<itext2>[^_\n]+?)_(?!\w))"
)


class Markdown:
    def __init__(self, names: dict[int, str], now: datetime) -> None:
        self.names = names
        self.now = now

    def block(self, text: str) -> str:
        out: list[str] = []
        lines = text.split("\n")
        index = 0
        while index < len(lines):
            line = lines[index]
            if line.startswith(">>> "):
                rest = "\n".join([line[4:], *lines[index + 1 :]])
                out.append(f"<blockquote>{self.block(rest)}</blockquote>")
                break
            if line.startswith("> ") or line == ">":
                out.append(f"<blockquote>{self.inline(line[2:])}</blockquote>")
            elif match := re.match(r"(#{1,3}) (.*)", line):
                level = len(match.group(1))
                out.append(f"<h{level}>{self.inline(match.group(2))}</h{level}>")
            elif line.startswith("-# "):
                out.append(f'<div class="subtext">{self.inline(line[3:])}</div>')
            elif re.match(r"[-*] ", line):
                out.append(f"<div>• {self.inline(line[2:])}</div>")
            else:
                out.append(self.inline(line) + "\n")
            index += 1
        return "".join(out).rstrip("\n")

    def inline(self, text: str) -> str:
        out: list[str] = []
        position = 0
        for match in INLINE.finditer(text):
            out.append(html.escape(text[position : match.start()]))
            out.append(self._token(match))
            position = match.end()
        out.append(html.escape(text[position:]))
        return "".join(out)

    def _token(self, m: re.Match[str]) -> str:
        if m.group("code"):
            return f"<code>{html.escape(m.group('code')[1:-1])}</code>"
        if m.group("user"):
            return f'<span class="mention">@{html.escape(self._name(m.group("uid")))}</span>'
        if m.group("channel"):
            return f'<span class="mention">#{html.escape(self._name(m.group("cid")))}</span>'
        if m.group("role"):
            return f'<span class="mention">@{html.escape(self._name(m.group("rid")))}</span>'
        if m.group("command"):
            return f'<span class="mention">/{html.escape(m.group("cname"))}</span>'
        if m.group("time"):
            moment = datetime.fromtimestamp(int(m.group("unix")), UTC)
            return f'<span class="timestamp">{html.escape(self._time(moment, m.group("style") or "f"))}</span>'
        if m.group("link"):
            return f'<a href="{html.escape(m.group("lurl"))}">{self.inline(m.group("ltext"))}</a>'
        if m.group("jump"):
            return f'<span class="mention">#{html.escape(self._name(m.group("jchannel")))} › message</span>'
        if m.group("url"):
            return f'<a href="{html.escape(m.group("url"))}">{html.escape(m.group("url"))}</a>'
        if m.group("bold"):
            return f"<strong>{self.inline(m.group('btext'))}</strong>"
        if m.group("under"):
            return f"<u>{self.inline(m.group('utext'))}</u>"
        if m.group("strike"):
            return f"<s>{self.inline(m.group('stext'))}</s>"
        return f"<em>{self.inline(m.group('itext') or m.group('itext2') or '')}</em>"

    def _name(self, raw: str) -> str:
        return self.names.get(int(raw), f"unknown-{raw}")

    def _time(self, moment: datetime, style: str) -> str:
        if style == "R":
            seconds = (moment - self.now).total_seconds()
            amount = abs(seconds)
            units = (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3_600), ("minute", 60))
            unit, size = next(((u, n) for u, n in units if amount >= n), ("second", 1))
            count = round(amount / size)
            if amount < 45:
                return "in a few seconds" if seconds > 0 else "a few seconds ago"
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if seconds >= 0 else f"{words} ago"
        formats = {
            "t": "%H:%M",
            "T": "%H:%M:%S",
            "d": "%d/%m/%Y",
            "D": "%-d %B %Y",
            "f": "%-d %B %Y %H:%M",
            "F": "%A, %-d %B %Y %H:%M",
        }
        return moment.strftime(formats[style])


# -- messages ------------------------------------------------------------------------------------------------
def render_embed(embed: dict[str, Any], md: Markdown) -> str:
    colour = embed.get("color")
    style = f' style="border-left-color:#{colour:06x}"' if isinstance(colour, int) else ""
    parts = [f'<div class="embed"{style}>']
    if author := (embed.get("author") or {}).get("name"):
        parts.append(f'<div class="embed-author">{html.escape(author)}</div>')
    if title := embed.get("title"):
        inner = md.inline(title)
        if embed.get("url"):
            inner = f'<a href="{html.escape(embed["url"])}">{inner}</a>'
        parts.append(f'<div class="embed-title">{inner}</div>')
    if description := embed.get("description"):
        parts.append(f'<div class="embed-desc">{md.block(description)}</div>')
    fields = embed.get("fields") or []
    if fields:
        parts.append('<div class="embed-fields">')
        for group in _field_rows(fields):
            span = 12 // len(group)
            for field in group:
                name = md.inline(field.get("name") or "")
                value = md.block(field.get("value") or "")
                parts.append(
                    f'<div style="grid-column: span {span}"><div class="field-name">{name}</div>'
                    f'<div class="field-value">{value}</div></div>'
                )
        parts.append("</div>")
    for key in ("image", "thumbnail"):
        if url := (embed.get(key) or {}).get("url"):
            parts.append(f'<div class="embed-image">{key}: {html.escape(url)}</div>')
    footer = (embed.get("footer") or {}).get("text") or ""
    if embed.get("timestamp"):
        moment = datetime.fromisoformat(embed["timestamp"]).strftime("%-d %B %Y %H:%M")
        footer = f"{footer} • {moment}" if footer else moment
    if footer:
        parts.append(f'<div class="embed-footer">{html.escape(footer)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _field_rows(fields: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Discord puts up to three inline fields side by side; a field that is not inline takes a whole row."""
    row: list[dict[str, Any]] = []
    for field in fields:
        if not field.get("inline"):
            if row:
                yield row
                row = []
            yield [field]
            continue
        row.append(field)
        if len(row) == 3:
            yield row
            row = []
    if row:
        yield row


def render_components(components: list[dict[str, Any]], md: Markdown) -> str:
    parts: list[str] = []
    for component in components:
        kind = component.get("type")
        if kind == 1:
            parts.append(f'<div class="row">{render_components(component.get("components") or [], md)}</div>')
        elif kind == 2:
            style = BUTTON_STYLES.get(component.get("style") or 2, "secondary")
            disabled = " disabled" if component.get("disabled") else ""
            emoji = (component.get("emoji") or {}).get("name")
            emoji = f"<span>{html.escape(emoji)}</span>" if emoji else ""
            label = html.escape(component.get("label") or "")
            arrow = '<span class="arrow">↗</span>' if style == "link" else ""
            title = f' title="{html.escape(component.get("url") or "")}"' if style == "link" else ""
            parts.append(f'<span class="button {style}{disabled}"{title}>{emoji}{label}{arrow}</span>')
        elif kind in SELECTS:
            disabled = " disabled" if component.get("disabled") else ""
            # Closed, as Discord shows it: the option chosen by default, else the placeholder; the choices under it.
            options = component.get("options") or []
            chosen = [o.get("label") or "" for o in options if o.get("default")]
            shown = html.escape(", ".join(chosen) or component.get("placeholder") or SELECTS[kind])
            listed = " · ".join(
                html.escape(o.get("label") or "")
                + (f" ({html.escape(o['description'])})" if o.get("description") else "")
                for o in options
            )
            listed = f'<div class="subtext">choices: {listed}</div>' if listed else ""
            parts.append(
                f'<div class="select-block"><div class="select{disabled}">{shown}<span>▾</span></div>{listed}</div>'
            )
        elif kind == 4:
            paragraph = " paragraph" if component.get("style") == 2 else ""
            shown = component.get("value") or component.get("placeholder") or ""
            label = component.get("label")
            if label:
                parts.append(f'<div class="input-label">{html.escape(label)}</div>')
            parts.append(f'<div class="input{paragraph}">{html.escape(shown)}</div>')
        elif kind == 18:
            parts.append(f'<div class="input-label">{html.escape(component.get("label") or "")}</div>')
            if component.get("description"):
                parts.append(f'<div class="subtext">{html.escape(component["description"])}</div>')
            parts.append(render_components([component["component"]], md))
        elif kind == 10:
            parts.append(f'<div class="content">{md.block(component.get("content") or "")}</div>')
        else:
            parts.append(render_components(component.get("components") or [], md))
    return "".join(parts)


def render_message(step: Step, sent: Sent, body: dict[str, Any], md: Markdown, found: list[tuple[str, bool]]) -> str:
    if sent.kind == "modal":
        inner = render_components(body.get("components") or [], md)
        return (
            f'<div class="msg"><div class="used"><span class="who">{html.escape(step.actor or "")}</span> sees a form'
            f'</div><div class="modal"><div class="modal-title">{html.escape(body.get("title") or "")}</div>'
            f'<div class="modal-body">{inner}</div><div class="modal-foot"><span class="button secondary">Cancel'
            '</span><span class="button primary">Submit</span></div></div></div>'
        )
    classes = ["msg"]
    if sent.ephemeral:
        classes.append("ephemeral")
    if any(not known for _, known in found):
        classes.append("flagged")
    used = ""
    if sent.kind in ("reply", "followup") and step.actor:
        verb = "used" if step.action.startswith("/") else "clicked"
        # The command's full name (the words before its first option), or what was clicked.
        words = step.action.split(" ")
        action = (
            " ".join(itertools.takewhile(lambda w: ":" not in w, words))
            if verb == "used"
            else step.action.removeprefix("clicks ")
        )
        used = (
            f'<div class="used">╭ <span class="who">{html.escape(step.actor)}</span> {verb} '
            f'<span class="cmd">{html.escape(action)}</span></div>'
        )
        classes.append("with-used")
    parts = [f'<div class="{" ".join(classes)}">', used, '<div class="avatar">P</div>']
    when = step.at.strftime("%-d %B %Y %H:%M")
    parts.append(
        '<div class="header"><span class="author">Promptfill</span><span class="app">APP</span>'
        f'<span class="ts">{when}</span></div>'
    )
    is_edit = sent.kind.endswith("edit")
    if is_edit:
        parts.append('<div class="edit-note">✎ this edits a message sent earlier (shown as it reads now)</div>')
    content = body.get("content") or ""
    if content:
        edited = '<span class="edited">(edited)</span>' if is_edit else ""
        parts.append(f'<div class="content">{md.block(content)}{edited}</div>')
    for embed in body.get("embeds") or []:
        parts.append(render_embed(embed, md))
    for name in sent.files:
        parts.append(f'<div class="file">📄 {html.escape(name)}</div>')
    if body.get("components"):
        parts.append(f'<div class="components">{render_components(body["components"], md)}</div>')
    if sent.ephemeral:
        parts.append('<div class="ephemeral-note">👁 Only you can see this · <a>Dismiss message</a></div>')
    meta = [sent.kind]
    if sent.reader:
        meta.append(f"seen only by {sent.reader}")
    pings = _pings(body, md)
    if pings:
        meta.append(f"pings {pings}")
    parts.append(f'<div class="meta">{html.escape(" · ".join(meta))}</div>')
    if found:
        lines = "".join(
            f'<div class="{"known" if known else ""}">{"known today: " if known else "⚠ "}{html.escape(text)}</div>'
            for text, known in found
        )
        parts.append(f'<div class="findings">{lines}</div>')
    parts.append("</div>")
    return "".join(parts)


def _pings(body: dict[str, Any], md: Markdown) -> str:
    allowed_mentions = body.get("allowed_mentions")
    content = body.get("content") or ""
    mentioned = re.findall(r"<@!?(\d+)>", content)
    if allowed_mentions is None:
        return ", ".join(f"@{md._name(u)}" for u in mentioned)  # Discord's default: every mention in content pings
    users = {str(u) for u in allowed_mentions.get("users") or []}
    if "users" in (allowed_mentions.get("parse") or []):
        users |= set(mentioned)
    return ", ".join(f"@{md._name(u)}" for u in sorted(users) if u in mentioned)


def render_step(number: int, step: Step, names: dict[int, str], state: dict[int, dict[str, Any]]) -> str:
    md = Markdown(names, step.at)
    who = html.escape(step.actor) if step.actor else "the bot on its own"
    parts = [
        f'<section class="step" id="step-{number}"><div class="step-head"><div class="n">step {number} · {who}</div>'
        f'<div class="title">{html.escape(step.title)}</div><div class="action">{html.escape(step.action)}</div></div>'
    ]
    if not step.sent:
        parts.append('<div class="nothing">The bot sent nothing.</div>')
    pane: str | None = None
    for sent in step.sent:
        body = _current(sent, state)
        if sent.where != pane:
            if pane is not None:
                parts.append("</div>")
            pane = sent.where
            dm = sent.where.startswith("DM with ")
            head = (
                f'<span class="hash">@</span>{html.escape(sent.where.removeprefix("DM with "))}'
                '<span class="sub">direct message</span>'
                if dm
                else f'<span class="hash">#</span>{html.escape(sent.where.lstrip("#"))}'
            )
            parts.append(f'<div class="pane{" dm" if dm else ""}"><div class="pane-head">{head}</div>')
        found = []
        for check, excerpt in scan_message(sent):
            finding = Finding(step.title, sent.kind, check, excerpt)
            found.append((str(finding).split(" (step:")[0], any(allowed(finding, e) for e in KNOWN_TODAY)))
        parts.append(render_message(step, sent, body, md, found))
    if pane is not None:
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


def _current(sent: Sent, state: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The whole message as it reads after this send: an edit changes only the parts it carries."""
    if sent.message is None:
        return sent.body
    body = dict(state.get(sent.message, {})) if sent.kind.endswith("edit") else {}
    for key, value in sent.body.items():
        if value is not None:
            body[key] = value
    state[sent.message] = body
    return body


def page(sections: list[str], title: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{CSS % {'width': WIDTH}}</style></head><body>{''.join(sections)}</body></html>"
    )


def render(story: Story) -> tuple[str, list[tuple[str, str]]]:
    """The whole story as one page, and one page per step (file stem, html)."""
    state: dict[int, dict[str, Any]] = {}
    whole: list[str] = []
    steps: list[tuple[str, str]] = []
    chapter = None
    for number, step in enumerate(story.steps, 1):
        section = render_step(number, step, story.names, state)
        head = ""
        if step.chapter != chapter:
            chapter = step.chapter
            head = f'<div class="chapter">{html.escape(chapter)}</div>'
        whole.append(head + section)
        slug = re.sub(r"[^a-z0-9]+", "-", step.title.lower()).strip("-")[:60]
        steps.append((f"{number:02d}-{slug}", page([head + section], step.title)))
    return page(whole, "Promptfill: the story"), steps


# -- the browser ---------------------------------------------------------------------------------------------
def chromium() -> str | None:
    return shutil.which("chromium") or (str(Path("/usr/bin/chromium")) if Path("/usr/bin/chromium").exists() else None)


async def _browser(binary: str, *arguments: str) -> str:
    with tempfile.TemporaryDirectory(prefix="render-story-") as profile:
        process = await asyncio.create_subprocess_exec(
            binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            *arguments,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        out, _ = await asyncio.wait_for(process.communicate(), 120)
        if process.returncode != 0:
            raise RuntimeError(f"chromium exited with {process.returncode} for {arguments[-1]}")
        return out.decode()


# Measures each step's height on the whole page (same width, same style), for each screenshot's window.
MEASURE = (
    "<script>window.addEventListener('load',()=>{document.body.setAttribute('data-heights',JSON.stringify("
    "[...document.querySelectorAll('section.step')].map(s=>{const c=s.previousElementSibling;"
    "const chapter=c&&c.className==='chapter'?c.getBoundingClientRect().height:0;"
    "return Math.ceil(s.getBoundingClientRect().height+chapter)})))})</script>"
)


async def heights(binary: str, probe: Path) -> list[int]:
    dom = await _browser(binary, "--virtual-time-budget=2000", "--dump-dom", probe.as_uri())
    match = re.search(r'data-heights="\[([0-9,]*)\]"', dom)
    if not match:
        raise RuntimeError("the browser did not measure the page")
    return [int(h) for h in match.group(1).split(",") if h]


async def screenshots(binary: str, shots: list[tuple[Path, Path, int]]) -> None:
    """(page, png, height) each: two browsers at a time, as the machine is shared."""
    slots = asyncio.Semaphore(2)

    async def one(source: Path, target: Path, height: int) -> None:
        async with slots:
            await _browser(binary, f"--screenshot={target}", f"--window-size={WIDTH},{height + 2}", source.as_uri())

    await asyncio.gather(*(one(*shot) for shot in shots))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="folder to write to (git-ignored)")
    parser.add_argument("--html-only", action="store_true", help="write the HTML pages, take no screenshots")
    options = parser.parse_args(argv)
    out: Path = options.out
    pages = out / "steps"
    pages.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="story-") as workdir:
        story = asyncio.run(run_story(Path(workdir)))
    whole, steps = render(story)
    whole_path = out / "story.html"
    whole_path.write_text(whole, encoding="utf-8")
    for stem, text in steps:
        (pages / f"{stem}.html").write_text(text, encoding="utf-8")
    print(f"{len(story.steps)} steps, {len(story.messages())} messages: {whole_path}")
    if story.errors:
        print("The story logged errors:\n" + "\n".join(story.errors), file=sys.stderr)
    if options.html_only:
        return 0
    binary = chromium()
    if binary is None:
        print("No chromium found: install it with `sudo apt-get install -y chromium`, or use --html-only.")
        return 2
    for old in out.glob("[0-9][0-9]-*.png"):
        old.unlink()
    probe = out / "measure.html"
    probe.write_text(whole.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    try:
        measured = asyncio.run(heights(binary, probe))
    finally:
        probe.unlink()
    shots = [(pages / f"{stem}.html", out / f"{stem}.png", h) for (stem, _), h in zip(steps, measured, strict=True)]
    asyncio.run(screenshots(binary, shots))
    print(f"{len(shots)} screenshots in {out}/, one per step: {shots[0][1].name} to {shots[-1][1].name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
