//go:build !linux

package app

// workerNice is how much lower the hashing workers run, where that can be
// set per thread (Linux).
const workerNice = 0

// yieldThread leaves the priority of the thread as it is: only Linux sets
// it per thread.
func yieldThread() {}
