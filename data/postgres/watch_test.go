package postgres_test

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/postgres"
	"sesame/data/postgres/pgtest"
	"sesame/data/storetest"
)

// watcherEnv names the database that TestWatcherProcess watches when this
// test binary runs as a second workstation.
const watcherEnv = "SESAME_TEST_PG_WATCHER"

// TestWatcherProcess is the second workstation of TestTwoWorkstationsSeeChanges.
func TestWatcherProcess(t *testing.T) {
	conn := os.Getenv(watcherEnv)
	if conn == "" {
		t.Skip("run by TestTwoWorkstationsSeeChanges")
	}
	db, err := postgres.Open(conn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.WatchInChild(t, db, os.Stdin, os.Stdout)
}

// TestTwoWorkstationsSeeChanges runs this test binary again as a second
// workstation on the same database: each sees the other's change within
// 2 s.
func TestTwoWorkstationsSeeChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	conn := newURL(t)
	db, err := postgres.Open(conn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestWatcherProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), watcherEnv+"="+conn)
	storetest.WatchWithChild(t, db, cmd)
}

// TestWatchAcrossRestart: when the server stops, the watch reports the
// database lost, without its password; once the server is back it
// reports so by itself, and changes are seen again.
func TestWatchAcrossRestart(t *testing.T) {
	srv := pgtest.StartT(t, pgtest.Options{})
	if err := srv.Exec(t.Context(), "postgres", "CREATE DATABASE sesame"); err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(srv.URL("sesame"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := storetest.Watch(t, db)
	r.Ready(db)
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	seen, ok := r.WaitFor(storetest.Seen, func(e app.StoreEvent) bool { return e.Lost })
	if !ok {
		t.Fatalf("the stopped server was not reported within %v (reported %+v)", storetest.Seen, seen)
	}
	lost := seen[len(seen)-1]
	if lost.Err == nil || app.CodeOf(lost.Err) != app.EInternal {
		t.Errorf("lost with the error %v", lost.Err)
	}
	noSecret(t, lost.Err, pgtest.Password)
	if more := r.Next(2 * time.Second); len(more) > 0 {
		t.Errorf("reported %+v while the server is down, after the loss", more)
	}
	if err := srv.StartAgain(); err != nil {
		t.Fatal(err)
	}
	seen, ok = r.WaitFor(10*time.Second, func(e app.StoreEvent) bool { return e.Back })
	if !ok {
		t.Fatalf("the server back was not reported (reported %+v)", seen)
	}
	if back := seen[len(seen)-1]; back.Changed != app.AllChanges {
		t.Errorf("back with the changes %b, want every kind: some may have been missed", back.Changed)
	}
	r.Quiet(storetest.Seen / 4)
	write(t, db, func(tx app.Tx) error { return tx.PutSetting("company.name", "ACME") })
	if seen, ok := r.WaitFor(storetest.Seen, storetest.Changed(app.ChangedSettings)); !ok {
		t.Errorf("a change after the restart was not seen (reported %+v)", seen)
	}
}

// BenchmarkWatchDelay: from a change on one workstation to the report of
// another's watch (LISTEN/NOTIFY), on the local server (docs/BENCHMARKS.md).
func BenchmarkWatchDelay(b *testing.B) {
	conn := newURL(b)
	open := func() *postgres.DB {
		db, err := postgres.Open(conn)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	}
	storetest.BenchWatchDelay(b, open(), open())
}
