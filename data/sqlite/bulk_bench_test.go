package sqlite_test

import (
	"bytes"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"sesame/app"
	"sesame/assets"
	"sesame/data/sample"
)

// BenchmarkBulkReset resets the passwords of 10,000 users selected by a
// filter, on a real file, with the production argon2id parameters, and
// times one hash in the same run: the target is at most 1.1 × (10,000 ×
// one hash ÷ cores). It reports the bulk time, the median hash and their
// ratio to that ideal.
func BenchmarkBulkReset(b *testing.B) {
	const n = 10_000
	bl, err := app.ReadBlocklist(bytes.NewReader(assets.CommonPasswords))
	if err != nil {
		b.Fatal(err)
	}
	hasher := app.Hasher{}
	hashOnce := func() time.Duration {
		start := time.Now()
		if _, err := hasher.Hash("violet tramway umbrella 1987"); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	for b.Loop() {
		b.StopTimer()
		db := openDB(b)
		svc := app.NewService(app.Config{Store: db, Blocklist: bl})
		if _, _, err := svc.Setup(b.Context(), app.Actor{}, app.SetupRequest{Company: "Acme", Email: "admin@acme.example",
			Name: "Alice Admin", Password: "violet tramway umbrella 1987"}); err != nil {
			b.Fatal(err)
		}
		if added, err := sample.Load(b.Context(), db, n, 7); err != nil || added != n {
			b.Fatalf("loaded %d users: %v", added, err)
		}
		actor := app.SystemActor("bench")
		f := app.UserFilter{Text: "company.example"} // every generated user, not the administrator
		plan, err := svc.PlanBulk(b.Context(), actor, app.BulkRequest{Action: app.BulkAction{Kind: app.BulkReset}, Selection: app.Selection{Filter: &f}})
		if err != nil || plan.Change != n {
			b.Fatalf("plan of %d changes: %v", plan.Change, err)
		}
		var hashes []time.Duration
		for range 20 {
			hashes = append(hashes, hashOnce())
		}
		parallel := hashParallel(b, hasher, 400)
		b.StartTimer()
		start := time.Now()
		res, err := svc.RunBulk(b.Context(), actor, plan, nil)
		bulk := time.Since(start)
		b.StopTimer()
		if err != nil || res.Done != n {
			b.Fatalf("bulk reset: %d done, %v", res.Done, err)
		}
		for range 20 {
			hashes = append(hashes, hashOnce())
		}
		parallel = (parallel + hashParallel(b, hasher, 400)) / 2
		slices.Sort(hashes)
		hash := hashes[len(hashes)/2]
		ideal := time.Duration(n) * hash / time.Duration(runtime.GOMAXPROCS(0))
		b.ReportMetric(bulk.Seconds(), "bulk-s")
		b.ReportMetric(float64(hash.Microseconds())/1000, "hash-ms")
		b.ReportMetric(float64(bulk)/float64(ideal), "×ideal")
		peer := time.Duration(n) * parallel
		b.ReportMetric(float64(bulk)/float64(peer), "×parallel-hashing")
		b.Logf("%d users reset in %v; one hash %v (median of 40 around it), %d cores: ideal %v, ratio %.3f; "+
			"hashing alone on every core %v per hash: %v, ratio %.3f",
			n, bulk.Round(time.Millisecond), hash.Round(10*time.Microsecond), runtime.GOMAXPROCS(0), ideal.Round(time.Millisecond),
			float64(bulk)/float64(ideal), parallel.Round(10*time.Microsecond), peer.Round(time.Millisecond), float64(bulk)/float64(peer))
		b.StartTimer()
	}
}

// hashParallel hashes n passwords on every core, as many at once as there
// are cores, and returns the time per password.
func hashParallel(b *testing.B, h app.Hasher, n int) time.Duration {
	jobs := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				if _, err := h.Hash("violet tramway umbrella 1987"); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	return time.Since(start) / time.Duration(n)
}
