package ui

import "testing"

// heldIDs returns what the window holds: rows lo to hi-1, with the IDs of
// ids from lo on.
func heldIDs(lo int, ids ...int64) func(yield func(row int, id int64)) {
	return func(yield func(row int, id int64)) {
		for i, id := range ids {
			yield(lo+i, id)
		}
	}
}

// TestSelectionFollowsOrClears: a selection moves with its users when it
// knows them all, and is cleared when it cannot tell who its rows are.
func TestSelectionFollowsOrClears(t *testing.T) {
	// Rows 1 and 3 of 10..15; a user inserted first shifts them.
	var s selection
	s.toggle(1, 6)
	s.toggle(3, 6)
	s.remember(heldIDs(0, 10, 11, 12, 13, 14, 15), 6)
	if !s.follow(heldIDs(0, 10, 11, 12, 13, 14, 15), 6) || !s.has(1) || !s.has(3) || s.count(6) != 2 {
		t.Fatalf("nothing changed, yet %+v", s)
	}
	if !s.follow(heldIDs(0, 9, 10, 11, 12, 13, 14, 15), 7) || !s.has(2) || !s.has(4) || s.count(7) != 2 {
		t.Errorf("after an insert: %+v, want rows 2 and 4", s)
	}
	// A user picked is no longer held: cleared.
	if s.follow(heldIDs(0, 9, 10, 12, 13, 14, 15), 6) || s.count(6) != 0 {
		t.Errorf("a user picked gone: %+v", s)
	}

	// A range over rows never held (Shift+End over many): the rows held at
	// its ends vouch for it while the count stays; a new count clears it.
	s = selection{}
	s.one(2)
	s.extend(5000)
	s.remember(heldIDs(0, 10, 11, 12, 13), 10_000)
	if !s.follow(heldIDs(0, 10, 11, 12, 13), 10_000) || s.count(10_000) != 4999 {
		t.Errorf("nothing changed, yet %+v", s)
	}
	if s.follow(heldIDs(0, 10, 11, 12, 13), 10_001) || s.count(10_001) != 0 {
		t.Errorf("a new count with rows never seen: %+v", s)
	}
	// A held row picked that is now another user: cleared too.
	s.one(2)
	s.extend(5000)
	s.remember(heldIDs(0, 10, 11, 12, 13), 10_000)
	if s.follow(heldIDs(0, 10, 11, 99, 13), 10_000) {
		t.Errorf("a row picked is another user: %+v", s)
	}
	// Every user that matches is the query itself: nothing to follow.
	s.selectAll()
	s.remember(heldIDs(0, 10), 10)
	if !s.follow(heldIDs(0, 99), 11) || !s.all {
		t.Errorf("all: %+v", s)
	}
}
