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
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "sesame.db"))
	if err != nil {
		t.Fatalf("opening the database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
