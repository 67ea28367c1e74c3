package ui

import (
	"time"

	"fyne.io/fyne/v2"
)

// clock is the time of the idle watch; tests use a clock that they move by
// hand, so that no test waits for minutes.
type clock interface {
	Now() time.Time
	// AfterFunc calls f on the UI goroutine after d; stop cancels it.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, func() { fyne.Do(f) }).Stop
}

// idleWatch calls onIdle when nothing happened in the window for limit.
// Activity comes at every keystroke and mouse move, so it only stamps the
// time; the timer, when it fires, looks at the stamp and waits again for
// what is left. Every method runs on the UI goroutine.
type idleWatch struct {
	clock  clock
	onIdle func()
	limit  time.Duration
	last   time.Time
	stop   func() bool
	round  int // bumped by start and halt, so that a timer already on its way is ignored
}

// start (re)starts the watch.
func (w *idleWatch) start(limit time.Duration) {
	w.halt()
	w.limit, w.last = limit, w.clock.Now()
	w.arm(limit)
}

// running reports whether the watch is on.
func (w *idleWatch) running() bool { return w.stop != nil }

// touch records activity.
func (w *idleWatch) touch() {
	if w.running() {
		w.last = w.clock.Now()
	}
}

// halt stops the watch.
func (w *idleWatch) halt() {
	if w.stop != nil {
		w.stop()
		w.stop = nil
	}
	w.round++
}

func (w *idleWatch) arm(d time.Duration) {
	round := w.round
	w.stop = w.clock.AfterFunc(d, func() { w.fire(round) })
}

func (w *idleWatch) fire(round int) {
	if round != w.round || !w.running() {
		return
	}
	if left := w.limit - w.clock.Now().Sub(w.last); left > 0 {
		w.arm(left)
		return
	}
	w.halt()
	w.onIdle()
}
