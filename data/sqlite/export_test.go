package sqlite

import (
	"context"
	"fmt"
	"strings"
)

// Internals that the tests in package data_test look at.
var (
	GramDoc   = gramDoc
	GramMatch = gramMatch
)

// CheckIndex verifies what search relies on: every user has a positive rank,
// ranks follow (sort_key, id), and the search index holds one row per user,
// at its rank.
func CheckIndex(ctx context.Context, db *DB) error {
	return db.readTx(ctx, func(t *tx) error {
		checks := []struct{ name, query string }{
			{"unranked users", `SELECT count(*) FROM users WHERE rank <= 0`},
			{"ranks out of name order", `SELECT count(*) FROM (
				SELECT rank, lag(rank) OVER (ORDER BY sort_key, id) AS prev FROM users) WHERE prev >= rank`},
			{"index rows without a user", `SELECT count(*) FROM users_grams g WHERE NOT EXISTS (
				SELECT 1 FROM users u WHERE u.rank = g.rowid)`},
			{"users missing from the index", `SELECT (SELECT count(*) FROM users) - (SELECT count(*) FROM users_grams)`},
		}
		for _, c := range checks {
			n, _, err := t.queryInt64(c.query)
			if err != nil {
				return err
			}
			if n != 0 {
				return fmt.Errorf("%s: %d", c.name, n)
			}
		}
		return nil
	})
}

// Explain is the wording of the errors of opening and using a database.
var Explain = explain

// LookAlikeKey is the key under which this store finds look-alike logins.
var LookAlikeKey = lookAlikeKey

// QueryPlan returns SQLite's plan for a query, one step a line.
func QueryPlan(ctx context.Context, db *DB, query string, args ...any) (string, error) {
	var plan []string
	err := db.readTx(ctx, func(t *tx) error {
		rows, err := t.tx.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				return err
			}
			plan = append(plan, detail)
		}
		return rows.Err()
	})
	return strings.Join(plan, "\n"), err
}
