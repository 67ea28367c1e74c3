package app

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user may do in Sésame.
type Role string

// Roles.
const (
	RoleAdmin    Role = "admin"
	RoleEmployee Role = "employee"
)

// ParseRole reads a role from its name.
func ParseRole(s string) (Role, error) {
	switch Role(strings.ToLower(strings.TrimSpace(s))) {
	case RoleAdmin:
		return RoleAdmin, nil
	case RoleEmployee:
		return RoleEmployee, nil
	}
	return "", Errorf(EInvalid, "Unknown role \"{{.Role}}\": use admin or employee.", "Role", s)
}

// PasswordState says where a user's password stands.
type PasswordState string

// Password states.
const (
	StateNone      PasswordState = "none"      // no password yet
	StateTemporary PasswordState = "temporary" // set by an administrator, to be changed at the next sign-in
	StateExpired   PasswordState = "expired"   // temporary and past its expiry
	StateActive    PasswordState = "active"    // the user's own
)

// User is an account of the company. Its login is an e-mail address, real or
// fictitious (HasMailbox false: nothing is ever mailed to it).
type User struct {
	ID            int64
	Email         string // the login, in its canonical form (CheckEmail)
	Name          string
	Role          Role
	HasMailbox    bool
	RecoveryEmail string // "" when none
	Disabled      bool

	PasswordHash       string    // argon2id PHC string, "" when none
	PasswordTemporary  bool      // the hash is of a temporary password
	TemporaryExpiresAt time.Time // zero unless temporary
	PasswordChangedAt  time.Time // zero when never set

	LastSignInAt time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// UpdatedBy names who made the last change (an Actor's Name: a login,
	// or "system:<os user>"); "" when it is not known.
	UpdatedBy string
	// Version counts the stored changes of the user: 1 once created, one
	// more at each Tx.UpdateUser, which refuses a user whose Version is no
	// longer the stored one (EStale). A change made from what was read
	// before another workstation's change can then never overwrite it
	// unseen.
	Version int64

	// LockedUntil is filled by reads that join the throttling state of the
	// login; it is not stored with the user.
	LockedUntil time.Time
	// HasLookAlike is filled by reads: another user's login has the same
	// LookAlikeKey (a person could not tell the two apart).
	HasLookAlike bool
}

// State returns the password state at time now.
func (u User) State(now time.Time) PasswordState {
	switch {
	case u.PasswordHash == "":
		return StateNone
	case u.PasswordTemporary && !now.Before(u.TemporaryExpiresAt):
		return StateExpired
	case u.PasswordTemporary:
		return StateTemporary
	}
	return StateActive
}

// Locked reports whether sign-in is refused for throttling at time now.
func (u User) Locked(now time.Time) bool { return now.Before(u.LockedUntil) }

// IsAdmin reports whether the user is an administrator.
func (u User) IsAdmin() bool { return u.Role == RoleAdmin }

// CheckName validates a display name and returns it trimmed.
func CheckName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return "", Errorf(EInvalid, "The name is empty.")
	}
	// Hidden characters would garble the windows, the audit and the
	// terminal of whoever lists users, or let two names pass for one.
	if !utf8.ValidString(name) {
		return "", Errorf(EInvalid, "The name holds characters that cannot be shown.")
	}
	if r, stacked, ok := hiddenIn(name, true); ok {
		if stacked {
			return "", Errorf(EInvalid, "The name has more than {{.Max}} accents or marks stacked on one letter: type it again without them.", "Max", MaxStackedMarks)
		}
		return "", Errorf(EInvalid, "The name holds a character that cannot be shown as it is ({{.Code}}: invisible, blank, control or text-direction): type it again without it.",
			"Code", codePoint(r))
	}
	if n := len([]rune(name)); n > 200 {
		return "", Errorf(EInvalid, "The name is too long ({{.N}} characters, at most 200).", "N", n)
	}
	return name, nil
}
