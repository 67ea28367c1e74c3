package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sesame/app"
)

// TestOneDateFormat checks the one way the window writes a time, in each
// language, and that a time in a domain message is rounded up to the
// minute (a lock's end said too early would send the person back to a
// locked door).
func TestOneDateFormat(t *testing.T) {
	at := time.Date(2026, 3, 5, 9, 7, 0, 0, time.Local)
	for _, c := range []struct{ lang, want string }{
		{"en", "Mar 5, 2026, 09:07"},
		{"fr", "5 mars 2026, 09:07"},
	} {
		newHarnessIn(t, c.lang, nil)
		if got := dateTime(at); got != c.want {
			t.Errorf("%s: dateTime = %q, want %q", c.lang, got, c.want)
		}
		m := app.Msg("Too many failed attempts: locked until {{.Until}}.", "Until", at.Add(time.Second))
		if got := tr(m); !strings.Contains(got, dateTime(at.Add(time.Minute))) {
			t.Errorf("%s: a time in a message is not rounded up: %q", c.lang, got)
		}
	}
}

func TestErrorText(t *testing.T) {
	newHarnessIn(t, "en", nil)
	err := &app.Error{Code: app.EPolicy, Message: app.Msg("This password cannot be used:"), Reasons: []app.Message{
		app.Msg("The password is empty."), app.Msg("It contains your name (\"{{.Part}}\").", "Part", "jeanne"),
	}}
	want := "This password cannot be used:\n• The password is empty.\n• It contains your name (\"jeanne\")."
	if got := errorText(err); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := errorText(errors.New("disk I/O error")), "Something went wrong while saving or reading data. Nothing was changed."; got != want {
		t.Errorf("a foreign error says %q, want %q", got, want)
	}
	// A setting is named by its label, not its key.
	var st app.Settings
	if got, want := errorText(st.Set("clipboard.clear", "1s")), "“Clear a copied password after” must be a duration from 5s to 10m (for example 90s, 15m, 24h, 7d)."; got != want {
		t.Errorf("a setting's error says %q, want %q", got, want)
	}
}

func TestDuration(t *testing.T) {
	newHarnessIn(t, "en", nil)
	for d, want := range map[time.Duration]string{5 * time.Minute: "5 minutes", time.Minute: "1 minute", 90 * time.Second: "90 seconds"} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}
