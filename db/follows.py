"""Following: a member follows fandoms, tags, members and prompts of a server, and the daily digest tells them
what is new there (new prompts in what they follow, new fills of the prompts they follow or seconded).

A follow's key is what makes two spellings one follow: a fandom's or tag's folded name (db/folding.py, the
same key prompts carry), or the followed member's or prompt's id. A merged fandom's old name is followed as the
name it landed on, and a follow made before a merge keeps finding the merged prompts (the synonym is read when
the digest is gathered).

The digest: each member has one `digests` row per server, made when they first follow something there or
second a prompt. `covered_until` says what was already told: a digest covers the moments from it up to (not
including) the moment it is gathered, so consecutive digests never overlap or leave a gap, across restarts too.
A row becomes due a day after what it covered; gathered then, it covers the day whether or not anything was
in it, so nobody is read more than once a day and nothing is sent twice.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace

from db import rows, validation
from db.database import Repository
from db.errors import (
    AlreadyFollowing,
    ExplicitNeedsAgeRestrictedChannel,
    FollowLimitReached,
    FollowSelf,
    InvalidField,
    NotFollowing,
)
from db.fandoms import NameKind, canonical_name
from db.folding import name_key
from db.models import MEMBER_VISIBLE_STATUSES, FollowKind, Prompt, Viewer
from db.rows import PROMPT_COLUMNS, placeholders, prompt_from_row

# Enough for every fandom and writer a member cares about; a bound on what one digest has to gather.
FOLLOWS_PER_MEMBER = 50
DAY = 86_400
# Digests gathered in one pass of the sweep; the rest wait for the next pass, a minute later.
DIGESTS_PER_PASS = 200


@dataclass(frozen=True)
class Follow:
    kind: FollowKind
    name: str  # the fandom or tag as followed
    member_id: int | None = None  # a followed member
    prompt: Prompt | None = None  # a followed prompt, as it stands now


@dataclass(frozen=True)
class NewPrompt:
    prompt: Prompt
    kind: FollowKind  # which follow brought it: its fandom, a tag, its prompter
    name: str  # that fandom or tag as followed (for a member: empty; the prompter is named by id)
    fills: int = 0  # new fills it had too (a prompt followed or seconded), told here rather than twice
    in_progress: int = 0  # how many of those are works in progress


@dataclass(frozen=True)
class NewFills:
    prompt: Prompt
    fills: int  # how many new fills it had in the digest's time
    seconded: bool  # the member seconded it (else they follow it)
    in_progress: int = 0  # how many of those are works in progress


@dataclass(frozen=True)
class Digest:
    guild_id: int
    member_id: int
    since: int  # what it covers: from this moment (epoch seconds, included)...
    until: int  # ...up to this one (excluded)
    new_prompts: tuple[NewPrompt, ...]
    new_fills: tuple[NewFills, ...]
    follows: int  # how many things the member follows in the server now
    claims_per_prompt: int = 1  # the server's setting (0: no limit), to say whether a prompt can be claimed now

    @property
    def empty(self) -> bool:
        return not self.new_prompts and not self.new_fills


def start_digest(conn: sqlite3.Connection, guild_id: int, member_id: int, now: int) -> None:
    """The member's digest for this server begins now, unless it already runs (db/seconds.py calls this too)."""
    conn.execute(
        "INSERT INTO digests (guild_id, member_id, sent_at, covered_until) VALUES (?, ?, NULL, ?)"
        " ON CONFLICT (guild_id, member_id) DO NOTHING",
        (guild_id, member_id, now),
    )


def _target(
    conn: sqlite3.Connection, guild_id: int, viewer: Viewer, kind: FollowKind, value: str | int, *, following: bool
) -> tuple[str, str, int | None]:
    """What a follow of this option names: (key, shown name, target id). Following checks what may be followed;
    unfollowing only finds the key."""
    if kind in ("fandom", "tag"):
        name_kind: NameKind = "fandom" if kind == "fandom" else "tag"
        label = "Fandom" if kind == "fandom" else "Tag"
        longest = validation.FANDOM_MAX if kind == "fandom" else validation.TAG_MAX  # as long as a prompt's may be
        cleaned = validation.required_text(label, str(value), longest)
        landed = canonical_name(conn, guild_id, name_kind, cleaned)
        key = name_key(landed)
        if not key:
            raise InvalidField(label, "needs at least one letter or digit")
        known = conn.execute(
            "SELECT name FROM server_names WHERE guild_id = ? AND kind = ? AND name_key = ?", (guild_id, kind, key)
        ).fetchone()
        return key, known[0] if known else landed, None
    if kind == "member":
        member_id = int(value)
        if following and viewer.is_member(member_id):
            raise FollowSelf()
        return str(member_id), str(member_id), member_id
    number = int(value)
    if not following:
        found = conn.execute("SELECT id FROM prompts WHERE guild_id = ? AND number = ?", (guild_id, number)).fetchone()
        return (str(found[0]) if found else "", str(number), None)
    prompt = rows.visible_prompt(conn, guild_id, number, viewer)
    if not viewer.reads_text(prompt):
        raise ExplicitNeedsAgeRestrictedChannel(number)
    return str(prompt.id), str(number), prompt.id


def _follow(
    conn: sqlite3.Connection, guild_id: int, viewer: Viewer, kind: FollowKind, value: str | int, now: int
) -> Follow:
    key, name, target_id = _target(conn, guild_id, viewer, kind, value, following=True)
    held = conn.execute(
        "SELECT COUNT(*) FROM follows WHERE member_id = ? AND guild_id = ?", (viewer.member_id, guild_id)
    ).fetchone()[0]
    added = conn.execute(
        "INSERT INTO follows (guild_id, member_id, kind, target_key, name, target_id, explicit, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, member_id, kind, target_key) DO NOTHING",
        (guild_id, viewer.member_id, kind, key, name, target_id, int(viewer.age_restricted_channel), now),
    ).rowcount
    if not added:
        raise AlreadyFollowing(kind, name)
    if held >= FOLLOWS_PER_MEMBER:
        raise FollowLimitReached(FOLLOWS_PER_MEMBER)  # raised inside the write: the insert is undone
    start_digest(conn, guild_id, viewer.member_id, now)
    return _as_follow(conn, kind, name, target_id)


def _as_follow(conn: sqlite3.Connection, kind: FollowKind, name: str, target_id: int | None) -> Follow:
    if kind == "member":
        return Follow(kind, name, member_id=target_id)
    if kind == "prompt" and target_id is not None:
        return Follow(kind, name, prompt=rows.prompt_by_id(conn, target_id))
    return Follow(kind, name)


def _unfollow(conn: sqlite3.Connection, guild_id: int, viewer: Viewer, kind: FollowKind, value: str | int) -> Follow:
    key, name, _ = _target(conn, guild_id, viewer, kind, value, following=False)
    # A follow made before a merge keeps the old name's key: either spelling stops it.
    keys = {key, name_key(str(value))} if kind in ("fandom", "tag") else {key}
    found = conn.execute(
        "DELETE FROM follows WHERE guild_id = ? AND member_id = ? AND kind = ?"
        f" AND target_key IN ({placeholders(list(keys))}) RETURNING name, target_id",
        (guild_id, viewer.member_id, kind, *keys),
    ).fetchall()
    if not found:
        raise NotFollowing(kind, name)
    return _as_follow(conn, kind, found[0][0], found[0][1])


def _following(conn: sqlite3.Connection, guild_id: int, member_id: int) -> list[Follow]:
    found = conn.execute(
        "SELECT kind, name, target_id FROM follows WHERE member_id = ? AND guild_id = ? ORDER BY kind, name, id",
        (member_id, guild_id),
    ).fetchall()
    return [_as_follow(conn, kind, name, target_id) for kind, name, target_id in found]


def _forget_member(conn: sqlite3.Connection, guild_id: int, member_id: int) -> int:
    """A member gone from the server: their follows and their digest there end (their seconds stay counted)."""
    removed = conn.execute("DELETE FROM follows WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)).rowcount
    conn.execute("DELETE FROM digests WHERE guild_id = ? AND member_id = ?", (guild_id, member_id))
    return removed


def _due(conn: sqlite3.Connection, now: int, limit: int) -> list[tuple[int, int]]:
    """(server, member) of the digests a day or more behind, the longest waiting first."""
    return [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT guild_id, member_id FROM digests WHERE covered_until <= ? ORDER BY covered_until LIMIT ?",
            (now - DAY, limit),
        )
    ]


def _prompts_of(conn: sqlite3.Connection, where: str, params: list[object]) -> list[Prompt]:
    return [prompt_from_row(r) for r in conn.execute(f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE {where}", params)]


def _gather(conn: sqlite3.Connection, guild_id: int, member_id: int, now: int) -> Digest | None:
    """What the member has not been told yet, as of now; None when their digest is not due (gathered already)."""
    row = conn.execute(
        "SELECT covered_until FROM digests WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
    ).fetchone()
    if row is None or row[0] > now - DAY:
        return None
    since = row[0]
    visible = f"p.status IN ({placeholders(MEMBER_VISIBLE_STATUSES)})"
    new: dict[int, NewPrompt] = {}
    filled: dict[int, tuple[Prompt, int, bool, int]] = {}
    follows = conn.execute(
        "SELECT kind, target_key, name, target_id, explicit, created_at FROM follows"
        " WHERE member_id = ? AND guild_id = ? ORDER BY id",
        (member_id, guild_id),
    ).fetchall()
    for kind, key, name, target_id, explicit, created_at in follows:
        start = max(since, created_at)
        # Explicit prompts only through a follow made where they may be read (an age-restricted channel).
        viewer = Viewer(member_id=member_id, age_restricted_channel=bool(explicit))
        window = [guild_id, *MEMBER_VISIBLE_STATUSES, start, now, member_id]
        opened = f"p.guild_id = ? AND {visible} AND p.opened_at >= ? AND p.opened_at < ? AND p.author_id != ?"
        if kind == "fandom":
            # A fandom merged since it was followed: its prompts carry the name it landed on.
            landed = conn.execute(
                "SELECT into_key, into_name FROM name_synonyms WHERE guild_id = ? AND kind = 'fandom' AND from_key = ?",
                (guild_id, key),
            ).fetchone()
            key, name = (landed[0], landed[1]) if landed else (key, name)
            found = _prompts_of(conn, f"{opened} AND p.fandom_key = ?", [*window, key])
        elif kind == "tag":
            found = _prompts_of(
                conn,
                f"{opened} AND p.id IN (SELECT prompt_id FROM prompt_tags WHERE guild_id = ? AND tag_key = ?)",
                [*window, guild_id, key],
            )
        elif kind == "member":
            # Never a prompt its prompter posted anonymously: following a member must not reveal them.
            found = _prompts_of(conn, f"{opened} AND p.author_id = ? AND p.anonymous = 0", [*window, target_id])
        else:
            found = []
            _count_fills(conn, filled, target_id, start, now, member_id, viewer, seconded=False)
        for prompt in found:
            if prompt.id not in new and viewer.may_see(prompt) and viewer.reads_text(prompt):
                new[prompt.id] = NewPrompt(prompt, kind, name if kind in ("fandom", "tag") else "")
    seconds = conn.execute(
        "SELECT prompt_id, created_at FROM prompt_seconds WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
    ).fetchall()
    # Seconding a prompt is choosing it, Explicit or not: its fills are told like those of a prompt followed
    # in an age-restricted channel (the digest names it, never shows its text).
    chosen = Viewer(member_id=member_id, age_restricted_channel=True)
    for prompt_id, created_at in seconds:
        _count_fills(conn, filled, prompt_id, max(since, created_at), now, member_id, chosen, seconded=True)
    # A new prompt that also has new fills is told once, among the new prompts, with its fills.
    for prompt_id in new.keys() & filled.keys():
        _, count, _, in_progress = filled.pop(prompt_id)
        new[prompt_id] = replace(new[prompt_id], fills=count, in_progress=in_progress)
    return Digest(
        guild_id,
        member_id,
        since,
        now,
        tuple(sorted(new.values(), key=lambda n: n.prompt.number)),
        tuple(NewFills(p, n, s, w) for p, n, s, w in sorted(filled.values(), key=lambda f: f[0].number)),
        len(follows),
        rows.settings(conn, guild_id).claims_per_prompt,
    )


def _count_fills(
    conn: sqlite3.Connection,
    filled: dict[int, tuple[Prompt, int, bool, int]],
    prompt_id: int | None,
    start: int,
    now: int,
    member_id: int,
    viewer: Viewer,
    *,
    seconded: bool,
) -> None:
    """New fills of one prompt in [start, now), the member's own left out, into `filled` (a prompt both followed
    and seconded is told once, as seconded, with the larger count of the two), and how many are works in
    progress."""
    if prompt_id is None:
        return
    count, in_progress = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(complete = 0), 0) FROM fills"
        " WHERE prompt_id = ? AND created_at >= ? AND created_at < ? AND member_id != ?",
        (prompt_id, start, now, member_id),
    ).fetchone()
    if not count:
        return
    prompt = rows.prompt_by_id(conn, prompt_id)
    if not viewer.may_see(prompt) or not viewer.reads_text(prompt):
        return
    _, before, was_seconded, before_in_progress = filled.get(prompt_id, (prompt, 0, False, 0))
    filled[prompt_id] = (prompt, max(count, before), seconded or was_seconded, max(in_progress, before_in_progress))


def _covered(conn: sqlite3.Connection, digest: Digest, *, sent: bool) -> bool:
    """Mark the digest's time told (and when it was sent, if it was). Conditional on what it covered, so a
    digest gathered twice at once is marked once. A member who follows and seconds nothing here any more has
    no digest left to keep."""
    marked = conn.execute(
        "UPDATE digests SET covered_until = ?, sent_at = CASE WHEN ? THEN ? ELSE sent_at END"
        " WHERE guild_id = ? AND member_id = ? AND covered_until = ?",
        (digest.until, sent, digest.until, digest.guild_id, digest.member_id, digest.since),
    ).rowcount
    conn.execute(
        "DELETE FROM digests WHERE guild_id = ? AND member_id = ?"
        " AND NOT EXISTS (SELECT 1 FROM follows WHERE member_id = ? AND guild_id = ?)"
        " AND NOT EXISTS (SELECT 1 FROM prompt_seconds WHERE guild_id = ? AND member_id = ?)",
        (digest.guild_id, digest.member_id, digest.member_id, digest.guild_id, digest.guild_id, digest.member_id),
    )
    return bool(marked)


class FollowRepo(Repository):
    async def follow(self, guild_id: int, viewer: Viewer, kind: FollowKind, value: str | int) -> Follow:
        return await self._db.write(_follow, guild_id, viewer, kind, value, self._now())

    async def unfollow(self, guild_id: int, viewer: Viewer, kind: FollowKind, value: str | int) -> Follow:
        return await self._db.write(_unfollow, guild_id, viewer, kind, value)

    async def of_member(self, guild_id: int, member_id: int) -> list[Follow]:
        return await self._db.read(_following, guild_id, member_id)

    async def forget_member(self, guild_id: int, member_id: int) -> int:
        return await self._db.write(_forget_member, guild_id, member_id)

    async def due(self, *, limit: int = DIGESTS_PER_PASS) -> list[tuple[int, int]]:
        return await self._db.read(_due, self._now(), limit)

    async def gather(self, guild_id: int, member_id: int) -> Digest | None:
        return await self._db.read(_gather, guild_id, member_id, self._now())

    async def covered(self, digest: Digest, *, sent: bool) -> bool:
        return await self._db.write(_covered, digest, sent=sent)
