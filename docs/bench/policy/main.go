// Command policy measures the password policy against lists it was not
// built from: the share of a held-out breached list that it refuses, and
// the share of random passphrases and generated passwords that it refuses
// wrongly. docs/bench/policy.sh fetches the lists and runs it.
//
//	go run -tags sqlite_fts5 ./docs/bench/policy -heldout LIST [-diceware LIST]...
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
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
	flag.Parse()

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
		for _, n := range []int{4, 5} {
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
