package sqlite

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"sesame/app"
)

// The matches of the last long text, held for the texts typed after it.
//
// An administrator types a name letter by letter: "lefe", "lefeb",
// "lefebv"… Each text of four characters or more is counted by checking
// the search text of each of its candidates in the index (countIndex),
// about a microsecond a user: 20 to 60 ms for the 20,000 to 40,000 users
// who share a common first name, surname or domain. A text that contains
// the previous one is held by some of the previous one's holders only, so
// it is counted from them, kept in memory with what their cell depends on
// (attributes, expiry, idle time): a substring search each, and nothing
// read. The same text asked again (the filters' counts after the match's)
// is counted from them too.
//
// The matches are those of one state of the directory: they are kept with
// the changes table's counter of user changes, read in the same snapshot,
// and used only while it has not moved (a write of this process or of
// another one moves it, see countChanges). Times (expiry, staleness) and
// locks are applied at each count, as countIndex does. Only read
// transactions use them: a write transaction sees its own changes before
// the counter does. A text without holders in memory, or with more than
// heldMost, is counted as before.

// heldMost bounds the matches held: about 6 MB at most.
const heldMost = 50_000

// heldText is the matches of one text.
type heldText struct {
	gen  int64  // the changes table's users counter when read
	text string // the folded text
	// users are the text's holders, in no order, and texts their search
	// texts, one after the other.
	users []heldUser
	texts string
}

// heldUser is what a holder's cell depends on, and where its search text
// is in the held texts. Offsets rather than strings: a slice without
// pointers is not scanned by the garbage collector, which the hashing of
// a bulk action makes run tens of times a second.
type heldUser struct {
	from, to  int32 // search_text is texts[from:to]
	expiry    int64 // expiry_key, when hasExpiry
	idle      int64 // idle_key
	attrs     app.Cell
	hasExpiry bool
}

// heldOff, when set (by benchmarks), counts long texts without held
// matches: the peer of the comparison.
var heldOff bool

// heldMatches is the process's last long text: a pointer swapped whole, so
// that the counts of several connections read it without a lock.
type heldMatches struct{ last atomic.Pointer[heldText] }

func (h *heldMatches) drop() { h.last.Store(nil) }

// usersGen reads the counter of the changes of users.
func (t *tx) usersGen() (int64, error) {
	n, _, err := t.queryInt64(`SELECT users FROM changes WHERE id = 1`)
	return n, err
}

// countHeld counts the text from the held matches of a text it contains,
// in the same state of the directory; ok is false when there are none.
func (q *dirQuery) countHeld() (n app.CellCounts, ok bool, err error) {
	h := q.t.held.last.Load()
	if h == nil || !strings.Contains(q.text, h.text) {
		return n, false, nil
	}
	gen, err := q.t.usersGen()
	if err != nil || gen != h.gen {
		return n, false, err
	}
	return q.countIn(h), true, nil
}

// countIn counts by cell the users that hold the text among h's, with
// the locked ones moved to their cells (what cellOf computes in SQL).
func (q *dirQuery) countIn(h *heldText) app.CellCounts {
	var n app.CellCounts
	for i := range h.users {
		u := &h.users[i]
		if !strings.Contains(h.texts[u.from:u.to], q.text) {
			continue
		}
		c := u.attrs
		if u.hasExpiry && u.expiry <= q.now {
			c |= app.CellExpired
		}
		if q.stale && u.idle < q.idle {
			c |= app.CellStale
		}
		n[c]++
	}
	for _, l := range q.locked {
		if strings.Contains(l.text, q.text) {
			n[l.cell&^app.CellLocked]--
			n[l.cell]++
		}
	}
	return n
}

// holdAndCount reads the text's holders, when there are at most heldMost
// candidates, keeps them as the held text and counts them; ok is false
// when there are more.
func (q *dirQuery) holdAndCount(candidates int64) (n app.CellCounts, ok bool, err error) {
	if candidates >= candidateCap { // capped: count them as far as heldMost
		if candidates, err = q.candidatesUpTo(heldMost + 1); err != nil {
			return n, false, err
		}
	}
	if candidates > heldMost {
		return n, false, nil
	}
	gen, err := q.t.usersGen()
	if err != nil {
		return n, false, err
	}
	// One string for all: a row each costs more than the check itself.
	// Each holder is a line: its attributes as one character, then its
	// expiry and idle time, each ended by a comma, then its search text.
	// A search text that held a line break would make more lines than
	// holders: then nothing is held.
	var rows int
	var s sql.NullString
	if err := q.t.tx.QueryRowContext(q.t.ctx, `SELECT count(*), group_concat(char(48 + c.attrs) || ifnull(c.expiry_key, '')
		|| ',' || c.idle_key || ',' || c.search_text, char(10))
		FROM users_grams g CROSS JOIN users c INDEXED BY users_search ON c.rank = g.rowid >> 22
		WHERE users_grams MATCH ? AND instr(c.search_text, ?) > 0`, gramMatch(q.text), q.text).Scan(&rows, &s); err != nil {
		return n, false, app.Internal(err)
	}
	users, err := parseHeld(s.String, rows)
	if err != nil {
		return n, false, app.Internal(err)
	}
	if users == nil && rows > 0 {
		return n, false, nil
	}
	h := &heldText{gen: gen, text: q.text, users: users, texts: s.String}
	q.t.held.last.Store(h)
	return q.countIn(h), true, nil
}

// parseHeld reads the holders written by holdAndCount's query; nil when
// there are not as many lines as rows.
func parseHeld(s string, rows int) ([]heldUser, error) {
	if rows == 0 || strings.Count(s, "\n") != rows-1 {
		return nil, nil
	}
	users := make([]heldUser, 0, rows)
	at := 0 // where the line starts in s
	for line := range strings.SplitSeq(s, "\n") {
		expiry, rest, ok1 := strings.Cut(line[1:], ",")
		idle, text, ok2 := strings.Cut(rest, ",")
		end := at + len(line)
		u := heldUser{attrs: app.Cell(line[0]) - 48, from: int32(end - len(text)), to: int32(end)}
		at = end + 1
		if !ok1 || !ok2 || u.attrs >= app.StaticCells {
			return nil, fmt.Errorf("data: a held match of the wrong shape: %q", line)
		}
		var err error
		if expiry != "" {
			if u.expiry, err = strconv.ParseInt(expiry, 10, 64); err != nil {
				return nil, err
			}
			u.hasExpiry = true
		}
		if u.idle, err = strconv.ParseInt(idle, 10, 64); err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, nil
}
