package app

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// ligatures are letters that NFKD does not split but a French or German
// reader types as two ("coeur" for "cœur").
var ligatures = strings.NewReplacer("ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "đ", "d", "ł", "l")

// FoldForSearch turns text into the form in which search compares it: no
// accents, lower case, compatibility characters unified, runs of spaces
// made one. "Hélène  MARTIN" and "helene martin" fold alike.
func FoldForSearch(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = ligatures.Replace(strings.ToLower(out))
	return strings.Join(strings.Fields(out), " ")
}
