package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/sample"
	"sesame/data/sqlite"
)

// benchSeed is the seed of the generated users.
const benchSeed = 1

// benchDB opens the sample directory of n users, shared with the other
// benchmarks (see sample.OpenSQLite).
func benchDB(b *testing.B, n int) *sqlite.DB {
	b.Helper()
	db, took, err := sample.OpenSQLite(os.TempDir(), n, benchSeed)
	if err != nil {
		b.Fatal(err)
	}
	if took > 0 {
		// Printed rather than logged: a parent benchmark's log is not shown.
		fmt.Printf("generated %d users in %v\n", n, took.Round(time.Millisecond))
	}
	return db
}

func searchFirstPage(tb testing.TB, db *sqlite.DB, text string) app.UserPage {
	var page app.UserPage
	err := db.Read(context.Background(), func(tx app.Tx) error {
		var err error
		page, err = tx.SearchUsers(app.UserQuery{Text: text})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return page
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkSearchFirstPage times the first page of a search at 10k, 100k
// and 1M users (1M skipped under -short): "mix" cycles through sample.Queries
// and reports the median time of a query and the median of the slowest
// query; "q=…" times each query alone.
func BenchmarkSearchFirstPage(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			if n >= 1_000_000 && testing.Short() {
				b.Skip("1M users: not under -short")
			}
			db := benchDB(b, n)
			defer db.Close()
			for _, q := range sample.Queries { // warm the caches
				searchFirstPage(b, db, q.Text)
			}
			b.Run("mix", func(b *testing.B) { benchMix(b, db) })
			for _, q := range sample.Queries {
				b.Run("q="+q.Name, func(b *testing.B) {
					for b.Loop() {
						searchFirstPage(b, db, q.Text)
					}
				})
			}
		})
	}
}

// benchMix runs the mix of queries b.N times in all and reports the median
// per query and the worst query's median.
func benchMix(b *testing.B, db *sqlite.DB) {
	times := make([][]time.Duration, len(sample.Queries))
	var all []time.Duration
	i := 0
	for b.Loop() {
		q := i % len(sample.Queries)
		start := time.Now()
		searchFirstPage(b, db, sample.Queries[q].Text)
		d := time.Since(start)
		times[q] = append(times[q], d)
		all = append(all, d)
		i++
	}
	b.ReportMetric(float64(median(all).Nanoseconds()), "median-ns/query")
	worst, worstName := time.Duration(0), ""
	for q, ts := range times {
		if len(ts) == 0 {
			continue
		}
		if m := median(ts); m > worst {
			worst, worstName = m, sample.Queries[q].Name
		}
	}
	b.ReportMetric(float64(worst.Nanoseconds()), "worst-ns/query")
	b.Logf("median %v, worst %v (%s)", median(all), worst, worstName)
}
