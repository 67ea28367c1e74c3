package app

import (
	"crypto/rand"
	"math/big"
	"unicode"

	"sesame/app/spreadsheet"
)

// generatorAlphabet has no look-alikes (0 O o, 1 l I i, S s 5, Z z 2, B 8,
// G 6, g q 9, U V, c C, k K, p P, w W, x X, y Y) so that a password
// read aloud or copied by hand survives. 43 symbols: log2(43) ≈ 5.43 bits
// each, so 16 characters carry about 87 bits.
const generatorAlphabet = "ACDEFHJKLMNPQRTUWXY" + "adefhjmnrt" + "2345789" + "#%+=?@*"

// GeneratePassword returns a random password of n characters drawn without
// modulo bias from crypto/rand. It always holds a digit, an upper- and a
// lower-case letter so that it passes the composition rules of other
// systems that the user may paste it into, though Sésame has none; and it
// never starts with a character that makes a spreadsheet read it as a
// formula, so that a hand-out opened in Excel shows it as it is.
func GeneratePassword(n int) (string, error) {
	alphabet := []rune(generatorAlphabet)
	max := big.NewInt(int64(len(alphabet)))
	for {
		out := make([]rune, n)
		for i := range out {
			k, err := rand.Int(rand.Reader, max) // rejection sampling inside: no modulo bias
			if err != nil {
				return "", err
			}
			out[i] = alphabet[k.Int64()]
		}
		if (n < 4 || hasMix(out)) && !spreadsheet.StartsFormula(string(out)) {
			return string(out), nil
		}
	}
}

func hasMix(rs []rune) bool {
	var up, low, digit bool
	for _, r := range rs {
		up = up || unicode.IsUpper(r)
		low = low || unicode.IsLower(r)
		digit = digit || unicode.IsDigit(r)
	}
	return up && low && digit
}
