package ui

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"sesame/ui/handout"
)

// saveDialog is the session's saveFile: the system's way of choosing where
// a file goes, opened in the folder of the last file saved, then save with
// the file open for writing, readable by its owner only, and its full
// path; cancelled when the person changes their mind.
func (s *session) saveDialog(name string, save func(w io.WriteCloser, path string), cancelled func()) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			cancelled()
			return
		}
		path := w.URI().Path()
		w.Close()
		f, err := openPrivate(path)
		if err != nil {
			fyne.LogError("Saving "+path, err)
			cancelled()
			return
		}
		if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(path))); err == nil {
			s.lastDir = dir
		}
		save(f, path)
	}, s.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{filepath.Ext(name)}))
	if s.lastDir != nil {
		d.SetLocation(s.lastDir)
	}
	d.Resize(fyne.NewSize(min(s.win.Canvas().Size().Width, 800), min(s.win.Canvas().Size().Height, 600)))
	d.Show()
}

// openPrivate creates the file at path for writing, readable and writable
// by its owner only (what Sésame writes names the company's people). The
// dialog has just created it, empty, with the usual mode: it is removed and
// made again exclusively, so that nobody can hold it open from before.
func openPrivate(path string) (*os.File, error) {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

// writeHandout writes a hand-out of temporary passwords into w in the
// format that path names (PDF slips, else CSV) and closes w.
func writeHandout(w io.WriteCloser, path string, sheet handout.Sheet) error {
	var err error
	if strings.EqualFold(filepath.Ext(path), ".pdf") {
		err = handout.WritePDF(w, sheet)
	} else {
		err = handout.WriteCSV(w, sheet)
	}
	// On the disk before the import forgets that it is to be handed out.
	if f, ok := w.(interface{ Sync() error }); ok && err == nil {
		err = f.Sync()
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}
