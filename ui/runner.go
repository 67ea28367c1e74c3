package ui

import "fyne.io/fyne/v2"

// runner runs slow work (a sign-in or a password change costs an argon2
// hash, some 50 to 100 ms) and then done. The window's runner does the work
// on another goroutine and done back on the UI goroutine, so that the window
// keeps drawing meanwhile; tests use one that runs both at once, or holds
// them until the test lets them go.
type runner func(work, done func())

// background is the window's runner.
func background(work, done func()) {
	go func() {
		work()
		fyne.Do(done)
	}()
}

// busy runs slow work for screen: setBusy(true) first, then work through
// the runner, then setBusy(false) and done on the UI goroutine, but done
// only if screen is still the one on view: when the window has moved on
// meanwhile (an idle sign-out, say), the result is no longer its to show.
func (s *session) busy(screen any, setBusy func(bool), work, done func()) {
	setBusy(true)
	s.run(work, func() {
		setBusy(false)
		if s.screen == screen {
			done()
		}
	})
}
