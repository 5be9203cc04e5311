-- Where each fill was announced, so that removing the fill (/unfill) can edit its announcement.
ALTER TABLE fills ADD COLUMN message_channel_id INTEGER;
ALTER TABLE fills ADD COLUMN message_id INTEGER;

-- A member's AO3 account, as they named it with /ao3 account; per server, like everything else.
CREATE TABLE ao3_accounts (
    guild_id    INTEGER NOT NULL,
    member_id   INTEGER NOT NULL,
    username    TEXT NOT NULL CHECK (length(username) BETWEEN 3 AND 40),
    linked_at   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, member_id)
) WITHOUT ROWID;

-- Tag postings per server: a tag filter reads only this server's prompts with that tag, however common
-- the tag is in other servers.
ALTER TABLE prompt_tags ADD COLUMN guild_id INTEGER NOT NULL DEFAULT 0;
UPDATE prompt_tags SET guild_id = (SELECT p.guild_id FROM prompts p WHERE p.id = prompt_tags.prompt_id);
DROP INDEX prompt_tags_key;
CREATE INDEX prompt_tags_guild_key ON prompt_tags (guild_id, tag_key, prompt_id);

-- /mod log reads moderator actions newest first, for the whole server or by or on one member: each from
-- its own index, however long the log grows.
CREATE INDEX audit_moderation ON audit_log (guild_id, id) WHERE by_moderator = 1;
CREATE INDEX audit_moderation_actor ON audit_log (guild_id, actor_id, id) WHERE by_moderator = 1;
CREATE INDEX audit_moderation_target ON audit_log (guild_id, target_id, id) WHERE by_moderator = 1;

-- The full-text index keyed by server (db/search_words.py): a search in a small server never reads a large
-- server's entries for the same words. Filled again, from every prompt, by the step that follows this file
-- (db/database.py, AFTER_MIGRATION).
DROP TABLE prompt_search;
CREATE VIRTUAL TABLE prompt_search USING fts5 (
    words,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '7 8 9',
    detail = none
);
