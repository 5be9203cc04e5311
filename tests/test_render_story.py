"""tools/render_story.py without a browser: the HTML it draws from the story (the screenshots need chromium and
are not part of the suite)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from tests.story import Sent, Step, Story, run_story
from tools.render_story import Markdown, render, render_components

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_markdown_renders_mentions_times_commands_and_links_as_discord_shows_them() -> None:
    md = Markdown({1: "alice", 2: "prompts", 3: "Prompt Mods"}, NOW)
    in_two_days = int(NOW.timestamp()) + 2 * 86_400
    assert md.inline(f"<@1> in <#2> for <@&3>: </prompt submit:99>, due <t:{in_two_days}:R>") == (
        '<span class="mention">@alice</span> in <span class="mention">#prompts</span> for '
        '<span class="mention">@Prompt Mods</span>: <span class="mention">/prompt submit</span>, due '
        '<span class="timestamp">in 2 days</span>'
    )
    assert md.inline("**#1 · <b>** and `code` and [the work](https://archiveofourown.org/works/1)") == (
        "<strong>#1 · &lt;b&gt;</strong> and <code>code</code> and "
        '<a href="https://archiveofourown.org/works/1">the work</a>'
    )
    assert md.inline("https://discord.com/channels/9/2/5") == '<span class="mention">#prompts › message</span>'
    assert md.block(">>> one\ntwo") == "<blockquote>one\ntwo</blockquote>"


def test_buttons_keep_their_style_and_state_and_menus_their_placeholder() -> None:
    row = {
        "type": 1,
        "components": [
            {"type": 2, "style": 1, "label": "Claim", "custom_id": "c", "emoji": {"name": "✍️"}},
            {"type": 2, "style": 4, "label": "Reject", "custom_id": "r", "disabled": True},
            {"type": 2, "style": 5, "label": "Open", "url": "https://example.org"},
        ],
    }
    drawn = render_components([row], Markdown({}, NOW))
    assert '<span class="button primary"><span>✍️</span>Claim</span>' in drawn
    assert '<span class="button danger disabled">Reject</span>' in drawn
    assert 'class="button link"' in drawn and "↗" in drawn
    menu = render_components([{"type": 8, "custom_id": "m", "placeholder": "Where prompts go"}], Markdown({}, NOW))
    assert "Where prompts go" in menu


async def test_the_story_page_draws_every_message_and_leaves_no_raw_discord_syntax(tmp_path: Path) -> None:
    story = await run_story(tmp_path)
    whole, steps = render(story)
    assert len(steps) == len(story.steps)
    assert whole.count('<div class="msg') == len(story.messages())
    private = sum(1 for _, sent in story.messages() if sent.ephemeral and sent.kind != "modal")
    assert whole.count("Only you can see this") == private > 0
    # The story's scan finds nothing today (tests/test_story.py), so nothing quotes raw text: all of it is drawn.
    assert '<div class="findings">' not in whole and " flagged" not in whole.split("<body>")[1]
    for raw in ("&lt;@", "&lt;#", "&lt;t:", "&lt;/"):
        assert raw not in whole, raw
    assert 'class="pane dm"' in whole and '<span class="hash">#</span>mod-log' in whole


def test_a_message_the_scan_flags_is_outlined_with_what_it_found() -> None:
    bad = Sent("reply", "#general", "alice", True, {"content": "Sent 3 assignment(s) to <@1>, 731000000000000011"})
    story = Story([Step("A chapter", "A step", "alice", "/exchange send", NOW, [bad])], {1: "alice"}, [])
    whole, _ = render(story)
    assert '<div class="msg ephemeral flagged with-used">' in whole
    findings = re.findall(r'<div class="findings">(.*?)</div></div>', whole)
    assert len(findings) == 1 and "raw id" in findings[0] and "(s)" in findings[0], findings
    # The finding quotes the raw text; the message itself draws the mention.
    assert '<span class="mention">@alice</span>' in whole
