package ui

import (
	"runtime"
	"testing"
)

// onMainThread is onUIThread during the package's initialization, which
// runs on the main thread.
var onMainThread = onUIThread()

// The main goroutine keeps the main thread, as Fyne's driver makes it do
// for the window: no test's goroutine runs there.
func init() { runtime.LockOSThread() }

// TestOnUIThread: the main thread is the UI thread; another goroutine's,
// on which Fyne runs what it is handed once its loop has stopped, is not.
func TestOnUIThread(t *testing.T) {
	if !onMainThread {
		t.Error("the main thread is not taken for the UI thread")
	}
	if onUIThread() {
		t.Error("a test's goroutine is taken for the UI thread")
	}
	other := make(chan bool)
	go func() { other <- onUIThread() }()
	if <-other {
		t.Error("another goroutine is taken for the UI thread")
	}
}
