package ui

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"sesame/ui/handout"
)

// saveDialog is the session's saveFile: a file name and a folder (that of
// the last file saved, else the home folder), then save with the file
// created for writing, readable by its owner only, and its full path;
// cancelled when the person changes their mind. It never writes over a
// file, nor through a link: the system's save dialog would open the file
// chosen for writing, emptying it, or the file a link names, before Sésame
// could refuse.
func (s *session) saveDialog(name string, save func(w io.WriteCloser, path string), cancelled func()) {
	s.newSaveForm(name, save, cancelled).show()
}

// savedName is the name that a save proposes: base, then the date and time
// (a hand-out saved again later gets a name of its own), then ext.
func (s *session) savedName(base, ext string) string {
	return base + "-" + s.svc.Now().Local().Format("2006-01-02-1504") + ext
}

// saveForm is the save dialog's content.
type saveForm struct {
	s       *session
	folder  string
	ext     string // the extension the name must keep: the file's kind
	name    *entry
	where   *widget.Label
	problem *widget.Label // what is wrong with the name or the folder
	save    *button
	cancel  *button
	d       dialog.Dialog
	saved   bool
}

func (s *session) newSaveForm(name string, save func(w io.WriteCloser, path string), cancelled func()) *saveForm {
	f := &saveForm{s: s, ext: filepath.Ext(name)}
	if s.lastDir != nil {
		f.folder = s.lastDir.Path()
	} else if home, err := os.UserHomeDir(); err == nil {
		f.folder = home
	}
	f.name = s.newEntry("")
	f.name.SetText(name)
	f.name.OnChanged = func(string) { f.check() }
	f.name.OnSubmitted = func(string) { f.submit(save) }
	f.where = widget.NewLabel(f.folder)
	f.where.Wrapping = fyne.TextWrapBreak
	f.problem = widget.NewLabel("")
	f.problem.Wrapping, f.problem.Importance = fyne.TextWrapWord, widget.DangerImportance
	f.problem.Hide()
	f.save = s.newButton(lang.L("Save"), widget.HighImportance, func() { f.submit(save) })
	f.cancel = s.newButton(lang.L("Cancel"), widget.MediumImportance, func() { f.d.Hide() })
	other := s.newButton(lang.L("Another folder…"), widget.LowImportance, f.chooseFolder)
	form := widget.NewForm(widget.NewFormItem(lang.L("File name"), f.name),
		widget.NewFormItem(lang.L("Folder"), container.NewVBox(f.where, container.NewHBox(other))))
	f.d = dialog.NewCustomWithoutButtons(lang.L("Save as"),
		container.NewVBox(form, f.problem, container.NewHBox(layout.NewSpacer(), f.cancel, f.save)), s.win)
	// Escape anywhere in it closes the dialog, as Cancel does.
	hide := func() { f.d.Hide() }
	f.name.onEscape, f.save.onEscape, f.cancel.onEscape, other.onEscape = hide, hide, hide, hide
	f.d.SetOnClosed(func() {
		if !f.saved {
			cancelled()
		}
	})
	f.check()
	return f
}

func (f *saveForm) show() {
	size := f.s.win.Canvas().Size()
	f.d.Resize(fyne.NewSize(min(size.Width, 640), f.d.MinSize().Height))
	f.d.Show()
	f.s.win.Canvas().Focus(f.name)
}

// check says what is wrong with the name and folder, if anything, and
// offers Save only when nothing is.
func (f *saveForm) check() bool {
	err := checkSaveName(f.folder, strings.TrimSpace(f.name.Text), f.ext)
	if err == nil {
		f.problem.Hide()
		f.save.Enable()
		return true
	}
	say(f.problem, err.Error())
	f.problem.Show()
	f.save.Disable()
	return false
}

// submit creates the file and hands it to save, or says why not.
func (f *saveForm) submit(save func(w io.WriteCloser, path string)) {
	if !f.check() {
		return
	}
	path := filepath.Join(f.folder, strings.TrimSpace(f.name.Text))
	w, err := openPrivate(path)
	if err != nil {
		say(f.problem, saveProblem(f.folder, filepath.Base(path), err))
		f.problem.Show()
		return
	}
	f.saved = true
	if dir, err := storage.ListerForURI(storage.NewFileURI(f.folder)); err == nil {
		f.s.lastDir = dir
	}
	f.d.Hide()
	save(w, path)
}

// chooseFolder opens the system's folder dialog, which writes nothing.
func (f *saveForm) chooseFolder() {
	fd := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		f.folder = dir.Path()
		f.where.SetText(f.folder)
		f.check()
	}, f.s.win)
	if dir, err := storage.ListerForURI(storage.NewFileURI(f.folder)); err == nil {
		fd.SetLocation(dir)
	}
	size := f.s.win.Canvas().Size()
	fd.Resize(fyne.NewSize(min(size.Width, 800), min(size.Height, 600)))
	fd.Show()
}

// checkSaveName says what is wrong with saving a file named name, with
// extension ext, in folder: nil when it can be made there.
func checkSaveName(folder, name, ext string) error {
	switch {
	case name == "":
		return errors.New(lang.L("Give the file a name."))
	case strings.ContainsRune(name, os.PathSeparator) || name == "." || name == "..":
		return errors.New(lang.L("A file name cannot hold “/”: choose the folder below."))
	case !strings.EqualFold(filepath.Ext(name), ext):
		return errors.New(lang.L("The name must end in {{.Ext}}.", map[string]any{"Ext": ext}))
	}
	if _, err := os.Lstat(filepath.Join(folder, name)); err == nil {
		return errors.New(saveProblem(folder, name, fs.ErrExist))
	}
	if fi, err := os.Stat(folder); err != nil || !fi.IsDir() {
		return errors.New(saveProblem(folder, name, fs.ErrNotExist))
	}
	return nil
}

// saveProblem says, in words, why name cannot be made in folder.
func saveProblem(folder, name string, err error) string {
	switch {
	case errors.Is(err, fs.ErrExist):
		return lang.L("{{.Name}} already exists in this folder, and Sésame never writes over a file: choose another name.", map[string]any{"Name": name})
	case errors.Is(err, fs.ErrPermission):
		return lang.L("You may not write in {{.Folder}}: choose a folder of your own.", map[string]any{"Folder": folder})
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return lang.L("The folder {{.Folder}} cannot be found: choose another one.", map[string]any{"Folder": folder})
	}
	return lang.L("{{.Name}} cannot be written in {{.Folder}}: {{.Reason}}", map[string]any{"Name": name, "Folder": folder, "Reason": err.Error()})
}

// openPrivate creates the file at path for writing, readable and writable
// by its owner only (what Sésame writes names the company's people), and
// only if nothing is there, not even a link.
func openPrivate(path string) (*os.File, error) {
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
