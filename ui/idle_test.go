package ui

import (
	"testing"
	"time"
)

func TestIdleWatch(t *testing.T) {
	c := newFakeClock()
	idle := 0
	w := &idleWatch{clock: c, onIdle: func() { idle++ }}
	w.touch() // not running: nothing to put off
	w.start(time.Minute)

	c.Advance(50 * time.Second)
	w.touch()
	c.Advance(50 * time.Second)
	if idle != 0 {
		t.Fatal("idle although touched 50 s ago")
	}
	c.Advance(10 * time.Second)
	if idle != 1 || w.running() {
		t.Fatalf("idle %d times, running %v; want once and stopped", idle, w.running())
	}

	w.start(time.Minute)
	w.halt()
	c.Advance(time.Hour)
	if idle != 1 {
		t.Error("a halted watch fired")
	}

	// A restart cancels the timer of the previous run.
	w.start(time.Minute)
	c.Advance(30 * time.Second)
	w.start(time.Minute)
	c.Advance(45 * time.Second)
	if idle != 1 {
		t.Error("the timer of a previous run fired")
	}
	c.Advance(15 * time.Second)
	if idle != 2 {
		t.Errorf("idle %d times, want 2", idle)
	}
}
