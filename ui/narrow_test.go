package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestNarrowWindow checks that every screen fits a window 360 px wide, as
// the mobile version of the product does: wrapped text, no fixed widths.
func TestNarrowWindow(t *testing.T) {
	const width = 360
	fits := func(h *harness, name string) {
		t.Helper()
		h.s.win.Resize(fyne.NewSize(width, 640))
		if w := h.s.win.Content().MinSize().Width; w > width {
			t.Errorf("%s needs %.0f px of width, more than %d", name, w, width)
		}
	}

	setup := newHarness(t)
	fits(setup, "the setup")

	h := newHarnessIn(t, "fr", withPaul)
	h.s.opts.DatabasePath = "/home/someone/.config/sesame/" + strings.Repeat("a-very-long-folder-name/", 6) + "sesame.db"
	fits(h, "the sign-in")
	h.tap(screen[*signInScreen](h).forgot)
	fits(h, "the forgotten password")
	h.press(fyne.KeyEscape)
	h.signIn("paul.durand@acme.example", paulTemporary)
	r := h.page(pageReset)
	h.typeInto(r.form.password, "paul")
	fits(h, "the reset with its feedback")
	r.form.password.SetText(goodPassword)
	h.settle()
	r.form.confirm.SetText(goodPassword)
	h.settle()
	h.tap(r.submit)
	fits(h, "the account")
	h.tap(screen[*accountScreen](h).change)
	fits(h, "the change of password")
	h.tap(h.page(pageChange).back)
	h.tap(screen[*accountScreen](h).signOut)

	h.signIn("admin@acme.example", goodPassword)
	fits(h, "the administrator's account")
}
