package app_test

import (
	"testing"

	"sesame/app"
)

// A program that keeps a processor for its window hashes with the workers
// it gives, at a lower priority: the batches follow their number, and
// every password is made.
func TestBulkResetWithFewerWorkersYielding(t *testing.T) {
	e := bulkEnv(t, 40)
	e.svc = app.NewService(app.Config{Store: e.store, Blocklist: blocklist, Now: e.clock.Now, Hasher: fastHash, Workers: 1, Yield: true})
	p := e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkReset}, Selection: app.Selection{Filter: &app.UserFilter{Role: app.RoleEmployee}}})
	var batches []int
	res, err := e.svc.RunBulk(e.ctx, e.actor(), p, func(pr app.BulkProgress) { batches = append(batches, len(pr.Outcomes)) })
	if err != nil || res.Done != 40 {
		t.Fatalf("%d done: %v", res.Done, err)
	}
	// One worker: batches of 16 users (40 = 16 + 16 + 8).
	if len(batches) != 3 || batches[0] != 16 || batches[1] != 16 || batches[2] != 8 {
		t.Errorf("batches of %v users", batches)
	}
}
