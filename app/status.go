package app

import "time"

// StatusKind names where an account stands, as an administrator looks for
// it in a list of users.
type StatusKind string

// Status kinds, in their order of precedence: the first that holds is the
// one shown, since it is what stops or awaits the person first (a disabled
// account cannot sign in whatever its password; a lock refuses the
// password before it is checked).
const (
	StatusDisabled   StatusKind = "disabled"
	StatusLocked     StatusKind = "locked"      // too many failed sign-ins, until Status.LockedUntil
	StatusExpired    StatusKind = "expired"     // a temporary password past its time: ask for another
	StatusNoPassword StatusKind = "no_password" // never given one
	StatusMustChange StatusKind = "must_change" // a temporary password, changed at the next sign-in
	StatusActive     StatusKind = "active"      // the person's own password
)

// Status is where a user's account stands at a moment: the kind that takes
// precedence, and the facts behind it, so that a list can say it in one
// word and a card in full.
type Status struct {
	Kind     StatusKind
	Password PasswordState // the password's own state, whatever the kind
	// LockedUntil is the end of a lock in force, zero when none.
	LockedUntil time.Time
	// TemporaryExpiresAt is the end of a temporary password, zero when the
	// password is not temporary.
	TemporaryExpiresAt time.Time
}

// Status returns where u stands at time now.
func (u User) Status(now time.Time) Status {
	st := Status{Password: u.State(now)}
	if u.Locked(now) {
		st.LockedUntil = u.LockedUntil
	}
	if u.PasswordTemporary && u.PasswordHash != "" {
		st.TemporaryExpiresAt = u.TemporaryExpiresAt
	}
	switch {
	case u.Disabled:
		st.Kind = StatusDisabled
	case !st.LockedUntil.IsZero():
		st.Kind = StatusLocked
	case st.Password == StateExpired:
		st.Kind = StatusExpired
	case st.Password == StateNone:
		st.Kind = StatusNoPassword
	case st.Password == StateTemporary:
		st.Kind = StatusMustChange
	default:
		st.Kind = StatusActive
	}
	return st
}
