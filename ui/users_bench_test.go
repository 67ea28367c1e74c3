package ui

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
	"sesame/data/sample"
	"sesame/data/sqlite"
)

// typedQueries are what an administrator types in the search box, letter
// by letter: names with and without accents, logins, a domain, a miss.
var typedQueries = []string{"marie dupont", "jean-pierre", "helene", "lefebvre", "zoe.gagnon", "laposte", "francois m", "xqzw"}

// benchUsers opens the sample directory of n users, shared with the
// store's benchmarks (see sample.OpenSQLite).
func benchUsers(b *testing.B, n int) *sqlite.DB {
	b.Helper()
	db, took, err := sample.OpenSQLite(os.TempDir(), n, 1)
	if err != nil {
		b.Fatal(err)
	}
	if took > 0 {
		fmt.Printf("generated %d users in %v\n", n, took.Round(time.Millisecond))
	}
	return db
}

// BenchmarkSearchAsYouType times the search box at 1,000,000 users, from
// a keystroke to the table redrawn with the first page of results: the
// letter typed, the search (without the pause that waits for the typing
// to stop), the store's query, the table's rows and the count. It reports
// the median, 99th percentile and worst time of a keystroke.
func BenchmarkSearchAsYouType(b *testing.B) {
	if testing.Short() {
		b.Skip("1,000,000 users: not under -short")
	}
	db := benchUsers(b, 1_000_000)
	defer db.Close()
	test.NewTempApp(b)
	svc := app.NewService(app.Config{Store: db, Blocklist: blocklist(), Hasher: fastHash})
	s := newSession(fyne.CurrentApp(), svc, Options{}, inline, realClock{})
	page, err := svc.SearchUsers(context.Background(), app.UserQuery{Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	a := s.newAdmin(s.enter(), page.Users[0], widget.NewLabel(""), "")
	s.win.SetContent(a.content)
	s.win.Resize(adminWindow)
	u := a.users
	u.wait.delay = 0

	typeAll := func(record func(time.Duration)) {
		for _, q := range typedQueries {
			u.search.SetText("")
			for _, r := range q {
				start := time.Now()
				u.search.TypedRune(r)
				record(time.Since(start))
			}
			if u.text != q {
				b.Fatalf("searched %q, want %q", u.text, q)
			}
		}
	}
	typeAll(func(time.Duration) {}) // warm the caches
	if u.list.len() != 0 {
		b.Fatalf("%q found %d users", u.text, u.list.len())
	}

	var keys []time.Duration
	for b.Loop() {
		typeAll(func(d time.Duration) { keys = append(keys, d) })
	}
	slices.Sort(keys)
	at := func(q float64) time.Duration { return keys[int(q*float64(len(keys)-1))] }
	b.ReportMetric(float64(at(0.5).Nanoseconds()), "median-ns/key")
	b.ReportMetric(float64(at(0.99).Nanoseconds()), "p99-ns/key")
	b.ReportMetric(float64(keys[len(keys)-1].Nanoseconds()), "worst-ns/key")
	b.Logf("%d keystrokes: median %v, p99 %v, worst %v", len(keys), at(0.5), at(0.99), keys[len(keys)-1])
}
