package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"sesame/app"
	"sesame/data/sqlite"
	"sesame/data/storetest"
)

// fileState is what opening a file must not change.
type fileState struct {
	mode    fs.FileMode
	content []byte
	size    int64
	mtime   time.Time
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fileState{mode: info.Mode(), size: info.Size(), mtime: info.ModTime()}
	if info.Mode().IsRegular() {
		if st.content, err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func sameState(t *testing.T, path string, before fileState) {
	t.Helper()
	after := stateOf(t, path)
	if after.mode != before.mode || after.size != before.size || !after.mtime.Equal(before.mtime) || !bytes.Equal(after.content, before.content) {
		t.Errorf("%s changed: mode %v → %v, size %d → %d", path, before.mode, after.mode, before.size, after.size)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Lstat(path + suffix); err == nil && !strings.HasPrefix(path, "/dev/") {
			t.Errorf("%s%s was created", path, suffix)
		}
	}
}

// foreignSQLite makes another program's SQLite database.
func foreignSQLite(t *testing.T, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`CREATE TABLE bookmarks (url TEXT, title TEXT)`, `INSERT INTO bookmarks VALUES ('https://example.com', 'Example')`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNotSesameFilesAreLeftAlone: another program's SQLite file, a text
// file, a device, a pipe, a folder and symbolic links to them are refused,
// in words, without a byte or the mode changed, by Open and OpenReadOnly.
func TestNotSesameFilesAreLeftAlone(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]func(path string){
		"another program's SQLite file": func(p string) { foreignSQLite(t, p) },
		"a text file": func(p string) {
			if err := os.WriteFile(p, []byte("shopping list: bread, milk\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		},
		"a short binary file": func(p string) {
			if err := os.WriteFile(p, []byte("SQLite format 3"), 0o640); err != nil {
				t.Fatal(err)
			}
		},
		"a pipe": func(p string) {
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
		},
		"a folder": func(p string) {
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, setUp := range cases {
		target := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		setUp(target)
		link := target + ".link"
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{target, link} {
			before := stateOf(t, target)
			for open, fn := range map[string]func(string) (*sqlite.DB, error){"Open": sqlite.Open, "OpenReadOnly": sqlite.OpenReadOnly} {
				done := make(chan error, 1)
				go func() {
					db, err := fn(path)
					if err == nil {
						db.Close()
					}
					done <- err
				}()
				select {
				case err := <-done:
					if err == nil {
						t.Errorf("%s %s (%s): opened", open, name, path)
						continue
					}
					if !strings.Contains(err.Error(), "not a Sésame database") {
						t.Errorf("%s %s: %q does not say it is not a Sésame database", open, name, err)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("%s %s: hangs", open, name)
				}
				sameState(t, target, before)
			}
		}
	}
}

// TestDevicesAreLeftAlone: /dev/null keeps its mode (the example:
// it was made 0600).
func TestDevicesAreLeftAlone(t *testing.T) {
	for _, dev := range []string{"/dev/null", "/dev/zero"} {
		before := stateOf(t, dev)
		link := filepath.Join(t.TempDir(), "db")
		if err := os.Symlink(dev, link); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{dev, link} {
			_, err := sqlite.Open(path)
			if err == nil || !strings.Contains(err.Error(), "device") {
				t.Errorf("Open(%s): %v", path, err)
			}
		}
		if after := stateOf(t, dev); after.mode != before.mode {
			t.Errorf("%s: mode %v → %v", dev, before.mode, after.mode)
		}
	}
}

// TestEmptyFileBecomesADatabase: an empty file (made by touch or mktemp)
// is taken as a new database.
func TestEmptyFileBecomesADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	createUsers(t, db, storetest.Employee("Ana", "ana@example.com"))
	db.Close()
	if db, err = sqlite.OpenReadOnly(path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countUsers(t, db); n != 1 {
		t.Errorf("%d users", n)
	}
}

// TestReadOnlyCreatesNothing: reading a database that is not there makes
// no file and no folder, and says so.
func TestReadOnlyCreatesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "sesame")
	path := filepath.Join(dir, "sesame.db")
	_, err := sqlite.OpenReadOnly(path)
	wantCode(t, err, app.ENotFound)
	if !strings.Contains(err.Error(), "no Sésame database") || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q", err)
	}
	if _, err := os.Stat(filepath.Dir(dir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a folder was created: %v", err)
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = sqlite.OpenReadOnly(empty)
	wantCode(t, err, app.ENotFound)
	sameState(t, empty, stateOf(t, empty))
}

// closedDatabase makes a database with one user, Ana, and closes it.
func closedDatabase(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sesame.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	createUsers(t, db, storetest.Employee("Ana", "ana@example.com"))
	db.Close()
	return path
}

// TestReadOnlyWritesNothing: reads on a read-only handle leave the file as
// it was; writes are refused.
func TestReadOnlyWritesNothing(t *testing.T) {
	path := closedDatabase(t)
	before := stateOf(t, path)
	ro, err := sqlite.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	read(t, ro, func(tx app.Tx) error {
		_, err := tx.UserByEmail("ana@example.com")
		return err
	})
	err = ro.Write(t.Context(), func(tx app.Tx) error { return tx.PutSetting("company.name", "X") })
	wantCode(t, err, app.EInternal)
	ro.Close()
	if after := stateOf(t, path); !bytes.Equal(after.content, before.content) || after.mode != before.mode {
		t.Error("a read-only opening changed the file")
	}
}

// TestOpeningWaitsForNoWriter: while another process holds the write lock
// for a long transaction, a read-only opening and its reads, and an opening
// for writing that has nothing to migrate, do not wait (the issue: 10 s,
// then "cannot be opened").
func TestOpeningWaitsForNoWriter(t *testing.T) {
	path := closedDatabase(t)
	writer := rawDB(t, path)
	conn, err := writer.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), `UPDATE settings SET value = value`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), `ROLLBACK`)
	for name, open := range map[string]func(string) (*sqlite.DB, error){"OpenReadOnly": sqlite.OpenReadOnly, "Open": sqlite.Open} {
		start := time.Now()
		db, err := open(path)
		if err != nil {
			t.Fatalf("%s while another process writes: %v", name, err)
		}
		read(t, db, func(tx app.Tx) error {
			_, err := tx.SearchUsers(app.UserQuery{})
			return err
		})
		db.Close()
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s and a read took %v while another process wrote", name, took)
		}
	}
}

// TestErrorsNameTheirCause: the words for each failure of the machine.
func TestErrorsNameTheirCause(t *testing.T) {
	path := "/srv/sesame/sesame.db"
	for _, c := range []struct {
		err  error
		want []string
	}{
		{&fs.PathError{Op: "open", Path: path + "-wal", Err: syscall.EACCES}, []string{"Permission denied", path + "-wal", "user"}},
		{&fs.PathError{Op: "write", Path: path, Err: syscall.ENOSPC}, []string{"disk", "full", path}},
		{app.Internal(sqlite3.Error{Code: sqlite3.ErrFull}), []string{"disk", "full"}},
		{app.Internal(sqlite3.Error{Code: sqlite3.ErrBusy}), []string{"Another program is writing", "try again"}},
		{app.Internal(sqlite3.Error{Code: sqlite3.ErrReadonly}), []string{"Permission denied", path}},
		{app.Internal(sqlite3.Error{Code: sqlite3.ErrNotADB}), []string{"not a Sésame database"}},
	} {
		got := sqlite.Explain(path, c.err).Error()
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%v: %q does not say %q", c.err, got, w)
			}
		}
	}
}
