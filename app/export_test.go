package app

import "fmt"

// Guesses is the estimate's number of guesses for a password, for tests.
func (p Policy) Guesses(password string) float64 {
	return p.Blocklist.guess().guesses(password, nil)
}

// Sequence is the estimate's cheapest cover of a password, for tests.
func (p Policy) Sequence(password string) []string {
	c := p.Blocklist.guess().estimate(password, nil)
	rs := []rune(password)
	var out []string
	for _, m := range c.parts {
		out = append(out, fmt.Sprintf("%d[%d:%d]%q/%s %.0f", m.kind, m.i, m.j, string(rs[m.i:m.j+1]), m.found, m.guesses))
	}
	return out
}
