// Package assets holds what Sésame ships inside its binary: the list of
// common passwords that the policy refuses, the translations of the
// windows and the icon.
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
