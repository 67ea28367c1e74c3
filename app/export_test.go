package app

import (
	"fmt"

	"github.com/trustelem/zxcvbn/scoring"
)

// Guesses is the estimate's number of guesses for a password, for tests.
func (p Policy) Guesses(password string) float64 {
	return p.Blocklist.guess().guesses(password, nil)
}

// Sequence is the estimate's cheapest cover of a password, for tests.
func (p Policy) Sequence(password string) []string {
	g := p.Blocklist.guess()
	pw := newPassword(password, nil)
	var out []string
	for _, m := range scoring.MostGuessableMatchSequence(pw.proj, g.matches(pw), true).Sequence {
		out = append(out, fmt.Sprintf("%s[%d:%d]%s/%s %.0f", m.Pattern, m.I, m.J, string(pw.runes[m.I:m.J+1]), m.Graph+m.MatchedWord, m.Guesses))
	}
	return out
}
