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
// another program's file, an empty file, a device or a pipe is refused
// untouched. Only Open makes a database, whole, where there is none (see
// create); an existing one keeps its mode. A database opened for reading
// only (OpenReadOnly) takes no lock, leaves no file behind and runs no
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
	"sync/atomic"
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
	notes []app.Message
	// walSecret says that the -wal file may still hold a copy of a secret
	// wiped since: see emptyWAL.
	walSecret atomic.Bool
	held      heldMatches // see held.go
}

var _ app.Store = (*DB)(nil)

// writeParams are the settings of the connection that writes.
var writeParams = []string{
	"_foreign_keys", "on",
	"_synchronous", "FULL", // a password change survives a power cut
	"_txlock", "immediate",
}

// DefaultPath returns where the database lives by default:
// <user config dir>/sesame/sesame.db.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", &app.Error{Code: app.EInternal, Message: app.Msg("Cannot find the folder for the settings of this user."), Err: err}
	}
	return filepath.Join(dir, "sesame", "sesame.db"), nil
}

// Open opens the database at path for reading and writing, making it
// first, with its folder, if there is no file there (see create): what
// sesame init and the window's first run do. Its schema is brought up to
// date: the write lock is taken only when it is behind. A file that is not
// a Sésame database is refused and left as it is; an existing database
// keeps its mode.
func Open(path string) (*DB, error) { return openWrite(path, true) }

// OpenExisting opens an existing database for reading and writing, as
// Open does, but makes nothing: when there is no file at path, it says so
// (app.ENotFound).
func OpenExisting(path string) (*DB, error) { return openWrite(path, false) }

func openWrite(path string, mayCreate bool) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err == nil {
		var db *DB
		if db, err = open(abs, true, mayCreate); err == nil {
			return db, nil
		}
	}
	return nil, explain(path, err)
}

// OpenReadOnly opens an existing database for reading: nothing is created,
// no lock is taken, and no -wal or -shm file stays behind that was not
// there, unless the schema is behind this version (then it is brought up
// to date first, as Open would, and what the migration found is in Notes).
// Write on it fails.
func OpenReadOnly(path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, explain(path, err)
	}
	db, err := open(abs, false, false)
	if errors.Is(err, errBehind) {
		if werr := writable(abs); werr != nil {
			return nil, explain(path, errors.Join(errOlderReadOnly, werr))
		}
		var rw *DB
		if rw, err = open(abs, true, false); err == nil {
			notes := rw.notes
			rw.Close()
			if db, err = open(abs, false, false); err == nil {
				db.notes = append(notes, db.notes...)
			}
		}
	}
	if err != nil {
		return nil, explain(path, err)
	}
	return db, nil
}

// Notes returns what opening the database found for a person to know: the
// logins that a migration found at fault, a file open to other users.
func (db *DB) Notes() []app.Message { return db.notes }

// open opens the database at the absolute path, for writing or only for
// reading, once inspect has found it to be Sésame's; a missing file is
// made first when mayCreate is set.
func open(path string, write, mayCreate bool) (*DB, error) {
	what, err := inspect(path)
	if err != nil {
		return nil, err
	}
	if what == foundNothing {
		if !mayCreate {
			return nil, errNoDatabase
		}
		if err := create(context.Background(), path); err != nil && !errors.Is(err, errExists) {
			return nil, err
		}
		// Made, or made meanwhile by another process: look again.
		if what, err = inspect(path); err != nil {
			return nil, err
		}
		if what == foundNothing {
			return nil, errNoDatabase
		}
	}
	db := &DB{path: path}
	if mode := openToOthers(path); mode != 0 {
		db.notes = append(db.notes, app.Msg("The database {{.Path}} is open to other users of this machine (mode {{.Mode}}): it holds the password hashes and the audit log. To keep it to its owner: chmod 600 {{.Path}}",
			"Path", path, "Mode", fmt.Sprintf("%04o", mode)))
	}
	if write {
		if err := writable(path); err != nil {
			return nil, err
		}
		if db.write, err = sql.Open(driverName, dsn(path, writeParams...)); err != nil {
			return nil, err
		}
		db.write.SetMaxOpenConns(1)
		db.write.SetMaxIdleConns(1)
		if err := db.prepare(context.Background(), false); err != nil {
			db.write.Close()
			return nil, err
		}
	} else if what == foundOlder {
		return nil, errBehind
	}
	db.read, err = sql.Open(driverName, dsn(path, readParams(path, write)...))
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
	if db.write != nil {
		db.secretMayRemain(context.Background())
	}
	return db, nil
}

// readParams are the settings of the read connections. Those of a
// read-only opening leave no -wal and -shm files behind that were not
// there: while another process has the database open (its -wal file is
// there) they share its files, read-only; otherwise, they open the file
// for writing but query only, so that the last to close removes the files
// that reading made, as SQLite does; a file that this process may not
// write, which nobody should be writing, is read as immutable, making no
// file at all (SQLite would otherwise make a -shm file of the database's
// read-only mode, which breaks later writes).
func readParams(path string, write bool) []string {
	params := []string{"_query_only", "on", "_txlock", "deferred"}
	switch {
	case write:
	case exists(path + "-wal"):
		params = append(params, "mode", "ro")
	case writable(path) != nil:
		params = append(params, "mode", "ro", "immutable", "1")
	}
	return params
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

// Close closes the database, after a last try to empty the -wal file of a
// wiped secret (see emptyWAL).
func (db *DB) Close() error {
	if db.walSecret.Load() {
		db.emptyWAL(context.Background())
	}
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
// secret, and after every later one until it succeeds, the write-ahead log
// is folded back into the database and emptied (emptyWAL), so that no
// earlier copy of the secret stays in the -wal file.
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
	if pool == db.read && !heldOff {
		t.held = &db.held
	}
	err = fn(t)
	if err == nil {
		err = t.flushGrams()
	}
	if err == nil {
		err = t.countChanges()
	}
	if err == nil && pool == db.write {
		err = t.markWAL()
	}
	if err == nil && pool == db.write {
		err = t.setCheckpoint()
	}
	finished = true
	if err != nil {
		_ = sqlTx.Rollback()
		return explainUse(db.path, err)
	}
	if err := sqlTx.Commit(); err != nil {
		return explainUse(db.path, app.Internal(err))
	}
	if t.wiped || t.marked {
		db.walSecret.Store(true)
	}
	if db.walSecret.Load() {
		db.emptyWAL(ctx)
	}
	return nil
}

// Checkpoints: SQLite folds the write-ahead log back into the database at
// the commit that takes it past wal_autocheckpoint pages, 1,000 by default.
// A batch of a bulk action or an import at a million users writes some
// 2,800 (22 a user: the row, the orders' indexes, the search index, the
// history, the audit log), so each batch was copied and synced at once, and
// the pages that batches share again at each. A transaction that writes
// largeTx users or more lets the log grow to largeLog pages (64 MiB); the
// next smaller one (the audit row that ends a bulk action, or the next
// change) folds it back at its commit, so that reads do not look pages up
// in a large log for long (docs/BENCHMARKS.md, "Bulk reset of 10,000
// users").
const (
	largeTx    = 32
	defaultLog = 1000
	largeLog   = 16384
)

// setCheckpoint sets when the commit of t folds the log back.
func (t *tx) setCheckpoint() error {
	pages := defaultLog
	if t.written >= largeTx {
		pages = largeLog
	}
	_, err := t.exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", pages))
	return err
}

// walSecretMark is the user_version of a database whose -wal file may hold
// a copy of a secret wiped since, so that every process that writes to it
// knows it must empty the -wal file, whichever process wiped the secret.
const walSecretMark = 1

// markWAL sets the mark of a transaction that wiped a secret, and notes a
// mark that another process left.
func (t *tx) markWAL() error {
	if t.wiped {
		_, err := t.exec(fmt.Sprintf("PRAGMA user_version = %d", walSecretMark))
		return err
	}
	v, _, err := t.queryInt64(`PRAGMA user_version`)
	t.marked = v == walSecretMark
	return err
}

// secretMayRemain empties the -wal file at once if another process left
// the mark of a secret in it.
func (db *DB) secretMayRemain(ctx context.Context) {
	var v int
	if err := db.write.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err == nil && v == walSecretMark {
		db.walSecret.Store(true)
		db.emptyWAL(ctx)
	}
}

// emptyWAL folds the write-ahead log into the database and truncates it,
// then clears the mark. A reader that holds an older snapshot, in this
// process or another, keeps older pages in the log: then nothing is done
// and nobody waits; the end of the next transaction (the window's delivery
// of the outbox makes one at each round), the next opening for writing or
// the closing tries again.
func (db *DB) emptyWAL(ctx context.Context) {
	if db.write == nil {
		return
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
		return
	}
	defer conn.ExecContext(context.Background(), fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout.Milliseconds()))
	truncate := func() bool {
		var busy, log, done int
		err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &log, &done)
		return err == nil && busy == 0
	}
	if !truncate() {
		return
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA user_version = 0`); err != nil {
		return
	}
	truncate() // the log now holds the cleared mark alone: no secret
	db.walSecret.Store(false)
}
