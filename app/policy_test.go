package app_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"sesame/app"
)

func TestPolicyAssess(t *testing.T) {
	p := app.Policy{MinLength: 15, Blocklist: blocklist}
	ctx := app.PolicyContext{Login: "jeanne.martin@acme.example", Name: "Jeanne Martin-Dupré", Company: "Acme Industries"}
	tests := []struct {
		name     string
		password string
		reasons  []string // fragments of the English reasons expected, in order; none for accepted
	}{
		{"passphrase", "violet tramway umbrella 1987", nil},
		{"no composition rule", "lowercase only words here please", nil},
		{"exactly the minimum", "q7 vexing bard!", nil},
		{"empty", "", []string{"empty"}},
		{"too short", "tramway 1987", []string{"too short"}},
		{"too short and common", "password", []string{"too short", "common password", "easy to guess"}},
		{"common and long", "1qaz2wsx3edc4rfv", []string{"common password", "easy to guess"}},
		{"repeats", "aaaaaaaaaaaaaaaaaaaaaa", []string{"easy to guess"}},
		{"contains login and name", "jeanne.martin umbrella 42", []string{"your login", "your name"}},
		{"contains name with accent removed", "dupre violet tramway 1987", []string{"your name"}},
		{"contains company", "acme violet tramway 1987", []string{"company's name"}},
		{"too long", strings.Repeat("violet tramway ", 18), []string{"too long"}},
		{"control character", "violet tramway\x00umbrella 1987", []string{"cannot be used"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := p.Assess(tt.password, ctx)
			var got []string
			for _, r := range a.Reasons {
				got = append(got, r.String())
			}
			if len(got) != len(tt.reasons) {
				t.Fatalf("reasons %q, want %d matching %q", got, len(tt.reasons), tt.reasons)
			}
			for i, want := range tt.reasons {
				if !strings.Contains(got[i], want) {
					t.Errorf("reason %d = %q, want it to mention %q", i, got[i], want)
				}
			}
			if a.OK() != (len(tt.reasons) == 0) {
				t.Errorf("OK() = %v with reasons %q", a.OK(), got)
			}
		})
	}
}

func TestPolicyLengthLimits(t *testing.T) {
	p := app.Policy{MinLength: 15, Blocklist: blocklist}
	// NIST: at least 64 characters accepted; Sésame accepts up to 256.
	for _, n := range []int{64, 256} {
		pw := randomWords(n)
		if a := p.Assess(pw, app.PolicyContext{}); !a.OK() {
			t.Errorf("%d characters rejected: %v", n, a.Reasons)
		}
	}
	// Length is counted in characters after NFKC: "ﬁ" is two, "é" composed is one.
	a := p.Assess("e\u0301", app.PolicyContext{})
	if a.Length != 1 {
		t.Errorf("length of e + combining acute = %d, want 1", a.Length)
	}
	if a := p.Assess("ﬁ", app.PolicyContext{}); a.Length != 2 {
		t.Errorf("length of the ligature fi = %d, want 2", a.Length)
	}
	if a := p.Assess("ÉtéHivérPrintempsAutomne", app.PolicyContext{}); a.Length != 24 {
		t.Errorf("length counted in bytes, not characters: %d", a.Length)
	}
}

func randomWords(n int) string {
	words := []string{"violet", "tramway", "umbrella", "quartz", "meadow", "lantern", "pepper", "harbor", "cobalt", "sparrow"}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(words[(i*7)%len(words)])
		b.WriteByte(byte('a' + i%26))
	}
	return b.String()[:n]
}

func TestPolicyTemporary(t *testing.T) {
	p := app.Policy{MinLength: 15, Blocklist: blocklist}
	if a := p.AssessTemporary("Bienvenue-2026!!"); !a.OK() {
		t.Errorf("a long temporary password is refused: %v", a.Reasons)
	}
	if a := p.AssessTemporary("short"); a.OK() {
		t.Error("a short temporary password is accepted")
	}
	p.MinLength = 8
	if a := p.AssessTemporary("PASSWORD1"); a.OK() || !strings.Contains(a.Reasons[0].String(), "common") {
		t.Errorf("a common temporary password (case aside) is accepted: %v", a.Reasons)
	}
}

func TestRequirementsMentionTheMinimum(t *testing.T) {
	r := app.Policy{MinLength: 17}.Requirements()
	if !strings.Contains(r[0].String(), "17") {
		t.Errorf("requirements %q do not say the minimum", r[0])
	}
}

func TestBlocklistSize(t *testing.T) {
	if n := blocklist.Len(); n < 10000 {
		t.Errorf("the blocklist holds %d passwords, want at least 10,000", n)
	}
	for _, w := range []string{"password", "123456", "azerty", "Qwerty"} {
		if !blocklist.Contains(w) {
			t.Errorf("%q is not on the blocklist", w)
		}
	}
}

// FuzzPolicy checks that any input gets a verdict without panicking, that
// the length is the count of characters after NFKC and that a short
// password is always rejected.
func FuzzPolicy(f *testing.F) {
	for _, s := range []string{"", "password", "violet tramway umbrella 1987", "e\u0301\u0301\u0301", "ﬁﬁﬁ", "\xff\xfe", strings.Repeat("a", 300)} {
		f.Add(s)
	}
	p := app.Policy{MinLength: 15, Blocklist: blocklist}
	f.Fuzz(func(t *testing.T, s string) {
		a := p.Assess(s, app.PolicyContext{Login: "x.y@z.example", Name: "X Y", Company: "Z"})
		if utf8.ValidString(s) && a.Length != utf8.RuneCountInString(app.NormalizePassword(s)) {
			t.Fatalf("length %d for %q", a.Length, s)
		}
		if a.Length < 15 && a.OK() {
			t.Fatalf("short password %q accepted", s)
		}
		if tmp := p.AssessTemporary(s); tmp.Length < 15 && tmp.OK() {
			t.Fatalf("short temporary password %q accepted", s)
		}
	})
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Hélène":           "helene",
		"  Jean   DUPRÉ ":  "jean dupre",
		"Œuvre Straße":     "oeuvre strasse",
		"Ｆｕｌｌｗｉｄｔｈ":        "fullwidth",
		"José.Garcia@X.ES": "jose garcia x es",
	} {
		if got := app.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
