package cli

import (
	"encoding/json"
	"io"
	"strings"
	"time"

	"sesame/app"
)

// Human output shows times in the machine's zone, to the minute; a lock,
// which lasts minutes, and an audit event to the second. JSON gives
// RFC 3339 in UTC.
const (
	humanLayout   = "2006-01-02 15:04 MST"
	secondsLayout = "2006-01-02 15:04:05 MST"
)

func humanTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Local().Format(humanLayout)
}

// jsonTime is a time in RFC 3339 UTC, or nil (null) when unset.
func jsonTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// userJSON is the shape of a user in `users show --json` and, in an
// array, `users list --json`. A field that has no value is null.
type userJSON struct {
	Email              string  `json:"email"`
	Name               string  `json:"name"`
	Role               string  `json:"role"`
	Mailbox            bool    `json:"mailbox"`
	RecoveryEmail      *string `json:"recovery_email"`
	State              string  `json:"state"` // none | temporary | expired | active
	TemporaryExpiresAt *string `json:"temporary_expires_at"`
	Locked             bool    `json:"locked"`
	LockedUntil        *string `json:"locked_until"` // null unless locked now
	Disabled           bool    `json:"disabled"`
	LookAlike          bool    `json:"look_alike"` // another login looks like this one
	LastSignInAt       *string `json:"last_signin_at"`
	PasswordChangedAt  *string `json:"password_changed_at"`
	CreatedAt          *string `json:"created_at"`
}

func toJSON(u app.User, now time.Time) userJSON {
	j := userJSON{
		Email:             u.Email,
		Name:              u.Name,
		Role:              string(u.Role),
		Mailbox:           u.HasMailbox,
		RecoveryEmail:     nullable(u.RecoveryEmail),
		State:             string(u.State(now)),
		Locked:            u.Locked(now),
		Disabled:          u.Disabled,
		LookAlike:         u.HasLookAlike,
		LastSignInAt:      jsonTime(u.LastSignInAt),
		PasswordChangedAt: jsonTime(u.PasswordChangedAt),
		CreatedAt:         jsonTime(u.CreatedAt),
	}
	if u.PasswordTemporary {
		j.TemporaryExpiresAt = jsonTime(u.TemporaryExpiresAt)
	}
	if j.Locked {
		j.LockedUntil = jsonTime(u.LockedUntil)
	}
	return j
}

// auditJSON is the shape of an event in `audit --json`.
type auditJSON struct {
	ID      int64   `json:"id"`
	At      *string `json:"at"`
	Actor   string  `json:"actor"`
	Subject *string `json:"subject"`
	Action  string  `json:"action"`
	Details string  `json:"details"`
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// passwordWords says in words where a user's password stands.
func passwordWords(u app.User, now time.Time) string {
	switch u.State(now) {
	case app.StateNone:
		return "no password"
	case app.StateTemporary:
		return "must change, expires " + humanTime(u.TemporaryExpiresAt)
	case app.StateExpired:
		return "temporary password expired " + humanTime(u.TemporaryExpiresAt)
	}
	return "active"
}

// stateWords is the state column of `users list`: the status that takes
// precedence and, behind a lock, the password's own state.
func stateWords(u app.User, now time.Time) string {
	st := u.Status(now)
	switch st.Kind {
	case app.StatusDisabled:
		return "disabled"
	case app.StatusLocked:
		lock := "locked until " + st.LockedUntil.Local().Format(secondsLayout)
		if st.Password == app.StateActive {
			return lock
		}
		return lock + "; " + passwordWords(u, now)
	}
	return passwordWords(u, now)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// message is the text of an error for standard error: the domain's
// message and reasons, with its times written for a person.
func message(err error) string {
	e := app.AsError(err)
	if e.Code == app.ELocked {
		if until, ok := e.Message.Data["Until"].(time.Time); ok {
			// The command line says "until", the word scripts and people look for.
			return "Too many failed attempts: locked until " + until.Local().Format(secondsLayout) + "."
		}
	}
	out := *e
	out.Message = humanMessage(e.Message)
	out.Reasons = make([]app.Message, len(e.Reasons))
	for i, r := range e.Reasons {
		out.Reasons[i] = humanMessage(r)
	}
	return out.Error()
}

// humanMessage writes the times of a message in the human layout rather
// than Go's default.
func humanMessage(m app.Message) app.Message {
	return m.WithData(func(v any) any {
		if t, ok := v.(time.Time); ok {
			return humanTime(t)
		}
		return v
	})
}

// oneLine keeps a value that a person typed on one row of a table.
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(s)
}
