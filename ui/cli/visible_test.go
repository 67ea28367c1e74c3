package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestVisible(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, accents é, emoji 🔑\n\tindented": "plain text, accents é, emoji 🔑\n\tindented",
		"\x1b[31mred\x1b[0m":                         `\x1b[31mred\x1b[0m`,
		"\x1b]0;title\x07":                           `\x1b]0;title\x07`,
		"bell\x07 nul\x00 del\x7f cr\r":              `bell\x07 nul\x00 del\x7f cr\x0d`,
		"cr\rback, crlf\r\nnext":                     "cr\\x0dback, crlf\r\nnext",
		"csi\u009b31m nel\u0085":                     `csi\u009b31m nel\u0085`,
		"abc\u202edcba\u2066x\u2069 \u200f \u061c":   `abc\u202edcba\u2066x\u2069 \u200f \u061c`,
		"line\u2028sep":                              `line\u2028sep`,
		"bad \xff\xfe byte":                          `bad \xff\xfe byte`,
	} {
		var b bytes.Buffer
		w := Visible(&b)
		if _, err := w.Write([]byte(in)); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("Visible(%q) = %q, want %q", in, b.String(), want)
		}
	}
}

// A character cut between two writes is written whole, and one left cut
// at the end is made visible by Flush.
func TestVisibleAcrossWrites(t *testing.T) {
	var b bytes.Buffer
	w := Visible(&b)
	in := []byte("é\u009b🔑")
	for i := range in {
		w.Write(in[i : i+1])
	}
	w.Write([]byte{0xe2, 0x80}) // the start of U+202E, never finished
	w.Flush()
	if got, want := b.String(), `é\u009b🔑\xe2\x80`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	b.Reset()
	w.Write([]byte("csv\r"))
	w.Write([]byte("\nrow\r"))
	w.Write([]byte("x\r"))
	w.Flush()
	if got, want := b.String(), "csv\r\nrow\\x0dx\\x0d"; got != want {
		t.Errorf("CR across writes: got %q, want %q", got, want)
	}
	if Visible(w) != w {
		t.Error("Visible of a VisibleWriter wraps it again")
	}
}

// JSON that goes through Visible stays JSON, and says the same thing.
func TestVisibleKeepsJSON(t *testing.T) {
	value := "a\x1b[2Jb\u009bc\u202ed\u2028e\x00f\"g\\h"
	var raw bytes.Buffer
	if err := writeJSON(&raw, map[string]string{"name": value}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := Visible(&b)
	w.Write(raw.Bytes())
	w.Flush()
	var back map[string]string
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatalf("%s is not JSON: %v", b.String(), err)
	}
	if back["name"] != value {
		t.Errorf("read back %q, want %q", back["name"], value)
	}
	for _, r := range b.String() {
		if r < 0x20 && r != '\n' || r >= 0x7f && r <= 0x9f || isBidiControl(r) {
			t.Errorf("%q reaches the terminal", r)
		}
	}
}

func TestShownCutsLongValues(t *testing.T) {
	long := strings.Repeat("é", 500)
	s := shown(long)
	if n := utf8.RuneCountInString(s); n != maxShown || !strings.HasSuffix(s, "…") {
		t.Errorf("shown: %d characters, %q", n, s)
	}
	if shown("a\nb") != "a b" {
		t.Errorf("shown keeps a line break: %q", shown("a\nb"))
	}
}

// Whatever a database value or an argument holds, no terminal control
// reaches standard output or standard error, in any command's output,
// errors included; long values are cut.
func TestCommandsShowControlsVisibly(t *testing.T) {
	h := newHarness(t)
	h.setUp()
	evil := "\x1b]0;pwned\x07\x1b[2J\u009b31m\u202e"
	h.must("", "users", "add", "zoe@acme.test", "--name", "Zoé Martin")
	for _, args := range [][]string{
		{"users", "show", evil + "@acme.test"},
		{"users", "list", "--query", evil},
		{"users", "add", evil + "x@acme.test", "--name", "X"},
		{"users", "add", "x@acme.test", "--name", evil},
		{"users", "list", "--limit", evil},
		{"users", evil},
		{evil},
		{"audit", "--action", evil},
		{"audit", "--user", evil},
		{"settings", evil},
		{"settings", "smtp.host", evil},
		{"settings", "smtp.username", evil},
		{"mail", "test", evil},
		{"mail", "status", "--state", evil},
		{"users", "show", strings.Repeat("x", 5000) + "@acme.test"},
	} {
		r := h.run("", args...)
		for _, out := range []string{r.stdout, r.stderr} {
			for _, c := range out {
				if c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f || isBidiControl(c) {
					t.Errorf("%q: %q reaches the terminal in %q", args, c, out)
					break
				}
			}
			if len(out) > 2000 && !strings.Contains(out, "Commands:") {
				t.Errorf("%q: %d bytes of output: a long value was not cut", args, len(out))
			}
		}
	}
	r := h.run("", "audit", "--json")
	var events []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &events); err != nil {
		t.Errorf("audit --json is not JSON: %v", err)
	}
}

// Every numeric option refuses what it cannot mean, as a usage error.
func TestNumericOptionsRefuseNegatives(t *testing.T) {
	h := newHarness(t)
	h.setUp()
	for _, args := range [][]string{
		{"mail", "status", "--limit", "-1"},
		{"mail", "status", "--limit", "0"},
		{"audit", "--limit", "-1"},
		{"audit", "--limit", "0"},
		{"users", "list", "--limit", "-1"},
		{"users", "list", "--limit", "99999999999999999999"},
		{"dev", "generate", "-5"},
		{"dev", "generate", "0"},
		{"dev", "generate", "5", "--seed", "x"},
	} {
		r := h.run("", args...)
		if r.code != exitError || !strings.Contains(r.stderr, "usage:") {
			t.Errorf("%q: exit %d, stderr %q; want a usage error", args, r.code, r.stderr)
		}
	}
}

// The command line speaks French: messages, tables, errors of the domain,
// usage, help and the audit's details.
func TestCommandLineInFrench(t *testing.T) {
	h := newHarness(t)
	h.lang = "fr"
	h.setUp()
	h.must("", "users", "add", "zoe@acme.test", "--name", "Zoé Martin")
	for _, tt := range []struct {
		args       []string
		out, inErr string
	}{
		{[]string{"users", "list"}, "NOM", ""},
		{[]string{"users", "show", "zoe@acme.test"}, "à changer, expire le", ""},
		{[]string{"users", "show", "nobody@acme.test"}, "", "Aucun utilisateur"},
		{[]string{"users", "list", "--limit", "-1"}, "", "--limit doit valoir 0 (tout) ou plus."},
		{[]string{"frobnicate"}, "", "Commande inconnue « frobnicate »."},
		{[]string{"help"}, "Commandes :", ""},
		{[]string{"users", "add", "--help"}, "le NAME complet de l'utilisateur", ""},
		{[]string{"audit"}, "rôle\u00a0: employé; mot de passe temporaire généré, expire le", ""},
		{[]string{"audit"}, "Utilisateur créé (user.create)", ""},
		{[]string{"users", "list"}, "employé", ""},
		{[]string{"users", "show", "zoe@acme.test"}, "employé", ""},
		{[]string{"users", "reset", "zoe@acme.test", "--password-stdin"}, "", "Ce mot de passe ne peut pas être utilisé"},
	} {
		r := h.run("               \n", tt.args...)
		if !strings.Contains(r.stdout, tt.out) || !strings.Contains(r.stderr, tt.inErr) {
			t.Errorf("%q: stdout %q, stderr %q; want %q and %q", tt.args, r.stdout, r.stderr, tt.out, tt.inErr)
		}
	}
}
