-- /mod exchange create and edit take signups_close: a date whose last second (UTC) closes sign-ups by itself,
-- as /mod exchange close does. NULL: sign-ups close only when a moderator closes them.
ALTER TABLE exchanges ADD COLUMN signups_close_at INTEGER;
-- The sweep looks each minute for exchanges whose sign-ups are due to close: only those with a date.
CREATE INDEX exchanges_signups_close ON exchanges (signups_close_at) WHERE signups_close_at IS NOT NULL;
