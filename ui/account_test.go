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
	h.advance(time.Hour)
	h.signIn("jeanne@acme.example", goodPassword)
	h.tap(screen[*accountScreen](h).change)
	v := h.page(pageChange)
	if h.focused() != v.flow.inputs[0] {
		t.Errorf("focus on %T, want the current password", h.focused())
	}
	h.assertShows("Change your password", "Current password", "Your password needs:")

	const next = "marble orchard whistle 2031"
	h.typeInto(v.flow.inputs[0], "not my password")
	h.typeInto(v.form.password, next)
	if !v.submit.Disabled() {
		t.Error("Update enabled before the confirmation")
	}
	h.typeInto(v.form.confirm, next)
	if v.submit.Disabled() {
		t.Fatal("Update disabled on a complete form")
	}
	h.tap(v.submit)
	if got := shown(v.problem); got != "The current password is wrong." {
		t.Errorf("wrong current password: %q", got)
	}
	if v.flow.inputs[0].Text != "" || h.focused() != v.flow.inputs[0] {
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
	h.assertShows("Nov 25, 2026, 10:00")
	if _, err := h.svc.ChangePassword(h.ctx, "jeanne@acme.example", next, goodPassword+" again"); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
}

func TestChangePasswordCancel(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	h.signIn("jeanne@acme.example", goodPassword)
	h.tap(screen[*accountScreen](h).change)
	h.page(pageChange)
	// With nothing typed, Escape goes back at once.
	h.press(fyne.KeyEscape)
	screen[*accountScreen](h)
	h.tap(screen[*accountScreen](h).change)
	v := h.page(pageChange)
	// With something typed, it asks first; Escape again stays.
	h.typeInto(v.flow.inputs[0], goodPassword)
	h.press(fyne.KeyEscape)
	if !v.question.open() || h.focused() != v.question.no {
		t.Fatalf("Escape with a password typed: question %v, focus on %T", v.question.open(), h.focused())
	}
	h.assertShows("Your new password is not saved.", "Leave without saving", "Stay")
	h.press(fyne.KeyEscape)
	if v.question.open() || v.flow.inputs[0].Text != goodPassword {
		t.Fatal("Escape on the question does not stay")
	}
	h.tap(v.back)
	h.tap(v.question.yes)
	screen[*accountScreen](h)
	if v.flow.inputs[0].Text != "" {
		t.Error("the current password stays in the field left behind")
	}
	if h.s.user == nil {
		t.Error("Escape signed out")
	}
}

func TestChangePasswordSameAsCurrent(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	h.signIn("jeanne@acme.example", goodPassword)
	h.tap(screen[*accountScreen](h).change)
	v := h.page(pageChange)
	h.typeInto(v.flow.inputs[0], goodPassword)
	h.typeInto(v.form.password, goodPassword)
	h.typeInto(v.form.confirm, goodPassword)
	h.tap(v.submit)
	h.page(pageChange)
	h.assertShows("It is your current password: choose a new one.")
}

func TestSignOutLeavesNothingBehind(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	h.signIn("jeanne@acme.example", goodPassword)
	h.tap(screen[*accountScreen](h).change)
	v := h.page(pageChange)

	// Reveal the current password with the eye, select it and copy it.
	h.typeInto(v.flow.inputs[0], goodPassword)
	h.tap(v.flow.inputs[0].ActionItem.(fyne.Tappable))
	v.flow.inputs[0].TypedShortcut(&fyne.ShortcutSelectAll{})
	v.flow.inputs[0].TypedShortcut(&fyne.ShortcutCopy{Clipboard: h.app.Clipboard()})
	if h.app.Clipboard().Content() != goodPassword {
		t.Fatalf("clipboard %q after the copy", h.app.Clipboard().Content())
	}
	h.typeInto(v.form.password, "half")
	h.tap(v.back)
	h.tap(v.question.yes)
	h.tap(screen[*accountScreen](h).signOut)

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
	if v.flow.inputs[0].Text != "" || v.form.password.Text != "" || !v.flow.inputs[0].Password {
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
	h.tap(screen[*accountScreen](h).signOut)
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
	h.tap(screen[*accountScreen](h).change)
	v := h.page(pageChange)

	h.advance(90 * time.Second)
	h.typeInto(v.flow.inputs[0], "x") // activity puts the sign-out off
	h.advance(90 * time.Second)
	h.page(pageChange)
	h.press(fyne.KeyTab)
	h.advance(110 * time.Second)
	h.page(pageChange)
	h.advance(10 * time.Second)

	in := screen[*signInScreen](h)
	if got, want := shown(in.note), "You were signed out after 2 minutes without activity."; got != want {
		t.Errorf("note %q, want %q", got, want)
	}
	if h.s.user != nil || v.flow.inputs[0].Text != "" {
		t.Error("the session or a password survives the idle time")
	}
	// Signed out, nothing more happens, however long the wait.
	h.advance(time.Hour)
	screen[*signInScreen](h)
}

func TestIdleCountsPointerActivity(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	h.signIn("jeanne@acme.example", goodPassword)
	for range 3 {
		h.advance(4 * time.Minute)
		test.MoveMouse(h.canvas(), fyne.NewPos(5, 5))
		h.settle()
		test.TapCanvas(h.canvas(), fyne.NewPos(5, 5))
		h.settle()
	}
	screen[*accountScreen](h)
	h.advance(5 * time.Minute)
	screen[*signInScreen](h)
}

func TestIdleEmptiesTheDoor(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	v := screen[*signInScreen](h)
	h.typeInto(v.email, "jeanne@acme.example")
	h.typeInto(v.password, goodPassword)
	h.advance(4 * time.Minute)
	if v.password.Text == "" {
		t.Fatal("the door was emptied before the idle time")
	}
	h.advance(time.Minute)
	in := screen[*signInScreen](h)
	if v.password.Text != "" || in.email.Text != "" || in.password.Text != "" {
		t.Error("a password typed and left on the door stays there")
	}
	if shown(in.note) != "" {
		t.Errorf("note %q: nobody was signed in", shown(in.note))
	}
	h.advance(time.Hour)
	if h.s.screen != in {
		t.Error("an empty door is shown again and again")
	}

	h.tap(in.forgot)
	h.advance(5 * time.Minute)
	screen[*signInScreen](h)
}
