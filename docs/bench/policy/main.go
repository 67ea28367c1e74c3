// Command policy measures the password policy against lists it was not
// built from: the share of a held-out breached list that it refuses, the
// share of guessable passwords built by cracking rules from French words,
// names and places that it accepts, and the share of random passphrases
// (EFF diceware, French words of ranks 500 to 8,000) and generated
// passwords that it refuses wrongly. docs/bench/policy.sh fetches the
// lists and runs it.
//
//	go run -tags sqlite_fts5 ./docs/bench/policy -heldout LIST [-diceware LIST]...
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"math/rand/v2"
	"os"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"sesame/app"
	"sesame/assets"
	"sesame/data/breach"
)

type lists []string

func (l *lists) String() string     { return strings.Join(*l, ",") }
func (l *lists) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var heldout, diceware lists
	flag.Var(&heldout, "heldout", "a breached list not used to build the filter, one password a line (repeatable)")
	flag.Var(&diceware, "diceware", "a diceware word list, one word a line, a number and a tab before it or not (repeatable)")
	phrases := flag.Int("phrases", 10000, "random passphrases drawn from each diceware list")
	generated := flag.Int("generated", 1000000, "generated passwords checked against the breached set")
	words := flag.String("words", "", "a folder of word lists to build the French phrases and the rule-built passwords from (default: the shipped lists)")
	flag.Parse()
	if *words != "" {
		wordLists = os.DirFS(*words)
	}

	start := time.Now()
	set := breach.Load(assets.BreachedPasswords)
	set.Contains("")
	fmt.Printf("breached set: %d bytes in the binary, read in %v\n", len(assets.BreachedPasswords), time.Since(start).Round(time.Microsecond))
	p := app.Policy{MinLength: 15, Blocklist: app.NewBlocklist(app.BlocklistSources{
		Common: assets.CommonPasswords, Words: assets.Words, Keyboards: assets.Keyboards, Breached: set,
	})}
	start = time.Now()
	p.Assess("violet tramway umbrella 1987", app.PolicyContext{})
	fmt.Printf("word lists read on first use in %v\n\n", time.Since(start).Round(time.Millisecond))

	for _, file := range heldout {
		words := read(file)
		var n8, inSet, n15, refused15, inSet15 int
		for _, w := range words {
			k := strings.ToLower(app.NormalizePassword(w))
			if utf8.RuneCountInString(k) < 8 {
				continue
			}
			n8++
			in := set.Contains(k)
			if in {
				inSet++
			}
			if utf8.RuneCountInString(k) >= 15 {
				n15++
				if in {
					inSet15++
				}
				if !p.Assess(w, app.PolicyContext{}).OK() {
					refused15++
				}
			}
		}
		fmt.Printf("held-out %s:\n  %d passwords of 8+ characters: %.1f%% in the breached set\n", file, n8, pct(inSet, n8))
		fmt.Printf("  %d passwords of 15+ characters: %.1f%% in the breached set, %.1f%% refused by the whole policy\n\n", n15, pct(inSet15, n15), pct(refused15, n15))
	}

	r := rand.New(rand.NewPCG(7, 7))
	for _, file := range diceware {
		words := read(file)
		for i, w := range words {
			if _, after, ok := strings.Cut(w, "\t"); ok {
				words[i] = after
			}
		}
		for _, n := range []int{3, 4, 5} {
			var checked, refused, breached int
			for range *phrases {
				var ws []string
				for range n {
					ws = append(ws, words[r.IntN(len(words))])
				}
				pw := strings.Join(ws, " ")
				if utf8.RuneCountInString(pw) < 15 {
					continue
				}
				checked++
				if set.Contains(strings.ToLower(pw)) {
					breached++
				}
				if !p.Assess(pw, app.PolicyContext{}).OK() {
					refused++
				}
			}
			fmt.Printf("diceware %s, %d words: %d phrases, %.2f%% refused by the policy, %d in the breached set\n", file, n, checked, pct(refused, checked), breached)
		}
	}
	french(p, r, *phrases)
	rules(p, r)

	var inSet, refused int
	const assessed = 10000
	for i := range *generated {
		pw, err := app.GeneratePassword(16)
		if err != nil {
			log.Fatal(err)
		}
		if set.Contains(strings.ToLower(pw)) {
			inSet++
		}
		if i < assessed && !p.Assess(pw, app.PolicyContext{}).OK() {
			refused++
		}
	}
	fmt.Printf("\ngenerated passwords (16 characters): %d of %d in the breached set (%.4f%%); %d of %d refused by the whole policy\n",
		inSet, *generated, pct(inSet, *generated), refused, min(assessed, *generated))
}

func read(file string) []string {
	f, err := os.Open(file)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if l := strings.TrimRight(sc.Text(), "\r"); l != "" && !strings.HasPrefix(l, "#!comment") {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	return out
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// french draws phrases of 3, 4 and 5 words of ranks 500 to 8,000 of the
// French list, joined by a space, a dash, a dot or nothing, and counts
// those refused.
func french(p app.Policy, r *rand.Rand, n int) {
	words := assetWords("words/fr-common.txt")[500:8000]
	seps := []string{" ", "-", ".", ""}
	for _, k := range []int{3, 4, 5} {
		var checked, refused int
		for range n {
			var w []string
			for range k {
				w = append(w, words[r.IntN(len(words))])
			}
			pw := strings.Join(w, seps[r.IntN(len(seps))])
			if utf8.RuneCountInString(pw) < 15 {
				continue
			}
			checked++
			if !p.Assess(pw, app.PolicyContext{}).OK() {
				refused++
			}
		}
		fmt.Printf("French words of ranks 500-8000, %d words: %d phrases, %.2f%% refused by the policy\n", k, checked, pct(refused, checked))
	}
}

// rules builds guessable passwords as cracking rules do from the most
// common French words, first and last names, places and postal codes, and
// counts those accepted: each should be refused.
func rules(p app.Policy, r *rand.Rand) {
	fr := assetWords("words/fr-common.txt")[:3000]
	inFr := map[string]bool{}
	for _, w := range assetWords("words/fr-common.txt")[:20000] {
		inFr[w] = true
	}
	var first, last []string
	for _, w := range assetWords("words/fr-first-names.txt") {
		if inFr[w] {
			first = append(first, w)
		}
	}
	for _, w := range assetWords("words/fr-last-names.txt") {
		if inFr[w] {
			last = append(last, w)
		}
	}
	places := assetWords("words/fr-places.txt")[:500]
	postal := assetWords("words/fr-postal-codes.txt")[:500]
	pick := func(l []string, n int) string { return l[r.IntN(min(n, len(l)))] }
	cased := func(s string) string {
		switch r.IntN(3) {
		case 1:
			return strings.ToUpper(s[:1]) + s[1:]
		case 2:
			return strings.ToUpper(s)
		}
		return s
	}
	sep := func() string { return []string{"", "-", ".", "_", " ", "/"}[r.IntN(6)] }
	year := func() string { return fmt.Sprint(1940 + r.IntN(90)) }
	marks := func() string { return strings.Repeat(string("!?.*#$"[r.IntN(6)]), r.IntN(4)) }
	leet := strings.NewReplacer("a", "4", "e", "3", "o", "0", "i", "1", "s", "$")
	date := func() string {
		s := []string{"", "/", "-", "."}[r.IntN(4)]
		return fmt.Sprintf("%02d%s%02d%s%s", 1+r.IntN(28), s, 1+r.IntN(12), s, year())
	}
	built := []struct {
		name string
		make func() string
	}{
		{"word + year + marks", func() string { return cased(pick(fr, 3000)) + year() + marks() }},
		{"word, separator, year, separator, marks", func() string { s := sep(); return cased(pick(fr, 3000)) + s + year() + s + marks() }},
		{"word, word and a year, separated", func() string { s := sep(); return cased(pick(fr, 2000)) + s + cased(pick(fr, 2000)) + s + year() }},
		{"two words of the first 1,000 + year + marks", func() string { return cased(pick(fr, 1000)) + sep() + cased(pick(fr, 1000)) + year() + marks() }},
		{"three words of the first 500, separated", func() string { s := sep(); return pick(fr, 500) + s + pick(fr, 500) + s + pick(fr, 500) }},
		{"first name, last name, year", func() string { s := sep(); return cased(pick(first, 3000)) + s + cased(pick(last, 3000)) + s + year() }},
		{"first name, last name, two digits", func() string {
			s := sep()
			return cased(pick(first, 3000)) + s + cased(pick(last, 3000)) + s + fmt.Sprint(10+r.IntN(90))
		}},
		{"place + postal code + marks", func() string { s := sep(); return cased(pick(places, 500)) + s + pick(postal, 500) + s + marks() }},
		{"place, postal code, place", func() string { s := sep(); pl := cased(pick(places, 500)); return pl + s + pick(postal, 300) + s + pl }},
		{"place and digits, twice", func() string { w := cased(pick(places, 300)) + fmt.Sprint(r.IntN(100)); return w + w }},
		{"l33t word + year + marks", func() string { return leet.Replace(pick(fr, 3000)) + year() + marks() }},
		{"padded word + year", func() string { return "   " + cased(pick(fr, 3000)) + year() + "   " }},
		{"date + word + marks", func() string { return date() + cased(pick(fr, 3000)) + marks() }},
		{"two words + four digits", func() string { return cased(pick(fr, 3000)) + cased(pick(fr, 3000)) + fmt.Sprint(r.IntN(10000)) }},
	}
	fmt.Println("\nguessable passwords built by rules (15+ characters), accepted by the policy:")
	for _, b := range built {
		n, accepted := 0, 0
		for n < 1000 {
			pw := b.make()
			if utf8.RuneCountInString(pw) < 15 {
				continue
			}
			n++
			if p.Assess(pw, app.PolicyContext{}).OK() {
				accepted++
			}
		}
		fmt.Printf("  %-45s %5.1f%% of %d\n", b.name, pct(accepted, n), n)
	}
}

// wordLists are the word lists that phrases and rule-built passwords are made
// of: the shipped ones unless -words says otherwise (to measure another
// version of the policy on the same passwords).
var wordLists fs.FS = assets.Words

// assetWords are the words of a list, comments left out.
func assetWords(name string) []string {
	b, err := fs.ReadFile(wordLists, path.Base(name))
	if wordLists == fs.FS(assets.Words) {
		b, err = fs.ReadFile(wordLists, name)
	}
	if err != nil {
		log.Fatal(err)
	}
	return slices.DeleteFunc(strings.Split(string(b), "\n"), func(l string) bool { return l == "" || strings.HasPrefix(l, "#") })
}
