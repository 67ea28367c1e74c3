package app

import "context"

// Changes is a set of the kinds of data that transactions changed, as a
// watch reports them.
type Changes uint8

// Kinds of change.
const (
	// ChangedUsers: users, and what their rows show (a lock, the state of
	// a password).
	ChangedUsers Changes = 1 << iota
	// ChangedSettings: the company's settings.
	ChangedSettings
	// ChangedMail: the outbox.
	ChangedMail

	// AllChanges is every kind: what a watch reports when it may have
	// missed some (after it lost the database).
	AllChanges = ChangedUsers | ChangedSettings | ChangedMail
)

// Has reports whether c holds every kind of k.
func (c Changes) Has(k Changes) bool { return c&k == k && k != 0 }

// StoreEvent is one report of a watch (see Watcher).
type StoreEvent struct {
	// Changed is what transactions committed since the last report
	// changed, whichever process or workstation made them.
	Changed Changes
	// Lost: the watch lost the database (a server stopped or out of
	// reach), for the reason Err; it tries again by itself. Back: it has
	// the database again after a loss, and Changed is AllChanges.
	Lost, Back bool
	Err        error
}

// Watcher is a Store whose committed changes can be followed, by whoever
// made them: this process, another process on the same file, another
// workstation on the same server. Each workstation's window stays current
// through it.
type Watcher interface {
	// Watch calls notify, on a goroutine of its own and one call at a
	// time, with what committed transactions changed, within a second of
	// their commit, until ctx ends; it then returns nil. A rolled-back or
	// read-only transaction is not reported. Several changes may come in
	// one report, and one change in several. Its cost does not grow with
	// the data: a counter polled, or a notification listened to.
	Watch(ctx context.Context, notify func(StoreEvent)) error
}

// Watch follows the changes of the store (Watcher) until ctx ends. It
// returns at once, with EInternal, when the store cannot be followed.
func (s *Service) Watch(ctx context.Context, notify func(StoreEvent)) error {
	w, ok := s.store.(Watcher)
	if !ok {
		return Errorf(EInternal, "This database cannot be followed for changes.")
	}
	return w.Watch(ctx, notify)
}
