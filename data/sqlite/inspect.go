package sqlite

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"syscall"

	"github.com/mattn/go-sqlite3"

	"sesame/app"
)

// Why a path is refused, before SQLite ever opens it.
var (
	errNoDatabase = errors.New("no database")
	errNotSesame  = errors.New("not a Sésame database")
	errFolder     = errors.New("a folder")
	errNotAFile   = errors.New("not a regular file")
)

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// inspect decides whether path may be opened as a Sésame database, without
// writing to it or changing its mode unless it is one: a missing file is
// created (folder 0700, file 0600) when create is set; an empty file is
// taken as a new database; a SQLite file must carry Sésame's application
// ID or, written by an older version, its migrations table. A folder, a
// device, a pipe, another program's file and a symbolic link to any of
// these are refused. fresh says that the file has no data yet.
func inspect(path string, create bool) (fresh bool, err error) {
	info, err := os.Stat(path) // through a symbolic link: the target is what counts
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !create {
			return false, errNoDatabase
		}
		return true, createFile(path)
	case err != nil:
		return false, err
	case info.IsDir():
		return false, errFolder
	case !info.Mode().IsRegular():
		return false, errNotAFile
	}
	// Non-blocking, so that a pipe put there since cannot hang the open.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return false, err
	}
	if !info.Mode().IsRegular() {
		return false, errNotAFile
	}
	header := make([]byte, 100)
	n, err := io.ReadFull(f, header)
	switch {
	case n == 0 && info.Size() == 0:
		if !create {
			return false, errNoDatabase
		}
		return true, os.Chmod(path, 0o600) // an empty file, made to hold Sésame's data
	case errors.Is(err, io.ErrUnexpectedEOF) || !bytes.HasPrefix(header, sqliteHeader):
		return false, errNotSesame
	case err != nil:
		return false, err
	}
	if binary.BigEndian.Uint32(header[68:72]) != applicationID {
		if err := olderSesame(path); err != nil {
			return false, err
		}
	}
	if create {
		return false, os.Chmod(path, 0o600) // whatever an older version or the umask left
	}
	return false, nil
}

// olderSesame accepts a SQLite file written by a version of Sésame that did
// not mark its files: it has Sésame's first migration recorded. The file is
// read as immutable (no lock, no -shm) unless a write-ahead log beside it
// may hold its schema.
func olderSesame(path string) error {
	params := []string{"mode", "ro", "immutable", "1"}
	if _, err := os.Stat(path + "-wal"); err == nil {
		params = []string{"mode", "ro"}
	}
	raw, err := sql.Open("sqlite3", dsn(path, params...))
	if err != nil {
		return err
	}
	defer raw.Close()
	var n int
	err = raw.QueryRow(`SELECT count(*) FROM migrations WHERE name = '0001_init.sql'`).Scan(&n)
	var se sqlite3.Error
	switch {
	case errors.As(err, &se) && (se.Code == sqlite3.ErrError || se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt):
		return errNotSesame // no such table, or not a database after all
	case err != nil:
		return err
	case n == 0:
		return errNotSesame
	}
	return nil
}

// createFile makes the folder (0700) and the file (0600) before SQLite opens
// it, so that the data is never readable by others, even for a moment.
// SQLite gives its -wal and -shm files the mode of the database file.
func createFile(path string) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		if err := os.Chmod(dir, 0o700); err != nil { // whatever the umask
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

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
	case errors.Is(cause, errNotSesame), isSQLite && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt):
		return msg(app.Msg("{{.Path}} is not a Sésame database: Sésame leaves it as it is. Give the path of a Sésame database, or of a new file.", "Path", path))
	case errors.Is(cause, errNewer):
		return msg(app.Msg("The database {{.Path}} was written by a newer version of Sésame: use that version.", "Path", path))
	case errors.Is(cause, syscall.ENOSPC), isSQLite && se.Code == sqlite3.ErrFull:
		return msg(app.Msg("The disk that holds {{.Path}} is full: nothing was saved. Free some space and try again.", "Path", path))
	case isSQLite && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked):
		return msg(app.Msg("Another program is writing to {{.Path}}: try again in a moment.", "Path", path))
	case errors.Is(cause, fs.ErrPermission), isSQLite && (se.Code == sqlite3.ErrReadonly || se.Code == sqlite3.ErrPerm || se.Code == sqlite3.ErrCantOpen):
		return msg(app.Msg("Permission denied: the operating-system user {{.Name}} may not read or write {{.File}}.", "Path", path, "File", unwritable(path, cause), "Name", osUser()))
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
