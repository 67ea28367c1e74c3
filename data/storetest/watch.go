package storetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sesame/app"
)

// Seen is how soon a watch must report a change: a window on another
// workstation shows it within 2 s, its own reading included.
const Seen = 2 * time.Second

// Recorder keeps what a watch of a store reports, for a test to wait on.
type Recorder struct {
	t      testing.TB
	mu     sync.Mutex
	events []app.StoreEvent
	wake   chan struct{}
	done   chan struct{} // closed when Watch returned
	cancel context.CancelFunc
}

// Watch starts watching s, which must be an app.Watcher, until the test
// ends or Stop.
func Watch(t testing.TB, s app.Store) *Recorder {
	t.Helper()
	w, ok := s.(app.Watcher)
	if !ok {
		t.Fatalf("%T cannot be watched: it is no app.Watcher", s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Recorder{t: t, wake: make(chan struct{}, 1), done: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(r.done)
		if err := w.Watch(ctx, r.add); err != nil {
			t.Errorf("Watch: %v", err)
		}
	}()
	t.Cleanup(func() { r.Stop() })
	return r
}

func (r *Recorder) add(e app.StoreEvent) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Stop ends the watch and reports whether Watch returned within Seen.
func (r *Recorder) Stop() bool {
	r.cancel()
	select {
	case <-r.done:
		return true
	case <-time.After(Seen):
		return false
	}
}

// take returns the events reported so far and forgets them.
func (r *Recorder) take() []app.StoreEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.events
	r.events = nil
	return e
}

// Next waits up to within for events and returns those reported, none
// when none came.
func (r *Recorder) Next(within time.Duration) []app.StoreEvent {
	deadline := time.After(within)
	for {
		if e := r.take(); len(e) > 0 {
			return e
		}
		select {
		case <-r.wake:
		case <-deadline:
			return r.take()
		}
	}
}

// WaitFor waits up to within for an event that pass accepts, and returns
// it and every event seen until then; ok is false when none came.
func (r *Recorder) WaitFor(within time.Duration, pass func(app.StoreEvent) bool) (seen []app.StoreEvent, ok bool) {
	end := time.Now().Add(within)
	for {
		left := time.Until(end)
		if left <= 0 {
			return seen, false
		}
		for _, e := range r.Next(left) {
			seen = append(seen, e)
			if pass(e) {
				return seen, true
			}
		}
	}
}

// Changed is the test of WaitFor for a change of kind k.
func Changed(k app.Changes) func(app.StoreEvent) bool {
	return func(e app.StoreEvent) bool { return e.Changed&k != 0 }
}

// Ready makes sure that the watch has begun: it changes a setting of s
// until the watch reports it. Changes made after Ready must be reported.
func (r *Recorder) Ready(s app.Store) {
	r.t.Helper()
	for i := range 20 {
		write(r.t, s, func(tx app.Tx) error { return tx.PutSetting("test.ready", string(rune('a'+i))) })
		if _, ok := r.WaitFor(Seen/4, Changed(app.ChangedSettings)); ok {
			r.Quiet(Seen / 4)
			return
		}
	}
	r.t.Fatal("the watch reports no change")
}

// Quiet waits until the watch has reported nothing for d, and drops what
// it reported until then.
func (r *Recorder) Quiet(d time.Duration) {
	for len(r.Next(d)) > 0 {
	}
}

// TestWatchReportsCommits: a watch reports each kind of change committed
// to the store, within Seen, and nothing for what reads only or rolls
// back; it returns once its context ends.
func TestWatchReportsCommits(t *testing.T, newStore NewStore) {
	s := newStore(t)
	r := Watch(t, s)
	r.Ready(s)

	// Reads, a transaction rolled back, one that changes nothing: no report.
	read(t, s, func(tx app.Tx) error { _, err := tx.SettingValues(); return err })
	_ = s.Write(t.Context(), func(tx app.Tx) error {
		u := Employee("Rolled Back", "rolled@example.com")
		if err := tx.CreateUser(&u); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	write(t, s, func(tx app.Tx) error { _, err := tx.HasUsers(); return err })
	if e := r.Next(Seen / 2); len(e) > 0 {
		t.Errorf("reported %+v for reads and a rollback", e)
	}

	cases := []struct {
		name string
		kind app.Changes
		fn   func(tx app.Tx) error
	}{
		{"a user created", app.ChangedUsers, func(tx app.Tx) error {
			u := Employee("Ana Lima", "ana@example.com")
			return tx.CreateUser(&u)
		}},
		{"a user changed", app.ChangedUsers, func(tx app.Tx) error {
			u, err := tx.UserByEmail("ana@example.com")
			if err != nil {
				return err
			}
			u.Name = "Ana Lima Souza"
			return tx.UpdateUser(&u)
		}},
		{"a login locked", app.ChangedUsers, func(tx app.Tx) error {
			return tx.PutThrottle(app.Throttle{Key: "ana@example.com", Failures: 10,
				LockedUntil: time.Now().Add(time.Hour), LastFailure: time.Now()})
		}},
		{"a login unlocked", app.ChangedUsers, func(tx app.Tx) error { return tx.ClearThrottle("ana@example.com") }},
		{"a setting", app.ChangedSettings, func(tx app.Tx) error { return tx.PutSetting("company.name", "ACME") }},
		{"a message queued", app.ChangedMail, func(tx app.Tx) error {
			m := app.OutboxMessage{Kind: app.MailTest, To: "ana@example.com", Subject: "Test", Text: "t",
				State: app.MailQueued, CreatedAt: time.Now(), NextAttemptAt: time.Now()}
			return tx.EnqueueMail(&m)
		}},
		{"a message sent", app.ChangedMail, func(tx app.Tx) error {
			ms, err := tx.ListMail(app.MailQuery{Limit: 1})
			if err != nil || len(ms) == 0 {
				return err
			}
			ms[0].State, ms[0].SentAt = app.MailSent, time.Now()
			return tx.UpdateMail(&ms[0])
		}},
	}
	for _, c := range cases {
		start := time.Now()
		write(t, s, c.fn)
		seen, ok := r.WaitFor(Seen, Changed(c.kind))
		if !ok {
			t.Errorf("%s: not reported within %v (reported %+v)", c.name, Seen, seen)
			continue
		}
		for _, e := range seen {
			if e.Changed&^c.kind != 0 || e.Lost || e.Back {
				t.Errorf("%s: reported %+v, want only %b", c.name, e, c.kind)
			}
		}
		t.Logf("%s: reported after %v", c.name, time.Since(start).Round(time.Millisecond))
		r.Quiet(Seen / 4)
	}
	if !r.Stop() {
		t.Errorf("Watch did not return within %v of the end of its context", Seen)
	}
}

// TestStaleUpdateRefused: an update made from a user read before another
// change is refused and changes nothing; each update counts one version.
func TestStaleUpdateRefused(t *testing.T, newStore NewStore) {
	s := newStore(t)
	u := createUsers(t, s, Employee("Ana Lima", "ana@example.com"))[0]
	mine, theirs := u, u
	theirs.Name, theirs.UpdatedBy = "Ana Souza", "bob@example.com"
	write(t, s, func(tx app.Tx) error { return tx.UpdateUser(&theirs) })
	if theirs.Version != 2 {
		t.Errorf("version %d after an update, want 2", theirs.Version)
	}
	mine.Name = "Ana Lima Souza"
	err := s.Write(t.Context(), func(tx app.Tx) error { return tx.UpdateUser(&mine) })
	wantCode(t, err, app.EStale)
	read(t, s, func(tx app.Tx) error {
		got, err := tx.UserByID(u.ID)
		if err != nil {
			return err
		}
		if got.Name != "Ana Souza" || got.Version != 2 || got.UpdatedBy != "bob@example.com" {
			t.Errorf("after a stale update: %q, version %d, by %q", got.Name, got.Version, got.UpdatedBy)
		}
		return nil
	})
	checkIndex(t, s)
	// Read again, the same change goes through; twice in one transaction too.
	write(t, s, func(tx app.Tx) error {
		got, err := tx.UserByID(u.ID)
		if err != nil {
			return err
		}
		got.Name = "Ana Lima Souza"
		if err := tx.UpdateUser(&got); err != nil {
			return err
		}
		got.Disabled = true
		if err := tx.UpdateUser(&got); err != nil {
			return err
		}
		if got.Version != 4 {
			t.Errorf("version %d after two more updates, want 4", got.Version)
		}
		return nil
	})
}

// WatchInChild is the second process of a test of two processes that see
// each other's changes (WatchWithChild), on s: once its watch has begun it
// says "ready" on out, waits for a change of users, says "seen", and makes
// one of its own when a line comes in.
func WatchInChild(t *testing.T, s app.Store, in io.Reader, out io.Writer) {
	r := Watch(t, s)
	r.Ready(s)
	fmt.Fprintln(out, "ready")
	if seen, ok := r.WaitFor(Seen, Changed(app.ChangedUsers)); !ok {
		t.Fatalf("the other process's change was not seen within %v (reported %+v)", Seen, seen)
	}
	fmt.Fprintln(out, "seen")
	if !bufio.NewScanner(in).Scan() {
		t.Fatal("no line to go on")
	}
	createUsers(t, s, Employee("Child Process", "child@example.com"))
}

// WatchWithChild runs cmd, a second process that calls WatchInChild on the
// same database as s, and checks that each process sees the other's change
// of a user within Seen.
func WatchWithChild(t *testing.T, s app.Store, cmd *exec.Cmd) {
	r := Watch(t, s)
	r.Ready(s)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	expect := func(want string) {
		t.Helper()
		for lines.Scan() {
			if strings.TrimSpace(lines.Text()) == want {
				return
			}
		}
		_ = cmd.Wait()
		t.Fatalf("the second process did not say %q:\n%s", want, stderr.String())
	}
	expect("ready")
	r.Quiet(Seen / 4) // the second process's first changes
	createUsers(t, s, Employee("Parent Process", "parent@example.com"))
	start := time.Now()
	expect("seen")
	t.Logf("the second process saw the change after %v", time.Since(start).Round(time.Millisecond))
	r.Quiet(Seen / 4) // this process's own change
	fmt.Fprintln(stdin, "go")
	start = time.Now()
	seen, ok := r.WaitFor(Seen, Changed(app.ChangedUsers))
	if !ok {
		t.Errorf("the second process's change was not seen within %v (reported %+v)", Seen, seen)
	}
	t.Logf("its change was seen after %v", time.Since(start).Round(time.Millisecond))
	for lines.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("second process: %v\n%s", err, stderr.String())
	}
}

// BenchWatchDelay measures how long a change committed through writer
// takes to be reported by the watch of watched, another store on the same
// database (as another process or workstation opens it): b.N changes, one
// at a time, each after a random pause of up to 300 ms, so that changes
// fall anywhere in a poll's period. It reports the median and the 90th
// percentile in milliseconds, from the start of the writing transaction
// to the report.
func BenchWatchDelay(b *testing.B, writer, watched app.Store) {
	r := Watch(b, watched)
	r.Ready(writer)
	delays := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		time.Sleep(time.Duration(rand.Int64N(int64(300 * time.Millisecond))))
		b.StartTimer()
		start := time.Now()
		write(b, writer, func(tx app.Tx) error { return tx.PutSetting("test.bench", fmt.Sprint(i)) })
		if _, ok := r.WaitFor(Seen, Changed(app.ChangedSettings)); !ok {
			b.Fatalf("change %d not reported within %v", i, Seen)
		}
		delays = append(delays, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(delays)
	ms := func(q float64) float64 {
		return float64(delays[int(q*float64(len(delays)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.5), "median-ms")
	b.ReportMetric(ms(0.9), "p90-ms")
	b.ReportMetric(0, "ns/op")
}
