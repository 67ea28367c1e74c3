package app_test

import (
	"testing"
	"time"

	"sesame/app"
)

func TestCheckEmail(t *testing.T) {
	good := []string{"jeanne@acme.example", " Jeanne.Martin+tag@sub.acme.example ", "x@localhost", "agent007@fictif.local"}
	bad := []string{"", "jeanne", "@acme.example", "jeanne@", "jeanne@@acme.example", "Jeanne <j@acme.example>", "j @acme.example", "j@acme..example", "j@.acme", "j@acme.example.", "j@acme\nexample", "j\t@acme.example"}
	for _, s := range good {
		if _, err := app.CheckEmail(s); err != nil {
			t.Errorf("CheckEmail(%q): %v", s, err)
		}
	}
	for _, s := range bad {
		if _, err := app.CheckEmail(s); app.CodeOf(err) != app.EInvalid {
			t.Errorf("CheckEmail(%q) accepted", s)
		}
	}
	if app.EmailKey(" Jeanne@ACME.example ") != "jeanne@acme.example" {
		t.Error("EmailKey does not trim and lower-case")
	}
}

func TestPasswordState(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		u    app.User
		want app.PasswordState
	}{
		{app.User{}, app.StateNone},
		{app.User{PasswordHash: "h"}, app.StateActive},
		{app.User{PasswordHash: "h", PasswordTemporary: true, TemporaryExpiresAt: now.Add(time.Second)}, app.StateTemporary},
		{app.User{PasswordHash: "h", PasswordTemporary: true, TemporaryExpiresAt: now}, app.StateExpired},
	} {
		if got := tt.u.State(now); got != tt.want {
			t.Errorf("state %q, want %q", got, tt.want)
		}
	}
}

func TestMessagesRender(t *testing.T) {
	m := app.Msg("At least {{.Min}} characters.", "Min", 15)
	if m.String() != "At least 15 characters." {
		t.Errorf("%q", m.String())
	}
	if app.Render("Broken {{.X", nil) != "Broken {{.X" {
		t.Error("a broken template is lost")
	}
}

func TestCheckNameRefusesWhatCannotBeShown(t *testing.T) {
	for _, bad := range []string{"Esc\x1b[31mRed", "Bad\xffName", "Evil\u202eeman", "Tab\x00Nul"} {
		if _, err := app.CheckName(bad); app.CodeOf(err) != app.EInvalid {
			t.Errorf("CheckName(%q) accepted", bad)
		}
	}
	if n, err := app.CheckName("  Hélène   Dupré-Łukasz "); err != nil || n != "Hélène Dupré-Łukasz" {
		t.Errorf("CheckName: %q %v", n, err)
	}
}
