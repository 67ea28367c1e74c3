package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

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
	v := h.page(pageReset)
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
	// Only the two fields, their eyes, and Cancel can be reached (Update
	// once the form is complete).
	reachable := map[fyne.Focusable]bool{}
	for range 10 {
		reachable[h.focused()] = true
		h.press(fyne.KeyTab)
	}
	for f := range reachable {
		switch f {
		case v.form.password, v.form.confirm, v.back, v.form.password.eye, v.form.confirm.eye:
		default:
			t.Errorf("Tab reaches %T on the reset", f)
		}
	}
	for _, eye := range []*button{v.form.password.eye, v.form.confirm.eye} {
		if !reachable[eye] {
			t.Error("an eye cannot be reached with Tab")
		}
	}
}

// TestResetEscapeAsksFirst: a stray Escape on the enforced reset does not
// sign out and lose what was typed: it asks, and Stay (or Escape again)
// keeps it all.
func TestResetEscapeAsksFirst(t *testing.T) {
	h := newHarnessIn(t, "en", withPaul)
	h.signIn("paul.durand@acme.example", paulTemporary)
	v := h.page(pageReset)
	h.typeInto(v.form.password, goodPassword)
	h.press(fyne.KeyEscape)
	if h.page(pageReset) != v || !v.question.open() {
		t.Fatal("Escape on the reset does not ask first")
	}
	h.assertShows("Your new password is not saved. Signing out leaves the temporary password as it is.", "Sign out", "Stay")
	if h.focused() != v.question.no {
		t.Errorf("focus on %T, want Stay", h.focused())
	}
	h.press(fyne.KeyEscape)
	if v.question.open() || v.form.password.Text != goodPassword || v.held != paulTemporary {
		t.Fatal("Escape on the question lost the reset")
	}
	h.press(fyne.KeyEscape)
	h.tap(v.question.no)
	if h.page(pageReset) != v || v.form.password.Text != goodPassword {
		t.Fatal("Stay lost the reset")
	}
}

func TestResetGivesLiveFeedback(t *testing.T) {
	h := newHarnessIn(t, "en", withPaul)
	h.signIn("paul.durand@acme.example", paulTemporary)
	v := h.page(pageReset)

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
		h.settle()
		h.typeInto(v.form.password, st.typed)
		v.form.confirm.SetText(st.confirm)
		h.settle()
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
	if v.held != "" {
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
	v := h.page(pageReset)
	h.typeInto(v.form.password, paulTemporary)
	h.typeInto(v.form.confirm, paulTemporary)
	if v.submit.Disabled() {
		t.Fatal("the policy alone accepts the temporary password: Update should be enabled")
	}
	h.tap(v.submit)
	v = h.page(pageReset)
	h.assertShows("It is the temporary password you were given: choose your own.")
	if !v.submit.Disabled() {
		t.Error("Update is enabled for a password the service refused")
	}
	h.typeInto(v.form.password, "!")
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
	v := h.page(pageReset)
	h.typeInto(v.form.password, goodPassword)
	h.typeInto(v.form.confirm, goodPassword)
	h.tap(v.submit)
	h.page(pageReset)
	h.assertShows("You used this password recently: choose one that is not among your last 5.")
}

func TestResetCancelSignsOut(t *testing.T) {
	for _, how := range []string{"Cancel", "Escape", "idle", "close"} {
		t.Run(how, func(t *testing.T) {
			h := newHarnessIn(t, "en", withPaul)
			h.signIn("paul.durand@acme.example", paulTemporary)
			v := h.page(pageReset)
			h.typeInto(v.form.password, "half typed")
			switch how {
			case "Cancel":
				h.tap(v.back)
				h.tap(v.question.yes)
			case "Escape":
				h.press(fyne.KeyEscape)
				h.press(fyne.KeyTab) // from Stay to Sign out
				h.press(fyne.KeyReturn)
			case "idle":
				h.advance(5 * time.Minute)
			case "close":
				h.close()
				if v.form.password.Text != "" || v.held != "" {
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
			if v.form.password.Text != "" || v.held != "" {
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
	v := h.page(pageReset)
	h.typeInto(v.form.password, goodPassword)
	h.typeInto(v.form.confirm, goodPassword)
	h.s.idle.halt() // else the idle sign-out comes first
	h.advance(24 * time.Hour)
	h.tap(v.submit)
	in := screen[*signInScreen](h)
	if got, want := shown(in.problem), "This temporary password has expired: ask your administrator for a new one."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if in.email.Text != "paul.durand@acme.example" || h.s.user != nil {
		t.Errorf("e-mail %q, user %v", in.email.Text, h.s.user)
	}
}

// TestLiveCheckSaysWhatTheSubmitSays: the temporary password typed as the
// new one on the reset, or the current one on a change, is refused as
// typed, as the submit refuses it: "This password can be used" is never
// said of it, and "Strength: strong" never stands beside a refusal.
func TestLiveCheckSaysWhatTheSubmitSays(t *testing.T) {
	h := newHarnessIn(t, "en", withPaul)
	h.signIn("paul.durand@acme.example", paulTemporary)
	v := h.page(pageReset)
	h.typeInto(v.form.password, paulTemporary)
	h.typeInto(v.form.confirm, paulTemporary)
	h.assertHides("This password can be used.")
	h.advance(wholeCheckDelay) // the typing pauses: every rule is applied
	h.assertShows("It is the temporary password you were given: choose your own.", "Strength: cannot be used, see why below")
	h.assertHides("This password can be used.", "Strength: strong", "Strength: very strong")
	if !v.submit.Disabled() {
		t.Error("Update enabled for the temporary password")
	}
	// A password the policy accepts: said once every rule is applied.
	v.form.password.SetText(goodPassword)
	v.form.confirm.SetText(goodPassword)
	h.settle()
	h.assertShows("Checking it against your previous passwords…")
	h.advance(wholeCheckDelay)
	h.assertShows("This password can be used.", "Strength: very strong")
	h.tapEnabled(v.submit)

	// The current password on a change.
	h.tap(screen[*accountScreen](h).change)
	c := h.page(pageChange)
	h.typeInto(c.flow.inputs[0], goodPassword)
	h.typeInto(c.form.password, goodPassword)
	h.advance(wholeCheckDelay)
	h.assertShows("It is your current password: choose a new one.")
	h.assertHides("This password can be used.", "Strength: very strong")
	// A password given up two changes ago.
	if _, err := h.svc.ChangePassword(h.ctx, "paul.durand@acme.example", goodPassword, "quiet lantern meadow 1954"); err != nil {
		t.Fatal(err)
	}
	h.typeInto(c.form.password, " ")
	c.form.password.SetText(goodPassword)
	h.advance(wholeCheckDelay)
	h.assertShows("You used this password recently: choose one that is not among your last 5.")
	h.assertHides("This password can be used.")
}

// TestLengthSaysOneCharacter: "1 character", not "1 characters".
func TestLengthSaysOneCharacter(t *testing.T) {
	for _, c := range []struct{ lang, one, many string }{
		{"en", "Length: 1 character (at least 15)", "Length: 2 characters (at least 15)"},
		{"fr", "Longueur\u00a0: 1 caractère (au moins 15)", "Longueur\u00a0: 2 caractères (au moins 15)"},
	} {
		h := newHarnessIn(t, c.lang, withPaul)
		h.signIn("paul.durand@acme.example", paulTemporary)
		v := h.page(pageReset)
		h.typeInto(v.form.password, "x")
		h.assertShows(c.one)
		h.typeInto(v.form.password, "y")
		h.assertShows(c.many)
	}
}

// TestStrengthMeter: very weak fills one segment of five, not the whole
// bar; very strong fills five.
func TestStrengthMeter(t *testing.T) {
	h := newHarnessIn(t, "en", nil)
	_ = h
	m := newStrengthMeter()
	filled := func() int {
		test.WidgetRenderer(m).Refresh()
		n := 0
		for _, b := range m.bars {
			if b.FillColor != theme.Color(theme.ColorNameInputBorder) {
				n++
			}
		}
		return n
	}
	for score, want := range []int{1, 2, 3, 4, 5} {
		m.set(score, false)
		if got := filled(); got != want {
			t.Errorf("score %d fills %d segments, want %d", score, got, want)
		}
	}
	m.set(0, false)
	if m.text() != "Strength: very weak" {
		t.Errorf("score 0 says %q", m.text())
	}
}
