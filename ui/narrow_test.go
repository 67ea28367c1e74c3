package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
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

// TestNarrowAdministration: at 360 px, the sections of the administration
// are a list to choose from, not a bar of buttons that scrolls sideways;
// who is signed in and Sign out stay at the top; the audit's filters stand
// one below the other, each as wide as the window.
func TestNarrowAdministration(t *testing.T) {
	for _, language := range []string{"en", "fr"} {
		h := newHarnessIn(t, language, withStaff)
		a := h.signInAdmin()
		h.s.win.Resize(fyne.NewSize(360, 640))
		h.settle()
		if !a.navList.Visible() || a.navBar.Visible() {
			t.Fatalf("%s: at 360 px, the list is shown %v, the buttons %v", language, a.navList.Visible(), a.navBar.Visible())
		}
		for _, obj := range []fyne.CanvasObject{a.navList, a.signOut} {
			pos, size := h.at(obj)
			if pos.X < 0 || pos.X+size.Width > 360 || pos.Y+size.Height > 120 {
				t.Errorf("%s: %T at %v, %v: not in view at the top", language, obj, pos, size)
			}
		}
		// Choosing a section from the list shows it.
		a.navList.SetSelectedIndex(int(sectionAudit))
		h.settle()
		if a.current != sectionAudit {
			t.Fatalf("%s: the list chose section %d", language, a.current)
		}
		h.assertLaidOut()
		v := a.audit
		_, who := h.at(v.who)
		_, action := h.at(v.action)
		if who.Width < 300 || action.Width < 300 {
			t.Errorf("%s: the filters are %.0f and %.0f px wide at 360", language, who.Width, action.Width)
		}
		// Wide again: the buttons, the section chosen marked.
		h.s.win.Resize(adminWindow)
		h.settle()
		if a.navList.Visible() || !a.navBar.Visible() || a.nav[sectionAudit].Importance != widget.HighImportance {
			t.Errorf("%s: wide again, the list %v, the buttons %v", language, a.navList.Visible(), a.navBar.Visible())
		}
		// The action filter is never cut: it is as wide as its longest choice.
		_, action = h.at(v.action)
		if need := widestText(v.action.Options); action.Width < need {
			t.Errorf("%s: the action filter is %.0f px wide, its longest choice %.0f", language, action.Width, need)
		}
	}
}
