package app

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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
	Email         string // the login as entered, trimmed
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

	// LockedUntil is filled by reads that join the throttling state of the
	// login; it is not stored with the user.
	LockedUntil time.Time
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

// EmailKey is the form under which logins are compared and stored unique:
// trimmed, NFKC-normalised and lower-cased.
func EmailKey(email string) string {
	return strings.ToLower(norm.NFKC.String(strings.TrimSpace(email)))
}

// CheckEmail validates an e-mail address (a login or a recovery address) and
// returns it trimmed. A fictitious address must still look like one.
func CheckEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	bad := Errorf(EInvalid, "\"{{.Email}}\" is not a valid e-mail address (expected name@domain).", "Email", email)
	if email == "" {
		return "", Errorf(EInvalid, "The e-mail address is empty.")
	}
	if len(email) > 254 {
		return "", bad
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return "", bad
	}
	at := strings.LastIndexByte(email, '@')
	local, domain := email[:at], email[at+1:]
	if local == "" || domain == "" || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", bad
	}
	for _, r := range email {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "", bad
		}
	}
	return email, nil
}

// CheckName validates a display name and returns it trimmed.
func CheckName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return "", Errorf(EInvalid, "The name is empty.")
	}
	// Control and direction-override characters would garble the windows,
	// the audit and the terminal of whoever lists users.
	if !utf8.ValidString(name) || strings.IndexFunc(name, func(r rune) bool {
		return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
	}) >= 0 {
		return "", Errorf(EInvalid, "The name holds characters that cannot be shown.")
	}
	if n := len([]rune(name)); n > 200 {
		return "", Errorf(EInvalid, "The name is too long ({{.N}} characters, at most 200).", "N", n)
	}
	return name, nil
}
