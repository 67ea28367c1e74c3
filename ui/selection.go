package ui

import (
	"maps"
	"sort"
)

// selection is the users picked in the table, for an action on many: rows
// of the list on view, kept as spans of positions (a Shift+End from the
// top of a million rows is one span, not a million IDs), or "every user
// that matches", which stands for the query itself and not for its rows.
// A new search, filter or sort starts a new selection, since the
// positions are those of one query.
//
// A change in the store (another workstation's, or a name changed here)
// can move users between positions while rows are picked. So the
// selection keeps the user it saw at each row picked that the window held
// (who: position → user ID) and the count it was made against (among);
// when the rows read again are other users (follow), it moves with its
// users if it knows them all, and is cleared otherwise, rather than left
// on users nobody picked. An action on rows checks them again as it reads
// them (selectionReader).
type selection struct {
	spans  []span // sorted, apart, not empty
	all    bool   // every user that matches
	anchor int    // the row a range starts from
	who    map[int]int64
	among  int // the list's count when rows were picked, -1 while unknown
}

// span is the rows from lo to hi-1.
type span struct{ lo, hi int }

// clear picks no row.
func (s *selection) clear() { s.spans, s.all, s.anchor, s.who = nil, false, 0, nil }

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

// remember notes, after rows were picked, the users at the rows picked
// that the window holds (held calls back each row it holds with its user's
// ID) and the list's count (-1 while unknown); rows no longer picked are
// forgotten.
func (s *selection) remember(held func(yield func(row int, id int64)), among int) {
	if s.all || len(s.spans) == 0 {
		s.who = nil
		return
	}
	maps.DeleteFunc(s.who, func(row int, _ int64) bool { return !s.has(row) })
	if s.who == nil {
		s.who = map[int]int64{}
	}
	held(func(row int, id int64) {
		if _, ok := s.who[row]; !ok && s.has(row) {
			s.who[row] = id
		}
	})
	s.among = among
}

// follow checks the selection against the rows held now (held) and the
// list's count now (-1 while unknown): if a row picked holds another user
// than the one seen, or lies past the list's end, the selection moves to
// where its users are when it knows every one of them and the window
// holds them all, and is cleared otherwise; if the count changed while
// some rows picked were never seen, it is cleared too. It reports false
// when it was cleared.
func (s *selection) follow(held func(yield func(row int, id int64)), among int) bool {
	if s.all || len(s.spans) == 0 {
		return true
	}
	where := map[int64]int{}
	moved := false
	held(func(row int, id int64) {
		where[id] = row
		if was, ok := s.who[row]; ok && was != id {
			moved = true
		}
	})
	for row := range s.who {
		moved = moved || (among >= 0 && row >= among)
	}
	unseen := s.count(0) > len(s.who)
	if !moved && !(unseen && among >= 0 && s.among >= 0 && among != s.among) {
		if s.among < 0 {
			s.among = among
		}
		return true
	}
	if unseen {
		s.clear()
		return false
	}
	who := make(map[int]int64, len(s.who))
	for _, id := range s.who {
		row, ok := where[id]
		if !ok {
			s.clear()
			return false
		}
		who[row] = id
	}
	anchor, ok := where[s.who[s.anchor]]
	s.spans = nil
	for row := range who {
		s.add(span{row, row + 1})
	}
	s.who, s.among = who, among
	if ok {
		s.anchor = anchor
	}
	return true
}
