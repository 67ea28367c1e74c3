//go:build !linux

package hashproc

// lowerPriority leaves the priority as it is: only Linux sets it per
// thread here.
func lowerPriority() {}
