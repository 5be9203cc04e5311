-- Seconds: members who would love to see a prompt filled too. One row per member and prompt: the UNIQUE
-- constraint is what makes "each member seconds once" hold, however many clicks arrive at once.
CREATE TABLE prompt_seconds (
    prompt_id   INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    member_id   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (prompt_id, member_id)
);
-- A member's seconds in a server (what a future digest reads).
CREATE INDEX prompt_seconds_member ON prompt_seconds (guild_id, member_id);

-- The count on the prompt itself, kept in step by the triggers below, so lists sort by it through an index
-- instead of counting rows for every prompt of a large server.
ALTER TABLE prompts ADD COLUMN seconds INTEGER NOT NULL DEFAULT 0 CHECK (seconds >= 0);
-- /prompt list sort:seconded walks this, most seconded first, newest first among equals.
CREATE INDEX prompts_seconded ON prompts (guild_id, seconds DESC, number DESC);

CREATE TRIGGER prompt_seconds_added AFTER INSERT ON prompt_seconds
BEGIN
    UPDATE prompts SET seconds = seconds + 1 WHERE id = NEW.prompt_id;
END;

CREATE TRIGGER prompt_seconds_removed AFTER DELETE ON prompt_seconds
BEGIN
    UPDATE prompts SET seconds = seconds - 1 WHERE id = OLD.prompt_id;
END;

-- Fills in parts: a work in progress (complete = 0) fills its prompt like any fill and counts once; /fill with
-- its link again updates that row (title, notes, status) instead of adding another. Fills stored before this
-- version are complete works.
ALTER TABLE fills ADD COLUMN complete INTEGER NOT NULL DEFAULT 1 CHECK (complete IN (0, 1));
-- When its last part or its completion was posted (NULL: never updated since it was first shared).
ALTER TABLE fills ADD COLUMN updated_at INTEGER;
-- A writer's works in progress, for /profile: only the unfinished ones are in it.
CREATE INDEX fills_in_progress ON fills (guild_id, member_id, id) WHERE complete = 0;
