package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// BreachedSet is a set of passwords known from breaches, which NIST
// SP 800-63B-4 §3.1.1.2 requires refusing. It is asked with a password in
// the policy's form (NormalizePassword, then lower case), may say yes for
// a few passwords that are not in it (an approximate-membership filter)
// but never no for one that is, and must be safe for concurrent use.
type BreachedSet interface {
	Contains(password string) bool
}

// BlocklistSources are the lists that a Blocklist is read from, as they
// are shipped (see assets): nothing is read before the first password is
// judged.
type BlocklistSources struct {
	// Common holds common passwords, one a line, most common first: each
	// is refused as it is, and looked for inside longer passwords.
	Common []byte
	// Words holds word lists (*.txt, one word a line, most common first):
	// the words, names, places and postal codes that the strength estimate
	// looks for. The header of each, lines starting with #, names its kind
	// ("# kind: word", first-name, last-name, place, postal-code or
	// common-password) and, for a list in no order of frequency,
	// "# order: none".
	Words fs.FS
	// Keyboards holds keyboard layouts as adjacency graphs, in the JSON of
	// the npm package @zxcvbn-ts/language-common: for each key, its
	// neighbours in each direction as "unshifted shifted" characters.
	Keyboards []byte
	// Breached is the set of breached passwords; nil when there is none.
	Breached BreachedSet
}

// Blocklist is what an attacker tries first and the policy refuses: common
// and breached passwords, and the words, names, places and keyboard walks
// that the strength estimate looks for. Each part is read on first use,
// once; a Blocklist is safe for concurrent use.
type Blocklist struct {
	breached BreachedSet
	common   func() wordTable[struct{}]
	guesser  func() (*guesser, error)
}

// NewBlocklist returns the blocklist of those sources.
func NewBlocklist(src BlocklistSources) *Blocklist {
	return &Blocklist{
		breached: src.Breached,
		common: sync.OnceValue(func() wordTable[struct{}] {
			words := newWordTable[struct{}](1 << 16)
			for _, w := range listWords(src.Common) {
				words.set(strings.ToLower(NormalizePassword(w)), struct{}{})
			}
			return words
		}),
		guesser: sync.OnceValues(func() (*guesser, error) { return newGuesser(src) }),
	}
}

// Prepare reads every list now, for a process that will judge passwords
// soon (the window): its first verdict then does not wait for them.
func (b *Blocklist) Prepare() {
	if b == nil {
		return
	}
	b.common()
	b.guesser()
	if b.breached != nil {
		b.breached.Contains("")
	}
}

// Len is the number of common passwords in the list.
func (b *Blocklist) Len() int {
	if b == nil {
		return 0
	}
	return b.common().len()
}

// Contains reports whether a password is a common one, case aside.
func (b *Blocklist) Contains(password string) bool {
	if b == nil {
		return false
	}
	_, ok := b.common().get(strings.ToLower(NormalizePassword(password)))
	return ok
}

// Breached reports whether a password is in the breached set, case aside.
func (b *Blocklist) Breached(password string) bool {
	if b == nil || b.breached == nil {
		return false
	}
	return b.breached.Contains(strings.ToLower(NormalizePassword(password)))
}

// knownAs is what the blocklist knows a password as.
type knownAs uint8

const (
	unknown knownAs = iota
	knownCommon
	knownBreached
)

// known says whether a password is a common or a breached one, and whether
// as it is (case aside) or written as people write a known password to
// pass for a new one: padded with spaces or marks, its words joined by
// separators ("correct horse battery staple", "This.Is.My.Password"), or
// with look-alike characters ("p4ssw0rd"). Those are the first rules that
// cracking tools apply to their lists.
func (b *Blocklist) known(password string) (as knownAs, exact bool) {
	if b == nil {
		return unknown, false
	}
	for k, v := range knownVariants(strings.ToLower(NormalizePassword(password))) {
		if _, ok := b.common().get(v); ok {
			return knownCommon, k == 0
		}
		if b.breached != nil && b.breached.Contains(v) {
			return knownBreached, k == 0
		}
	}
	return unknown, false
}

// knownVariants are a password in lower case, then without padding, then
// without separators, then with the first tables of look-alikes undone.
func knownVariants(lower string) []string {
	out := []string{lower}
	add := func(v string) {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	trimmed := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	add(trimmed)
	joined := joinWord(trimmed)
	add(joined)
	// Each question to the filter may be a false yes (one in 65,536): the
	// look-alikes are undone only where that leaves letters alone, as in
	// a word or phrase written in l33t ("p4r1sj3t41m3"), and in the first
	// tables only, so that a random password is seldom taken for a
	// breached one.
	for k, text := range l33tTexts([]rune(joined)) {
		if k == maxKnownL33t || slices.ContainsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			break
		}
		add(string(text))
	}
	return out
}

// maxKnownL33t caps the tables of look-alikes undone in knownVariants.
const maxKnownL33t = 4

// listWords returns the words of a list, one a line, skipping blank lines
// and comments (#).
func listWords(text []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			out = append(out, w)
		}
	}
	return out
}

// newGuesser reads the word lists and keyboards. A shipped list that does
// not parse is a broken build, reported as such.
func newGuesser(src BlocklistSources) (*guesser, error) {
	g := &guesser{words: newWordTable[entry](1 << 18), prefixes: newPrefixFilter(), common: newWordTable[int32](1 << 16),
		breached: src.Breached}
	// The common passwords are also kept apart (common): the twins are
	// looked up among them only.
	add := func(words []string, kind partKind, flat, common bool) {
		for i, w := range words {
			rank := int32(i + 1)
			if flat {
				rank = int32(len(words)) // in no order: any of them costs the whole list
			}
			w = joinWord(foldWord(w)) // as the joined text of a password holds it
			n := utf8.RuneCountInString(w)
			if old, ok := g.words.get(w); !ok || rank < old.rank {
				g.words.set(w, entry{rank: rank, kind: kind})
			}
			g.prefixes.add(w)
			g.maxLen = max(g.maxLen, n)
			if !common {
				continue
			}
			if old, ok := g.common.get(w); !ok || rank < old {
				g.common.set(w, rank)
			}
			g.commonMaxLen = max(g.commonMaxLen, n)
		}
	}
	add(listWords(src.Common), kindCommon, false, true)
	if src.Words != nil {
		err := fs.WalkDir(src.Words, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path.Ext(name) != ".txt" {
				return err
			}
			text, err := fs.ReadFile(src.Words, name)
			if err != nil {
				return err
			}
			kind, ok := listKinds[listHeader(text, "kind")]
			if !ok {
				return fmt.Errorf("%s: no known kind in its header (# kind: word, first-name, last-name, place, postal-code, common-password)", name)
			}
			add(listWords(text), kind, listHeader(text, "order") == "none", false)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(src.Keyboards) > 0 {
		var graphs map[string]map[string][]*string
		if err := json.Unmarshal(src.Keyboards, &graphs); err != nil {
			return nil, fmt.Errorf("keyboards: %w", err)
		}
		for name, keys := range graphs {
			g.boards = append(g.boards, newKeyboard(path.Base(name), keys))
		}
		g.twins = twinTables(g.boards)
	}
	return g, nil
}

// slantedSteps are the moves, in columns and rows, of the six directions
// of zxcvbn's graphs of typewriter keyboards, in their order: left, up
// left, up right, right, down right, down left.
var slantedSteps = [6][2]int{{-1, 0}, {0, -1}, {1, -1}, {1, 0}, {0, 1}, {-1, 1}}

// keyPlaces places the keys of a typewriter keyboard, relative to the key
// that types 1: each key's text (unshifted, shifted) by place. Nil for a
// keypad.
func keyPlaces(keys map[string][]*string) map[[2]int][]rune {
	places := map[[2]int][]rune{}
	placed := map[rune][2]int{'1': {0, 0}}
	queue := []rune{'1'}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		dirs, ok := keys[string(c)]
		switch {
		case !ok:
			continue // a character that only a neighbour names ("~" of "²~")
		case len(dirs) != len(slantedSteps):
			return nil
		}
		for d, n := range dirs {
			if n == nil {
				continue
			}
			at := [2]int{placed[c][0] + slantedSteps[d][0], placed[c][1] + slantedSteps[d][1]}
			places[at] = []rune(*n)
			for _, r := range *n {
				if _, ok := placed[r]; !ok {
					placed[r] = at
					queue = append(queue, r)
				}
			}
		}
	}
	return places
}

// twinBoards are the keyboards whose twins of QWERTY walks are looked for:
// those of France, Belgium and Switzerland.
var twinBoards = []string{"azerty", "qwertz"}

// twinTables map, for each keyboard of twinBoards, each
// character to the one that the same key types on QWERTY: "a1z2e3r4"
// typed on AZERTY is "q1w2e3r4" on QWERTY, "&é\"'(-" is "123456". A
// character of the key that QWERTY's key also types stays itself (the
// digits of AZERTY's top row); the others take the same Shift.
func twinTables(boards []*keyboard) []map[rune]rune {
	var qwerty *keyboard
	for _, k := range boards {
		if k.name == "qwerty" {
			qwerty = k
		}
	}
	if qwerty == nil || qwerty.places == nil {
		return nil
	}
	var tables []map[rune]rune
	for _, k := range boards {
		if !slices.Contains(twinBoards, k.name) || k.places == nil {
			continue
		}
		t := map[rune]rune{}
		for at, key := range k.places {
			twin := qwerty.places[at]
			for s, r := range key {
				switch {
				case slices.Contains(twin, r):
					t[r] = r
				case s < len(twin):
					t[r] = twin[s]
				}
			}
		}
		tables = append(tables, t)
	}
	return tables
}

// listHeader is the value of a line "# key: value" of a list's header.
func listHeader(text []byte, key string) string {
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "#")
		if !ok {
			return ""
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func newKeyboard(name string, keys map[string][]*string) *keyboard {
	k := &keyboard{name: name, adj: make(map[rune][][]rune, len(keys)), shifted: map[rune]bool{}}
	var neighbours int
	for key, dirs := range keys {
		r, _ := utf8.DecodeRuneInString(key)
		adj := make([][]rune, len(dirs))
		for d, n := range dirs {
			if n == nil {
				continue
			}
			adj[d] = []rune(*n)
			neighbours++
			for _, s := range adj[d][1:] {
				k.shifted[s] = true
			}
		}
		k.adj[r] = adj
	}
	k.keys = float64(len(keys))
	k.degree = float64(neighbours) / k.keys
	k.places = keyPlaces(keys)
	return k
}

// joinWord leaves out the separators of a word ("saint-etienne",
// "je t'aime").
func joinWord(w string) string {
	return strings.Map(func(r rune) rune {
		if isSeparator(r) {
			return -1
		}
		return r
	}, w)
}

// foldWord folds each character of a word as foldRune does.
func foldWord(w string) string {
	rs := []rune(w)
	for i, r := range rs {
		rs[i] = foldRune(r)
	}
	return string(rs)
}
