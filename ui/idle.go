package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// clock is the time of the idle watch and of the window's timers; tests
// use a clock that they move by hand, so that no test waits for minutes.
type clock interface {
	Now() time.Time
	// AfterFunc calls f on the UI goroutine after d; stop cancels it.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// realClock is the wall clock; post hands what is due to the UI goroutine
// (toUI for the window, fyne.Do for tests).
type realClock struct{ post func(func()) }

func (realClock) Now() time.Time { return time.Now() }

func (c realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, func() { c.post(f) }).Stop
}

// idleWarning is how long before the idle sign-out a session is warned,
// with a countdown: long enough to read it and move the mouse.
const idleWarning = 30 * time.Second

// idleWatch signs the session out when nothing happened in the window for
// limit, after a warning with a countdown (WCAG 2.2.1: a time limit is
// announced and can be extended). Activity comes at every keystroke and
// mouse move, so it only stamps the time; the timer, when it fires, looks
// at the stamp and waits again for what is left. Every method runs on the
// UI goroutine.
type idleWatch struct {
	s      *session
	limit  time.Duration
	last   time.Time
	on     bool
	timer  debounce
	banner *fyne.Container // the warning, hidden while there is none
	text   *widget.Label
	stay   *button
}

func newIdleWatch(s *session) *idleWatch {
	w := &idleWatch{s: s}
	w.text = widget.NewLabel("")
	w.text.Wrapping = fyne.TextWrapWord
	w.text.TextStyle.Bold = true
	w.stay = newButton(lang.L("Stay signed in"), func() { w.touch() }, func() {}, func() {})
	w.stay.Importance = widget.HighImportance
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	w.banner = container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, nil, w.stay, w.text)))
	w.banner.Hide()
	return w
}

// start (re)starts the watch.
func (w *idleWatch) start(limit time.Duration) {
	w.halt()
	w.limit, w.last, w.on = limit, w.s.clock.Now(), true
	w.arm()
}

// setLimit changes the time allowed, counted from the last activity.
func (w *idleWatch) setLimit(limit time.Duration) {
	if limit != w.limit {
		w.limit = limit
		w.arm()
	}
}

// running reports whether the watch is on.
func (w *idleWatch) running() bool { return w.on }

// touch records activity, and withdraws a warning.
func (w *idleWatch) touch() {
	if !w.on {
		return
	}
	w.last = w.s.clock.Now()
	if w.banner.Visible() {
		w.hideWarning()
		w.arm()
	}
}

// halt stops the watch.
func (w *idleWatch) halt() {
	w.on = false
	w.timer.cancel()
	w.hideWarning()
}

// lead is how long before the end the warning comes: idleWarning, or half
// the time allowed when that is short.
func (w *idleWatch) lead() time.Duration { return min(idleWarning, w.limit/2) }

// arm waits until the warning is due.
func (w *idleWatch) arm() {
	left := w.limit - w.s.clock.Now().Sub(w.last)
	w.timer.after(w.s.root, max(left-w.lead(), 0), w.fire)
}

func (w *idleWatch) fire() {
	left := w.limit - w.s.clock.Now().Sub(w.last)
	switch {
	case left <= 0:
		w.halt()
		w.s.onIdle()
	case left > w.lead():
		w.arm()
	case !w.s.guarded(): // nobody to warn: the door is emptied without a word
		w.timer.after(w.s.root, left, w.fire)
	default:
		w.warn(left)
		step := left % time.Second // to the next whole second
		if step == 0 {
			step = time.Second
		}
		w.timer.after(w.s.root, step, w.fire)
	}
}

// warn shows the countdown, in whole seconds, rounded up.
func (w *idleWatch) warn(left time.Duration) {
	secs := int((left + time.Second - 1) / time.Second)
	w.text.SetText(lang.N("Without activity, you will be signed out in {{.N}} seconds.", secs, map[string]any{"N": secs}))
	if !w.banner.Visible() {
		showIf(w.banner, true)
	}
}

func (w *idleWatch) hideWarning() {
	if w.banner.Visible() {
		showIf(w.banner, false)
	}
}
