package postgres_test

import (
	"os"
	"sync"
	"testing"

	"sesame/app"
	"sesame/data/postgres"
	"sesame/data/postgres/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var (
	templateOnce sync.Once
	templateErr  error
)

// template is a database migrated once, which each test's database copies.
const template = "sesame_template"

// newURL returns the URL of a new, migrated, empty database, dropped at the
// end of the test.
func newURL(t testing.TB) string {
	t.Helper()
	srv := pgtest.Shared(t)
	templateOnce.Do(func() {
		if templateErr = srv.Exec(t.Context(), "postgres", "CREATE DATABASE "+template); templateErr != nil {
			return
		}
		var db *postgres.DB
		if db, templateErr = postgres.Open(srv.URL(template)); templateErr == nil {
			templateErr = db.Close()
		}
	})
	if templateErr != nil {
		t.Fatal(templateErr)
	}
	return srv.NewDatabase(t, template)
}

// openDB opens a new, empty database, closed at the end of the test.
func openDB(t testing.TB) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(newURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func write(t testing.TB, db app.Store, fn func(app.Tx) error) {
	t.Helper()
	if err := db.Write(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}

func read(t testing.TB, db app.Store, fn func(app.Tx) error) {
	t.Helper()
	if err := db.Read(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}
