// Package postgres keeps Sésame's data on a PostgreSQL server (version 13
// or later), so that several workstations share one directory: it
// implements app.Store, app.Tx and app.Archive with github.com/jackc/pgx/v5.
//
// Every write transaction is SERIALIZABLE: whatever other workstations do at
// the same moment, each use case sees and leaves the data as if it ran
// alone, as two processes on one SQLite file do. A transaction that the
// server aborts for a serialization failure or a deadlock is run again, a
// few times, after a short random wait. Reads run in REPEATABLE READ, READ
// ONLY: one consistent snapshot.
//
// Times are stored as bigint nanoseconds since the Unix epoch, exactly as
// the other stores keep them (timestamptz holds microseconds only); the
// zero time is NULL. User search uses the folded texts that app computes,
// an index of their 1-, 2- and 3-character pieces and a count of users per
// piece (see search.go), so that it gives what SQLite gives, in the same
// order.
//
// The connection string's password never appears in an error: Redact
// hides it wherever a connection string is shown.
package postgres

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"sesame/app"
)

// DB is an open Sésame database on a PostgreSQL server. It implements
// app.Store and is safe for concurrent use.
type DB struct {
	pool    *pgxpool.Pool
	listen  *pgx.ConnConfig // a watch's connection (watch.go)
	display string          // the connection string without its password
	secrets []string        // what to scrub from the errors of a watch
}

var (
	_ app.Store   = (*DB)(nil)
	_ app.Watcher = (*DB)(nil)
)

// IsURL reports whether a --db value names a PostgreSQL server rather than
// a file: postgres:// or postgresql://.
func IsURL(s string) bool {
	lower := strings.ToLower(s)
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://")
}

// passwordPair matches a password in the key=value form of a connection
// string, quoted or not.
var passwordPair = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)
})

// Redact returns a connection string fit to show: its password, in the
// URL's user part, in a password= parameter or a key=value pair, replaced.
func Redact(conn string) string {
	if u, err := url.Parse(conn); err == nil && u.Scheme != "" {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return passwordPair().ReplaceAllString(conn, "${1}xxxxx")
}

// secretsOf returns the passwords that a connection string holds, to be
// scrubbed from any error text.
func secretsOf(conn string) []string {
	var out []string
	if cfg, err := pgconn.ParseConfig(conn); err == nil && cfg.Password != "" {
		out = append(out, cfg.Password)
		if esc := url.QueryEscape(cfg.Password); esc != cfg.Password {
			out = append(out, esc, url.PathEscape(cfg.Password))
		}
	}
	return out
}

// scrubbed is an error whose text has had passwords taken out.
type scrubbed struct{ msg string }

func (e *scrubbed) Error() string { return e.msg }

// scrub returns err with every secret replaced in its text. The cause is
// not kept, lest something print it.
func scrub(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range secrets {
		msg = strings.ReplaceAll(msg, s, "xxxxx")
	}
	return &scrubbed{msg: msg}
}

// Open connects to the database that conn names (a postgres:// URL or a
// key=value connection string; libpq's environment variables, PGPASSFILE
// and ~/.pgpass apply), brings its schema up to date and returns it. The
// server must keep the database in UTF-8.
func Open(conn string) (*DB, error) {
	db, err := open(conn)
	if err != nil {
		return nil, openError(Redact(conn), err, secretsOf(conn))
	}
	db.secrets = secretsOf(conn)
	return db, nil
}

// openError turns a failure to open into a message that names the cause;
// the cause kept has the secrets taken out.
func openError(display string, err error, secrets []string) error {
	var pgErr *pgconn.PgError
	var netErr net.Error
	text := err.Error()
	var msg app.Message
	switch {
	case errors.Is(err, errNewer):
		msg = app.Msg("The database {{.Path}} was written by a newer version of Sésame: use that version.", "Path", display)
	case errors.Is(err, errEncoding):
		msg = app.Msg("The database {{.Path}} does not keep text in UTF-8: create it with ENCODING 'UTF8'.", "Path", display)
	case errors.As(err, &pgErr) && (pgErr.Code == "28P01" || pgErr.Code == "28000"):
		msg = app.Msg("The database {{.Path}} cannot be opened: the server refused the user or the password.", "Path", display)
	case errors.As(err, &pgErr) && pgErr.Code == "3D000":
		msg = app.Msg("The database {{.Path}} cannot be opened: the server has no such database.", "Path", display)
	case errors.As(err, &pgErr) && pgErr.Code == "42501":
		msg = app.Msg("The database {{.Path}} cannot be opened: the user may not create tables in it (make it the database's owner).", "Path", display)
	case strings.Contains(text, "x509:"), strings.Contains(text, "tls:"), strings.Contains(text, "certificate"):
		msg = app.Msg("The database {{.Path}} cannot be opened: the server's certificate was not accepted (see sslmode and sslrootcert).", "Path", display)
	case strings.Contains(text, "server does not support TLS"), strings.Contains(text, "SSL is not enabled"):
		msg = app.Msg("The database {{.Path}} cannot be opened: the server does not offer TLS (see sslmode).", "Path", display)
	case strings.Contains(text, "cannot parse"):
		msg = app.Msg("The database {{.Path}} cannot be opened: the connection string is not valid.", "Path", display)
	case errors.As(err, &netErr), strings.Contains(text, "dial"), strings.Contains(text, "connect"):
		msg = app.Msg("The database {{.Path}} cannot be opened: the server cannot be reached.", "Path", display)
	default:
		msg = app.Msg("The database {{.Path}} cannot be opened.", "Path", display)
	}
	return &app.Error{Code: app.EInternal, Message: msg, Err: scrub(err, secrets)}
}

// errEncoding marks a database that does not keep text in UTF-8.
var errEncoding = errors.New("database encoding is not UTF8")

func open(conn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(conn)
	if err != nil {
		return nil, err
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	cfg.MaxConns = 8
	// Idle connections are dropped after a while and checked before use, so
	// that the store comes back by itself after the server restarts.
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 30 * time.Second
	cfg.ConnConfig.RuntimeParams["application_name"] = "sesame"
	// Sésame's queries are short: starting parallel workers costs more than
	// it saves, and the workstations share the server's cores.
	cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	db := &DB{pool: pool, listen: cfg.ConnConfig.Copy(), display: Redact(conn)}
	if err := db.checkEncoding(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) checkEncoding(ctx context.Context) error {
	var enc string
	if err := db.pool.QueryRow(ctx, `SHOW server_encoding`).Scan(&enc); err != nil {
		return err
	}
	if enc != "UTF8" {
		return errEncoding
	}
	return nil
}

// Close closes every connection.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// String names the database without its password.
func (db *DB) String() string { return db.display }

// Read runs fn in a read-only transaction on one snapshot of the data.
func (db *DB) Read(ctx context.Context, fn func(app.Tx) error) error {
	return db.run(ctx, false, func(t *tx) error { return fn(t) })
}

// Write runs fn in a serializable transaction, committed if fn returns nil
// and rolled back if it returns an error or panics; fn runs again when
// the server aborts the transaction for a conflict with another one.
func (db *DB) Write(ctx context.Context, fn func(app.Tx) error) error {
	return db.run(ctx, true, func(t *tx) error { return fn(t) })
}

// Retries of a transaction that collided with another one: at most
// maxAttempts runs, waiting up to twice as long each time, at random.
const (
	maxAttempts = 12
	firstWait   = 2 * time.Millisecond
	maxWait     = 250 * time.Millisecond
)

var (
	readOnly  = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	readWrite = pgx.TxOptions{IsoLevel: pgx.Serializable, AccessMode: pgx.ReadWrite}
)

func (db *DB) run(ctx context.Context, write bool, fn func(*tx) error) error {
	opts := readOnly
	if write {
		opts = readWrite
	}
	wait := firstWait
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return app.Internal(err)
		}
		t, err := db.attempt(ctx, opts, fn)
		if err == nil || attempt == maxAttempts || !t.retry(err) {
			return err
		}
		// Full jitter: two workstations that collided do not collide again.
		select {
		case <-time.After(time.Duration(rand.Int64N(int64(wait)) + 1)):
		case <-ctx.Done():
			return app.Internal(ctx.Err())
		}
		wait = min(2*wait, maxWait)
	}
}

// attempt runs fn once in a transaction.
func (db *DB) attempt(ctx context.Context, opts pgx.TxOptions, fn func(*tx) error) (t *tx, err error) {
	t = &tx{ctx: ctx}
	pgTx, err := db.pool.BeginTx(ctx, opts)
	if err != nil {
		t.began = false
		t.note(err)
		return t, t.fail(err)
	}
	t.began, t.tx = true, pgTx
	finished := false
	defer func() {
		if !finished { // fn panicked
			_ = pgTx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	err = fn(t)
	if err == nil {
		err = t.tellChanges()
	}
	finished = true
	if err != nil {
		_ = pgTx.Rollback(context.WithoutCancel(ctx))
		return t, err
	}
	if err := pgTx.Commit(ctx); err != nil {
		t.committing = true
		t.note(err)
		return t, t.fail(err)
	}
	return t, nil
}
