package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

func TestAdminSections(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	a := h.signInAdmin()
	if a.current != sectionUsers || h.focused() != a.users.search {
		t.Fatalf("opens on section %d, focus on %T", a.current, h.focused())
	}
	if h.s.win.Canvas().Size().Width < adminWindow.Width {
		t.Errorf("the window was not enlarged for the administration: %v", h.s.win.Canvas().Size())
	}
	h.tap(a.nav[sectionSettings])
	h.assertShows("Undo the changes")
	h.assertHides("Add user")
	h.tap(a.nav[sectionAudit])
	h.assertShows("Export to CSV…")
	h.tap(a.nav[sectionAccount])
	v := screen[*accountScreen](h)
	h.assertShows("Your account", "Alice Admin", "Change password", "Sign out")
	if h.focused() != a.nav[sectionAccount] {
		t.Errorf("focus on %T", h.focused())
	}

	// Change password, then back: the administration shows the note.
	h.tap(v.change)
	c := h.page(pageChange)
	const next = "marble orchard whistle 2031"
	c.flow.inputs[0].SetText(goodPassword)
	h.settle()
	c.form.password.SetText(next)
	h.settle()
	c.form.confirm.SetText(next)
	h.settle()
	h.tapEnabled(c.submit)
	h.assertShows("Your password was changed.", "Users")
	if h.s.admin == nil || h.s.admin == a {
		t.Fatal("the administration was not built again")
	}
}

func TestAdminKeyboard(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	a := h.signInAdmin()
	u := a.users
	// Search, then Import…, Add user, the filters and Columns, then the table.
	h.press(fyne.KeyTab)
	if h.focused() != u.importB {
		t.Fatalf("Tab from the search: focus on %T", h.focused())
	}
	h.press(fyne.KeyTab)
	if h.focused() != u.add {
		t.Fatalf("Tab from Import…: focus on %T", h.focused())
	}
	h.press(fyne.KeyTab)
	if h.focused() != u.filters.status {
		t.Fatalf("Tab from Add user: focus on %T", h.focused())
	}
	for range 5 {
		h.press(fyne.KeyTab)
	}
	if h.focused() != u.colsButton {
		t.Fatalf("Tab after the filters: focus on %T", h.focused())
	}
	h.press(fyne.KeyTab)
	if h.focused() != u.table {
		t.Fatalf("Tab from Columns: focus on %T", h.focused())
	}
	// The section buttons are reached by Tab too, and Enter chooses one.
	h.canvas().Focus(a.nav[sectionAudit])
	h.press(fyne.KeyReturn)
	if a.current != sectionAudit || h.focused() != a.audit.who {
		t.Errorf("Enter on Audit log: section %d, focus on %T", a.current, h.focused())
	}
	// Add user with the keyboard; Escape closes the form.
	h.canvas().Focus(a.nav[sectionUsers])
	h.press(fyne.KeySpace)
	h.press(fyne.KeyTab)
	h.press(fyne.KeyTab)
	h.press(fyne.KeyReturn)
	if _, ok := u.panel.(*addUserView); !ok {
		t.Fatalf("Enter on Add user: panel %T", u.panel)
	}
	h.press(fyne.KeyEscape)
	if u.panel != nil {
		t.Error("Escape does not close the form")
	}
}

func TestAdminSignOutWipesTheCard(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	a := h.signInAdmin()
	c := h.openCard("jeanne")
	h.tapEnabled(c.generate)
	h.canvas().Focus(a.users.search)
	h.s.idle.limit = 0
	h.advance(5 * 60e9)
	screen[*signInScreen](h)
	if c.secret.text != "" || h.s.admin != nil {
		t.Error("the generated password outlives the session")
	}
}

func TestAdminFitsANarrowWindow(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		h := newHarnessIn(t, lang, withStaff)
		a := h.signInAdmin()
		h.s.win.Resize(fyne.NewSize(360, 640))
		fits := func(what string) {
			t.Helper()
			if w := h.s.win.Content().MinSize().Width; w > 360 {
				t.Errorf("%s: %s needs %.0f px", lang, what, w)
			}
		}
		fits("the users")
		h.openCard("jeanne")
		h.tapEnabled(a.users.panel.(*cardView).generate)
		fits("the card")
		h.tap(a.users.add)
		fits("the new user form")
		for _, sc := range []section{sectionSettings, sectionAudit, sectionMail, sectionAccount} {
			h.tap(a.nav[sc])
			fits([]string{"", "the settings", "the audit log", "the outbox", "the account"}[sc])
		}
	}
}

func TestAdminInFrench(t *testing.T) {
	h := newHarnessIn(t, "fr", withStaff)
	h.signInAdmin()
	h.assertShows("Administration", "Utilisateurs", "Paramètres", "Journal d'audit", "Votre compte",
		"Ajouter un utilisateur", "4 utilisateurs", "Nom", "E-mail de connexion", "État du mot de passe",
		"À changer — expire 26 nov. 2026, 09:00", "helene.lefevre@acme.example · sans boîte")
	c := h.openCard("jeanne")
	h.assertShows("Mot de passe et récupération", "E-mail de récupération", "Générer un nouveau mot de passe", "Saisir un mot de passe personnalisé", "Mettre à jour")
	h.tapEnabled(c.generate)
	h.tap(c.secret.copy)
	h.assertShows("Copié. Le presse-papiers sera vidé dans 30 secondes.")
	h.tapEnabled(c.update)
	h.assertShows("Jeanne Martin devra choisir un nouveau mot de passe à la prochaine connexion" + nbsp + "; ce mot de passe temporaire expire le 26 nov. 2026, 09:00.")
}
