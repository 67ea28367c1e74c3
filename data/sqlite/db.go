// Package sqlite keeps Sésame's data in SQLite: it implements app.Store and
// app.Tx with github.com/mattn/go-sqlite3 (built with the tag sqlite_fts5).
//
// One file holds everything. Writes go through a single connection that
// takes the write lock at BEGIN (BEGIN IMMEDIATE), so that a window and a
// command line working on the same file wait for each other instead of
// failing with "database is locked"; reads go through a pool of query-only
// connections that, thanks to WAL, never wait for a writer.
//
// A file is opened only once it is known to be Sésame's (see inspect.go):
// another program's file, a device or a pipe is refused untouched. A
// database opened for reading only (OpenReadOnly) takes no lock and runs no
// migration unless its schema is behind this version.
//
// Times are stored as INTEGER nanoseconds since the Unix epoch, UTC; the zero
// time.Time is stored as NULL. Every time comes back exactly as stored, in
// UTC. Times outside the range of int64 nanoseconds (years 1678 to 2261) are
// refused as invalid.
//
// User search is by index; see search.go.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"sesame/app"
)

// driverName is the database/sql driver registered by this package: SQLite
// with per-connection settings (see connectHook).
const driverName = "sesame-sqlite3"

// busyTimeout is how long a connection waits for a lock held by another
// connection or process before it gives up.
const busyTimeout = 10 * time.Second

// readConns is the size of the pool of read connections.
const readConns = 4

// cacheKiB is the page cache of each connection. Reads go through the
// memory map mostly, so it need not be large.
const cacheKiB = 16 << 10

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: connectHook})
}

// connectHook sets what the DSN cannot: memory-mapped reads (shared with the
// operating system's cache rather than copied into each connection's own),
// temporary tables in memory, secure deletion (an outbox body wiped after
// delivery leaves no copy of its secret in free pages), and the SQL
// function used to rebuild the search index.
func connectHook(c *sqlite3.SQLiteConn) error {
	for _, p := range []string{
		"PRAGMA mmap_size = 1073741824",
		"PRAGMA temp_store = MEMORY",
		"PRAGMA secure_delete = ON",
	} {
		if _, err := c.Exec(p, nil); err != nil {
			return err
		}
	}
	return c.RegisterFunc("sesame_grams", gramDoc, true)
}

// DB is an open Sésame database. It implements app.Store and is safe for
// concurrent use.
type DB struct {
	path  string
	write *sql.DB // one connection: writes are serialized anyway; nil when read-only
	read  *sql.DB // query-only connections
	notes []string
}

var _ app.Store = (*DB)(nil)

// DefaultPath returns where the database lives by default:
// <user config dir>/sesame/sesame.db.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", &app.Error{Code: app.EInternal, Message: app.Msg("Cannot find the folder for the settings of this user."), Err: err}
	}
	return filepath.Join(dir, "sesame", "sesame.db"), nil
}

// Open opens the database at path for reading and writing, creating it (and
// its folder) if it does not exist, readable by its owner only, and brings
// its schema up to date: the write lock is taken only when it is behind.
// A file that is not a Sésame database is refused and left as it is.
func Open(path string) (*DB, error) {
	db, err := open(path, true)
	if err != nil {
		return nil, explain(path, err)
	}
	return db, nil
}

// OpenReadOnly opens an existing database for reading: nothing is created,
// no lock is taken and no migration runs, unless the schema is behind this
// version (then it is brought up to date first, as Open would). Write on it
// fails.
func OpenReadOnly(path string) (*DB, error) {
	db, err := open(path, false)
	if errors.Is(err, errBehind) {
		var rw *DB
		if rw, err = open(path, true); err == nil {
			rw.Close()
			db, err = open(path, false)
		}
	}
	if err != nil {
		return nil, explain(path, err)
	}
	return db, nil
}

// Notes returns what opening the database found for a person to know: the
// logins that a migration could not bring to their canonical form.
func (db *DB) Notes() []string { return db.notes }

func open(path string, write bool) (*DB, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	fresh, err := inspect(path, write)
	if err != nil {
		return nil, err
	}
	db := &DB{path: path}
	if write {
		db.write, err = sql.Open(driverName, dsn(path,
			"_foreign_keys", "on",
			"_synchronous", "FULL", // a password change survives a power cut
			"_txlock", "immediate"))
		if err != nil {
			return nil, err
		}
		db.write.SetMaxOpenConns(1)
		db.write.SetMaxIdleConns(1)
		if err := db.prepare(context.Background(), fresh); err != nil {
			db.write.Close()
			return nil, err
		}
	}
	params := []string{"_query_only", "on", "_txlock", "deferred"}
	if !write {
		params = append(params, "mode", "ro")
	}
	db.read, err = sql.Open(driverName, dsn(path, params...))
	if err != nil {
		db.Close()
		return nil, err
	}
	db.read.SetMaxOpenConns(readConns)
	db.read.SetMaxIdleConns(readConns)
	if !write {
		if err := db.checkVersion(context.Background(), db.read); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := db.read.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// prepare marks a new file as Sésame's before anything else is written in
// it, turns on WAL, and migrates the schema if it is behind.
func (db *DB) prepare(ctx context.Context, fresh bool) error {
	if fresh {
		// In the header of the main file, before WAL mode holds later
		// pages back in the -wal file: inspect recognises it at once.
		if _, err := db.write.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
			return err
		}
	}
	if _, err := db.write.ExecContext(ctx, "PRAGMA journal_mode = WAL"); err != nil {
		return err
	}
	err := db.checkVersion(ctx, db.write)
	if errors.Is(err, errBehind) {
		err = db.migrate(ctx)
	}
	return err
}

// dsn builds a file: URI with the settings common to every connection and
// the given key, value pairs, escaping the path so that any file name works.
func dsn(path string, kv ...string) string {
	params := url.Values{
		"_busy_timeout":    {fmt.Sprint(busyTimeout.Milliseconds())},
		"_stmt_cache_size": {"64"},
		"_cache_size":      {fmt.Sprint(-cacheKiB)}, // negative: KiB
	}
	for i := 0; i+1 < len(kv); i += 2 {
		params.Set(kv[i], kv[i+1])
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: params.Encode()}
	if !strings.HasPrefix(u.Path, "/") { // a Windows drive letter
		u.Path = "/" + u.Path
	}
	return u.String()
}

// Close closes the database.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return app.Internal(err)
	}
	return nil
}

// Read runs fn in a read-only transaction: fn sees one consistent state of
// the data, and any attempt to change it fails.
func (db *DB) Read(ctx context.Context, fn func(app.Tx) error) error {
	return db.run(ctx, db.read, func(t *tx) error { return fn(t) })
}

// Write runs fn in a write transaction, committed if fn returns nil and
// rolled back if it returns an error or panics. Write transactions, from
// this process or another, run one at a time.
func (db *DB) Write(ctx context.Context, fn func(app.Tx) error) error {
	return db.run(ctx, db.write, func(t *tx) error { return fn(t) })
}

func (db *DB) readTx(ctx context.Context, fn func(*tx) error) error { return db.run(ctx, db.read, fn) }

func (db *DB) writeTx(ctx context.Context, fn func(*tx) error) error {
	return db.run(ctx, db.write, fn)
}

// run runs fn in a transaction of pool. After a transaction that wiped a
// secret, the write-ahead log is folded back into the database and emptied,
// so that no earlier copy of the secret stays in the -wal file.
func (db *DB) run(ctx context.Context, pool *sql.DB, fn func(*tx) error) error {
	if pool == nil {
		return app.Errorf(app.EInternal, "The database {{.Path}} is open for reading only.", "Path", db.path)
	}
	sqlTx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return explainUse(db.path, app.Internal(err))
	}
	finished := false
	defer func() {
		if !finished { // fn panicked
			_ = sqlTx.Rollback()
		}
	}()
	t := &tx{ctx: ctx, tx: sqlTx}
	err = fn(t)
	if err == nil {
		err = t.countChanges()
	}
	finished = true
	if err != nil {
		_ = sqlTx.Rollback()
		return explainUse(db.path, err)
	}
	if err := sqlTx.Commit(); err != nil {
		return explainUse(db.path, app.Internal(err))
	}
	if t.wiped {
		// Best effort: with readers holding an older snapshot the log
		// cannot be emptied now; the next wipe tries again.
		_, _ = pool.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	return nil
}
