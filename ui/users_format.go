package ui

import (
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// statusText says in words where a user's account and password stand, and
// how much it matters: what an administrator looks for in the table and
// at the top of the card.
func statusText(u app.User, now time.Time) (string, widget.Importance) {
	switch {
	case u.Disabled:
		return lang.L("Disabled"), widget.LowImportance
	case u.Locked(now):
		return lang.L("Locked until {{.Time}}", map[string]any{"Time": clockTime(u.LockedUntil, now)}), widget.DangerImportance
	}
	switch u.State(now) {
	case app.StateNone:
		return lang.L("No password"), widget.WarningImportance
	case app.StateTemporary:
		return lang.L("Must change — expires {{.Time}}", map[string]any{"Time": shortTime(u.TemporaryExpiresAt, now)}), widget.WarningImportance
	case app.StateExpired:
		return lang.L("Temporary expired"), widget.DangerImportance
	}
	return lang.L("Active"), widget.MediumImportance
}

// shortTime writes a time to come or just past, briefly: the hour alone
// today, with the day and month otherwise.
func shortTime(t, now time.Time) string {
	t = t.Local()
	if sameDay(t, now.Local()) {
		return t.Format("15:04")
	}
	return t.Format(lang.L("Jan 2 15:04"))
}

// pastTime writes a time gone by (a last sign-in, a password change), or
// Never.
func pastTime(t, now time.Time) string {
	if t.IsZero() {
		return lang.L("Never")
	}
	t = t.Local()
	if t.Year() != now.Local().Year() {
		return t.Format(lang.L("Jan 2, 2006"))
	}
	return shortTime(t, now)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// lifetime writes how long a temporary password lasts: in days, hours or
// minutes, whichever is whole.
func lifetime(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		n := int(d / (24 * time.Hour))
		return lang.N("{{.N}} days", n, map[string]any{"N": n})
	case d >= time.Hour && d%time.Hour == 0:
		n := int(d / time.Hour)
		return lang.N("{{.N}} hours", n, map[string]any{"N": n})
	}
	return duration(d)
}

// loginText is a login as the table shows it, marked when the address
// has no mailbox behind it.
func loginText(u app.User) string {
	if u.HasMailbox {
		return u.Email
	}
	return u.Email + " · " + lang.L("no mailbox")
}
