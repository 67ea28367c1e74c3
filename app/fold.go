package app

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/runenames"
)

// Folding turns text into the letters a person types for it on a French or
// English keyboard, so that "Cœurdevey", "Łukasz", "Ødegaard" and
// "Straße" are found by "coeur", "lukasz", "odegaard" and "strasse".
//
// It is built from Unicode data, in this order:
//
//  1. compatibility decomposition (NFKD: "ﬁ" is "fi", "ĳ" is "ij", "ŀ" is
//     "l·", accented letters are base letter + combining accent);
//  2. full case folding (x/text/cases: "ß" and "ẞ" are "ss");
//  3. combining marks (category Mn, the accents) removed;
//  4. every other Latin letter mapped to the letter that its Unicode name
//     says it is built on: "LATIN SMALL LETTER L WITH STROKE" is l,
//     "LATIN SMALL LETTER O WITH STROKE" is o, "LATIN SMALL LETTER DOTLESS
//     I" is i, "LATIN SMALL LIGATURE OE" is oe, "LATIN SMALL LETTER AE" is
//     ae (see latinBase);
//  5. what names do not say, from the conventions of CLDR's Latin-ASCII
//     transliteration: þ is th, ð is d, ŋ is n, ĸ is q, ə is e, ʒ is z, ƿ
//     is w, and the saltillo ꞌ is an apostrophe (see latinByConvention).
//
// Other scripts keep their letters (lower-cased).

// latinByConvention are the Latin letters whose Unicode name does not name
// the letter people type instead; the values follow CLDR's Latin-ASCII
// transform. "" drops the letter (the saltillo is written as an
// apostrophe, which folding ignores).
var latinByConvention = map[rune]string{
	'þ': "th", 'ð': "d", 'ŋ': "n", 'ĸ': "q", 'ə': "e", 'ʒ': "z", 'ƿ': "w", 'ꞌ': "",
}

// latinTable maps each lower-case Latin letter left by steps 1–3 that is
// not ASCII to its ASCII letters (step 4 and 5). Built once, from the
// Unicode names of x/text/unicode/runenames.
var latinTable = sync.OnceValue(func() map[rune]string {
	m := map[rune]string{}
	add := func(r rune) {
		if r < utf8.RuneSelf || !unicode.IsLower(r) {
			return
		}
		if s, ok := latinByConvention[r]; ok {
			m[r] = s
		} else if s := latinBase(runenames.Name(r)); s != "" {
			m[r] = s
		}
	}
	for _, t := range []*unicode.RangeTable{unicode.Latin} {
		for _, rg := range t.R16 {
			for r := rune(rg.Lo); r <= rune(rg.Hi); r += rune(rg.Stride) {
				add(r)
			}
		}
		for _, rg := range t.R32 {
			for r := rune(rg.Lo); r <= rune(rg.Hi); r += rune(rg.Stride) {
				add(r)
			}
		}
	}
	return m
})

// latinBase reads the letters a Latin letter is built on from its Unicode
// name: the first word of one or two letters after the name's prefix and
// before "WITH" ("LATIN SMALL LETTER TURNED A" is a, "LATIN SMALL LETTER DB
// DIGRAPH" is db, "LATIN SMALL LETTER U BAR" is u). Names with no such word
// ("LATIN SMALL LETTER EZH", "… TONE SIX") give "".
func latinBase(name string) string {
	rest, ok := strings.CutPrefix(name, "LATIN ")
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, " WITH ")
	for _, w := range strings.Fields(rest) {
		switch w {
		case "SMALL", "CAPITAL", "LETTER", "LIGATURE":
			continue
		}
		if len(w) <= 2 && strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
			return strings.ToLower(w)
		}
	}
	return ""
}

// foldRunes applies steps 1 to 3 of folding.
func foldRunes(s string) string {
	t := transform.Chain(norm.NFKD, cases.Fold(), norm.NFKD, runes.Remove(runes.In(unicode.Mn)))
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

// fold folds s and writes each run of what is neither a letter nor a digit
// as sep (nothing when sep is 0), trimmed at both ends. Modifier letters
// (category Lm: ʼ, ʻ, ˈ…) are not letters here: they are apostrophes and
// phonetic signs. Spacing marks (Mc) of other scripts are kept.
func fold(s string, sep rune) string {
	if ascii(s) {
		return foldASCII(s, sep)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	put := func(r rune) {
		if pending && b.Len() > 0 {
			b.WriteRune(sep)
		}
		pending = false
		b.WriteRune(r)
	}
	table := latinTable()
	for _, r := range foldRunes(s) {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			put(r)
		case r < utf8.RuneSelf:
			pending = sep != 0
		case hasBase(table, r):
			for _, c := range table[r] {
				put(c)
			}
			if table[r] == "" {
				pending = sep != 0
			}
		case unicode.IsLetter(r) && !unicode.Is(unicode.Lm, r) || unicode.IsNumber(r) || unicode.Is(unicode.Mc, r):
			// Case folding keeps a few capitals (Cherokee folds to
			// them): lower case is what is shown and typed.
			put(unicode.ToLower(r))
		default:
			pending = sep != 0
		}
	}
	return b.String()
}

// ascii reports whether s is plain ASCII, which folds without Unicode
// tables (most logins and many names).
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldASCII is fold for plain ASCII.
func foldASCII(s string, sep rune) string {
	b := make([]byte, 0, len(s))
	pending := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			if pending && len(b) > 0 {
				b = append(b, byte(sep))
			}
			pending = false
			b = append(b, c)
			continue
		}
		pending = sep != 0
	}
	return string(b)
}

func hasBase(table map[rune]string, r rune) bool {
	_, ok := table[r]
	return ok
}

// FoldForSearch is the form in which search compares text: folded letters
// and digits only, punctuation and separators dropped, so that
// "Jean-Noël O’Brien" is "jeannoelobrien" and is found by "jean noel",
// "noel-o", "o'brien" or "OBRIEN".
func FoldForSearch(s string) string { return fold(s, 0) }

// Fold folds s as search does but keeps its words apart: each run of
// punctuation and separators becomes one space ("Jean-Noël  O’Brien" is
// "jean noel o brien"). Names are sorted by it, and the password policy
// finds a person's words with it.
func Fold(s string) string { return fold(s, ' ') }
