// Package sqlite keeps Sésame's data in SQLite: it implements app.Store and
// app.Tx with github.com/mattn/go-sqlite3 (built with the tag sqlite_fts5).
//
// One file holds everything. Writes go through a single connection that
// takes the write lock at BEGIN (BEGIN IMMEDIATE), so that a window and a
// command line working on the same file wait for each other instead of
// failing with "database is locked"; reads go through a pool of query-only
// connections that, thanks to WAL, never wait for a writer.
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
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
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
	for name, fn := range map[string]any{
		"sesame_grams":    gramDoc,
		"sesame_sort_key": func(name, email string) string { return app.SortKey(&app.User{Name: name, Email: email}) },
		"sesame_search_text": func(name, email, recovery string) string {
			return searchText(&app.User{Name: name, Email: email, RecoveryEmail: recovery})
		},
	} {
		if err := c.RegisterFunc(name, fn, true); err != nil {
			return err
		}
	}
	return nil
}

// DB is an open Sésame database. It implements app.Store and is safe for
// concurrent use.
type DB struct {
	write *sql.DB // one connection: writes are serialized anyway
	read  *sql.DB // query-only connections
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

// Open opens the database at path, creating it (and its folder) if needed,
// readable by its owner only, and brings its schema up to date.
func Open(path string) (*DB, error) {
	db, err := open(path)
	switch {
	case errors.Is(err, errNewer):
		return nil, &app.Error{Code: app.EInternal, Err: err,
			Message: app.Msg("The database {{.Path}} was written by a newer version of Sésame: use that version.", "Path", path)}
	case err != nil:
		return nil, &app.Error{Code: app.EInternal, Message: app.Msg("The database {{.Path}} cannot be opened.", "Path", path), Err: err}
	}
	return db, nil
}

func open(path string) (*DB, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := createFile(path); err != nil {
		return nil, err
	}
	db := &DB{}
	db.write, err = sql.Open(driverName, dsn(path,
		"_journal_mode", "WAL",
		"_foreign_keys", "on",
		"_synchronous", "FULL", // a password change survives a power cut
		"_txlock", "immediate"))
	if err != nil {
		return nil, err
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	if err := db.migrate(context.Background()); err != nil {
		db.write.Close()
		return nil, err
	}
	db.read, err = sql.Open(driverName, dsn(path, "_query_only", "on", "_txlock", "deferred"))
	if err != nil {
		db.write.Close()
		return nil, err
	}
	db.read.SetMaxOpenConns(readConns)
	db.read.SetMaxIdleConns(readConns)
	if err := db.read.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
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
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
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
	if err := errors.Join(db.read.Close(), db.write.Close()); err != nil {
		return app.Internal(err)
	}
	return nil
}

// Read runs fn in a read-only transaction: fn sees one consistent state of
// the data, and any attempt to change it fails.
func (db *DB) Read(ctx context.Context, fn func(app.Tx) error) error {
	return run(ctx, db.read, func(t *tx) error { return fn(t) })
}

// Write runs fn in a write transaction, committed if fn returns nil and
// rolled back if it returns an error or panics. Write transactions, from
// this process or another, run one at a time.
func (db *DB) Write(ctx context.Context, fn func(app.Tx) error) error {
	return run(ctx, db.write, func(t *tx) error { return fn(t) })
}

func (db *DB) readTx(ctx context.Context, fn func(*tx) error) error { return run(ctx, db.read, fn) }

func (db *DB) writeTx(ctx context.Context, fn func(*tx) error) error { return run(ctx, db.write, fn) }

func run(ctx context.Context, pool *sql.DB, fn func(*tx) error) error {
	sqlTx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return app.Internal(err)
	}
	finished := false
	defer func() {
		if !finished { // fn panicked
			_ = sqlTx.Rollback()
		}
	}()
	err = fn(&tx{ctx: ctx, tx: sqlTx})
	finished = true
	if err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return app.Internal(err)
	}
	return nil
}

//go:embed migrations/*.sql
var migrations embed.FS

// codeMigrations are the steps of the schema that SQL alone cannot take,
// by name, in the same sequence as the files of migrations/.
var codeMigrations = map[string]func(*tx) error{
	// Search folds more letters and drops separators (app.FoldForSearch),
	// names sort by their words (app.Fold), and the directory keeps
	// columns of its own (0005_directory_columns.sql): every user's are
	// computed anew.
	"0006_directory_values": restoreUsers,
	// With the directory's indexes made (0007_directory_indexes.sql):
	// ranks, the search index with cells in its rowid, and the blocks.
	"0008_directory_orders": func(t *tx) error {
		if err := t.relabelAll(); err != nil {
			return err
		}
		return t.rebuildBlocks()
	},
}

// migrateUpTo, when set (by tests), stops the migrations after the one of
// that name: a database as an older version left it.
var migrateUpTo string

// migrationNames returns the names of every migration, SQL files and code
// steps, in the order in which they apply.
func migrationNames() ([]string, error) {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files)+len(codeMigrations))
	for _, f := range files {
		names = append(names, strings.TrimPrefix(f, "migrations/"))
	}
	for name := range codeMigrations {
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

// migrate applies, in name order, each migration not yet recorded in the
// migrations table, each in its own transaction. Two processes opening the
// same file at once are safe: the write lock is taken before the check.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		name TEXT PRIMARY KEY,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return err
	}
	names, err := migrationNames()
	if err != nil {
		return err
	}
	for _, name := range names {
		if migrateUpTo != "" && name > migrateUpTo {
			break
		}
		err = db.writeTx(ctx, func(t *tx) error {
			var n int
			if err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil || n > 0 {
				return err
			}
			if step, ok := codeMigrations[name]; ok {
				if err := step(t); err != nil {
					return fmt.Errorf("migration %s: %w", name, err)
				}
			} else {
				script, err := migrations.ReadFile("migrations/" + name)
				if err != nil {
					return err
				}
				if _, err := t.tx.ExecContext(ctx, string(script)); err != nil {
					return fmt.Errorf("migration %s: %w", name, err)
				}
			}
			_, err := t.tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().UnixNano())
			return err
		})
		if err != nil {
			return err
		}
	}
	return db.checkVersion(ctx, names)
}

// errNewer marks a database migrated by a newer version of Sésame.
var errNewer = errors.New("database from a newer version")

// checkVersion refuses a database that a newer version of Sésame has
// migrated further than this one knows.
func (db *DB) checkVersion(ctx context.Context, known []string) error {
	rows, err := db.write.QueryContext(ctx, `SELECT name FROM migrations ORDER BY name`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		if !slices.Contains(known, name) {
			return fmt.Errorf("%w: unknown migration %s", errNewer, name)
		}
	}
	return rows.Err()
}
