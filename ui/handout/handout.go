// Package handout makes the hand-out of temporary passwords for employees
// who have no mailbox (the fictitious logins): a CSV (login, name,
// temporary password, valid until) or a printable PDF of cut-out slips, in
// the company's language, saved readable by its owner only. The window and
// the command line both use it.
package handout

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sesame/app"
	"sesame/app/spreadsheet"
)

// Slip is what one employee is handed.
type Slip struct {
	Login      string
	Name       string
	Password   string // the temporary password, in clear
	ValidUntil time.Time
}

// Sheet is a hand-out: the slips of one import or bulk reset.
type Sheet struct {
	Company  string // the company's name; "" shows Sésame's
	Language string // the company's language, "en" or "fr" (app.Settings.Language)
	Slips    []Slip
}

func (s Sheet) company() string {
	if s.Company == "" {
		return "Sésame"
	}
	return s.Company
}

// validUntil writes a time as the window writes every time, in the
// company's language: "Mar 12, 2026, 17:30", "12 mars 2026, 17:30".
func (s Sheet) validUntil(t time.Time) string {
	t = t.Local()
	return say(s.Language, "{{.Month}} {{.Day}}, {{.Year}}, {{.Time}}",
		"Month", say(s.Language, t.Month().String()[:3]), "Day", t.Day(), "Year", t.Year(), "Time", t.Format("15:04"))
}

// WriteCSV writes the sheet as CSV: a header, then login, name, temporary
// password and valid until (in ISO 8601, with the zone's offset, as every
// CSV of Sésame), one employee a row, with the byte-order mark and the
// delimiter that Excel expects in the company's language. Every
// value that a spreadsheet would run as a formula is written after an
// apostrophe (spreadsheet.Inert); a generated password never starts so.
func WriteCSV(w io.Writer, s Sheet) error {
	cw, err := spreadsheet.NewWriter(w, spreadsheet.Delimiter(s.Language))
	if err != nil {
		return err
	}
	cw.Write([]string{say(s.Language, "E-mail"), say(s.Language, "Name"), say(s.Language, "Temporary password"),
		say(s.Language, "Valid until")})
	for _, sl := range s.Slips {
		cw.Write([]string{spreadsheet.Inert(sl.Login), spreadsheet.Inert(sl.Name), spreadsheet.Inert(sl.Password),
			sl.ValidUntil.Local().Format(time.RFC3339)})
	}
	cw.Flush()
	return cw.Error()
}

// CheckKind refuses a hand-out path whose extension is neither .pdf nor
// .csv, the two kinds Save writes: checked before anything is written.
func CheckKind(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pdf", ".csv":
		return nil
	}
	return app.Errorf(app.EInvalid, "The hand-out {{.Path}} must be a .pdf or a .csv file.", "Path", path)
}

// Save writes the sheet to path as a PDF or a CSV, by the path's extension
// (.pdf or .csv), readable and writable by its owner only (0600), and
// returns the absolute path written. It refuses an existing file unless
// overwrite is set, and never writes through a symbolic link or onto
// anything but a regular file; an existing file is replaced whole (a new
// file renamed over it), so it is never left half-written.
func Save(path string, s Sheet, overwrite bool) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", app.Errorf(app.EInvalid, "Cannot write the hand-out {{.Path}}: {{.Reason}}", "Path", path, "Reason", err.Error())
	}
	if err := CheckKind(abs); err != nil {
		return "", err
	}
	var content bytes.Buffer
	if strings.EqualFold(filepath.Ext(abs), ".pdf") {
		err = WritePDF(&content, s)
	} else {
		err = WriteCSV(&content, s)
	}
	if err != nil {
		return "", app.Internal(err)
	}

	fi, err := os.Lstat(abs)
	switch {
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return "", app.Errorf(app.EInvalid, "{{.Path}} is a symbolic link: Sésame does not write through links. Choose another name.", "Path", abs)
	case err == nil && !fi.Mode().IsRegular():
		return "", app.Errorf(app.EInvalid, "{{.Path}} exists and is not a file. Choose another name.", "Path", abs)
	case err == nil && !overwrite:
		return "", exists(abs)
	case err == nil:
		return abs, replace(abs, content.Bytes())
	case !errors.Is(err, fs.ErrNotExist):
		return "", cannotWrite(abs, err)
	}
	// O_EXCL: a file (or link) that appeared since is not opened.
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return "", exists(abs)
	}
	if err != nil {
		return "", cannotWrite(abs, err)
	}
	if err := writeClose(f, content.Bytes()); err != nil {
		os.Remove(abs)
		return "", cannotWrite(abs, err)
	}
	return abs, nil
}

// replace writes a new file beside path and renames it over path: rename
// replaces a link that appeared meanwhile rather than follow it.
func replace(path string, content []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*") // 0600
	if err != nil {
		return cannotWrite(path, err)
	}
	if err := writeClose(f, content); err != nil {
		os.Remove(f.Name())
		return cannotWrite(path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return cannotWrite(path, err)
	}
	return nil
}

func writeClose(f *os.File, content []byte) error {
	_, err := f.Write(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func exists(path string) error {
	return app.Errorf(app.EConflict, "{{.Path}} already exists: choose another name, or allow replacing it.", "Path", path)
}

func cannotWrite(path string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return &app.Error{Code: app.EForbidden, Err: err,
			Message: app.Msg("You may not write {{.Path}}: choose a folder of your own.", "Path", path)}
	}
	return &app.Error{Code: app.EInternal, Err: err,
		Message: app.Msg("Cannot write the hand-out {{.Path}}: {{.Reason}}", "Path", path, "Reason", fmt.Sprint(err))}
}
