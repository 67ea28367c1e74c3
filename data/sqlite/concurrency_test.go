package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/sqlite"
	"sesame/data/storetest"
)

// writes makes n write transactions on db as writer w: a user, a setting,
// an audit event and a throttle record each, with a search in between.
func writes(db *sqlite.DB, w string, n int) error {
	ctx := context.Background()
	for i := range n {
		err := db.Write(ctx, func(tx app.Tx) error {
			u := storetest.Employee(fmt.Sprintf("Writer %s %03d", w, i), fmt.Sprintf("%s.%03d@example.com", w, i))
			if err := tx.CreateUser(&u); err != nil {
				return err
			}
			if err := tx.PutSetting("last."+w, fmt.Sprint(i)); err != nil {
				return err
			}
			if err := tx.PutThrottle(app.Throttle{Key: u.Email, Failures: i}); err != nil {
				return err
			}
			return tx.AddAudit(app.AuditEvent{At: time.Now(), Actor: "system:" + w, Subject: u.Email, Action: app.ActionUserCreate})
		})
		if err != nil {
			return fmt.Errorf("writer %s, write %d: %w", w, i, err)
		}
		err = db.Read(ctx, func(tx app.Tx) error {
			_, err := tx.SearchUsers(app.UserQuery{Text: "writer"})
			return err
		})
		if err != nil {
			return fmt.Errorf("writer %s, read %d: %w", w, i, err)
		}
	}
	return nil
}

func checkWrites(t *testing.T, db *sqlite.DB, perWriter int, writers ...string) {
	t.Helper()
	want := perWriter * len(writers)
	if n := countUsers(t, db); n != want {
		t.Errorf("%d users, want %d", n, want)
	}
	read(t, db, func(tx app.Tx) error {
		events, err := tx.ListAudit(app.AuditQuery{Limit: 10 * want})
		if len(events) != want {
			t.Errorf("%d audit events, want %d", len(events), want)
		}
		return err
	})
	for _, w := range writers {
		if got := len(storetest.SearchAll(t, db, "writer "+w+" ", 100)); got != perWriter {
			t.Errorf("search finds %d users of writer %s, want %d", got, w, perWriter)
		}
	}
	checkIndex(t, db)
}

// TestTwoHandlesWriteConcurrently opens the file twice, as the window and
// the command line would, and writes through both at once.
func TestTwoHandlesWriteConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	const n = 200
	writers := []string{"a", "b"}
	dbs := make([]*sqlite.DB, len(writers))
	for i := range dbs {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs[i] = db
	}
	var wg sync.WaitGroup
	errs := make([]error, len(writers))
	for i, w := range writers {
		wg.Go(func() { errs[i] = writes(dbs[i], w, n) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err) // "database is locked" would show here
		}
	}
	checkWrites(t, dbs[0], n, writers...)
}

// writerEnv names the database that TestWriterProcess writes to when this
// test binary runs as a second process.
const writerEnv = "SESAME_TEST_WRITER_DB"

// TestWriterProcess is the second process of TestTwoProcessesWriteConcurrently.
func TestWriterProcess(t *testing.T) {
	path := os.Getenv(writerEnv)
	if path == "" {
		t.Skip("run by TestTwoProcessesWriteConcurrently")
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := writes(db, "child", 200); err != nil {
		t.Fatal(err)
	}
}

// TestTwoProcessesWriteConcurrently runs this test binary again as a second
// process writing to the same file while this one writes too.
func TestTwoProcessesWriteConcurrently(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	path := filepath.Join(t.TempDir(), "sesame.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestWriterProcess$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), writerEnv+"="+path)
	out := make(chan error, 1)
	var output []byte
	go func() {
		var err error
		output, err = cmd.CombinedOutput()
		out <- err
	}()
	errParent := writes(db, "parent", 200)
	if err := <-out; err != nil {
		t.Fatalf("second process: %v\n%s", err, output)
	}
	if errParent != nil {
		t.Fatal(errParent)
	}
	checkWrites(t, db, 200, "parent", "child")
}
