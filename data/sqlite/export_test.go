package sqlite

import (
	"context"
	"strings"
)

// Internals that the tests in package data_test look at.
var (
	GramDoc   = gramDoc
	GramMatch = gramMatch
)

// CheckIndex is DB.CheckIndex, for the tests that call it as a function.
func CheckIndex(ctx context.Context, db *DB) error { return db.CheckIndex(ctx) }

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
