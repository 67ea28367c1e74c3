package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// runner runs slow work (a store read, an argon2 hash of 50 to 100 ms, a
// search at a million users) and then done. The window's runner does the
// work on a goroutine of its own and done on the UI goroutine, through
// fyne.Do, so that the window keeps drawing meanwhile. Tests use one that
// runs both at once, one that holds them until the test lets them go, or
// the window's own, with the test's goroutine as the UI goroutine.
type runner func(work, done func())

// background is a runner that does the work on a goroutine of its own and
// hands done to the UI goroutine through post: toUI for the window,
// fyne.Do for tests, whose driver runs it on the test's goroutine.
func background(post func(func())) runner {
	return func(work, done func()) {
		go func() {
			work()
			post(done)
		}()
	}
}

// toUI hands f to the window's UI goroutine. Once the window's loop has
// stopped (a signal ended it), fyne.Do runs what it is handed at once, on
// the caller's goroutine, beside the main goroutine's shutdown: a timer
// or a store read that ends then would run the session on two goroutines
// at once. What comes that late is dropped: the window is gone.
func toUI(f func()) {
	fyne.Do(func() {
		if onUIThread() {
			f()
		}
	})
}

// scope is the lifetime of a part of the window on view: the window
// itself, the screen on view, a section of the administration, a card.
// Everything slow or late in the window goes through one: work started in
// a scope gives its result back only while the scope is alive, and a timer
// set in it fires only then. Ending a scope ends the scopes made from it
// and cancels the context that their work was given, so that a store read
// for a screen that was left stops too.
//
// Every method runs on the UI goroutine.
type scope struct {
	run    runner
	clock  clock
	ctx    context.Context
	cancel context.CancelFunc
	work   *sync.WaitGroup // the work under way in the window's scopes
}

// newScope is the outermost scope: the window's.
func newScope(run runner, c clock) *scope {
	ctx, cancel := context.WithCancel(context.Background())
	return &scope{run: run, clock: c, ctx: ctx, cancel: cancel, work: &sync.WaitGroup{}}
}

// child is a scope that ends with s, or before.
func (s *scope) child() *scope {
	ctx, cancel := context.WithCancel(s.ctx)
	return &scope{run: s.run, clock: s.clock, ctx: ctx, cancel: cancel, work: s.work}
}

// wait waits, up to limit, for the work started in s and the scopes made
// from it to return (once ended, it returns soon: a bulk action writes the
// batch under way and its audit row). It may be called from any goroutine.
func (s *scope) wait(limit time.Duration) {
	done := make(chan struct{})
	go func() {
		s.work.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(limit):
	}
}

// end ends the scope and those made from it: their results and timers are
// dropped, their work's context is cancelled.
func (s *scope) end() { s.cancel() }

// alive reports whether the scope, and every scope it was made from, is
// still on view.
func (s *scope) alive() bool { return s.ctx.Err() == nil }

// do runs work off the UI goroutine with the scope's context, then done on
// the UI goroutine if the scope is still alive then. Work must not touch
// the window: what it needs is read before, what it finds is handed to
// done.
func (s *scope) do(work func(ctx context.Context), done func()) {
	ctx := s.ctx
	s.work.Add(1)
	s.run(func() {
		defer s.work.Done()
		work(ctx)
	}, func() {
		if ctx.Err() == nil {
			done()
		}
	})
}

// busy is do for work that a screen shows as under way: setBusy(true)
// first, then setBusy(false) and done, if the scope is still alive.
func (s *scope) busy(setBusy func(bool), work func(ctx context.Context), done func()) {
	setBusy(true)
	s.do(work, func() {
		setBusy(false)
		done()
	})
}

// after calls f on the UI goroutine after d, if the scope is still alive
// then; stop cancels it.
func (s *scope) after(d time.Duration, f func()) (stop func() bool) {
	ctx := s.ctx
	return s.clock.AfterFunc(d, func() {
		if ctx.Err() == nil {
			f()
		}
	})
}

// latest runs jobs of one kind of which only the last one started counts:
// starting one ends the one before, whose result is then dropped (a count
// for a search typed further, a card opened over another).
type latest struct{ cur *scope }

// do runs work in a new child of parent, ending the job before.
func (l *latest) do(parent *scope, work func(ctx context.Context), done func()) {
	l.stop()
	l.cur = parent.child()
	l.cur.do(work, done)
}

// stop drops the result of the job under way, if any.
func (l *latest) stop() {
	if l.cur != nil {
		l.cur.end()
		l.cur = nil
	}
}

// debounce calls a function once a delay has passed since it was last
// asked to: the search of a box once the typing pauses, the clearing of the
// clipboard after the last copy, the idle watch after the last activity.
// Each call carries a generation: a timer that fires although it was
// stopped (its callback already on its way to the UI goroutine when Stop
// came) finds that it is no longer the newest, and neither runs nor
// forgets the newer timer.
type debounce struct {
	delay time.Duration
	gen   int
	stop  func() bool // the newest timer's, nil when none waits
}

// call runs f in sc after the debounce's delay, in place of what waited;
// with no delay, at once.
func (d *debounce) call(sc *scope, f func()) { d.after(sc, d.delay, f) }

// after runs f in sc after delay, in place of what waited.
func (d *debounce) after(sc *scope, delay time.Duration, f func()) {
	d.cancel()
	if delay <= 0 {
		f()
		return
	}
	gen := d.gen
	d.stop = sc.after(delay, func() {
		if gen != d.gen {
			return
		}
		d.stop = nil
		f()
	})
}

// pending reports whether a call waits.
func (d *debounce) pending() bool { return d.stop != nil }

// cancel drops what waits.
func (d *debounce) cancel() {
	d.gen++
	if d.stop != nil {
		d.stop()
		d.stop = nil
	}
}
