-- One login, one identity; a lockout that holds.
-- Times are INTEGER nanoseconds since the Unix epoch (UTC).

-- The key under which logins that a person cannot tell apart meet
-- (app.LookAlikeKey), filled for the users already there by the step
-- 0005_canonical_logins.
ALTER TABLE users ADD COLUMN look_alike_key TEXT NOT NULL DEFAULT '';
CREATE INDEX users_by_look_alike ON users (look_alike_key, sort_key, id);

-- The administrators whom the forgotten password names, and whom the last
-- administrator's guard looks for, without reading the disabled ones.
DROP INDEX users_admins;
CREATE INDEX users_active_admins ON users (sort_key, id) WHERE role = 'admin' AND disabled = 0;

-- Attempts refused while a lock runs: one audit event per lock.
ALTER TABLE throttle ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;

-- Temporary passwords are kept apart from the user's own, so that they
-- never push them out. Those of the past are known only while current.
ALTER TABLE password_history ADD COLUMN temporary INTEGER NOT NULL DEFAULT 0;
UPDATE password_history SET temporary = 1 WHERE EXISTS (SELECT 1 FROM users u
	WHERE u.id = password_history.user_id AND u.password_temporary = 1 AND u.password_hash = password_history.hash);
DROP INDEX password_history_by_user;
CREATE INDEX password_history_by_user ON password_history (user_id, temporary, created_at, id);

-- The recovery codes sent in the last day, whatever ended them: at most one
-- a minute and recovery.codes_per_day a day for each account.
CREATE TABLE recovery_sends (
	id      INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	sent_at INTEGER NOT NULL
) STRICT;
CREATE INDEX recovery_sends_by_user ON recovery_sends (user_id, sent_at);
INSERT INTO recovery_sends (user_id, sent_at) SELECT user_id, created_at FROM recovery_codes WHERE created_at IS NOT NULL;
