// Package ui is Sésame's window: the door of the shared workstation, where
// employees and administrators sign in, with the reset that a temporary
// password enforces, the first-run setup and the signed-in account page;
// and, for an administrator, the administration: the users (a search over
// a table read from the store a page at a time, the user card with its
// section Password and recovery where temporary passwords are generated, shown, copied
// and saved, or sent to the recovery e-mail), the company's settings (with
// a test message), the audit log and the outbox of e-mails. A forgotten
// password is recovered with a one-time code sent by e-mail, when e-mail is
// set up.
//
// Every screen is one unexported struct holding its widgets, built by a
// newXxx function on the session that owns the window. The session moves
// between screens, runs the slow work (argon2 hashing) off the UI goroutine
// and signs the person out after a stretch of inactivity. Every string goes
// through Fyne's lang package; domain messages are translated by their
// English template.
package ui

import (
	"time"

	"fyne.io/fyne/v2"

	"sesame/app"
)

// Options are the choices made on the command line.
type Options struct {
	Language     string // "en", "fr" or "" for the system's
	DatabasePath string // shown to the administrator
	// Kiosk opens the sign-in full screen for a shared workstation: an
	// employee cannot close the window; an administrator signed in can
	// leave the kiosk.
	Kiosk bool
}

// Start opens Sésame's window on a: the first-run setup on an empty
// database, the sign-in otherwise. The caller then runs a, and calls stop
// once a.Run has returned (the window closed, or a signal ended the
// program): the store reads and writes under way are cancelled, their
// results and the window's timers dropped, and stop waits up to 10 s for
// them to return (a bulk action interrupted writes the batch under way and
// the row that records it), so that the store can then be closed.
func Start(a fyne.App, svc *app.Service, opts Options) (stop func()) {
	return start(a, svc, opts, background(toUI), realClock{toUI})
}

// start is Start with the runner of the window's slow work and its clock.
func start(a fyne.App, svc *app.Service, opts Options, run runner, c clock) (stop func()) {
	useLanguage(opts.Language, setenv)
	s := newSession(a, svc, opts, run, c)
	s.win.Show()
	return func() {
		s.root.end()
		s.root.wait(10 * time.Second)
	}
}
