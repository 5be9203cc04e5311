-- Where a pinch hit was asked for in the exchange's channel (the post with its Take button), so the post is
-- edited when the pinch hit is taken (from the post, from /exchange pinchhits or by a moderator's assign) or
-- goes away (undefault, unassign, remove): a post always shows the current state. Keyed by the recipient, not
-- the assignment row, because unassigning or removing deletes that row while the post still needs closing.
-- A row is deleted once its post has been edited.
CREATE TABLE exchange_pinch_posts (
    exchange_id   INTEGER NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
    recipient_id  INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    message_id    INTEGER NOT NULL,
    UNIQUE (exchange_id, recipient_id)
);
