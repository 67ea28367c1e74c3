package ui

import (
	"context"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
	"sesame/assets"
)

// session owns the window and moves it between screens: setup, sign-in,
// forgotten password, the enforced reset, the account page. It knows who is
// signed in, signs them out after SessionIdle without activity, and makes
// sure that no password is left behind in a field or the clipboard.
type session struct {
	app   fyne.App
	win   fyne.Window
	svc   *app.Service
	opts  Options
	clock clock
	root  *scope // the window's, until it closes
	view  *scope // the screen on view's
	idle  *idleWatch
	clip  clipboard
	st    app.Settings // the company's settings, as last read

	// adminView builds what an administrator sees once signed in: the
	// administration, with their own account as one of its sections.
	adminView func(s *session, sc *scope, u app.User, account fyne.CanvasObject, note string) fyne.CanvasObject
	admin     *adminScreen // the administration on view, nil when none
	// saveFile asks where to save a file named name, then calls save with
	// it open for writing (save closes it) and the file's full path;
	// tests write to memory instead.
	saveFile func(name string, save func(w io.WriteCloser, path string), cancelled func())
	// openFile asks which file to read, then calls open with it open for
	// reading (open closes it) and its path; tests read from memory.
	openFile func(open func(r io.ReadCloser, path string), cancelled func())
	lastDir  fyne.ListableURI // the folder where the last file was saved

	user    *app.User // who is signed in; nil when nobody is
	screen  any       // the screen on view (*signInScreen, *passwordPage, …)
	created []*entry  // password fields built for the screen about to be shown
	shown   []*entry  // password fields of the screen on view
	copied  string    // a password copied from a field, cleared from the clipboard at sign-out

	clipText  string   // a password put on the clipboard by a copy button, until it is cleared
	clipTimer debounce // clears it

	kiosk bool // the window is a kiosk's (kiosk.go)
}

// icon is Sésame's keyhole.
var icon = fyne.NewStaticResource("icon.png", assets.Icon)

// newSession builds the window and shows its first screen.
func newSession(a fyne.App, svc *app.Service, opts Options, run runner, c clock) *session {
	s := &session{app: a, svc: svc, opts: opts, clock: c, adminView: administration, st: app.DefaultSettings()}
	a.Settings().SetTheme(newTheme())
	s.root = newScope(run, c)
	s.view = s.root.child()
	s.clip = systemClipboard{fallback: a.Clipboard()}
	s.saveFile = s.saveDialog
	s.openFile = s.openDialog
	s.idle = newIdleWatch(s)
	s.win = a.NewWindow(lang.L("Sésame"))
	s.win.SetIcon(icon)
	s.win.Resize(fyne.NewSize(480, 640))
	s.win.SetOnClosed(s.onClosed)
	s.win.SetCloseIntercept(s.onCloseAsked)
	if opts.Kiosk {
		s.startKiosk()
	}
	s.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		s.touch()
		if k.Name == fyne.KeyEscape {
			s.escape()
		}
	})
	s.win.Canvas().SetOnTypedRune(func(rune) { s.touch() })
	s.begin()
	return s
}

// begin shows the setup on an empty database, the sign-in otherwise. A
// kiosk never shows the setup: whoever set the company up would be its
// administrator, and a kiosk is where employees are.
func (s *session) begin() {
	var (
		empty bool
		st    app.Settings
		err   error
	)
	s.show(nil, page(heading(lang.L("Sésame")), paragraph(lang.L("Opening…"))), nil)
	s.view.do(func(ctx context.Context) {
		if empty, err = s.svc.NeedsSetup(ctx); err == nil && !empty {
			st, err = s.svc.Settings(ctx)
		}
	}, func() {
		switch {
		case err != nil:
			s.showFailure(err)
		case empty && s.kiosk:
			s.showNotSetUp()
		case empty:
			s.showSetup()
		default:
			s.st = st
			s.showSignIn("", "")
		}
	})
}

// canceller is a screen that Escape leaves.
type canceller interface{ onCancel() }

// escape is the Escape key: it cancels the screen on view, if it can be.
func (s *session) escape() {
	if c, ok := s.screen.(canceller); ok {
		c.onCancel()
	}
}

// leaver is a screen that holds something to drop when it is left.
type leaver interface{ leave() }

// enter begins the next screen: the scope of the one on view ends (its
// work and timers are dropped) and the next one's begins.
func (s *session) enter() *scope {
	s.view.end()
	s.view = s.root.child()
	return s.view
}

// show puts a screen on view with the focus in first. The screen left
// behind drops what it holds and its password fields are emptied first.
func (s *session) show(screen any, content fyne.CanvasObject, first fyne.Focusable) {
	if l, ok := s.screen.(leaver); ok && s.screen != screen {
		l.leave()
	}
	for _, e := range s.shown {
		e.wipe()
	}
	s.shown, s.created = s.created, nil
	s.screen = screen
	s.win.SetContent(container.NewStack(newActivitySurface(s.touch), stacked(s.idle.banner, content, nil)))
	if first != nil {
		s.win.Canvas().Focus(first)
	}
}

// showFailure says that the database could not be read, with nothing else
// to do than close the window.
func (s *session) showFailure(err error) {
	msg := notice(widget.DangerImportance)
	say(msg, s.errorText(err))
	s.enter()
	s.show(nil, page(heading(lang.L("Sésame")), msg), nil)
}

// field builders: every field reports activity, and password fields are
// remembered so that they can be emptied.

func (s *session) newEntry(placeholder string) *entry {
	e := newEntry(s.touch, s.escape)
	e.PlaceHolder = placeholder
	e.onShortcut = s.shortcut
	return e
}

// newEmailEntry is a field of e-mail addresses (glyphs.go).
func (s *session) newEmailEntry(placeholder string) *entry {
	e := s.newEntry(placeholder)
	e.email = true
	return e
}

func (s *session) newPasswordEntry(placeholder string) *entry {
	e := s.newSecretEntry(placeholder)
	s.created = append(s.created, e)
	return e
}

// newSecretEntry is a password field that the screen empties itself,
// when it is done with it, rather than when it is left: a field of a panel
// that comes and goes on a screen that stays.
func (s *session) newSecretEntry(placeholder string) *entry {
	e := newPasswordEntry(s.touch, s.escape, lang.L("Show the password"), lang.L("Hide the password"))
	e.PlaceHolder = placeholder
	e.onCopied = func() { s.copied = s.app.Clipboard().Content() }
	e.onShortcut = s.shortcut
	return e
}

func (s *session) newCheck(label string, onChanged func(bool)) *check {
	return newCheck(label, onChanged, s.touch, s.escape)
}

func (s *session) newChoice(options []string, onChanged func(string)) *choice {
	return newChoice(options, onChanged, s.touch, s.escape)
}

// shortcut passes a shortcut typed in a field on to the window's.
func (s *session) shortcut(sc fyne.Shortcut) {
	if h, ok := s.win.Canvas().(fyne.Shortcutable); ok {
		h.TypedShortcut(sc)
	}
}

func (s *session) newButton(label string, importance widget.Importance, onTapped func()) *button {
	b := newButton(label, func() {
		s.touch()
		onTapped()
	}, s.touch, s.escape)
	b.Importance = importance
	return b
}

// signedIn opens the session of u: the idle watch starts, and the account
// page (with the administration for an administrator) is shown, with a note.
func (s *session) signedIn(u app.User, note string) {
	s.user = &u
	s.watchIdle()
	if u.IsAdmin() {
		s.roomFor(adminWindow)
	}
	s.showAccount(u, note)
}

// adminWindow is the size the administration needs for the table of users
// and the user card side by side.
var adminWindow = fyne.NewSize(1100, 720)

// roomFor enlarges a window smaller than need (the administration, the
// first run's form), which a person who wants it small can undo.
func (s *session) roomFor(need fyne.Size) {
	size := s.win.Canvas().Size()
	if size.Width < need.Width || size.Height < need.Height {
		s.win.Resize(fyne.NewSize(max(size.Width, need.Width), max(size.Height, need.Height)))
	}
}

// watchIdle (re)starts the idle watch with the company's setting as last
// read, and reads it again: another workstation may have changed it.
func (s *session) watchIdle() {
	s.idle.start(s.st.SessionIdle)
	s.readSettings(s.root, func(app.Settings, error) {})
}

// readSettings reads the company's settings off the UI goroutine for a
// part of the window in sc, keeps them when read, and gives them to done,
// or why they could not be read.
func (s *session) readSettings(sc *scope, done func(app.Settings, error)) {
	var (
		st  app.Settings
		err error
	)
	sc.do(func(ctx context.Context) {
		st, err = s.svc.Settings(ctx)
	}, func() {
		if err == nil {
			s.settingsRead(st)
		}
		done(st, err)
	})
}

// settingsRead keeps the settings just read, and follows their idle time.
func (s *session) settingsRead(st app.Settings) {
	s.st = st
	if s.idle.running() {
		s.idle.setLimit(st.SessionIdle)
	}
}

// signOut ends the session and shows an empty sign-in, with a note; a
// kiosk's shows it without one, for the next person.
func (s *session) signOut(note string) {
	s.forget()
	if s.kiosk {
		note = ""
	}
	s.showSignIn("", note)
}

// forget drops whatever the session knows: the user, every password field's
// text, open dialogs, a password left on the clipboard, the work and timers
// of the screen on view.
func (s *session) forget() {
	if l, ok := s.screen.(leaver); ok {
		l.leave()
	}
	s.screen = nil
	s.view.end()
	s.idle.halt()
	s.user = nil
	for _, e := range s.shown {
		e.wipe()
	}
	// Dialogs (a file to save the audit to, a confirmation) belong to the
	// session: the next person must not find one open.
	overlays := s.win.Canvas().Overlays()
	for o := overlays.Top(); o != nil; o = overlays.Top() {
		overlays.Remove(o)
	}
	if s.copied != "" {
		if cb := s.app.Clipboard(); cb.Content() == s.copied {
			cb.SetContent("")
		}
		s.copied = ""
	}
	s.clearClipboard()
}

// onIdle ends a session left alone, the enforced reset included. With
// nobody signed in, it empties the door of what was typed there.
func (s *session) onIdle() {
	switch v, ok := s.screen.(*signInScreen); {
	case s.guarded():
		s.signOut(lang.L("You were signed out after {{.Duration}} without activity.",
			map[string]any{"Duration": duration(s.idle.limit)}))
	case ok && v.email.Text == "" && v.password.Text == "":
		s.watchIdle()
	default:
		s.showSignIn("", "")
	}
}

// guarded reports whether the idle watch guards a session: someone is
// signed in, or half signed in on the enforced reset. Only then does it
// warn before signing out.
func (s *session) guarded() bool {
	p, resetting := s.screen.(*passwordPage)
	return s.user != nil || (resetting && p.kind == pageReset)
}

func (s *session) onClosed() {
	s.forget()
	s.root.end()
}

// touch records activity, which puts the idle sign-out off.
func (s *session) touch() { s.idle.touch() }

// errorText and bullets say domain messages in the window's language.

func (s *session) errorText(err error) string      { return errorText(err) }
func (s *session) bullets(ms []app.Message) string { return bullets(ms) }
