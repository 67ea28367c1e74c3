package app

import (
	"syscall"
	"testing"
)

func TestYieldThreadLowersOnlyItsThread(t *testing.T) {
	nice := func() int {
		prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
		if err != nil {
			t.Fatal(err)
		}
		return 20 - prio
	}
	before := make(chan int, 1)
	after := make(chan int, 1)
	go func() {
		before <- nice()
		yieldThread()
		after <- nice()
	}()
	was, is := <-before, <-after
	if want := min(19, was+workerNice); is != want {
		t.Errorf("the worker's thread runs at nice %d, want %d", is, want)
	}
	// The thread went with its goroutine: the others keep their priority.
	for range 20 {
		done := make(chan int)
		go func() { done <- nice() }()
		if n := <-done; n != was {
			t.Fatalf("a goroutine runs at nice %d after a worker ended, want %d", n, was)
		}
	}
}
