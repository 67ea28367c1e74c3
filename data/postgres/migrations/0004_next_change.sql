-- The first lock to end and the first temporary password to expire after a
-- time (Tx.NextChange), each read from one index.
CREATE INDEX throttle_locked ON throttle (locked_until) WHERE locked_until IS NOT NULL;
CREATE INDEX users_temporary_by_expiry ON users (temporary_expires_at)
	WHERE password_temporary AND password_hash <> '' AND temporary_expires_at IS NOT NULL;
