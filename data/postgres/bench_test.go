package postgres_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/postgres"
	"sesame/data/postgres/pgtest"
	"sesame/data/sample"
)

// benchSeed is the seed of the generated users, the SQLite benchmarks' own.
const benchSeed = 1

// benchStores opens a directory of n generated users on SQLite (the cached
// sample of the SQLite benchmarks) and on PostgreSQL, so that the two are
// measured side by side in one run.
//
// The PostgreSQL database is $SESAME_BENCH_POSTGRES (a URL), loaded with the
// sample when empty, kept otherwise: loading a million users takes minutes.
// Without it, a throwaway server is started and loaded for the run.
func benchStores(b *testing.B, n int) map[string]app.Store {
	b.Helper()
	lite, took, err := sample.OpenSQLite(os.TempDir(), n, benchSeed)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { lite.Close() })
	if took > 0 {
		fmt.Printf("SQLite: generated %d users in %v\n", n, took.Round(time.Millisecond))
	}
	pg := openBench(b, os.Getenv("SESAME_BENCH_POSTGRES"), n)
	if pg == nil { // none given, or it holds another sample
		pg = openBench(b, throwaway(b), n)
	}
	return map[string]app.Store{"sqlite": lite, "postgres": pg}
}

// BenchmarkSearchSideBySide times, on SQLite and PostgreSQL alike, the first
// page of every query of sample.Queries and the count of its matches as the
// window asks for it (up to 10,001), at 10,000 and 1,000,000 users (the
// latter skipped under -short). It reports the median time of a query of
// the mix and the median of the slowest query.
func BenchmarkSearchSideBySide(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			if n >= 1_000_000 && testing.Short() {
				b.Skip("1M users: not under -short")
			}
			stores := benchStores(b, n)
			for _, name := range []string{"sqlite", "postgres"} {
				s := stores[name]
				for _, q := range sample.Queries { // warm the caches
					firstPage(b, s, q.Text)
					count(b, s, q.Text)
				}
				b.Run("store="+name+"/op=first-page", func(b *testing.B) {
					benchMix(b, func(text string) { firstPage(b, s, text) })
				})
				b.Run("store="+name+"/op=count", func(b *testing.B) {
					benchMix(b, func(text string) { count(b, s, text) })
				})
			}
		})
	}
}

// openBench opens the database at url, "" for none, and loads the sample of
// n users into it when it is empty; nil when it holds another number of
// users.
func openBench(b *testing.B, url string, n int) *postgres.DB {
	if url == "" {
		return nil
	}
	pg, err := postgres.Open(url)
	if err != nil {
		b.Fatal(err)
	}
	var have int
	if err := pg.Read(context.Background(), func(tx app.Tx) error {
		have, err = tx.CountMatching("", n+1)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	switch have {
	case n:
	case 0:
		start := time.Now()
		if _, err := sample.Load(context.Background(), pg, n, benchSeed); err != nil {
			b.Fatal(err)
		}
		fmt.Printf("PostgreSQL: loaded %d users in %v\n", n, time.Since(start).Round(time.Millisecond))
	default:
		pg.Close()
		return nil
	}
	b.Cleanup(func() { pg.Close() })
	return pg
}

// throwaway starts a server for the benchmark and returns the URL of an
// empty database on it. The server is set up as a company would set one up:
// a quarter of this machine's memory for its cache.
func throwaway(b *testing.B) string {
	srv := pgtest.StartT(b, pgtest.Options{Config: map[string]string{"shared_buffers": "'6GB'", "effective_cache_size": "'12GB'"}})
	if err := srv.Exec(context.Background(), "postgres", "CREATE DATABASE sesame"); err != nil {
		b.Fatal(err)
	}
	return srv.URL("sesame")
}

func firstPage(tb testing.TB, s app.Store, text string) {
	err := s.Read(context.Background(), func(tx app.Tx) error {
		_, err := tx.SearchUsers(app.UserQuery{Text: text})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// countLimit is what the window asks for: it shows "10,000+" past it.
const countLimit = 10_001

func count(tb testing.TB, s app.Store, text string) {
	err := s.Read(context.Background(), func(tx app.Tx) error {
		_, err := tx.CountMatching(text, countLimit)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// benchMix runs the queries of sample.Queries in turn, b.N in all, and
// reports the median per query and the median of the slowest query.
func benchMix(b *testing.B, op func(text string)) {
	times := make([][]time.Duration, len(sample.Queries))
	var all []time.Duration
	i := 0
	for b.Loop() {
		q := i % len(sample.Queries)
		start := time.Now()
		op(sample.Queries[q].Text)
		d := time.Since(start)
		times[q] = append(times[q], d)
		all = append(all, d)
		i++
	}
	worst, worstName := time.Duration(0), ""
	for q, ts := range times {
		if len(ts) > 0 && median(ts) > worst {
			worst, worstName = median(ts), sample.Queries[q].Name
		}
	}
	b.ReportMetric(float64(median(all).Nanoseconds()), "median-ns/query")
	b.ReportMetric(float64(worst.Nanoseconds()), "worst-ns/query")
	b.Logf("median %v, worst %v (%s)", median(all), worst, worstName)
	for q, ts := range times {
		if len(ts) > 0 {
			b.Logf("%-16s %v", sample.Queries[q].Name, median(ts))
		}
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
