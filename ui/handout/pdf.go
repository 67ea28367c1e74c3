package handout

import (
	"io"
	"strings"
	"sync"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"sesame/assets"
)

// The page: A4 landscape cut in 3 × 3 slips of about 94 × 63 mm, with
// margins that every printer prints within. Lengths in millimetres, font
// sizes in points.
const (
	pageW, pageH     = 297.0, 210.0
	marginX, marginY = 8.0, 10.0
	columns, rows    = 3, 3
	perPage          = columns * rows
	slipW            = (pageW - 2*marginX) / columns
	slipH            = (pageH - 2*marginY) / rows
	pad              = 5.0
	textW            = slipW - 2*pad
	ptToMM           = 25.4 / 72
)

const (
	sans = "DejaVuSans"
	mono = "DejaVuSansMono"
)

// fonts are the parsed fonts, to tell which characters they can draw.
var (
	fontsOnce sync.Once
	parsed    map[string]*sfnt.Font
)

func loadFonts() {
	parsed = map[string]*sfnt.Font{}
	for name, b := range map[string][]byte{sans: assets.FontSans, mono: assets.FontMono} {
		if f, err := sfnt.Parse(b); err == nil {
			parsed[name] = f
		}
	}
}

// drawable returns s in composed form (NFC: "é" one character, as the
// fonts have it) with each character that font has no glyph for replaced by
// U+FFFD, so that a missing glyph shows as one and never upsets the layout.
func drawable(font, s string) string {
	fontsOnce.Do(loadFonts)
	f := parsed[font]
	var buf sfnt.Buffer
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		if f == nil || r > 0xFFFF {
			return '\uFFFD'
		}
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			return '\uFFFD'
		}
		return r
	}, norm.NFC.String(s))
}

// WritePDF writes the sheet as a printable PDF: A4 landscape, nine slips a
// page with dashed cut lines and crop marks, each with the company, the
// employee's name, the login, the temporary password in a monospace font,
// until when it is valid and that the employee will choose their own
// password at the first sign-in; a footer on each page says to destroy the
// slips not handed out. The text is real text, in embedded DejaVu fonts.
func WritePDF(w io.Writer, s Sheet) error {
	pdf := newPDF(s)
	pages := max(1, (len(s.Slips)+perPage-1)/perPage)
	for p := range pages {
		pdf.AddPage()
		n := min(perPage, len(s.Slips)-p*perPage)
		for i := range max(n, 0) {
			x := marginX + float64(i%columns)*slipW
			y := marginY + float64(i/columns)*slipH
			drawSlip(pdf, s, s.Slips[p*perPage+i], x, y)
		}
		drawCutMarks(pdf)
		footer := say(s.Language, "Cut along the dotted lines. Destroy the slips that are not handed out, and this sheet once they are.") +
			"   " + say(s.Language, "Page {{.N}} of {{.Total}}", "N", p+1, "Total", pages)
		pdf.SetFont(sans, "", 6.5)
		pdf.SetTextColor(110, 110, 110)
		pdf.SetXY(marginX, pageH-marginY+2.5)
		pdf.CellFormat(pageW-2*marginX, 3, drawable(sans, footer), "", 0, "C", false, 0, "")
	}
	return pdf.Output(w)
}

// newPDF starts the document: A4 landscape, no automatic page break, the
// fonts embedded.
func newPDF(s Sheet) *fpdf.Fpdf {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCellMargin(0)
	pdf.AddUTF8FontFromBytes(sans, "", assets.FontSans)
	pdf.AddUTF8FontFromBytes(mono, "", assets.FontMono)
	pdf.SetTitle(drawable(sans, say(s.Language, "Temporary passwords")+" – "+s.company()), true)
	pdf.SetCreator("Sésame", true)
	pdf.SetLang(s.Language)
	return pdf
}

// drawSlip draws one slip whose top left corner is at x, y and returns
// the height that its text takes.
func drawSlip(pdf *fpdf.Fpdf, s Sheet, sl Slip, x, y float64) float64 {
	top := y + pad - 1
	y = top
	line := func(font string, size float64, gray int, lines []string) {
		pdf.SetFont(font, "", size)
		pdf.SetTextColor(gray, gray, gray)
		h := size * ptToMM * 1.25
		for _, l := range lines {
			pdf.SetXY(x+pad, y)
			pdf.CellFormat(textW, h, l, "", 0, "L", false, 0, "")
			y += h
		}
	}
	fit := func(font string, text string, size, minSize float64, maxLines int, cut bool) (float64, []string) {
		text = drawable(font, text)
		for ; ; size -= 0.5 {
			pdf.SetFont(font, "", size)
			lines := pdf.SplitText(text, textW)
			if len(lines) <= maxLines || size-0.5 < minSize {
				if len(lines) > maxLines && cut {
					lines = lines[:maxLines]
					lines[maxLines-1] = strings.TrimRight(lines[maxLines-1], " ") + "…"
				}
				return size, lines
			}
		}
	}

	size, lines := fit(sans, s.company(), 8.5, 6, 1, true)
	line(sans, size, 110, lines)
	y += 0.5
	size, lines = fit(sans, sl.Name, 15, 8, 2, true)
	line(sans, size, 0, lines)
	y += 1.5

	line(sans, 7.5, 110, []string{drawable(sans, say(s.Language, "E-mail"))})
	size, lines = fit(mono, sl.Login, 12, 5, 1, false)
	line(mono, size, 0, lines)
	y += 1.5

	line(sans, 7.5, 110, []string{drawable(sans, say(s.Language, "Temporary password"))})
	size, lines = fit(mono, sl.Password, 20, 8, 1, false)
	boxH := float64(len(lines))*size*ptToMM*1.25 + 1.6
	pdf.SetFillColor(238, 238, 238)
	pdf.RoundedRect(x+pad-1.2, y-0.3, textW+2.4, boxH, 1.2, "1234", "F")
	y += 0.5
	line(mono, size, 0, lines)
	y += 1.6

	line(sans, 9, 0, []string{drawable(sans, say(s.Language, "Valid until {{.When}}", "When", s.validUntil(sl.ValidUntil)))})
	size, lines = fit(sans, say(s.Language, "You will choose your own password at the first sign-in."), 8.5, 7, 2, false)
	line(sans, size, 60, lines)
	return y - top
}

// drawCutMarks draws the cut lines of a full page, dashed along the slips'
// edges, and crop marks in the top, left and right margins where a
// guillotine's blade goes.
func drawCutMarks(pdf *fpdf.Fpdf) {
	pdf.SetDrawColor(150, 150, 150)
	pdf.SetLineWidth(0.2)
	pdf.SetDashPattern([]float64{1.5, 1.5}, 0)
	for c := range columns + 1 {
		x := marginX + float64(c)*slipW
		pdf.Line(x, marginY, x, pageH-marginY)
	}
	for r := range rows + 1 {
		y := marginY + float64(r)*slipH
		pdf.Line(marginX, y, pageW-marginX, y)
	}
	pdf.SetDashPattern(nil, 0)
	const tick = 4.0
	for c := range columns + 1 { // the bottom margin holds the footer
		x := marginX + float64(c)*slipW
		pdf.Line(x, marginY-tick-1, x, marginY-1)
	}
	for r := range rows + 1 {
		y := marginY + float64(r)*slipH
		pdf.Line(marginX-tick-1, y, marginX-1, y)
		pdf.Line(pageW-marginX+1, y, pageW-marginX+tick+1, y)
	}
}
