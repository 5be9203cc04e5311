-- Anonymous fills (issue 24, item 3): a writer may share a fill without their name, when the server allows it
-- (anonymous_fills, on by default as anonymous prompts are). Only the writer and moderators see who wrote an
-- anonymous fill, until it is revealed (/reveal by its writer, /mod reveal fills for all at once), which clears
-- the flag. Fills stored before this version were shared under their writers' names.
ALTER TABLE fills ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1));
ALTER TABLE guild_settings ADD COLUMN anonymous_fills INTEGER NOT NULL DEFAULT 1 CHECK (anonymous_fills IN (0, 1));
-- A round's reveal day walks a server's anonymous fills, and /reveal offers a writer theirs: only those are in it.
CREATE INDEX fills_anonymous ON fills (guild_id, member_id, id) WHERE anonymous = 1;
