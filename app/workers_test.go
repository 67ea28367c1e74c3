package app_test

import (
	"errors"
	"slices"
	"sync/atomic"
	"testing"

	"sesame/app"
)

// countingHasher hashes as the Service would, and counts what it hashed.
type countingHasher struct {
	h app.Hasher
	n *atomic.Int64
}

func (c countingHasher) Hash(password string) (string, error) {
	c.n.Add(1)
	return c.h.Hash(password)
}

// A program that hashes elsewhere (the window: in child processes) gets
// one hasher a worker, used for every new password, and stopped at the
// end; the batches follow the number of workers.
func TestBulkResetHashesWithTheHashWorkers(t *testing.T) {
	e := bulkEnv(t, 150)
	var hashed atomic.Int64
	started, stopped := 0, 0
	e.svc = app.NewService(app.Config{Store: e.store, Blocklist: blocklist, Now: e.clock.Now, Hasher: fastHash, Workers: 1,
		HashWorkers: func(n int, h app.Hasher) ([]app.PasswordHasher, func(), error) {
			started += n
			if h != fastHash {
				t.Errorf("hash workers started with %+v, want the service's parameters", h.Params)
			}
			return []app.PasswordHasher{countingHasher{h, &hashed}}, func() { stopped++ }, nil
		}})
	p := e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkReset}, Selection: app.Selection{Filter: &app.UserFilter{Role: app.RoleEmployee}}})
	var batches []int
	res, err := e.svc.RunBulk(e.ctx, e.actor(), p, func(pr app.BulkProgress) { batches = append(batches, len(pr.Outcomes)) })
	if err != nil || res.Done != 150 {
		t.Fatalf("%d done: %v", res.Done, err)
	}
	// One worker: batches of up to 64 users, half of what is left, down
	// to 4 (150 = 64 + 43 + 21 + 11 + 5 + 4 + 2).
	if !slices.Equal(batches, []int{64, 43, 21, 11, 5, 4, 2}) {
		t.Errorf("batches of %v users", batches)
	}
	if hashed.Load() != 150 || started != 1 || stopped != 1 {
		t.Errorf("%d passwords hashed by the hash workers (want 150); %d started, %d stopped (want 1, 1)", hashed.Load(), started, stopped)
	}
}

// Hash workers that cannot start leave the hashing to this process: the
// action is done all the same.
func TestBulkResetHashesHereWhenHashWorkersFail(t *testing.T) {
	e := bulkEnv(t, 20)
	e.svc = app.NewService(app.Config{Store: e.store, Blocklist: blocklist, Now: e.clock.Now, Hasher: fastHash,
		HashWorkers: func(int, app.Hasher) ([]app.PasswordHasher, func(), error) {
			return nil, nil, errors.New("no child process")
		}})
	p := e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkReset}, Selection: app.Selection{Filter: &app.UserFilter{Role: app.RoleEmployee}}})
	res, out := e.run(e.ctx, p)
	if res.Done != 20 || len(out) != 20 {
		t.Fatalf("%d done, %d outcomes", res.Done, len(out))
	}
	if o := out[0]; o.Temporary == nil || e.signIn(o.Login, o.Temporary.Plaintext).Outcome != app.OutcomeMustChange {
		t.Errorf("the new password of %s does not sign in: %+v", o.Login, o)
	}
}
