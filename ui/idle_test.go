package ui

import (
	"testing"
	"time"
)

// TestIdleWatch checks the idle sign-out of a signed-in session: activity
// puts it off; 30 s before the end a warning counts down; any activity
// withdraws it; at the end the session closes.
func TestIdleWatch(t *testing.T) {
	h := newHarnessIn(t, "en", withJeanne)
	h.signIn("jeanne@acme.example", goodPassword)
	w := h.s.idle
	if !w.running() || w.limit != 5*time.Minute {
		t.Fatalf("running %v, limit %v", w.running(), w.limit)
	}
	h.advance(4 * time.Minute)
	h.s.touch()
	h.advance(4 * time.Minute)
	if w.banner.Visible() {
		t.Fatal("a warning 60 s before the end")
	}
	h.advance(31 * time.Second)
	if !w.banner.Visible() {
		t.Fatal("no warning 29 s before the end")
	}
	h.assertShows("Without activity, you will be signed out in 29 seconds.", "Stay signed in")
	h.advance(4 * time.Second)
	h.assertShows("Without activity, you will be signed out in 25 seconds.")

	// Stay signed in (any activity would do) withdraws it, for a whole new
	// stretch.
	h.tap(w.stay)
	if w.banner.Visible() {
		t.Fatal("the warning stays after Stay signed in")
	}
	h.advance(4*time.Minute + 29*time.Second)
	screen[*accountScreen](h)
	if w.banner.Visible() {
		t.Fatal("a warning 31 s before the end")
	}
	h.advance(2 * time.Second)
	h.assertShows("signed out in 29 seconds")
	h.advance(29 * time.Second)
	in := screen[*signInScreen](h)
	if got := shown(in.note); got != "You were signed out after 5 minutes without activity." {
		t.Errorf("note %q", got)
	}
	if w.banner.Visible() {
		t.Error("the warning outlives the session")
	}
	h.advance(time.Hour)
	screen[*signInScreen](h)
}

// TestIdleWarnsOnTheReset: the half-open session of the enforced reset is
// warned as well, the door is not.
func TestIdleWarnsOnTheReset(t *testing.T) {
	var temp string
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		temp = h.addUser("jeanne@acme.example", "Jeanne Martin", "", "")
	})
	v := screen[*signInScreen](h)
	h.typeInto(v.email, "jeanne@acme.example")
	h.advance(4*time.Minute + 40*time.Second)
	if h.s.idle.banner.Visible() {
		t.Error("the door warns before it is emptied")
	}
	h.advance(20 * time.Second)
	h.signIn("jeanne@acme.example", temp)
	h.page(pageReset)
	h.advance(4*time.Minute + 35*time.Second)
	h.assertShows("Without activity, you will be signed out in 25 seconds.")
	h.advance(25 * time.Second)
	screen[*signInScreen](h)
}
