package sqlite_test

import (
	"errors"
	"path/filepath"
	"testing"

	"sesame/app"
	"sesame/data/sqlite"
)

// openDB opens a new database in a temporary folder, closed at the end of
// the test.
func openDB(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "sesame.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

// write runs fn in a write transaction and fails the test on error.
func write(t testing.TB, db *sqlite.DB, fn func(app.Tx) error) {
	t.Helper()
	if err := db.Write(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}

// read runs fn in a read transaction and fails the test on error.
func read(t testing.TB, db *sqlite.DB, fn func(app.Tx) error) {
	t.Helper()
	if err := db.Read(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}

// createUsers stores users and returns them with their IDs.
func createUsers(t testing.TB, db *sqlite.DB, users ...app.User) []app.User {
	t.Helper()
	write(t, db, func(tx app.Tx) error {
		for i := range users {
			if err := tx.CreateUser(&users[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return users
}

// wantCode fails the test unless err is an *app.Error with this code.
func wantCode(t testing.TB, err error, code app.ErrorCode) {
	t.Helper()
	var e *app.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want an *app.Error with code %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("error code %s (%v), want %s", e.Code, err, code)
	}
}

func checkIndex(t testing.TB, db *sqlite.DB) {
	t.Helper()
	if err := db.CheckIndex(t.Context()); err != nil {
		t.Fatal(err)
	}
}
