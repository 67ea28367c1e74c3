package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/mattn/go-sqlite3"

	"sesame/app"
)

// tx implements app.Tx on one SQL transaction.
type tx struct {
	ctx     context.Context
	tx      *sql.Tx
	wiped   bool         // a secret was wiped: see DB.run
	marked  bool         // another process wiped one, whose copies may remain: see markWAL
	changed app.Changes  // what the transaction changed, counted at its commit for the watches
	written int          // the users created or updated: see setCheckpoint
	held    *heldMatches // the last long text's matches; nil in a write transaction
	// The search index's changes held back (see flushGrams); gramOrder
	// lists their rowids, written in ascending order.
	grams      map[int64]*gramWrite
	gramOrder  []int64
	auditGrams []auditGram
	gramCells  gramDelta // grams_cells's changes held back (see moveGrams)
	blocks     blockCache
}

var _ app.Tx = (*tx)(nil)

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	r, err := t.tx.ExecContext(t.ctx, query, args...)
	if err != nil {
		return nil, app.Internal(err)
	}
	return r, nil
}

// queryInt64 returns the single integer of a query, ok false when it has no row.
func (t *tx) queryInt64(query string, args ...any) (v int64, ok bool, err error) {
	err = t.tx.QueryRowContext(t.ctx, query, args...).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, app.Internal(err)
	}
	return v, true, nil
}

// checkTimes refuses times that cannot be stored exactly.
var checkTimes = app.CheckStoredTimes

// timeArg is the stored form of a time checked by checkTimes: NULL for the
// zero time, otherwise nanoseconds since the epoch.
func timeArg(v time.Time) any {
	if v.IsZero() {
		return nil
	}
	return v.UnixNano()
}

// timeCol scans the stored form of a time back into a time.Time, in UTC.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.Unix(0, v).UTC()
	default:
		return errors.New("data: a time column holds a value of the wrong type")
	}
	return nil
}

func isForeignKey(err error) bool {
	var e sqlite3.Error
	return errors.As(err, &e) && e.ExtendedCode == sqlite3.ErrConstraintForeignKey
}
