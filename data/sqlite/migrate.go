package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"sesame/app"
)

//go:embed migrations/*.sql
var migrations embed.FS

// goSteps are the migrations that SQL cannot express, by name; they run in
// name order with the SQL files, each in its own transaction with its
// record, so that a crash leaves it undone, and they are idempotent.
var goSteps = map[string]func(db *DB, t *tx) error{
	"0005_canonical_logins": canonicalLogins,
	"0006_logins_at_fault":  loginsAtFault,
	// Search folds more letters and drops separators (app.FoldForSearch),
	// names sort by their words (app.Fold), and the directory keeps
	// columns of its own (0007_directory_columns.sql): every user's are
	// computed anew.
	"0008_directory_values": func(_ *DB, t *tx) error { return restoreUsers(t) },
	// With the directory's indexes made (0009_directory_indexes.sql):
	// ranks, the search index with cells in its rowid, and the blocks.
	"0010_directory_orders": func(_ *DB, t *tx) error {
		if err := t.relabelAll(); err != nil {
			return err
		}
		return t.rebuildBlocks()
	},
	// With grams_cells made (0011_grams_cells.sql): the holders of every
	// term by cell.
	"0012_grams_cells": func(_ *DB, t *tx) error { return t.rebuildGrams() },
}

// migrateUpTo, when set (by tests), stops the migrations after the one of
// that name: a database as an older version left it.
var migrateUpTo string

// applicationID marks Sésame's files in the SQLite header ("Sesa").
const applicationID = 0x53657361

var (
	// errBehind marks a database whose schema this version would migrate.
	errBehind = errors.New("database schema behind this version")
	// errNewer marks a database migrated by a newer version of Sésame.
	errNewer = errors.New("database from a newer version")
)

// migrationsTable records the migrations applied to a database.
const migrationsTable = `CREATE TABLE IF NOT EXISTS migrations (
	name TEXT PRIMARY KEY,
	applied_at INTEGER NOT NULL
) STRICT`

// steps lists every migration's name, in order.
func steps() ([]string, error) {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files)+len(goSteps))
	for _, f := range files {
		names = append(names, strings.TrimPrefix(f, "migrations/"))
	}
	for name := range goSteps {
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

// checkVersion compares the migrations recorded in the file with those this
// version knows: errBehind when some are missing, errNewer when the file
// has one this version does not know. It only reads.
func (db *DB) checkVersion(ctx context.Context, pool *sql.DB) error {
	known, err := steps()
	if err != nil {
		return err
	}
	var exists int
	if err := pool.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'migrations'`).
		Scan(&exists); err != nil {
		return err
	}
	if exists == 0 {
		return errBehind
	}
	rows, err := pool.QueryContext(ctx, `SELECT name FROM migrations ORDER BY name`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var applied []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		if !slices.Contains(known, name) {
			return fmt.Errorf("%w: unknown migration %s", errNewer, name)
		}
		applied = append(applied, name)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(applied) < len(known) {
		return errBehind
	}
	return nil
}

// migrate applies, in name order, each migration not yet recorded in the
// migrations table, each in its own transaction. Two processes opening the
// same file at once are safe: the write lock is taken before the check.
func (db *DB) migrate(ctx context.Context) error {
	names, err := steps()
	if err != nil {
		return err
	}
	for _, name := range names {
		if migrateUpTo != "" && name > migrateUpTo {
			return nil
		}
		err := db.writeTx(ctx, func(t *tx) error {
			if _, err := t.tx.ExecContext(ctx, migrationsTable); err != nil {
				return err
			}
			var n int
			if err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil || n > 0 {
				return err
			}
			if step, ok := goSteps[name]; ok {
				if err := step(db, t); err != nil {
					return fmt.Errorf("migration %s: %w", name, err)
				}
			} else {
				script, err := migrations.ReadFile("migrations/" + name)
				if err != nil {
					return err
				}
				if _, err := t.tx.ExecContext(ctx, string(script)); err != nil {
					return fmt.Errorf("migration %s: %w", name, err)
				}
			}
			// Migrations run before any watch, and perhaps before the
			// table that counts changes is made.
			t.changed = 0
			_, err := t.tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().UnixNano())
			return err
		})
		if err != nil {
			return err
		}
	}
	// Databases made before Sésame marked its files are marked now.
	if _, err := db.write.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		return err
	}
	return db.checkVersion(ctx, db.write)
}

// canonicalLogins brings the logins and recovery addresses stored by older
// versions to their canonical form (app.CheckEmail), with their keys, and
// gives every user its look-alike key. Two logins that become one are not
// merged: the older account takes the canonical login, the other keeps its
// login and key, is disabled, and both the audit log and Notes report it.
// Logins that no longer validate keep theirs (loginsAtFault reports them). Throttling records follow
// their logins; two that become one are added up.
func canonicalLogins(db *DB, t *tx) error {
	if _, err := t.exec(`CREATE TEMP TABLE rekey (id INTEGER PRIMARY KEY, key TEXT NOT NULL, email TEXT NOT NULL,
		recovery TEXT NOT NULL, sort_key TEXT NOT NULL, search_text TEXT NOT NULL)`); err != nil {
		return err
	}
	defer t.exec(`DROP TABLE temp.rekey`)
	const batch = 1000
	for after := int64(0); ; {
		users, err := t.rekeyBatch(after, batch)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			break
		}
		for _, u := range users {
			if _, err := t.exec(`UPDATE users SET look_alike_key = ? WHERE id = ?`, lookAlikeKey(u.Email), u.ID); err != nil {
				return err
			}
			after = u.ID
		}
	}
	losers, err := t.collisions(db)
	if err != nil {
		return err
	}
	// Each changed key is first made unique on its own, so that keys that
	// move onto each other's old place do not collide on the way.
	for _, q := range []string{
		`UPDATE users SET email_key = char(1) || id WHERE id IN (SELECT id FROM temp.rekey)`,
		`UPDATE users SET (email, email_key, recovery_email, sort_key, search_text) = (SELECT r.email, r.key, r.recovery,
			r.sort_key, r.search_text FROM temp.rekey r WHERE r.id = users.id) WHERE id IN (SELECT id FROM temp.rekey)`,
	} {
		if _, err := t.exec(q); err != nil {
			return err
		}
	}
	for id, oldKey := range losers {
		if _, err := t.exec(`UPDATE users SET email_key = ?, disabled = 1 WHERE id = ?`, oldKey, id); err != nil {
			return err
		}
	}
	// The ranks and the search index follow the new sort keys and texts
	// in the step 0009_directory_orders, which makes them all anew.
	return t.rekeyThrottle()
}

// rekeyBatch reads up to n users after the ID given, notes in temp.rekey
// those whose login or recovery address changes form, and returns them all
// with their canonical login.
func (t *tx) rekeyBatch(after int64, n int) ([]app.User, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, email, email_key, recovery_email, name FROM users
		WHERE id > ? ORDER BY id LIMIT ?`, after, n)
	if err != nil {
		return nil, app.Internal(err)
	}
	type row struct {
		u   app.User
		key string
	}
	var read []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.u.ID, &r.u.Email, &r.key, &r.u.RecoveryEmail, &r.u.Name); err != nil {
			rows.Close()
			return nil, app.Internal(err)
		}
		read = append(read, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	users := make([]app.User, len(read))
	for i, r := range read {
		u := r.u
		if c, err := app.CheckEmail(u.Email); err == nil {
			u.Email = c
		}
		if c, err := app.CheckEmail(u.RecoveryEmail); err == nil {
			u.RecoveryEmail = c
		}
		if key := app.EmailKey(u.Email); key != r.key || u.Email != r.u.Email || u.RecoveryEmail != r.u.RecoveryEmail {
			if _, err := t.exec(`INSERT INTO temp.rekey (id, key, email, recovery, sort_key, search_text) VALUES (?, ?, ?, ?, ?, ?)`,
				u.ID, key, u.Email, u.RecoveryEmail, app.SortKey(&u), app.SearchText(&u)); err != nil {
				return nil, err
			}
		}
		users[i] = u
	}
	return users, nil
}

// collisions finds the changed logins whose new key another user holds or
// takes: those keep their login and old key (returned by user ID), the
// older or unchanged account taking the key. Each is audited and noted.
func (t *tx) collisions(db *DB) (map[int64]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT r.id, u.email, u.email_key, w.id,
			coalesce((SELECT o.email FROM temp.rekey o WHERE o.id = w.id), w.email) FROM temp.rekey r
		JOIN users u ON u.id = r.id
		JOIN users w ON w.id = coalesce(
			(SELECT o.id FROM users o WHERE o.email_key = r.key AND o.id NOT IN (SELECT id FROM temp.rekey)),
			(SELECT min(o.id) FROM temp.rekey o WHERE o.key = r.key))
		WHERE w.id <> r.id ORDER BY r.id`)
	if err != nil {
		return nil, app.Internal(err)
	}
	type collision struct {
		id, winner    int64
		email, key, w string
	}
	var found []collision
	for rows.Next() {
		var c collision
		if err := rows.Scan(&c.id, &c.email, &c.key, &c.winner, &c.w); err != nil {
			rows.Close()
			return nil, app.Internal(err)
		}
		found = append(found, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	losers := map[int64]string{}
	for _, c := range found {
		if _, err := t.exec(`DELETE FROM temp.rekey WHERE id = ?`, c.id); err != nil {
			return nil, err
		}
		losers[c.id] = c.key
		note := app.LoginCollisionNote(c.email, c.id, c.w, c.winner)
		if err := t.AddAudit(app.AuditEvent{At: time.Now(), Actor: "system:sesame", Subject: c.email,
			Action: app.ActionLoginCollision, Details: note.String()}); err != nil {
			return nil, err
		}
		db.notes = append(db.notes, note)
	}
	return losers, nil
}

// loginsAtFault reports the logins, stored by an older version, that do
// not follow the rules of this one (app.CheckEmail: a zero-width space, a
// blank that is not a space…). They are kept, since their owners sign in
// with them, but not silently: each is audited (ActionLoginAtFault) and
// noted, and takes the look-alike key of today's rule, which leaves out
// the characters that show as nothing, so that it is marked as looking like
// the login it passes for.
func loginsAtFault(db *DB, t *tx) error {
	const batch = 1000
	for after := int64(0); ; {
		rows, err := t.tx.QueryContext(t.ctx, `SELECT id, email FROM users WHERE id > ? ORDER BY id LIMIT ?`, after, batch)
		if err != nil {
			return app.Internal(err)
		}
		type user struct {
			id    int64
			email string
		}
		var faulty []user
		n := 0
		for rows.Next() {
			var u user
			if err := rows.Scan(&u.id, &u.email); err != nil {
				rows.Close()
				return app.Internal(err)
			}
			if _, err := app.CheckEmail(u.email); err != nil {
				faulty = append(faulty, u)
			}
			after, n = u.id, n+1
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return app.Internal(err)
		}
		for _, u := range faulty {
			if _, err := t.exec(`UPDATE users SET look_alike_key = ? WHERE id = ?`, lookAlikeKey(u.email), u.id); err != nil {
				return err
			}
			note := app.LoginAtFaultNote(u.email, u.id)
			if err := t.AddAudit(app.AuditEvent{At: time.Now(), Actor: "system:sesame", Subject: u.email,
				Action: app.ActionLoginAtFault, Details: note.String()}); err != nil {
				return err
			}
			db.notes = append(db.notes, note)
		}
		if n < batch {
			return nil
		}
	}
}

// rekeyThrottle moves each throttling record to the key of its login,
// adding up those that meet.
func (t *tx) rekeyThrottle() error {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT key, failures, locked_until, last_failure, refused FROM throttle`)
	if err != nil {
		return app.Internal(err)
	}
	merged := map[string]app.Throttle{}
	var moved []string
	for rows.Next() {
		var th app.Throttle
		if err := rows.Scan(&th.Key, &th.Failures, timeCol{&th.LockedUntil}, timeCol{&th.LastFailure}, &th.Refused); err != nil {
			rows.Close()
			return app.Internal(err)
		}
		key := th.Key
		if !strings.HasPrefix(key, "not-an-address:") {
			key = app.EmailKey(key)
		}
		if key == th.Key {
			continue
		}
		moved = append(moved, th.Key)
		m := merged[key]
		m.Key, m.Failures, m.Refused = key, m.Failures+th.Failures, m.Refused+th.Refused
		if th.LockedUntil.After(m.LockedUntil) {
			m.LockedUntil = th.LockedUntil
		}
		if th.LastFailure.After(m.LastFailure) {
			m.LastFailure = th.LastFailure
		}
		merged[key] = m
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return app.Internal(err)
	}
	for _, k := range moved {
		if err := t.ClearThrottle(k); err != nil {
			return err
		}
	}
	for key, m := range merged {
		cur, err := t.Throttle(key)
		if err != nil {
			return err
		}
		m.Failures += cur.Failures
		m.Refused += cur.Refused
		if cur.LockedUntil.After(m.LockedUntil) {
			m.LockedUntil = cur.LockedUntil
		}
		if cur.LastFailure.After(m.LastFailure) {
			m.LastFailure = cur.LastFailure
		}
		if err := t.PutThrottle(m); err != nil {
			return err
		}
	}
	return nil
}
