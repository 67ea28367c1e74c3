package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"sesame/app"
)

func TestSignInOpensWithFocusOnEmail(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	v := screen[*signInScreen](h)
	if h.focused() != v.email {
		t.Fatalf("focus on %T, want the e-mail field", h.focused())
	}
	h.assertShows("Sign in", "Acme", "E-mail", "Password", "Forgot password?")
	h.press(fyne.KeyTab)
	if h.focused() != v.password {
		t.Errorf("Tab from the e-mail: focus on %T, want the password", h.focused())
	}
	h.press(fyne.KeyTab)
	if h.focused() != v.password.eye {
		t.Errorf("Tab from the password: focus on %T, want its eye", h.focused())
	}
	h.press(fyne.KeyTab)
	if h.focused() != v.signIn {
		t.Errorf("Tab from the eye: focus on %T, want Sign in", h.focused())
	}
}

func TestSignInEmployeeSeesOwnAccount(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		h.addActiveUser("jeanne.martin@acme.example", "Jeanne Martin", app.RoleEmployee, goodPassword)
	})
	h.signIn("  Jeanne.Martin@acme.example ", goodPassword)
	v := screen[*accountScreen](h)
	if v.admin != nil {
		t.Error("an employee sees the administration")
	}
	h.assertShows("Your account", "Jeanne Martin", "jeanne.martin@acme.example", "Employee",
		"Password last changed", "Nov 25, 2026, 09:00", "Change password", "Sign out")
	h.assertHides("Administration", goodPassword)
	if h.s.user == nil || h.s.user.Email != "jeanne.martin@acme.example" {
		t.Errorf("signed-in user %v", h.s.user)
	}
	if h.focused() != v.change {
		t.Errorf("focus on %T, want Change password", h.focused())
	}
}

func TestSignInAdministratorSeesAdministration(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	h.signIn("admin@acme.example", goodPassword)
	v := screen[*accountScreen](h)
	if v.admin == nil || h.s.admin == nil {
		t.Fatal("no administration for an administrator")
	}
	h.assertShows("Administration", "Users", "Settings", "Audit log", "Your account", "Alice Admin", "admin@acme.example")
	if h.focused() != h.s.admin.users.search {
		t.Errorf("focus on %T, want the search of users", h.focused())
	}
}

func TestSignInAdministrationIsPluggable(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	var got app.User
	h.s.adminView = func(_ *session, _ *scope, u app.User, account fyne.CanvasObject, _ string) fyne.CanvasObject {
		got = u
		return container.NewVBox(heading("Users"), account)
	}
	h.signIn("admin@acme.example", goodPassword)
	if got.Email != "admin@acme.example" {
		t.Fatalf("the administration was built for %q", got.Email)
	}
	h.assertShows("Users", "Your account", "Change password")
}

func TestSignInFailures(t *testing.T) {
	cases := []struct {
		name     string
		prepare  func(h *harness) // after the company and jeanne exist
		email    string
		password string
		want     string
	}{
		{name: "wrong password", email: "jeanne@acme.example", password: "not her password at all",
			want: "The e-mail or the password is wrong."},
		{name: "unknown e-mail", email: "nobody@acme.example", password: goodPassword,
			want: "The e-mail or the password is wrong."},
		{name: "disabled", email: "jeanne@acme.example", password: goodPassword,
			prepare: func(h *harness) {
				yes := true
				if _, err := h.svc.UpdateUser(h.ctx, app.SystemActor("test"), "jeanne@acme.example", app.UserChange{Disabled: &yes}); err != nil {
					t.Fatal(err)
				}
			},
			want: "This account is disabled: ask your administrator."},
		{name: "temporary expired", email: "paul@acme.example", password: "river copper lantern 42",
			prepare: func(h *harness) {
				h.addUser("paul@acme.example", "Paul Durand", app.RoleEmployee, "river copper lantern 42")
				h.advance(25 * time.Hour)
			},
			want: "This temporary password has expired: ask your administrator for a new one."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarnessIn(t, "en", func(h *harness) {
				withCompany(h)
				h.addActiveUser("jeanne@acme.example", "Jeanne Martin", app.RoleEmployee, goodPassword)
				if c.prepare != nil {
					c.prepare(h)
				}
			})
			h.signIn(c.email, c.password)
			v := screen[*signInScreen](h)
			if got := shown(v.problem); got != c.want {
				t.Errorf("message %q, want %q", got, c.want)
			}
			if v.password.Text != "" {
				t.Error("the password stays in its field after a failure")
			}
			if v.email.Text != c.email {
				t.Errorf("e-mail field %q, want it kept as %q", v.email.Text, c.email)
			}
			if h.focused() != v.password {
				t.Errorf("focus on %T, want the password field", h.focused())
			}
			if h.s.user != nil {
				t.Error("signed in after a failure")
			}
		})
	}
}

func TestSignInLockedSaysUntilWhen(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		h.addActiveUser("jeanne@acme.example", "Jeanne Martin", app.RoleEmployee, goodPassword)
	})
	for range 4 {
		h.signIn("jeanne@acme.example", "wrong guess number one")
	}
	h.advance(30 * time.Second)
	h.signIn("jeanne@acme.example", "wrong guess number five")
	v := screen[*signInScreen](h)
	// The fifth failure locks for one minute from 09:00:30, until 09:01:30:
	// said as 09:02, the minute rounded up, never too early.
	if got, want := shown(v.problem), "Too many failed attempts: locked until Nov 25, 2026, 09:02."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	h.signIn("jeanne@acme.example", goodPassword)
	if got := shown(screen[*signInScreen](h).problem); !strings.HasPrefix(got, "Too many failed attempts") {
		t.Errorf("the right password while locked: %q", got)
	}
	h.advance(2 * time.Minute)
	h.signIn("jeanne@acme.example", goodPassword)
	screen[*accountScreen](h)
}

func TestSignInAsksForMissingFields(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	v := screen[*signInScreen](h)
	h.press(fyne.KeyReturn)
	if got := shown(v.problem); got != "Enter your e-mail address." {
		t.Errorf("empty form: %q", got)
	}
	h.typeText("admin@acme.example")
	h.press(fyne.KeyReturn)
	if got := shown(v.problem); got != "Enter your password." {
		t.Errorf("no password: %q", got)
	}
	if h.focused() != v.password {
		t.Errorf("focus on %T, want the password", h.focused())
	}
}

func TestSignInIsBusyMeanwhile(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	v := screen[*signInScreen](h)
	h.typeInto(v.email, "admin@acme.example")
	h.typeInto(v.password, goodPassword)
	h.hold = true
	h.tap(v.signIn)
	if !v.signIn.Disabled() || !v.activity.Visible() {
		t.Error("Sign in stays enabled, with no activity shown, while the password is checked")
	}
	h.tap(v.signIn)
	h.press(fyne.KeyReturn)
	if len(h.jobs) != 1 {
		t.Errorf("%d sign-ins under way, want 1", len(h.jobs))
	}
	h.release()
	screen[*accountScreen](h)
	if v.signIn.Disabled() || v.activity.Visible() {
		t.Error("the sign-in is still busy after the answer")
	}
}

func TestSignInPasswordHasEye(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	v := screen[*signInScreen](h)
	h.typeInto(v.password, "secret words here")
	if !v.password.Password {
		t.Fatal("the password is not masked")
	}
	h.assertHides("secret words here")
	eye, ok := v.password.ActionItem.(fyne.Tappable)
	if !ok {
		t.Fatalf("the password field has no eye: %T", v.password.ActionItem)
	}
	h.tap(eye)
	if v.password.Password {
		t.Error("the eye does not reveal the password")
	}
	h.assertShows("secret words here")
}

func TestSignInPasteWorks(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	v := screen[*signInScreen](h)
	h.typeInto(v.email, "admin@acme.example")
	h.app.Clipboard().SetContent(goodPassword)
	h.canvas().Focus(v.password)
	v.password.TypedShortcut(&fyne.ShortcutPaste{Clipboard: h.app.Clipboard()})
	if v.password.Text != goodPassword {
		t.Fatalf("pasted %q", v.password.Text)
	}
	h.press(fyne.KeyReturn)
	screen[*accountScreen](h)
}
