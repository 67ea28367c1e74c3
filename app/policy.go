package app

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxPasswordLength is the longest password accepted, in characters. NIST
// SP 800-63B-4 asks for at least 64; longer only costs hashing time.
const MaxPasswordLength = 256

// StrongGuesses is the fewest guesses, by the estimate of guess.go, that a
// password must need: 10^10, zxcvbn's "very unguessable". The estimate
// counts what cracking rules try first (a word, a name or a place with a
// year, digits or marks; keyboard walks; repeats) as cheap; passwords that
// people choose to be typed (four random words, a sentence) reach it. When
// the minimum length n is under 12, the bar is 10^(n − 2), so that a
// random password of the minimum length passes: length comes first (NIST
// SP 800-63B-4 §3.1.1.2).
const StrongGuesses = 1e10

// strengthWindow caps the characters given to the strength estimate, whose
// cost grows with the square of the length; a prefix this long that is
// strong makes the whole strong.
const strengthWindow = 100

// NormalizePassword is the form in which a password is hashed and
// measured (NIST SP 800-63B-4 §3.1.1.2): Unicode NFKC, so that the same
// password typed on two keyboards is the same password.
func NormalizePassword(p string) string { return norm.NFKC.String(p) }

// Policy decides whether a password may be used: one the person chooses,
// or a temporary one that an administrator types or Sésame generates
// (NIST SP 800-63B-4 §3.1.1.2 makes no difference between them).
type Policy struct {
	MinLength int
	Blocklist *Blocklist // nil: only the patterns of the estimate, no list
}

// PolicyContext is what a password must not contain or resemble: the
// user's login and name, the company's name.
type PolicyContext struct {
	Login   string
	Name    string
	Company string
}

// Assessment is the policy's verdict on a candidate password, fit for live
// feedback while it is typed.
type Assessment struct {
	Length   int       // in characters, after normalisation
	Strength int       // 0 (very weak) to 4 (very strong); -1 when not measured
	Reasons  []Message // every reason for a rejection, empty when accepted
}

// OK reports whether the password is accepted.
func (a Assessment) OK() bool { return len(a.Reasons) == 0 }

// Requirements says, before anything is typed, what a password needs.
func (p Policy) Requirements() []Message {
	return []Message{
		Msg("At least {{.Min}} characters (at most {{.Max}}); a few words make a good one.", "Min", p.MinLength, "Max", MaxPasswordLength),
		Msg("Not a common password, nor one stolen from another site, and not easy to guess."),
		Msg("Not containing your name, your login or the company's name."),
		Msg("Not one you used recently, nor the temporary password you were given."),
	}
}

// Assess checks a password: every rule that needs no stored hash (those
// are the service's). Every failing rule is listed.
func (p Policy) Assess(password string, c PolicyContext) Assessment {
	a := Assessment{Strength: -1}
	if !utf8.ValidString(password) {
		a.Reasons = append(a.Reasons, Msg("It contains characters that cannot be used in a password."))
		return a
	}
	pw := NormalizePassword(password)
	a.Length = utf8.RuneCountInString(pw)
	switch {
	case a.Length == 0:
		a.Reasons = append(a.Reasons, Msg("The password is empty."))
		return a
	case a.Length < p.MinLength:
		a.Reasons = append(a.Reasons, Msg("It is too short: at least {{.Min}} characters, this one has {{.N}}.", "Min", p.MinLength, "N", a.Length))
	case a.Length > MaxPasswordLength:
		a.Reasons = append(a.Reasons, Msg("It is too long: at most {{.Max}} characters, this one has {{.N}}.", "Max", MaxPasswordLength, "N", a.Length))
	}
	if strings.IndexFunc(pw, unicode.IsControl) >= 0 {
		a.Reasons = append(a.Reasons, Msg("It contains characters that cannot be used in a password."))
	}
	known, exact := p.Blocklist.known(pw)
	switch {
	case known == knownCommon && exact:
		a.Reasons = append(a.Reasons, Msg("It is a common password, one of the first that attackers try."))
	case known == knownCommon:
		a.Reasons = append(a.Reasons, Msg("It is a common password written with other spaces, separators, capitals or look-alike characters, which attackers try as well."))
	case known == knownBreached && exact:
		a.Reasons = append(a.Reasons, Msg("It appears in lists of passwords stolen from other sites, which attackers try first."))
	case known == knownBreached:
		a.Reasons = append(a.Reasons, Msg("It is a password from lists stolen from other sites, written with other spaces, separators, capitals or look-alike characters, which attackers try as well."))
	}
	folded := FoldForSearch(pw)
	if part := containedPart(folded, loginParts(c.Login)); part != "" {
		a.Reasons = append(a.Reasons, Msg("It contains your login (\"{{.Part}}\").", "Part", part))
	}
	if part := containedPart(folded, nameParts(c.Name)); part != "" {
		a.Reasons = append(a.Reasons, Msg("It contains your name (\"{{.Part}}\").", "Part", part))
	}
	if part := containedPart(folded, nameParts(c.Company)); part != "" {
		a.Reasons = append(a.Reasons, Msg("It contains the company's name (\"{{.Part}}\").", "Part", part))
	}
	est := p.estimate(pw, c)
	a.Strength = scoreOf(est.guesses)
	if est.guesses < p.requiredGuesses() && known == unknown {
		a.Reasons = append(a.Reasons, guessReason(est, []rune(pw)))
	}
	return a
}

// Strength estimates how hard a password is to guess, from 0 to 4
// (zxcvbn's scale: 4 is at least StrongGuesses), with the person's own
// words counted as known to an attacker.
func (p Policy) Strength(password string, c PolicyContext) int {
	return scoreOf(p.estimate(password, c).guesses)
}

func (p Policy) estimate(password string, c PolicyContext) cover {
	pw := []rune(password)
	if len(pw) > strengthWindow {
		pw = pw[:strengthWindow]
	}
	inputs := append(append(loginParts(c.Login), nameParts(c.Name)...), nameParts(c.Company)...)
	return p.Blocklist.guess().estimate(string(pw), inputs)
}

// requiredGuesses is the bar of StrongGuesses, lowered for a minimum
// length under 12 to what a random password of that length reaches (10
// guesses a character, zxcvbn's brute force), with a margin of two
// characters for the short words and sequences that chance puts in it.
func (p Policy) requiredGuesses() float64 {
	return min(StrongGuesses, math.Pow(10, float64(p.MinLength-2)))
}

// guess returns the estimate's lists, read on first use. They are part of
// the binary and checked by its tests: lists that cannot be read are a
// broken build, and panic rather than let weak passwords through.
func (b *Blocklist) guess() *guesser {
	if b == nil {
		return noLists()
	}
	g, err := b.guesser()
	if err != nil {
		panic("the password policy's word lists cannot be read: " + err.Error())
	}
	return g
}

// noLists is the estimate without lists: patterns only.
var noLists = sync.OnceValue(func() *guesser {
	g, _ := newGuesser(BlocklistSources{})
	return g
})

// loginParts are the pieces of a login's local part that a password must
// not contain: the whole local part and its words ("jeanne.martin" gives
// "jeannemartin", "jeanne", "martin"), folded.
func loginParts(login string) []string {
	local := login
	if at := strings.LastIndexByte(login, '@'); at >= 0 {
		local = login[:at]
	}
	parts := append([]string{FoldForSearch(local)}, strings.Fields(Fold(local))...)
	return keepLong(parts)
}

// nameParts are the words of a name, folded.
func nameParts(name string) []string {
	return keepLong(strings.Fields(Fold(name)))
}

// keepLong drops pieces under three characters: "Li" or "Jo" inside a
// passphrase is chance, not a weakness.
func keepLong(parts []string) []string {
	out := parts[:0]
	for _, p := range parts {
		if len([]rune(p)) >= 3 {
			out = append(out, p)
		}
	}
	return out
}

// containedPart returns the longest of parts found in s, or "".
func containedPart(s string, parts []string) string {
	best := ""
	for _, p := range parts {
		if len(p) > len(best) && strings.Contains(s, p) {
			best = p
		}
	}
	return best
}
