package cli

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"sesame/app"
)

// Visible returns a writer that passes text on with every character that a
// terminal would act on made visible: C0 controls other than newline and
// tab (and carriage return before a newline: CSV's line end), DEL and
// invalid bytes as \xHH, C1 controls (U+0080–U+009F, which
// some terminals read as escape sequences) and the bidirectional and line
// separator characters (which reorder or break what is shown, Trojan
// Source's CVE-2021-42574) as \uHHHH. No value from the database or the
// command line can then move the cursor, recolour or retitle the terminal,
// or hide text. JSON stays valid: its encoder escapes C0 controls itself,
// and \uHHHH is JSON's own escape for the others. Call Flush at the end.
func Visible(w io.Writer) *VisibleWriter {
	if v, ok := w.(*VisibleWriter); ok {
		return v
	}
	return &VisibleWriter{w: w}
}

// VisibleWriter is the writer of Visible.
type VisibleWriter struct {
	w       io.Writer
	pending []byte // the start of a character cut between two writes
}

// Write writes p with its controls made visible. It reports len(p) written
// when the escaped text is.
func (v *VisibleWriter) Write(p []byte) (int, error) {
	buf := append(v.pending, p...)
	v.pending = nil
	var out strings.Builder
	for len(buf) > 0 {
		r, size := utf8.DecodeRune(buf)
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(buf) {
				v.pending = append([]byte(nil), buf...) // wait for the rest
				break
			}
			fmt.Fprintf(&out, `\x%02x`, buf[0])
			buf = buf[1:]
			continue
		}
		switch {
		case r == '\n' || r == '\t':
			out.WriteRune(r)
		case r == '\r' && len(buf) == 1:
			v.pending = append([]byte(nil), buf...) // a line's end, if a newline follows
		case r == '\r' && buf[1] == '\n':
			out.WriteString("\r\n") // the line end of CSV (RFC 4180), as a terminal shows it
			size = 2
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&out, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, isBidiControl(r):
			fmt.Fprintf(&out, `\u%04x`, r)
		default:
			out.Write(buf[:size])
		}
		buf = buf[size:]
	}
	if _, err := io.WriteString(v.w, out.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what remains of a character cut short, made visible.
func (v *VisibleWriter) Flush() error {
	var out strings.Builder
	for _, b := range v.pending {
		fmt.Fprintf(&out, `\x%02x`, b)
	}
	v.pending = nil
	_, err := io.WriteString(v.w, out.String())
	return err
}

// isBidiControl reports the characters that change the order or the lines
// of what follows them (Unicode's Bidi_Control property, and the line and
// paragraph separators).
func isBidiControl(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
		r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// maxShown is how many characters of a value a message quotes.
const maxShown = 80

// shown is a value as a message quotes it: on one line, cut to maxShown
// characters with an ellipsis, an address followed by its unusual
// characters (see login).
func shown(s string) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) > maxShown {
		s = string([]rune(s)[:maxShown-1]) + "…"
	}
	return login(s)
}

// login is an address (or text holding addresses) followed by the
// characters in it that are not the usual ones of Latin-script addresses
// (app.DescribeUnusual), so that a person can tell apart two logins that
// look alike: "bоb@acme.example (о U+043E Cyrillic)".
func login(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	if d := app.DescribeUnusual(s); d != "" {
		return s + " (" + d + ")"
	}
	return s
}

// cutMessage cuts a message of the flag package, which quotes whole
// arguments, to a few lines' worth.
func cutMessage(s string) string {
	if r := []rune(s); len(r) > 3*maxShown {
		return string(r[:3*maxShown-1]) + "…"
	}
	return s
}
