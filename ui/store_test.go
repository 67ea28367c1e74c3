package ui

import (
	"path/filepath"
	"testing"

	"sesame/app"
	"sesame/data/sqlite"
)

// newStore is the store under a test's window: a real database in the
// test's temporary folder.
func newStore(t *testing.T) app.Store {
	t.Helper()
	return openFile(t, filepath.Join(t.TempDir(), "sesame.db"))
}

// openFile opens the database file at path, made when missing, for the
// test's duration: twice on one file, as two processes do.
func openFile(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("opening the database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
