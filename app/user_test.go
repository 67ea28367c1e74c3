package app_test

import (
	"strings"
	"testing"
	"time"

	"sesame/app"
)

func TestCheckEmail(t *testing.T) {
	good := map[string]string{
		"jeanne@acme.example":                   "jeanne@acme.example",
		" Jeanne.Martin+tag@sub.acme.example ":  "jeanne.martin+tag@sub.acme.example",
		"x@localhost":                           "x@localhost",
		"agent007@fictif.local":                 "agent007@fictif.local",
		"bob＠acme.example":                      "bob@acme.example", // U+FF20 FULLWIDTH COMMERCIAL AT
		"bob﹫acme.example":                      "bob@acme.example", // U+FE6B SMALL COMMERCIAL AT
		"ＢＯＢ@ＡＣＭＥ.example":                      "bob@acme.example", // full-width letters
		"Bob@ACME.EXAMPLE":                      "bob@acme.example",
		"bob@acme.example.":                     "bob@acme.example", // fully qualified
		"bob@acme。example":                      "bob@acme.example", // U+3002 IDEOGRAPHIC FULL STOP
		"bob@acme．example":                      "bob@acme.example", // U+FF0E FULLWIDTH FULL STOP
		"jo@xn--caf-dma.example":                "jo@café.example",  // an A-label
		"JO@CAFÉ.EXAMPLE":                       "jo@café.example",
		"jo@café.example":                      "jo@café.example", // e + combining acute
		"ﬁona@acme.example":                     "fiona@acme.example",
		"Élodie@acme.example":                   "élodie@acme.example",
		"straße@münchen.example":                "straße@münchen.example", // non-transitional: ß stays
		strings.Repeat("a", 64) + "@x.example":  strings.Repeat("a", 64) + "@x.example",
		"a@" + strings.Repeat("b", 63) + ".com": "a@" + strings.Repeat("b", 63) + ".com",
	}
	for in, want := range good {
		got, err := app.CheckEmail(in)
		if err != nil || got != want {
			t.Errorf("CheckEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
		if again, err := app.CheckEmail(got); err != nil || again != got {
			t.Errorf("CheckEmail(%q) = %q, %v: the canonical form is not stable", got, again, err)
		}
		if k := app.EmailKey(in); k != want {
			t.Errorf("EmailKey(%q) = %q, want %q", in, k, want)
		}
	}
	bad := []string{"", "jeanne", "@acme.example", "jeanne@", "jeanne@@acme.example", "Jeanne <j@acme.example>",
		"j @acme.example", "j@acme..example", "j@.acme", "j@acme\nexample", "j\t@acme.example",
		".j@acme.example", "j.@acme.example", "j..k@acme.example", `"j k"@acme.example`, "j@[127.0.0.1]", "j@acme_corp.example",
		"j@-acme.example", "j(comment)@acme.example",
		// invisible, control and direction characters
		"b\u200bob@acme.example", "bob\u200d@acme.example", "bob@acme\u200c.example", "\ufeffbob@acme.example",
		"bob\u00ad@acme.example", "bob@acme.example\u200e", "\u202ebob@acme.example", "bob\u2066@acme.example",
		"bob\ufe0f@acme.example", "bob\u034f@acme.example", "bob\u3164@acme.example", "bob\x1b[31m@acme.example",
		"bob\u00a0@acme.example", "bob\ue000@acme.example", "bob\xff@acme.example",
		// RFC 5321 limits
		strings.Repeat("a", 65) + "@x.example",
		strings.Repeat("é", 33) + "@x.example", // 66 octets
		"a@" + strings.Repeat("b", 64) + ".com",
		"a@" + strings.Repeat(strings.Repeat("c", 60)+".", 5) + "com",
	}
	for _, s := range bad {
		if got, err := app.CheckEmail(s); app.CodeOf(err) != app.EInvalid {
			t.Errorf("CheckEmail(%q) = %q, accepted", s, got)
		}
	}
}

// TestNumericDomainsAreRefused: a domain whose last label is all digits is
// an IP address written without the brackets of an address literal (RFC
// 5321 §4.1.3) or a number; no top-level domain is (RFC 3696 §2). It is
// refused, saying so, however its digits and dots are typed; a domain with
// digits in a name is not.
func TestNumericDomainsAreRefused(t *testing.T) {
	for _, in := range []string{"jo@1.2.3.4", "jo@10.0.0.1", "jo@192.168.1.254.", "jo@１.２.３.４", "jo@192。168。0。1",
		"jo@127", "jo@acme.123", "jo@0x7f.0.0.1", "Jo@8.8.8.8"} {
		_, err := app.CheckEmail(in)
		if app.CodeOf(err) != app.EInvalid || !strings.Contains(err.Error(), "IP address") {
			t.Errorf("CheckEmail(%q): %v, want it refused as a number or an IP address", in, err)
		}
	}
	for _, in := range []string{"jo@123.example", "jo@1and1.fr", "jo@3com.com", "jo@acme.example2", "jo@xn--80ak6aa92e.com"} {
		if _, err := app.CheckEmail(in); err != nil {
			t.Errorf("CheckEmail(%q): %v", in, err)
		}
	}
}

// TestLimitsAreNamed: an address too long says which part and the limit.
func TestLimitsAreNamed(t *testing.T) {
	for in, want := range map[string]string{
		strings.Repeat("a", 65) + "@x.example":  "64",
		"a@" + strings.Repeat("b", 64) + ".com": "63",
	} {
		_, err := app.CheckEmail(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckEmail(%q): %v, want the limit %s named", in, err, want)
		}
	}
}

func FuzzCheckEmail(f *testing.F) {
	for _, s := range []string{"bob@acme.example", "Bob＠ACME.example.", "jo@xn--caf-dma.example", "a@b", "ǅ@x.example", "İ@x.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := app.CheckEmail(s)
		if err != nil {
			return
		}
		if again, err := app.CheckEmail(c); err != nil || again != c {
			t.Errorf("CheckEmail(%q) = %q, then %q, %v", s, c, again, err)
		}
		if app.EmailKey(s) != c || app.EmailKey(c) != c {
			t.Errorf("EmailKey disagrees with CheckEmail for %q", s)
		}
	})
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

// One rule refuses what cannot be shown as it is, in logins and names
// alike: default-ignorable characters, blanks that are not spaces,
// controls, direction marks, stacks of marks.
func TestHiddenCharactersAreRefusedEverywhere(t *testing.T) {
	hidden := []string{
		"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u061c", "\u115f", "\u1160", "\u17b4",
		"\u180e", "\u2800", "\u3164", "\uffa0", "\ufe0f", "\U000e0041", "\U0001d159", "\U0001d173", "\u202e", "\u2066",
		"\ue000", "\x1b",
	}
	for _, h := range hidden {
		if _, err := app.CheckEmail("bo" + h + "b@acme.example"); app.CodeOf(err) != app.EInvalid {
			t.Errorf("CheckEmail accepts %U", []rune(h)[0])
		}
		if _, err := app.CheckName("Bo" + h + "b"); app.CodeOf(err) != app.EInvalid {
			t.Errorf("CheckName accepts %U", []rune(h)[0])
		}
	}
	stack := "Ze" + strings.Repeat("\u0301", app.MaxStackedMarks+1)
	for _, check := range []func(string) (string, error){app.CheckName, func(s string) (string, error) { return app.CheckEmail(s + "@acme.example") }} {
		if _, err := check(stack); err == nil || !strings.Contains(err.Error(), "stacked") {
			t.Errorf("a stack of %d marks: %v", app.MaxStackedMarks+1, err)
		}
	}
	for _, name := range []string{
		"Nguy\u1ec5n Th\u1ecb Thu",       // two marks on one letter, in NFD
		"\u0645\u06cc\u200c\u0646\u0627", // a ZWNJ between two Persian letters
		"\u0915\u094d\u200d\u0937",       // a ZWJ in a Devanagari conjunct
		"Ze" + strings.Repeat("\u0301", app.MaxStackedMarks),
	} {
		if _, err := app.CheckName(name); err != nil {
			t.Errorf("CheckName(%q): %v", name, err)
		}
	}
	for _, name := range []string{"Ann\u200cie", "\u200c\u0645", "\u0645\u200d"} { // joiners elsewhere
		if _, err := app.CheckName(name); err == nil {
			t.Errorf("CheckName(%q) accepted", name)
		}
	}
	if _, err := app.CheckEmail("\u0645\u06cc\u200c\u0646\u0627@acme.example"); err == nil {
		t.Error("a joiner is accepted in a login")
	}
}

// UnusualCharacters names what tells two look-alike logins apart.
func TestUnusualCharacters(t *testing.T) {
	for in, want := range map[string]string{
		"bob@acme.example":             "",
		"jo@café.example":              "",
		"zoë.bœuf@acme.example":        "",
		"b\u043eb@acme.example":        "\u043e U+043E Cyrillic",
		"\u0430pple@\u0430cme.example": "\u0430 U+0430 Cyrillic",
		"b\u03bfb@acme.\u0435xample":   "\u03bf U+03BF Greek, \u0435 U+0435 Cyrillic",
		"\u0131nfo@acme.example":       "\u0131 U+0131 Latin",
		"x\u0301@acme.example":         "\u25cc\u0301 U+0301 Inherited",
		"\u0661\u0662@acme.example":    "\u0661 U+0661 Arabic, \u0662 U+0662 Arabic",
	} {
		if got := app.DescribeUnusual(in); got != want {
			t.Errorf("DescribeUnusual(%q) = %q, want %q", in, got, want)
		}
	}
}
