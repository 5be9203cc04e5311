-- Promptfill schema, version 1. Applied in one transaction with PRAGMA user_version = 1.
-- Discord ids are INTEGER; times are epoch seconds (UTC).

CREATE TABLE guild_settings (
    guild_id            INTEGER PRIMARY KEY,
    prompts_channel_id  INTEGER,
    fills_channel_id    INTEGER,
    log_channel_id      INTEGER,
    moderator_role_id   INTEGER,
    require_approval    INTEGER NOT NULL DEFAULT 0 CHECK (require_approval IN (0, 1)),
    claims_per_member   INTEGER NOT NULL DEFAULT 3 CHECK (claims_per_member BETWEEN 0 AND 365),
    claims_per_prompt   INTEGER NOT NULL DEFAULT 1 CHECK (claims_per_prompt BETWEEN 0 AND 365),
    claim_days          INTEGER NOT NULL DEFAULT 14 CHECK (claim_days BETWEEN 0 AND 365),
    allow_anonymous     INTEGER NOT NULL DEFAULT 1 CHECK (allow_anonymous IN (0, 1))
);

CREATE TABLE prompts (
    id                  INTEGER PRIMARY KEY,
    guild_id            INTEGER NOT NULL,
    number              INTEGER NOT NULL CHECK (number > 0),
    author_id           INTEGER NOT NULL,
    anonymous           INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    status              TEXT NOT NULL CHECK (status IN ('pending', 'open', 'filled', 'closed', 'rejected')),
    rating              TEXT NOT NULL DEFAULT 'NR' CHECK (rating IN ('G', 'T', 'M', 'E', 'NR')),
    text                TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    title               TEXT CHECK (title IS NULL OR length(title) <= 200),
    fandom              TEXT CHECK (fandom IS NULL OR length(fandom) <= 100),
    fandom_key          TEXT,
    dedupe_key          TEXT NOT NULL,
    active_claims       INTEGER NOT NULL DEFAULT 0 CHECK (active_claims >= 0),
    fill_count          INTEGER NOT NULL DEFAULT 0 CHECK (fill_count >= 0),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    message_channel_id  INTEGER,
    message_id          INTEGER,
    UNIQUE (guild_id, number),
    UNIQUE (guild_id, dedupe_key)
);
-- The draw: eligible rows are found and counted from these indexes alone.
CREATE INDEX prompts_draw ON prompts (guild_id, status, rating, active_claims, author_id);
CREATE INDEX prompts_fandom ON prompts (guild_id, fandom_key, status, rating, active_claims, author_id);
CREATE INDEX prompts_author ON prompts (guild_id, author_id, number);
CREATE INDEX prompts_status_number ON prompts (guild_id, status, number);

CREATE TABLE prompt_tags (
    prompt_id   INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    tag         TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 50),
    tag_key     TEXT NOT NULL,
    PRIMARY KEY (prompt_id, tag_key)
) WITHOUT ROWID;
CREATE INDEX prompt_tags_key ON prompt_tags (tag_key, prompt_id);

CREATE TABLE claims (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    prompt_id   INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'dropped', 'expired', 'released', 'filled')),
    claimed_at  INTEGER NOT NULL,
    deadline    INTEGER,
    reminded    INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1)),
    ended_at    INTEGER
);
-- A member holds at most one active claim on a prompt, whatever races.
CREATE UNIQUE INDEX claims_one_active ON claims (prompt_id, member_id) WHERE status = 'active';
CREATE INDEX claims_member ON claims (guild_id, member_id, status);
CREATE INDEX claims_due ON claims (deadline) WHERE status = 'active' AND deadline IS NOT NULL;
CREATE INDEX claims_prompt ON claims (prompt_id, status);

CREATE TABLE fills (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    prompt_id   INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL,
    url         TEXT NOT NULL CHECK (length(url) <= 2048),
    title       TEXT,
    notes       TEXT,
    created_at  INTEGER NOT NULL,
    UNIQUE (prompt_id, url)
);
CREATE INDEX fills_member ON fills (guild_id, member_id, id);
CREATE INDEX fills_guild ON fills (guild_id, id);

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    actor_id        INTEGER NOT NULL,
    action          TEXT NOT NULL,
    prompt_number   INTEGER,
    target_id       INTEGER,
    detail          TEXT,
    by_moderator    INTEGER NOT NULL DEFAULT 0 CHECK (by_moderator IN (0, 1)),
    created_at      INTEGER NOT NULL
);
CREATE INDEX audit_guild ON audit_log (guild_id, id);
CREATE INDEX audit_target ON audit_log (guild_id, target_id, id);

-- Words of a prompt for /prompt search; rowid is prompts.id. Kept in step by db/prompts.py.
CREATE VIRTUAL TABLE prompt_search USING fts5 (
    text, title, fandom, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE bot_state (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);
