package ui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
	"sesame/assets"
	"sesame/data/breach"
)

// goodPassword passes the policy for the users of these tests.
const goodPassword = "violet tramway umbrella 1987"

// fastHash keeps the argon2id format at a cost small enough for the many
// sign-ins of these tests.
var fastHash = app.Hasher{Params: app.HashParams{Memory: 256, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}

// blocklist is the one that Sésame ships.
func blocklist() *app.Blocklist {
	return app.NewBlocklist(app.BlocklistSources{
		Common:    assets.CommonPasswords,
		Words:     assets.Words,
		Keyboards: assets.Keyboards,
		Breached:  breach.Load(assets.BreachedPasswords),
	})
}

// fakeClock is the time of a test: the service's clock and the idle
// watch's timers, moved by hand.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at          time.Time
	f           func()
	done, ended bool
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.Local)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !t.done && !t.ended
		t.ended = true
		return was
	}
}

// Advance moves the time on, running the timers that fall due, in order,
// on the calling goroutine (the test's, which plays the UI's).
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.done && !t.ended && !t.at.After(end) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			break
		}
		c.now, next.done = next.at, true
		c.mu.Unlock()
		next.f()
		c.mu.Lock()
	}
	c.now = end
	c.mu.Unlock()
}

// harness is a window on a service and a store of its own.
type harness struct {
	t     *testing.T
	ctx   context.Context
	app   fyne.App
	clock *fakeClock
	store app.Store
	svc   *app.Service
	s     *session

	hold   bool     // keep background work until release
	jobs   []func() // the work held
	closed bool

	clip  *fakeClipboard // the window's clipboard
	saved *savedFile     // the last file that the window saved
}

// fakeClipboard stands for the system clipboard.
type fakeClipboard struct {
	text   string
	writes int
	fail   error // WriteAll fails with it when set
}

func (c *fakeClipboard) ReadAll() (string, error) { return c.text, nil }

func (c *fakeClipboard) WriteAll(text string) error {
	if c.fail != nil {
		return c.fail
	}
	c.text = text
	c.writes++
	return nil
}

// savedFile is a file that the window saved, in memory.
type savedFile struct {
	name   string
	data   bytes.Buffer
	closed bool
}

func (f *savedFile) Write(p []byte) (int, error) { return f.data.Write(p) }

func (f *savedFile) Close() error {
	f.closed = true
	return nil
}

// newHarness opens the window on an empty database, in English.
func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessIn(t, "en", nil)
}

// newHarnessIn opens the window in a language, after prepare has filled
// the database.
func newHarnessIn(t *testing.T, language string, prepare func(h *harness)) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), clock: newFakeClock()}
	h.app = test.NewTempApp(t)
	useLanguage(language, t.Setenv) // every test says its language: lang's choice outlives the test

	h.store = newStore(t)
	h.svc = app.NewService(app.Config{Store: h.store, Blocklist: blocklist(), Now: h.clock.Now, Hasher: fastHash})
	if prepare != nil {
		prepare(h)
	}
	h.s = newSession(h.app, h.svc, Options{DatabasePath: "/tmp/sesame-test.db"}, h.run, h.clock)
	h.clip = &fakeClipboard{}
	h.s.clip = h.clip
	h.s.saveFile = func(name string, save func(w io.WriteCloser, file string)) {
		h.saved = &savedFile{name: name}
		save(h.saved, name)
	}
	t.Cleanup(func() {
		if !h.closed {
			h.s.win.Close()
		}
	})
	return h
}

// close closes the window, as its close button does.
func (h *harness) close() {
	h.closed = true
	h.s.win.Close()
}

// withCompany sets the company up with an administrator, Alice Admin
// (admin@acme.example, goodPassword).
func withCompany(h *harness) {
	h.t.Helper()
	if _, _, err := h.svc.Setup(h.ctx, app.Actor{}, app.SetupRequest{
		Company: "Acme", Email: "admin@acme.example", Name: "Alice Admin", Password: goodPassword,
	}); err != nil {
		h.t.Fatalf("setup: %v", err)
	}
}

// run is the session's runner: at once, or held until release.
func (h *harness) run(work, done func()) {
	job := func() {
		work()
		done()
	}
	if h.hold {
		h.jobs = append(h.jobs, job)
		return
	}
	job()
}

// release runs the work held.
func (h *harness) release() {
	jobs := h.jobs
	h.jobs, h.hold = nil, false
	for _, j := range jobs {
		j()
	}
}

// addUser creates a user with a temporary password and returns it.
func (h *harness) addUser(email, name string, role app.Role, temporary string) string {
	h.t.Helper()
	_, tp, err := h.svc.CreateUser(h.ctx, app.SystemActor("test"), app.NewUser{
		Email: email, Name: name, Role: role, TemporaryPassword: temporary,
	})
	if err != nil {
		h.t.Fatalf("create %s: %v", email, err)
	}
	return tp.Plaintext
}

// addActiveUser creates a user who has chosen password already.
func (h *harness) addActiveUser(email, name string, role app.Role, password string) {
	h.t.Helper()
	temp := h.addUser(email, name, role, "")
	if _, err := h.svc.ChangePassword(h.ctx, email, temp, password); err != nil {
		h.t.Fatalf("choosing the password of %s: %v", email, err)
	}
}

func (h *harness) canvas() fyne.Canvas { return h.s.win.Canvas() }

func (h *harness) focused() fyne.Focusable { return h.canvas().Focused() }

// press is a key as the desktop driver delivers it: KeyDown to the focused
// object, then Tab moves the focus, and other keys go to the focused
// object, or to the canvas when none is.
func (h *harness) press(name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if k, ok := h.focused().(desktop.Keyable); ok {
		k.KeyDown(ev)
		defer k.KeyUp(ev)
	}
	if name == fyne.KeyTab {
		test.FocusNext(h.canvas())
		return
	}
	if f := h.focused(); f != nil {
		f.TypedKey(ev)
	} else if k := h.canvas().OnTypedKey(); k != nil {
		k(ev)
	}
}

// typeText types into whatever has the focus.
func (h *harness) typeText(text string) {
	h.t.Helper()
	f := h.focused()
	if f == nil {
		h.t.Fatalf("typing %q with nothing focused", text)
	}
	for _, r := range text {
		f.TypedRune(r)
	}
}

// screen returns the screen on view as a T, failing the test otherwise.
func screen[T any](h *harness) T {
	h.t.Helper()
	v, ok := h.s.screen.(T)
	if !ok {
		var want T
		h.t.Fatalf("the window shows %T, want %T; it reads: %s", h.s.screen, want, h.visibleText())
	}
	return v
}

// signIn types an e-mail and a password on the sign-in and presses Enter.
func (h *harness) signIn(email, password string) {
	h.t.Helper()
	v := screen[*signInScreen](h)
	v.email.SetText(email)
	v.password.SetText(password)
	h.canvas().Focus(v.password)
	h.press(fyne.KeyReturn)
}

// visibleText is every text the window shows, in order, one space apart:
// what a person reads on it.
func (h *harness) visibleText() string {
	var parts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *canvas.Text:
			if strings.TrimSpace(x.Text) != "" {
				parts = append(parts, x.Text)
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(h.s.win.Content())
	return strings.Join(parts, " ")
}

func (h *harness) assertShows(texts ...string) {
	h.t.Helper()
	got := h.visibleText()
	for _, want := range texts {
		if !strings.Contains(got, want) {
			h.t.Errorf("the window does not show %q; it reads: %s", want, got)
		}
	}
}

func (h *harness) assertHides(texts ...string) {
	h.t.Helper()
	got := h.visibleText()
	for _, unwanted := range texts {
		if strings.Contains(got, unwanted) {
			h.t.Errorf("the window shows %q; it reads: %s", unwanted, got)
		}
	}
}

func shown(l *widget.Label) string {
	if !l.Visible() {
		return ""
	}
	return l.Text
}
