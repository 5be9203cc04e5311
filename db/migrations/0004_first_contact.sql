-- First contact (issue 21): the age-restricted channel where Explicit prompts are posted, and the servers
-- the bot has already welcomed (a welcome is said once per server, even if the bot leaves and is invited again).

ALTER TABLE guild_settings ADD COLUMN explicit_channel_id INTEGER;

CREATE TABLE welcomed_guilds (
    guild_id    INTEGER PRIMARY KEY,
    welcomed_at INTEGER NOT NULL
);
