package sqlite_test

import (
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"sesame/app"
	"sesame/assets"
	"sesame/data/breach"
	"sesame/data/sample"
	"sesame/data/sqlite"
)

// BenchmarkBulkReset resets the passwords of 10,000 users of a real file
// of 1,000,000 (SESAME_BENCH_USERS), with the production argon2id
// parameters, in ten rounds of 1,000 users
// (selected by a list of logins), each beside its peer measured right
// before it on the same machine: hashing 1,000 passwords alone, on every
// core. The target is at most 1.1 × (10,000 × one hash ÷ cores); the
// peer is that ideal as this machine gives it, others' load included. It
// reports the bulk time, the peer's, the median single hash, and the
// ratios of the bulk to each ideal, and the median of the rounds' ratios to
// their peers (less moved by others' load on a shared machine, which comes
// and goes within a round).
func BenchmarkBulkReset(b *testing.B) {
	const n, rounds = 10_000, 10
	size := benchUsers(b)
	bl := benchBlocklist()
	hasher := app.Hasher{}
	for b.Loop() {
		b.StopTimer()
		db, svc := benchDirectory(b, bl, size)
		logins := benchLogins(b, db, n)
		var bulk, peer time.Duration
		var hashes []time.Duration
		var ratios []float64
		for r := range rounds {
			chunk := logins[r*n/rounds : (r+1)*n/rounds]
			plan := planReset(b, svc, chunk)
			p := measurePeer(b, hasher, len(chunk), &hashes)
			b.StartTimer()
			start := time.Now()
			runReset(b, svc, plan)
			d := time.Since(start)
			b.StopTimer()
			bulk, peer, ratios = bulk+d, peer+p, append(ratios, float64(d)/float64(p))
		}
		slices.Sort(hashes)
		slices.Sort(ratios)
		hash := hashes[len(hashes)/2]
		ideal := time.Duration(n) * hash / time.Duration(runtime.GOMAXPROCS(0))
		b.ReportMetric(bulk.Seconds(), "bulk-s")
		b.ReportMetric(peer.Seconds(), "peer-s")
		b.ReportMetric(float64(hash.Microseconds())/1000, "hash-ms")
		b.ReportMetric(float64(bulk)/float64(peer), "×peer")
		b.ReportMetric(float64(bulk)/float64(ideal), "×ideal")
		b.ReportMetric((ratios[rounds/2-1]+ratios[rounds/2])/2, "×peer-median")
		b.Logf("directory of %d users; %d users reset in %v; hashing as many alone on every core beside it: %v (ratio %.3f); one hash %v, "+
			"%d cores: %v (ratio %.3f); rounds' ratios to their peers %.3f", size, n, bulk.Round(time.Millisecond), peer.Round(time.Millisecond),
			float64(bulk)/float64(peer), hash.Round(10*time.Microsecond), runtime.GOMAXPROCS(0), ideal.Round(time.Millisecond),
			float64(bulk)/float64(ideal), ratios)
		b.StartTimer()
	}
}

// benchUsers is the size of the benchmarks' directories: 1,000,000, or
// SESAME_BENCH_USERS.
func benchUsers(b *testing.B) int {
	v := os.Getenv("SESAME_BENCH_USERS")
	if v == "" {
		return 1_000_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("SESAME_BENCH_USERS=%q: a number of users is expected", v)
	}
	return n
}

// benchLogins returns the logins of n generated users of db.
func benchLogins(b *testing.B, db *sqlite.DB, n int) []string {
	var logins []string
	read(b, db, func(tx app.Tx) error {
		users, err := tx.UsersAfter(app.UserFilter{Text: "company.example"}.Set(time.Now()), 0, n)
		for _, u := range users {
			logins = append(logins, u.Email)
		}
		return err
	})
	return logins
}

// planReset plans the reset of the users of these logins, every one of
// whom must get a new password.
func planReset(b *testing.B, svc *app.Service, logins []string) app.BulkPlan {
	plan, err := svc.PlanBulk(b.Context(), app.SystemActor("bench"), app.BulkRequest{Action: app.BulkAction{Kind: app.BulkReset},
		Selection: app.Selection{Logins: logins}})
	if err != nil || plan.Change != len(logins) {
		b.Fatalf("plan of %d changes: %v", plan.Change, err)
	}
	return plan
}

// runReset runs a plan of planReset, which must reset every user.
func runReset(b *testing.B, svc *app.Service, plan app.BulkPlan) {
	res, err := svc.RunBulk(b.Context(), app.SystemActor("bench"), plan, nil)
	if err != nil || res.Done != plan.Change {
		b.Fatalf("bulk reset: %d done, %v", res.Done, err)
	}
}

// benchBlocklist is the blocklist that Sésame ships, ready for use.
func benchBlocklist() *app.Blocklist {
	bl := app.NewBlocklist(app.BlocklistSources{Common: assets.CommonPasswords, Words: assets.Words,
		Keyboards: assets.Keyboards, Breached: breach.Load(assets.BreachedPasswords)})
	bl.Prepare()
	return bl
}

// benchDirectory is a service on a real file of n generated users and
// their administrator, with the production argon2id parameters.
func benchDirectory(b *testing.B, bl *app.Blocklist, n int) (*sqlite.DB, *app.Service) {
	db := openDB(b)
	svc := app.NewService(app.Config{Store: db, Blocklist: bl})
	if _, _, err := svc.Setup(b.Context(), app.Actor{}, app.SetupRequest{Company: "Acme", Email: "admin@acme.example",
		Name: "Alice Admin", Password: "violet tramway umbrella 1987"}); err != nil {
		b.Fatal(err)
	}
	if added, err := sample.Load(b.Context(), db, n, 7); err != nil || added != n {
		b.Fatalf("loaded %d users: %v", added, err)
	}
	return db, svc
}

// measurePeer measures the peer of a round of n new passwords: four
// single hashes (added to hashes), then n hashes on every core, whose time
// it returns.
func measurePeer(b *testing.B, h app.Hasher, n int, hashes *[]time.Duration) time.Duration {
	for range 4 {
		start := time.Now()
		if _, err := h.Hash("violet tramway umbrella 1987"); err != nil {
			b.Fatal(err)
		}
		*hashes = append(*hashes, time.Since(start))
	}
	return hashParallel(b, h, n)
}

// hashParallel hashes n passwords on every core, as many at once as there
// are cores, and returns the time it took.
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
	return time.Since(start)
}
