-- The indexes of the directory's orders (see directory.go), made once the
-- columns they hold are filled.

-- One index per order, each covering what a walk through it tests: the
-- static cell, the expiry, the idle time (locks are tested by id).
DROP INDEX users_by_name;
CREATE INDEX users_by_name ON users (sort_key, id, attrs, expiry_key, idle_key);
CREATE INDEX users_by_login ON users (email_key, id, attrs, expiry_key, idle_key);
CREATE INDEX users_by_signin ON users (signin_key, id, attrs, expiry_key, idle_key);
CREATE INDEX users_by_changed ON users (changed_key, id, attrs, expiry_key, idle_key);
CREATE INDEX users_by_created ON users (created_key, id, attrs, expiry_key, idle_key);
CREATE INDEX users_by_idle ON users (idle_key, id, attrs, expiry_key);

-- The same orders for the users with a temporary password only: what "must
-- change" and "expired" list, few among many.
CREATE INDEX users_temporary_by_name ON users (sort_key, id, attrs, expiry_key, idle_key) WHERE expiry_key IS NOT NULL;
CREATE INDEX users_temporary_by_login ON users (email_key, id, attrs, expiry_key, idle_key) WHERE expiry_key IS NOT NULL;
CREATE INDEX users_temporary_by_signin ON users (signin_key, id, attrs, expiry_key, idle_key) WHERE expiry_key IS NOT NULL;
CREATE INDEX users_temporary_by_changed ON users (changed_key, id, attrs, expiry_key, idle_key) WHERE expiry_key IS NOT NULL;
CREATE INDEX users_temporary_by_created ON users (created_key, id, attrs, expiry_key, idle_key) WHERE expiry_key IS NOT NULL;

-- The users with a temporary password by static cell, then expiry: counted
-- by cell, expired or not and stale or not, in one pass.
CREATE INDEX users_temporary_by_attrs ON users (attrs, expiry_key, idle_key) WHERE expiry_key IS NOT NULL;

-- The users of a few static cells (administrators who are disabled and
-- have no mailbox…), however rare.
CREATE INDEX users_by_attrs ON users (attrs);

-- Checks the candidates of a search, and tells their cells and their
-- places in the orders by time, without reading their rows.
DROP INDEX users_search;
CREATE INDEX users_search ON users (rank, search_text, attrs, expiry_key, idle_key, signin_key, changed_key, created_key);
