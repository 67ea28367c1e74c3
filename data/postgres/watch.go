package postgres

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"sesame/app"
)

// changesChannel is where transactions tell the watches of every
// workstation what they changed (LISTEN/NOTIFY).
const changesChannel = "sesame_changes"

const (
	// listenIdle is how long a watch waits for a notification before it
	// checks that its connection is still there: a server that vanished
	// without closing it (a cable pulled) is noticed within about this
	// long.
	listenIdle = 10 * time.Second
	// listenRetry is the wait between attempts to connect again.
	listenRetry = time.Second
	// listenTimeout bounds a connection attempt and a check.
	listenTimeout = 5 * time.Second
)

// tellChanges notifies what the transaction changed, in the transaction
// itself: the server delivers a notification at commit, and never for a
// transaction rolled back. One that changed nothing says nothing.
func (t *tx) tellChanges() error {
	if t.changed == 0 {
		return nil
	}
	_, err := t.exec(`SELECT pg_notify($1, $2)`, changesChannel, strconv.Itoa(int(t.changed)))
	return err
}

// Watch reports what the transactions of every workstation commit
// (app.Watcher): it listens for their notifications on a connection of its
// own, outside the pool. When that connection is lost it reports Lost,
// connects again every listenRetry, and once it can it reports Back.
func (db *DB) Watch(ctx context.Context, notify func(app.StoreEvent)) error {
	lost := false
	for {
		err := db.listenOnce(ctx, notify, func() {
			if lost {
				lost = false
				notify(app.StoreEvent{Back: true, Changed: app.AllChanges})
			}
		})
		if ctx.Err() != nil {
			return nil
		}
		if !lost {
			lost = true
			notify(app.StoreEvent{Lost: true, Err: &app.Error{Code: app.EInternal, Err: scrub(err, db.secrets),
				Message: app.Msg("The database server cannot be reached.")}})
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(listenRetry):
		}
	}
}

// listenOnce connects and listens, calls ready once it does, and reports
// notifications until the connection fails, whose error it returns, or ctx
// ends.
func (db *DB) listenOnce(ctx context.Context, notify func(app.StoreEvent), ready func()) error {
	cctx, cancel := context.WithTimeout(ctx, listenTimeout)
	conn, err := pgx.ConnectConfig(cctx, db.listen.Copy())
	cancel()
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), listenTimeout)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return err
	}
	ready()
	for {
		wctx, cancel := context.WithTimeout(ctx, listenIdle)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return nil
		case err == nil:
			if c, perr := strconv.Atoi(n.Payload); perr == nil && c > 0 {
				notify(app.StoreEvent{Changed: app.Changes(c) & app.AllChanges})
			}
		case pgconn.Timeout(err):
			pctx, cancel := context.WithTimeout(ctx, listenTimeout)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
		default:
			return err
		}
	}
}
