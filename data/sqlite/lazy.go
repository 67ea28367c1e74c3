package sqlite

import (
	"context"
	"errors"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sync"

	"sesame/app"
)

// Lazy is a Store that opens its database at its first use, so that a
// command that fails before it needs the database (a usage error, an
// unknown command, bad input) creates and opens nothing. A read-only Lazy
// opens with OpenReadOnly. Otherwise reads of a database that is not there
// yet fail as OpenReadOnly's do, and the first write creates it.
type Lazy struct {
	path     string
	readOnly bool
	mu       sync.Mutex
	db       *DB
}

var _ app.Store = (*Lazy)(nil)

// OpenLazily returns a Lazy store for the database at path.
func OpenLazily(path string, readOnly bool) *Lazy { return &Lazy{path: path, readOnly: readOnly} }

// open opens the database once; for a read, a missing file is not created.
func (l *Lazy) open(write bool) (*DB, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.db != nil {
		return l.db, nil
	}
	var err error
	switch {
	case l.readOnly:
		l.db, err = OpenReadOnly(l.path)
	case !write && missing(l.path):
		return nil, explain(l.path, errNoDatabase)
	default:
		l.db, err = Open(l.path)
	}
	return l.db, err
}

// missing reports whether there is no file at path yet.
func missing(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	_, err = os.Stat(abs)
	return errors.Is(err, fs.ErrNotExist)
}

// Read runs fn in a read-only transaction (DB.Read).
func (l *Lazy) Read(ctx context.Context, fn func(app.Tx) error) error {
	db, err := l.open(false)
	if err != nil {
		return err
	}
	return db.Read(ctx, fn)
}

// Write runs fn in a write transaction (DB.Write).
func (l *Lazy) Write(ctx context.Context, fn func(app.Tx) error) error {
	db, err := l.open(true)
	if err != nil {
		return err
	}
	return db.Write(ctx, fn)
}

// LoadUsers adds users in bulk (DB.LoadUsers).
func (l *Lazy) LoadUsers(ctx context.Context, users iter.Seq[app.User], n int) (int, error) {
	db, err := l.open(true)
	if err != nil {
		return 0, err
	}
	return db.LoadUsers(ctx, users, n)
}

// Notes returns what opening the database found (DB.Notes), none when it
// was not opened.
func (l *Lazy) Notes() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.db == nil {
		return nil
	}
	return l.db.Notes()
}

// Close closes the database if it was opened.
func (l *Lazy) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.db == nil {
		return nil
	}
	return l.db.Close()
}
