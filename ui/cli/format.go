package cli

import (
	"encoding/json"
	"io"
	"strings"
	"time"

	"sesame/app"
	"sesame/ui/i18n"
)

// Human output shows times in the machine's zone, to the minute; a lock,
// which lasts minutes, and an audit event to the second. JSON gives
// RFC 3339 in UTC.
const (
	humanLayout   = "2006-01-02 15:04 MST"
	secondsLayout = "2006-01-02 15:04:05 MST"
)

// when writes a time for a person, to the minute, or "never".
func (c *call) when(t time.Time) string { return humanTime(c.t, t) }

func humanTime(t *i18n.Catalog, at time.Time) string {
	if at.IsZero() {
		return t.L("never")
	}
	return at.Local().Format(humanLayout)
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
	State              string  `json:"state"`  // none | temporary | expired | active
	Status             string  `json:"status"` // as --status names it: the one that takes precedence
	TemporaryExpiresAt *string `json:"temporary_expires_at"`
	Locked             bool    `json:"locked"`
	LockedUntil        *string `json:"locked_until"` // null unless locked now
	Disabled           bool    `json:"disabled"`
	LookAlike          bool    `json:"look_alike"`          // another login looks like this one
	RecoveryLookAlike  bool    `json:"recovery_look_alike"` // the recovery address looks like a login (confirmed)
	LoginAtFault       bool    `json:"login_at_fault"`      // kept from an older version, it fails today's rules
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
		Status:            string(u.Status(now).Kind),
		Locked:            u.Locked(now),
		Disabled:          u.Disabled,
		LookAlike:         u.HasLookAlike,
		LoginAtFault:      atFault(u.Email),
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

// atFault reports whether a login, kept from an older version, fails
// today's rules (app.CheckEmail).
func atFault(login string) bool {
	_, err := app.CheckEmail(login)
	return err != nil
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
func (c *call) passwordWords(u app.User, now time.Time) string {
	switch u.State(now) {
	case app.StateNone:
		return c.t.L("no password")
	case app.StateTemporary:
		return c.t.L("must change, expires {{.Time}}", "Time", c.when(u.TemporaryExpiresAt))
	case app.StateExpired:
		return c.t.L("temporary password expired {{.Time}}", "Time", c.when(u.TemporaryExpiresAt))
	}
	return c.t.L("active")
}

// stateWords is the state column of `users list`: the status that takes
// precedence (app.User.Status) and, behind a lock, the password's own
// state.
func (c *call) stateWords(u app.User, now time.Time) string {
	st := u.Status(now)
	switch st.Kind {
	case app.StatusDisabled:
		return c.t.L("disabled")
	case app.StatusLocked:
		lock := c.t.L("locked until {{.Time}}", "Time", st.LockedUntil.Local().Format(secondsLayout))
		if st.Password == app.StateActive {
			return lock
		}
		return lock + "; " + c.passwordWords(u, now)
	}
	return c.passwordWords(u, now)
}

// statusKind names a status in the command line's language, with the word
// that --status takes for it when the language's differs.
func (c *call) statusKind(k app.StatusKind) string {
	var w string
	switch k {
	case app.StatusActive:
		w = c.t.L("active")
	case app.StatusMustChange:
		w = c.t.L("must change password")
	case app.StatusExpired:
		w = c.t.L("temporary password expired")
	case app.StatusNoPassword:
		w = c.t.L("no password")
	case app.StatusLocked:
		w = c.t.L("locked")
	case app.StatusDisabled:
		w = c.t.L("disabled")
	default:
		return string(k)
	}
	if w != string(k) {
		w += " (" + string(k) + ")"
	}
	return w
}

// role names a role in the command line's language: "admin" and
// "employee" in English, the words that users role takes.
func (c *call) role(r app.Role) string {
	switch r {
	case app.RoleAdmin:
		return c.t.L("admin")
	case app.RoleEmployee:
		return c.t.L("employee")
	}
	return string(r)
}

// mailState names the state of an outbox message in the command line's
// language.
func (c *call) mailState(s app.MailState) string {
	switch s {
	case app.MailQueued:
		return c.t.L("queued")
	case app.MailSending:
		return c.t.L("sending")
	case app.MailSent:
		return c.t.L("sent")
	case app.MailFailed:
		return c.t.L("failed")
	case app.MailExpired:
		return c.t.L("expired")
	}
	return string(s)
}

// mailKind names the kind of an outbox message in the command line's
// language.
func (c *call) mailKind(kind string) string {
	switch kind {
	case app.MailRecoveryCode:
		return c.t.L("recovery code")
	case app.MailTemporaryPassword:
		return c.t.L("temporary password")
	case app.MailPasswordChanged:
		return c.t.L("password change notice")
	case app.MailTest:
		return c.t.L("test message")
	}
	return kind
}

func (c *call) yesNo(b bool) string {
	if b {
		return c.t.L("yes")
	}
	return c.t.L("no")
}

// message is the text of an error for standard error, translated: the
// domain's message and reasons, with its times written for a person.
func message(t *i18n.Catalog, err error) string {
	e := app.AsError(err)
	if e.Code == app.ELocked {
		if until, ok := e.Message.Data["Until"].(time.Time); ok {
			// The command line says "until", the word scripts and people look for.
			return t.L("Too many failed attempts: locked until {{.Time}}.", "Time", until.Local().Format(secondsLayout))
		}
	}
	s := t.Message(humanMessage(t, e.Message))
	for _, r := range e.Reasons {
		s += "\n- " + t.Message(humanMessage(t, r))
	}
	return s
}

// humanMessage writes the times of a message (and of the messages nested
// in it) in the human layout rather than Go's default, and its texts on
// one line, cut if long.
func humanMessage(t *i18n.Catalog, m app.Message) app.Message {
	return m.WithData(func(v any) any {
		switch v := v.(type) {
		case time.Time:
			return humanTime(t, v)
		case string:
			return shown(v)
		case app.Message:
			return humanMessage(t, v)
		}
		return v
	})
}

// oneLine keeps a value that a person typed on one row of a table.
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(s)
}
