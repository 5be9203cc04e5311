-- Following (issue 24): members follow fandoms, tags, members and prompts of a server, and hear of what is new
-- there in one direct message a day at most (the digest).

-- One row per member, server and thing followed. The key is what makes "Good Omens" and "good omens" one follow:
-- a fandom's or tag's folded name (db/folding.py, as prompts.fandom_key), or the followed member's or prompt's
-- id as text. UNIQUE holds a member to one follow of each thing, whatever arrives at once.
CREATE TABLE follows (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    member_id   INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('fandom', 'tag', 'member', 'prompt')),
    target_key  TEXT NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),  -- as the member typed it, to list it back
    target_id   INTEGER,  -- the followed member's id, or the followed prompt's row id
    -- Made in an age-restricted channel: the member chose to hear of Explicit prompts through this follow.
    explicit    INTEGER NOT NULL DEFAULT 0 CHECK (explicit IN (0, 1)),
    created_at  INTEGER NOT NULL,
    UNIQUE (guild_id, member_id, kind, target_key)
);
-- Who follows what: the digest reads a member's follows, the autocomplete of /unfollow too.
CREATE INDEX follows_member ON follows (member_id, guild_id);

-- When each member's digest for a server was last sent and what it covered: everything before `covered_until`
-- (epoch seconds) has been told or was not theirs to hear. Kept in the database so that a restart neither
-- sends a second digest the same day nor tells anything twice.
CREATE TABLE digests (
    guild_id       INTEGER NOT NULL,
    member_id      INTEGER NOT NULL,
    sent_at        INTEGER,  -- NULL: none sent yet
    covered_until  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);

-- When a prompt opened to members: at its submission, or at its approval when it waited for one. A prompt
-- approved today is news today, however long it waited. Kept by the triggers below so that no write path
-- (submission, approval, import) has to remember it.
ALTER TABLE prompts ADD COLUMN opened_at INTEGER;
UPDATE prompts SET opened_at = created_at WHERE status IN ('open', 'filled', 'closed');
CREATE INDEX prompts_opened ON prompts (guild_id, opened_at) WHERE opened_at IS NOT NULL;

CREATE TRIGGER prompts_opened_at_submission AFTER INSERT ON prompts
WHEN NEW.status IN ('open', 'filled', 'closed')
BEGIN
    UPDATE prompts SET opened_at = NEW.created_at WHERE id = NEW.id;
END;

CREATE TRIGGER prompts_opened_at_approval AFTER UPDATE OF status ON prompts
WHEN OLD.status = 'pending' AND NEW.status = 'open'
BEGIN
    UPDATE prompts SET opened_at = NEW.updated_at WHERE id = NEW.id;
END;


-- The sweep reads the digests a day behind, the longest waiting first.
CREATE INDEX digests_due ON digests (covered_until);
-- Members who seconded prompts before this version hear of their fills from now on: their digest covers what
-- came after their latest second.
INSERT INTO digests (guild_id, member_id, sent_at, covered_until)
SELECT guild_id, member_id, NULL, MAX(created_at) FROM prompt_seconds GROUP BY guild_id, member_id;
