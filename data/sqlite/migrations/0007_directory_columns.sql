-- The directory at scale: sort by any column, filter, count and go to any
-- position (see directory.go for the design). The values of these columns
-- are computed by Sésame from the user's fields (0007_directory_values,
-- and every write of a user), so that each index that holds them answers
-- without reading the users' rows.

-- app.User.StaticCell: role admin 1, no mailbox 2, recovery e-mail 4,
-- disabled 8, own password 16, temporary password 32.
ALTER TABLE users ADD COLUMN attrs INTEGER NOT NULL DEFAULT 0;
-- The keys of the orders by time, never NULL: the zero time sorts first,
-- as the least integer, which no stored time equals.
ALTER TABLE users ADD COLUMN signin_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN changed_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN created_key INTEGER NOT NULL DEFAULT 0;
-- app.User.IdleSince, the same way.
ALTER TABLE users ADD COLUMN idle_key INTEGER NOT NULL DEFAULT 0;
-- The expiry of a temporary password (the least integer when it has none);
-- NULL for the other users, whose password never expires.
ALTER TABLE users ADD COLUMN expiry_key INTEGER;

-- The blocks of each order: the first key of each block of consecutive
-- users, and how many users of each static cell the block holds (64 counts,
-- 4 bytes each, little-endian). Kept by every write of a user.
CREATE TABLE user_blocks (
	ord    INTEGER NOT NULL, -- see blocks.go: name, login, sign-in, password changed, created, idle
	k      ANY     NOT NULL, -- the key of the block's first user, or the least key for the first block
	id     INTEGER NOT NULL,
	counts BLOB    NOT NULL,
	PRIMARY KEY (ord, k, id)
) STRICT, WITHOUT ROWID;

-- The logins locked now, found without reading the failures of the others.
CREATE INDEX throttle_locked ON throttle (locked_until) WHERE locked_until IS NOT NULL;
