"""Prompts' lifecycle: submission and numbering, edits, approval and rejection, withdrawal."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

from db import rows, validation
from db.claims import end_claim
from db.database import Repository, from_epoch
from db.errors import AnonymousNotAllowed, DuplicatePrompt, EditLocked, NothingToChange, NotPrompter, WrongStatus
from db.fandoms import canonical_name
from db.models import PROMPTER_EDITABLE_STATUSES, Claim, Prompt, PromptDraft, PromptEdit, PromptStatus, Viewer
from db.rows import PROMPT_COLUMNS, prompt_from_row
from db.search_words import indexed_words


def _write_tags(conn: sqlite3.Connection, prompt_id: int, tags: tuple[str, ...]) -> None:
    conn.execute("DELETE FROM prompt_tags WHERE prompt_id = ?", (prompt_id,))
    conn.executemany(
        "INSERT INTO prompt_tags (prompt_id, guild_id, position, tag, tag_key)"
        " SELECT id, guild_id, ?, ?, ? FROM prompts WHERE id = ?",
        [(position, tag, validation.tag_key(tag), prompt_id) for position, tag in enumerate(tags)],
    )


def _index_for_search(conn: sqlite3.Connection, prompt: Prompt, *, new: bool = False) -> None:
    if not new:
        conn.execute("DELETE FROM prompt_search WHERE rowid = ?", (prompt.id,))
    words = indexed_words(prompt.guild_id, prompt.text, prompt.title, prompt.fandom, " ".join(prompt.tags))
    conn.execute("INSERT INTO prompt_search (rowid, words) VALUES (?, ?)", (prompt.id, words))


def _refuse_duplicate(conn: sqlite3.Connection, guild_id: int, dedupe_key: str, except_id: int | None) -> None:
    row = conn.execute(
        "SELECT id, number FROM prompts WHERE guild_id = ? AND dedupe_key = ?", (guild_id, dedupe_key)
    ).fetchone()
    if row is not None and row["id"] != except_id:
        raise DuplicatePrompt(row["number"])


def insert(
    conn: sqlite3.Connection, guild_id: int, author_id: int | None, draft: PromptDraft, status: PromptStatus, now: int
) -> Prompt:
    """Store a validated prompt under the server's next number (computed inside the INSERT).

    The UNIQUE (guild_id, dedupe_key) constraint refuses duplicates; only then is the existing number read.
    """
    key = validation.dedupe_key(draft.text)
    if draft.fandom is not None:
        # A fandom moderators merged into another lands on that one, for imports as for submissions.
        draft = replace(draft, fandom=canonical_name(conn, guild_id, "fandom", draft.fandom))
    try:
        row = conn.execute(
            "INSERT INTO prompts (guild_id, number, author_id, anonymous, status, rating, text, title, fandom,"
            " fandom_key, dedupe_key, created_at, updated_at)"
            " SELECT ?, COALESCE(MAX(number), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM prompts WHERE guild_id = ?"
            " RETURNING id, number",
            (
                guild_id,
                rows.NO_PROMPTER if author_id is None else author_id,
                int(draft.anonymous),
                status,
                draft.rating,
                draft.text,
                draft.title,
                draft.fandom,
                validation.fandom_key(draft.fandom),
                key,
                now,
                now,
                guild_id,
            ),
        ).fetchone()
    except sqlite3.IntegrityError:
        _refuse_duplicate(conn, guild_id, key, None)
        raise
    _write_tags(conn, row["id"], draft.tags)
    prompt = Prompt(
        id=row["id"],
        guild_id=guild_id,
        number=row["number"],
        author_id=author_id,
        anonymous=draft.anonymous,
        status=status,
        rating=draft.rating,
        text=draft.text,
        title=draft.title,
        fandom=draft.fandom,
        tags=draft.tags,
        active_claims=0,
        fill_count=0,
        created_at=from_epoch(now),
    )
    _index_for_search(conn, prompt, new=True)
    return prompt


def _submit(conn: sqlite3.Connection, guild_id: int, author_id: int, draft: PromptDraft, now: int) -> Prompt:
    config = rows.settings(conn, guild_id)
    if draft.anonymous and not config.allow_anonymous:
        raise AnonymousNotAllowed()
    prompt = insert(conn, guild_id, author_id, draft, "pending" if config.require_approval else "open", now)
    rows.record_audit(
        conn, guild_id=guild_id, actor_id=author_id, action="submit", prompt_number=prompt.number, now=now
    )
    return prompt


def _moderate(
    conn: sqlite3.Connection, guild_id: int, number: int, actor_id: int, approve: bool, reason: str | None, now: int
) -> Prompt:
    """Approve or reject: only a pending prompt moves, checked in the UPDATE itself."""
    action = "approve" if approve else "reject"
    changed = conn.execute(
        "UPDATE prompts SET status = ?, updated_at = ? WHERE guild_id = ? AND number = ? AND status = 'pending'",
        ("open" if approve else "rejected", now, guild_id, number),
    ).rowcount
    prompt = rows.prompt(conn, guild_id, number)
    if not changed:
        raise WrongStatus(number, prompt.status, f"{action} it")
    rows.record_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action=action,
        prompt_number=number,
        target_id=prompt.author_id,
        detail=reason,
        by_moderator=True,
        now=now,
    )
    return prompt


def _oldest_pending(conn: sqlite3.Connection, guild_id: int) -> tuple[Prompt | None, int]:
    count = conn.execute(
        "SELECT COUNT(*) FROM prompts WHERE guild_id = ? AND status = 'pending'", (guild_id,)
    ).fetchone()[0]
    row = conn.execute(
        f"SELECT {PROMPT_COLUMNS} FROM prompts p WHERE p.guild_id = ? AND p.status = 'pending'"
        " ORDER BY p.number LIMIT 1",
        (guild_id,),
    ).fetchone()
    return (prompt_from_row(row) if row else None), count


def _edit(
    conn: sqlite3.Connection, guild_id: int, number: int, actor: Viewer, edit: PromptEdit, now: int
) -> tuple[Prompt, Prompt]:
    before = rows.visible_prompt(conn, guild_id, number, actor)
    if not actor.is_moderator:
        if not actor.owns(before):
            raise NotPrompter(number, "edit it")
        if before.active_claims or before.fill_count:
            raise EditLocked(number)
        if before.status not in PROMPTER_EDITABLE_STATUSES:
            raise WrongStatus(number, before.status, "edit it")
    assignments: list[str] = []
    params: list[Any] = []
    for column in ("text", "title", "fandom", "rating"):
        value = getattr(edit, column)
        if value is not None and value != getattr(before, column):
            assignments.append(f"{column} = ?")
            params.append(value)
    if edit.text is not None and edit.text != before.text:
        key = validation.dedupe_key(edit.text)
        _refuse_duplicate(conn, guild_id, key, before.id)
        assignments.append("dedupe_key = ?")
        params.append(key)
    if edit.fandom is not None:
        assignments.append("fandom_key = ?")
        params.append(validation.fandom_key(edit.fandom))
    tags_changed = edit.tags is not None and edit.tags != before.tags
    if not assignments and not tags_changed:
        raise NothingToChange("prompt")
    conn.execute(
        f"UPDATE prompts SET {', '.join([*assignments, 'updated_at = ?'])} WHERE id = ?",
        [*params, now, before.id],
    )
    if edit.tags is not None and tags_changed:
        _write_tags(conn, before.id, edit.tags)
    after = rows.prompt_by_id(conn, before.id)
    _index_for_search(conn, after)
    rows.record_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor.member_id,
        action="edit",
        prompt_number=number,
        target_id=before.author_id,
        detail=", ".join(edit.given()),
        by_moderator=actor.acts_as_moderator_on(before),
        now=now,
    )
    return before, after


def _withdraw(
    conn: sqlite3.Connection, guild_id: int, number: int, actor: Viewer, now: int
) -> tuple[Prompt, list[Claim]]:
    prompt = rows.visible_prompt(conn, guild_id, number, actor)
    if not actor.owns(prompt) and not actor.is_moderator:
        raise NotPrompter(number, "withdraw it")
    if prompt.status in ("closed", "rejected"):
        raise WrongStatus(number, prompt.status, "withdraw it")
    conn.execute("UPDATE prompts SET status = 'closed', updated_at = ? WHERE id = ?", (now, prompt.id))
    by_moderator = actor.acts_as_moderator_on(prompt)
    ended = [
        end_claim(
            conn,
            claim,
            status="released",
            actor_id=actor.member_id,
            now=now,
            by_moderator=by_moderator,
            detail="prompt withdrawn",
        )
        for claim in rows.active_claims_on(conn, prompt.id)
    ]
    rows.record_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor.member_id,
        action="withdraw",
        prompt_number=number,
        target_id=prompt.author_id,
        by_moderator=by_moderator,
        now=now,
    )
    return rows.prompt_by_id(conn, prompt.id), ended


def _set_message(conn: sqlite3.Connection, prompt_id: int, channel_id: int, message_id: int) -> None:
    conn.execute(
        "UPDATE prompts SET message_channel_id = ?, message_id = ? WHERE id = ?",
        (channel_id, message_id, prompt_id),
    )


class PromptRepo(Repository):
    async def submit(self, guild_id: int, author_id: int, draft: PromptDraft) -> Prompt:
        return await self._db.write(_submit, guild_id, author_id, draft, self._now())

    async def get(self, guild_id: int, number: int) -> Prompt:
        return await self._db.read(rows.prompt, guild_id, number)

    async def approve(self, guild_id: int, number: int, actor_id: int) -> Prompt:
        return await self._db.write(_moderate, guild_id, number, actor_id, True, None, self._now())

    async def reject(self, guild_id: int, number: int, actor_id: int, reason: str | None) -> Prompt:
        return await self._db.write(_moderate, guild_id, number, actor_id, False, reason, self._now())

    async def oldest_pending(self, guild_id: int) -> tuple[Prompt | None, int]:
        return await self._db.read(_oldest_pending, guild_id)

    async def edit(self, guild_id: int, number: int, actor: Viewer, edit: PromptEdit) -> tuple[Prompt, Prompt]:
        """Returns the prompt before and after; refused unless the actor may edit it now."""
        return await self._db.write(_edit, guild_id, number, actor, edit, self._now())

    async def withdraw(self, guild_id: int, number: int, actor: Viewer) -> tuple[Prompt, list[Claim]]:
        """Closes the prompt; returns it and the claims that ended."""
        return await self._db.write(_withdraw, guild_id, number, actor, self._now())

    async def set_message(self, prompt_id: int, channel_id: int, message_id: int) -> None:
        await self._db.write(_set_message, prompt_id, channel_id, message_id)
