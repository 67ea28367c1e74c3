package ui

import (
	"errors"
	"testing"
	"time"

	"sesame/app"
)

func TestClockTime(t *testing.T) {
	newHarnessIn(t, "en", nil)
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.Local)
	cases := []struct {
		t    time.Time
		want string
	}{
		{now.Add(time.Minute), "09:01"},
		{now.Add(time.Minute + time.Second), "09:02"}, // never too early
		{now.Add(15 * time.Hour), "Nov 26, 2026 at 00:00"},
	}
	for _, c := range cases {
		if got := clockTime(c.t, now); got != c.want {
			t.Errorf("clockTime(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	newHarnessIn(t, "en", nil)
	now := time.Now()
	err := &app.Error{Code: app.EPolicy, Message: app.Msg("This password cannot be used:"), Reasons: []app.Message{
		app.Msg("The password is empty."), app.Msg("It contains your name (\"{{.Part}}\").", "Part", "jeanne"),
	}}
	want := "This password cannot be used:\n• The password is empty.\n• It contains your name (\"jeanne\")."
	if got := errorText(err, now); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := errorText(errors.New("disk I/O error"), now), "Something went wrong while saving or reading data. Nothing was changed."; got != want {
		t.Errorf("a foreign error says %q, want %q", got, want)
	}
}

func TestDuration(t *testing.T) {
	newHarnessIn(t, "en", nil)
	for d, want := range map[time.Duration]string{5 * time.Minute: "5 min", 90 * time.Second: "90 s"} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}
