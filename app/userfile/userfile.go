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

// Field is a bit set of the fields of a user that a row gives.
type Field uint8

// Fields that a row may give. The login is always given.
const (
	FieldName Field = 1 << iota
	FieldRole
	FieldMailbox
	FieldRecoveryEmail
	FieldDisabled
	FieldPassword // the row asks for a new temporary password (Password, or a generated one)
)

// Record is one data row of a file, mapped to the fields of a Sésame user.
// A field that the row leaves empty, or that the file has no column for,
// is not given: an import leaves it as it is (or at its default for a new
// user).
type Record struct {
	Row  int // the row as a spreadsheet numbers it (1 is the file's first line)
	Line int // the line of the text file where the row starts

	Login         string   // trimmed, as written; checked by the import
	Name          string   // the display name, else first name and last name
	Role          app.Role // when FieldRole
	HasMailbox    bool     // when FieldMailbox; false: a fictitious login
	RecoveryEmail string   // when FieldRecoveryEmail
	Disabled      bool     // when FieldDisabled
	// Password is a temporary password that the row gives; "" with
	// FieldPassword means "generate one". Every password that an
	// administrator sets is temporary: it is changed at the first sign-in.
	Password string
	Given    Field

	Problems []Problem // what is wrong with the row; an import skips a row that has any
}

// Has reports whether the row gives field f.
func (r *Record) Has(f Field) bool { return r.Given&f != 0 }

// Problem is what is wrong with a row, for a person to fix in the file.
type Problem struct {
	Row     int
	Column  string // the column as the file names it; "" for the whole row
	Message app.Message
}

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
