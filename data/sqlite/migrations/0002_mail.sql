-- E-mail: the outbox and the recovery codes.
-- Times are INTEGER nanoseconds since the Unix epoch (UTC); NULL is the zero time.

-- Every message is written in the same transaction as the change that
-- causes it, then delivered in the background; nothing is deleted.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	kind            TEXT    NOT NULL,
	recipient       TEXT    NOT NULL,
	subject         TEXT    NOT NULL,
	body_text       TEXT    NOT NULL,  -- wiped once sent or expired when it held a secret
	body_html       TEXT    NOT NULL,
	user_email      TEXT    NOT NULL,
	state           TEXT    NOT NULL,  -- queued, sending, sent, failed, expired
	attempts        INTEGER NOT NULL,
	next_attempt_at INTEGER,
	last_error      TEXT    NOT NULL,
	created_at      INTEGER,
	sent_at         INTEGER,
	secret_until    INTEGER
) STRICT;

-- The delivery loop's question: what is due now, oldest first.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state IN ('queued', 'sending', 'failed');
CREATE INDEX outbox_by_state ON outbox (state, id);

-- At most one pending code a user; only its argon2id hash is kept.
CREATE TABLE recovery_codes (
	user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	hash       TEXT    NOT NULL,
	sent_to    TEXT    NOT NULL,
	expires_at INTEGER,
	tries      INTEGER NOT NULL,
	created_at INTEGER
) STRICT;
