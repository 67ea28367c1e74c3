package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

// TestEmptyFileIsNotSesames: an empty file (another program's, made by
// touch or mktemp), or a symbolic link to one, is not Sésame's: every way
// of opening refuses it, in words, and leaves it as it was (the issue: it
// was made 0600 and given Sésame's tables).
func TestEmptyFileIsNotSesames(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, path)
	for _, p := range []string{path, link} {
		for name, open := range map[string]func(string) (*sqlite.DB, error){"Open": sqlite.Open, "OpenExisting": sqlite.OpenExisting, "OpenReadOnly": sqlite.OpenReadOnly} {
			_, err := open(p)
			if err == nil || !strings.Contains(err.Error(), "is an empty file, not a Sésame database") {
				t.Errorf("%s(%s): %v", name, p, err)
			}
			sameState(t, path, before)
		}
	}
}

// TestOnlyOpenMakesADatabase: OpenExisting and OpenReadOnly make no file and
// no folder where there is none (the issue: signin, recover request, mail
// flush… made one); Open makes the folder (0700) and the database (0600),
// whole, and several processes doing so at once get one database.
func TestOnlyOpenMakesADatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "sesame")
	path := filepath.Join(dir, "sesame.db")
	for name, open := range map[string]func(string) (*sqlite.DB, error){"OpenExisting": sqlite.OpenExisting, "OpenReadOnly": sqlite.OpenReadOnly} {
		_, err := open(path)
		wantCode(t, err, app.ENotFound)
		if !strings.Contains(err.Error(), "no Sésame database") {
			t.Errorf("%s: %q", name, err)
		}
		if _, err := os.Stat(filepath.Dir(dir)); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%s made a folder", name)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := sqlite.Open(path)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			errs <- db.Write(t.Context(), func(tx app.Tx) error {
				u := storetest.Employee("Ana", fmt.Sprintf("ana%d@example.com", i))
				return tx.CreateUser(&u)
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	checkMode(t, dir, 0o700)
	checkMode(t, path, 0o600)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "sesame.db" {
			t.Errorf("%s left in the folder", e.Name())
		}
	}
	db, err := sqlite.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countUsers(t, db); n != 8 {
		t.Errorf("%d users in the database that 8 openings made at once, want 8", n)
	}
}

// TestOlderLookingFilesAreLeftAlone: a file is taken for one of an older
// Sésame only when it has exactly the tables and columns that Sésame's
// recorded migrations make; a migrations table naming Sésame's first
// migration is not enough (the issue: such a file was made 0600, given WAL
// mode and changed, even by a read command).
func TestOlderLookingFilesAreLeftAlone(t *testing.T) {
	dir := t.TempDir()
	older := filepath.Join(dir, "older.db")
	olderDatabase(t, older, nil, nil)
	schema := func(path string, statements ...string) { rawStatements(t, path, statements...) }
	cases := map[string]func(path string){
		"a migrations table of another program": func(p string) {
			schema(p, `CREATE TABLE migrations (name TEXT)`, `INSERT INTO migrations VALUES ('0001_init.sql')`)
		},
		"Sésame's migrations table, no other table": func(p string) {
			schema(p, `CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`,
				`INSERT INTO migrations VALUES ('0001_init.sql', 0)`)
		},
		"a users table with other columns": func(p string) {
			copyFile(t, older, p)
			schema(p, `ALTER TABLE users ADD COLUMN shoe_size INTEGER`)
		},
		"a migration that Sésame never had": func(p string) {
			copyFile(t, older, p)
			schema(p, `INSERT INTO migrations VALUES ('0002_other_app.sql', 0)`)
		},
		"a table of Sésame's missing": func(p string) {
			copyFile(t, older, p)
			schema(p, `DROP TABLE throttle`)
		},
	}
	refusedUntouched(t, dir, cases)
	db, err := sqlite.OpenReadOnly(older) // the real older file is taken, and brought up to date
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// sesameMark is Sésame's application ID ("Sesa"), which four bytes of any
// SQLite file may carry.
const sesameMark = 0x53657361

// TestMarkedFilesWithoutSesamesSchemaAreLeftAlone: a file that carries
// Sésame's application ID but not Sésame's schema is not Sésame's: refused
// in words by Open and OpenReadOnly, without a byte or the mode changed
// (the example: a table of another program and the mark; a read command
// gave it Sésame's tables and WAL mode). A marked file whose schema is an
// older Sésame's is brought up to date, as before.
func TestMarkedFilesWithoutSesamesSchemaAreLeftAlone(t *testing.T) {
	dir := t.TempDir()
	older := filepath.Join(dir, "older.db")
	olderDatabase(t, older, nil, nil)
	mark := fmt.Sprintf(`PRAGMA application_id = %d`, sesameMark)
	schema := func(path string, statements ...string) { rawStatements(t, path, append(statements, mark)...) }
	cases := map[string]func(path string){
		"another program's table": func(p string) { schema(p, `CREATE TABLE foo (x)`) },
		"a migrations table of another program": func(p string) {
			schema(p, `CREATE TABLE migrations (name TEXT)`, `INSERT INTO migrations VALUES ('0001_init.sql')`)
		},
		"Sésame's migrations table, no other table": func(p string) {
			schema(p, `CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`, `INSERT INTO migrations VALUES ('0001_init.sql', 0)`)
		},
		"an older Sésame's tables and another program's": func(p string) {
			copyFile(t, older, p)
			schema(p, `CREATE TABLE bookmarks (url TEXT)`)
		},
		"an older Sésame's tables with other columns": func(p string) {
			copyFile(t, older, p)
			schema(p, `ALTER TABLE users ADD COLUMN shoe_size INTEGER`)
		},
		"an older Sésame's tables, one missing": func(p string) {
			copyFile(t, older, p)
			schema(p, `DROP TABLE throttle`)
		},
	}
	refusedUntouched(t, dir, cases)
	schema(older)
	db, err := sqlite.OpenReadOnly(older)
	if err != nil {
		t.Fatalf("a marked older Sésame file: %v", err)
	}
	db.Close()
}

// refusedUntouched makes a file in dir for each case and checks that
// Open, OpenExisting and OpenReadOnly refuse it as not a Sésame database
// without a byte or the mode changed.
func refusedUntouched(t *testing.T, dir string, cases map[string]func(path string)) {
	t.Helper()
	for name, setUp := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".db")
		setUp(path)
		before := stateOf(t, path)
		for open, fn := range map[string]func(string) (*sqlite.DB, error){"Open": sqlite.Open, "OpenReadOnly": sqlite.OpenReadOnly, "OpenExisting": sqlite.OpenExisting} {
			_, err := fn(path)
			if err == nil || !strings.Contains(err.Error(), "not a Sésame database") {
				t.Errorf("%s of %s: %v", open, name, err)
			}
			sameState(t, path, before)
		}
	}
}

// rawStatements runs statements on a file with the plain driver, as
// another program would, and gives it the mode 0644.
func rawStatements(t *testing.T, path string, statements ...string) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range statements {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyFile copies a closed database file.
func copyFile(t testing.TB, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestReadingLeavesNoFileBehind: a read-only opening leaves no -wal or -shm
// file that was not there, whether the database may be written or not (the
// issue: a 0400 database got a 0400 -shm file that broke every later
// write).
func TestReadingLeavesNoFileBehind(t *testing.T) {
	for _, mode := range []fs.FileMode{0o600, 0o400} {
		path := closedDatabase(t)
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		before := stateOf(t, path)
		db, err := sqlite.OpenReadOnly(path)
		if err != nil {
			t.Fatal(err)
		}
		if n := countUsers(t, db); n != 1 {
			t.Errorf("%d users", n)
		}
		db.Close()
		sameState(t, path, before)
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err = sqlite.OpenExisting(path) // and a write works after it
		if err != nil {
			t.Fatal(err)
		}
		createUsers(t, db, storetest.Employee("Bo", "bo@example.com"))
		db.Close()
	}
}

// TestPathsThatCannotHoldADatabase: a symbolic link to nothing, a path too
// long for the system and a path through a file are refused with their
// cause, and nothing is made (the issue: "cannot be opened").
func TestPathsThatCannotHoldADatabase(t *testing.T) {
	dir := t.TempDir()
	dangling := filepath.Join(dir, "link.db")
	if err := os.Symlink(filepath.Join(dir, "gone", "sesame.db"), dangling); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		dangling: "is a symbolic link to " + filepath.Join(dir, "gone", "sesame.db") + ", which does not exist",
		filepath.Join(dir, strings.Repeat("long", 5000), "x.db"): "too long for the operating system",
		filepath.Join(file, "sesame.db"):                         "is a file, not a folder",
	} {
		_, err := sqlite.Open(path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%.60s…): %v, want %q", path, err, want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d entries in the folder, want the link and the file", len(entries))
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
