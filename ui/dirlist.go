package ui

import (
	"context"
	"slices"

	"sesame/app"
)

// dirList holds the rows of the directory that a table shows, for one
// query (search, filters, sort): the store reads any page at its position
// (app.Service.ListUsers by offset) about as fast as the first, so the
// list reads the pages around the view wherever it is, the first and the
// last alike, and keeps a few of them. Its length is the exact count of
// the match (app.Service.MatchCount), which arrives after the first page
// and never delays it; until then it is what the first page says. The
// counts of every filter's choices (app.Service.UserCounts), slower, come
// after the match's count and never delay it.
//
// Every method runs on the UI goroutine; reads run off it, in a scope of
// the list's owner, and a new query or a refresh drops those under way.
type dirList struct {
	sc    *scope
	svc   *app.Service
	query app.UserListQuery // Offset and Limit aside
	size  int               // rows a page
	keep  int               // pages held at most

	pages   map[int]*dirPage
	first   int // the rows in view
	count   int
	total   int // the exact count, -1 until it arrives
	head    int // rows of the first page, once read; -1 before
	more    bool
	err     error
	counts  app.UserCounts // of the query's facets, when faceted
	faceted bool           // counts is the query's
	reads   *scope         // the reads of the query on view
	view    latest         // the read of the pages the view needs
	asked   []int          // the pages it reads

	onChange func() // rows or the count arrived
}

// dirPage is one page of rows, at position k*size.
type dirPage struct {
	rows  []app.User
	stale bool // shown until it is read again (refresh)
}

func newDirList(sc *scope, svc *app.Service, size, keep int, onChange func()) *dirList {
	return &dirList{sc: sc, svc: svc, size: size, keep: keep, onChange: onChange, total: -1, head: -1, reads: sc.child()}
}

// reset starts a new query from its first page, and counts it.
func (l *dirList) reset(q app.UserListQuery) {
	l.reads.end()
	l.reads = l.sc.child()
	l.query = q
	l.pages, l.total, l.head, l.more, l.err, l.asked = map[int]*dirPage{}, -1, -1, false, nil, nil
	l.faceted = false
	l.first = 0
	l.ensure()
	l.recount()
}

// refresh reads again the pages in view and the count, after a change in
// the store (this workstation's or another's): the list keeps its place,
// and shows the rows and the count it had until the new ones come.
func (l *dirList) refresh() {
	if l.pages == nil {
		return
	}
	l.reads.end()
	l.reads = l.sc.child()
	l.err, l.asked = nil, nil
	first, last := l.first/l.size, (l.first+max(l.count, 1)-1)/l.size
	for k, pg := range l.pages {
		if k < first || k > last {
			delete(l.pages, k)
		} else {
			pg.stale = true
		}
	}
	l.ensure()
	l.recount()
}

// matchFirst says whether the match's count is read before the filters'
// counts; false reads them at once, the match's count being their Total,
// as the window did before (the peer of BenchmarkDirectoryWindow).
var matchFirst = true

// recount asks for the exact count of the query, after its first page,
// then for the counts of its facets.
func (l *dirList) recount() {
	svc, f, reads := l.svc, l.query.Filter, l.reads
	var (
		n   int
		c   app.UserCounts
		err error
	)
	reads.child().do(func(ctx context.Context) {
		if matchFirst {
			n, err = svc.MatchCount(ctx, f)
			return
		}
		c, err = svc.UserCounts(ctx, f)
		n = c.Total
	}, func() {
		if err != nil {
			l.err = err
			l.onChange()
			return
		}
		l.total = n
		if !matchFirst {
			l.counts, l.faceted = c, true
			l.onChange()
			return
		}
		l.onChange()
		reads.child().do(func(ctx context.Context) {
			c, err = svc.UserCounts(ctx, f)
		}, func() {
			if err != nil {
				l.err = err
			} else {
				l.counts, l.faceted = c, true
			}
			l.onChange()
		})
	})
}

// len is the number of rows the table shows: the exact count once known,
// else the rows of the first page and one more, "Loading…", when more
// follow.
func (l *dirList) len() int {
	switch {
	case l.total >= 0:
		return l.total
	case l.head < 0:
		return 0
	case l.more:
		return l.head + 1
	}
	return l.head
}

// counted reports whether len is the exact count.
func (l *dirList) counted() bool { return l.total >= 0 || (l.head >= 0 && !l.more) }

// at returns row i, or false while it is not held.
func (l *dirList) at(i int) (app.User, bool) {
	if i < 0 || l.size <= 0 {
		return app.User{}, false
	}
	pg := l.pages[i/l.size]
	if pg == nil || pg.rows == nil || i%l.size >= len(pg.rows) {
		return app.User{}, false
	}
	return pg.rows[i%l.size], true
}

// setView says which rows are in view: the pages they need are read if
// they are not held, together, the read for a view left before it came
// back dropped (a thumb dragged across a million rows reads where it
// stops, not every place it passed).
func (l *dirList) setView(first, count int) {
	l.first, l.count = first, count
	l.ensure()
}

// ensure reads the pages that the view needs, and the next and previous
// ones, so that a Page Down shows rows at once.
func (l *dirList) ensure() {
	if l.pages == nil {
		return
	}
	from := max(l.first-l.size/2, 0) / l.size
	to := (l.first + max(l.count, 1) + l.size/2) / l.size
	if n := l.len(); l.counted() && n > 0 {
		to = min(to, (n-1)/l.size)
	} else if l.head >= 0 && l.more {
		to = min(to, 1)
	}
	var need []int
	for k := from; k <= to; k++ {
		if pg := l.pages[k]; pg == nil || pg.rows == nil || pg.stale {
			need = append(need, k)
		}
	}
	if len(need) == 0 || subset(need, l.asked) {
		return
	}
	l.asked = need
	svc, q, size := l.svc, l.query, l.size
	read := make([]app.UserListPage, len(need))
	var err error
	l.view.do(l.reads, func(ctx context.Context) {
		// Pages next to one another are read at once: one position found
		// in the store, not one a page.
		for i := 0; i < len(need); {
			run := 1
			for i+run < len(need) && need[i+run] == need[i]+run && (run+1)*size <= app.MaxPage {
				run++
			}
			q.Offset, q.Limit = need[i]*size, run*size
			var page app.UserListPage
			if page, err = svc.ListUsers(ctx, q); err != nil {
				return
			}
			for j := range run {
				lo, hi := min(j*size, len(page.Users)), min((j+1)*size, len(page.Users))
				read[i+j] = app.UserListPage{Users: page.Users[lo:hi:hi], Offset: q.Offset + lo,
					More: len(page.Users) > hi || page.More}
			}
			i += run
		}
	}, func() { l.loaded(need, read, err) })
}

// loaded takes pages in.
func (l *dirList) loaded(need []int, read []app.UserListPage, err error) {
	l.asked = nil
	if err != nil {
		l.err = err
		l.onChange()
		return
	}
	for i, k := range need {
		pg := &dirPage{rows: read[i].Users}
		if pg.rows == nil {
			pg.rows = []app.User{}
		}
		l.pages[k] = pg
		if k == 0 {
			l.head, l.more = len(pg.rows), read[i].More
		}
	}
	l.evict()
	l.onChange()
	l.ensure()
}

// evict drops the pages farthest from the view while more than keep are
// held.
func (l *dirList) evict() {
	centre := (l.first + l.count/2) / l.size
	for len(l.pages) > l.keep {
		far := -1
		for k := range l.pages {
			if far < 0 || abs(k-centre) > abs(far-centre) {
				far = k
			}
		}
		if abs(far-centre) <= 1 {
			return
		}
		delete(l.pages, far)
	}
}

// subset reports whether every element of a is in b.
func subset(a, b []int) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
