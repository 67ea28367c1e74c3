package hashproc

import (
	"os"
	"strconv"
	"syscall"
)

// lowerPriority runs every thread of the process at nice 19, the lowest
// priority: Linux then gives it about a seventieth of the processor time of
// a thread at 0 that wants it (weights 15 against 1024), and all of it when
// no one else does. Threads started later take their creator's priority.
// A failure leaves a thread's priority as it was, which only costs the
// window some responsiveness.
func lowerPriority() {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return
	}
	for _, t := range tasks {
		if tid, err := strconv.Atoi(t.Name()); err == nil {
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, 19)
		}
	}
}
