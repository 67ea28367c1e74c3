package sqlite_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"sesame/data/sqlite"
	"sesame/data/storetest"
)

// watcherEnv names the database that TestWatcherProcess watches when this
// test binary runs as a second process.
const watcherEnv = "SESAME_TEST_WATCHER_DB"

// TestWatcherProcess is the second process of TestTwoProcessesSeeChanges.
func TestWatcherProcess(t *testing.T) {
	path := os.Getenv(watcherEnv)
	if path == "" {
		t.Skip("run by TestTwoProcessesSeeChanges")
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.WatchInChild(t, db, os.Stdin, os.Stdout)
}

// TestTwoProcessesSeeChanges runs this test binary again as a second
// process on the same file: each sees the other's change within 2 s.
func TestTwoProcessesSeeChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	path := filepath.Join(t.TempDir(), "sesame.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestWatcherProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), watcherEnv+"="+path)
	storetest.WatchWithChild(t, db, cmd)
}

// BenchmarkWatchDelay: from a change through one opening of a file to the
// report of another opening's watch (its counter polled), as between two
// processes (docs/BENCHMARKS.md).
func BenchmarkWatchDelay(b *testing.B) {
	path := filepath.Join(b.TempDir(), "sesame.db")
	open := func() *sqlite.DB {
		db, err := sqlite.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	}
	storetest.BenchWatchDelay(b, open(), open())
}
