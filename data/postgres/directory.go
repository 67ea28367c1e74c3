package postgres

import (
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"sesame/app"
)

// The directory: users by any filter (a set of cells, app.UserSet) and
// text, in the orders of app.CompareUsers, at any position, and counted by
// cell.
//
// This first version states the meaning in plain SQL: each user's cell is
// computed by cellSQL, the text is matched as search does (the GIN index
// of pieces when they are rare), and positions are OFFSET. It is right at
// any size and fast enough for directories of some tens of thousands; the
// structures that make SQLite's directory fast at a million (stored cells,
// counts by block of each order: data/sqlite/directory.go) are still to
// be built here.

// cellSQL is app.User.Cell in SQL, at @now with staleness before @idle
// when @stale (users u, throttle t).
const cellSQL = `((CASE WHEN u.role = 'admin' THEN 1 ELSE 0 END)
	| (CASE WHEN NOT u.has_mailbox THEN 2 ELSE 0 END)
	| (CASE WHEN u.recovery_email <> '' THEN 4 ELSE 0 END)
	| (CASE WHEN u.disabled THEN 8 ELSE 0 END)
	| (CASE WHEN u.password_hash = '' THEN 0 WHEN NOT u.password_temporary THEN 16
		WHEN u.temporary_expires_at IS NULL OR u.temporary_expires_at <= @now THEN 96 ELSE 32 END)
	| (CASE WHEN t.locked_until > @now THEN 128 ELSE 0 END)
	| (CASE WHEN @stale AND coalesce(coalesce(u.last_signin_at, u.created_at) < @idle, true) THEN 256 ELSE 0 END))`

// dirKeys are the key columns of the orders, as app.TimeOrderKey has them.
var dirKeys = map[app.SortColumn]string{
	app.SortName:            `u.sort_key`,
	app.SortLogin:           `u.email_key`,
	app.SortLastSignIn:      `coalesce(u.last_signin_at, -9223372036854775808)`,
	app.SortPasswordChanged: `coalesce(u.password_changed_at, -9223372036854775808)`,
	app.SortCreated:         `coalesce(u.created_at, -9223372036854775808)`,
}

// dirNanos is a time of the question in nanoseconds, clamped to int64.
func dirNanos(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// dirWhere returns the condition of the set on users u and throttle t,
// with its named arguments (@now, @stale, @idle, @cells, @frag, @grams).
func (t *tx) dirWhere(s app.UserSet) (string, pgx.NamedArgs, error) {
	stale := !s.IdleBefore.IsZero()
	args := pgx.NamedArgs{"now": dirNanos(s.Now), "stale": stale, "idle": dirNanos(s.IdleBefore)}
	where := "true"
	if s.Cells != app.AllCells() {
		cells := []int64{}
		for c := range app.Cell(app.NumCells) {
			if c.Valid() && s.Cells.Has(c) && (stale || c&app.CellStale == 0) {
				cells = append(cells, int64(c))
			}
		}
		where, args["cells"] = cellSQL+` = ANY(@cells::bigint[])`, cells
	}
	frag := app.SearchFragment(s.Text)
	if frag == "" {
		return where, args, nil
	}
	gs := queryGrams(frag)
	least, _, err := t.gramCount(gs)
	if err != nil {
		return "", nil, err
	}
	if least == 0 {
		return "false", args, nil
	}
	where += ` AND strpos(u.search_text, @frag) > 0`
	args["frag"] = frag
	if least <= gramMax {
		where += ` AND sesame_grams(u.search_text) @> @grams::bigint[]`
		args["grams"] = gs
	}
	return where, args, nil
}

// ListUsers returns up to limit users of the set from position offset of
// the order.
func (t *tx) ListUsers(s app.UserSet, o app.UserSort, offset, limit int) ([]app.User, error) {
	key, ok := dirKeys[o.By]
	if !ok {
		return nil, app.Errorf(app.EInvalid, "This sort order is not valid.")
	}
	if limit <= 0 || offset < 0 {
		return nil, nil
	}
	where, args, err := t.dirWhere(s)
	if err != nil {
		return nil, err
	}
	dir := ""
	if o.Desc {
		dir = " DESC"
	}
	args["offset"], args["limit"] = offset, limit
	users, _, err := t.queryUsers(`SELECT `+userCols+` FROM `+userJoin+` WHERE `+where+`
		ORDER BY `+key+dir+`, u.id`+dir+` OFFSET @offset LIMIT @limit`, args)
	return users, err
}

// CountCells counts the users of the set by cell.
func (t *tx) CountCells(s app.UserSet) (app.CellCounts, error) {
	var n app.CellCounts
	where, args, err := t.dirWhere(s)
	if err != nil {
		return n, err
	}
	rows, err := t.tx.Query(t.ctx, `SELECT `+cellSQL+`, count(*) FROM `+userJoin+` WHERE `+where+` GROUP BY 1`, args)
	if err != nil {
		return n, t.fail(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, k int64
		if err := rows.Scan(&c, &k); err != nil {
			return n, t.fail(err)
		}
		if c >= 0 && c < app.NumCells {
			n[c] = int(k)
		}
	}
	return n, t.failed(rows.Err())
}

// UsersAfter returns up to limit users of the set whose ID is above after,
// by ID.
func (t *tx) UsersAfter(s app.UserSet, after int64, limit int) ([]app.User, error) {
	if limit <= 0 {
		return nil, nil
	}
	where, args, err := t.dirWhere(s)
	if err != nil {
		return nil, err
	}
	args["after"], args["limit"] = after, limit
	users, _, err := t.queryUsers(`SELECT `+userCols+` FROM `+userJoin+` WHERE `+where+` AND u.id > @after
		ORDER BY u.id LIMIT @limit`, args)
	return users, err
}

// NextChange returns the first lock to end, or temporary password to
// expire, after now (app.Tx).
func (t *tx) NextChange(now time.Time) (time.Time, error) {
	var lock, expiry *int64
	if err := t.tx.QueryRow(t.ctx, `SELECT (SELECT min(locked_until) FROM throttle WHERE locked_until > $1),
		(SELECT min(temporary_expires_at) FROM users WHERE password_temporary AND password_hash <> ''
			AND temporary_expires_at IS NOT NULL AND temporary_expires_at > $1)`, dirNanos(now)).Scan(&lock, &expiry); err != nil {
		return time.Time{}, t.fail(err)
	}
	return firstOf(lock, expiry), nil
}

// firstOf is the earliest of times in nanoseconds, nil for none; zero when
// all are nil.
func firstOf(nanos ...*int64) time.Time {
	var first time.Time
	for _, n := range nanos {
		if n != nil && (first.IsZero() || time.Unix(0, *n).Before(first)) {
			first = time.Unix(0, *n)
		}
	}
	return first
}

// failed is t.fail of an error that may be nil.
func (t *tx) failed(err error) error {
	if err != nil {
		return t.fail(err)
	}
	return nil
}
