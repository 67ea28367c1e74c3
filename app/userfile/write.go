package userfile

import (
	"encoding/csv"
	"io"
	"strings"
	"time"

	"sesame/app"
	"sesame/app/spreadsheet"
)

// Headers are the column names that Writer writes for each format. Those
// of Google, Entra and Okta are the services' own, so that the file can be
// uploaded there; Sésame's are fixed English names, for the programs that
// read the file.
var Headers = map[Format][]string{
	Sesame: {colLogin, colName, colRole, colMailbox, colRecovery, colDisabled, colStatus, colLastSignIn, colCreated},
	Google: {"First Name [Required]", "Last Name [Required]", "Email Address [Required]", "Password [Required]",
		"Org Unit Path [Required]", "Recovery Email", "New Status [UPLOAD ONLY]"},
	Entra: {"Name [displayName] Required", "User name [userPrincipalName] Required",
		"Initial password [passwordProfile] Required", "Block sign in (Yes/No) [accountEnabled] Required",
		"First name [givenName]", "Last name [surname]"},
	Okta: {"login", "firstName", "lastName", "displayName", "email", "secondEmail"},
}

// entraVersion is the first line of Entra's template, which its upload
// requires.
const entraVersion = "version:v1.0"

// WriterOptions say what a Writer writes.
type WriterOptions struct {
	Format Format // Sesame, Google, Entra or Okta
	// Language is the administrator's ("en" or "fr"): the values are
	// separated as Excel expects in it (spreadsheet.Delimiter), so that it
	// opens the file in columns.
	Language string
	Now      time.Time // for the status column of Sésame's format
}

// Writer writes users in one of the formats that Read reads back: UTF-8
// with a byte-order mark, CRLF line ends, every value that a spreadsheet
// would run as a formula guarded (spreadsheet.Inert). It never writes a
// secret: Google's password column says "****" (leave it as it is), Entra's
// is empty.
type Writer struct {
	cw  *csv.Writer
	opt WriterOptions
	row []string
}

// NewWriter writes the byte-order mark and the header (after Entra's
// version line) to w.
func NewWriter(w io.Writer, opt WriterOptions) (*Writer, error) {
	header, ok := Headers[opt.Format]
	if !ok {
		return nil, app.Errorf(app.EInvalid, "Sésame cannot write the format \"{{.Format}}\": use sesame, google, entra or okta.",
			"Format", string(opt.Format))
	}
	cw, err := spreadsheet.NewWriter(w, spreadsheet.Delimiter(opt.Language))
	if err != nil {
		return nil, err
	}
	if opt.Format == Entra {
		if err := cw.Write([]string{entraVersion}); err != nil {
			return nil, err
		}
	}
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &Writer{cw: cw, opt: opt, row: make([]string, len(header))}, nil
}

// Write writes one user.
func (w *Writer) Write(u app.User) error {
	first, last := splitName(u.Name)
	switch w.opt.Format {
	case Sesame:
		w.set(u.Email, u.Name, string(u.Role), pick(u.HasMailbox, "yes", "no"), u.RecoveryEmail, pick(u.Disabled, "yes", "no"),
			string(u.State(w.opt.Now)), timestamp(u.LastSignInAt), timestamp(u.CreatedAt))
	case Google:
		w.set(first, last, u.Email, "****", "/", u.RecoveryEmail, pick(u.Disabled, "Suspended", "Active"))
	case Entra:
		w.set(u.Name, u.Email, "", pick(u.Disabled, "Yes", "No"), first, last)
	case Okta:
		w.set(u.Email, first, last, u.Name, u.Email, u.RecoveryEmail)
	}
	return w.cw.Write(w.row)
}

func (w *Writer) set(values ...string) {
	for i, v := range values {
		w.row[i] = spreadsheet.Inert(v)
	}
}

// Flush writes what is buffered and returns the first error of any write.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// splitName cuts a display name into a first name and a last name for the
// formats that want both: the first word, then the rest ("Marie de La
// Tour" → "Marie", "de La Tour"). Read joins them back with a space.
func splitName(name string) (first, last string) {
	first, last, _ = strings.Cut(strings.Join(strings.Fields(name), " "), " ")
	return first, last
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// timestamp writes a time in RFC 3339, UTC, to the second; "" for none.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
