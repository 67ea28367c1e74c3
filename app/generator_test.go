package app_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"sesame/app"
	"sesame/app/spreadsheet"
)

func TestGeneratePasswordShape(t *testing.T) {
	const lookAlikes = "0Oo1lIiSsZzBGg6qVv|`'\""
	for _, n := range []int{12, 16, 64} {
		for range 50 {
			p, err := app.GeneratePassword(n)
			if err != nil {
				t.Fatal(err)
			}
			if utf8.RuneCountInString(p) != n {
				t.Fatalf("length %d, want %d: %q", utf8.RuneCountInString(p), n, p)
			}
			if i := strings.IndexAny(p, lookAlikes); i >= 0 {
				t.Fatalf("%q holds the look-alike %q", p, p[i])
			}
			if spreadsheet.StartsFormula(p) {
				t.Fatalf("%q would be a formula in a spreadsheet", p)
			}
		}
	}
}

// TestGeneratePasswordUniform draws many characters and checks that every
// symbol of the alphabet comes up about as often as the others: a modulo
// bias or a missing symbol would show.
func TestGeneratePasswordUniform(t *testing.T) {
	counts := map[rune]int{}
	total := 0
	for range 2000 {
		p, err := app.GeneratePassword(32)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p {
			counts[r]++
			total++
		}
	}
	if len(counts) < 40 {
		t.Fatalf("only %d distinct symbols drawn", len(counts))
	}
	expected := float64(total) / float64(len(counts))
	chi2 := 0.0
	for _, c := range counts {
		d := float64(c) - expected
		chi2 += d * d / expected
	}
	// 42 degrees of freedom: the 99.99th percentile is about 85.
	if chi2 > 85 {
		t.Errorf("chi-square %.1f: the symbols are not drawn uniformly (%v)", chi2, counts)
	}
}

// Generated passwords pass the policy, word lists and keyboards included,
// over many draws, at every length that the settings allow. What is left to
// chance is rare: the breached set's false positive (one in 65,536), and a
// random text that happens to read as short words, names or look-alikes
// (about one in 10,000 at 12 symbols); the service then draws again
// (TestGeneratedTemporaryAlwaysPasses). The names here hold an "o", which
// the generator never draws.
func TestGeneratedPasswordsPassThePolicy(t *testing.T) {
	ctx := app.PolicyContext{Login: "louis.bois@lobo.example", Name: "Louis Bois", Company: "Lobo"}
	breached, guessable := 0, 0
	for _, n := range []int{12, 16, 24} {
		p := app.Policy{MinLength: min(n, 15), Blocklist: blocklist}
		for range 1000 {
			pw, err := app.GeneratePassword(n)
			if err != nil {
				t.Fatal(err)
			}
			a := p.Assess(pw, ctx)
			switch {
			case a.OK():
			case len(a.Reasons) == 1 && strings.Contains(a.Reasons[0].String(), "stolen"):
				breached++
			default:
				guessable++
				t.Logf("generated %q refused: %v", pw, a.Reasons)
			}
		}
	}
	if guessable > 3 {
		t.Errorf("%d of 3,000 generated passwords refused as guessable: random texts should almost never be", guessable)
	}
	if breached > 2 {
		t.Errorf("%d of 3,000 generated passwords said breached: more than the filter's false positives", breached)
	}
}
