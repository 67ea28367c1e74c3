-- Before the steps in Go that read users whole (0005 on): they read these
-- columns too.
-- Who changed each user last, and how many times it changed: an update made
-- from a user read before another change is refused (app.User.Version).
ALTER TABLE users ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- What write transactions changed, counted by kind: the windows of every
-- process on this file follow the changes by polling this one row
-- (watch.go).
CREATE TABLE changes (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	users    INTEGER NOT NULL,
	settings INTEGER NOT NULL,
	mail     INTEGER NOT NULL
) STRICT;
INSERT INTO changes (id, users, settings, mail) VALUES (1, 0, 0, 0);
