package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sesame/app"
)

// The directory: pages at any position of any order and exact counts by
// cell, at a million users, within a frame in most cases.
//
// A question is a set of users (app.UserSet: a text, and cells at a time)
// and, for a page, a key order (name, login, last sign-in, password
// changed, created; ascending or its exact reverse) and a position.
// SQLite's OFFSET walks every row before the position, and count(*) reads
// every row it counts; these structures avoid both:
//
//   - Stored columns: attrs (the static cell, app.User.StaticCell), the
//     keys of the orders by time (signin_key…), idle_key and expiry_key,
//     written with each user by app's rules, so that indexes cover what a
//     walk tests (SQLite reads the table for virtual generated columns,
//     measured: 3 to 10 times slower).
//   - One index per order holding the key, id, attrs, expiry_key and
//     idle_key; the same orders for the users with a temporary password
//     only (few); users_by_attrs for rare static cells;
//     users_temporary_by_attrs, which counts temporary passwords by cell,
//     expired or not, without sorting.
//   - Blocks (blocks.go): each order is cut into blocks of 4,096 to 8,192
//     consecutive users, each with its count of users by static cell, kept
//     by every write of a user. A position is found by summing blocks (250
//     to 500 at a million users) and walking one; a count is a sum.
//   - Time: a temporary password expires and a lock ends with no write.
//     Locks are few: the users locked at the question's time come from the
//     throttle table (an index on locked_until) and are moved between cells
//     in the sums. Expiry and staleness are not in the blocks' counts: a set
//     that depends on them is walked, from its smallest source (the
//     temporary passwords have their own indexes); stale users are counted
//     by the blocks of the idle order, of which they are a prefix.
//   - Text: the FTS5 index of n-grams (search.go) yields matches in name
//     order; its rowid carries the static cell and the idle day, so that
//     most filters apply inside the index without reading a row.
//   - Short texts: grams_cells (grams.go) counts the holders of each term
//     of the index (a text of one to three characters) by static cell,
//     kept by every write of a user; users_temporary_by_expiry splits
//     those with a temporary password expired or not.
//   - Typed texts: the matches of the last long text, in memory (held.go),
//     count the texts typed after it in the same state of the directory.
//
// Plans. Without a text, a set that the blocks count exactly (static cells
// and locks) goes by blocks, or is gathered and sorted when it is small;
// any other set walks its smallest source (the locked users, the temporary
// passwords, a few cells, or the order's index from the first block that
// may hold one). With a text, listText weighs in rows read: walking the set
// and testing the text; reading the text's matches from the index (name
// order); sorting the matches by another order; or, for a text that most
// users hold, counting by block those who do not. A text's density comes
// from a sample of its matches. Counts without a text are sums of blocks
// and a few index ranges; with a text of one to three characters, its row
// of grams_cells by static cell, the temporary passwords on one side of
// the question's time and the locked users (unless staleness is asked:
// see countShort); with a longer one, the held matches of a text it
// contains, else one pass over its matches computing each one's cell (or
// over the users who lack a text that most hold).
//
// Figures, and the cases that stay slow: docs/BENCHMARKS.md.

// Thresholds of the planner (variables: tests lower them to take every
// path on a small directory).
var (
	// candidateCap bounds the count of a text's candidates in the search
	// index that decides a plan: past it the text is dense, and is
	// counted by its complement or read in name order.
	candidateCap int64 = 30_000
	// gatherMax is the most users read and sorted in memory by SQLite
	// rather than walked in an order's index.
	gatherMax int64 = 20_000
)

// dirQuery is one question to the directory, prepared: the set, its folded
// text, its times in nanoseconds, which dynamic bits its cells depend on,
// the users locked now and the membership masks.
type dirQuery struct {
	t     *tx
	set   app.UserSet
	text  string // folded; "" for all
	now   int64
	stale bool  // whether anyone can be stale (IdleBefore set)
	idle  int64 // the cut-off of staleness
	// dep says whether membership depends on the expired, locked and stale
	// bits; what a query does not depend on, it does not compute.
	dep [3]bool
	// masks[d] has bit a set when the cell a | d<<6 is in the set (d: the
	// dynamic bits expired 1, locked 2, stale 4).
	masks  [8]uint64
	locked []lockedUser
	static *counts // every user by static cell, from the blocks of names
	blocks [numOrds][]block
	read   [numOrds]bool
}

// orderBlocks returns the blocks of an order, read once a question.
func (q *dirQuery) orderBlocks(o ord) ([]block, error) {
	if !q.read[o] {
		b, err := q.t.readBlocks(o)
		if err != nil {
			return nil, err
		}
		q.blocks[o], q.read[o] = b, true
	}
	return q.blocks[o], nil
}

// lockedUser is a user locked at the question's time, with what places it
// in the orders and its cell.
type lockedUser struct {
	id   int64
	keys userKeys
	cell app.Cell
	text string // search text
}

// nanos is a time of a question (now, the cut-off of staleness) as the
// orders keep times, clamped to what int64 holds.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64 + 1
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return app.TimeOrderKey(t)
}

// prepare prepares a question; the locked users are read when the set
// depends on locks, or when counting (every lock moves a user to another
// cell).
func (t *tx) prepare(s app.UserSet, counting bool) (*dirQuery, error) {
	if err := t.flushGrams(); err != nil {
		return nil, err
	}
	q := &dirQuery{t: t, set: s, text: app.SearchFragment(s.Text), now: nanos(s.Now)}
	if !s.IdleBefore.IsZero() {
		q.stale, q.idle = true, nanos(s.IdleBefore)
	}
	q.dep = [3]bool{s.Cells.Depends(app.CellExpired), s.Cells.Depends(app.CellLocked), q.stale && s.Cells.Depends(app.CellStale)}
	for d := range app.Cell(8) {
		for a := range app.Cell(app.StaticCells) {
			if s.Cells.Has(a | d<<6) {
				q.masks[d] |= 1 << a
			}
		}
	}
	if !counting && !q.dep[1] {
		return q, nil
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT u.id, u.sort_key, u.email_key, u.signin_key, u.changed_key,
		u.created_key, u.idle_key, u.attrs, u.expiry_key, u.search_text FROM throttle t JOIN users u ON u.email_key = t.key
		WHERE t.locked_until IS NOT NULL AND t.locked_until > ?`, q.now)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var l lockedUser
		var expiry sql.NullInt64
		k := &l.keys.keys
		if err := rows.Scan(&l.id, keyArg{&k[ordName]}, keyArg{&k[ordLogin]}, keyArg{&k[ordSignIn]},
			keyArg{&k[ordChanged]}, keyArg{&k[ordCreated]}, keyArg{&k[ordIdle]}, &l.keys.attrs, &expiry, &l.text); err != nil {
			return nil, app.Internal(err)
		}
		l.cell = app.Cell(l.keys.attrs) | app.CellLocked
		if expiry.Valid && expiry.Int64 <= q.now {
			l.cell |= app.CellExpired
		}
		if q.stale && k[ordIdle].(int64) < q.idle {
			l.cell |= app.CellStale
		}
		q.locked = append(q.locked, l)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return q, nil
}

// Sizes, from the blocks.

// staticCounts counts every user by static cell.
func (q *dirQuery) staticCounts() (counts, error) {
	if q.static == nil {
		blocks, err := q.orderBlocks(ordName)
		if err != nil {
			return counts{}, err
		}
		var c counts
		for _, b := range blocks {
			for a, n := range b.counts {
				c[a] += n
			}
		}
		q.static = &c
	}
	return *q.static, nil
}

// blocksExact reports whether the blocks count the set exactly (with the
// locked users as corrections): its cells depend on no expiry and no
// staleness.
func (q *dirQuery) blocksExact() bool { return !q.dep[0] && !q.dep[2] }

// staticMask has the static cells that some cell of the set has.
func (q *dirQuery) staticMask() uint64 {
	var m uint64
	for _, x := range q.masks {
		m |= x
	}
	return m
}

// superset counts the users whose static cell some cell of the set has: a
// bound of the set's size.
func (q *dirQuery) superset() (int64, error) {
	c, err := q.staticCounts()
	var n int64
	for a, k := range c {
		if q.staticMask()>>a&1 == 1 {
			n += k
		}
	}
	return n, err
}

// exactSize counts the set (its text aside) when blocksExact.
func (q *dirQuery) exactSize() (int64, error) {
	c, err := q.staticCounts()
	var n int64
	for a, k := range c {
		if q.masks[0]>>a&1 == 1 {
			n += k
		}
	}
	if q.dep[1] {
		for _, l := range q.locked {
			n += int64(q.masks[2]>>l.keys.attrs&1) - int64(q.masks[0]>>l.keys.attrs&1)
		}
	}
	return n, err
}

// every reports whether every cell of the set passes the test.
func (q *dirQuery) every(test func(app.Cell) bool) bool {
	for c := range app.Cell(app.NumCells) {
		if q.set.Cells.Has(c) && c.Valid() && !test(c) {
			return false
		}
	}
	return true
}

// blockCounts returns the users of the set in each block of the order:
// exact when blocksExact, else an upper bound (by static cell).
func (q *dirQuery) blockCounts(o ord, blocks []block) []int64 {
	in0, in1 := q.masks[0], q.masks[2]
	if !q.blocksExact() {
		in0, in1 = q.staticMask(), q.staticMask()
	}
	per := make([]int64, len(blocks))
	for i, b := range blocks {
		for a, n := range b.counts {
			if in0>>a&1 == 1 {
				per[i] += n
			}
		}
	}
	if q.dep[1] && q.blocksExact() {
		for _, l := range q.locked {
			i := findBlock(blocks, l.keys.keys[o], l.id)
			per[i] += int64(in1>>l.keys.attrs&1) - int64(in0>>l.keys.attrs&1)
		}
	}
	return per
}

// SQL of cells.

// The queries of the directory name their parameters, so that a query of
// one shape is prepared once: args holds those that every query may use
// (the masks :m0 to :m7, :now, :idle, :day, :locked).
func (q *dirQuery) args(more ...any) []any {
	ids := make([]int64, len(q.locked))
	for i, l := range q.locked {
		ids[i] = l.id
	}
	args := []any{sql.Named("now", q.now), sql.Named("idle", q.idle), sql.Named("day", idleDay(q.idle)),
		sql.Named("locked", "["+intList(ids)+"]")}
	for d, m := range q.masks {
		args = append(args, sql.Named("m"+strconv.Itoa(d), int64(m)))
	}
	return append(args, more...)
}

// lockedIn is the SQL condition that col is the id of a locked user.
func (q *dirQuery) lockedIn(col string) string {
	if len(q.locked) == 0 {
		return "0"
	}
	return col + " IN (SELECT value FROM json_each(:locked))"
}

// cellSQL are the SQL expressions of the parts of a row's cell.
type cellSQL struct {
	attrs, expired, locked, stale string
}

// cols is the cell of the rows of users, or of one of its indexes, named
// alias: they hold attrs, expiry_key, idle_key and the id.
func (q *dirQuery) cols(alias string) cellSQL {
	p := alias + "."
	return cellSQL{
		attrs:   p + "attrs",
		expired: "coalesce(" + p + "expiry_key <= :now, 0)",
		locked:  q.lockedIn(p + "id"),
		stale:   p + "idle_key < :idle",
	}
}

// rowid is the cell of the rows of users_grams (alias g), from the rowid
// alone: the static cell, and staleness by the idle day (a user idle since
// the day of the cut-off is read). It tells neither expiry nor locks.
func (q *dirQuery) rowid() cellSQL {
	return cellSQL{
		attrs: "((g.rowid >> 16) & 63)", expired: "0", locked: "0",
		stale: "CASE WHEN (g.rowid & 65535) < :day THEN 1 WHEN (g.rowid & 65535) > :day THEN 0 " +
			"ELSE (SELECT idle_key FROM users WHERE rank = g.rowid >> 22) < :idle END",
	}
}

// dyn is the expression of the dynamic bits of a cell (expired 1, locked
// 2, stale 4), with only those that want says.
func (c cellSQL) dyn(want [3]bool) string {
	var parts []string
	for i, e := range []string{c.expired, c.locked, c.stale} {
		if want[i] && e != "0" {
			parts = append(parts, "(("+e+") << "+strconv.Itoa(i)+")")
		}
	}
	return strings.Join(parts, " | ")
}

// member is the SQL condition that a row's cell is in the set.
func (q *dirQuery) member(c cellSQL) string {
	dyn := c.dyn(q.dep)
	if dyn == "" {
		return "((:m0 >> " + c.attrs + ") & 1)"
	}
	var b strings.Builder
	b.WriteString("((CASE " + dyn)
	for d := range 8 {
		if (d&1 == 0 || q.dep[0]) && (d&2 == 0 || q.dep[1]) && (d&4 == 0 || q.dep[2]) {
			fmt.Fprintf(&b, " WHEN %d THEN :m%d", d, d)
		}
	}
	b.WriteString(" ELSE 0 END >> " + c.attrs + ") & 1)")
	return b.String()
}

// cellOf is the SQL expression of a row's whole cell, for counting: every
// dynamic bit that anyone can have.
func (q *dirQuery) cellOf(c cellSQL) string {
	dyn := c.dyn([3]bool{true, true, q.stale})
	if dyn == "" {
		return c.attrs
	}
	return "(" + c.attrs + " | ((" + dyn + ") << 6))"
}

// Sources: where a walk finds the users of a set, smallest first.

// source is a place that yields the users of the set (and others), as the
// rows of users named n.
type source struct {
	from, where string
	args        []any
	ordered     bool  // rows come in the order asked, from an index
	table       bool  // n is the users table: its search text is there
	size        int64 // the most rows it yields
}

// source returns the smallest place holding the set, for order o: the
// locked users, the users with a temporary password (an index per order),
// the users of a few static cells (an index of cells), or the order's
// index from its first block that may hold one.
func (q *dirQuery) source(o ord) (source, error) {
	if q.every(func(c app.Cell) bool { return c&app.CellLocked != 0 }) {
		return source{from: "users n", where: q.lockedIn("n.id"), table: true, size: int64(len(q.locked))}, nil
	}
	static, err := q.staticCounts()
	if err != nil {
		return source{}, err
	}
	if o != ordIdle && q.every(func(c app.Cell) bool { return c&app.CellPasswordBits == app.CellTemporary }) {
		var n int64
		for a, k := range static {
			if app.Cell(a)&app.CellPasswordBits == app.CellTemporary {
				n += k
			}
		}
		return source{from: "users n INDEXED BY " + orders[o].temporary, where: temporaryWhere, ordered: true, size: n}, nil
	}
	sup, err := q.superset()
	if err != nil {
		return source{}, err
	}
	if sup <= gatherMax {
		var attrs []int64
		for a := range int64(app.StaticCells) {
			if q.staticMask()>>a&1 == 1 {
				attrs = append(attrs, a)
			}
		}
		return source{from: "users n INDEXED BY users_by_attrs", where: "n.attrs IN (SELECT value FROM json_each(:attrs))",
			args: []any{sql.Named("attrs", "["+intList(attrs)+"]")}, table: true, size: sup}, nil
	}
	src := source{from: "users n INDEXED BY " + orders[o].index, ordered: true, size: sup}
	blocks, err := q.orderBlocks(o)
	if err != nil {
		return source{}, err
	}
	// Skip the blocks at either end that hold no user of a static cell of
	// the set.
	per := q.blockCounts(o, blocks)
	lo, hi := 0, len(blocks)
	for lo < hi && per[lo] == 0 {
		lo++
	}
	for hi > lo && per[hi-1] == 0 {
		hi--
	}
	key := orders[o].key
	var conds []string
	if lo > 0 && lo < len(blocks) {
		conds = append(conds, "(n."+key+", n.id) >= (:lok, :loid)")
		src.args = append(src.args, sql.Named("lok", blocks[lo].k), sql.Named("loid", blocks[lo].id))
	}
	if hi < len(blocks) && hi > 0 {
		conds = append(conds, "(n."+key+", n.id) < (:hik, :hiid)")
		src.args = append(src.args, sql.Named("hik", blocks[hi].k), sql.Named("hiid", blocks[hi].id))
	}
	if lo == hi && len(blocks) > 0 {
		conds = []string{"0"}
		src.args = nil
	}
	src.where = strings.Join(conds, " AND ")
	return src, nil
}

// query builds a query of the rows of a source that are in the set (and
// hold the text, when text): the FROM and WHERE clauses, and their args.
func (q *dirQuery) query(src source, text bool) (string, []any) {
	from, conds, args := src.from, []string{q.member(q.cols("n"))}, q.args(src.args...)
	if src.where != "" {
		conds = append([]string{src.where}, conds...)
	}
	if text {
		t := "n"
		if !src.table {
			from += " CROSS JOIN users u ON u.id = n.id"
			t = "u"
		}
		conds = append(conds, "instr("+t+".search_text, :text) > 0")
		args = append(args, sql.Named("text", q.text))
	}
	return " FROM " + from + " WHERE " + strings.Join(conds, " AND "), args
}

// dir is the SQL of a direction.
func dir(desc bool) string {
	if desc {
		return " DESC"
	}
	return ""
}

// listSource lists a page of the set from a source, sorted by SQLite when
// the source does not come in order.
func (q *dirQuery) listSource(src source, o ord, desc bool, offset, limit int, text bool) ([]int64, error) {
	clauses, args := q.query(src, text)
	key := orders[o].key
	return q.t.queryIDs(`SELECT n.id`+clauses+` ORDER BY n.`+key+dir(desc)+`, n.id`+dir(desc)+` LIMIT :limit OFFSET :offset`,
		append(args, sql.Named("limit", limit), sql.Named("offset", offset))...)
}

// countSource counts the users of a source by cell.
func (q *dirQuery) countSource(src source, text bool) (app.CellCounts, error) {
	clauses, args := q.query(src, text)
	return q.t.queryCells(`SELECT group_concat(char(256 + `+q.cellOf(q.cols("n"))+`), '')`+clauses, args...)
}

// ListUsers returns a page of the users of the set in a key order.
func (t *tx) ListUsers(s app.UserSet, o app.UserSort, offset, limit int) ([]app.User, error) {
	if !o.By.IsKey() {
		return nil, app.Errorf(app.EInvalid, "This sort order is not valid.")
	}
	if offset < 0 || limit <= 0 {
		return nil, nil
	}
	q, err := t.prepare(s, false)
	if err != nil {
		return nil, err
	}
	ids, err := q.list(ord(o.By), o.Desc, offset, limit)
	if err != nil {
		return nil, err
	}
	return t.usersByID(ids)
}

// list returns the ids of a page of the set.
func (q *dirQuery) list(o ord, desc bool, offset, limit int) ([]int64, error) {
	if q.text == "" {
		if q.blocksExact() {
			n, err := q.exactSize()
			if err != nil {
				return nil, err
			}
			static, err := q.staticCounts()
			if err != nil {
				return nil, err
			}
			// The blocks find the page's block, then walk it: about a
			// block, and the page's users at the set's density; sorting
			// a small set costs a few rows a user.
			walk := float64(blockSize) + float64(limit)*float64(static.total())/max(float64(n), 1)
			if n > gatherMax || 3*float64(n) > walk {
				return q.listByBlocks(o, desc, offset, limit)
			}
		}
		src, err := q.source(o)
		if err != nil {
			return nil, err
		}
		return q.listSource(src, o, desc, offset, limit, false)
	}
	return q.listText(o, desc, offset, limit)
}

// listText lists a page of a set with a text by the plan of least cost,
// counted in rows of an index read (about 100 ns each): walk the set (a
// small one, sorted; or in the order, testing the text), read the text's
// matches from the search index (in name order) or gather and sort them,
// or, for a text most users hold, count by blocks those who do not.
func (q *dirQuery) listText(o ord, desc bool, offset, limit int) ([]int64, error) {
	src, err := q.source(o)
	if err != nil {
		return nil, err
	}
	static, err := q.staticCounts()
	if err != nil {
		return nil, err
	}
	users := max(float64(static.total()), 1)
	candidates, err := q.candidates(candidateCap)
	if err != nil {
		return nil, err
	}
	dText := float64(candidates) / users
	if candidates >= candidateCap {
		if dText, err = q.density(); err != nil {
			return nil, err
		}
	}
	dText = max(dText, 1/users)
	size := float64(src.size)
	if q.blocksExact() {
		n, err := q.exactSize()
		if err != nil {
			return nil, err
		}
		size = float64(n)
	}
	dSet := max(size, 1) / users
	need := float64(offset + limit)
	matches := dText * users
	join := 1.0 // what checking a row against the users it names costs more
	if q.long() || q.dep[0] || q.dep[1] {
		join = 5
	}
	type plan struct {
		cost float64
		run  func() ([]int64, error)
	}
	walk := func() ([]int64, error) { return q.listSource(src, o, desc, offset, limit, true) }
	plans := []plan{}
	if src.ordered {
		rows := min(float64(src.size), need*float64(src.size)/max(size*dText, 1))
		plans = append(plans, plan{rows + 3*min(size, need/dText), walk})
	} else {
		plans = append(plans, plan{5 * float64(src.size), walk})
	}
	if o == ordName {
		plans = append(plans, plan{min(matches, need/dSet) * (1 + join), func() ([]int64, error) {
			return q.listIndex(desc, offset, limit)
		}})
		if q.long() {
			plans = append(plans, plan{1.5 * min(users, need/(dText*dSet)), func() ([]int64, error) {
				return q.listSearchTexts(desc, offset, limit)
			}})
		}
	} else {
		if matches < gatherMost {
			plans = append(plans, plan{10 * matches, func() ([]int64, error) { return q.gather(o, desc, offset, limit) }})
		}
		if !q.long() && dText > denseShort && q.blocksExact() {
			plans = append(plans, plan{0.6*users + 5*(1-dText)*users, func() ([]int64, error) {
				ids, ok, err := q.listDense(o, desc, offset, limit)
				if err != nil || ok {
					return ids, err
				}
				return walk()
			}})
		}
	}
	best := plans[0]
	for _, p := range plans[1:] {
		if p.cost < best.cost {
			best = p
		}
	}
	if anyPlan != nil {
		best = plans[anyPlan(len(plans))]
	}
	return best.run()
}

// anyPlan, when set (by tests), chooses the plan of listText instead of
// the costs, so that every plan is checked on a small directory.
var anyPlan func(n int) int

// gatherMost bounds the matches of a text sorted at once.
const gatherMost = 100_000

// long reports whether the text is longer than one term of the index: its
// candidates are then checked one by one.
func (q *dirQuery) long() bool { return utf8.RuneCountInString(q.text) > 3 }

// candidates counts the index's candidates for the text, stopping at cap
// (and at candidateCap): exact for a text of three characters or fewer, an
// upper bound for a longer one.
func (q *dirQuery) candidates(limit int64) (int64, error) {
	return q.candidatesUpTo(min(limit, candidateCap))
}

// candidatesUpTo counts the index's candidates for the text, stopping at
// limit.
func (q *dirQuery) candidatesUpTo(limit int64) (int64, error) {
	n, _, err := q.t.queryInt64(`SELECT count(*) FROM (SELECT 1 FROM users_grams WHERE users_grams MATCH ? LIMIT ?)`,
		gramMatch(q.text), limit)
	return n, err
}

// listByBlocks finds the position in the order's blocks, then walks from
// the start of the block that holds it.
func (q *dirQuery) listByBlocks(o ord, desc bool, offset, limit int) ([]int64, error) {
	blocks, err := q.orderBlocks(o)
	if err != nil || len(blocks) == 0 {
		return nil, err
	}
	return q.walkBlocks(o, blocks, q.blockCounts(o, blocks), desc, offset, limit, false)
}

// walkBlocks reads a page of the set, given how many of its users each
// block holds: from the start of the block of the page's first user (of
// its last, backwards).
func (q *dirQuery) walkBlocks(o ord, blocks []block, per []int64, desc bool, offset, limit int, text bool) ([]int64, error) {
	var total int64
	for _, n := range per {
		total += n
	}
	from, n := int64(offset), int64(limit)
	if desc {
		from = max(0, total-int64(offset)-int64(limit))
		n = total - int64(offset) - from
	}
	if n <= 0 || from >= total {
		return nil, nil
	}
	i, before := 0, int64(0)
	for i < len(per)-1 && before+per[i] <= from {
		before += per[i]
		i++
	}
	def := orders[o]
	src := source{from: "users n INDEXED BY " + def.index, where: "(n." + def.key + ", n.id) >= (:lok, :loid)",
		args: []any{sql.Named("lok", blocks[i].k), sql.Named("loid", blocks[i].id)}, ordered: true}
	clauses, args := q.query(src, text)
	ids, err := q.t.queryIDs(`SELECT n.id`+clauses+` ORDER BY n.`+def.key+`, n.id LIMIT :limit OFFSET :offset`,
		append(args, sql.Named("limit", n), sql.Named("offset", from-before))...)
	if desc {
		slices.Reverse(ids)
	}
	return ids, err
}

// listIndex reads the text's matches from the search index, in name
// order, with what the set depends on read from users_search when the
// rowid does not tell it.
func (q *dirQuery) listIndex(desc bool, offset, limit int) ([]int64, error) {
	if !q.long() && !q.dep[0] && !q.dep[1] {
		ranks, err := q.t.queryIDs(`SELECT g.rowid >> 22 FROM users_grams g WHERE users_grams MATCH :match AND `+
			q.member(q.rowid())+` ORDER BY g.rowid`+dir(desc)+` LIMIT :limit OFFSET :offset`,
			q.args(sql.Named("match", gramMatch(q.text)), sql.Named("limit", limit), sql.Named("offset", offset))...)
		if err != nil {
			return nil, err
		}
		return q.t.idsOfRanks(ranks)
	}
	return q.t.queryIDs(`SELECT c.id FROM users_grams g CROSS JOIN users c INDEXED BY users_search ON c.rank = g.rowid >> 22
		WHERE users_grams MATCH :match AND instr(c.search_text, :text) > 0 AND `+q.member(q.cols("c"))+`
		ORDER BY g.rowid`+dir(desc)+` LIMIT :limit OFFSET :offset`, q.textArgs(limit, offset)...)
}

// listSearchTexts walks every user's search text in name order: for a
// long text that most users hold, cheaper than checking its candidates.
func (q *dirQuery) listSearchTexts(desc bool, offset, limit int) ([]int64, error) {
	return q.t.queryIDs(`SELECT c.id FROM users c INDEXED BY users_search WHERE c.rank > 0 AND instr(c.search_text, :text) > 0
		AND `+q.member(q.cols("c"))+` ORDER BY c.rank`+dir(desc)+` LIMIT :limit OFFSET :offset`, q.textArgs(limit, offset)...)
}

// textArgs are the args of a page of the text's matches.
func (q *dirQuery) textArgs(limit, offset int) []any {
	return q.args(sql.Named("match", gramMatch(q.text)), sql.Named("text", q.text),
		sql.Named("limit", limit), sql.Named("offset", offset))
}

// gather reads every match of a text from the search index and sorts them
// by another order (users_search holds the keys of the orders by time).
func (q *dirQuery) gather(o ord, desc bool, offset, limit int) ([]int64, error) {
	key, join := orders[o].key, " CROSS JOIN users n INDEXED BY users_search ON n.rank = g.rowid >> 22"
	if o == ordLogin {
		join = " CROSS JOIN users n ON n.rank = g.rowid >> 22"
	}
	return q.t.queryIDs(`SELECT n.id FROM users_grams g`+join+`
		WHERE users_grams MATCH :match AND instr(n.search_text, :text) > 0 AND `+q.member(q.cols("n"))+`
		ORDER BY n.`+key+dir(desc)+`, n.id`+dir(desc)+` LIMIT :limit OFFSET :offset`, q.textArgs(limit, offset)...)
}

// listDense lists a page of a set that the blocks count exactly, with a
// short text that most users hold: the blocks count the set, less the
// users of the set who do not hold the text (found in the search index,
// everyone NOT the text), and the walk starts in the block of the page. It
// reports false when there are too many such users.
func (q *dirQuery) listDense(o ord, desc bool, offset, limit int) ([]int64, bool, error) {
	def := orders[o]
	rows, err := q.t.tx.QueryContext(q.t.ctx, `SELECT n.id, n.`+def.key+` FROM users_grams g
		CROSS JOIN users n ON n.rank = g.rowid >> 22 WHERE users_grams MATCH :match AND `+q.member(q.cols("n"))+` LIMIT :limit`,
		q.args(sql.Named("match", everyone+" NOT "+gramMatch(q.text)), sql.Named("limit", gatherMax+1))...)
	if err != nil {
		return nil, false, app.Internal(err)
	}
	type key struct {
		k  any
		id int64
	}
	var without []key
	for rows.Next() {
		var x key
		if err := rows.Scan(&x.id, keyArg{&x.k}); err != nil {
			rows.Close()
			return nil, false, app.Internal(err)
		}
		without = append(without, x)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, false, app.Internal(err)
	}
	if int64(len(without)) > gatherMax {
		return nil, false, nil
	}
	blocks, err := q.orderBlocks(o)
	if err != nil || len(blocks) == 0 {
		return nil, err == nil, err
	}
	per := q.blockCounts(o, blocks)
	for _, x := range without {
		per[findBlock(blocks, x.k, x.id)]--
	}
	ids, err := q.walkBlocks(o, blocks, per, desc, offset, limit, true)
	return ids, true, err
}

// CountCells counts the users of the set by cell.
func (t *tx) CountCells(s app.UserSet) (app.CellCounts, error) {
	q, err := t.prepare(s, true)
	if err != nil {
		return app.CellCounts{}, err
	}
	n, err := q.count()
	if err != nil {
		return app.CellCounts{}, err
	}
	for c := range n {
		if !s.Cells.Has(app.Cell(c)) {
			n[c] = 0
		}
	}
	return n, nil
}

func (q *dirQuery) count() (app.CellCounts, error) {
	if q.text == "" {
		if q.t.held != nil { // no text is being typed
			q.t.held.drop()
		}
		return q.countAll()
	}
	if !q.long() && !countShortOff {
		if n, ok, err := q.countShort(); err != nil || ok {
			return n, err
		}
	}
	if q.long() && q.t.held != nil {
		if n, ok, err := q.countHeld(); err != nil || ok {
			return n, err
		}
	}
	src, err := q.source(ordName)
	if err != nil {
		return app.CellCounts{}, err
	}
	small := !src.ordered || src.size <= gatherMax
	candidates, err := q.candidates(max(4*src.size, gatherMax) + 1)
	if err != nil {
		return app.CellCounts{}, err
	}
	if small && 4*src.size <= candidates {
		return q.countSource(src, true)
	}
	density := 0.0
	if candidates >= candidateCap {
		if density, err = q.density(); err != nil {
			return app.CellCounts{}, err
		}
	}
	static, err := q.staticCounts()
	if err != nil {
		return app.CellCounts{}, err
	}
	switch without := (1 - density) * float64(static.total()); {
	case !q.long() && density > denseShort && without <= float64(2*cellsChunk):
		// Most users hold the text: count those who do not, few enough
		// to be read at once (FTS5 reads a NOT whole, whatever the
		// range of rowids).
		all, err := q.countAll()
		if err != nil {
			return all, err
		}
		not, err := q.t.queryCells(`SELECT group_concat(char(256 + `+q.cellOf(q.cols("c"))+`), '')
			FROM users_grams g CROSS JOIN users c INDEXED BY users_search ON c.rank = g.rowid >> 22
			WHERE users_grams MATCH :match`, q.args(sql.Named("match", everyone+" NOT "+gramMatch(q.text)))...)
		for c, k := range not {
			all[c] -= k
		}
		return all, err
	case q.long() && density > denseLong:
		return q.cellsByRank(`SELECT group_concat(char(256 + `+q.cellOf(q.cols("c"))+`), '')
			FROM users c INDEXED BY users_search WHERE c.rank >= :lo AND c.rank < :hi AND instr(c.search_text, :text) > 0`,
			q.args(sql.Named("text", q.text))...)
	}
	if q.long() && q.t.held != nil {
		if n, ok, err := q.holdAndCount(candidates); err != nil || ok {
			return n, err
		}
	}
	return q.countIndex()
}

// Densities past which a text is dense: a short one is then counted by
// its complement, a long one by reading every search text in name order
// rather than checking its candidates one by one.
const (
	denseShort = 0.7
	denseLong  = 0.25
)

// density estimates the share of users that are candidates of the text:
// from the middle of the name order on, how many users lie between the
// first candidate and the densitySample-th.
func (q *dirQuery) density() (float64, error) {
	top, _, err := q.t.queryInt64(`SELECT coalesce(max(rank), 0) FROM users`)
	if err != nil || top == 0 {
		return 0, err
	}
	static, err := q.staticCounts()
	if err != nil {
		return 0, err
	}
	users := static.total()
	match := gramMatch(q.text)
	mid := top / 2 << ftsRankShift
	var first, last int64
	if err := q.t.tx.QueryRowContext(q.t.ctx, `SELECT min(r), max(r) FROM (SELECT rowid >> 22 AS r FROM users_grams
		WHERE users_grams MATCH ? AND rowid >= ? ORDER BY rowid LIMIT ?)`, match, mid, densitySample).Scan(
		&nullInt{&first}, &nullInt{&last}); err != nil {
		return 0, app.Internal(err)
	}
	if last <= first {
		return 0, nil
	}
	// Ranks are about evenly spread: the span holds users in proportion.
	between := float64(users) * float64(last-first) / float64(top)
	return min(1, densitySample/max(between, 1)), nil
}

const densitySample = 2000

// nullInt scans an integer that may be NULL (then 0).
type nullInt struct{ v *int64 }

func (n *nullInt) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*n.v = 0
	case int64:
		*n.v = v
	default:
		return fmt.Errorf("data: an integer of type %T", src)
	}
	return nil
}

// countIndex counts by cell the users that hold the text, read from the
// search index (each checked, which a long text needs).
func (q *dirQuery) countIndex() (app.CellCounts, error) {
	check, args := "", q.args(sql.Named("match", gramMatch(q.text)))
	if q.long() {
		check, args = " AND instr(c.search_text, :text) > 0", append(args, sql.Named("text", q.text))
	}
	return q.cellsByRank(`SELECT group_concat(char(256 + `+q.cellOf(q.cols("c"))+`), '')
		FROM users_grams g CROSS JOIN users c INDEXED BY users_search ON c.rank = g.rowid >> 22
		WHERE users_grams MATCH :match AND g.rowid >= :lo << 22 AND g.rowid < :hi << 22`+check, args...)
}

// cellsByRank runs a count by cell over ranges of ranks (:lo to :hi) of
// about cellsChunk users each, so that no more than that many cells are
// held at once, whatever the number of users.
func (q *dirQuery) cellsByRank(query string, args ...any) (app.CellCounts, error) {
	var n app.CellCounts
	top, _, err := q.t.queryInt64(`SELECT coalesce(max(rank), 0) FROM users`)
	if err != nil {
		return n, err
	}
	static, err := q.staticCounts()
	if err != nil {
		return n, err
	}
	chunks := static.total()/cellsChunk + 1
	step := top/chunks + 1
	for lo := int64(1); lo <= top; lo += step {
		part, err := q.t.queryCells(query, append(args, sql.Named("lo", lo), sql.Named("hi", lo+step))...)
		if err != nil {
			return n, err
		}
		for c, k := range part {
			n[c] += k
		}
	}
	return n, nil
}

// cellsChunk is about how many users a count by cell reads at once (tests
// make it small).
var cellsChunk int64 = 1 << 16

// countAll counts every user by cell, without a text: the blocks count the
// static cells; the users with a temporary password are counted one by
// one (expiry), the stale ones by the blocks of the idle order, and the
// locked ones are moved to their cells.
func (q *dirQuery) countAll() (app.CellCounts, error) {
	var n app.CellCounts
	static, err := q.staticCounts()
	if err != nil {
		return n, err
	}
	temporary := func(a int) bool { return app.Cell(a)&app.CellPasswordBits == app.CellTemporary }
	var stale counts
	if q.stale {
		if stale, err = q.staleByCell(); err != nil {
			return n, err
		}
	}
	for a, k := range static {
		if !temporary(a) {
			n[a|int(app.CellStale)] += int(stale[a])
			n[a] += int(k - stale[a])
		}
	}
	// Users with a temporary password, expired or not, stale or not: by
	// static cell, in the order of an index, so without sorting.
	rows, err := q.t.tx.QueryContext(q.t.ctx, `SELECT attrs, count(*), sum(expiry_key <= ?1), sum(idle_key < ?2),
		sum(expiry_key <= ?1 AND idle_key < ?2) FROM users n INDEXED BY users_temporary_by_attrs
		WHERE `+temporaryWhere+` GROUP BY attrs`, q.now, q.idle)
	if err != nil {
		return n, app.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, all, expired, staleN, both int
		if err := rows.Scan(&a, &all, &expired, &staleN, &both); err != nil {
			return n, app.Internal(err)
		}
		if !q.stale {
			staleN, both = 0, 0
		}
		e, st := int(app.CellExpired), int(app.CellStale)
		n[a|e|st] += both
		n[a|e] += expired - both
		n[a|st] += staleN - both
		n[a] += all - expired - staleN + both
	}
	if err := rows.Err(); err != nil {
		return n, app.Internal(err)
	}
	for _, l := range q.locked {
		n[l.cell&^app.CellLocked]--
		n[l.cell]++
	}
	return n, nil
}

// staleByCell counts the stale users by static cell: the blocks of the idle
// order before the cut-off, and the users of the block that holds it.
func (q *dirQuery) staleByCell() (counts, error) {
	var out counts
	blocks, err := q.orderBlocks(ordIdle)
	if err != nil || len(blocks) == 0 {
		return out, err
	}
	i := findBlock(blocks, q.idle, 0)
	for _, b := range blocks[:i] {
		for a, k := range b.counts {
			out[a] += k
		}
	}
	cells, err := q.t.queryCells(`SELECT group_concat(char(256 + attrs), '') FROM users INDEXED BY users_by_idle
		WHERE (idle_key, id) >= (?, ?) AND idle_key < ?`, blocks[i].k, blocks[i].id, q.idle)
	for a, k := range cells[:app.StaticCells] {
		out[a] += int64(k)
	}
	return out, err
}

// UsersAfter returns users of the set by ID, after an ID.
// NextChange returns the first lock to end, or temporary password to
// expire, after now (app.Tx): the throttle's index of locks and the
// temporary passwords' index by expiry.
func (t *tx) NextChange(now time.Time) (time.Time, error) {
	var lock, expiry sql.NullInt64
	if err := t.tx.QueryRowContext(t.ctx, `SELECT (SELECT min(locked_until) FROM throttle WHERE locked_until > ?1),
		(SELECT min(expiry_key) FROM users WHERE expiry_key > ?1)`, nanos(now)).Scan(&lock, &expiry); err != nil {
		return time.Time{}, app.Internal(err)
	}
	var first time.Time
	for _, n := range []sql.NullInt64{lock, expiry} {
		if n.Valid && (first.IsZero() || time.Unix(0, n.Int64).Before(first)) {
			first = time.Unix(0, n.Int64)
		}
	}
	return first, nil
}

func (t *tx) UsersAfter(s app.UserSet, after int64, limit int) ([]app.User, error) {
	if limit <= 0 {
		return nil, nil
	}
	q, err := t.prepare(s, false)
	if err != nil {
		return nil, err
	}
	ids, err := t.queryIDs(`SELECT n.id FROM users n WHERE n.id > :after AND `+q.member(q.cols("n"))+
		` AND instr(n.search_text, :text) > 0 ORDER BY n.id LIMIT :limit`,
		q.args(sql.Named("after", after), sql.Named("text", q.text), sql.Named("limit", limit))...)
	if err != nil {
		return nil, err
	}
	return t.usersByID(ids)
}

// queryIDs runs a query of one integer column.
func (t *tx) queryIDs(query string, args ...any) ([]int64, error) {
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, app.Internal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return ids, nil
}

// queryCells runs a query whose one value is a string of cells, each as
// the character 256 + cell (group_concat moves many in one value), and
// counts them.
func (t *tx) queryCells(query string, args ...any) (app.CellCounts, error) {
	var n app.CellCounts
	var s sql.NullString
	if err := t.tx.QueryRowContext(t.ctx, query, args...).Scan(&s); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return n, app.Internal(err)
	}
	for _, r := range s.String {
		c := app.Cell(r - 256)
		if r < 256 || c >= app.NumCells {
			return n, app.Internal(fmt.Errorf("data: a cell out of range: %d", r))
		}
		n[c]++
	}
	return n, nil
}

// idsOfRanks turns ranks into ids, in the same order.
func (t *tx) idsOfRanks(ranks []int64) ([]int64, error) {
	if len(ranks) == 0 {
		return nil, nil
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT rank, id FROM users WHERE rank IN (SELECT value FROM json_each(?))`,
		"["+intList(ranks)+"]")
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	byRank := make(map[int64]int64, len(ranks))
	for rows.Next() {
		var r, id int64
		if err := rows.Scan(&r, &id); err != nil {
			return nil, app.Internal(err)
		}
		byRank[r] = id
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	ids := make([]int64, 0, len(ranks))
	for _, r := range ranks {
		if id, ok := byRank[r]; ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// usersByID reads users, in the order of ids.
func (t *tx) usersByID(ids []int64) ([]app.User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	users, _, err := t.queryUsers(`SELECT `+userCols+` FROM `+userJoin+` WHERE u.id IN (SELECT value FROM json_each(?))`,
		"["+intList(ids)+"]")
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]app.User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	out := make([]app.User, 0, len(ids))
	for _, id := range ids {
		if u, ok := byID[id]; ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// intList writes integers for an IN list.
func intList(v []int64) string {
	var b strings.Builder
	for i, x := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(x, 10))
	}
	return b.String()
}
