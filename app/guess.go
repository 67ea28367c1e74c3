package app

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/scoring"
)

// The strength estimate is zxcvbn's (D. L. Wheeler, "zxcvbn: Low-Budget
// Password Strength Estimation", USENIX Security 2016): every part of a
// password that an attacker's word lists and rules produce is found — words
// and names (also reversed or with l33t substitutions), keyboard walks,
// repeats, sequences, years and dates — and the cheapest sequence of parts
// that covers it is its number of guesses. The matchers below follow the
// reference implementation, fed with Sésame's lists (French and English
// words, first and last names, places, common passwords; AZERTY, QWERTZ,
// QWERTY and Dvorak keyboards and keypads); the search for the cheapest
// sequence is github.com/trustelem/zxcvbn/scoring's.
//
// Unlike zxcvbn's score, the estimate leaves out the penalty that zxcvbn
// adds for each extra part (10,000 to the power of parts less one): it
// models an attacker who tries shorter patterns first, whereas the usual
// cracking rules (a word, then digits, a year or a mark) try "Soleil2024!"
// among the first. Kept, it made any word + year + mark "strong".

// guessDelta is zxcvbn's margin when turning guesses into a score.
const guessDelta = 5

// maxL33tSubs caps the l33t substitution tables tried on one password.
const maxL33tSubs = 64

// scoreOf turns a number of guesses into zxcvbn's score, 0 to 4.
func scoreOf(guesses float64) int {
	switch {
	case guesses < 1e3+guessDelta:
		return 0
	case guesses < 1e6+guessDelta:
		return 1
	case guesses < 1e8+guessDelta:
		return 2
	case guesses < 1e10+guessDelta:
		return 3
	}
	return 4
}

// guesser holds what the estimate looks for. Built once; read-only after.
type guesser struct {
	ranks  map[string]int // folded word → its best rank (1 = most common) in any list
	maxLen int            // of the longest word, in characters
	boards []*keyboard
}

// keyboard is an adjacency graph: for each key, its neighbours in each
// direction as "unshifted shifted" characters ("" where there is none).
type keyboard struct {
	name    string
	adj     map[rune][][]rune
	shifted map[rune]bool // characters typed with Shift
	keys    float64       // starting positions
	degree  float64       // average number of neighbours
}

// l33tTable is zxcvbn's: the letters that each substitute stands for.
var l33tTable = map[rune][]rune{
	'4': {'a'}, '@': {'a'}, '8': {'b'}, '(': {'c'}, '{': {'c'}, '[': {'c'}, '<': {'c'},
	'3': {'e'}, '6': {'g'}, '9': {'g'}, '1': {'i', 'l'}, '!': {'i'}, '|': {'i', 'l'},
	'7': {'l', 't'}, '0': {'o'}, '$': {'s'}, '5': {'s'}, '+': {'t'}, '%': {'x'}, '2': {'z'},
}

// password is one password being estimated: its characters, the folded
// form in which words are looked up (lower case, no accents: one
// character for one) and the projection given to the scorer (one byte
// for one character, so that its indices are characters).
type password struct {
	runes  []rune
	folded []rune
	proj   string
	inputs map[string]int // the person's own words, ranked as zxcvbn's user inputs
}

func newPassword(pw string, inputs []string) *password {
	p := &password{runes: []rune(pw)}
	p.folded = make([]rune, len(p.runes))
	proj := make([]byte, len(p.runes))
	for i, r := range p.runes {
		p.folded[i] = foldRune(r)
		proj[i] = '*'
		if r < utf8RuneSelf {
			proj[i] = byte(r)
		}
	}
	p.proj = string(proj)
	p.inputs = make(map[string]int, len(inputs))
	for i, in := range inputs {
		if _, ok := p.inputs[in]; !ok {
			p.inputs[in] = i + 1
		}
	}
	return p
}

const utf8RuneSelf = 0x80

// foldRune is one character in lower case without its accent, or itself
// when it does not decompose into a letter and marks.
func foldRune(r rune) rune {
	if r >= 0 && int(r) < len(latinFolds()) {
		return latinFolds()[r]
	}
	return foldOne(r)
}

func foldOne(r rune) rune {
	r = unicode.ToLower(r)
	if r < utf8RuneSelf {
		return r
	}
	if f := []rune(FoldForSearch(string(r))); len(f) == 1 {
		return f[0]
	}
	return r
}

// latinFolds are the folds of the Latin letters (up to Latin Extended-B),
// which French and the word lists use, computed once: the lists hold
// hundreds of thousands of words.
var latinFolds = sync.OnceValue(func() []rune {
	t := make([]rune, 0x250)
	for r := range t {
		t[r] = foldOne(rune(r))
	}
	return t
})

// guesses estimates the number of guesses that find pw, given the person's
// own words (login, name, company).
func (g *guesser) guesses(pw string, inputs []string) float64 {
	if pw == "" {
		return 1
	}
	p := newPassword(pw, inputs)
	return scoring.MostGuessableMatchSequence(p.proj, g.matches(p), true).Guesses
}

// matches are every part of p that a pattern explains, with its guesses.
func (g *guesser) matches(p *password) []*match.Match {
	var ms []*match.Match
	ms = append(ms, g.dictionary(p, p.folded, false)...)
	ms = append(ms, g.reversed(p)...)
	ms = append(ms, g.l33t(p)...)
	for _, k := range g.boards {
		ms = append(ms, k.walks(p)...)
	}
	ms = append(ms, g.repeats(p)...)
	ms = append(ms, sequences(p)...)
	ms = append(ms, years(p)...)
	ms = append(ms, dates(p)...)
	for _, m := range ms {
		if m.Guesses < minGuesses(m, p) {
			m.Guesses = minGuesses(m, p)
		}
	}
	return ms
}

// minGuesses is zxcvbn's floor for a part shorter than the password.
func minGuesses(m *match.Match, p *password) float64 {
	switch n := m.J - m.I + 1; {
	case n == len(p.runes):
		return 1
	case n == 1:
		return scoring.MinSubmatchGuessesSingleChar
	}
	return scoring.MinSubmatchGuessesMultiChar
}

func (p *password) part(pattern string, i, j int) *match.Match {
	return &match.Match{Pattern: pattern, I: i, J: j, Token: p.proj[i : j+1]}
}

// rank is a word's best rank in the lists or the person's words, 0 if none.
func (g *guesser) rank(p *password, word []byte) int {
	r := g.ranks[string(word)] // no copy: the compiler looks up bytes as they are
	if u, ok := p.inputs[string(word)]; ok && (r == 0 || u < r) {
		r = u
	}
	return r
}

// dictionary finds the words of the lists in text (p's folded characters,
// or a transformation of them of the same length). With l33t, only the
// parts that hold a substitution are looked up: the others are found as
// they are.
func (g *guesser) dictionary(p *password, text []rune, l33t bool) []*match.Match {
	var ms []*match.Match
	// The text in UTF-8 and where each character starts, so that a part is
	// looked up without making a string of it.
	buf := make([]byte, 0, 4*len(text))
	at := make([]int, len(text)+1)
	subbed := make([]int, len(text)+1) // substitutions before each character
	for i, r := range text {
		at[i] = len(buf)
		buf = utf8.AppendRune(buf, r)
		subbed[i+1] = subbed[i]
		if r != p.folded[i] {
			subbed[i+1]++
		}
	}
	at[len(text)] = len(buf)
	for i := range text {
		for j := i; j < len(text) && j-i < g.maxLen; j++ {
			if l33t && (j == i || subbed[j+1] == subbed[i]) {
				continue // one character (noise), or no substitution in this part
			}
			r := g.rank(p, buf[at[i]:at[j+1]])
			if r == 0 {
				continue
			}
			m := p.part("dictionary", i, j)
			m.MatchedWord, m.Rank = string(buf[at[i]:at[j+1]]), r
			m.Guesses = float64(r) * upperVariations(p.runes[i:j+1])
			if l33t {
				v, _ := l33tVariations(p.folded[i:j+1], text[i:j+1])
				m.L33t = true
				m.Guesses *= v
			}
			ms = append(ms, m)
		}
	}
	return ms
}

// reversed finds the words typed backwards ("ruojnob"), twice as costly.
func (g *guesser) reversed(p *password) []*match.Match {
	n := len(p.folded)
	rev := slices.Clone(p.folded)
	slices.Reverse(rev)
	var ms []*match.Match
	for _, m := range g.dictionary(p, rev, false) {
		i, j := n-1-m.J, n-1-m.I
		r := p.part("dictionary", i, j)
		r.MatchedWord, r.Rank, r.Reversed = m.MatchedWord, m.Rank, true
		r.Guesses = float64(m.Rank) * upperVariations(p.runes[i:j+1]) * 2
		ms = append(ms, r)
	}
	return ms
}

// l33t finds the words written with substitutes ("p@ssw0rd"): each table
// of substitutes that the password's characters allow is tried.
func (g *guesser) l33t(p *password) []*match.Match {
	var subs []rune // the substitutes present, in a fixed order
	for _, r := range p.folded {
		if _, ok := l33tTable[r]; ok && !slices.Contains(subs, r) {
			subs = append(subs, r)
		}
	}
	if len(subs) == 0 {
		return nil
	}
	var ms []*match.Match
	tables := []map[rune]rune{{}}
	for _, s := range subs {
		var next []map[rune]rune
		for _, t := range tables {
			for _, letter := range l33tTable[s] {
				if len(next) == maxL33tSubs {
					break
				}
				nt := make(map[rune]rune, len(t)+1)
				for k, v := range t {
					nt[k] = v
				}
				nt[s] = letter
				next = append(next, nt)
			}
		}
		tables = next
	}
	for _, t := range tables {
		text := slices.Clone(p.folded)
		for i, r := range text {
			if l, ok := t[r]; ok {
				text[i] = l
			}
		}
		ms = append(ms, g.dictionary(p, text, true)...)
	}
	return ms
}

// l33tVariations is zxcvbn's count of the ways to write the word with
// its substitutes; subbed says whether the token uses any.
func l33tVariations(token, plain []rune) (float64, bool) {
	v, subbed := 1.0, false
	for k := range token {
		if token[k] == plain[k] {
			continue
		}
		subbed = true
		sub, letter := token[k], plain[k]
		if slices.Index(token[:k], sub) >= 0 && plain[slices.Index(token[:k], sub)] == letter {
			continue // this substitution is counted already
		}
		s, u := 0, 0
		for m := range token {
			switch {
			case token[m] == sub && plain[m] == letter:
				s++
			case token[m] == letter:
				u++
			}
		}
		if s == 0 || u == 0 {
			v *= 2
			continue
		}
		var n float64
		for i := 1; i <= min(s, u); i++ {
			n += binomial(s+u, i)
		}
		v *= n
	}
	return v, subbed
}

// upperVariations is zxcvbn's count of the ways to capitalise a word as
// typed: 1 all lower, 2 for a first or last capital or all capitals.
func upperVariations(w []rune) float64 {
	var up, low int
	for _, r := range w {
		switch {
		case unicode.IsUpper(r):
			up++
		case unicode.IsLower(r):
			low++
		}
	}
	switch {
	case up == 0:
		return 1
	case low == 0,
		up == 1 && unicode.IsUpper(w[0]),
		up == 1 && unicode.IsUpper(w[len(w)-1]):
		return 2
	}
	var v float64
	for i := 1; i <= min(up, low); i++ {
		v += binomial(up+low, i)
	}
	return v
}

func binomial(n, k int) float64 {
	if k > n {
		return 0
	}
	r := 1.0
	for d := 1; d <= k; d++ {
		r = r * float64(n-k+d) / float64(d)
	}
	return r
}

// walks finds runs of neighbouring keys ("azertyuiop", "&é\"'(-",
// "wxcvbn"), counting the turns and the shifted keys as zxcvbn does.
func (k *keyboard) walks(p *password) []*match.Match {
	var ms []*match.Match
	pw := p.runes
	for i := 0; i < len(pw)-1; {
		j, turns, shifted, last := i+1, 0, 0, -1
		if k.shifted[pw[i]] {
			shifted = 1
		}
		for j < len(pw) {
			dir, isShifted := k.neighbour(pw[j-1], pw[j])
			if dir < 0 {
				break
			}
			if isShifted {
				shifted++
			}
			if dir != last {
				turns++
				last = dir
			}
			j++
		}
		if j-i > 2 {
			m := p.part("spatial", i, j-1)
			m.Graph, m.Turns, m.ShiftedCount = k.name, turns, shifted
			m.Guesses = k.walkGuesses(j-i, turns, shifted)
			ms = append(ms, m)
		}
		i = j
	}
	return ms
}

// neighbour returns the direction in which b lies next to a, or -1, and
// whether b is typed with Shift there.
func (k *keyboard) neighbour(a, b rune) (int, bool) {
	for dir, keys := range k.adj[a] {
		if at := slices.Index(keys, b); at >= 0 {
			return dir, at > 0
		}
	}
	return -1, false
}

// walkGuesses is zxcvbn's estimate for a walk of n keys with that many
// turns and shifted keys.
func (k *keyboard) walkGuesses(n, turns, shifted int) float64 {
	var g float64
	for i := 2; i <= n; i++ {
		for j := 1; j <= min(turns, i-1); j++ {
			g += binomial(i-1, j-1) * k.keys * math.Pow(k.degree, float64(j))
		}
	}
	if shifted > 0 {
		unshifted := n - shifted
		if unshifted == 0 {
			return g * 2
		}
		var v float64
		for i := 1; i <= min(shifted, unshifted); i++ {
			v += binomial(shifted+unshifted, i)
		}
		g *= v
	}
	return g
}

// repeats finds a part repeated end to end ("aaaaaa", "abcabcabc",
// "soleilsoleil"): the guesses of the part, times the repeats.
func (g *guesser) repeats(p *password) []*match.Match {
	var ms []*match.Match
	pw := p.runes
	for i := 0; i < len(pw)-1; {
		bestLen, bestCover := 0, 0
		for b := 1; i+2*b <= len(pw); b++ {
			n := 1
			for i+(n+1)*b <= len(pw) && slices.Equal(pw[i:i+b], pw[i+n*b:i+(n+1)*b]) {
				n++
			}
			if n > 1 && n*b > bestCover {
				bestLen, bestCover = b, n*b
			}
		}
		if bestCover == 0 {
			i++
			continue
		}
		m := p.part("repeat", i, i+bestCover-1)
		base := string(pw[i : i+bestLen])
		m.BaseToken, m.RepeatCount = base, bestCover/bestLen
		m.BaseGuesses = g.guesses(base, nil)
		m.Guesses = m.BaseGuesses * float64(m.RepeatCount)
		ms = append(ms, m)
		i += bestCover
	}
	return ms
}

// sequences finds runs of characters at a steady step ("abcdef", "13579",
// "zyxw"), as zxcvbn does.
func sequences(p *password) []*match.Match {
	const maxDelta = 5
	pw := p.runes
	if len(pw) < 2 {
		return nil
	}
	var ms []*match.Match
	add := func(i, j int, delta rune) {
		if (j-i > 1 || delta == 1 || delta == -1) && delta != 0 && delta >= -maxDelta && delta <= maxDelta {
			m := p.part("sequence", i, j)
			m.Ascending = delta > 0
			var base float64
			switch first := pw[i]; {
			case slices.Contains([]rune("aAzZ019"), first):
				base = 4
			case unicode.IsDigit(first):
				base = 10
			default:
				base = 26
			}
			if !m.Ascending {
				base *= 2
			}
			m.Guesses = base * float64(j-i+1)
			ms = append(ms, m)
		}
	}
	i, last := 0, pw[1]-pw[0]
	for k := 2; k < len(pw); k++ {
		if d := pw[k] - pw[k-1]; d != last {
			add(i, k-1, last)
			i, last = k-1, d
		}
	}
	add(i, len(pw)-1, last)
	return ms
}

var yearPattern = regexp.MustCompile(`19\d\d|20\d\d`)

// years finds recent years: as many guesses as years from now, at least 20.
func years(p *password) []*match.Match {
	var ms []*match.Match
	for _, at := range yearPattern.FindAllStringIndex(p.proj, -1) {
		m := p.part("regex", at[0], at[1]-1)
		m.RegexName = "recent_year"
		y, _ := strconv.Atoi(m.Token)
		m.Guesses = float64(max(abs(y-scoring.ReferenceYear), scoring.MinYearSpace))
		ms = append(ms, m)
	}
	return ms
}

var (
	dateNoSeparator   = regexp.MustCompile(`^\d{4,8}$`)
	dateWithSeparator = regexp.MustCompile(`^(\d{1,4})([\s/\\_.-])(\d{1,2})([\s/\\_.-])(\d{1,4})$`)
)

// dateSplits are zxcvbn's ways of cutting digits into day, month, year.
var dateSplits = map[int][][2]int{
	4: {{1, 2}, {2, 3}},
	5: {{1, 3}, {2, 3}},
	6: {{1, 2}, {2, 4}, {4, 5}},
	7: {{1, 3}, {2, 3}, {4, 5}, {4, 6}},
	8: {{2, 4}, {4, 6}},
}

// dates finds dates such as 14071989, 14/07/89 or 1989-07-14, as zxcvbn
// does: the guesses are the days of the years between it and now.
func dates(p *password) []*match.Match {
	var ms []*match.Match
	s := p.proj
	for i := 0; i+4 <= len(s); i++ {
		for j := i + 4; j <= i+10 && j <= len(s); j++ {
			tok := s[i:j]
			var y, sep int
			var ok bool
			switch {
			case j-i <= 8 && dateNoSeparator.MatchString(tok):
				best := -1
				for _, sp := range dateSplits[len(tok)] {
					if yy, okk := dayMonthYear(tok[:sp[0]], tok[sp[0]:sp[1]], tok[sp[1]:]); okk {
						if best < 0 || abs(yy-scoring.ReferenceYear) < best {
							best, y, ok = abs(yy-scoring.ReferenceYear), yy, true
						}
					}
				}
			case j-i >= 6:
				if g := dateWithSeparator.FindStringSubmatch(tok); g != nil && g[2] == g[4] {
					y, ok = dayMonthYear(g[1], g[3], g[5])
					sep = 1
				}
			}
			if !ok {
				continue
			}
			m := p.part("date", i, j-1)
			m.Year = y
			m.Guesses = float64(max(abs(y-scoring.ReferenceYear), scoring.MinYearSpace) * 365)
			if sep > 0 {
				m.Guesses *= 4
			}
			ms = append(ms, m)
		}
	}
	// A date inside another is noise ("2015" within "2015_06_04").
	return slices.DeleteFunc(ms, func(m *match.Match) bool {
		for _, o := range ms {
			if o != m && o.I <= m.I && o.J >= m.J {
				return true
			}
		}
		return false
	})
}

// dayMonthYear returns the year of three numbers that make a day, a month
// and a year in some order (zxcvbn's rules), and whether they do.
func dayMonthYear(a, b, c string) (int, bool) {
	n := [3]int{}
	for k, s := range [3]string{a, b, c} {
		n[k], _ = strconv.Atoi(s)
	}
	if n[1] > 31 || n[1] <= 0 {
		return 0, false
	}
	over12, over31, under1 := 0, 0, 0
	for _, v := range n {
		if v > 99 && v < 1000 || v > 2050 {
			return 0, false
		}
		if v > 31 {
			over31++
		}
		if v > 12 {
			over12++
		}
		if v <= 0 {
			under1++
		}
	}
	if over31 >= 2 || over12 == 3 || under1 >= 2 {
		return 0, false
	}
	dayMonth := func(d, m int) bool {
		return d >= 1 && d <= 31 && m >= 1 && m <= 12 || m >= 1 && m <= 31 && d >= 1 && d <= 12
	}
	for _, s := range [][3]int{{n[2], n[0], n[1]}, {n[0], n[1], n[2]}} {
		if s[0] >= 1000 && s[0] <= 2050 {
			return s[0], dayMonth(s[1], s[2])
		}
	}
	for _, s := range [][3]int{{n[2], n[0], n[1]}, {n[0], n[1], n[2]}} {
		if dayMonth(s[1], s[2]) {
			y := s[0]
			switch {
			case y > 99:
			case y > 50:
				y += 1900
			default:
				y += 2000
			}
			return y, true
		}
	}
	return 0, false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
