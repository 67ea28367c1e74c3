package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"sesame/app"
)

// tr translates a domain message: its English template is the key of the
// translation, filled with the message's data, the values that the window
// writes in its own way first: a time as every time in the window (rounded
// up to the minute, so that a person told "locked until 9:05" is never
// early), a setting by its label, a nested message (a part of a longer
// sentence) translated as a whole.
func tr(m app.Message) string {
	if len(m.Data) == 0 {
		return lang.L(m.Text)
	}
	m = m.WithData(func(v any) any {
		switch v := v.(type) {
		case time.Time:
			if r := v.Truncate(time.Minute); !r.Equal(v) {
				v = r.Add(time.Minute)
			}
			return dateTime(v)
		case app.SettingName:
			return lang.L("“{{.Text}}”", map[string]any{"Text": lang.L(v.Label)})
		case app.Role:
			return roleName(v)
		case app.Message:
			return tr(v)
		}
		return v
	})
	return lang.L(m.Text, m.Data)
}

// errorText says what went wrong: the domain's message and, for a rejected
// password, every reason. An error from elsewhere is said as an internal one.
func errorText(err error) string {
	e := app.AsError(err)
	text := tr(e.Message)
	if len(e.Reasons) > 0 {
		text += "\n" + bullets(e.Reasons)
	}
	return text
}

// bullets writes messages one a line, each behind a bullet.
func bullets(ms []app.Message) string {
	lines := make([]string, len(ms))
	for i, m := range ms {
		lines[i] = "• " + tr(m)
	}
	return strings.Join(lines, "\n")
}

// dateTime writes a time the one way the window writes times, in its
// language: "Nov 26, 2026, 09:00" in English, "26 nov. 2026, 09:00" in
// French. The layout is a translation, and so are the months.
func dateTime(t time.Time) string {
	t = t.Local()
	return lang.L("{{.Month}} {{.Day}}, {{.Year}}, {{.Time}}", map[string]any{
		"Month": monthName(t.Month()), "Day": t.Day(), "Year": t.Year(), "Time": t.Format("15:04"),
	})
}

// pastTime writes a time gone by (a last sign-in, a password change), or
// Never.
func pastTime(t time.Time) string {
	if t.IsZero() {
		return lang.L("Never")
	}
	return dateTime(t)
}

// monthName is a month's short name in the window's language.
func monthName(m time.Month) string {
	switch m {
	case time.January:
		return lang.L("Jan")
	case time.February:
		return lang.L("Feb")
	case time.March:
		return lang.L("Mar")
	case time.April:
		return lang.L("Apr")
	case time.May:
		return lang.L("May")
	case time.June:
		return lang.L("Jun")
	case time.July:
		return lang.L("Jul")
	case time.August:
		return lang.L("Aug")
	case time.September:
		return lang.L("Sep")
	case time.October:
		return lang.L("Oct")
	case time.November:
		return lang.L("Nov")
	}
	return lang.L("Dec")
}

// duration writes a duration such as the idle time in minutes, or in
// seconds when it is not a whole number of minutes.
func duration(d time.Duration) string {
	if d%time.Minute == 0 {
		n := int(d / time.Minute)
		return lang.N("{{.N}} minutes", n, map[string]any{"N": n})
	}
	n := int(d / time.Second)
	return lang.N("{{.N}} seconds", n, map[string]any{"N": n})
}

// lifetime writes how long a temporary password or a code lasts: in days,
// hours or minutes, whichever is whole.
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
