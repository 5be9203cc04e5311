-- The names a server uses for fandoms and tags, with how many prompts members can see use each: what the
-- fandom and tag options autocomplete from (most used first), and what the near-miss guard compares a new
-- name with. One row per name key (db/folding.py), so the table stays small however many prompts there are.
-- Kept in step by the triggers below, whatever writes prompts (submission, edit, moderation, import).
-- Counted statuses are MEMBER_VISIBLE_STATUSES (db/models.py: open, filled, closed; tests check the two agree):
-- a pending or rejected prompt's fandom is not offered to other members.
CREATE TABLE server_names (
    guild_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('fandom', 'tag')),
    name_key    TEXT NOT NULL,
    name        TEXT NOT NULL,
    uses        INTEGER NOT NULL CHECK (uses > 0),
    PRIMARY KEY (guild_id, kind, name_key)
) WITHOUT ROWID;
-- Covering: autocomplete walks one server's names, most used first, without touching the table.
CREATE INDEX server_names_by_use ON server_names (guild_id, kind, uses DESC, name_key, name);

CREATE TRIGGER server_names_prompt_added AFTER INSERT ON prompts
WHEN NEW.fandom_key IS NOT NULL AND NEW.fandom_key != '' AND NEW.status IN ('open', 'filled', 'closed')
BEGIN
    INSERT INTO server_names (guild_id, kind, name_key, name, uses) VALUES (NEW.guild_id, 'fandom', NEW.fandom_key, NEW.fandom, 1)
    ON CONFLICT (guild_id, kind, name_key) DO UPDATE SET uses = uses + 1;
END;

-- A prompt that stops counting (rejected, or its fandom changed) gives up its use; a name nobody uses goes.
CREATE TRIGGER server_names_prompt_changed AFTER UPDATE OF status, fandom_key ON prompts
WHEN (OLD.status IN ('open', 'filled', 'closed')) != (NEW.status IN ('open', 'filled', 'closed'))
    OR OLD.fandom_key IS NOT NEW.fandom_key
BEGIN
    DELETE FROM server_names
    WHERE OLD.status IN ('open', 'filled', 'closed') AND OLD.fandom_key IS NOT NULL
        AND guild_id = OLD.guild_id AND kind = 'fandom' AND name_key = OLD.fandom_key AND uses = 1;
    UPDATE server_names SET uses = uses - 1
    WHERE OLD.status IN ('open', 'filled', 'closed') AND OLD.fandom_key IS NOT NULL
        AND guild_id = OLD.guild_id AND kind = 'fandom' AND name_key = OLD.fandom_key;
    INSERT INTO server_names (guild_id, kind, name_key, name, uses)
    SELECT NEW.guild_id, 'fandom', NEW.fandom_key, NEW.fandom, 1
    WHERE NEW.status IN ('open', 'filled', 'closed') AND NEW.fandom_key IS NOT NULL AND NEW.fandom_key != ''
    ON CONFLICT (guild_id, kind, name_key) DO UPDATE SET uses = uses + 1;
    -- Tags follow the prompt's status (a tag edit goes through prompt_tags' own triggers).
    UPDATE server_names SET uses = uses + 1
    WHERE NOT (OLD.status IN ('open', 'filled', 'closed')) AND NEW.status IN ('open', 'filled', 'closed')
        AND guild_id = NEW.guild_id AND kind = 'tag'
        AND name_key IN (SELECT tag_key FROM prompt_tags WHERE prompt_id = NEW.id);
    INSERT INTO server_names (guild_id, kind, name_key, name, uses)
    SELECT NEW.guild_id, 'tag', t.tag_key, t.tag, 1 FROM prompt_tags t
    WHERE NOT (OLD.status IN ('open', 'filled', 'closed')) AND NEW.status IN ('open', 'filled', 'closed')
        AND t.prompt_id = NEW.id
    ON CONFLICT (guild_id, kind, name_key) DO NOTHING;
    DELETE FROM server_names
    WHERE OLD.status IN ('open', 'filled', 'closed') AND NOT (NEW.status IN ('open', 'filled', 'closed'))
        AND guild_id = NEW.guild_id AND kind = 'tag' AND uses = 1
        AND name_key IN (SELECT tag_key FROM prompt_tags WHERE prompt_id = NEW.id);
    UPDATE server_names SET uses = uses - 1
    WHERE OLD.status IN ('open', 'filled', 'closed') AND NOT (NEW.status IN ('open', 'filled', 'closed'))
        AND guild_id = NEW.guild_id AND kind = 'tag'
        AND name_key IN (SELECT tag_key FROM prompt_tags WHERE prompt_id = NEW.id);
END;

CREATE TRIGGER server_names_tag_added AFTER INSERT ON prompt_tags
WHEN NEW.tag_key != '' AND (SELECT status FROM prompts WHERE id = NEW.prompt_id) IN ('open', 'filled', 'closed')
BEGIN
    INSERT INTO server_names (guild_id, kind, name_key, name, uses) VALUES (NEW.guild_id, 'tag', NEW.tag_key, NEW.tag, 1)
    ON CONFLICT (guild_id, kind, name_key) DO UPDATE SET uses = uses + 1;
END;

CREATE TRIGGER server_names_tag_removed AFTER DELETE ON prompt_tags
WHEN OLD.tag_key != '' AND (SELECT status FROM prompts WHERE id = OLD.prompt_id) IN ('open', 'filled', 'closed')
BEGIN
    DELETE FROM server_names WHERE guild_id = OLD.guild_id AND kind = 'tag' AND name_key = OLD.tag_key AND uses = 1;
    UPDATE server_names SET uses = uses - 1 WHERE guild_id = OLD.guild_id AND kind = 'tag' AND name_key = OLD.tag_key;
END;

-- The words of the full-text index, for "Did you mean" when a search finds nothing (db/suggestions.py):
-- read by a range of terms (one server's key and a first letter), never the whole vocabulary.
CREATE VIRTUAL TABLE prompt_search_vocab USING fts5vocab (prompt_search, row);

-- Names moderators merged into another (/fandoms merge): a later submission, request, offer or filter that
-- uses the old name lands on the new one. One row per old name key; merging again moves the old rows too.
CREATE TABLE name_synonyms (
    guild_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('fandom', 'tag')),
    from_key    TEXT NOT NULL,
    from_name   TEXT NOT NULL,
    into_key    TEXT NOT NULL,
    into_name   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, kind, from_key)
) WITHOUT ROWID;
