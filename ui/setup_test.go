package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"sesame/app"
)

func TestFirstRunSetsUpTheCompany(t *testing.T) {
	h := newHarness(t)
	v := screen[*setupScreen](h)
	if h.focused() != v.company {
		t.Fatalf("focus on %T, want the company name", h.focused())
	}
	h.assertShows("Set up Sésame", "Company name", "Your e-mail", "Your name", "Your password needs:")
	if !v.create.Disabled() {
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
	if !v.create.Disabled() {
		t.Error("Create is enabled for a refused password")
	}
	v.form.password.SetText("")
	h.typeText(goodPassword)
	h.press(fyne.KeyReturn)
	if h.focused() != v.form.confirm {
		t.Fatalf("focus on %T, want the confirmation", h.focused())
	}
	h.typeText(goodPassword)
	if v.create.Disabled() {
		t.Fatal("Create is disabled on a complete form")
	}
	h.press(fyne.KeyReturn)

	in := screen[*signInScreen](h)
	if in.email.Text != "alice@acme.example" || h.focused() != in.password {
		t.Errorf("sign-in with %q, focus on %T", in.email.Text, h.focused())
	}
	if got := shown(in.note); got != "Acme is set up. Sign in with your new password." {
		t.Errorf("note %q", got)
	}
	if v.form.password.Text != "" || v.form.confirm.Text != "" {
		t.Error("the setup's password stays in its fields")
	}
	if empty, _ := h.svc.NeedsSetup(h.ctx); empty {
		t.Fatal("the database is still empty")
	}
	h.typeText(goodPassword)
	h.press(fyne.KeyReturn)
	a := screen[*accountScreen](h)
	if a.admin == nil {
		t.Error("the first user is not an administrator")
	}
}

func TestFirstRunShowsTheServiceErrors(t *testing.T) {
	h := newHarness(t)
	v := screen[*setupScreen](h)
	test.Type(v.company, "Acme")
	test.Type(v.email, "not an address")
	test.Type(v.name, "Alice Admin")
	test.Type(v.form.password, goodPassword)
	test.Type(v.form.confirm, goodPassword)
	test.Tap(v.create)
	screen[*setupScreen](h)
	if got, want := shown(v.problem), "\"not an address\" is not a valid e-mail address (expected name@domain)."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestFirstRunSetUpMeanwhile(t *testing.T) {
	h := newHarness(t)
	v := screen[*setupScreen](h)
	test.Type(v.company, "Acme")
	test.Type(v.email, "alice@acme.example")
	test.Type(v.name, "Alice Admin")
	test.Type(v.form.password, goodPassword)
	test.Type(v.form.confirm, goodPassword)
	withCompany(h) // from the command line, while the form was filled in
	test.Tap(v.create)
	in := screen[*signInScreen](h)
	h.assertShows("This database is already set up: it has users.")
	if in.email.Text != "" {
		t.Errorf("e-mail %q", in.email.Text)
	}
	if _, err := h.svc.User(h.ctx, "alice@acme.example"); app.CodeOf(err) != app.ENotFound {
		t.Errorf("the second setup created its administrator: %v", err)
	}
}
