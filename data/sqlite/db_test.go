package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sesame/app"
	"sesame/data/sqlite"
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

func TestOpenMakesAnExistingFilePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkMode(t, path, 0o600)
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
	createUsers(t, db, employee("Ana", "ana@example.com"))
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
		createUsers(t, db, employee("Ana", strings.Repeat("a", 1+countUsers(t, db))+"@example.com"))
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

func TestWriteRollsBackOnError(t *testing.T) {
	db := openDB(t)
	boom := errors.New("boom")
	err := db.Write(t.Context(), func(tx app.Tx) error {
		u := employee("Ana", "ana@example.com")
		if err := tx.CreateUser(&u); err != nil {
			return err
		}
		if err := tx.PutSetting("company.name", "ACME"); err != nil {
			return err
		}
		if err := tx.AddAudit(app.AuditEvent{Actor: "x@example.com", Action: app.ActionUserCreate}); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Write returned %v, want the function's error as it is", err)
	}
	checkEmpty(t, db)
}

func TestWriteRollsBackOnPanic(t *testing.T) {
	db := openDB(t)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not go through Write")
			}
		}()
		_ = db.Write(t.Context(), func(tx app.Tx) error {
			u := employee("Ana", "ana@example.com")
			if err := tx.CreateUser(&u); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	checkEmpty(t, db)
	createUsers(t, db, employee("Ana", "ana@example.com")) // the connection is free again
}

func checkEmpty(t *testing.T, db *sqlite.DB) {
	t.Helper()
	read(t, db, func(tx app.Tx) error {
		some, err := tx.HasUsers()
		if err != nil {
			return err
		}
		settings, err := tx.SettingValues()
		if err != nil {
			return err
		}
		events, err := tx.ListAudit(app.AuditQuery{})
		if err != nil {
			return err
		}
		page, err := tx.SearchUsers(app.UserQuery{Text: "ana"})
		if err != nil {
			return err
		}
		if some || len(settings) != 0 || len(events) != 0 || len(page.Users) != 0 {
			t.Errorf("after a rollback: users %v, %d settings, %d events, %d found", some, len(settings), len(events), len(page.Users))
		}
		return nil
	})
	checkIndex(t, db)
}

func TestReadCannotWrite(t *testing.T) {
	db := openDB(t)
	err := db.Read(t.Context(), func(tx app.Tx) error { return tx.PutSetting("company.name", "ACME") })
	wantCode(t, err, app.EInternal)
	checkEmpty(t, db)
}

func TestCanceledContext(t *testing.T) {
	db := openDB(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	called := false
	err := db.Write(ctx, func(tx app.Tx) error { called = true; return nil })
	wantCode(t, err, app.EInternal)
	if called {
		t.Error("the function ran although the context was canceled")
	}
}
