// Package assets holds what Sésame ships inside its binary: the lists that
// the password policy refuses or looks for (common and breached passwords,
// words, names, places, keyboard layouts), the translations of the windows
// and the command line, the icon and the fonts of the printed hand-out.
// The README names the source and licence of each list; assets/gen
// rebuilds them.
package assets

import (
	"embed"
	_ "embed"
)

// CommonPasswords is the blocklist of common passwords, one a line, most
// common first; lines starting with # are comments.
//
//go:embed common-passwords.txt
var CommonPasswords []byte

// Words holds the word lists of the strength estimate (words/*.txt): French
// and English words, first and last names, places, one a line, most common
// first, each under a header that names its source.
//
//go:embed words
var Words embed.FS

// Keyboards holds the keyboard layouts of the strength estimate (AZERTY,
// QWERTZ, QWERTY, Dvorak, keypads) as adjacency graphs, in the JSON of the
// npm package @zxcvbn-ts/language-common.
//
//go:embed keyboards.json
var Keyboards []byte

// BreachedPasswords is the binary fuse filter of passwords from breach
// corpuses (data/breach reads it).
//
//go:embed breached-passwords.bin
var BreachedPasswords []byte

// Translations holds the windows' strings, one JSON file per language
// (translations/en.json, translations/fr.json), keyed by the English text.
//
//go:embed translations
var Translations embed.FS

// Icon is the application's icon: a keyhole (PNG, 256 × 256).
//
//go:embed icon.png
var Icon []byte

// FontSans and FontMono are DejaVu Sans and DejaVu Sans Mono (TrueType,
// Bitstream Vera licence, fonts/LICENSE-DejaVu.txt): the text and the
// secrets of the printed hand-out, Latin, Greek and Cyrillic letters with
// every accent.
var (
	//go:embed fonts/DejaVuSans.ttf
	FontSans []byte
	//go:embed fonts/DejaVuSansMono.ttf
	FontMono []byte
)
