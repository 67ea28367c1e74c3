-- Who changed each user last, and how many times it changed: an update made
-- from a user read before another change is refused (app.User.Version).
-- What transactions change is told to the other workstations by NOTIFY
-- sesame_changes (watch.go), which needs no table.
ALTER TABLE users ADD COLUMN updated_by text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN version bigint NOT NULL DEFAULT 1;
