package ui

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/font"
	"golang.org/x/text/unicode/norm"
)

// What is typed in a field is shown with glyphs the window's font has: a
// character that the font cannot draw (it would show as an empty box, so
// that the person cannot see what they typed) is shown in its compatibility
// form (Unicode NFKC) when the font draws that: "ＡＤＭＩＮ＠acme" is
// shown "ADMIN@acme", the login that Sésame reads from either (CheckEmail
// folds the same forms). In a field of e-mail addresses, the ideographic
// full stops that UTS #46 reads as dots are shown as dots.

// faces caches the parsed fonts of the theme, by resource name.
var faces sync.Map // string → *font.Face (nil: cannot be read)

// drawable reports whether the window's text font has a glyph for r. A
// font that cannot be read draws everything, as far as this knows.
func drawable(r rune) bool {
	a := fyne.CurrentApp()
	if a == nil {
		return true
	}
	res := a.Settings().Theme().Font(fyne.TextStyle{})
	if res == nil {
		return true
	}
	f, ok := faces.Load(res.Name())
	if !ok {
		face, err := font.ParseTTF(bytes.NewReader(res.Content()))
		if err != nil {
			face = nil
		}
		f, _ = faces.LoadOrStore(res.Name(), face)
	}
	face := f.(*font.Face)
	if face == nil {
		return true
	}
	_, has := face.NominalGlyph(r)
	return has
}

// idnaDots are the full stops that UTS #46 maps to "." in a domain.
const idnaDots = "\u3002\uff0e\uff61"

// showable returns text with each character that the font cannot draw
// replaced by its compatibility form, when the font draws that; in an
// e-mail field, the ideographic full stops become dots.
func showable(text string, email bool) string {
	if isASCII(text) { // every text font draws ASCII: the table's cells, mostly
		return text
	}
	var b strings.Builder
	changed := false
	for _, r := range text {
		if drawable(r) {
			b.WriteRune(r)
			continue
		}
		alt := norm.NFKC.String(string(r))
		if email && strings.ContainsRune(idnaDots, []rune(alt)[0]) {
			alt = "."
		}
		if alt == string(r) || strings.IndexFunc(alt, func(a rune) bool { return !drawable(a) }) >= 0 {
			b.WriteRune(r)
			continue
		}
		b.WriteString(alt)
		changed = true
	}
	if !changed {
		return text
	}
	return b.String()
}

// showableClipboard hands a field the clipboard's text made showable.
type showableClipboard struct {
	fyne.Clipboard
	email bool
}

func (c showableClipboard) Content() string { return showable(c.Clipboard.Content(), c.email) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
