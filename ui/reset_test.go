package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"sesame/app"
)

// The temporary password that the administrator typed for Paul: one that
// the policy would accept, so that only the service can say it is the
// temporary one.
const paulTemporary = "river copper lantern 42"

func withPaul(h *harness) {
	withCompany(h)
	h.addUser("paul.durand@acme.example", "Paul Durand", app.RoleEmployee, paulTemporary)
}

func TestResetIsEnforcedAfterTemporaryPassword(t *testing.T) {
	h := newHarnessIn(t, "en", withPaul)
	h.signIn("paul.durand@acme.example", paulTemporary)
	v := screen[*resetScreen](h)
	if h.s.user != nil {
		t.Fatal("signed in before the reset")
	}
	if h.focused() != v.form.password {
		t.Errorf("focus on %T, want the new password", h.focused())
	}
	// Before anything is typed: the requirements, no verdict, no way on.
	h.assertShows("Reset your password", "Your password needs:", "At least 15 characters (at most 256)",
		"Not a common password", "Not containing your name, your login or the company's name.")
	h.assertHides("Your account", "Sign out", "Administration", "Length:")
	if !v.submit.Disabled() {
		t.Error("Update is enabled on an empty form")
	}
	// Only Update, Cancel and the two fields can be reached.
	reachable := map[fyne.Focusable]bool{}
	for range 8 {
		reachable[h.focused()] = true
		h.press(fyne.KeyTab)
	}
	for f := range reachable {
		switch f {
		case v.form.password, v.form.confirm, v.cancel:
		default:
			t.Errorf("Tab reaches %T on the reset", f)
		}
	}
}

func TestResetGivesLiveFeedback(t *testing.T) {
	h := newHarnessIn(t, "en", withPaul)
	h.signIn("paul.durand@acme.example", paulTemporary)
	v := screen[*resetScreen](h)

	steps := []struct {
		typed, confirm string
		shows          []string
		ready          bool
	}{
		{typed: "paris", shows: []string{"Length: 5 characters (at least 15)", "It is too short: at least 15 characters, this one has 5.",
			"It is a common password"}},
		{typed: "Paris-75000-Paris", shows: []string{"It is too easy to guess: it is made of a common word, a postal code and a repeat (“paris”, 75000)"}},
		{typed: "je t aime mon amour", shows: []string{"It is too easy to guess: it is made of a well-known phrase,"}},
		{typed: "This.Is.My.Password", shows: []string{"It is a password from lists stolen from other sites, written with other spaces, separators, capitals or look-alike characters"}},
		{typed: "paul durand paris 2026", shows: []string{"Length: 22 characters", "It contains your name (\"durand\")."}},
		{typed: "acme acme acme acme", shows: []string{"It contains the company's name (\"acme\")."}},
		{typed: "1234567890123456", shows: []string{"It appears in lists of passwords stolen from other sites"}},
		{typed: "azertyuiop-2024!!", shows: []string{"It is too easy to guess: it is made of", "and a year (“azertyuiop”)"}},
		{typed: goodPassword, confirm: "violet tramway", shows: []string{"Strength: very strong", "The two passwords are not the same."}},
		{typed: goodPassword, confirm: goodPassword, ready: true},
	}
	for _, st := range steps {
		v.form.password.SetText("")
		test.Type(v.form.password, st.typed)
		v.form.confirm.SetText(st.confirm)
		h.assertShows(st.shows...)
		if got := !v.submit.Disabled(); got != st.ready {
			t.Errorf("%q / %q: Update enabled %v, want %v", st.typed, st.confirm, got, st.ready)
		}
	}
	h.assertHides("not the same", "It is too", "It contains", "It is a", "It appears")

	// Enter submits from the confirmation.
	h.canvas().Focus(v.form.confirm)
	h.press(fyne.KeyReturn)
	a := screen[*accountScreen](h)
	if h.s.user == nil || h.s.user.Email != "paul.durand@acme.example" {
		t.Fatalf("not signed in after the reset: %v", h.s.user)
	}
	if got := shown(a.note); got != "Your password is set. Use it from now on." {
		t.Errorf("note %q", got)
	}
	if v.temporary != "" {
		t.Error("the reset screen still holds the temporary password")
	}
	u, err := h.svc.User(h.ctx, "paul.durand@acme.example")
	if err != nil || u.State(h.clock.Now()) != app.StateActive {
		t.Errorf("password state %v, %v", u.State(h.clock.Now()), err)
	}
}

func TestResetShowsTheServiceReasons(t *testing.T) {
	h := newHarnessIn(t, "en", withPaul)
	h.signIn("paul.durand@acme.example", paulTemporary)
	v := screen[*resetScreen](h)
	test.Type(v.form.password, paulTemporary)
	test.Type(v.form.confirm, paulTemporary)
	if v.submit.Disabled() {
		t.Fatal("the policy alone accepts the temporary password: Update should be enabled")
	}
	test.Tap(v.submit)
	v = screen[*resetScreen](h)
	h.assertShows("It is the temporary password you were given: choose your own.")
	if !v.submit.Disabled() {
		t.Error("Update is enabled for a password the service refused")
	}
	test.Type(v.form.password, "!")
	h.assertHides("It is the temporary password")
}

func TestResetRefusesARecentPassword(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		h.addActiveUser("jeanne@acme.example", "Jeanne Martin", app.RoleEmployee, goodPassword)
		custom := paulTemporary
		if _, err := h.svc.UpdateUser(h.ctx, app.SystemActor("test"), "jeanne@acme.example",
			app.UserChange{TemporaryPassword: &custom, Custom: true}); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signIn("jeanne@acme.example", paulTemporary)
	v := screen[*resetScreen](h)
	test.Type(v.form.password, goodPassword)
	test.Type(v.form.confirm, goodPassword)
	test.Tap(v.submit)
	screen[*resetScreen](h)
	h.assertShows("You used this password recently: choose one that is not among your last 5.")
}

func TestResetCancelSignsOut(t *testing.T) {
	for _, how := range []string{"Cancel", "Escape", "idle", "close"} {
		t.Run(how, func(t *testing.T) {
			h := newHarnessIn(t, "en", withPaul)
			h.signIn("paul.durand@acme.example", paulTemporary)
			v := screen[*resetScreen](h)
			test.Type(v.form.password, "half typed")
			switch how {
			case "Cancel":
				test.Tap(v.cancel)
			case "Escape":
				h.press(fyne.KeyEscape)
			case "idle":
				h.clock.Advance(5 * time.Minute)
			case "close":
				h.close()
				if v.form.password.Text != "" || v.temporary != "" {
					t.Error("closing the window leaves a password behind")
				}
				return
			}
			in := screen[*signInScreen](h)
			if in.email.Text != "" || in.password.Text != "" {
				t.Errorf("the sign-in is not empty: %q", in.email.Text)
			}
			if h.s.user != nil {
				t.Error("still signed in")
			}
			if v.form.password.Text != "" || v.temporary != "" {
				t.Error("the reset left a password behind")
			}
			u, _ := h.svc.User(h.ctx, "paul.durand@acme.example")
			if u.State(h.clock.Now()) != app.StateTemporary {
				t.Errorf("password state %v, want still temporary", u.State(h.clock.Now()))
			}
			if !strings.Contains(shown(in.note), "signed out") {
				t.Errorf("note %q", shown(in.note))
			}
		})
	}
}

func TestResetWhenTemporaryExpiredMeanwhile(t *testing.T) {
	h := newHarnessIn(t, "en", withPaul)
	h.signIn("paul.durand@acme.example", paulTemporary)
	v := screen[*resetScreen](h)
	test.Type(v.form.password, goodPassword)
	test.Type(v.form.confirm, goodPassword)
	h.s.idle.halt() // else the idle sign-out comes first
	h.clock.Advance(24 * time.Hour)
	test.Tap(v.submit)
	in := screen[*signInScreen](h)
	if got, want := shown(in.problem), "This temporary password has expired: ask your administrator for a new one."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if in.email.Text != "paul.durand@acme.example" || h.s.user != nil {
		t.Errorf("e-mail %q, user %v", in.email.Text, h.s.user)
	}
}
