package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/mattn/go-sqlite3"

	"sesame/app"
)

var _ app.Archive = (*DB)(nil)

// tables are the tables of a directory, in the order of app.DirectoryWriter.
var tables = []string{"settings", "users", "password_history", "throttle", "audit", "outbox", "recovery_codes", "recovery_sends"}

// Export hands the whole directory to w, read in one transaction.
func (db *DB) Export(ctx context.Context, w app.DirectoryWriter) (app.DirectoryCounts, error) {
	var n app.DirectoryCounts
	err := db.readTx(ctx, func(t *tx) error {
		n = app.DirectoryCounts{}
		return t.export(w, &n)
	})
	return n, err
}

// each runs query and calls scan for each row, counting them in n.
func (t *tx) each(n *int, query string, scan func(*sql.Rows) error) error {
	rows, err := t.tx.QueryContext(t.ctx, query)
	if err != nil {
		return app.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
		*n++
	}
	if err := rows.Err(); err != nil {
		return app.Internal(err)
	}
	return nil
}

func (t *tx) export(w app.DirectoryWriter, n *app.DirectoryCounts) error {
	scanErr := func(err error) error {
		if err != nil {
			return app.Internal(err)
		}
		return nil
	}
	steps := []func() error{
		func() error {
			return t.each(&n.Settings, `SELECT key, value FROM settings ORDER BY key`, func(r *sql.Rows) error {
				var k, v string
				if err := r.Scan(&k, &v); err != nil {
					return app.Internal(err)
				}
				return w.Setting(k, v)
			})
		},
		func() error {
			return t.each(&n.Users, `SELECT `+userCols+` FROM `+userJoin+` ORDER BY u.id`, func(r *sql.Rows) error {
				u, _, err := scanUser(r)
				if err != nil {
					return app.Internal(err)
				}
				u.LockedUntil, u.HasLookAlike = time.Time{}, false // joined, not stored
				return w.User(u)
			})
		},
		func() error {
			return t.each(&n.PasswordHistory, `SELECT id, user_id, hash, created_at, temporary FROM password_history ORDER BY id`, func(r *sql.Rows) error {
				var h app.PasswordHistoryEntry
				if err := scanErr(r.Scan(&h.ID, &h.UserID, &h.Hash, timeCol{&h.At}, &h.Temporary)); err != nil {
					return err
				}
				return w.PasswordHistory(h)
			})
		},
		func() error {
			return t.each(&n.Throttle, `SELECT key, failures, locked_until, last_failure, refused FROM throttle ORDER BY key`, func(r *sql.Rows) error {
				var th app.Throttle
				if err := scanErr(r.Scan(&th.Key, &th.Failures, timeCol{&th.LockedUntil}, timeCol{&th.LastFailure}, &th.Refused)); err != nil {
					return err
				}
				return w.Throttle(th)
			})
		},
		func() error {
			return t.each(&n.Audit, `SELECT id, at, actor, subject, action, details FROM audit ORDER BY id`, func(r *sql.Rows) error {
				var e app.AuditEvent
				if err := scanErr(r.Scan(&e.ID, timeCol{&e.At}, &e.Actor, &e.Subject, &e.Action, &e.Details)); err != nil {
					return err
				}
				return w.Audit(e)
			})
		},
		func() error {
			return t.each(&n.Outbox, `SELECT `+outboxColumns+` FROM outbox ORDER BY id`, func(r *sql.Rows) error {
				m, err := scanMail(r)
				if err := scanErr(err); err != nil {
					return err
				}
				return w.Mail(m)
			})
		},
		func() error {
			return t.each(&n.RecoveryCodes, `SELECT user_id, hash, sent_to, expires_at, tries, created_at FROM recovery_codes ORDER BY user_id`, func(r *sql.Rows) error {
				var c app.RecoveryCode
				if err := scanErr(r.Scan(&c.UserID, &c.Hash, &c.SentTo, timeCol{&c.ExpiresAt}, &c.Tries, timeCol{&c.CreatedAt})); err != nil {
					return err
				}
				return w.RecoveryCode(c)
			})
		},
		func() error {
			return t.each(&n.RecoverySends, `SELECT id, user_id, sent_at FROM recovery_sends ORDER BY id`, func(r *sql.Rows) error {
				var rs app.RecoverySend
				if err := scanErr(r.Scan(&rs.ID, &rs.UserID, timeCol{&rs.SentAt})); err != nil {
					return err
				}
				return w.RecoverySend(rs)
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// Counts counts the rows of each table.
func (db *DB) Counts(ctx context.Context) (app.DirectoryCounts, error) {
	var n app.DirectoryCounts
	err := db.readTx(ctx, func(t *tx) error {
		var err error
		n, err = t.counts()
		return err
	})
	return n, err
}

func (t *tx) counts() (app.DirectoryCounts, error) {
	var n app.DirectoryCounts
	err := t.tx.QueryRowContext(t.ctx, `SELECT (SELECT count(*) FROM settings), (SELECT count(*) FROM users),
		(SELECT count(*) FROM password_history), (SELECT count(*) FROM throttle), (SELECT count(*) FROM audit),
		(SELECT count(*) FROM outbox), (SELECT count(*) FROM recovery_codes), (SELECT count(*) FROM recovery_sends)`).
		Scan(&n.Settings, &n.Users, &n.PasswordHistory, &n.Throttle, &n.Audit, &n.Outbox, &n.RecoveryCodes, &n.RecoverySends)
	if err != nil {
		return n, app.Internal(err)
	}
	return n, nil
}

// Import fills an empty database with the rows fill hands, in one
// transaction, then ranks and indexes the users and makes the blocks of
// the directory's orders at once, as LoadUsers does.
func (db *DB) Import(ctx context.Context, fill func(app.DirectoryWriter) (app.DirectoryCounts, error)) error {
	err := db.writeTx(ctx, func(t *tx) error {
		t.changed = app.AllChanges
		for _, table := range tables {
			// One row is enough to refuse: no need to count them.
			if _, found, err := t.queryInt64(`SELECT 1 FROM ` + table + ` LIMIT 1`); err != nil || found {
				if found {
					return app.ErrNotEmpty()
				}
				return err
			}
		}
		want, err := fill(importer{t})
		if err != nil {
			return err
		}
		if err := t.relabelAll(); err != nil {
			return err
		}
		if err := t.rebuildCounts(); err != nil {
			return err
		}
		got, err := t.counts()
		if err != nil {
			return err
		}
		return app.CheckCopied(want, got)
	})
	if err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return app.Internal(err)
	}
	return nil
}

// importer stores rows as they are, IDs included.
type importer struct{ t *tx }

// insert runs an INSERT of a copied row, telling a duplicate ID or key and
// a row that refers to no user apart from a failure.
func (im importer) insert(table string, id any, query string, args ...any) error {
	_, err := im.t.tx.ExecContext(im.t.ctx, query, args...)
	var e sqlite3.Error
	switch {
	case err == nil:
		return nil
	case isForeignKey(err):
		return app.ErrOrphanRow(table, id)
	case errors.As(err, &e) && e.Code == sqlite3.ErrConstraint:
		return app.ErrDuplicateRow(table, id)
	}
	return app.Internal(err)
}

func (im importer) Setting(k, v string) error {
	return im.insert("settings", k, `INSERT INTO settings (key, value) VALUES (?, ?)`, k, v)
}

// User stores u unranked (rank -id): Import ranks and indexes every user
// at its end.
func (im importer) User(u app.User) error {
	if err := app.CheckStoredUser(&u); err != nil {
		return err
	}
	key := app.EmailKey(u.Email)
	if owner, err := im.t.loginOwner(key); err != nil || owner != 0 {
		if owner != 0 {
			return app.ErrLoginTaken(u.Email)
		}
		return err
	}
	return im.insert("users", u.ID, `INSERT INTO users (id, email, email_key, name, role, has_mailbox, recovery_email,
		disabled, password_hash, password_temporary, temporary_expires_at, password_changed_at, last_signin_at,
		created_at, updated_at, sort_key, search_text, rank, look_alike_key, `+storedCols+`, updated_by, version)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, -?1, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)`,
		append([]any{u.ID, u.Email, key, u.Name, string(u.Role), u.HasMailbox, u.RecoveryEmail,
			u.Disabled, u.PasswordHash, u.PasswordTemporary, timeArg(u.TemporaryExpiresAt), timeArg(u.PasswordChangedAt),
			timeArg(u.LastSignInAt), timeArg(u.CreatedAt), timeArg(u.UpdatedAt), app.SortKey(&u), app.SearchText(&u),
			lookAlikeKey(u.Email)}, append(storedOf(&u).args(), u.UpdatedBy, max(u.Version, 1))...)...)
}

func (im importer) PasswordHistory(h app.PasswordHistoryEntry) error {
	if err := checkTimes(h.At); err != nil {
		return err
	}
	return im.insert("password history", h.ID, `INSERT INTO password_history (id, user_id, hash, created_at, temporary)
		VALUES (?, ?, ?, ?, ?)`, h.ID, h.UserID, h.Hash, timeArg(h.At), h.Temporary)
}

func (im importer) Throttle(th app.Throttle) error { return im.t.PutThrottle(th) }

func (im importer) Audit(e app.AuditEvent) error {
	if err := checkTimes(e.At); err != nil {
		return err
	}
	actorKey, subjectKey := app.AuditKey(e.Actor), app.AuditKey(e.Subject)
	if err := im.insert("audit log", e.ID, `INSERT INTO audit (id, at, actor, subject, action, details, actor_key, subject_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, timeArg(e.At), e.Actor, e.Subject, e.Action, e.Details, actorKey, subjectKey); err != nil {
		return err
	}
	_, err := im.t.exec(`INSERT INTO audit_grams (rowid, doc) VALUES (?, ?)`, e.ID, gramDoc(actorKey)+" "+gramDoc(subjectKey))
	return err
}

func (im importer) Mail(m app.OutboxMessage) error {
	if err := checkTimes(m.NextAttemptAt, m.CreatedAt, m.SentAt, m.SecretUntil); err != nil {
		return err
	}
	return im.insert("outbox", m.ID, `INSERT INTO outbox (id, kind, recipient, subject, body_text, body_html, user_email, state,
		attempts, next_attempt_at, last_error, created_at, sent_at, secret_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.Kind, m.To, m.Subject, m.Text, m.HTML, m.UserEmail, string(m.State), m.Attempts,
		timeArg(m.NextAttemptAt), m.LastError, timeArg(m.CreatedAt), timeArg(m.SentAt), timeArg(m.SecretUntil))
}

func (im importer) RecoveryCode(c app.RecoveryCode) error {
	err := im.t.PutRecoveryCode(c)
	if app.CodeOf(err) == app.ENotFound {
		return app.ErrOrphanRow("recovery codes", c.UserID)
	}
	return err
}

func (im importer) RecoverySend(r app.RecoverySend) error {
	if err := checkTimes(r.SentAt); err != nil {
		return err
	}
	return im.insert("recovery codes sent", r.ID, `INSERT INTO recovery_sends (id, user_id, sent_at) VALUES (?, ?, ?)`,
		r.ID, r.UserID, timeArg(r.SentAt))
}
