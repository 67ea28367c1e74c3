package ui

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
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
//
// The window's background work runs in one of two ways. Inline (the
// default of go test), work and its result run at once, on the test's
// goroutine: simple flows read simply. With SESAME_UI_ASYNC=goroutines
// (make test sets it, under -race), the window's own runner is used: work
// on a goroutine of its own, its result through fyne.Do, and the test's
// goroutine plays the UI goroutine: it holds the UI lock, which a result
// takes before it touches the window, and gives it up only while it waits
// for the work under way to end (settle). Work then really runs beside
// the window, and the race detector sees what it shares with it.
type harness struct {
	t     *testing.T
	ctx   context.Context
	app   fyne.App
	clock *fakeClock
	store app.Store
	svc   *app.Service
	s     *session

	goroutines bool       // the window's own runner, with the test as the UI goroutine
	ui         sync.Mutex // the UI goroutine's, held by the test but while it settles
	mu         sync.Mutex // guards running
	running    int        // work on its way, its result not yet applied
	idle       *sync.Cond // signalled when running falls to 0

	hold      bool     // keep background work until release
	jobs      []func() // the work held
	releasing bool     // the work held is running
	closed    bool

	clip  *fakeClipboard // the window's clipboard
	saved *savedFile     // the last file that the window saved

	mailer atomic.Pointer[fakeMailer] // what the service's Deliver hook delivers through, when set
	kicks  atomic.Int32               // the runs of the hook
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
	return newHarnessOn(t, language, newStore(t), prepare)
}

// newHarnessOn opens the window in a language on store, after prepare has
// filled it.
func newHarnessOn(t *testing.T, language string, store app.Store, prepare func(h *harness)) *harness {
	t.Helper()
	return newHarnessWith(t, language, store, Options{DatabasePath: "/tmp/sesame-test.db"}, prepare)
}

// newHarnessWith opens the window with opts in a language on store, after
// prepare has filled it.
func newHarnessWith(t *testing.T, language string, store app.Store, opts Options, prepare func(h *harness)) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), clock: newFakeClock()}
	h.app = test.NewTempApp(t)
	useLanguage(language, t.Setenv) // every test says its language: lang's choice outlives the test

	h.store = store
	// Two hash workers whatever the machine: bulk actions batch alike everywhere.
	h.svc = app.NewService(app.Config{Store: h.store, Blocklist: blocklist(), Now: h.clock.Now, Hasher: fastHash,
		Workers: 2, Deliver: h.deliver})
	if prepare != nil {
		prepare(h)
	}
	h.goroutines = os.Getenv("SESAME_UI_ASYNC") == "goroutines"
	h.idle = sync.NewCond(&h.mu)
	h.ui.Lock()
	h.s = newSession(h.app, h.svc, opts, h.run, h.clock)
	h.clip = &fakeClipboard{}
	h.s.clip = h.clip
	h.s.saveFile = func(name string, save func(w io.WriteCloser, path string), _ func()) {
		h.saved = &savedFile{name: name}
		save(h.saved, "/home/alice/"+name)
	}
	t.Cleanup(func() {
		h.settle()
		if !h.closed {
			h.s.win.Close()
		}
		h.settle()
		h.ui.Unlock()
	})
	h.settle()
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

// deliver is the service's Deliver hook: it counts its runs and, once a
// test gives it a mailer, delivers at once, as the background delivery
// would soon after.
func (h *harness) deliver(ctx context.Context, svc *app.Service) {
	h.kicks.Add(1)
	if m := h.mailer.Load(); m != nil {
		if _, err := svc.DeliverMail(ctx, m); err != nil {
			h.t.Errorf("delivery: %v", err)
		}
	}
}

// run is the session's runner: held until release, or at once, or the
// window's own (see harness).
func (h *harness) run(work, done func()) {
	switch {
	case h.hold:
		h.jobs = append(h.jobs, func() {
			work()
			done()
		})
	case h.goroutines:
		h.mu.Lock()
		h.running++
		h.mu.Unlock()
		background(fyne.Do)(work, func() {
			h.ui.Lock()
			defer h.ui.Unlock()
			done()
			h.mu.Lock()
			h.running--
			if h.running == 0 {
				h.idle.Broadcast()
			}
			h.mu.Unlock()
		})
	default:
		work()
		done()
	}
}

// settle lets the work under way end and its results reach the window,
// those that they start included.
func (h *harness) settle() {
	if !h.goroutines {
		return
	}
	h.ui.Unlock()
	h.mu.Lock()
	for h.running > 0 {
		h.idle.Wait()
	}
	h.mu.Unlock()
	h.ui.Lock()
}

// release runs the work held.
func (h *harness) release() {
	h.mu.Lock()
	jobs := h.jobs
	h.jobs, h.hold, h.releasing = nil, false, true
	h.mu.Unlock()
	for _, j := range jobs {
		j()
	}
	h.mu.Lock()
	h.releasing = false
	h.mu.Unlock()
	h.settle()
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

func (h *harness) focused() fyne.Focusable {
	h.settle()
	return h.canvas().Focused()
}

// tap taps obj as a click does, and lets what it starts end.
func (h *harness) tap(obj fyne.Tappable) {
	test.Tap(obj)
	h.settle()
}

// advance moves the clock on, and lets what the timers start end.
func (h *harness) advance(d time.Duration) {
	h.settle()
	h.clock.Advance(d)
	h.settle()
}

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
		h.settle()
		return
	}
	if f := h.focused(); f != nil {
		f.TypedKey(ev)
	} else if k := h.canvas().OnTypedKey(); k != nil {
		k(ev)
	}
	h.settle()
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
	h.settle()
}

// screen returns the screen on view as a T, failing the test otherwise.
func screen[T any](h *harness) T {
	h.t.Helper()
	h.settle()
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
	h.settle()
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

// page returns the password page on view, failing the test unless it is
// of kind.
func (h *harness) page(kind pageKind) *passwordPage {
	h.t.Helper()
	p := screen[*passwordPage](h)
	if p.kind != kind {
		h.t.Fatalf("the password page of kind %d is on view, want %d; it reads: %s", p.kind, kind, h.visibleText())
	}
	return p
}

// typeInto types text into obj, as the keyboard would with the focus on
// it, and lets what that starts end.
func (h *harness) typeInto(obj fyne.Focusable, text string) {
	test.Type(obj, text)
	h.settle()
}
