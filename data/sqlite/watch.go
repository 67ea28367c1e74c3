package sqlite

import (
	"context"
	"time"

	"sesame/app"
)

var _ app.Watcher = (*DB)(nil)

// pollEvery is how often a watch reads the counters of changes: another
// process's change is seen within about this long.
const pollEvery = 250 * time.Millisecond

// countChanges adds what the transaction changed to the counters of the
// changes table, in the transaction itself: a watch sees it once, and only
// once, it is committed. A transaction that changed nothing writes nothing.
func (t *tx) countChanges() error {
	if t.changed == 0 {
		return nil
	}
	one := func(k app.Changes) int {
		if t.changed&k != 0 {
			return 1
		}
		return 0
	}
	_, err := t.exec(`UPDATE changes SET users = users + ?, settings = settings + ?, mail = mail + ? WHERE id = 1`,
		one(app.ChangedUsers), one(app.ChangedSettings), one(app.ChangedMail))
	return err
}

// counters are the counts of the changes table.
type counters struct{ users, settings, mail int64 }

// since is what changed between before and c.
func (c counters) since(before counters) app.Changes {
	var ch app.Changes
	if c.users != before.users {
		ch |= app.ChangedUsers
	}
	if c.settings != before.settings {
		ch |= app.ChangedSettings
	}
	if c.mail != before.mail {
		ch |= app.ChangedMail
	}
	return ch
}

// Watch reports what the transactions of every process on this file
// commit (app.Watcher): it reads the one row of counters that each write
// transaction adds to, every pollEvery, through the pool of read
// connections. Its cost does not depend on the data.
func (db *DB) Watch(ctx context.Context, notify func(app.StoreEvent)) error {
	ticker := time.NewTicker(pollEvery)
	defer ticker.Stop()
	var last counters
	known, lost := false, false
	for {
		c, err := db.counters(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			if !lost {
				lost = true
				notify(app.StoreEvent{Lost: true, Err: explainUse(db.path, app.Internal(err))})
			}
		case lost:
			lost, last = false, c
			notify(app.StoreEvent{Back: true, Changed: app.AllChanges})
		case known:
			if ch := c.since(last); ch != 0 {
				notify(app.StoreEvent{Changed: ch})
			}
			last = c
		default:
			last, known = c, true
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

func (db *DB) counters(ctx context.Context) (counters, error) {
	var c counters
	err := db.read.QueryRowContext(ctx, `SELECT users, settings, mail FROM changes WHERE id = 1`).
		Scan(&c.users, &c.settings, &c.mail)
	return c, err
}
