package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// TestKeyboardOnly goes from the door to the account and back without a
// pointer: the focus where one types first, Tab between fields, Enter to
// submit, Space or Enter on a button.
func TestKeyboardOnly(t *testing.T) {
	h := newHarnessIn(t, "en", withPaul)

	// Sign-in: the e-mail has the focus; Tab to the password; Enter.
	in := screen[*signInScreen](h)
	if h.focused() != in.email {
		t.Fatalf("focus on %T at the start, want the e-mail", h.focused())
	}
	h.typeText("paul.durand@acme.example")
	h.press(fyne.KeyTab)
	h.typeText(paulTemporary)
	h.press(fyne.KeyReturn)

	// Reset: the new password has the focus; Enter goes on to the
	// confirmation, Enter again submits.
	r := h.page(pageReset)
	if h.focused() != r.form.password {
		t.Fatalf("focus on %T on the reset, want the new password", h.focused())
	}
	h.typeText(goodPassword)
	h.press(fyne.KeyReturn)
	if h.focused() != r.form.confirm {
		t.Fatalf("focus on %T after Enter, want the confirmation", h.focused())
	}
	h.typeText(goodPassword)
	h.press(fyne.KeyReturn)

	// Account: Change password has the focus; Tab to Sign out; Space.
	a := screen[*accountScreen](h)
	if h.focused() != a.change {
		t.Fatalf("focus on %T on the account, want Change password", h.focused())
	}
	h.press(fyne.KeyTab)
	if h.focused() != a.signOut {
		t.Fatalf("focus on %T after Tab, want Sign out", h.focused())
	}
	h.press(fyne.KeySpace)

	// Back at an empty door, ready for the next person.
	in = screen[*signInScreen](h)
	if h.focused() != in.email || in.email.Text != "" || in.password.Text != "" {
		t.Fatalf("sign-in not empty and ready: focus on %T, e-mail %q", h.focused(), in.email.Text)
	}

	// The new password opens the account; Shift+Tab comes back; Escape on
	// the change of password goes back to the account.
	h.typeText("paul.durand@acme.example")
	h.press(fyne.KeyTab)
	h.typeText(goodPassword)
	h.press(fyne.KeyReturn)
	screen[*accountScreen](h)
	h.press(fyne.KeyReturn) // Enter on the focused Change password
	h.page(pageChange)
	h.press(fyne.KeyEscape)
	screen[*accountScreen](h)
}
