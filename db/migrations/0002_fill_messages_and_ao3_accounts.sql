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
