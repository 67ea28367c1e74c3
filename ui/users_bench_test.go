package ui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
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

// benchAdmin opens Administration → Users on the sample directory of
// 1,000,000 users, its work run by run, the search without its pause.
func benchAdmin(b *testing.B, run runner) *usersView {
	b.Helper()
	db := benchUsers(b, 1_000_000)
	b.Cleanup(func() { db.Close() })
	test.NewTempApp(b)
	svc := app.NewService(app.Config{Store: db, Blocklist: blocklist(), Hasher: fastHash})
	s := newSession(fyne.CurrentApp(), svc, Options{}, run, realClock{fyne.Do})
	page, err := svc.SearchUsers(context.Background(), app.UserQuery{Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	a := s.newAdmin(s.enter(), page.Users[0], widget.NewLabel(""), "")
	s.win.SetContent(a.content)
	s.win.Resize(adminWindow)
	a.users.wait.delay = 0
	return a.users
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
	u := benchAdmin(b, inline)

	typeAll := func(record func(time.Duration)) {
		for _, q := range sample.Typed {
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

// queued is a runner that holds the work until the benchmark runs it, one
// job at a time, in order: what a keystroke or a drag starts can then be
// timed up to the moment each result is drawn.
type queued struct{ jobs []func() }

func (q *queued) run(work, done func()) {
	q.jobs = append(q.jobs, func() {
		work()
		done()
	})
}

// until runs the jobs until ok holds, and reports whether it did.
func (q *queued) until(ok func() bool) bool {
	for !ok() {
		if len(q.jobs) == 0 {
			return false
		}
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		j()
	}
	return true
}

// BenchmarkDirectoryWindow times Administration → Users at 1,000,000
// users, side by side in one run: from a keystroke in the search box to
// the table redrawn with the first page of results, to the exact count of
// the match shown (after the first page, without delaying it), and to the
// counts of every filter's choices shown (after the match's count); and
// from a drag of the scroll bar's thumb to a random position to every row
// in view drawn. It reports the medians and 99th percentiles, and the heap
// after the table has been dragged end to end against the heap at the
// first page. The keystrokes are timed again the way before (the match's
// count and the filters' read at once: key-to-count-before); the counts
// of texts of one to three characters are also reported alone (short-).
func BenchmarkDirectoryWindow(b *testing.B) {
	if testing.Short() {
		b.Skip("1,000,000 users: not under -short")
	}
	q := &queued{}
	u := benchAdmin(b, q.run)
	q.until(func() bool { return u.list.total >= 0 })
	if u.list.total != 1_000_000 {
		b.Fatalf("%d users", u.list.total)
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	atFirst := heap()

	rng := rand.New(rand.NewPCG(1, 2))
	var keys, counts, facets, drags, before []time.Duration
	var shortCounts, shortBefore []time.Duration // texts of one to three characters
	inView := func() bool {
		for i := u.table.top; i < min(u.table.top+u.table.visible, u.list.len()); i++ {
			if _, ok := u.list.at(i); !ok {
				return false
			}
		}
		return true
	}
	for b.Loop() {
		for _, text := range sample.Typed {
			for _, first := range []bool{true, false} {
				matchFirst = first
				u.search.SetText("")
				q.until(func() bool { return len(q.jobs) == 0 })
				for _, r := range text {
					start := time.Now()
					u.search.TypedRune(r)
					if !q.until(func() bool { return u.list.head >= 0 }) {
						b.Fatalf("%q: no first page", u.text)
					}
					if first {
						keys = append(keys, time.Since(start))
					}
					if !q.until(func() bool { return u.list.total >= 0 }) {
						b.Fatalf("%q: no count", u.text)
					}
					short := len([]rune(app.SearchFragment(u.text))) <= 3
					if !first {
						before = append(before, time.Since(start))
						if short {
							shortBefore = append(shortBefore, time.Since(start))
						}
						continue
					}
					counts = append(counts, time.Since(start))
					if short {
						shortCounts = append(shortCounts, time.Since(start))
					}
					if !q.until(func() bool { return u.list.faceted }) {
						b.Fatalf("%q: no filters' counts", u.text)
					}
					facets = append(facets, time.Since(start))
				}
			}
		}
		matchFirst = true
		u.search.SetText("")
		q.until(func() bool { return len(q.jobs) == 0 })
		bar := u.table.bar
		for range 50 {
			_, thumb := bar.thumbSpan(bar.Size().Height)
			room := float32(u.list.len() - u.table.visible)
			to := rng.IntN(u.list.len() - u.table.visible)
			start := time.Now()
			bar.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DY: float32(to-u.table.top) / room * (bar.Size().Height - thumb)}})
			bar.DragEnd()
			if !q.until(inView) {
				b.Fatal("the rows in view never came")
			}
			drags = append(drags, time.Since(start))
		}
	}
	// End to end: the memory held stays that of a few pages.
	u.table.scrollTo(u.list.len())
	q.until(inView)
	u.table.scrollTo(0)
	q.until(inView)
	atEnd := heap()

	quantiles := func(name string, ds []time.Duration) {
		slices.Sort(ds)
		at := func(x float64) time.Duration { return ds[int(x*float64(len(ds)-1))] }
		b.ReportMetric(float64(at(0.5).Microseconds())/1000, name+"-median-ms")
		b.ReportMetric(float64(at(0.99).Microseconds())/1000, name+"-p99-ms")
		b.Logf("%s: %d, median %v, p99 %v, worst %v", name, len(ds), at(0.5), at(0.99), ds[len(ds)-1])
	}
	quantiles("key-to-rows", keys)
	quantiles("key-to-count", counts)
	quantiles("key-to-filter-counts", facets)
	quantiles("key-to-count-before", before)
	quantiles("short-key-to-count", shortCounts)
	quantiles("short-key-to-count-before", shortBefore)
	quantiles("drag-to-rows", drags)
	b.ReportMetric(float64(atEnd)/float64(atFirst), "heap-end/first")
	b.Logf("heap: %d KiB at the first page, %d KiB after end to end", atFirst/1024, atEnd/1024)
}
