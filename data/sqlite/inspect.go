package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/mattn/go-sqlite3"

	"sesame/app"
)

// Why a path is refused, before SQLite ever opens it for writing.
var (
	errNoDatabase    = errors.New("no database")
	errNotSesame     = errors.New("not a Sésame database")
	errEmpty         = errors.New("an empty file")
	errFolder        = errors.New("a folder")
	errNotAFile      = errors.New("not a regular file")
	errDanglingLink  = errors.New("a symbolic link to nothing")
	errReadOnlyFile  = errors.New("a read-only file")
	errReadOnlyFS    = errors.New("a read-only file system")
	errOlderReadOnly = errors.New("an older database that cannot be written")
)

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// found is what inspect found at a path.
type found int

const (
	foundNothing found = iota // no file: a new database may be made there
	foundSesame               // a file marked with Sésame's application ID
	foundOlder                // a file of an older Sésame that did not mark its files
)

// inspect decides whether path holds a Sésame database, reading it only:
// nothing is written, created or given another mode. A Sésame database is
// a SQLite file that carries Sésame's application ID or, written by an
// older version, exactly the tables and columns that Sésame's recorded
// migrations make. An empty file is never Sésame's (Sésame makes its files
// whole, see create); a folder, a device, a pipe, another program's file,
// and a symbolic link to any of these or to nothing are refused.
func inspect(path string) (found, error) {
	info, err := os.Stat(path) // through a symbolic link: the target is what counts
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if l, lerr := os.Lstat(path); lerr == nil && l.Mode()&fs.ModeSymlink != 0 {
			return foundNothing, errDanglingLink
		}
		return foundNothing, nil
	case err != nil:
		return foundNothing, err
	case info.IsDir():
		return foundNothing, errFolder
	case !info.Mode().IsRegular():
		return foundNothing, errNotAFile
	}
	// Non-blocking, so that a pipe put there since cannot hang the open.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return foundNothing, err
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return foundNothing, err
	}
	if !info.Mode().IsRegular() {
		return foundNothing, errNotAFile
	}
	header := make([]byte, 100)
	n, err := io.ReadFull(f, header)
	switch {
	case n == 0 && info.Size() == 0:
		return foundNothing, errEmpty
	case errors.Is(err, io.ErrUnexpectedEOF) || !bytes.HasPrefix(header, sqliteHeader):
		return foundNothing, errNotSesame
	case err != nil:
		return foundNothing, err
	}
	marked := binary.BigEndian.Uint32(header[68:72]) == applicationID
	if err := sesameSchema(path, marked); err != nil {
		return foundNothing, err
	}
	if marked {
		return foundSesame, nil
	}
	return foundOlder, nil
}

// sesameSchema accepts a SQLite file whose schema is Sésame's: its
// migrations table records migrations of Sésame's, the first among them,
// and when some are still to be applied, every table that those recorded
// make is there with exactly their columns, and no other table (a file
// that is up to date is not read further: each command opens the database
// once). A table named "migrations", or "users", is not enough: other
// programs have them too; nor is the mark of Sésame's application ID,
// which four bytes of any file may carry. A marked file that records a
// migration that this version does not know was written by a newer one
// (checkVersion says so); an unmarked one is not Sésame's. The file is
// read as immutable (no lock, no -shm made) unless the -wal and -shm files
// of a running program are there, which may hold its schema.
func sesameSchema(path string, marked bool) error {
	params := []string{"mode", "ro", "immutable", "1"}
	if exists(path+"-wal") && exists(path+"-shm") {
		params = []string{"mode", "ro"}
	}
	raw, err := sql.Open("sqlite3", dsn(path, params...))
	if err != nil {
		return err
	}
	defer raw.Close()
	ctx := context.Background()
	recorded, err := stringColumn(ctx, raw, `SELECT name FROM migrations ORDER BY name`)
	var se sqlite3.Error
	switch {
	case errors.As(err, &se) && (se.Code == sqlite3.ErrError || se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt):
		return errNotSesame // no such table or column, or not a database after all
	case err != nil:
		return err
	}
	known, err := steps()
	if err != nil {
		return err
	}
	if !slices.Contains(recorded, known[0]) {
		return errNotSesame
	}
	for _, name := range recorded {
		if !slices.Contains(known, name) {
			if marked {
				return nil // a newer version's
			}
			return errNotSesame
		}
	}
	if marked && len(recorded) == len(known) {
		return nil
	}
	want, err := schemaAfter(ctx, recorded)
	if err != nil {
		return err
	}
	got, err := tableColumns(ctx, raw)
	if err != nil {
		return errNotSesame
	}
	for table, cols := range want {
		if !slices.Equal(got[table], cols) {
			return errNotSesame
		}
	}
	for table := range got {
		if _, ok := want[table]; !ok && !strings.HasPrefix(table, "sqlite_") {
			return errNotSesame // another program's table
		}
	}
	return nil
}

// schemaAfter returns the tables and columns that Sésame's migrations
// named make, by running them on a database in memory.
func schemaAfter(ctx context.Context, names []string) (map[string][]string, error) {
	mem, err := sql.Open("sqlite3", "file::memory:")
	if err != nil {
		return nil, err
	}
	defer mem.Close()
	mem.SetMaxOpenConns(1)
	if _, err := mem.ExecContext(ctx, migrationsTable); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, ok := goSteps[name]; ok {
			continue // data only
		}
		script, err := migrations.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		if _, err := mem.ExecContext(ctx, string(script)); err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return tableColumns(ctx, mem)
}

// tableColumns lists the columns of every ordinary table of a database,
// in their order.
func tableColumns(ctx context.Context, db *sql.DB) (map[string][]string, error) {
	tables, err := stringColumn(ctx, db, `SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'`)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(tables))
	for _, table := range tables {
		cols, err := stringColumn(ctx, db, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
		if err != nil {
			return nil, err
		}
		out[table] = cols
	}
	return out, nil
}

// stringColumn returns the first column of a query's rows.
func stringColumn(ctx context.Context, db *sql.DB, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// writable says why this process may not write the database file at path,
// nil when it may. A file whose owner may not write it is read-only, even
// to the superuser, whom the operating system would let through: its mode
// says that nobody should change it.
func writable(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o200 == 0 {
		return errReadOnlyFile
	}
	switch err := syscall.Access(path, 2); {
	case errors.Is(err, syscall.EROFS):
		return errReadOnlyFS
	case err != nil:
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return nil
}

// openToOthers returns the mode of the file at path when users other than
// its owner may read or write it, else 0.
func openToOthers(path string) fs.FileMode {
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return info.Mode().Perm()
	}
	return 0
}

// create makes a new database at path, whole: its folder (0700) if there
// is none, then the database, schema and mark included, under a temporary
// name in that folder (0600 from the start, so that the data is never
// readable by others, even for a moment), linked into place only if
// nothing is there by then. So a Sésame database is never empty, an empty
// file is never Sésame's, and two processes that create one at the same
// time get the same. errExists says that another file got there first.
func create(ctx context.Context, path string) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return inFolder(err)
		}
		if err := os.Chmod(dir, 0o700); err != nil { // whatever the umask
			return err
		}
	}
	f, err := os.CreateTemp(dir, ".sesame-new-*.db")
	if err != nil {
		return inFolder(err)
	}
	tmp := f.Name()
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(tmp + suffix)
		}
	}()
	if err := f.Close(); err != nil {
		return err
	}
	db := &DB{path: tmp}
	if db.write, err = sql.Open(driverName, dsn(tmp, writeParams...)); err != nil {
		return err
	}
	db.write.SetMaxOpenConns(1)
	err = db.prepare(ctx, true)
	// Closing the last connection folds the -wal file into the database.
	if cerr := db.write.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp, path); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) && errors.Is(le.Err, fs.ErrExist) {
			return errExists
		}
		return err
	}
	if d, err := os.Open(dir); err == nil { // the new name survives a power cut
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// inFolder names, in a failure to make a file or folder, the folder in
// which it was to be made: what the person gave or can act on, never the
// temporary name of a database being made.
func inFolder(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: filepath.Dir(pe.Path), Err: pe.Err}
	}
	return err
}

// errExists says that a file appeared where create was making a database.
var errExists = errors.New("a file appeared meanwhile")

// explainUse rewords a failure of the machine met while using the database
// at path (disk full, busy, permission denied) in words; other errors, those
// of the domain included, are returned as they are.
func explainUse(path string, err error) error {
	var e *app.Error
	if !errors.As(err, &e) || e.Code != app.EInternal || e.Err == nil {
		return err
	}
	if x := explain(path, e.Err); app.AsError(x).Message.Text != "The database {{.Path}} cannot be opened." {
		return x
	}
	return err
}

// explain turns a failure to open or use the database at path into an
// error that names its cause in words.
func explain(path string, err error) error {
	var e *app.Error
	if errors.As(err, &e) && e.Code != app.EInternal {
		return err // an error of the domain, already in words
	}
	cause := err
	if e != nil && e.Err != nil {
		cause = e.Err
	}
	var se sqlite3.Error
	isSQLite := errors.As(cause, &se)
	msg := func(m app.Message) error { return &app.Error{Code: app.EInternal, Message: m, Err: cause} }
	switch {
	case errors.Is(cause, errNoDatabase):
		return &app.Error{Code: app.ENotFound, Err: cause,
			Message: app.Msg("There is no Sésame database at {{.Path}} yet: set one up first (sesame init, or the window).", "Path", path)}
	case errors.Is(cause, errFolder):
		return msg(app.Msg("{{.Path}} is a folder, not a Sésame database: give the path of a file.", "Path", path))
	case errors.Is(cause, errNotAFile):
		return msg(app.Msg("{{.Path}} is not a Sésame database (it is a device, a pipe or another special file): Sésame leaves it as it is.", "Path", path))
	case errors.Is(cause, errEmpty):
		return msg(app.Msg("{{.Path}} is an empty file, not a Sésame database: Sésame leaves it as it is. Give the path of a Sésame database, or of a file that does not exist yet.", "Path", path))
	case errors.Is(cause, errDanglingLink):
		target, _ := os.Readlink(path)
		return msg(app.Msg("{{.Path}} is a symbolic link to {{.Target}}, which does not exist: Sésame makes no database through a link. Give the path of the database itself.", "Path", path, "Target", target))
	case errors.Is(cause, errNotSesame), isSQLite && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt):
		return msg(app.Msg("{{.Path}} is not a Sésame database: Sésame leaves it as it is. Give the path of a Sésame database, or of a new file.", "Path", path))
	case errors.Is(cause, errNewer):
		return msg(app.Msg("The database {{.Path}} was written by a newer version of Sésame: use that version.", "Path", path))
	case errors.Is(cause, errReadOnlyFile):
		mode := ""
		if info, err := os.Stat(path); err == nil {
			mode = fmt.Sprintf("%04o", info.Mode().Perm())
		}
		return msg(app.Msg("The database {{.Path}} is read-only (mode {{.Mode}}): nothing was changed. To make changes, make it writable first (chmod u+w).", "Path", path, "Mode", mode))
	case errors.Is(cause, errReadOnlyFS), errors.Is(cause, syscall.EROFS):
		return msg(app.Msg("The database {{.Path}} is on a read-only file system: nothing was changed.", "Path", path))
	case errors.Is(cause, errOlderReadOnly):
		return msg(app.Msg("The database {{.Path}} was written by an older version of Sésame and must be brought up to date, which needs write access: make it writable, then run the command again.", "Path", path))
	case errors.Is(cause, syscall.ENAMETOOLONG):
		return msg(app.Msg("The path {{.Path}} is too long for the operating system ({{.N}} characters): give a shorter one.", "Path", path, "N", len([]rune(path))))
	case errors.Is(cause, syscall.ENOTDIR):
		return msg(app.Msg("A part of the path {{.Path}} is a file, not a folder: give the path of a database in a folder.", "Path", path))
	case errors.Is(cause, syscall.ELOOP):
		return msg(app.Msg("The symbolic links of {{.Path}} loop: give the path of the database itself.", "Path", path))
	case errors.Is(cause, syscall.ENOSPC), isSQLite && se.Code == sqlite3.ErrFull:
		return msg(app.Msg("The disk that holds {{.Path}} is full: nothing was saved. Free some space and try again.", "Path", path))
	case isSQLite && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked):
		return msg(app.Msg("Another program is writing to {{.Path}}: try again in a moment.", "Path", path))
	case errors.Is(cause, fs.ErrPermission), isSQLite && (se.Code == sqlite3.ErrReadonly || se.Code == sqlite3.ErrPerm || se.Code == sqlite3.ErrCantOpen):
		f := unwritable(path, cause)
		if info, err := os.Stat(f); err == nil && info.IsDir() {
			return msg(app.Msg("Permission denied: the operating-system user {{.Name}} may not create files in the folder {{.Folder}}.", "Path", path, "Folder", f, "Name", osUser()))
		}
		return msg(app.Msg("Permission denied: the operating-system user {{.Name}} may not read or write {{.File}}.", "Path", path, "File", f, "Name", osUser()))
	}
	return msg(app.Msg("The database {{.Path}} cannot be opened.", "Path", path))
}

// unwritable names the file that the operating system refused: the one in
// the error, else the first of the database, its -wal and -shm files and
// its folder that this user may not write.
func unwritable(path string, err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path
	}
	for _, f := range []string{path, path + "-wal", path + "-shm", filepath.Dir(path)} {
		if _, statErr := os.Stat(f); statErr == nil && syscall.Access(f, 2) != nil {
			return f
		}
		if info, statErr := os.Stat(f); statErr == nil && !info.IsDir() && info.Mode().Perm()&0o200 == 0 {
			return f
		}
	}
	return path
}

// osUser names the operating-system user running Sésame.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}
