package app_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"sesame/app"
)

// TestSearchFindsWhatPeopleType: names as they are written, and what a
// French administrator types for them on a French or English keyboard:
// no accents, no hyphens or apostrophes (of any kind), any spacing, and the
// letters beyond accents written as the base letters people use.
func TestSearchFindsWhatPeopleType(t *testing.T) {
	for _, c := range []struct {
		name  string
		typed []string
	}{
		{"Jean-Noël Müller", []string{"jean noel", "jean-noel", "jeannoel", "JEAN NOËL", "noel muller", "l mu", "jean.noel", "jean_noel"}},
		{"Marie-Claire d’Aubigné", []string{"marie claire", "d'aubigne", "daubigne", "d aubigne", "d’aubigné", "dʼaubigne", "d‘aubigne", "d＇aubigne", "claire d"}},
		{"Anne-Sophie L'Hôte-Dupré", []string{"anne sophie", "lhote", "l hote dupre", "hotedupre", "annesophie"}},
		{"Łukasz Wójcik", []string{"lukasz", "wojcik", "Łukasz"}},
		{"Søren Ødegaard", []string{"soren", "odegaard", "sØren"}},
		{"Þóra Sigurðardóttir", []string{"thora", "sigurdardottir"}},
		{"Đorđe Ħalil", []string{"dorde", "halil"}},
		{"Iıİ Yıldız", []string{"iii", "yildiz"}},
		{"Ŀlorenç Ŀl", []string{"llorenc"}},
		{"Straße Œuvre Ægir Ĳssel", []string{"strasse", "oeuvre", "aegir", "ijssel"}},
		{"Cœurdevey", []string{"coeur", "coeurdevey"}},
		{"Nguyễn Trần", []string{"nguyen", "tran"}},
		{"Ｆｕｌｌｗｉｄｔｈ Ｎａｍｅ", []string{"fullwidth name"}},
		{"ﬁne ﬂow", []string{"fine flow"}},
		{"O’Brien", []string{"obrien", "o'brien", "o brien", "O`Brien"}},
		{"Jean  Pierre", []string{"jean-pierre", "jeanpierre"}},
		{"José.García", []string{"jose garcia", "josegarcia"}},
		{"Ŋgoné ĸaj Əli Ʒora", []string{"ngone", "qaj", "eli", "zora"}},
	} {
		u := app.User{Name: c.name, Email: "someone@company.example"}
		for _, typed := range c.typed {
			if !app.MatchesText(&u, typed) {
				t.Errorf("%q is not found by %q (search text %q, typed %q)", c.name, typed, app.SearchText(&u), app.FoldForSearch(typed))
			}
		}
	}
}

// TestSearchStaysWithinOneField: separators being insignificant never
// joins the end of a name to the start of the login.
func TestSearchStaysWithinOneField(t *testing.T) {
	u := app.User{Name: "Ana Lima", Email: "zed@company.example", RecoveryEmail: "perso@mail.example"}
	for typed, want := range map[string]bool{
		"limazed": false, "lima zed": false, "examplepers": false, "comp": true, "zed@comp": true, "persomail": true, "ana lima": true,
	} {
		if got := app.MatchesText(&u, typed); got != want {
			t.Errorf("MatchesText(%q) = %v, want %v", typed, got, want)
		}
	}
}

// randomName makes a name of letters from many scripts and blocks, with
// every kind of separator.
func randomName(r *rand.Rand) string {
	pools := []string{
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆß",
		"łøđħıŀþðŋĸəʒĳſǆǅǈ", "ŁØĐĦİĿÞÐŊƏƷĲẞ",
		"ąćęńóśźżčďěňřšťůžőűāēīūğşțș",
		"αβγδεζηθικλμνξοπρστυφχψωΆΈΉ", "абвгдежзийклмнопрстуфхцчшщъыьэюяЁ",
		"日本語中文한국어", "0123456789", "ﬁﬂＡＢｃ①²",
	}
	seps := []string{" ", "-", "'", "’", "ʼ", ".", "_", "  ", "\u00a0", "·", "‐", "–"}
	var b strings.Builder
	for range 1 + r.IntN(5) {
		if b.Len() > 0 {
			b.WriteString(seps[r.IntN(len(seps))])
		}
		pool := []rune(pools[r.IntN(len(pools))])
		for range 1 + r.IntN(8) {
			b.WriteRune(pool[r.IntN(len(pool))])
		}
	}
	return b.String()
}

// TestNameFoundByItsFoldedText: whatever a name holds, it is found by its
// own folded text, by that text with separators anywhere, and by any piece
// of it.
func TestNameFoundByItsFoldedText(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 11))
	for range 3000 {
		name := randomName(r)
		u := app.User{Name: name, Email: "x@company.example"}
		folded := app.FoldForSearch(name)
		if !app.MatchesText(&u, name) || !app.MatchesText(&u, folded) || !app.MatchesText(&u, app.Fold(name)) {
			t.Fatalf("%q is not found by itself (folded %q)", name, folded)
		}
		runes := []rune(folded)
		if len(runes) == 0 {
			continue
		}
		i := r.IntN(len(runes))
		j := i + 1 + r.IntN(len(runes)-i)
		piece := string(runes[i:j])
		if !app.MatchesText(&u, piece) {
			t.Fatalf("%q is not found by %q, a piece of its folded text %q", name, piece, folded)
		}
		if k := r.IntN(len(piece) + 1); utf8.ValidString(piece[:k]) && !app.MatchesText(&u, piece[:k]+" - "+piece[k:]) {
			t.Fatalf("%q is not found by %q with a separator inside", name, piece)
		}
	}
}

// TestLatinLettersFoldToWhatIsTyped checks the letters that NFKD leaves as
// they are, one by one.
func TestLatinLettersFoldToWhatIsTyped(t *testing.T) {
	for in, want := range map[string]string{
		"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ħ": "h", "Ħ": "h", "ı": "i", "İ": "i",
		"ŀ": "l", "Ŀ": "l", "þ": "th", "Þ": "th", "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
		"ĳ": "ij", "Ĳ": "ij", "ð": "d", "Ð": "d", "ŋ": "n", "ĸ": "q", "ə": "e", "Ə": "e", "ʒ": "z", "ſ": "s",
		"ƀ": "b", "ɨ": "i", "ŧ": "t", "ǥ": "g", "ɇ": "e", "ȼ": "c", "ǳ": "dz", "ǉ": "lj", "ꜳ": "aa", "ɔ": "o",
	} {
		if got := app.FoldForSearch(in); got != want {
			t.Errorf("FoldForSearch(%q) = %q, want %q", in, got, want)
		}
	}
	// Every letter of Latin-1 and Latin Extended-A folds to ASCII.
	for r := rune(0xC0); r <= 0x17F; r++ {
		if !unicode.IsLetter(r) {
			continue
		}
		if got := app.FoldForSearch(string(r)); got == "" || strings.IndexFunc(got, func(c rune) bool { return c >= 0x80 }) >= 0 {
			t.Errorf("FoldForSearch(%q U+%04X) = %q, not ASCII letters", r, r, got)
		}
	}
}

// FuzzFoldForSearch: folding is idempotent, keeps only letters and digits,
// leaves no upper case, and is Fold without its spaces.
func FuzzFoldForSearch(f *testing.F) {
	for _, s := range []string{"Jean-Noël", "O’Brien", "Łukasz  Ødegaard", "ﬁ İ ß", "\xff\x00a", "日本 語", "ŒUVRE", "İstanbul"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		folded := app.FoldForSearch(s)
		if again := app.FoldForSearch(folded); again != folded {
			t.Fatalf("not idempotent: %q → %q → %q", s, folded, again)
		}
		if i := strings.IndexFunc(folded, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mc, r)
		}); i >= 0 {
			t.Fatalf("%q folds to %q, which holds a separator", s, folded)
		}
		if strings.ToLower(folded) != folded {
			t.Fatalf("%q folds to %q, which keeps upper case", s, folded)
		}
		if words := strings.ReplaceAll(app.Fold(s), " ", ""); words != folded {
			t.Fatalf("Fold(%q) = %q, FoldForSearch = %q", s, app.Fold(s), folded)
		}
	})
}
