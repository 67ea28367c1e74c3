package ui

import (
	"sync"
	"time"

	"sesame/app"
)

// liveDelay is how long the window gathers what the store reports before
// it reads again what it shows: a burst of a thousand changes from another
// workstation costs one reading, and a change shows within about a second.
const liveDelay = 500 * time.Millisecond

// live follows the changes that every workstation makes to the store
// (app.Watcher), for a part of the window in sc: the watch reports on a
// goroutine of its own; live gathers the reports and hands them, merged,
// to apply on the UI goroutine, at most once every liveDelay and only
// while sc is alive.
type live struct {
	sc    *scope
	apply func(app.StoreEvent)

	mu      sync.Mutex
	pending app.StoreEvent // merged: the changes, and the last of Lost and Back
	armed   bool           // a timer waits to hand pending over
}

// follow starts following the store's changes for a part of the window in
// sc, until sc ends. A store that cannot be watched is not followed.
func (s *session) follow(sc *scope, apply func(app.StoreEvent)) *live {
	l := &live{sc: sc, apply: apply}
	ctx, svc := sc.ctx, s.svc
	go func() { _ = svc.Watch(ctx, l.report) }()
	return l
}

// report takes what the watch reports, on the watch's goroutine. The timer
// is set through the clock itself, which any goroutine may use; its
// function runs on the UI goroutine.
func (l *live) report(e app.StoreEvent) {
	l.mu.Lock()
	l.pending.Changed |= e.Changed
	switch {
	case e.Lost:
		l.pending.Lost, l.pending.Back, l.pending.Err = true, false, e.Err
	case e.Back:
		l.pending.Lost, l.pending.Back, l.pending.Err = false, true, nil
	}
	arm := !l.armed
	l.armed = true
	l.mu.Unlock()
	if arm {
		ctx := l.sc.ctx
		l.sc.clock.AfterFunc(liveDelay, func() {
			if ctx.Err() == nil {
				l.flush()
			}
		})
	}
}

// flush hands what was gathered to apply.
func (l *live) flush() {
	l.mu.Lock()
	e := l.pending
	l.pending, l.armed = app.StoreEvent{}, false
	l.mu.Unlock()
	l.apply(e)
}

// waiting reports whether reports wait to be handed over (for tests).
func (l *live) waiting() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.armed
}
