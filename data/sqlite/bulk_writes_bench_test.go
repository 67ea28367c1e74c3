//go:build unix

package sqlite_test

import (
	"syscall"
	"testing"
	"time"

	"sesame/app"
)

// BenchmarkBulkResetWrites resets 10,000 users of a real file of 1,000,000
// (SESAME_BENCH_USERS), in ten rounds of 1,000, as BenchmarkBulkReset does
// but with argon2id at its least cost (64 KiB, one pass): what it measures
// is the rest, the policy's check of each generated password, the reads and
// the writes, which a reset adds to its hashes. It reports the processor
// time of the process a user (user and system, every thread: SQLite's
// commits and checkpoints included) and the wall time a user, in ms.
func BenchmarkBulkResetWrites(b *testing.B) {
	const n, rounds = 10_000, 10
	size := benchUsers(b)
	bl := benchBlocklist()
	for b.Loop() {
		b.StopTimer()
		db, _ := benchDirectory(b, bl, size)
		svc := app.NewService(app.Config{Store: db, Blocklist: bl,
			Hasher: app.Hasher{Params: app.HashParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}})
		logins := benchLogins(b, db, n)
		var wall, cpu time.Duration
		for r := range rounds {
			plan := planReset(b, svc, logins[r*n/rounds:(r+1)*n/rounds])
			b.StartTimer()
			start, cpu0 := time.Now(), processorTime(b)
			runReset(b, svc, plan)
			wall, cpu = wall+time.Since(start), cpu+processorTime(b)-cpu0
			b.StopTimer()
		}
		b.ReportMetric(float64(cpu.Microseconds())/1000/n, "cpu-ms/user")
		b.ReportMetric(float64(wall.Microseconds())/1000/n, "wall-ms/user")
		b.Logf("directory of %d users; %d users reset with a cheap hash in %v, %v of processor time",
			size, n, wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
		b.StartTimer()
	}
}

// processorTime is the processor time that this process has used, in user
// and system mode.
func processorTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
