package userfile

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"sesame/app"
)

// Encoding is the character encoding in which a file was written.
type Encoding string

// Encodings that Read recognises.
const (
	UTF8        Encoding = "utf-8"
	UTF8BOM     Encoding = "utf-8-bom"
	UTF16LE     Encoding = "utf-16le"
	UTF16BE     Encoding = "utf-16be"
	Windows1252 Encoding = "windows-1252"
)

// Message names the encoding for a person, with the Excel choice that
// writes it.
func (e Encoding) Message() app.Message {
	switch e {
	case UTF8BOM:
		return app.Msg("UTF-8 with a byte-order mark (Excel's \"CSV UTF-8\")")
	case UTF16LE, UTF16BE:
		return app.Msg("UTF-16 (Excel's \"Unicode text\")")
	case Windows1252:
		return app.Msg("Windows-1252 (Excel's \"CSV\" in Western Europe)")
	}
	return app.Msg("UTF-8")
}

// indexUndefined1252 returns the offset of the first byte that
// Windows-1252 leaves undefined (a file holding one is not Windows-1252
// text), or -1.
func indexUndefined1252(b []byte) int {
	for i, c := range b {
		switch c {
		case 0x81, 0x8d, 0x8f, 0x90, 0x9d:
			return i
		}
	}
	return -1
}

// decode turns the bytes of a file into text, deciding the encoding by
// validity alone: a byte-order mark says UTF-8 or UTF-16; without one, a
// file that is valid UTF-8 is UTF-8, and a file with no valid multi-byte
// UTF-8 sequence and no byte undefined in Windows-1252 is Windows-1252
// (what Excel writes as "CSV" on a Western European Windows). Anything else
// is refused with the line where it goes wrong, rather than read as
// mojibake.
func decode(b []byte) (string, Encoding, error) {
	switch {
	case len(bytes.TrimSpace(b)) == 0:
		return "", "", app.Errorf(app.EInvalid, "The file is empty.")
	case bytes.HasPrefix(b, []byte("PK\x03\x04")), bytes.HasPrefix(b, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return "", "", app.Errorf(app.EInvalid, "This is a spreadsheet workbook, not a CSV file: save it as \"CSV UTF-8\" (or \"CSV\") first.")
	case bytes.HasPrefix(b, []byte("\xef\xbb\xbf")):
		b = b[3:]
		if i := invalidUTF8(b); i >= 0 {
			return "", "", notEncoded(b, i, UTF8BOM)
		}
		return string(b), UTF8BOM, noNUL(b)
	case bytes.HasPrefix(b, []byte("\xff\xfe")):
		return decodeUTF16(b, unicode.LittleEndian, UTF16LE)
	case bytes.HasPrefix(b, []byte("\xfe\xff")):
		return decodeUTF16(b, unicode.BigEndian, UTF16BE)
	}
	i := invalidUTF8(b)
	if i < 0 {
		return string(b), UTF8, noNUL(b)
	}
	if hasMultibyteUTF8(b) {
		// Mostly UTF-8, broken at i: Windows-1252 would garble every accent.
		return "", "", notEncoded(b, i, UTF8)
	}
	if j := indexUndefined1252(b); j >= 0 {
		return "", "", notEncoded(b, j, Windows1252)
	}
	if err := noNUL(b); err != nil {
		return "", "", err
	}
	text, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return "", "", app.Internal(err)
	}
	return string(text), Windows1252, nil
}

func decodeUTF16(b []byte, order unicode.Endianness, e Encoding) (string, Encoding, error) {
	if len(b)%2 != 0 {
		return "", "", app.Errorf(app.EInvalid, "The file starts as UTF-16 but is cut in the middle of a character.")
	}
	text, err := unicode.UTF16(order, unicode.ExpectBOM).NewDecoder().Bytes(b)
	if err != nil {
		return "", "", app.Errorf(app.EInvalid, "The file starts as UTF-16 but is not valid UTF-16.")
	}
	if i := bytes.IndexRune(text, utf8.RuneError); i >= 0 {
		return "", "", notEncoded(text, i, e)
	}
	return string(text), e, noNUL(text)
}

// invalidUTF8 returns the offset of the first byte that is not valid
// UTF-8, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// hasMultibyteUTF8 reports whether b holds a well-formed UTF-8 sequence of
// two bytes or more.
func hasMultibyteUTF8(b []byte) bool {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if n > 1 && r != utf8.RuneError {
			return true
		}
		i += n
	}
	return false
}

// noNUL refuses text that holds a NUL character: a binary file, or UTF-16
// without its byte-order mark.
func noNUL(b []byte) error {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return app.Errorf(app.EInvalid, "Line {{.Line}} holds a NUL character: this is not a text file, or it is UTF-16 without a byte-order mark.",
			"Line", lineAt(b, i))
	}
	return nil
}

func notEncoded(b []byte, i int, e Encoding) error {
	return app.Errorf(app.EInvalid, "Line {{.Line}} is not valid {{.Encoding}} text: save the file again as \"CSV UTF-8\".",
		"Line", lineAt(b, i), "Encoding", e.name())
}

// name is the encoding's standard name, the same in every language.
func (e Encoding) name() string {
	switch e {
	case UTF16LE, UTF16BE:
		return "UTF-16"
	case Windows1252:
		return "Windows-1252"
	}
	return "UTF-8"
}

// lineAt returns the 1-based line of offset i.
func lineAt(b []byte, i int) int { return bytes.Count(b[:i], []byte("\n")) + 1 }
