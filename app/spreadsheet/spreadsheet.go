// Package spreadsheet writes CSV files that spreadsheets open safely and
// as their users expect: UTF-8 with a byte-order mark (without it Excel
// reads UTF-8 as the machine's code page), the list separator of the
// language (French Excel splits on ";", English Excel on ","), and cells
// that a spreadsheet never runs as a formula (OWASP, "CSV Injection").
package spreadsheet

import (
	"encoding/csv"
	"io"
	"strings"
)

// BOM is the UTF-8 byte-order mark that tells a spreadsheet the file is
// UTF-8.
const BOM = "\uFEFF"

// Delimiter returns the field separator that Excel uses for a language
// ("fr" or "en"): ';' where the decimal separator is a comma, ',' otherwise.
func Delimiter(language string) rune {
	if language == "fr" {
		return ';'
	}
	return ','
}

// NewWriter writes the byte-order mark to w and returns a CSV writer that
// separates fields with delim and ends lines with CRLF, as Excel does.
// Cells are not guarded: pass them through Inert.
func NewWriter(w io.Writer, delim rune) (*csv.Writer, error) {
	if _, err := io.WriteString(w, BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.Comma = delim
	cw.UseCRLF = true
	return cw, nil
}

// formulaStart holds the first characters that make a spreadsheet read a
// cell as a formula: = + - @, and tab and carriage return, after which
// some spreadsheets look at the next character.
const formulaStart = "=+-@\t\r"

// StartsFormula reports whether a spreadsheet would read a cell holding s
// as a formula: s starts with one of = + - @, a tab or a carriage return.
func StartsFormula(s string) bool {
	return s != "" && strings.ContainsRune(formulaStart, rune(s[0]))
}

// Inert keeps a cell from being read as a formula: a cell that
// StartsFormula is written after an apostrophe, which spreadsheets show as
// text. Restore undoes it.
func Inert(s string) string {
	if StartsFormula(s) {
		return "'" + s
	}
	return s
}

// Restore reads back a cell written by Inert: an apostrophe followed by a
// character that starts a formula is removed. Any other cell is returned
// as it is.
func Restore(s string) string {
	if len(s) > 1 && s[0] == '\'' && StartsFormula(s[1:]) {
		return s[1:]
	}
	return s
}
