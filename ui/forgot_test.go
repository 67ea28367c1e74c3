package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

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
		test.Tap(in.forgot)
		v := screen[*forgotScreen](h)
		h.assertShows("Forgot your password?", "only an administrator can give you one",
			"Ask one of your administrators: Alice Admin, Bruno Admin.")
		said = append(said, shown(v.advice))
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
	test.Tap(screen[*signInScreen](h).forgot)
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
	test.Tap(screen[*signInScreen](h).forgot)
	h.assertShows("An administrator can help you get back into your account.", "Alice Admin")
	h.assertHides("only an administrator can give you one")
}
