package app

import (
	"runtime"
	"syscall"
)

// workerNice is how much lower than the rest of the program the hashing
// workers of a Service with Config.Yield run: a thread at nice 19 gets about
// a seventieth of the processor time of one at 0 when both want it (Linux's
// weights: 15 against 1024), all of it when the other sleeps. At nice 10
// (110 against 1024) the window still missed frames while a bulk action
// hashed (docs/BENCHMARKS.md).
const workerNice = 19

// yieldThread lowers the priority of the calling goroutine's thread, which
// it keeps to itself until it ends: Go then discards the thread rather than
// running other goroutines at that priority. A failure leaves the priority
// as it was, which only costs responsiveness.
func yieldThread() {
	runtime.LockOSThread()
	tid := syscall.Gettid()
	if prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil {
		// The raw system call returns 20 - nice.
		_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, min(19, 20-prio+workerNice))
	}
}
