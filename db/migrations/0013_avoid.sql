-- Do-not-match lists and anonymous questions (issue 23, items 4 and 5).

-- A member's do-not-match list, per sign-up (up to 10, enforced by db/avoid.py): the matcher never pairs the
-- two, in either direction. Only the member and the moderators' export ever show it; leaving the exchange
-- takes the list with the sign-up.
CREATE TABLE exchange_avoids (
    signup_id   INTEGER NOT NULL REFERENCES exchange_signups (id) ON DELETE CASCADE,
    avoided_id  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (signup_id, avoided_id)
);

-- Messages relayed between a giver and their recipient without naming the giver (/exchange message), kept for
-- moderators (the exchange export). `recipient_id` is the assignment's recipient, whichever way the message
-- went; `to_side` is who it was for. `delivery`: 'pending' (recorded, not sent yet, or the bot stopped
-- before it knew), 'delivered', 'refused' (closed direct messages), 'unknown' (Discord did not answer).
CREATE TABLE exchange_messages (
    id            INTEGER PRIMARY KEY,
    exchange_id   INTEGER NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
    recipient_id  INTEGER NOT NULL,
    sender_id     INTEGER NOT NULL,
    receiver_id   INTEGER NOT NULL,
    to_side       TEXT NOT NULL CHECK (to_side IN ('recipient', 'giver')),
    text          TEXT NOT NULL,
    delivery      TEXT NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'delivered', 'refused', 'unknown')),
    created_at    INTEGER NOT NULL
);
-- The rate limit counts a sender's recent messages in one exchange.
CREATE INDEX exchange_messages_sender ON exchange_messages (exchange_id, sender_id, created_at);
