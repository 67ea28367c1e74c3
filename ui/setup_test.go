package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"sesame/app"
)

func TestFirstRunSetsUpTheCompany(t *testing.T) {
	h := newHarness(t)
	v := h.page(pageSetup)
	if h.focused() != v.flow.inputs[0] {
		t.Fatalf("focus on %T, want the company name", h.focused())
	}
	h.assertShows("Set up Sésame", "Company name", "Your e-mail", "Your name", "Your password needs:")
	if !v.submit.Disabled() {
		t.Error("Create is enabled on an empty form")
	}

	// By keyboard: Enter goes from field to field.
	h.typeText("Acme")
	h.press(fyne.KeyReturn)
	h.typeText("alice@acme.example")
	h.press(fyne.KeyReturn)
	h.typeText("Alice Admin")
	h.press(fyne.KeyReturn)
	if h.focused() != v.form.password {
		t.Fatalf("focus on %T, want the password", h.focused())
	}
	h.typeText("alice acme 2026!")
	h.assertShows("It contains your name (\"alice\").", "It contains the company's name (\"acme\").")
	if !v.submit.Disabled() {
		t.Error("Create is enabled for a refused password")
	}
	v.form.password.SetText("")
	h.settle()
	h.typeText(goodPassword)
	h.press(fyne.KeyReturn)
	if h.focused() != v.form.confirm {
		t.Fatalf("focus on %T, want the confirmation", h.focused())
	}
	h.typeText(goodPassword)
	if v.submit.Disabled() {
		t.Fatal("Create is disabled on a complete form")
	}
	h.press(fyne.KeyReturn)

	// The administrator is signed in at once: the password just chosen
	// twice is not asked for a third time.
	a := screen[*accountScreen](h)
	if a.admin == nil || h.s.user == nil || h.s.user.Email != "alice@acme.example" {
		t.Fatal("the first user is not signed in as an administrator")
	}
	h.assertShows("Acme is set up, and you are signed in as its administrator.", "Alice Admin", "Sign out")
	if v.form.password.Text != "" || v.form.confirm.Text != "" {
		t.Error("the setup's password stays in its fields")
	}
	if empty, _ := h.svc.NeedsSetup(h.ctx); empty {
		t.Fatal("the database is still empty")
	}
	if u := h.user("alice@acme.example"); u.LastSignInAt.IsZero() {
		t.Error("the sign-in is not recorded")
	}
}

func TestFirstRunShowsTheServiceErrors(t *testing.T) {
	h := newHarness(t)
	v := h.page(pageSetup)
	h.typeInto(v.flow.inputs[0], "Acme")
	h.typeInto(v.flow.inputs[1], "not an address")
	h.typeInto(v.flow.inputs[2], "Alice Admin")
	h.typeInto(v.form.password, goodPassword)
	h.typeInto(v.form.confirm, goodPassword)
	h.tap(v.submit)
	h.page(pageSetup)
	if got, want := shown(v.problem), "\"not an address\" is not a valid e-mail address (expected name@domain)."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestFirstRunSetUpMeanwhile(t *testing.T) {
	h := newHarness(t)
	v := h.page(pageSetup)
	h.typeInto(v.flow.inputs[0], "Acme")
	h.typeInto(v.flow.inputs[1], "alice@acme.example")
	h.typeInto(v.flow.inputs[2], "Alice Admin")
	h.typeInto(v.form.password, goodPassword)
	h.typeInto(v.form.confirm, goodPassword)
	withCompany(h) // from the command line, while the form was filled in
	h.tap(v.submit)
	in := screen[*signInScreen](h)
	h.assertShows("This database is already set up: it has users.")
	if in.email.Text != "" {
		t.Errorf("e-mail %q", in.email.Text)
	}
	if _, err := h.svc.User(h.ctx, "alice@acme.example"); app.CodeOf(err) != app.ENotFound {
		t.Errorf("the second setup created its administrator: %v", err)
	}
}
