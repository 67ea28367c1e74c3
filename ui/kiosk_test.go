package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
)

// newKiosk opens the window of a kiosk on the staff of withStaff.
func newKiosk(t *testing.T, language string) *harness {
	return newHarnessWith(t, language, newStore(t), Options{DatabasePath: "/tmp/sesame-test.db", Kiosk: true}, withStaff)
}

// TestKioskCannotBeClosedByAnEmployee: the kiosk's window fills the
// screen; its close button leaves it open, on the sign-in, on an
// employee's account page, and on the administration too until the kiosk
// is left.
func TestKioskCannotBeClosedByAnEmployee(t *testing.T) {
	h := newKiosk(t, "en")
	if !h.s.win.FullScreen() {
		t.Fatal("the kiosk's window does not fill the screen")
	}
	in := screen[*signInScreen](h)
	h.s.onCloseAsked()
	if !h.s.root.alive() {
		t.Fatal("the close button closed the kiosk's window")
	}
	if got := shown(in.note); got != lang.L("This workstation is a kiosk: Sésame stays open. An administrator can leave the kiosk from the administration.") {
		t.Errorf("the sign-in says %q", got)
	}

	h.signIn("paul.durand@acme.example", goodPassword)
	screen[*accountScreen](h)
	h.s.onCloseAsked()
	if !h.s.root.alive() || !h.s.win.FullScreen() {
		t.Fatal("an employee closed the kiosk's window, or left the full screen")
	}
	h.assertHides("Leave kiosk")
}

// TestKioskReturnsToAnEmptySignIn: after a sign-out, and after an idle
// sign-out, the kiosk shows an empty sign-in, with nothing of the last
// person: no e-mail, no note.
func TestKioskReturnsToAnEmptySignIn(t *testing.T) {
	h := newKiosk(t, "en")
	h.signIn("paul.durand@acme.example", goodPassword)
	screen[*accountScreen](h)
	h.s.onSignOut()
	in := screen[*signInScreen](h)
	if in.email.Text != "" || in.password.Text != "" || shown(in.note) != "" {
		t.Errorf("after a sign-out: e-mail %q, note %q", in.email.Text, shown(in.note))
	}
	h.assertHides("Paul Durand", "paul.durand@acme.example")

	h.signIn("paul.durand@acme.example", goodPassword)
	screen[*accountScreen](h)
	h.advance(h.s.idle.limit + time.Second)
	in = screen[*signInScreen](h)
	if in.email.Text != "" || shown(in.note) != "" {
		t.Errorf("after an idle sign-out: e-mail %q, note %q", in.email.Text, shown(in.note))
	}
	h.assertHides("Paul Durand", "paul.durand@acme.example")

	// What a person typed and left is cleared as well.
	in.email.SetText("jeanne.martin@acme.example")
	h.advance(h.s.idle.limit + time.Second)
	if in = screen[*signInScreen](h); in.email.Text != "" {
		t.Errorf("an e-mail left typed stays: %q", in.email.Text)
	}
}

// TestKioskLeftByAnAdministrator: signed in, an administrator leaves the
// kiosk; the window leaves the full screen and closes.
func TestKioskLeftByAnAdministrator(t *testing.T) {
	h := newKiosk(t, "fr")
	a := h.signInAdmin()
	h.assertShows(lang.L("This workstation is a kiosk: the window fills the screen and cannot be closed."))
	h.s.onCloseAsked()
	if !h.s.root.alive() {
		t.Fatal("the kiosk closed before it was left")
	}
	h.tapEnabled(a.leaveKiosk)
	if h.s.win.FullScreen() || a.leaveKiosk.Visible() {
		t.Errorf("after Leave kiosk: full screen %v, button shown %v", h.s.win.FullScreen(), a.leaveKiosk.Visible())
	}
	h.assertShows(lang.L("The kiosk was left: the window can be closed, and stays a kiosk no more until Sésame starts again."))
	h.closed = true
	h.s.onCloseAsked()
	if h.s.root.alive() {
		t.Fatal("the window left by the kiosk does not close")
	}
}

// TestNoKioskCloses: without kiosk mode, the close button closes, and the
// administration shows nothing of kiosks.
func TestNoKioskCloses(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	if h.s.win.FullScreen() {
		t.Error("full screen without kiosk mode")
	}
	a := h.signInAdmin()
	if a.leaveKiosk != nil {
		t.Error("Leave kiosk offered outside a kiosk")
	}
	h.closed = true
	h.s.onCloseAsked()
	if h.s.root.alive() {
		t.Fatal("the close button does not close")
	}
}

// TestKioskNeverSetsUpTheCompany: on an empty database a kiosk does not
// offer the setup, whose author would become the administrator; once the
// company is set up elsewhere, "Check again" shows the sign-in.
func TestKioskNeverSetsUpTheCompany(t *testing.T) {
	h := newHarnessWith(t, "en", newStore(t), Options{DatabasePath: "/tmp/sesame-test.db", Kiosk: true}, nil)
	h.assertShows("This workstation is not set up yet.")
	h.assertHides("Create the company")
	withStaff(h)
	again, ok := h.focused().(*button)
	if !ok || again.Text != "Check again" {
		t.Fatalf("the focus is on %T, not on Check again", h.focused())
	}
	h.tap(again)
	screen[*signInScreen](h)
}
