package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"sesame/app"
)

func withJeanne(h *harness) {
	withCompany(h)
	h.addActiveUser("jeanne@acme.example", "Jeanne Martin", app.RoleEmployee, goodPassword)
}

func TestChangePassword(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	h.clock.Advance(time.Hour)
	h.signIn("jeanne@acme.example", goodPassword)
	test.Tap(screen[*accountScreen](h).change)
	v := screen[*changeScreen](h)
	if h.focused() != v.current {
		t.Errorf("focus on %T, want the current password", h.focused())
	}
	h.assertShows("Change your password", "Current password", "Your password needs:")

	const next = "marble orchard whistle 2031"
	test.Type(v.current, "not my password")
	test.Type(v.form.password, next)
	if !v.submit.Disabled() {
		t.Error("Update enabled before the confirmation")
	}
	test.Type(v.form.confirm, next)
	if v.submit.Disabled() {
		t.Fatal("Update disabled on a complete form")
	}
	test.Tap(v.submit)
	if got := shown(v.problem); got != "The current password is wrong." {
		t.Errorf("wrong current password: %q", got)
	}
	if v.current.Text != "" || h.focused() != v.current {
		t.Error("the wrong current password stays, or the focus is elsewhere")
	}

	h.typeText(goodPassword)
	h.press(fyne.KeyReturn) // on to the new password, already typed
	if h.focused() != v.form.password {
		t.Fatalf("Enter in the current password: focus on %T", h.focused())
	}
	h.canvas().Focus(v.form.confirm)
	h.press(fyne.KeyReturn)
	a := screen[*accountScreen](h)
	if got := shown(a.note); got != "Your password was changed." {
		t.Errorf("note %q", got)
	}
	h.assertShows("Nov 25, 2026 at 10:00")
	if _, err := h.svc.ChangePassword(h.ctx, "jeanne@acme.example", next, goodPassword+" again"); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
}

func TestChangePasswordCancel(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	h.signIn("jeanne@acme.example", goodPassword)
	test.Tap(screen[*accountScreen](h).change)
	v := screen[*changeScreen](h)
	test.Type(v.current, goodPassword)
	h.press(fyne.KeyEscape)
	screen[*accountScreen](h)
	if v.current.Text != "" {
		t.Error("the current password stays in the field left behind")
	}
	if h.s.user == nil {
		t.Error("Escape signed out")
	}
}

func TestChangePasswordSameAsCurrent(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	h.signIn("jeanne@acme.example", goodPassword)
	test.Tap(screen[*accountScreen](h).change)
	v := screen[*changeScreen](h)
	test.Type(v.current, goodPassword)
	test.Type(v.form.password, goodPassword)
	test.Type(v.form.confirm, goodPassword)
	test.Tap(v.submit)
	screen[*changeScreen](h)
	h.assertShows("It is your current password: choose a new one.")
}

func TestSignOutLeavesNothingBehind(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	h.signIn("jeanne@acme.example", goodPassword)
	test.Tap(screen[*accountScreen](h).change)
	v := screen[*changeScreen](h)

	// Reveal the current password with the eye, select it and copy it.
	test.Type(v.current, goodPassword)
	test.Tap(v.current.ActionItem.(fyne.Tappable))
	v.current.TypedShortcut(&fyne.ShortcutSelectAll{})
	v.current.TypedShortcut(&fyne.ShortcutCopy{Clipboard: h.app.Clipboard()})
	if h.app.Clipboard().Content() != goodPassword {
		t.Fatalf("clipboard %q after the copy", h.app.Clipboard().Content())
	}
	test.Type(v.form.password, "half")
	test.Tap(v.cancel)
	test.Tap(screen[*accountScreen](h).signOut)

	in := screen[*signInScreen](h)
	if in.email.Text != "" || in.password.Text != "" || h.focused() != in.email {
		t.Errorf("the sign-in is not empty and ready: %q", in.email.Text)
	}
	if h.s.user != nil {
		t.Error("still signed in")
	}
	if got := h.app.Clipboard().Content(); got != "" {
		t.Errorf("the clipboard keeps %q", got)
	}
	if v.current.Text != "" || v.form.password.Text != "" || !v.current.Password {
		t.Error("a password field keeps its text or stays revealed")
	}
	if got := shown(in.note); got != "You are signed out." {
		t.Errorf("note %q", got)
	}
}

func TestSignOutKeepsAClipboardThatIsNotAPassword(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	h.app.Clipboard().SetContent("shopping list")
	h.signIn("jeanne@acme.example", goodPassword)
	test.Tap(screen[*accountScreen](h).signOut)
	if got := h.app.Clipboard().Content(); got != "shopping list" {
		t.Errorf("clipboard %q", got)
	}
}

func TestIdleSignsOut(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withJeanne(h)
		if _, err := h.svc.UpdateSettings(h.ctx, app.SystemActor("test"), map[string]string{"session.idle": "2m"}); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signIn("jeanne@acme.example", goodPassword)
	test.Tap(screen[*accountScreen](h).change)
	v := screen[*changeScreen](h)

	h.clock.Advance(90 * time.Second)
	test.Type(v.current, "x") // activity puts the sign-out off
	h.clock.Advance(90 * time.Second)
	screen[*changeScreen](h)
	h.press(fyne.KeyTab)
	h.clock.Advance(110 * time.Second)
	screen[*changeScreen](h)
	h.clock.Advance(10 * time.Second)

	in := screen[*signInScreen](h)
	if got, want := shown(in.note), "You were signed out after 2 min without activity."; got != want {
		t.Errorf("note %q, want %q", got, want)
	}
	if h.s.user != nil || v.current.Text != "" {
		t.Error("the session or a password survives the idle time")
	}
	// Signed out, nothing more happens, however long the wait.
	h.clock.Advance(time.Hour)
	screen[*signInScreen](h)
}

func TestIdleCountsPointerActivity(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	h.signIn("jeanne@acme.example", goodPassword)
	for range 3 {
		h.clock.Advance(4 * time.Minute)
		test.MoveMouse(h.canvas(), fyne.NewPos(5, 5))
		test.TapCanvas(h.canvas(), fyne.NewPos(5, 5))
	}
	screen[*accountScreen](h)
	h.clock.Advance(5 * time.Minute)
	screen[*signInScreen](h)
}

func TestIdleEmptiesTheDoor(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	v := screen[*signInScreen](h)
	test.Type(v.email, "jeanne@acme.example")
	test.Type(v.password, goodPassword)
	h.clock.Advance(4 * time.Minute)
	if v.password.Text == "" {
		t.Fatal("the door was emptied before the idle time")
	}
	h.clock.Advance(time.Minute)
	in := screen[*signInScreen](h)
	if v.password.Text != "" || in.email.Text != "" || in.password.Text != "" {
		t.Error("a password typed and left on the door stays there")
	}
	if shown(in.note) != "" {
		t.Errorf("note %q: nobody was signed in", shown(in.note))
	}
	h.clock.Advance(time.Hour)
	if h.s.screen != in {
		t.Error("an empty door is shown again and again")
	}

	test.Tap(in.forgot)
	h.clock.Advance(5 * time.Minute)
	screen[*signInScreen](h)
}
