package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
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
	// Words holds word lists (*.txt, one word a line, most common first; a
	// line "# unranked" marks a list in no order of frequency): the words,
	// names and places that the strength estimate looks for.
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
	common   func() map[string]struct{}
	guesser  func() (*guesser, error)
}

// NewBlocklist returns the blocklist of those sources.
func NewBlocklist(src BlocklistSources) *Blocklist {
	return &Blocklist{
		breached: src.Breached,
		common: sync.OnceValue(func() map[string]struct{} {
			words := make(map[string]struct{}, 1<<16)
			for _, w := range listWords(src.Common) {
				words[strings.ToLower(NormalizePassword(w))] = struct{}{}
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
	return len(b.common())
}

// Contains reports whether a password is a common one, case aside.
func (b *Blocklist) Contains(password string) bool {
	if b == nil {
		return false
	}
	_, ok := b.common()[strings.ToLower(NormalizePassword(password))]
	return ok
}

// Breached reports whether a password is in the breached set, case aside.
func (b *Blocklist) Breached(password string) bool {
	if b == nil || b.breached == nil {
		return false
	}
	return b.breached.Contains(strings.ToLower(NormalizePassword(password)))
}

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
	g := &guesser{ranks: make(map[string]int, 1<<18)}
	add := func(words []string, flat bool) {
		for i, w := range words {
			rank := i + 1
			if flat {
				rank = len(words) // in no order: any of them costs the whole list
			}
			w = foldWord(w)
			if old, ok := g.ranks[w]; !ok || rank < old {
				g.ranks[w] = rank
			}
			g.maxLen = max(g.maxLen, utf8.RuneCountInString(w))
		}
	}
	add(listWords(src.Common), false)
	if src.Words != nil {
		err := fs.WalkDir(src.Words, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path.Ext(name) != ".txt" {
				return err
			}
			text, err := fs.ReadFile(src.Words, name)
			if err != nil {
				return err
			}
			add(listWords(text), bytes.Contains(text, []byte("\n# unranked\n")))
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
	}
	return g, nil
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
	return k
}

// foldWord folds each character of a word as foldRune does.
func foldWord(w string) string {
	rs := []rune(w)
	for i, r := range rs {
		rs[i] = foldRune(r)
	}
	return string(rs)
}
