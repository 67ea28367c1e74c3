package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"sesame/app"
)

var _ app.Archive = (*DB)(nil)

// tables are the tables of a directory, in the order of app.DirectoryWriter.
var tables = []string{"settings", "users", "password_history", "throttle", "audit", "outbox", "recovery_codes", "recovery_sends"}

// Export hands the whole directory to w, read from one snapshot.
func (db *DB) Export(ctx context.Context, w app.DirectoryWriter) (app.DirectoryCounts, error) {
	var n app.DirectoryCounts
	err := db.run(ctx, false, func(t *tx) error {
		n = app.DirectoryCounts{}
		return t.export(w, &n)
	})
	return n, err
}

// each runs query and calls scan for each row, counting them in n.
func (t *tx) each(n *int, query string, scan func(pgx.Rows) error) error {
	rows, err := t.tx.Query(t.ctx, query)
	if err != nil {
		return t.fail(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
		*n++
	}
	if err := rows.Err(); err != nil {
		return t.fail(err)
	}
	return nil
}

func (t *tx) export(w app.DirectoryWriter, n *app.DirectoryCounts) error {
	scanned := func(err error) error {
		if err != nil {
			return t.fail(err)
		}
		return nil
	}
	steps := []func() error{
		func() error {
			return t.each(&n.Settings, `SELECT key, value FROM settings ORDER BY key`, func(r pgx.Rows) error {
				var k, v string
				if err := scanned(r.Scan(&k, &v)); err != nil {
					return err
				}
				return w.Setting(k, v)
			})
		},
		func() error {
			return t.each(&n.Users, `SELECT `+userCols+` FROM users u LEFT JOIN throttle t ON false ORDER BY u.id`, func(r pgx.Rows) error {
				u, _, err := scanUser(r)
				if err := scanned(err); err != nil {
					return err
				}
				u.HasLookAlike = false // joined, not stored
				return w.User(u)
			})
		},
		func() error {
			return t.each(&n.PasswordHistory, `SELECT id, user_id, hash, created_at, temporary FROM password_history ORDER BY id`, func(r pgx.Rows) error {
				var h app.PasswordHistoryEntry
				if err := scanned(r.Scan(&h.ID, &h.UserID, &h.Hash, timeCol{&h.At}, &h.Temporary)); err != nil {
					return err
				}
				return w.PasswordHistory(h)
			})
		},
		func() error {
			return t.each(&n.Throttle, `SELECT key, failures, locked_until, last_failure, refused FROM throttle ORDER BY key`, func(r pgx.Rows) error {
				var th app.Throttle
				if err := scanned(r.Scan(&th.Key, &th.Failures, timeCol{&th.LockedUntil}, timeCol{&th.LastFailure}, &th.Refused)); err != nil {
					return err
				}
				return w.Throttle(th)
			})
		},
		func() error {
			return t.each(&n.Audit, `SELECT id, at, actor, subject, action, details FROM audit ORDER BY id`, func(r pgx.Rows) error {
				var e app.AuditEvent
				if err := scanned(r.Scan(&e.ID, timeCol{&e.At}, &e.Actor, &e.Subject, &e.Action, &e.Details)); err != nil {
					return err
				}
				return w.Audit(e)
			})
		},
		func() error {
			return t.each(&n.Outbox, `SELECT `+outboxColumns+` FROM outbox ORDER BY id`, func(r pgx.Rows) error {
				m, err := scanMail(r)
				if err := scanned(err); err != nil {
					return err
				}
				return w.Mail(m)
			})
		},
		func() error {
			return t.each(&n.RecoveryCodes, `SELECT user_id, hash, sent_to, expires_at, tries, created_at FROM recovery_codes ORDER BY user_id`, func(r pgx.Rows) error {
				var c app.RecoveryCode
				if err := scanned(r.Scan(&c.UserID, &c.Hash, &c.SentTo, timeCol{&c.ExpiresAt}, &c.Tries, timeCol{&c.CreatedAt})); err != nil {
					return err
				}
				return w.RecoveryCode(c)
			})
		},
		func() error {
			return t.each(&n.RecoverySends, `SELECT id, user_id, sent_at FROM recovery_sends ORDER BY id`, func(r pgx.Rows) error {
				var rs app.RecoverySend
				if err := scanned(r.Scan(&rs.ID, &rs.UserID, timeCol{&rs.SentAt})); err != nil {
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
	err := db.run(ctx, false, func(t *tx) error {
		var err error
		n, err = t.counts()
		return err
	})
	return n, err
}

func (t *tx) counts() (app.DirectoryCounts, error) {
	var n app.DirectoryCounts
	err := t.tx.QueryRow(t.ctx, `SELECT (SELECT count(*) FROM settings), (SELECT count(*) FROM users),
		(SELECT count(*) FROM password_history), (SELECT count(*) FROM throttle), (SELECT count(*) FROM audit),
		(SELECT count(*) FROM outbox), (SELECT count(*) FROM recovery_codes), (SELECT count(*) FROM recovery_sends)`).
		Scan(&n.Settings, &n.Users, &n.PasswordHistory, &n.Throttle, &n.Audit, &n.Outbox, &n.RecoveryCodes, &n.RecoverySends)
	if err != nil {
		return n, t.fail(err)
	}
	return n, nil
}

// Import fills an empty database with the rows fill hands, in one
// transaction: rows go to the server in batches (COPY), the counts of
// search pieces are made once at the end, and the numbering of each table
// goes on after its copied IDs.
func (db *DB) Import(ctx context.Context, fill func(app.DirectoryWriter) (app.DirectoryCounts, error)) error {
	err := db.run(ctx, true, func(t *tx) error {
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
		im := &importer{t: t, grams: map[int64]int64{}}
		want, err := fill(im)
		if err != nil {
			return err
		}
		if err := im.flush(); err != nil {
			return err
		}
		if err := t.addGrams(im.grams); err != nil {
			return err
		}
		if err := t.renumber(); err != nil {
			return err
		}
		if want.Users >= clusterMin {
			if err := t.cluster(); err != nil {
				return err
			}
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
	return db.analyze(ctx)
}

// clusterMin is the number of users from which an import rewrites the
// table in name order (see cluster).
const clusterMin = 10000

// renumber makes the IDs given from now on follow those copied in.
func (t *tx) renumber() error {
	for _, table := range []string{"users", "password_history", "audit", "outbox", "recovery_sends"} {
		if _, err := t.exec(`SELECT setval(pg_get_serial_sequence($1, 'id'), coalesce(max(id), 0) + 1, false) FROM `+table, table); err != nil {
			return err
		}
	}
	return nil
}

// analyze refreshes the planner's statistics after a bulk write, so that it
// knows at once which search pieces are rare.
func (db *DB) analyze(ctx context.Context) error {
	if _, err := db.pool.Exec(ctx, `ANALYZE users, user_grams, audit, outbox`); err != nil {
		return app.Internal(err)
	}
	return nil
}

// batchSize is how many rows go to the server in one COPY.
const batchSize = 5000

// importer stores rows as they are, IDs included, in batches of one table.
type importer struct {
	t       *tx
	table   string
	columns []string
	rows    [][]any
	grams   map[int64]int64 // the counts of search pieces of the users copied
}

// add queues a row of a table, sending the queue first when it is full or
// of another table.
func (im *importer) add(table string, columns []string, row ...any) error {
	if im.table != table || len(im.rows) >= batchSize {
		if err := im.flush(); err != nil {
			return err
		}
		im.table, im.columns = table, columns
	}
	im.rows = append(im.rows, row)
	return nil
}

// flush sends the queued rows.
func (im *importer) flush() error {
	if len(im.rows) == 0 {
		return nil
	}
	rows := im.rows
	im.rows = nil
	_, err := im.t.tx.CopyFrom(im.t.ctx, pgx.Identifier{im.table}, im.columns, pgx.CopyFromRows(rows))
	if err == nil {
		return nil
	}
	name := map[string]string{"settings": "settings", "users": "users", "password_history": "password history",
		"throttle": "throttling", "audit": "audit log", "outbox": "outbox", "recovery_codes": "recovery codes",
		"recovery_sends": "recovery codes sent"}[im.table]
	first := rows[0][0]
	if c := constraint(err, "23505"); c == "users_email_key_key" {
		return app.Errorf(app.EConflict, "Two users of the copy have the same login.")
	} else if c != "" {
		return app.ErrDuplicateRow(name, first)
	}
	if constraint(err, "23503") != "" {
		return app.ErrOrphanRow(name, first)
	}
	return im.t.fail(err)
}

func (im *importer) Setting(k, v string) error {
	return im.add("settings", []string{"key", "value"}, k, v)
}

var userColumnList = []string{"id", "email", "email_key", "name", "role", "has_mailbox", "recovery_email", "disabled",
	"password_hash", "password_temporary", "temporary_expires_at", "password_changed_at", "last_signin_at",
	"created_at", "updated_at", "sort_key", "search_text", "look_alike_key", "updated_by", "version"}

func (im *importer) User(u app.User) error {
	if err := app.CheckStoredUser(&u); err != nil {
		return err
	}
	if u.ID <= 0 {
		return app.ErrDuplicateRow("users", u.ID)
	}
	text := app.SearchText(&u)
	im.grams[0]++
	for _, g := range grams(text) {
		im.grams[g]++
	}
	return im.add("users", userColumnList, append([]any{u.ID}, userArgs(&u)...)...)
}

func (im *importer) PasswordHistory(h app.PasswordHistoryEntry) error {
	if err := checkTimes(h.At); err != nil {
		return err
	}
	return im.add("password_history", []string{"id", "user_id", "hash", "created_at", "temporary"},
		h.ID, h.UserID, h.Hash, timeArg(h.At), h.Temporary)
}

func (im *importer) Throttle(th app.Throttle) error {
	if th.Key == "" {
		return app.Errorf(app.EInvalid, "The e-mail address is empty.")
	}
	if err := checkTimes(th.LockedUntil, th.LastFailure); err != nil {
		return err
	}
	return im.add("throttle", []string{"key", "failures", "locked_until", "last_failure", "refused"},
		th.Key, int32(th.Failures), timeArg(th.LockedUntil), timeArg(th.LastFailure), int32(th.Refused))
}

func (im *importer) Audit(e app.AuditEvent) error {
	if err := checkTimes(e.At); err != nil {
		return err
	}
	return im.add("audit", []string{"id", "at", "actor", "subject", "action", "details", "actor_key", "subject_key"},
		append([]any{e.ID}, auditArgs(&e)...)...)
}

func (im *importer) Mail(m app.OutboxMessage) error {
	if err := checkMail(&m); err != nil {
		return err
	}
	return im.add("outbox", []string{"id", "kind", "recipient", "subject", "body_text", "body_html", "user_email", "state",
		"attempts", "next_attempt_at", "last_error", "created_at", "sent_at", "secret_until"},
		append([]any{m.ID}, mailArgs(&m)...)...)
}

func (im *importer) RecoveryCode(c app.RecoveryCode) error {
	if err := checkTimes(c.ExpiresAt, c.CreatedAt); err != nil {
		return err
	}
	return im.add("recovery_codes", []string{"user_id", "hash", "sent_to", "expires_at", "tries", "created_at"},
		c.UserID, c.Hash, c.SentTo, timeArg(c.ExpiresAt), int32(c.Tries), timeArg(c.CreatedAt))
}

func (im *importer) RecoverySend(r app.RecoverySend) error {
	if err := checkTimes(r.SentAt); err != nil {
		return err
	}
	return im.add("recovery_sends", []string{"id", "user_id", "sent_at"}, r.ID, r.UserID, r.SentAt.UnixNano())
}
