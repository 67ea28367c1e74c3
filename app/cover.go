package app

import (
	"math"
	"slices"
	"unicode"
)

// How an attacker's tools put a password together from parts, and what it
// costs them (the model of the estimate):
//   - the parts multiply: PRINCE joins two, three or four words of a list,
//     hashcat's rules append a year to a word, so that "soleil" then "2024"
//     is the guesses of the word times those of the year;
//   - each word, keyboard walk or sequence after the first, and each run
//     of characters that nothing explains, multiplies them by partFactor,
//     for the attacker does not know how many of them there are nor of
//     which kinds; the decorations that rules add to them (a year, a date,
//     a postal code, a run of marks, a copy of an earlier part) do not;
//   - a separator between parts is one of separatorChoices, chosen once: the
//     same separator again costs nothing ("Jean-Dupont-1970");
//   - capitals that follow one rule across the password (a capital at the
//     start of each part, or all capitals) are one of caseRules, counted
//     once rather than for each word ("This.Is.My.Password");
//   - a character that nothing explains is one of bruteforceCardinality
//     (zxcvbn's), or of the alphabet's letters for a letter (a mask
//     attack's ?l or ?u: chance letters in a random password are not
//     the digits and marks that rules append); a run of them is one part.
const (
	partFactor            = 2
	separatorChoices      = 5
	caseRules             = 2
	bruteforceCardinality = 10
	letterCardinality     = 26
)

// cover is a way to put a password together: its parts in order,
// separators and characters that nothing explains included, and the
// guesses that it takes.
type cover struct {
	guesses float64
	parts   []part
}

// cheapest is the cover of p by parts that takes the fewest guesses, with
// the password's capitals counted for each part or once for all.
func cheapest(p *password, parts []part) cover {
	typed := bestCover(p, parts, false)
	plain := bestCover(p, parts, true)
	if plain.guesses*caseRules < typed.guesses {
		plain.guesses *= caseRules
		return plain
	}
	return typed
}

// A step of the search: a part (its index), a separator or a character
// that nothing explains.
const (
	stepNone = iota - 3
	stepSeparator
	stepBruteforce
)

// bestCover finds the cheapest cover by dynamic programming over the
// characters, in logarithms. A state is a position, the separator chosen
// so far (0: none yet) and whether a run of unexplained characters is
// open, so that a run is one part.
func bestCover(p *password, parts []part, plain bool) cover {
	n := len(p.runes)
	sepIndex := map[rune]int{}
	for _, r := range p.runes {
		if isSeparator(r) && sepIndex[r] == 0 {
			sepIndex[r] = len(sepIndex) + 1
		}
	}
	seps := len(sepIndex) + 1
	state := func(k, s, open int) int { return (k*seps+s)*2 + open }
	cost := make([]float64, state(n+1, 0, 0))
	type back struct{ from, step int }
	backs := make([]back, len(cost))
	for i := range cost {
		cost[i] = math.Inf(1)
		backs[i] = back{-1, stepNone}
	}
	cost[0] = 0
	byStart := make([][]int, n)
	for k, pt := range parts {
		byStart[pt.i] = append(byStart[pt.i], k)
	}
	logPart, logSep := math.Log10(partFactor), math.Log10(separatorChoices)
	logChar, logLetter := math.Log10(bruteforceCardinality), math.Log10(letterCardinality)
	relax := func(from, to int, c float64, step int) {
		if c < cost[to] {
			cost[to], backs[to] = c, back{from, step}
		}
	}
	for k := range n {
		si := sepIndex[p.runes[k]]
		for s := range seps {
			for open := range 2 {
				from := state(k, s, open)
				c := cost[from]
				if math.IsInf(c, 1) {
					continue
				}
				for _, idx := range byStart[k] {
					g := parts[idx].guesses
					if plain {
						g = parts[idx].plain
					}
					step := c + math.Log10(g)
					if !parts[idx].decoration() {
						step += logPart
					}
					relax(from, state(parts[idx].j+1, s, 0), step, idx)
				}
				if si > 0 {
					switch s {
					case 0:
						relax(from, state(k+1, si, 0), c+logSep, stepSeparator)
					case si:
						relax(from, state(k+1, s, 0), c, stepSeparator)
					default:
						relax(from, state(k+1, s, 0), c+logSep, stepSeparator)
					}
				}
				step := c + logChar
				if unicode.IsLetter(p.runes[k]) {
					step = c + logLetter
				}
				if open == 0 {
					step += logPart
				}
				relax(from, state(k+1, s, 1), step, stepBruteforce)
			}
		}
	}
	end := state(n, 0, 0)
	for s := range seps {
		for open := range 2 {
			if cost[state(n, s, open)] < cost[end] {
				end = state(n, s, open)
			}
		}
	}
	out := cover{guesses: max(1, math.Pow(10, cost[end]))}
	for at := end; backs[at].from >= 0; at = backs[at].from {
		k := at / (2 * seps) // the position after the step
		switch step := backs[at].step; step {
		case stepSeparator:
			out.parts = append(out.parts, part{kind: kindSeparator, i: k - 1, j: k - 1})
		case stepBruteforce:
			if last := len(out.parts) - 1; last >= 0 && out.parts[last].kind == kindBruteforce && out.parts[last].i == k {
				out.parts[last].i = k - 1 // the run goes on backwards
			} else {
				out.parts = append(out.parts, part{kind: kindBruteforce, i: k - 1, j: k - 1})
			}
		default:
			out.parts = append(out.parts, parts[step])
		}
	}
	for i, j := 0, len(out.parts)-1; i < j; i, j = i+1, j-1 {
		out.parts[i], out.parts[j] = out.parts[j], out.parts[i]
	}
	// The first part that paid partFactor did so for nothing.
	if slices.ContainsFunc(out.parts, func(pt part) bool { return !pt.decoration() && pt.kind != kindSeparator }) {
		out.guesses = max(1, out.guesses/partFactor)
	}
	for k := range out.parts {
		if pt := &out.parts[k]; pt.kind == kindBruteforce {
			pt.found = string(p.runes[pt.i : pt.j+1])
		}
	}
	return out
}

// decoration reports whether a part is one that rules add to words rather
// than a word of its own: a year, a date, a postal code, a copy or a run
// of repeated characters.
func (pt part) decoration() bool {
	switch pt.kind {
	case kindYear, kindDate, kindPostalCode, kindRepeat:
		return true
	}
	return false
}
