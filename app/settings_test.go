package app_test

import (
	"strings"
	"testing"
	"time"

	"sesame/app"
)

func TestDefaultSettings(t *testing.T) {
	s := app.DefaultSettings()
	want := map[string]string{
		"company.admin_password_management": "on", "password.min_length": "15", "temporary.lifetime": "24h",
		"password.generated_length": "16", "lockout.threshold": "5", "lockout.first": "1m", "lockout.max": "1h",
		"password.history": "5", "temporary.custom_allowed": "on", "session.idle": "5m", "clipboard.clear": "30s",
	}
	got := s.Values()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestSettingsSetValidates(t *testing.T) {
	tests := []struct {
		key, value string
		ok         bool
		inMessage  string
	}{
		{"password.min_length", "8", true, ""},
		{"smtp.host", "smtp.example.com", true, ""},
		{"smtp.host", "127.0.0.1", true, ""},
		{"smtp.host", "[::1]", true, ""},
		{"smtp.host", "[2001:db8::25]", true, ""},
		{"smtp.host", "mail.exämple.fr", true, ""},
		{"smtp.host", "smtp.example.com\nRCPT TO:<x@y>", false, "host name"},
		{"smtp.host", "smtp\x1b[31m.example.com", false, "host name"},
		{"smtp.host", "[not an address]", false, "host name"},
		{"smtp.host", "[127.0.0.1]", false, "host name"},
		{"smtp.host", "[::1", false, "host name"},
		{"smtp.host", "[::1]:25", false, "host name"},
		{"smtp.host", "[fe80::1%eth0]", false, "host name"},
		{"smtp.host", "smtp.example.com:25", false, "host name"},
		{"smtp.host", "smtp example.com", false, "host name"},
		{"smtp.host", "smtp\u202e.example.com", false, "host name"},
		{"smtp.username", "mailer", true, ""},
		{"smtp.username", "bob\x1b[31m", false, "cannot be shown"},
		{"smtp.username", "bob\u009b31m", false, "cannot be shown"},
		{"smtp.username", "bob\u202eevil", false, "cannot be shown"},
		{"smtp.username", "bob\nRCPT", false, "line break"},
		{"password.min_length", "64", true, ""},
		{"password.min_length", "7", false, "8 to 64"},
		{"password.min_length", "65", false, "8 to 64"},
		{"password.min_length", "ten", false, "whole number"},
		{"password.generated_length", "11", false, "12 to 64"},
		{"temporary.lifetime", "1h", true, ""},
		{"temporary.lifetime", "30d", true, ""},
		{"temporary.lifetime", "59m", false, "1h to 30d"},
		{"temporary.lifetime", "31d", false, "1h to 30d"},
		{"temporary.lifetime", "soon", false, "duration"},
		{"company.admin_password_management", "off", true, ""},
		{"company.admin_password_management", "maybe", false, "on or off"},
		{"lockout.first", "2h", false, "cannot be shorter"},
		{"company.name", strings.Repeat("x", 201), false, "too long"},
		{"company.name", "  ", false, "empty"},
		{"temporary.lifetime", "213505d", false, "duration"},
		{"no.such.key", "1", false, "Unknown setting"},
	}
	for _, tt := range tests {
		s := app.DefaultSettings()
		before := s
		err := s.Set(tt.key, tt.value)
		if (err == nil) != tt.ok {
			t.Errorf("Set(%s, %s) = %v, want ok=%v", tt.key, tt.value, err, tt.ok)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), tt.inMessage) {
				t.Errorf("Set(%s, %s): message %q does not say %q", tt.key, tt.value, err, tt.inMessage)
			}
			if s != before {
				t.Errorf("Set(%s, %s) failed but changed the settings", tt.key, tt.value)
			}
		} else if got, _ := s.Get(tt.key); got != tt.value {
			t.Errorf("Get(%s) = %q after Set %q", tt.key, got, tt.value)
		}
	}
}

func TestSettingsFromIgnoresBadStoredValues(t *testing.T) {
	s := app.SettingsFrom(map[string]string{"password.min_length": "3", "lockout.first": "2h", "temporary.lifetime": "48h"})
	d := app.DefaultSettings()
	if s.MinLength != d.MinLength || s.LockoutFirst != d.LockoutFirst || s.TemporaryLifetime != 48*time.Hour {
		t.Errorf("settings %+v", s)
	}
}

func TestDurations(t *testing.T) {
	for in, want := range map[string]time.Duration{"90s": 90 * time.Second, "7d": 7 * 24 * time.Hour, " 1h30m ": 90 * time.Minute} {
		if got, err := app.ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v", in, got, err)
		}
	}
	for d, want := range map[time.Duration]string{time.Minute: "1m", 24 * time.Hour: "24h", 48 * time.Hour: "2d", 36 * time.Hour: "36h", 90 * time.Minute: "1h30m", 30 * time.Second: "30s"} {
		if got := app.FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestRange(t *testing.T) {
	d, err := app.LookupSetting("temporary.lifetime")
	if err != nil || d.Range() != "1h–30d" {
		t.Errorf("range %q %v", d.Range(), err)
	}
}
