package app

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// What a person reads must be what is stored: a login, a recovery address,
// a name or the company's name holds no character that shows as nothing or
// as something else. One rule, for all of them (UTS #39 §3.1 leaves
// Default_Ignorable_Code_Point out of identifiers; UAX #15 §13 bounds the
// marks stacked on one character). Refused:
//
//   - control and format characters (Cc, Cf): zero-width spaces and
//     joiners, the soft hyphen, direction marks, embeddings, overrides and
//     isolates (Bidi_Control), tag characters;
//   - every other Default_Ignorable_Code_Point: variation selectors, the
//     Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, the combining
//     grapheme joiner U+034F, U+17B4 and U+17B5;
//   - the characters that show as a blank without being spaces: U+2800
//     BRAILLE PATTERN BLANK and U+1D159 MUSICAL SYMBOL NULL NOTEHEAD;
//   - private-use, surrogate and unassigned code points;
//   - more than MaxStackedMarks combining marks (Mn, Me) on one character,
//     counted after canonical decomposition.
//
// In names alone, ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER are kept
// between two letters of a script that joins its letters or forms
// conjuncts (Arabic, Syriac, the scripts of India, Sinhala, Tibetan,
// Myanmar…), where they change how a word is written, as IDNA allows
// (RFC 5892 Appendix A.1 and A.2). Spaces are not hidden characters: names
// keep single spaces, logins refuse every space.

// MaxStackedMarks is how many combining marks may stand on one character:
// enough for any language's letters (Vietnamese needs 2), too few for the
// towers of marks that spill over the lines around them.
const MaxStackedMarks = 4

// blanks show as a blank space without being one.
var blanks = []rune{'\u2800', '\U0001D159'}

// Hidden reports whether a character cannot stand in a login, an address
// or a name because it shows as nothing or as something else (the rule
// above, stacked marks aside).
func Hidden(r rune) bool {
	switch {
	case unicode.IsSpace(r):
		return false
	case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S):
		return true // Cc, Cf, Co, Cs, Cn
	}
	for _, b := range blanks {
		if r == b {
			return true
		}
	}
	return unicode.In(r, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point, unicode.Bidi_Control)
}

// hiddenIn returns the first character of s that cannot be shown as it is
// (Hidden, except joiners where names keep them), or the first character
// that carries more than MaxStackedMarks marks; ok is false when there is
// none. stacked says which of the two it is. Callers say it in their words.
func hiddenIn(s string, name bool) (r rune, stacked, ok bool) {
	prev := rune(-1)
	for i, c := range s {
		if Hidden(c) && !(name && keptJoiner(prev, s[i+utf8.RuneLen(c):], c)) {
			return c, false, true
		}
		prev = c
	}
	marks, base := 0, rune(0)
	for _, c := range norm.NFD.String(s) {
		if !unicode.In(c, unicode.Mn, unicode.Me) {
			marks, base = 0, c
			continue
		}
		if marks++; marks > MaxStackedMarks {
			return base, true, true
		}
	}
	return 0, false, false
}

// keptJoiner reports whether a joiner c, between prev and the text after
// it, is kept in a name: between two letters or marks of a script that
// joins its letters or forms conjuncts.
func keptJoiner(prev rune, after string, c rune) bool {
	if c != '\u200C' && c != '\u200D' {
		return false
	}
	next, _ := utf8.DecodeRuneInString(after)
	return joining(prev) && joining(next)
}

// joiningScripts are the scripts in which ZWNJ and ZWJ change how letters
// join or combine.
var joiningScripts = []*unicode.RangeTable{
	unicode.Arabic, unicode.Syriac, unicode.Nko, unicode.Mongolian, unicode.Devanagari, unicode.Bengali,
	unicode.Gurmukhi, unicode.Gujarati, unicode.Oriya, unicode.Tamil, unicode.Telugu, unicode.Kannada,
	unicode.Malayalam, unicode.Sinhala, unicode.Tibetan, unicode.Myanmar, unicode.Khmer,
}

func joining(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M) && unicode.In(r, joiningScripts...)
}

// codePoint writes a character's code point as Unicode does: U+200B.
func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

// UnusualChar is a character of a login that is not among the usual ones
// of addresses in Latin script, with the Unicode script it belongs to
// ("Cyrillic", "Greek", "Common"…).
type UnusualChar struct {
	Rune   rune
	Script string
}

// String writes the character, its code point and its script, as
// "о U+043E Cyrillic"; a combining mark on a dotted circle.
func (u UnusualChar) String() string {
	c := string(u.Rune)
	if unicode.In(u.Rune, unicode.M) {
		c = "\u25CC" + c
	}
	return c + " " + codePoint(u.Rune) + " " + u.Script
}

// UnusualCharacters lists, once each and in order, the characters of a
// login or an address that are not the usual characters of addresses in
// Latin script: ASCII, and the accented Latin letters of Latin-1 and Latin
// Extended-A (U+00C0 to U+017F), but for those that pass for another
// letter (ı, ĸ, ŀ, ſ). Shown beside a login, they let a person tell apart
// two logins that look alike, "bob@acme.example" and "bоb@acme.example"
// with a Cyrillic о (UTS #39 §4 finds them; this says how they differ).
func UnusualCharacters(s string) []UnusualChar {
	var out []UnusualChar
	seen := map[rune]bool{}
	for _, r := range s {
		if usual(r) || seen[r] {
			continue
		}
		seen[r] = true
		out = append(out, UnusualChar{Rune: r, Script: scriptOf(r)})
	}
	return out
}

// DescribeUnusual is UnusualCharacters written on one line, "" when there
// is none.
func DescribeUnusual(s string) string {
	chars := UnusualCharacters(s)
	parts := make([]string, len(chars))
	for i, c := range chars {
		parts[i] = c.String()
	}
	return strings.Join(parts, ", ")
}

func usual(r rune) bool {
	switch {
	case r >= ' ' && r <= '~':
		return true
	case r < 0xC0 || r > 0x17F || r == 0xD7 || r == 0xF7:
		return false
	}
	return !strings.ContainsRune("ıĸŀſ", r)
}

// scriptOf names the Unicode script of a character (UAX #24).
func scriptOf(r rune) string {
	for name, table := range unicode.Scripts {
		if name != "Common" && name != "Inherited" && unicode.Is(table, r) {
			return name
		}
	}
	if unicode.Is(unicode.Inherited, r) {
		return "Inherited"
	}
	return "Common"
}
