package ui

import (
	"context"
)

// pager reads a long list from the store a page at a time, as its rows
// come into view, for a table that never holds the whole list.
//
// The store pages by key (a cursor after the last row), not by offset, so
// the pager learns the list as it goes: it knows the rows of the pages
// reached so far, and whether more follow, which the table shows as one
// more row, "Loading…", that reads the next page when it comes into view.
// It remembers where each page starts for ever (a cursor is small), but
// holds the rows of at most keep pages: those far from the view are
// dropped and read again, from their cursor, if the view comes back.
//
// Every method runs on the UI goroutine; reads run off it, in a scope of
// the pager's owner, and a new list or a refresh drops those under way.
type pager[T any, K comparable] struct {
	sc    *scope // the owner's
	reads *scope // the reads of the list on view
	fetch func(ctx context.Context, after K, limit int) (rows []T, next K, more bool, err error)
	size  int // rows a page
	keep  int // pages whose rows are held at most

	pages []*pagerPage[T, K]
	more  bool  // rows follow the last page
	err   error // the last read failed
	first int   // the rows in view
	count int

	onChange func() // rows arrived or the list changed
}

// pagerPage is one page of rows, which starts after a cursor.
type pagerPage[T any, K comparable] struct {
	after   K
	next    K    // the cursor of its last row
	n       int  // its rows, known once read
	rows    []T  // nil while not held
	stale   bool // rows held until they are read again (refresh)
	reading bool
	failed  bool
}

func newPager[T any, K comparable](sc *scope, size, keep int, onChange func()) *pager[T, K] {
	return &pager[T, K]{sc: sc, reads: sc.child(), size: size, keep: keep, onChange: onChange}
}

// reset starts a new list, read by fetch, from its first page: a new
// search. Reads of the previous list still under way are cancelled.
func (p *pager[T, K]) reset(fetch func(ctx context.Context, after K, limit int) ([]T, K, bool, error)) {
	p.stop()
	p.fetch = fetch
	p.pages, p.more, p.err = nil, true, nil
	p.load(0)
}

// refresh reads again the pages in view, where they start, after a change
// in the store, and drops the others: the list keeps its place, and shows
// the rows it had until the new ones come (or for good, if they cannot be
// read).
func (p *pager[T, K]) refresh() {
	if p.fetch == nil {
		return
	}
	p.stop()
	p.err = nil
	first, last := p.inView()
	for k, pg := range p.pages {
		pg.reading, pg.failed = false, false
		if k < first || k > last {
			pg.rows = nil
		}
		pg.stale = pg.rows != nil
	}
	if len(p.pages) == 0 {
		p.more = true
	}
	p.ensure()
}

// inView returns the first and last pages in view.
func (p *pager[T, K]) inView() (first, last int) {
	return p.first / p.size, (p.first + max(p.count, 1) - 1) / p.size
}

// stop cancels the reads under way and drops their results.
func (p *pager[T, K]) stop() {
	p.reads.end()
	p.reads = p.sc.child()
}

// known is the number of rows of the pages reached.
func (p *pager[T, K]) known() int {
	n := 0
	for _, pg := range p.pages {
		n += pg.n
	}
	return n
}

// len is the number of rows the table shows: the known rows and, when
// more follow, the row that reads them.
func (p *pager[T, K]) len() int {
	n := p.known()
	if p.more && p.err == nil {
		n++
	}
	return n
}

// complete reports whether every row is known, so that known is exact.
func (p *pager[T, K]) complete() bool { return !p.more }

// at returns row i, or false while it is not held.
func (p *pager[T, K]) at(i int) (T, bool) {
	var zero T
	if i < 0 || len(p.pages) == 0 {
		return zero, false
	}
	k, off := i/p.size, i%p.size
	if k >= len(p.pages) {
		return zero, false
	}
	pg := p.pages[k]
	if pg.rows == nil || off >= len(pg.rows) {
		return zero, false
	}
	return pg.rows[off], true
}

// view says which rows are in view: their pages are read if they are not
// held, and the next page when the last row in view is the one that reads
// it.
func (p *pager[T, K]) view(first, count int) {
	p.first, p.count = first, count
	p.ensure()
}

// ensure reads the pages that the view needs.
func (p *pager[T, K]) ensure() {
	if p.fetch == nil || p.size <= 0 {
		return
	}
	first, last := p.inView()
	for k := first; k <= last; k++ {
		switch {
		case k < len(p.pages):
			if pg := p.pages[k]; (pg.rows == nil || pg.stale) && !pg.reading && !pg.failed {
				p.load(k)
			}
		case k == len(p.pages) && p.more && p.err == nil:
			p.load(k)
		}
	}
}

// load reads page k: a page already reached, or the next one.
func (p *pager[T, K]) load(k int) {
	var after K
	switch {
	case k < len(p.pages):
		after = p.pages[k].after
		p.pages[k].reading = true
	case k == len(p.pages) && k > 0:
		after = p.pages[k-1].next
		p.pages = append(p.pages, &pagerPage[T, K]{after: after, reading: true})
	case k == 0:
		p.pages = append(p.pages, &pagerPage[T, K]{reading: true})
	default:
		return
	}
	fetch, size := p.fetch, p.size
	var (
		rows []T
		next K
		more bool
		err  error
	)
	p.reads.do(func(ctx context.Context) {
		rows, next, more, err = fetch(ctx, after, size)
	}, func() { p.loaded(k, rows, next, more, err) })
}

// loaded takes page k in.
func (p *pager[T, K]) loaded(k int, rows []T, next K, more bool, err error) {
	pg := p.pages[k]
	pg.reading = false
	if err != nil {
		pg.failed, p.err = true, err
		if k == len(p.pages)-1 && pg.n == 0 {
			p.pages = p.pages[:k]
		}
		p.onChange()
		return
	}
	if rows == nil {
		rows = []T{}
	}
	pg.rows, pg.n, pg.next, pg.stale = rows, len(rows), next, false
	// Rows added or removed before the end of this page (by another
	// workstation) move the start of the next one: the pages after it are
	// read again from here.
	if k+1 < len(p.pages) && p.pages[k+1].after != next {
		p.pages = p.pages[:k+1]
	}
	if k == len(p.pages)-1 {
		p.more = more
		if len(rows) == 0 && k > 0 {
			p.pages = p.pages[:k]
		}
	}
	p.evict()
	p.onChange()
	p.ensure()
}

// evict drops the rows of the pages farthest from the view while more
// than keep are held.
func (p *pager[T, K]) evict() {
	centre := (p.first + p.count/2) / p.size
	for {
		held, far := 0, -1
		for k, pg := range p.pages {
			if pg.rows == nil {
				continue
			}
			held++
			if far < 0 || abs(k-centre) > abs(far-centre) {
				far = k
			}
		}
		if held <= p.keep || far < 0 || abs(far-centre) <= 1 {
			return
		}
		p.pages[far].rows = nil
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
