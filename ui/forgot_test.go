package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"sesame/app"
)

func TestForgotPasswordNamesTheAdministrators(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withJeanne(h)
		h.addActiveUser("bruno@acme.example", "Bruno Admin", app.RoleAdmin, goodPassword)
	})
	var said []string
	for _, email := range []string{"jeanne@acme.example", "nobody@acme.example", ""} {
		in := screen[*signInScreen](h)
		in.email.SetText(email)
		h.settle()
		h.tap(in.forgot)
		v := screen[*forgotScreen](h)
		h.assertShows("Forgot your password?", "only an administrator can give you one",
			"Ask one of your administrators: Alice Admin, Bruno Admin.")
		said = append(said, shown(v.admins.text))
		if h.focused() != v.back {
			t.Errorf("focus on %T, want Back", h.focused())
		}
		h.press(fyne.KeyReturn)
		if got := screen[*signInScreen](h).email.Text; got != email {
			t.Errorf("back on the sign-in with %q, want %q", got, email)
		}
	}
	// Whether an account exists is never told.
	if said[0] != said[1] || said[1] != said[2] {
		t.Errorf("the advice depends on the e-mail typed: %q", said)
	}
}

func TestForgotPasswordWithOneAdministrator(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	h.tap(screen[*signInScreen](h).forgot)
	h.assertShows("Ask your administrator: Alice Admin.")
	h.press(fyne.KeyEscape)
	screen[*signInScreen](h)
}

func TestForgotPasswordWhenTheOptionIsOff(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		if _, err := h.svc.UpdateSettings(h.ctx, app.SystemActor("test"),
			map[string]string{"company.admin_password_management": "off"}); err != nil {
			h.t.Fatal(err)
		}
	})
	h.tap(screen[*signInScreen](h).forgot)
	h.assertShows("An administrator can help you get back into your account.", "Alice Admin")
	h.assertHides("only an administrator can give you one")
}

func TestForgotPasswordNamesAFewOfManyAdministrators(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		for _, name := range []string{"Bruno", "Chloé", "David", "Emma", "Farid", "Gaëlle"} {
			h.addUser(strings.ToLower(name)+"@acme.example", name+" Admin", app.RoleAdmin, "")
		}
	})
	h.tap(screen[*signInScreen](h).forgot)
	v := screen[*forgotScreen](h)
	// Five are named; that there are others is said, and a button names
	// them: "and 2 more" with no way to see them would be no help.
	h.assertShows("Ask one of your administrators: Alice Admin, Bruno Admin, Chloé Admin, David Admin, Emma Admin, or another administrator of your company.")
	h.assertHides("Farid")
	if !v.admins.more.Visible() {
		t.Fatal("no way to see the other administrators")
	}
	h.canvas().Focus(v.admins.more)
	h.press(fyne.KeyReturn)
	h.assertShows("Ask one of your administrators: Alice Admin, Bruno Admin, Chloé Admin, David Admin, Emma Admin, Farid Admin, Gaëlle Admin.")
	if v.admins.more.Visible() {
		t.Error("Show more stays once every administrator is named")
	}
}
