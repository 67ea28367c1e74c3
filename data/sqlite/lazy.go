package sqlite

import (
	"context"
	"iter"
	"sync"

	"sesame/app"
)

// Access is what a command may do with its database file.
type Access int

const (
	// ReadOnly: read an existing database (OpenReadOnly).
	ReadOnly Access = iota
	// ReadWrite: read and write an existing database (OpenExisting).
	ReadWrite
	// Create: read and write, making the database at the first write if
	// there is none (Open): sesame init.
	Create
)

// Lazy is a Store that opens its database at its first use, so that a
// command that fails before it needs the database (a usage error, an
// unknown command, bad input) creates and opens nothing. Only a Lazy that
// may Create makes a database, and only for a write: otherwise a missing
// database is an error that says there is none.
type Lazy struct {
	path   string
	access Access
	mu     sync.Mutex
	db     *DB
}

var _ app.Store = (*Lazy)(nil)

// OpenLazily returns a Lazy store for the database at path.
func OpenLazily(path string, access Access) *Lazy { return &Lazy{path: path, access: access} }

// open opens the database once; for a read, a missing file is not created.
func (l *Lazy) open(write bool) (*DB, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.db != nil {
		return l.db, nil
	}
	var err error
	switch {
	case l.access == ReadOnly:
		l.db, err = OpenReadOnly(l.path)
	case l.access == Create && write:
		l.db, err = Open(l.path)
	default:
		l.db, err = OpenExisting(l.path)
	}
	return l.db, err
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
func (l *Lazy) Notes() []app.Message {
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
