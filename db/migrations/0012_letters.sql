-- Letters: what a member tells whoever writes for them (AO3's "Dear Creator" letter), at most one per sign-up.
-- The sign-up's id is the key, so "one letter per sign-up" holds by construction, and the letter goes with
-- its sign-up (a member who leaves, or a moderator's removal). Each part is optional, but a stored letter
-- has at least one: a letter emptied of every part is deleted instead (db/letters.py).
CREATE TABLE exchange_letters (
    signup_id   INTEGER PRIMARY KEY REFERENCES exchange_signups (id) ON DELETE CASCADE,
    text        TEXT CHECK (text IS NULL OR length(text) BETWEEN 1 AND 4000),
    url         TEXT CHECK (url IS NULL OR length(url) BETWEEN 1 AND 2048),
    dnw         TEXT CHECK (dnw IS NULL OR length(dnw) BETWEEN 1 AND 1000),  -- do-not-wants
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (text IS NOT NULL OR url IS NOT NULL OR dnw IS NOT NULL)
);
