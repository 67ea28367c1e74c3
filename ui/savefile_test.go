package ui

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestSaveDialogNeverWritesOverAFile: the save dialog offers a name in the
// home folder, refuses a name already taken there — a file, a link to
// another file, a folder — and a name of the wrong kind, leaving them as
// they are, and creates a new file readable by its owner only.
func TestSaveDialogNeverWritesOverAFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	h := newHarnessIn(t, "en", nil)
	victim := filepath.Join(t.TempDir(), "precious.txt")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "taken.pdf"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(home, "link.pdf")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(home, "folder.pdf"), 0o755); err != nil {
		t.Fatal(err)
	}

	var savedTo string
	cancelled := false
	f := h.s.newSaveForm("temporary-passwords.pdf", func(w io.WriteCloser, path string) {
		savedTo = path
		io.WriteString(w, "slips")
		w.Close()
	}, func() { cancelled = true })
	f.show()
	h.settle()
	field, ok := h.canvas().Focused().(*entry)
	if !ok || field.Text != "temporary-passwords.pdf" || f.where.Text != home || f.save.Disabled() {
		t.Fatalf("the name is not offered in a focused entry, in %s: %#v", f.where.Text, h.canvas().Focused())
	}
	for name, want := range map[string]string{
		"taken.pdf": "already exists", "link.pdf": "already exists", "folder.pdf": "already exists",
		"slips.txt": "must end in .pdf", "": "Give the file a name", "a/b.pdf": "cannot hold",
	} {
		field.SetText(name)
		if !f.problem.Visible() || !strings.Contains(f.problem.Text, want) || !f.save.Disabled() {
			t.Errorf("%q: %q (shown %v, Save disabled %v), want %q", name, f.problem.Text, f.problem.Visible(), f.save.Disabled(), want)
		}
		field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		h.settle()
		if savedTo != "" || cancelled {
			t.Fatalf("%q: saved to %q (cancelled %v)", name, savedTo, cancelled)
		}
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "precious" {
		t.Errorf("the file a link names: %q, %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(home, "taken.pdf")); err != nil || string(b) != "mine" {
		t.Errorf("the file already there: %q, %v", b, err)
	}

	field.SetText("slips.pdf")
	field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.settle()
	want := filepath.Join(home, "slips.pdf")
	if savedTo != want || cancelled {
		t.Fatalf("saved to %q (cancelled %v), want %q", savedTo, cancelled, want)
	}
	if fi, err := os.Stat(want); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the hand-out: %v, %v", fi, err)
	}
	if h.s.lastDir == nil || h.s.lastDir.Path() != home {
		t.Errorf("the next save does not start in %s: %v", home, h.s.lastDir)
	}

	// Cancelled: nothing is written.
	cancelled = false
	f = h.s.newSaveForm("users.csv", func(io.WriteCloser, string) { t.Error("saved after Cancel") }, func() { cancelled = true })
	f.show()
	h.settle()
	h.tap(f.cancel)
	if !cancelled {
		t.Error("Cancel did not cancel")
	}
	if _, err := os.Lstat(filepath.Join(home, "users.csv")); err == nil {
		t.Error("a file was written after Cancel")
	}

	// Escape in the name closes it as Cancel does.
	cancelled = false
	f = h.s.newSaveForm("users.csv", func(io.WriteCloser, string) { t.Error("saved after Escape") }, func() { cancelled = true })
	f.show()
	h.settle()
	h.canvas().Focus(f.name)
	h.press(fyne.KeyEscape)
	if !cancelled {
		t.Error("Escape did not close the dialog")
	}
}
