package app

import (
	"fmt"
	"testing"

	"sesame/assets"
)

// The prefix filter changes nothing that the estimate finds: the parts of
// many passwords (generated, of words, of the person's own words, typed
// backwards, in l33t), found with the filter, are those found with a
// filter that never says no, in the same order.
func TestPrefixFilterFindsTheSameParts(t *testing.T) {
	g, err := newGuesser(BlocklistSources{Common: assets.CommonPasswords, Words: assets.Words, Keyboards: assets.Keyboards})
	if err != nil {
		t.Fatal(err)
	}
	all := *g
	all.prefixes = newPrefixFilter()
	for i := range all.prefixes {
		all.prefixes[i] = ^uint64(0)
	}
	// qzxqvw: an input that no word of the lists starts like.
	inputs := []string{"jeanne", "martin", "acme", "jeanne.martin@acme.example", "bertrandelacroix", "qzxqvw"}
	if g.prefixes.has([]byte("qzxq")) {
		t.Fatal("a word of the lists starts with qzxq: take another input")
	}
	passwords := []string{"qzxqvw2024", "wvqxzq!", "qzxqvwqzxqvw", "jeanne1987", "nitram!enna3j", "J3@nn3M@rt1n", "bertrandelacroix42", "acmeacme",
		"motdepasse", "essapedtom", "m0td3p@ss3", "azertyuiop", "soleil123", "Cœurdevey-Straße", "violet tramway umbrella 1987",
		"correcthorsebatterystaple", "ilovemycat2024!", "p@ssw0rd", "Tr0ub4dor&3", "qwertzuiop", "1234567890"}
	for range 300 {
		p, err := GeneratePassword(16)
		if err != nil {
			t.Fatal(err)
		}
		passwords = append(passwords, p)
	}
	skipped := 0
	for _, pw := range passwords {
		p, q := newPassword(pw, inputs), newPassword(pw, inputs)
		got, want := g.parts(p), all.parts(q)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: parts %v with the filter, %v without", pw, got, want)
		}
		if g.guesses(pw, inputs) != all.guesses(pw, inputs) {
			t.Errorf("%q: another estimate with the filter", pw)
		}
		for i := 0; i+4 <= len(pw); i++ {
			if !g.mayStart(p, []byte(pw[i:i+4])) {
				skipped++
			}
		}
	}
	if skipped == 0 {
		t.Error("the filter never says no: it saves nothing")
	}
}
