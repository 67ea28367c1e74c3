package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sesame/app"
)

// TestLargeTransactionsDeferTheCheckpoint writes 5,000 users in one
// transaction, more than SQLite's 1,000 pages of log, and finds them still
// in the log only; then one user in a transaction of its own, whose commit
// folds the log back into the database.
func TestLargeTransactionsDeferTheCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	create := func(from, n int) {
		t.Helper()
		if err := db.Write(t.Context(), func(tx app.Tx) error {
			for i := from; i < from+n; i++ {
				u := app.User{Name: fmt.Sprintf("User %05d", i), Email: fmt.Sprintf("u%05d@company.example", i),
					Role: app.RoleEmployee, HasMailbox: true, CreatedAt: now}
				if err := tx.CreateUser(&u); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	size := func(p string) int64 {
		t.Helper()
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	empty := size(path)
	create(0, 5000)
	if log := size(path + "-wal"); log < defaultLog*4096 {
		t.Fatalf("the log holds %d bytes after 5,000 users: fewer than %d pages, which would not make a checkpoint anyway", log, defaultLog)
	}
	if got := size(path); got != empty {
		t.Errorf("the database grew from %d to %d bytes at the commit of 5,000 users: the log was folded back", empty, got)
	}
	create(5000, 1)
	if got := size(path); got < empty+defaultLog*4096 {
		t.Errorf("the database holds %d bytes after a small commit (%d before): the log was not folded back", got, empty)
	}
}
