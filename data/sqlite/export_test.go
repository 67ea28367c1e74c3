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

// SetBlockSize sets the size of the directory's blocks for a test, so that
// a few hundred users split and merge many blocks.
func SetBlockSize(t interface{ Cleanup(func()) }, n int64) {
	old := blockSize
	blockSize = n
	t.Cleanup(func() { blockSize = old })
}

// SetPlanner sets the thresholds of the directory's planner for a test, so
// that a small directory takes the paths of a large one.
func SetPlanner(t interface{ Cleanup(func()) }, candidates, gather int64) {
	oldC, oldG := candidateCap, gatherMax
	candidateCap, gatherMax = candidates, gather
	t.Cleanup(func() { candidateCap, gatherMax = oldC, oldG })
}

// OpenUpTo opens a database migrated only up to the migration of that
// name, as an older version of Sésame left it.
func OpenUpTo(path, last string) (*DB, error) {
	migrateUpTo = last
	defer func() { migrateUpTo = "" }()
	return Open(path)
}

// SetCellsChunk sets how many users a count by cell reads at once, for a
// test.
func SetCellsChunk(t interface{ Cleanup(func()) }, n int64) {
	old := cellsChunk
	cellsChunk = n
	t.Cleanup(func() { cellsChunk = old })
}

// SetAnyPlan makes listText choose its plans at random, for a test.
func SetAnyPlan(t interface{ Cleanup(func()) }, r interface{ IntN(int) int }) {
	anyPlan = r.IntN
	t.Cleanup(func() { anyPlan = nil })
}

// checkBlocks verifies that the blocks of every order count the users they
// hold, and that the first block starts below every user.
func (t *tx) checkBlocks() error {
	for o := range numOrds {
		blocks, err := t.readBlocks(o)
		if err != nil {
			return err
		}
		if len(blocks) == 0 {
			if n, _, err := t.queryInt64(`SELECT count(*) FROM users`); err != nil || n > 0 {
				return fmt.Errorf("order %d: no blocks for %d users (%v)", o, n, err)
			}
			continue
		}
		if blocks[0].k != o.least() || blocks[0].id != 0 {
			return fmt.Errorf("order %d: the first block starts at %v, %d", o, blocks[0].k, blocks[0].id)
		}
		def := orders[o]
		for i, b := range blocks {
			query, args := `SELECT attrs, count(*) FROM users WHERE (`+def.key+`, id) >= (?, ?)`, []any{b.k, b.id}
			if i+1 < len(blocks) {
				query += ` AND (` + def.key + `, id) < (?, ?)`
				args = append(args, blocks[i+1].k, blocks[i+1].id)
			}
			rows, err := t.tx.QueryContext(t.ctx, query+` GROUP BY attrs`, args...)
			if err != nil {
				return err
			}
			var got counts
			for rows.Next() {
				var a, n int64
				if err := rows.Scan(&a, &n); err != nil {
					rows.Close()
					return err
				}
				got[a] = n
			}
			rows.Close()
			if got != b.counts {
				return fmt.Errorf("order %d, block %d (%v, %d): counts %v, users %v", o, i, b.k, b.id, b.counts, got)
			}
			if b.counts.total() > 2*blockSize {
				return fmt.Errorf("order %d, block %d: %d users", o, i, b.counts.total())
			}
		}
	}
	return nil
}

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
				SELECT 1 FROM users u WHERE ` + ftsRowidSQL + ` = g.rowid)`},
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
		return t.checkBlocks()
	})
}

// Path is the file of the database, for the benchmarks' plain SQL.
func (db *DB) Path() string {
	var seq int
	var name, file string
	if err := db.read.QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		return ""
	}
	return file
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
