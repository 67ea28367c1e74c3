package app

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// The strength estimate follows zxcvbn (D. L. Wheeler, "zxcvbn: Low-Budget
// Password Strength Estimation", USENIX Security 2016): every part of a
// password that an attacker's word lists and rules produce is found —
// words, names, places and postal codes (also reversed or with l33t
// substitutions), common and breached passwords, keyboard walks, repeats,
// sequences, years and dates — and the cheapest way to put the password
// together from such parts is its number of guesses. The matchers follow
// the reference implementation, fed with Sésame's lists (French and English
// words, first and last names, places, postal codes, common passwords;
// AZERTY, QWERTZ, QWERTY and Dvorak keyboards and keypads).
//
// How parts combine is cover.go's: the product of their guesses, as a
// cracking tool that joins dictionary words (PRINCE) and applies rules
// (hashcat's best64: case, appended digits and marks, l33t) enumerates
// them, rather than zxcvbn's factorial of the number of parts, which made
// a few words joined by separators and decorated with a year "strong".

// guessDelta is zxcvbn's margin when turning guesses into a score.
const guessDelta = 5

// maxL33tSubs caps the l33t substitution tables tried on one password.
const maxL33tSubs = 64

// The floors of zxcvbn for a part shorter than the password: one
// character, several characters.
const (
	minGuessesOneChar   = 10
	minGuessesManyChars = 50
)

// minYearSpace is zxcvbn's: a year or date is counted as at least this many
// years away from now.
const minYearSpace = 20

// breachedGuesses counts a part found in the breached set (about 600,000
// passwords, in no order of frequency) as the size of the set.
const breachedGuesses = 6e5

// minBreachedPart is the fewest characters of a part looked up in the
// breached set (the set holds passwords of 8 characters or more).
const minBreachedPart = 8

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

// partKind is what explains a part of a password.
type partKind uint8

const (
	kindBruteforce partKind = iota // nothing: each character one of ten
	kindSeparator                  // a space or mark between parts
	kindCommon                     // a common password
	kindBreached                   // a password of the breached set
	kindWord
	kindFirstName
	kindLastName
	kindPlace
	kindPostalCode
	kindFamous // a famous person's name
	kindPhrase // a well-known phrase
	kindOwn    // the person's login, name or company
	kindYear
	kindDate
	kindKeyboard
	kindRepeat
	kindSequence
)

// listKinds are the kinds that a word list declares in its header
// ("# kind: place").
var listKinds = map[string]partKind{
	"word": kindWord, "first-name": kindFirstName, "last-name": kindLastName,
	"place": kindPlace, "postal-code": kindPostalCode, "common-password": kindCommon,
	"famous-person": kindFamous, "phrase": kindPhrase,
}

// part is a piece of a password that one pattern explains.
type part struct {
	kind    partKind
	i, j    int     // the characters it covers, i to j included
	guesses float64 // as typed
	// plain are the guesses with the part's capitals left out, when they
	// follow a rule that the whole password may follow (all small, a
	// capital first, all capitals): cover.go counts that rule once.
	plain float64
	found string // what was found, as a reason may quote it (a list's word, the digits)
}

// entry is a word of the lists: its best rank (1 = most common) and the
// kind of the list that gives it.
type entry struct {
	rank int32
	kind partKind
}

// guesser holds what the estimate looks for. Built once; read-only after.
type guesser struct {
	words    wordTable[entry] // folded word → its best rank in any list
	maxLen   int              // of the longest word, in characters
	prefixes prefixFilter     // the first 4 bytes of the words
	boards   []*keyboard
	twins    []map[rune]rune // twinTables: other keyboards to QWERTY
	// common are the common passwords (their rank), as the words hold
	// them, and commonMaxLen the characters of the longest: the twins are
	// looked up among them only.
	common       wordTable[int32]
	commonMaxLen int
	breached     BreachedSet // nil: none
}

// keyboard is an adjacency graph: for each key, its neighbours in each
// direction as "unshifted shifted" characters ("" where there is none).
type keyboard struct {
	name    string
	adj     map[rune][][]rune
	shifted map[rune]bool     // characters typed with Shift
	keys    float64           // starting positions
	degree  float64           // average number of neighbours
	places  map[[2]int][]rune // keyPlaces: nil for a keypad
}

// l33tTable is zxcvbn's: the letters that each substitute stands for.
var l33tTable = map[rune][]rune{
	'4': {'a'}, '@': {'a'}, '8': {'b'}, '(': {'c'}, '{': {'c'}, '[': {'c'}, '<': {'c'},
	'3': {'e'}, '6': {'g'}, '9': {'g'}, '1': {'i', 'l'}, '!': {'i'}, '|': {'i', 'l'},
	'7': {'l', 't'}, '0': {'o'}, '$': {'s'}, '5': {'s'}, '+': {'t'}, '%': {'x'}, '2': {'z'},
}

// password is one password being estimated: its characters, the folded
// form in which words are looked up (lower case, no accents: one
// character for one) and an ASCII projection for the patterns of digits
// (one byte for one character, so that its indices are characters).
type password struct {
	runes  []rune
	folded []rune
	proj   string
	inputs map[string]int // the person's own words, ranked as zxcvbn's user inputs
	// inputPrefixes are the first 4 bytes of the inputs that have as many.
	inputPrefixes map[[4]byte]bool
}

func newPassword(pw string, inputs []string) *password {
	p := &password{runes: []rune(pw)}
	p.folded = make([]rune, len(p.runes))
	proj := make([]byte, len(p.runes))
	for i, r := range p.runes {
		p.folded[i] = foldRune(r)
		proj[i] = '*'
		if r < utf8.RuneSelf {
			proj[i] = byte(r)
		}
	}
	p.proj = string(proj)
	p.inputs = make(map[string]int, len(inputs))
	p.inputPrefixes = make(map[[4]byte]bool, len(inputs))
	for i, in := range inputs {
		if len(in) >= 4 {
			p.inputPrefixes[[4]byte([]byte(in[:4]))] = true
		}
		if _, ok := p.inputs[in]; !ok {
			p.inputs[in] = i + 1
		}
	}
	return p
}

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
	if r < utf8.RuneSelf {
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
	return g.estimate(pw, inputs).guesses
}

// estimate is the cheapest cover of pw by the parts that the matchers find.
func (g *guesser) estimate(pw string, inputs []string) cover {
	if pw == "" {
		return cover{guesses: 1}
	}
	p := newPassword(pw, inputs)
	return cheapest(p, g.parts(p))
}

// parts are every part of p that a pattern explains, with its guesses.
func (g *guesser) parts(p *password) []part {
	var ps []part
	ps = append(ps, g.dictionary(p, p.folded, false)...)
	ps = append(ps, g.joined(p)...)
	ps = append(ps, g.reversed(p)...)
	ps = append(ps, g.l33t(p)...)
	ps = append(ps, g.breachedParts(p)...)
	for _, k := range g.boards {
		ps = append(ps, k.walks(p)...)
	}
	ps = append(ps, g.twinParts(p)...)
	ps = append(ps, g.interleaved(p)...)
	ps = append(ps, g.repeats(p)...)
	ps = append(ps, copies(p)...)
	ps = append(ps, sequences(p)...)
	ps = append(ps, years(p)...)
	ps = append(ps, dates(p)...)
	for k := range ps {
		m := &ps[k]
		if m.plain == 0 {
			m.plain = m.guesses
		}
		floor := minGuesses(m.j-m.i+1, len(p.runes))
		switch {
		case m.kind >= kindCommon && m.kind <= kindOwn:
			// A word of the lists is one, not chance, between separators
			// or not: PRINCE chains words as they are, the most common
			// first ("jesuislaplusbelle", "on va tout déchirer").
			floor = minGuessesOneChar
		case m.kind == kindYear:
			floor = min(floor, minYearSpace) // zxcvbn's own floor for a year
		case m.kind == kindRepeat && utf8.RuneCountInString(m.found) == 1:
			floor = minGuessesOneChar // "!!!": a mark, and how many
		}
		m.guesses, m.plain = max(m.guesses, floor), max(m.plain, floor)
	}
	return ps
}

// minGuesses is zxcvbn's floor for a part of n characters in a password
// of length characters.
func minGuesses(n, length int) float64 {
	switch {
	case n == length:
		return 1
	case n == 1:
		return minGuessesOneChar
	}
	return minGuessesManyChars
}

// joined finds the words and phrases of the lists typed with separators
// inside ("mot-de-passe", "correct horse battery staple",
// "Saint-Germain-en-Laye"): the dictionary of the text without its
// separators, each part that spans one mapped back onto the password.
func (g *guesser) joined(p *password) []part {
	var at []int // where each character of the joined text is in p
	var text []rune
	for i, r := range p.runes {
		if !isSeparator(r) {
			at = append(at, i)
			text = append(text, p.folded[i])
		}
	}
	if len(at) == len(p.runes) || len(at) == 0 {
		return nil
	}
	q := &password{runes: make([]rune, len(at)), folded: text, inputs: p.inputs}
	for k, i := range at {
		q.runes[k] = p.runes[i]
	}
	var ps []part
	for _, m := range g.dictionary(q, text, false) {
		// A word that spans a separator must start and end where the
		// password's runs do: "caché-zone" does not hold "cachez".
		if i, j := at[m.i], at[m.j]; j-i != m.j-m.i && boundaryBefore(p.runes, i) && boundaryBefore(p.runes, j+1) {
			m.i, m.j = i, j
			ps = append(ps, m)
		}
	}
	return ps
}

// lookup is a word's entry in the lists or the person's words, if any.
func (g *guesser) lookup(p *password, word []byte) (entry, bool) {
	e, ok := g.words.getBytes(word)
	if u, own := p.inputs[string(word)]; own && (!ok || int32(u) < e.rank) {
		return entry{rank: int32(u), kind: kindOwn}, true
	}
	return e, ok
}

// mayStart reports whether a word of the lists, or one of the person's own,
// may start with the 4 bytes b: false is sure.
func (g *guesser) mayStart(p *password, b []byte) bool {
	return g.prefixes.has(b) || p.inputPrefixes[[4]byte(b)]
}

// dictionary finds the words of the lists in text (p's folded characters,
// or a transformation of them of the same length). With l33t, only the
// parts that hold a substitution are looked up: the others are found as
// they are.
func (g *guesser) dictionary(p *password, text []rune, l33t bool) []part {
	var ps []part
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
			if at[j+1]-at[i] >= 4 && !g.mayStart(p, buf[at[i]:at[i]+4]) {
				break // no word starts so: no longer part from i is one
			}
			if l33t && (j == i || subbed[j+1] == subbed[i] || subbed[j+1]-subbed[i] == j-i+1) {
				continue // one character (noise), no substitution, or no letter ("14" is not "la")
			}
			e, ok := g.lookup(p, buf[at[i]:at[j+1]])
			if !ok {
				continue
			}
			m := part{kind: e.kind, i: i, j: j, found: string(buf[at[i]:at[j+1]])}
			up, plain := upperVariations(p.runes[i : j+1])
			m.guesses = float64(e.rank) * up
			m.plain = float64(e.rank) * plain
			if l33t {
				v, _ := l33tVariations(p.folded[i:j+1], text[i:j+1])
				m.guesses *= v
				m.plain *= v
			}
			ps = append(ps, m)
		}
	}
	return ps
}

// reversed finds the words typed backwards ("ruojnob"), twice as costly.
func (g *guesser) reversed(p *password) []part {
	n := len(p.folded)
	rev := slices.Clone(p.folded)
	slices.Reverse(rev)
	ps := g.dictionary(p, rev, false)
	for k := range ps {
		m := &ps[k]
		m.i, m.j = n-1-m.j, n-1-m.i
		up, plain := upperVariations(p.runes[m.i : m.j+1])
		e, _ := g.words.get(m.found)
		rank := float64(e.rank)
		if m.kind == kindOwn {
			rank = float64(p.inputs[m.found])
		}
		m.guesses, m.plain = rank*up*2, rank*plain*2
	}
	return ps
}

// l33t finds the words written with substitutes ("p@ssw0rd"): each table
// of substitutes that the password's characters allow is tried.
func (g *guesser) l33t(p *password) []part {
	var ps []part
	for _, text := range l33tTexts(p.folded) {
		ps = append(ps, g.dictionary(p, text, true)...)
	}
	return ps
}

// l33tTexts are the texts that folded stands for under each table of
// substitutes that its characters allow (none when it holds none).
func l33tTexts(folded []rune) [][]rune {
	var subs []rune // the substitutes present, in a fixed order
	for _, r := range folded {
		if _, ok := l33tTable[r]; ok && !slices.Contains(subs, r) {
			subs = append(subs, r)
		}
	}
	if len(subs) == 0 {
		return nil
	}
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
	texts := make([][]rune, len(tables))
	for k, t := range tables {
		text := slices.Clone(folded)
		for i, r := range text {
			if l, ok := t[r]; ok {
				text[i] = l
			}
		}
		texts[k] = text
	}
	return texts
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
// typed (1 all small, 2 for a first or last capital or all capitals, more
// for capitals inside), and that count when the password's rule of case
// is counted once instead (1 for those that follow such a rule).
func upperVariations(w []rune) (typed, plain float64) {
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
		return 1, 1
	case low == 0, up == 1 && unicode.IsUpper(w[0]):
		return 2, 1
	case up == 1 && unicode.IsUpper(w[len(w)-1]):
		return 2, 2
	}
	var v float64
	for i := 1; i <= min(up, low); i++ {
		v += binomial(up+low, i)
	}
	return v, v
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

// breachedParts finds the passwords of the breached set inside a longer
// password: "bestfriendsforever" in "   BestFriendsForever2024!", "this is
// my password" with its spaces, dots or dashes. A part starts at the
// password's first letter or digit, after a separator, or at a letter
// with only digits and marks before it; it ends likewise. So few parts
// are looked up (the filter says yes wrongly once in 65,536 questions)
// and its separators are left out of what is looked up.
func (g *guesser) breachedParts(p *password) []part {
	if g.breached == nil {
		return nil
	}
	rs := p.runes
	n := len(rs)
	first := slices.IndexFunc(rs, isLetterOrDigit)
	if first < 0 {
		return nil
	}
	last := n - 1
	for !isLetterOrDigit(rs[last]) {
		last--
	}
	lettersBefore := make([]int, n+1) // letters before each character
	for i, r := range rs {
		lettersBefore[i+1] = lettersBefore[i]
		if unicode.IsLetter(r) {
			lettersBefore[i+1]++
		}
	}
	starts := func(i int) bool {
		return i == first || i > first && !isSeparator(rs[i]) && (isSeparator(rs[i-1]) ||
			unicode.IsLetter(rs[i]) && lettersBefore[i] == 0)
	}
	ends := func(j int) bool {
		return j == last || j < last && !isSeparator(rs[j]) && (isSeparator(rs[j+1]) ||
			unicode.IsLetter(rs[j]) && lettersBefore[n] == lettersBefore[j+1])
	}
	var ps []part
	var key []rune
	for i := range n {
		if !starts(i) {
			continue
		}
		key = key[:0]
		for j := i; j < n && len(key) < maxBreachedPart; j++ {
			if isSeparator(rs[j]) {
				continue
			}
			key = append(key, unicode.ToLower(rs[j]))
			if len(key) < minBreachedPart || !ends(j) || i == first && j == last {
				continue // the whole password is the blocklist's to judge
			}
			if g.breached.Contains(string(key)) {
				ps = append(ps, part{kind: kindBreached, i: i, j: j, guesses: breachedGuesses, found: string(key)})
			}
		}
	}
	return ps
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// maxBreachedPart is the most characters of a part looked up in the
// breached set: longer breached passwords are rare and found whole.
const maxBreachedPart = 40

// boundaryBefore reports whether a run of letters, digits or other
// characters starts at i (a separator counts as other characters).
func boundaryBefore(rs []rune, i int) bool {
	if i == 0 || i == len(rs) {
		return true
	}
	return charClass(rs[i-1]) != charClass(rs[i])
}

func charClass(r rune) int {
	switch {
	case unicode.IsLetter(r) || unicode.IsMark(r):
		return 0
	case unicode.IsDigit(r):
		return 1
	}
	return 2
}

// separators are the characters that people put between the parts of a
// password, as the cracking rules do ("Jean-Dupont-1970",
// "This.Is.My.Password", "je t'aime"). Marks that the generator draws
// (+ * = # …) are not among them: in a random password they are chance.
const separators = " -._/,'’"

func isSeparator(r rune) bool { return strings.ContainsRune(separators, r) }

// walks finds runs of neighbouring keys ("azertyuiop", "&é\"'(-",
// "wxcvbn"), counting the turns and the shifted keys as zxcvbn does, and
// chains of such runs of one shape, each starting next to where the
// previous one started: the columns typed one after the other of
// "wqaxszcde" (AZERTY) or "1qaz2wsx3edc" (QWERTY).
func (k *keyboard) walks(p *password) []part {
	var ps []part
	pw := p.runes
	var runs []walkRun
	dirs := make([]int, 0, len(pw)) // the runs' directions, one after the other
	for i := 0; i < len(pw)-1; {
		r := walkRun{i: i, j: i + 1, last: -1}
		from := len(dirs)
		if k.shifted[pw[i]] {
			r.shifted = 1
		}
		for r.j < len(pw) {
			dir, isShifted := k.neighbour(pw[r.j-1], pw[r.j])
			if dir < 0 {
				break
			}
			if isShifted {
				r.shifted++
			}
			if dir != r.last {
				r.turns++
				r.last = dir
			}
			dirs = append(dirs, dir)
			r.j++
		}
		r.dirs = dirs[from:len(dirs):len(dirs)]
		r.j-- // the run's last character
		if r.j-r.i >= 2 {
			ps = append(ps, part{kind: kindKeyboard, i: r.i, j: r.j, guesses: k.walkGuesses(r.j-r.i+1, r.turns, r.shifted), found: string(p.folded[r.i : r.j+1])})
		}
		runs = append(runs, r)
		i = r.j + 1
	}
	return append(ps, k.chains(p, runs)...)
}

// walkRun is a run of neighbouring keys, i to j included: the direction
// of each step, the turns and the shifted keys.
type walkRun struct {
	i, j           int
	dirs           []int
	turns, shifted int
	last           int
}

// chains finds runs of one shape (same length, same directions, two keys
// or more) that follow one another, each one's first key next to the
// previous one's first key in one direction, with the same separator
// between them or none: a cracking tool's keyboard walk generator
// (kwprocessor) makes them from a base walk, a direction to move it in and
// how many times ("wqaxszcde", "1qaz2wsx3edc", "Wqa-Xsz-Cde").
func (k *keyboard) chains(p *password, runs []walkRun) []part {
	var ps []part
	pw := p.runes
	for a := 0; a < len(runs); a++ {
		first := runs[a]
		if first.j == first.i {
			continue
		}
		move, shifted, links, end := -1, first.shifted, 1, first
		var sep rune
		for b := a + 1; b < len(runs); b++ {
			r := runs[b]
			if r.i == r.j && isSeparator(pw[r.i]) && b+1 < len(runs) && (sep == 0 || sep == pw[r.i]) && (links == 1 || sep != 0) {
				sep, r = pw[r.i], runs[b+1]
				b++
			} else if sep != 0 {
				break // separators between all links or none
			}
			if !slices.Equal(r.dirs, first.dirs) {
				break
			}
			dir, _ := k.neighbour(pw[end.i], pw[r.i])
			if dir < 0 || move >= 0 && dir != move {
				break
			}
			move, shifted, links, end = dir, shifted+r.shifted, links+1, r
		}
		if links < 2 {
			continue
		}
		n := end.j - first.i + 1
		g := k.walkGuesses(first.j-first.i+1, first.turns, 0) * k.degree * float64(links) * k.shiftVariations(n, shifted)
		ps = append(ps, part{kind: kindKeyboard, i: first.i, j: end.j, guesses: g, found: string(p.folded[first.i : end.j+1])})
	}
	return ps
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
	return g * k.shiftVariations(n, shifted)
}

// shiftVariations is zxcvbn's count of the ways to press Shift on some of
// n keys, shifted of them pressed so.
func (k *keyboard) shiftVariations(n, shifted int) float64 {
	if shifted == 0 {
		return 1
	}
	unshifted := n - shifted
	if unshifted <= 0 {
		return 2
	}
	var v float64
	for i := 1; i <= min(shifted, unshifted); i++ {
		v += binomial(shifted+unshifted, i)
	}
	return v
}

// minTwin is the fewest characters of a part looked up as its QWERTY twin.
const minTwin = 4

// twinParts finds the common passwords typed with the same keys on another
// keyboard: "a1z2e3r4t5y6" on AZERTY is QWERTY's "q1w2e3r4t5y6", "&é\"'(-"
// its "123456". Twice the guesses of the password: which keyboard.
func (g *guesser) twinParts(p *password) []part {
	var ps []part
	text := make([]rune, len(p.runes))
	changed := make([]int, len(p.runes)+1) // characters changed before each
	var buf []byte
	for _, t := range g.twins {
		for i, r := range p.runes {
			if tr, ok := t[r]; ok {
				r = tr
			}
			text[i] = foldRune(r)
			changed[i+1] = changed[i]
			if text[i] != p.folded[i] {
				changed[i+1]++
			}
		}
		if changed[len(text)] == 0 {
			continue
		}
		for i := range text {
			for j := i + minTwin - 1; j < len(text) && j-i < g.commonMaxLen; j++ {
				if changed[j+1] == changed[i] {
					continue
				}
				buf = buf[:0]
				for _, r := range text[i : j+1] {
					buf = utf8.AppendRune(buf, r)
				}
				rank, ok := g.common.getBytes(buf)
				if !ok {
					continue
				}
				if _, known := g.words.get(string(p.folded[i : j+1])); known {
					continue // a password of its own there ("azerty"), found as such
				}
				up, plain := upperVariations(p.runes[i : j+1])
				// Twice the guesses: which keyboard. Quoted as typed, not as its twin.
				ps = append(ps, part{kind: kindKeyboard, i: i, j: j, guesses: float64(rank) * up * 2, plain: float64(rank) * plain * 2, found: string(p.folded[i : j+1])})
			}
		}
	}
	return ps
}

// minInterleaved is the fewest characters of an interleaved part: three of
// each stream.
const minInterleaved = 6

// interleaved finds two easy runs typed in turns, one character of each
// ("a1z2e3r4t5y6": a keyboard row and the digits; "1a2b3c4d"): each
// character is a neighbour on a keyboard, the next in the alphabet or the
// same as the one two places before. The guesses of the two runs, each
// estimated on its own, times two (which comes first).
func (g *guesser) interleaved(p *password) []part {
	var ps []part
	rs := p.runes
	prevEnd := -1
	for i := 0; i+minInterleaved <= len(rs); i++ {
		k := i + 2
		for k < len(rs) && g.step(rs[k-2], rs[k], p.folded[k-2], p.folded[k]) {
			k++
		}
		if k-i < minInterleaved || k-1 == prevEnd {
			continue
		}
		prevEnd = k - 1
		var a, b []rune
		for x := i; x < k; x++ {
			if (x-i)%2 == 0 {
				a = append(a, rs[x])
			} else {
				b = append(b, rs[x])
			}
		}
		guesses := g.guesses(string(a), nil) * g.guesses(string(b), nil) * 2
		ps = append(ps, part{kind: kindKeyboard, i: i, j: k - 1, guesses: guesses, found: string(p.folded[i:k])})
	}
	return ps
}

// step reports whether b may follow a in an easy run: the same character,
// the next or previous one, or a neighbouring key on some keyboard.
func (g *guesser) step(a, b, foldedA, foldedB rune) bool {
	if foldedA == foldedB || foldedA-foldedB == 1 || foldedB-foldedA == 1 {
		return true
	}
	for _, k := range g.boards {
		if dir, _ := k.neighbour(a, b); dir >= 0 {
			return true
		}
	}
	return false
}

// repeats finds a part repeated end to end ("aaaaaa", "abcabcabc",
// "soleilsoleil"): the guesses of the part, times the repeats.
func (g *guesser) repeats(p *password) []part {
	var ps []part
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
		base := string(pw[i : i+bestLen])
		ps = append(ps, part{kind: kindRepeat, i: i, j: i + bestCover - 1, guesses: g.guesses(base, nil) * float64(bestCover/bestLen), found: string(p.folded[i : i+bestLen])})
		i += bestCover
	}
	return ps
}

// minCopy and maxCopy bound the characters of a copy that copies finds.
const (
	minCopy = 3
	maxCopy = 40
)

// copies finds a part that repeats an earlier one, not end to end
// ("Lyon69000Lyon69", "Paris-75000-Paris", "01/01/1990-01/01/1990"),
// whatever its case: as many guesses as places where the copy may start.
// Both start where a run of letters, digits or marks does: the end of a
// word is not a copy of another's ("empêcher-cher").
func copies(p *password) []part {
	var ps []part
	f := p.folded
	for i := minCopy; i+minCopy <= len(f); i++ {
		if !boundaryBefore(p.runes, i) {
			continue
		}
		longest := 0
		for s := range i {
			if !boundaryBefore(p.runes, s) {
				continue
			}
			n := 0
			for i+n < len(f) && n < maxCopy && f[s+n] == f[i+n] {
				n++
			}
			longest = max(longest, n)
		}
		for n := minCopy; n <= longest; n++ {
			ps = append(ps, part{kind: kindRepeat, i: i, j: i + n - 1, guesses: float64(i), found: string(f[i : i+n])})
		}
	}
	return ps
}

// sequences finds runs of characters at a steady step ("abcdef", "13579",
// "zyxw"), as zxcvbn does.
func sequences(p *password) []part {
	const maxDelta = 5
	pw := p.runes
	if len(pw) < 2 {
		return nil
	}
	var ps []part
	add := func(i, j int, delta rune) {
		if (j-i > 1 || delta == 1 || delta == -1) && delta != 0 && delta >= -maxDelta && delta <= maxDelta {
			var base float64
			switch first := pw[i]; {
			case slices.Contains([]rune("aAzZ019"), first):
				base = 4
			case unicode.IsDigit(first):
				base = 10
			default:
				base = 26
			}
			if delta < 0 {
				base *= 2
			}
			ps = append(ps, part{kind: kindSequence, i: i, j: j, guesses: base * float64(j-i+1), found: string(p.folded[i : j+1])})
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
	return ps
}

// referenceYear is the year from which years and dates are counted.
func referenceYear() int { return time.Now().Year() }

// yearPattern is a year from 1000 to 2099: recent ones, and those of
// history that French passwords hold ("14juillet1789").
var yearPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`1\d\d\d|20\d\d`) })

// years finds years: as many guesses as years from now, at least 20.
func years(p *password) []part {
	var ps []part
	for _, at := range yearPattern().FindAllStringIndex(p.proj, -1) {
		y, _ := strconv.Atoi(p.proj[at[0]:at[1]])
		ps = append(ps, part{kind: kindYear, i: at[0], j: at[1] - 1, guesses: float64(max(abs(y-referenceYear()), minYearSpace)), found: p.proj[at[0]:at[1]]})
	}
	return ps
}

var (
	dateNoSeparator   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{4,8}$`) })
	dateWithSeparator = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\d{1,4})([\s/\\_.-])(\d{1,2})([\s/\\_.-])(\d{1,4})$`)
	})
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
func dates(p *password) []part {
	var ps []part
	s := p.proj
	ref := referenceYear()
	for i := 0; i+4 <= len(s); i++ {
		for j := i + 4; j <= i+10 && j <= len(s); j++ {
			tok := s[i:j]
			var y, sep int
			var ok bool
			switch {
			case j-i <= 8 && dateNoSeparator().MatchString(tok):
				best := -1
				for _, sp := range dateSplits[len(tok)] {
					if yy, okk := dayMonthYear(tok[:sp[0]], tok[sp[0]:sp[1]], tok[sp[1]:]); okk {
						if best < 0 || abs(yy-ref) < best {
							best, y, ok = abs(yy-ref), yy, true
						}
					}
				}
			case j-i >= 6:
				if g := dateWithSeparator().FindStringSubmatch(tok); g != nil && g[2] == g[4] {
					y, ok = dayMonthYear(g[1], g[3], g[5])
					sep = 1
				}
			}
			if !ok {
				continue
			}
			m := part{kind: kindDate, i: i, j: j - 1, guesses: float64(max(abs(y-ref), minYearSpace) * 365), found: tok}
			if sep > 0 {
				m.guesses *= 4
			}
			ps = append(ps, m)
		}
	}
	// A date inside another is noise ("2015" within "2015_06_04").
	return slices.DeleteFunc(ps, func(m part) bool {
		for _, o := range ps {
			if (o.i != m.i || o.j != m.j) && o.i <= m.i && o.j >= m.j {
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
