package ui

import "syscall"

// onUIThread reports whether the caller runs on the process's main thread,
// to which Fyne locks the UI goroutine (its driver calls
// runtime.LockOSThread in init); on Linux the main thread's ID is the
// process's.
func onUIThread() bool { return syscall.Gettid() == syscall.Getpid() }
