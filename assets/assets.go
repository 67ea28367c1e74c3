// Package assets holds what Sésame ships inside its binary: the list of
// common passwords that the policy refuses, the translations of the
// windows, the icon and the fonts of the printed hand-out.
package assets

import (
	"embed"
	_ "embed"
)

// CommonPasswords is the blocklist of common and breached passwords, one a
// line, most common first; lines starting with # are comments.
//
//go:embed common-passwords.txt
var CommonPasswords []byte

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
