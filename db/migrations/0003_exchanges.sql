-- Exchange rounds (EXCHANGES.md): an exchange, its sign-ups with their requests and offers, the
-- assignments (who writes for whom, and whether each giver has been told) and the gifts.

CREATE TABLE exchanges (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    name              TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    name_key          TEXT NOT NULL,
    phase             TEXT NOT NULL DEFAULT 'signups'
                      CHECK (phase IN ('signups', 'closed', 'assigned', 'works revealed', 'complete')),
    requests_min      INTEGER NOT NULL CHECK (requests_min BETWEEN 1 AND 10),
    requests_max      INTEGER NOT NULL CHECK (requests_max BETWEEN 1 AND 10 AND requests_min <= requests_max),
    offers_min        INTEGER NOT NULL CHECK (offers_min BETWEEN 1 AND 10),
    offers_max        INTEGER NOT NULL CHECK (offers_max BETWEEN 1 AND 10 AND offers_min <= offers_max),
    match_rule        TEXT NOT NULL CHECK (match_rule IN ('fandom', 'fandom_and_tag', 'any')),
    due_at            INTEGER,
    reveal_at         INTEGER,
    channel_id        INTEGER,
    created_by        INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    overdue_reported  INTEGER NOT NULL DEFAULT 0 CHECK (overdue_reported IN (0, 1)),
    reveal_channel_id INTEGER,  -- where `reveal works` posted, so `reveal creators` posts in the same place
    UNIQUE (guild_id, name_key)
);

CREATE TABLE exchange_signups (
    id          INTEGER PRIMARY KEY,
    exchange_id INTEGER NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (exchange_id, member_id)
);

CREATE TABLE exchange_requests (
    id          INTEGER PRIMARY KEY,
    signup_id   INTEGER NOT NULL REFERENCES exchange_signups (id) ON DELETE CASCADE,
    fandom      TEXT NOT NULL,
    fandom_key  TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '[]',  -- JSON list of tags as typed
    details     TEXT,
    rating      TEXT CHECK (rating IN ('G', 'T', 'M', 'E', 'NR')),
    created_at  INTEGER NOT NULL
);
CREATE INDEX exchange_requests_signup ON exchange_requests (signup_id, id);

CREATE TABLE exchange_offers (
    id          INTEGER PRIMARY KEY,
    signup_id   INTEGER NOT NULL REFERENCES exchange_signups (id) ON DELETE CASCADE,
    fandom      TEXT NOT NULL,
    fandom_key  TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL
);
CREATE INDEX exchange_offers_signup ON exchange_offers (signup_id, id);

-- One row per recipient with a giver, or needing one (a pinch hit: giver_id NULL after a default).
-- send_state is the outbox: 'unsent' -> 'sending' (recorded before the message goes, with the sending
-- process's token) -> 'delivered' or 'refused' (closed DMs); a 'sending' row left by another process is
-- 'unknown': the message may or may not have gone, so it is reported to moderators, never repeated.
CREATE TABLE exchange_assignments (
    id             INTEGER PRIMARY KEY,
    exchange_id    INTEGER NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
    recipient_id   INTEGER NOT NULL,
    giver_id       INTEGER,
    defaulted_by   INTEGER,
    send_state     TEXT NOT NULL DEFAULT 'unsent'
                   CHECK (send_state IN ('unsent', 'sending', 'delivered', 'refused', 'unknown')),
    sending_token  TEXT,
    reminded       INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1)),
    created_at     INTEGER NOT NULL,
    UNIQUE (exchange_id, recipient_id),
    CHECK (giver_id IS NULL OR giver_id != recipient_id)
);
-- Each participant gives at most one gift per exchange, whatever races (pinch-hit Take buttons).
CREATE UNIQUE INDEX exchange_assignments_one_gift_each ON exchange_assignments (exchange_id, giver_id)
    WHERE giver_id IS NOT NULL;
CREATE INDEX exchange_assignments_outbox ON exchange_assignments (send_state)
    WHERE send_state IN ('unsent', 'sending');

CREATE TABLE exchange_gifts (
    id           INTEGER PRIMARY KEY,
    exchange_id  INTEGER NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
    recipient_id INTEGER NOT NULL,
    giver_id     INTEGER NOT NULL,
    url          TEXT NOT NULL,
    title        TEXT,
    notes        TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    channel_id   INTEGER,  -- the reveal post, edited when creators are revealed
    message_id   INTEGER,
    UNIQUE (exchange_id, recipient_id)
);
