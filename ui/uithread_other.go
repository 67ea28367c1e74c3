//go:build !linux

package ui

// onUIThread cannot tell the main thread here: what fyne.Do runs is
// trusted to be on the UI goroutine.
func onUIThread() bool { return true }
