package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"sesame/app"
)

// tr translates a domain message: its English template is the key of the
// translation, filled with the message's data, nested messages translated
// and times written for a person (and compared with now, to leave out
// today's date).
func tr(m app.Message, now time.Time) string {
	if len(m.Data) == 0 {
		return lang.L(m.Text)
	}
	filled := m.Filled(func(n app.Message) string { return tr(n, now) })
	data := make(map[string]any, len(filled))
	for k, v := range filled {
		if t, ok := v.(time.Time); ok {
			v = clockTime(t, now)
		}
		data[k] = v
	}
	return lang.L(m.Text, data)
}

// auditDetails are an audit event's details in the window's language: the
// stored English parts, each translated (app.AuditDetails).
func auditDetails(details string, now time.Time) string {
	parts := app.AuditDetails(details)
	out := make([]string, len(parts))
	for i, m := range parts {
		out[i] = tr(m, now)
	}
	return strings.Join(out, "; ")
}

// errorText says what went wrong: the domain's message and, for a rejected
// password, every reason. An error from elsewhere is said as an internal one.
func errorText(err error, now time.Time) string {
	e := app.AsError(err)
	text := tr(e.Message, now)
	if len(e.Reasons) > 0 {
		text += "\n" + bullets(e.Reasons, now)
	}
	return text
}

// bullets writes messages one a line, each behind a bullet.
func bullets(ms []app.Message, now time.Time) string {
	lines := make([]string, len(ms))
	for i, m := range ms {
		lines[i] = "• " + tr(m, now)
	}
	return strings.Join(lines, "\n")
}

// clockTime writes the time at which something can be done again: the hour
// alone on the same day, with the date otherwise; rounded up to the minute,
// so that the time said is never too early.
func clockTime(t, now time.Time) string {
	t = t.Local()
	if r := t.Truncate(time.Minute); !r.Equal(t) {
		t = r.Add(time.Minute)
	}
	if y, m, d := t.Date(); now.Local().Year() == y && now.Local().Month() == m && now.Local().Day() == d {
		return t.Format("15:04")
	}
	return dateTime(t)
}

// dateTime writes a date and time in the window's language: the layout
// itself is translated.
func dateTime(t time.Time) string {
	return t.Local().Format(lang.L("Jan 2, 2006 at 15:04"))
}

// duration writes a duration such as the idle time in minutes, or in
// seconds when it is not a whole number of minutes.
func duration(d time.Duration) string {
	if d%time.Minute == 0 {
		return lang.L("{{.N}} min", map[string]any{"N": int(d / time.Minute)})
	}
	return lang.L("{{.N}} s", map[string]any{"N": int(d / time.Second)})
}
