package sqlite_test

import (
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sesame/app"
	"sesame/data/sample"
	"sesame/data/sqlite"
	"sesame/data/storetest"
)

func TestOpenCreatesPrivateFolderAndFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "sesame")
	path := filepath.Join(dir, "sesame.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	write(t, db, func(tx app.Tx) error { return tx.PutSetting("company.name", "ACME") })
	checkMode(t, dir, 0o700)
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		checkMode(t, f, 0o600)
	}
}

// TestOpenKeepsTheModeOfADatabase: an existing database keeps the mode its
// owner gave it (the issue: a write command made a 0400 database 0600
// again); one open to others is said so, one that is read-only is refused
// for writing, in those words, and can still be read.
func TestOpenKeepsTheModeOfADatabase(t *testing.T) {
	path := closedDatabase(t)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if notes := db.Notes(); len(notes) != 1 || !strings.Contains(notes[0].String(), "open to other users of this machine (mode 0644)") {
		t.Errorf("notes: %q", notes)
	}
	db.Close()
	checkMode(t, path, 0o644)

	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, path)
	for name, open := range map[string]func(string) (*sqlite.DB, error){"Open": sqlite.Open, "OpenExisting": sqlite.OpenExisting} {
		_, err := open(path)
		if err == nil || !strings.Contains(err.Error(), "is read-only (mode 0400)") || strings.Contains(err.Error(), "Permission denied") {
			t.Errorf("%s of a read-only database: %v", name, err)
		}
		sameState(t, path, before)
	}
	ro, err := sqlite.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := countUsers(t, ro); n != 1 {
		t.Errorf("%d users", n)
	}
	ro.Close()
	sameState(t, path, before)
}

func checkMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %v, want %v", path, got, want)
	}
}

func TestOpenOddPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dossier #1 ?%20 é", "base.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	createUsers(t, db, storetest.Employee("Ana", "ana@example.com"))
	db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not where asked: %v", err)
	}
	db, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	read(t, db, func(tx app.Tx) error {
		_, err := tx.UserByEmail("ana@example.com")
		return err
	})
}

func TestOpenFailsClearly(t *testing.T) {
	dir := t.TempDir()
	_, err := sqlite.Open(dir) // a folder, not a file
	wantCode(t, err, app.EInternal)
	if !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q does not name the path", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/somewhere/config")
	t.Setenv("HOME", "/somewhere")
	got, err := sqlite.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "sesame", "sesame.db"); got != want {
		t.Errorf("DefaultPath() = %q, want %q", got, want)
	}
}

func TestMigrationsAppliedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	for range 3 {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		createUsers(t, db, storetest.Employee("Ana", strings.Repeat("a", 1+countUsers(t, db))+"@example.com"))
		db.Close()
	}
	raw := rawDB(t, path)
	var n, distinct int
	if err := raw.QueryRow(`SELECT count(*), count(DISTINCT name) FROM migrations`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n == 0 || n != distinct {
		t.Errorf("migrations table: %d rows, %d distinct", n, distinct)
	}
	var users int
	if err := raw.QueryRow(`SELECT count(*) FROM users`).Scan(&users); err != nil {
		t.Fatal(err)
	}
	if users != 3 {
		t.Errorf("%d users after three openings, want 3", users)
	}
}

func TestOpenRefusesNewerDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw := rawDB(t, path)
	if _, err := raw.Exec(`INSERT INTO migrations (name, applied_at) VALUES ('9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = sqlite.Open(path)
	wantCode(t, err, app.EInternal)
	if !strings.Contains(err.Error(), "newer version") {
		t.Errorf("error %q does not say why", err)
	}
}

// rawDB opens the file with the plain driver, to look behind the store.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func countUsers(t testing.TB, db *sqlite.DB) int {
	t.Helper()
	var n int
	read(t, db, func(tx app.Tx) error {
		var err error
		n, err = tx.CountMatching("", 1<<30)
		return err
	})
	return n
}

// TestSearchIndexesMergeBySixteen checks the merging of the search indexes
// that 0013_grams_automerge.sql sets, and that a bulk load, which turns it
// off while it runs, sets it back.
func TestSearchIndexesMergeBySixteen(t *testing.T) {
	db := openDB(t)
	if _, err := sample.Load(t.Context(), db, 100, 1); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, table := range []string{"users_grams_config", "audit_grams_config"} {
		var v int
		if err := raw.QueryRow(`SELECT v FROM ` + table + ` WHERE k = 'automerge'`).Scan(&v); err != nil || v != 16 {
			t.Errorf("%s: automerge %d (%v), want 16", table, v, err)
		}
	}
}
