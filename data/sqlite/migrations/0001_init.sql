-- Times are INTEGER nanoseconds since the Unix epoch (UTC); NULL is the zero time.

CREATE TABLE users (
	id                   INTEGER PRIMARY KEY,
	email                TEXT    NOT NULL,            -- the login as entered, trimmed
	email_key            TEXT    NOT NULL UNIQUE,     -- app.EmailKey(email)
	name                 TEXT    NOT NULL,
	role                 TEXT    NOT NULL,
	has_mailbox          INTEGER NOT NULL,
	recovery_email       TEXT    NOT NULL,
	disabled             INTEGER NOT NULL,
	password_hash        TEXT    NOT NULL,
	password_temporary   INTEGER NOT NULL,
	temporary_expires_at INTEGER,
	password_changed_at  INTEGER,
	last_signin_at       INTEGER,
	created_at           INTEGER,
	updated_at           INTEGER,
	sort_key             TEXT    NOT NULL,            -- app.SortKey
	search_text          TEXT    NOT NULL,            -- folded name, login and recovery e-mail
	-- rank is a sparse integer whose order is that of (sort_key, id): the
	-- search index uses it as its rowid, so that it yields matches in name
	-- order (see search.go).
	rank                 INTEGER NOT NULL UNIQUE
) STRICT;

CREATE INDEX users_by_name ON users (sort_key, id);
-- Checks the candidates of a search without reading their rows.
CREATE INDEX users_search ON users (rank, search_text);
CREATE INDEX users_admins ON users (sort_key, id) WHERE role = 'admin';

-- The characters, pairs and trigrams of each user's search_text, hex-encoded
-- (see gramDoc), by rank.
CREATE VIRTUAL TABLE users_grams USING fts5 (
	doc,
	content = '',
	contentless_delete = 1,
	tokenize = 'ascii',
	detail = none
);

CREATE TABLE password_history (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	hash       TEXT    NOT NULL,
	created_at INTEGER
) STRICT;

CREATE INDEX password_history_by_user ON password_history (user_id, created_at, id);

-- Failed sign-ins by login key, whether or not a user has that login.
CREATE TABLE throttle (
	key          TEXT    PRIMARY KEY,
	failures     INTEGER NOT NULL,
	locked_until INTEGER,
	last_failure INTEGER
) STRICT, WITHOUT ROWID;

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE audit (
	id          INTEGER PRIMARY KEY,            -- newest first is id descending
	at          INTEGER,
	actor       TEXT    NOT NULL,
	subject     TEXT    NOT NULL,
	action      TEXT    NOT NULL,
	details     TEXT    NOT NULL,
	actor_key   TEXT    NOT NULL,               -- lower-cased, for filtering
	subject_key TEXT    NOT NULL
) STRICT;

CREATE INDEX audit_by_action ON audit (action, id);

-- The characters, pairs and trigrams of actor_key and subject_key, by audit id.
CREATE VIRTUAL TABLE audit_grams USING fts5 (
	doc,
	content = '',
	columnsize = 0,
	tokenize = 'ascii',
	detail = none
);
