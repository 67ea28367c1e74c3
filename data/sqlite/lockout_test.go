package sqlite_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"sesame/app"
	"sesame/assets"
	"sesame/data/sqlite"
)

const (
	lockoutLogin    = "carl@acme.example"
	lockoutPassword = "violet tramway umbrella 1987"
)

// lockoutDB makes a database with one user and lockout.threshold 5.
func lockoutDB(t *testing.T, path string) {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := newService(t, db)
	admin, _, err := svc.Setup(t.Context(), app.Actor{}, app.SetupRequest{Company: "Acme", Email: lockoutLogin, Name: "Carl Sagan", Password: lockoutPassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateSettings(t.Context(), app.UserActor(admin), map[string]string{"lockout.threshold": "5"}); err != nil {
		t.Fatal(err)
	}
}

func newService(t testing.TB, db *sqlite.DB) *app.Service {
	t.Helper()
	bl := app.NewBlocklist(app.BlocklistSources{Common: assets.CommonPasswords})
	return app.NewService(app.Config{Store: db, Blocklist: bl}) // the production argon2id parameters
}

// guess signs in n times at once with wrong passwords, through every
// spelling of the login in turn.
func guess(t testing.TB, path string, n int) {
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := newService(t, db)
	spellings := []string{lockoutLogin, "CARL@acme.example", "carl＠acme.example", "carl@acme.example."}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := svc.SignIn(context.Background(), spellings[i%len(spellings)], "wrong guess number "+strconv.Itoa(i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// checkedPasswords counts the password checks that were made: each wrong
// one is a failure in the audit log.
func checkedPasswords(t *testing.T, path string) int {
	t.Helper()
	db, err := sqlite.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	read(t, db, func(tx app.Tx) error {
		events, err := tx.ListAudit(app.AuditQuery{Action: app.ActionSignInFailure, Limit: 1000})
		n = len(events)
		return err
	})
	return n
}

// TestLockoutHoldsUnderConcurrentSignIns is the example: twelve
// sign-ins started together on a real file, threshold 5, check at most
// five passwords; then the right password is refused as locked.
func TestLockoutHoldsUnderConcurrentSignIns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	lockoutDB(t, path)
	guess(t, path, 12)
	if n := checkedPasswords(t, path); n != 5 {
		t.Errorf("12 simultaneous sign-ins checked %d passwords, want 5 (the threshold)", n)
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if r, err := newService(t, db).SignIn(t.Context(), lockoutLogin, lockoutPassword); err != nil || r.Outcome != app.OutcomeLocked {
		t.Errorf("the right password after 12 guesses: %v %v", r.Outcome, err)
	}
}

// guesserEnv names the database that TestGuesserProcess signs in to when
// this test binary runs as another process.
const guesserEnv = "SESAME_TEST_GUESSER_DB"

// TestGuesserProcess is a second process of TestLockoutHoldsAcrossProcesses.
func TestGuesserProcess(t *testing.T) {
	path := os.Getenv(guesserEnv)
	if path == "" {
		t.Skip("run by TestLockoutHoldsAcrossProcesses")
	}
	guess(t, path, 6)
}

// TestLockoutHoldsAcrossProcesses: two processes guessing at once share
// one budget.
func TestLockoutHoldsAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts other processes")
	}
	path := filepath.Join(t.TempDir(), "sesame.db")
	lockoutDB(t, path)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestGuesserProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), guesserEnv+"="+path)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("guesser: %v\n%s", err, out)
			}
		})
	}
	wg.Wait()
	if n := checkedPasswords(t, path); n != 5 {
		t.Errorf("two processes of 6 simultaneous sign-ins checked %d passwords, want 5 (the threshold)", n)
	}
}
