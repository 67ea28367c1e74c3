package ui

import "sort"

// selection is the users picked in the table, for an action on many: rows
// of the list on view, kept as spans of positions (a Shift+End from the
// top of a million rows is one span, not a million IDs), or "every user
// that matches", which stands for the query itself and not for its rows.
// A new search, filter or sort starts a new selection, since the
// positions are those of one query.
type selection struct {
	spans  []span // sorted, apart, not empty
	all    bool   // every user that matches
	anchor int    // the row a range starts from
}

// span is the rows from lo to hi-1.
type span struct{ lo, hi int }

// clear picks no row.
func (s *selection) clear() { s.spans, s.all, s.anchor = nil, false, 0 }

// has reports whether row is picked.
func (s *selection) has(row int) bool {
	if s.all {
		return true
	}
	i := sort.Search(len(s.spans), func(i int) bool { return s.spans[i].hi > row })
	return i < len(s.spans) && s.spans[i].lo <= row
}

// count is the number of rows picked, of total rows.
func (s *selection) count(total int) int {
	if s.all {
		return total
	}
	n := 0
	for _, sp := range s.spans {
		n += sp.hi - sp.lo
	}
	return n
}

// one picks row alone.
func (s *selection) one(row int) {
	s.spans, s.all, s.anchor = []span{{row, row + 1}}, false, row
}

// toggle picks row or leaves it, the others kept; every user that matches
// becomes the rows, but row.
func (s *selection) toggle(row, total int) {
	if s.all {
		s.all, s.spans = false, []span{{0, total}}
	}
	if s.has(row) {
		s.remove(row)
	} else {
		s.add(span{row, row + 1})
	}
	s.anchor = row
}

// extend picks the rows from the anchor to row, alone.
func (s *selection) extend(row int) {
	lo, hi := min(s.anchor, row), max(s.anchor, row)
	s.spans, s.all = []span{{lo, hi + 1}}, false
}

// selectAll picks every user that matches.
func (s *selection) selectAll() { s.spans, s.all = nil, true }

// add puts a span in, merging those it touches.
func (s *selection) add(n span) {
	var out []span
	for _, sp := range s.spans {
		switch {
		case sp.hi < n.lo || sp.lo > n.hi:
			out = append(out, sp)
		default:
			n = span{min(sp.lo, n.lo), max(sp.hi, n.hi)}
		}
	}
	out = append(out, n)
	sort.Slice(out, func(i, j int) bool { return out[i].lo < out[j].lo })
	s.spans = out
}

// remove takes row out.
func (s *selection) remove(row int) {
	var out []span
	for _, sp := range s.spans {
		if row < sp.lo || row >= sp.hi {
			out = append(out, sp)
			continue
		}
		if sp.lo < row {
			out = append(out, span{sp.lo, row})
		}
		if row+1 < sp.hi {
			out = append(out, span{row + 1, sp.hi})
		}
	}
	s.spans = out
}
