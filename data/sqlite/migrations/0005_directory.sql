-- The directory at scale: sort by any column, filter, count and go to any
-- position (see directory.go for the design).

-- The static bits of app.Cell (app.User.StaticCell): role admin 1, no
-- mailbox 2, recovery e-mail 4, disabled 8, password none 0, own 16,
-- temporary 32.
ALTER TABLE users ADD COLUMN attrs INTEGER GENERATED ALWAYS AS (
	(role = 'admin') | ((has_mailbox = 0) << 1) | ((recovery_email <> '') << 2) | ((disabled <> 0) << 3) |
	CASE WHEN password_hash = '' THEN 0 WHEN password_temporary THEN 32 ELSE 16 END
) VIRTUAL;

-- The keys of the orders by time, never NULL: the zero time (NULL) sorts
-- first, as the smallest integer, which no stored time equals.
ALTER TABLE users ADD COLUMN signin_key INTEGER GENERATED ALWAYS AS (coalesce(last_signin_at, -9223372036854775808)) VIRTUAL;
ALTER TABLE users ADD COLUMN changed_key INTEGER GENERATED ALWAYS AS (coalesce(password_changed_at, -9223372036854775808)) VIRTUAL;
ALTER TABLE users ADD COLUMN created_key INTEGER GENERATED ALWAYS AS (coalesce(created_at, -9223372036854775808)) VIRTUAL;
-- app.User.IdleSince: the last sign-in, else the creation.
ALTER TABLE users ADD COLUMN idle_key INTEGER GENERATED ALWAYS AS (coalesce(last_signin_at, created_at, -9223372036854775808)) VIRTUAL;
-- The expiry of a temporary password; NULL (never expired) for the others.
ALTER TABLE users ADD COLUMN expiry_key INTEGER GENERATED ALWAYS AS (
	CASE WHEN password_hash <> '' AND password_temporary THEN coalesce(temporary_expires_at, -9223372036854775808) END
) VIRTUAL;

-- One index per order, each covering what a walk through it tests: the
-- static bits, the expiry, the idle time (locks are tested by id).
DROP INDEX users_by_name;
CREATE INDEX users_by_name ON users (sort_key, id, attrs, expiry_key, idle_key);
CREATE INDEX users_by_login ON users (email_key, id, attrs, expiry_key, idle_key);
CREATE INDEX users_by_signin ON users (signin_key, id, attrs, expiry_key, idle_key);
CREATE INDEX users_by_changed ON users (changed_key, id, attrs, expiry_key, idle_key);
CREATE INDEX users_by_created ON users (created_key, id, attrs, expiry_key, idle_key);
CREATE INDEX users_by_idle ON users (idle_key, id, attrs, expiry_key);

-- The same orders for the users with a temporary password only: what "must
-- change" and "expired" list, few among many.
CREATE INDEX users_temporary_by_name ON users (sort_key, id, attrs, expiry_key, idle_key) WHERE password_temporary AND password_hash <> '';
CREATE INDEX users_temporary_by_login ON users (email_key, id, attrs, expiry_key, idle_key) WHERE password_temporary AND password_hash <> '';
CREATE INDEX users_temporary_by_signin ON users (signin_key, id, attrs, expiry_key, idle_key) WHERE password_temporary AND password_hash <> '';
CREATE INDEX users_temporary_by_changed ON users (changed_key, id, attrs, expiry_key, idle_key) WHERE password_temporary AND password_hash <> '';
CREATE INDEX users_temporary_by_created ON users (created_key, id, attrs, expiry_key, idle_key) WHERE password_temporary AND password_hash <> '';

-- Checks the candidates of a search, and tells their cells, without
-- reading their rows.
DROP INDEX users_search;
CREATE INDEX users_search ON users (rank, search_text, attrs, expiry_key, idle_key, id);

-- The blocks of each order: the first key of each block of consecutive
-- users, and how many users of each static cell the block holds (64 counts,
-- 4 bytes each, little-endian). Kept by every write of a user.
CREATE TABLE user_blocks (
	ord    INTEGER NOT NULL, -- see directory.go: name, login, sign-in, password changed, created, idle
	k      ANY     NOT NULL, -- the key of the block's first user, or the least key for the first block
	id     INTEGER NOT NULL,
	counts BLOB    NOT NULL,
	PRIMARY KEY (ord, k, id)
) STRICT, WITHOUT ROWID;

-- The logins locked now, found without reading the failures of the others.
CREATE INDEX throttle_locked ON throttle (locked_until) WHERE locked_until IS NOT NULL;
