package ui

import (
	"context"
	"errors"
	"testing"
)

// numberSource serves the numbers 0 to n-1 by key: a page starts after
// the number given.
type numberSource struct {
	n     int
	reads []int // the key of each read
	fail  error
}

func (s *numberSource) fetch(_ context.Context, after int, limit int) ([]int, int, bool, error) {
	s.reads = append(s.reads, after)
	if s.fail != nil {
		return nil, 0, false, s.fail
	}
	var rows []int
	for i := after; i < s.n && len(rows) < limit; i++ {
		rows = append(rows, i)
	}
	next := after
	if len(rows) > 0 {
		next = rows[len(rows)-1] + 1
	}
	return rows, next, next < s.n, nil
}

func inline(work, done func()) {
	work()
	done()
}

// inlineScope is a scope whose work runs at once.
func inlineScope() *scope { return newScope(inline, newFakeClock()) }

func TestPagerReadsPagesAsTheyComeIntoView(t *testing.T) {
	src := &numberSource{n: 1000}
	changes := 0
	p := newPager[int, int](inlineScope(), 10, 3, func() { changes++ })
	p.reset(src.fetch)
	if p.known() != 10 || p.len() != 11 || p.complete() || len(src.reads) != 1 {
		t.Fatalf("after reset: known %d, len %d, reads %v", p.known(), p.len(), src.reads)
	}
	p.view(0, 8)
	if len(src.reads) != 1 {
		t.Errorf("the first page read again: %v", src.reads)
	}
	p.view(5, 8) // reaches the row that reads the next page
	if p.known() != 20 || len(src.reads) != 2 || src.reads[1] != 10 {
		t.Errorf("the second page: known %d, reads %v", p.known(), src.reads)
	}
	if v, ok := p.at(15); !ok || v != 15 {
		t.Errorf("at(15) = %d %v", v, ok)
	}

	// Scrolling on: no more than three pages held; the first is dropped...
	for first := 10; first <= 60; first += 10 {
		p.view(first, 8)
	}
	held := 0
	for _, pg := range p.pages {
		if pg.rows != nil {
			held++
		}
	}
	if held > 3 {
		t.Errorf("%d pages held", held)
	}
	if _, ok := p.at(0); ok {
		t.Error("the first page is still held")
	}
	// ... and read again, from where it starts, when it comes back.
	reads := len(src.reads)
	p.view(0, 8)
	if v, ok := p.at(0); !ok || v != 0 || len(src.reads) != reads+1 || src.reads[reads] != 0 {
		t.Errorf("back at the top: %d %v, reads %v", v, ok, src.reads)
	}
}

func TestPagerEndAndRefresh(t *testing.T) {
	src := &numberSource{n: 25}
	p := newPager[int, int](inlineScope(), 10, 5, func() {})
	p.reset(src.fetch)
	p.view(0, 30)
	if !p.complete() || p.known() != 25 || p.len() != 25 {
		t.Fatalf("known %d, len %d, complete %v", p.known(), p.len(), p.complete())
	}
	// A refresh reads the pages in view again, from where they start.
	src.reads = nil
	src.n = 27
	p.refresh()
	if p.known() != 27 || !p.complete() || len(src.reads) != 3 {
		t.Errorf("refresh: known %d, reads %v", p.known(), src.reads)
	}
}

func TestPagerDropsStaleReads(t *testing.T) {
	var held []func()
	hold := func(work, done func()) { held = append(held, func() { work(); done() }) }
	a, b := &numberSource{n: 5}, &numberSource{n: 3}
	p := newPager[int, int](newScope(hold, newFakeClock()), 10, 5, func() {})
	p.reset(a.fetch)
	p.reset(b.fetch) // a new search before the first answered
	for _, job := range held {
		job()
	}
	if p.known() != 3 {
		t.Errorf("known %d: the older search's rows were taken", p.known())
	}
	// A read whose owner left meanwhile changes nothing either.
	held = nil
	owner := newScope(hold, newFakeClock())
	q := newPager[int, int](owner, 10, 5, func() { t.Error("a read after the owner left was applied") })
	q.reset(a.fetch)
	owner.end()
	for _, job := range held {
		job()
	}
}

func TestPagerFailure(t *testing.T) {
	src := &numberSource{n: 100, fail: errors.New("disk gone")}
	p := newPager[int, int](inlineScope(), 10, 5, func() {})
	p.reset(src.fetch)
	p.view(0, 20)
	if p.err == nil || p.len() != 0 || len(src.reads) != 1 {
		t.Errorf("err %v, len %d, reads %d: a failed read is retried in a loop", p.err, p.len(), len(src.reads))
	}
	src.fail = nil
	p.refresh()
	if p.err != nil || p.known() != 20 {
		t.Errorf("after refresh: err %v, known %d", p.err, p.known())
	}
}

// sortedSource serves its values, which are above 0, in order: a page
// starts after the value given, as the store's cursors do.
type sortedSource struct{ values []int }

func (s *sortedSource) fetch(_ context.Context, after int, limit int) ([]int, int, bool, error) {
	var rows []int
	for _, v := range s.values {
		if v > after && len(rows) < limit+1 {
			rows = append(rows, v)
		}
	}
	more := len(rows) > limit
	rows = rows[:min(len(rows), limit)]
	next := after
	if len(rows) > 0 {
		next = rows[len(rows)-1]
	}
	return rows, next, more, nil
}

// TestPagerRefreshKeepsRowsAndFollowsInsertions: while a refresh reads,
// the rows on view stay; a row added to an earlier page (by another
// workstation) moves the later pages, and no row falls between two pages.
func TestPagerRefreshKeepsRowsAndFollowsInsertions(t *testing.T) {
	var held []func()
	hold := func(work, done func()) { held = append(held, func() { work(); done() }) }
	release := func() {
		for len(held) > 0 {
			jobs := held
			held = nil
			for _, j := range jobs {
				j()
			}
		}
	}
	src := &sortedSource{}
	for v := 10; v <= 250; v += 10 { // 25 values
		src.values = append(src.values, v)
	}
	p := newPager[int, int](newScope(hold, newFakeClock()), 10, 5, func() {})
	p.reset(src.fetch)
	p.view(0, 25)
	release()
	if p.known() != 25 {
		t.Fatalf("known %d", p.known())
	}
	src.values = append([]int{5}, src.values...) // a user who sorts first
	p.refresh()
	if v, ok := p.at(0); !ok || v != 10 {
		t.Errorf("while the refresh reads, row 0 is %d %v: the rows on view went away", v, ok)
	}
	release()
	var got []int
	for i := range p.len() {
		v, ok := p.at(i)
		if !ok {
			t.Fatalf("row %d is not held after the refresh", i)
		}
		got = append(got, v)
	}
	if len(got) != 26 || got[0] != 5 || got[10] != 100 || got[25] != 250 {
		t.Errorf("after an insertion, the rows are %v", got)
	}
}
