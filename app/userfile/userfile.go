// Package userfile reads and writes the CSV files of users that
// administrators already have: Sésame's own export, Google Workspace's bulk
// upload and user download, Microsoft Entra's bulk-create template, Okta's
// import template, and a spreadsheet from HR as French or English Excel
// saves it. Reading detects the encoding, the delimiter and the format,
// and maps every row to the fields of a Sésame user with the row's
// problems; it knows nothing of the directory, so whether a login is free
// or an address valid is for the import use case to say.
package userfile

import (
	"strings"

	"sesame/app"
)

// Format is a kind of user file.
type Format string

// Formats, by the name that --format takes.
const (
	Sesame Format = "sesame" // what Sésame's export writes
	Google Format = "google" // Google Workspace bulk upload and user download
	Entra  Format = "entra"  // Microsoft Entra bulk-create template
	Okta   Format = "okta"   // Okta import template
	HR     Format = "hr"     // a spreadsheet from HR, French or English column names
)

// Formats lists every format, in the order in which detection tries them.
var Formats = []Format{Sesame, Entra, Google, Okta, HR}

// ParseFormat reads a format from its name.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Formats {
		if f == known {
			return f, nil
		}
	}
	return "", app.Errorf(app.EInvalid, "Unknown file format \"{{.Format}}\": use sesame, google, entra, okta or hr.", "Format", s)
}

// Message names the format for a person.
func (f Format) Message() app.Message {
	switch f {
	case Sesame:
		return app.Msg("Sésame export")
	case Google:
		return app.Msg("Google Workspace")
	case Entra:
		return app.Msg("Microsoft Entra bulk create")
	case Okta:
		return app.Msg("Okta import")
	}
	return app.Msg("HR spreadsheet")
}

// Record, Field and Problem are the import use case's own (app): a row
// mapped, the fields it gives, what is wrong with it.
type (
	Record  = app.ImportRecord
	Field   = app.ImportField
	Problem = app.ImportProblem
	Columns = app.ImportColumns
)

// Fields that a row may give.
const (
	FieldName          = app.ImportName
	FieldRole          = app.ImportRole
	FieldMailbox       = app.ImportMailbox
	FieldRecoveryEmail = app.ImportRecoveryEmail
	FieldDisabled      = app.ImportDisabled
	FieldPassword      = app.ImportPassword
)

// File is what Read found in a file: how it was written, and its rows.
type File struct {
	Format    Format
	Encoding  Encoding
	Delimiter rune
	HeaderRow int      // the row of the column names (rows above it are titles or Entra's version line)
	Ignored   []string // the columns that Sésame does not import, as the file names them
	// ExampleRows are the rows recognised as the example that a template
	// ships (Entra's "Chris Green"), skipped.
	ExampleRows []int
	Records     []Record // one per data row, blank rows left out, in file order
}

// ProblemRows returns the number of rows that have a problem.
func (f *File) ProblemRows() int {
	n := 0
	for i := range f.Records {
		if len(f.Records[i].Problems) > 0 {
			n++
		}
	}
	return n
}

// DelimiterMessage names a delimiter for a person.
func DelimiterMessage(d rune) app.Message {
	switch d {
	case ';':
		return app.Msg("semicolon (;)")
	case '\t':
		return app.Msg("tab")
	}
	return app.Msg("comma (,)")
}
