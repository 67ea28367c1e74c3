package ui

import (
	"context"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"sesame/app"
)

// lateClock is a clock whose timers cannot be stopped in time: Stop
// reports failure and the callback still comes, as one already on its way
// to the UI goroutine (through fyne.Do) does.
type lateClock struct {
	*fakeClock
}

func (c lateClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.fakeClock.AfterFunc(d, f)
	return func() bool { return false }
}

// TestDebounceIgnoresLateTimers: a timer that fires although it was
// replaced runs nothing, and does not forget the newer one.
func TestDebounceIgnoresLateTimers(t *testing.T) {
	c := lateClock{newFakeClock()}
	sc := newScope(inline, c)
	var ran []string
	d := debounce{delay: time.Second}
	d.call(sc, func() { ran = append(ran, "first") })
	c.Advance(500 * time.Millisecond)
	d.call(sc, func() { ran = append(ran, "second") })
	c.Advance(500 * time.Millisecond) // the first timer fires, late
	if len(ran) != 0 {
		t.Fatalf("a replaced call ran: %v", ran)
	}
	if !d.pending() {
		t.Fatal("the late timer made the debounce forget the newer call")
	}
	c.Advance(500 * time.Millisecond)
	if strings.Join(ran, " ") != "second" || d.pending() {
		t.Fatalf("ran %v, pending %v", ran, d.pending())
	}
	// Cancelled, and then the late timer comes: nothing.
	d.call(sc, func() { ran = append(ran, "third") })
	d.cancel()
	c.Advance(time.Hour)
	if len(ran) != 1 {
		t.Errorf("a cancelled call ran: %v", ran)
	}
	// A scope that ended runs nothing of what it set.
	d.call(sc, func() { ran = append(ran, "fourth") })
	sc.end()
	c.Advance(time.Hour)
	if len(ran) != 1 {
		t.Errorf("a call of an ended scope ran: %v", ran)
	}
}

// TestLateTimersInTheWindow: the search box, the audit filter and the
// clipboard with timers that fire although stopped: a search does not run
// on a view that was left, and a newer copied password is not cleared
// early by the older copy's timer.
func TestLateTimersInTheWindow(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	late := lateClock{h.clock}
	h.s.clock = late
	h.s.root.clock, h.s.view.clock = late, late
	a := h.signInAdmin()
	u := a.users

	// A search typed, then the view left before the pause: the late timer
	// searches nothing.
	h.canvas().Focus(u.search)
	h.typeText("jeanne")
	searched := u.text
	h.tap(a.signOut)
	h.advance(searchDelay)
	if u.text != searched {
		t.Errorf("a search ran for a view that was left: %q", u.text)
	}

	// Two copies: the first one's timer, late, does not clear the second.
	a = h.signInAdmin()
	if _, err := h.svc.UpdateSettings(h.ctx, a.actor, map[string]string{"clipboard.clear": "10s"}); err != nil {
		t.Fatal(err)
	}
	c := h.openCard("paul")
	h.tapEnabled(c.generate)
	h.tap(c.secret.copy)
	first := h.clip.text
	h.advance(5 * time.Second)
	h.tapEnabled(c.generate)
	if c.secret.text == first {
		t.Fatal("the same password generated twice")
	}
	h.tap(c.secret.copy)
	h.advance(5 * time.Second) // the first copy's time is up; its timer fires, late
	if h.clip.text != c.secret.text {
		t.Fatalf("the newer password was cleared by the older copy's timer: %q", h.clip.text)
	}
	h.advance(5 * time.Second)
	if h.clip.text != "" {
		t.Errorf("the newer password stays on the clipboard after its time: %q", h.clip.text)
	}
}

// TestLateGenerateAfterClose: a password generated for a card that was
// closed meanwhile is dropped; no plaintext password comes back into the
// window.
func TestLateGenerateAfterClose(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	c := h.openCard("jeanne")
	h.hold = true
	h.tap(c.generate)
	h.hold = false
	h.tap(c.closeBtn)
	if u.panel != nil {
		t.Fatal("the card is still open")
	}
	h.release()
	if c.secret.text != "" || c.secret.content.Visible() {
		t.Error("a password generated after Close came back into the card")
	}
	if strings.Contains(h.visibleText(), "•") {
		t.Error("a password is on view")
	}
}

// guardStore reports the store reads and writes made while the harness
// holds the window's background work: made then, they ran on the UI
// goroutine.
type guardStore struct {
	app.Store
	h *harness
}

func (g guardStore) check() {
	g.h.mu.Lock()
	defer g.h.mu.Unlock()
	if g.h.hold && !g.h.releasing {
		g.h.t.Errorf("the window used the store on the UI goroutine:\n%s", callers())
	}
}

func (g guardStore) Read(ctx context.Context, fn func(app.Tx) error) error {
	g.check()
	return g.Store.Read(ctx, fn)
}

func (g guardStore) Write(ctx context.Context, fn func(app.Tx) error) error {
	g.check()
	return g.Store.Write(ctx, fn)
}

// TestNoStoreWorkOnTheUIGoroutine goes through every screen with the
// window's background work held: any store read or write made meanwhile
// would have run on the UI goroutine, which freezes the window for as long
// (an argon2 hash, a search at a million users).
func TestNoStoreWorkOnTheUIGoroutine(t *testing.T) {
	var temp string
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		withMail(h)
		temp = h.addUser("kim@acme.example", "Kim Deal", app.RoleEmployee, "")
	})
	h.store = guardStore{h.store, h}
	h.svc = app.NewService(app.Config{Store: h.store, Blocklist: blocklist(), Now: h.clock.Now, Hasher: fastHash, Deliver: h.deliver})
	h.s.svc = h.svc
	held := func(what string, act func()) {
		t.Helper()
		h.hold = true
		act()
		h.release()
	}
	in := screen[*signInScreen](h)
	held("the forgotten password", func() { h.tap(in.forgot) })
	held("the recovery code", func() { h.tap(screen[*forgotScreen](h).send) })
	held("back", func() { h.press(fyne.KeyEscape) })
	held("back", func() { h.press(fyne.KeyEscape) })
	held("the sign-in", func() {
		v := screen[*signInScreen](h)
		v.email.SetText("kim@acme.example")
		v.password.SetText(temp)
		h.tap(v.signIn)
	})
	r := h.page(pageReset)
	held("the reset's live check", func() {
		h.typeInto(r.form.password, goodPassword)
		h.clock.Advance(wholeCheckDelay)
	})
	h.typeInto(r.form.confirm, goodPassword)
	held("the reset", func() { h.tap(r.submit) })
	held("the change of password", func() { h.tap(screen[*accountScreen](h).change) })
	held("sign out", func() { h.tap(screen[*passwordPage](h).back) })
	held("sign out", func() { h.tap(screen[*accountScreen](h).signOut) })
	held("the administrator's sign-in", func() { h.signIn("admin@acme.example", goodPassword) })
	a := h.s.admin
	held("a search", func() {
		h.canvas().Focus(a.users.search)
		h.typeText("jeanne")
		h.clock.Advance(searchDelay)
	})
	held("a card", func() {
		h.canvas().Focus(a.users.table)
		h.press(fyne.KeyReturn)
	})
	held("a new user", func() { h.tap(a.users.add) })
	for _, sc := range []section{sectionSettings, sectionAudit, sectionMail, sectionAccount, sectionUsers} {
		held("a section", func() { h.tap(a.nav[sc]) })
	}
}

// callers is the window's part of the stack, for a test's message.
func callers() string {
	var b strings.Builder
	for _, l := range strings.Split(string(debug.Stack()), "\n") {
		if strings.Contains(l, "/ui/") && !strings.Contains(l, "_test.go") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// When the window's loop has stopped, ending its scope cancels the work
// under way, and wait lets it return (a bulk action records where it
// stopped) before the store closes, within its limit.
func TestScopeWaitsForItsWork(t *testing.T) {
	goroutine := func(work, done func()) { go func() { work(); done() }() }
	sc := newScope(goroutine, newFakeClock())
	returned := make(chan struct{})
	sc.child().do(func(ctx context.Context) {
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond) // the batch under way, written
		close(returned)
	}, func() { t.Error("a result reached a window that is gone") })
	sc.end()
	sc.wait(10 * time.Second)
	select {
	case <-returned:
	default:
		t.Fatal("wait returned before the work")
	}

	stuck := newScope(goroutine, newFakeClock())
	release := make(chan struct{})
	defer close(release)
	stuck.do(func(context.Context) { <-release }, func() {})
	start := time.Now()
	stuck.wait(100 * time.Millisecond)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("wait took %v past its limit of 100 ms", d)
	}
}
