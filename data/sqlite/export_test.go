package sqlite

import (
	"context"
	"strings"
	"time"
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

// CountShortOff says whether short texts are counted by reading their
// holders, as before grams_cells (the peer of the benchmarks).
func CountShortOff(off bool) { countShortOff = off }

// HeldOff says whether long texts are counted without the matches of the
// text before them (the peer of the benchmarks).
func HeldOff(off bool) { heldOff = off }

// SetExpiryMax sets how many temporary passwords a short text's count
// reads on a side of its time, for a test.
func SetExpiryMax(t interface{ Cleanup(func()) }, n int64) {
	old := expiryMax
	expiryMax = n
	t.Cleanup(func() { expiryMax = old })
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

// CheckIndex is DB.CheckIndex, for the tests that call it as a function.
func CheckIndex(ctx context.Context, db *DB) error { return db.CheckIndex(ctx) }

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

// TimeMoveGrams times what grams_cells costs a write that changes a
// user's static cell to attrs: the user's terms moved there and back, in
// one transaction that changes nothing else; it returns the time of one
// move.
func TimeMoveGrams(ctx context.Context, db *DB, id, attrs int64) (time.Duration, error) {
	var took time.Duration
	err := db.writeTx(ctx, func(t *tx) error {
		var text string
		var old int64
		if err := t.tx.QueryRowContext(t.ctx, `SELECT search_text, attrs FROM users WHERE id = ?`, id).Scan(&text, &old); err != nil {
			return err
		}
		start := time.Now()
		t.moveGrams(text, &old, text, attrs)
		if err := t.flushGrams(); err != nil {
			return err
		}
		t.moveGrams(text, &attrs, text, old)
		if err := t.flushGrams(); err != nil {
			return err
		}
		took = time.Since(start) / 2
		return nil
	})
	return took, err
}
