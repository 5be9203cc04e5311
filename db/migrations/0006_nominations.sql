-- Nominations for exchanges (issue 22, item 6): an exchange may start by collecting fandom nominations;
-- moderators approve or reject each fandom, and from sign-ups on requests and offers name an approved one.
-- The 'nominations' phase itself is added to exchanges.phase's CHECK by this migration's Python step
-- (db/database.py, _allow_nominations_phase): rebuilding the table would cascade-delete every sign-up.

-- How many fandoms one member may nominate; NULL: the exchange has no nominations phase.
ALTER TABLE exchanges ADD COLUMN nominations_max INTEGER CHECK (nominations_max IS NULL OR nominations_max BETWEEN 1 AND 10);

-- One row per member and fandom (fandom_key: the exchange's match key, db/exchanges.py fandom_match_key).
CREATE TABLE exchange_nominations (
    id          INTEGER PRIMARY KEY,
    exchange_id INTEGER NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL,
    fandom      TEXT NOT NULL,
    fandom_key  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (exchange_id, member_id, fandom_key)
);
CREATE INDEX exchange_nominations_by_fandom ON exchange_nominations (exchange_id, fandom_key);

-- The moderators' decision on each fandom of an exchange: its tag set is the approved rows. A later exchange
-- copies the approved rows of an earlier one (tagset_from), so a decision outlives the nominations.
CREATE TABLE exchange_fandoms (
    exchange_id INTEGER NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
    fandom_key  TEXT NOT NULL,
    fandom      TEXT NOT NULL,
    approved    INTEGER NOT NULL CHECK (approved IN (0, 1)),
    decided_by  INTEGER NOT NULL,
    decided_at  INTEGER NOT NULL,
    PRIMARY KEY (exchange_id, fandom_key)
) WITHOUT ROWID;
