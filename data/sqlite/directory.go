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

// The directory: pages at any position of any order, exact counts by cell.
//
// DESIGN NOTE: written in full at the top of this file once measured; see
// docs/BENCHMARKS.md.

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
	// bits; a walk tests only those it depends on.
	dep [3]bool
	// masks[d] has bit a set when the cell a | d<<6 is in the set (d: the
	// dynamic bits expired 1, locked 2, stale 4).
	masks  [8]uint64
	locked []lockedUser
}

// lockedUser is a user locked at the question's time, with what places it
// in the orders and its cell.
type lockedUser struct {
	id, rank int64
	keys     userKeys
	cell     app.Cell
}

// nanos is a time as stored, clamped to what int64 holds.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return math.MinInt64 + 1
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func (t *tx) prepare(s app.UserSet) (*dirQuery, error) {
	q := &dirQuery{t: t, set: s, text: foldQuery(s.Text), now: nanos(s.Now)}
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
	rows, err := t.tx.QueryContext(t.ctx, `SELECT u.id, u.rank, u.sort_key, u.email_key, u.signin_key, u.changed_key,
		u.created_key, u.idle_key, u.attrs, u.expiry_key FROM throttle t JOIN users u ON u.email_key = t.key
		WHERE t.locked_until IS NOT NULL AND t.locked_until > ?`, q.now)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var l lockedUser
		var expiry sql.NullInt64
		k := &l.keys.keys
		if err := rows.Scan(&l.id, &l.rank, keyArg{&k[ordName]}, keyArg{&k[ordLogin]}, keyArg{&k[ordSignIn]},
			keyArg{&k[ordChanged]}, keyArg{&k[ordCreated]}, keyArg{&k[ordIdle]}, &l.keys.attrs, &expiry); err != nil {
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

// lockedIDs is the SQL of the set of ids (or ranks) of the users locked at
// the question's time.
func (q *dirQuery) lockedSQL(col string) string {
	return `(SELECT lu.` + col + ` FROM throttle lt JOIN users lu ON lu.email_key = lt.key
		WHERE lt.locked_until IS NOT NULL AND lt.locked_until > ` + strconv.FormatInt(q.now, 10) + `)`
}

// cellSQL are the SQL expressions of the parts of a row's cell.
type cellSQL struct {
	attrs   string // the static cell
	expired string // 1 when a temporary password has expired
	locked  string // 1 when locked
	stale   string // 1 when stale
}

// fromColumns is the cell of the rows of users (or of one of its indexes)
// named alias.
func (q *dirQuery) fromColumns(alias string) cellSQL {
	p := alias + "."
	return cellSQL{
		attrs:   p + "attrs",
		expired: "coalesce(" + p + "expiry_key <= " + strconv.FormatInt(q.now, 10) + ", 0)",
		locked:  p + "id IN " + q.lockedSQL("id"),
		stale:   p + "idle_key < " + strconv.FormatInt(q.idle, 10),
	}
}

// fromIndex is the cell of the rows of users_grams (alias g): the static
// cell and the idle day are in the rowid; the expiry of a temporary
// password and the idle time of a user idle since the day of the cut-off
// are read from the user.
func (q *dirQuery) fromIndex() cellSQL {
	day := strconv.FormatInt(idleDay(q.idle), 10)
	user := func(col string) string { return "(SELECT " + col + " FROM users WHERE rank = g.rowid >> 22)" }
	return cellSQL{
		attrs: "((g.rowid >> 16) & 63)",
		expired: "CASE WHEN ((g.rowid >> 16) & 48) = 32 THEN coalesce(" + user("expiry_key") + " <= " +
			strconv.FormatInt(q.now, 10) + ", 1) ELSE 0 END",
		locked: "(g.rowid >> 22) IN " + q.lockedSQL("rank"),
		stale: "CASE WHEN (g.rowid & 65535) < " + day + " THEN 1 WHEN (g.rowid & 65535) > " + day + " THEN 0 ELSE " +
			user("idle_key") + " < " + strconv.FormatInt(q.idle, 10) + " END",
	}
}

// dynSQL is the expression of the dynamic bits of a cell (expired 1,
// locked 2, stale 4), with only those that want says.
func (c cellSQL) dynSQL(want [3]bool) string {
	var parts []string
	for i, e := range []string{c.expired, c.locked, c.stale} {
		if want[i] {
			parts = append(parts, "(("+e+") << "+strconv.Itoa(i)+")")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, " | ")
}

// member is the SQL condition that a row's cell is in the set.
func (q *dirQuery) member(c cellSQL) string {
	dyn := c.dynSQL(q.dep)
	if dyn == "" {
		return "((" + strconv.FormatInt(int64(q.masks[0]), 10) + " >> " + c.attrs + ") & 1)"
	}
	var b strings.Builder
	b.WriteString("((CASE " + dyn)
	for d := range 8 {
		if (d&1 == 0 || q.dep[0]) && (d&2 == 0 || q.dep[1]) && (d&4 == 0 || q.dep[2]) {
			fmt.Fprintf(&b, " WHEN %d THEN %d", d, int64(q.masks[d]))
		}
	}
	b.WriteString(" ELSE 0 END >> " + c.attrs + ") & 1)")
	return b.String()
}

// cellOf is the SQL expression of a row's whole cell, with every dynamic
// bit that can be set, for counting.
func (q *dirQuery) cellOf(c cellSQL) string {
	dyn := c.dynSQL([3]bool{true, true, q.stale})
	return "(" + c.attrs + " | ((" + dyn + ") << 6))"
}

// onlyTemporary reports whether every cell of the set has a temporary
// password.
func (q *dirQuery) onlyTemporary() bool {
	for c := range app.Cell(app.NumCells) {
		if q.set.Cells.Has(c) && c.Valid() && c&app.CellPasswordBits != app.CellTemporary {
			return false
		}
	}
	return true
}

// blocksExact reports whether the blocks of an order count the set exactly
// (with the locked users as corrections): its cells do not depend on
// expiry or staleness.
func (q *dirQuery) blocksExact() bool { return !q.dep[0] && !q.dep[2] }

// staticMask is the static cells that some cell of the set has: the
// blocks count a superset of the set with it.
func (q *dirQuery) staticMask() uint64 {
	var m uint64
	for _, x := range q.masks {
		m |= x
	}
	return m
}

// blockCounts returns the users of the set in each block of the order:
// exact when blocksExact, else an upper bound.
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

// setSize returns the users of the set without its text, exactly when the
// blocks can tell (exact true), else an upper bound.
func (q *dirQuery) setSize() (n int64, exact bool, err error) {
	blocks, err := q.t.readBlocks(ordName)
	if err != nil {
		return 0, false, err
	}
	for _, k := range q.blockCounts(ordName, blocks) {
		n += k
	}
	return n, q.blocksExact(), nil
}

// ListUsers returns a page of the users of the set in a key order.
func (t *tx) ListUsers(s app.UserSet, o app.UserSort, offset, limit int) ([]app.User, error) {
	if !o.By.IsKey() {
		return nil, app.Errorf(app.EInvalid, "This sort order is not valid.")
	}
	if offset < 0 || limit <= 0 {
		return nil, nil
	}
	q, err := t.prepare(s)
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
		switch {
		case q.blocksExact():
			return q.listByBlocks(o, desc, offset, limit)
		case q.onlyTemporary():
			return q.walkOrder(o, orders[o].temporary, temporaryWhere, desc, offset, limit)
		}
		return q.walkOrder(o, orders[o].index, "", desc, offset, limit)
	}
	candidates, err := q.textCandidates()
	if err != nil {
		return nil, err
	}
	size, _, err := q.setSize()
	if err != nil {
		return nil, err
	}
	if o == ordName {
		// Through whichever is smaller: the text's candidates, read in
		// name order from the index, or the users of the set.
		if candidates <= size*q.joinCost() {
			return q.walkIndex(desc, offset, limit)
		}
		return q.walkOrderWithText(o, desc, offset, limit)
	}
	if candidates <= gatherMax {
		return q.gather(o, desc, offset, limit)
	}
	return q.walkOrderWithText(o, desc, offset, limit)
}

// gatherMax is how many candidates of a text are read and sorted by
// another order than names, rather than walking that order (tests change
// it to take both ways).
var gatherMax int64 = 20_000

// joinCost is how many index rows cost what checking one user costs.
func (q *dirQuery) joinCost() int64 {
	if utf8.RuneCountInString(q.text) > 3 {
		return 1 // every candidate is checked anyway
	}
	return 5
}

// textCandidates counts the index's candidates for the text, up to a cap
// past which any path walks far: exact for a text of three characters or
// fewer, an upper bound for a longer one.
func (q *dirQuery) textCandidates() (int64, error) {
	n, _, err := q.t.queryInt64(`SELECT count(*) FROM (SELECT 1 FROM users_grams WHERE users_grams MATCH ? LIMIT ?)`,
		gramMatch(q.text), candidateCap)
	return n, err
}

const candidateCap = 200_000

// textJoin is the SQL that checks the text of the rows of users_grams (g)
// whose fragment needs it: users_search c joined and instr.
func (q *dirQuery) textJoin() (join, where string, args []any) {
	if utf8.RuneCountInString(q.text) <= 3 {
		return "", "", nil
	}
	return ` CROSS JOIN users c INDEXED BY users_search ON c.rank = g.rowid >> 22`, ` AND instr(c.search_text, ?) > 0`, []any{q.text}
}

// listByBlocks finds the position in the order's blocks, then walks from
// the start of the block that holds it.
func (q *dirQuery) listByBlocks(o ord, desc bool, offset, limit int) ([]int64, error) {
	blocks, err := q.t.readBlocks(o)
	if err != nil || len(blocks) == 0 {
		return nil, err
	}
	per := q.blockCounts(o, blocks)
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
	ids, err := q.t.queryIDs(`SELECT id FROM users u INDEXED BY `+def.index+` WHERE (`+def.key+`, id) >= (?, ?) AND `+
		q.member(q.fromColumns("u"))+` ORDER BY `+def.key+`, id LIMIT ? OFFSET ?`, blocks[i].k, blocks[i].id, n, from-before)
	if desc {
		slices.Reverse(ids)
	}
	return ids, err
}

// walkOrder walks an index in an order from its start (for a set that the
// blocks do not count exactly), testing each row.
func (q *dirQuery) walkOrder(o ord, index, where string, desc bool, offset, limit int) ([]int64, error) {
	def := orders[o]
	dir := ""
	if desc {
		dir = " DESC"
	}
	if where != "" {
		where += " AND "
	}
	return q.t.queryIDs(`SELECT id FROM users u INDEXED BY `+index+` WHERE `+where+q.member(q.fromColumns("u"))+
		` ORDER BY `+def.key+dir+`, id`+dir+` LIMIT ? OFFSET ?`, limit, offset)
}

// walkIndex reads the text's matches from the search index, in name order.
func (q *dirQuery) walkIndex(desc bool, offset, limit int) ([]int64, error) {
	join, check, args := q.textJoin()
	dir := ""
	if desc {
		dir = " DESC"
	}
	ranks, err := q.t.queryIDs(`SELECT g.rowid >> 22 FROM users_grams g`+join+` WHERE users_grams MATCH ?`+check+
		` AND `+q.member(q.fromIndex())+` ORDER BY g.rowid`+dir+` LIMIT ? OFFSET ?`,
		append(append([]any{gramMatch(q.text)}, args...), limit, offset)...)
	if err != nil {
		return nil, err
	}
	return q.t.idsOfRanks(ranks)
}

// walkOrderWithText walks an order, testing each row's cell, then the text
// of the users that pass.
func (q *dirQuery) walkOrderWithText(o ord, desc bool, offset, limit int) ([]int64, error) {
	def := orders[o]
	dir := ""
	if desc {
		dir = " DESC"
	}
	return q.t.queryIDs(`SELECT n.id FROM users n INDEXED BY `+def.index+` CROSS JOIN users u ON u.id = n.id
		WHERE `+q.member(q.fromColumns("n"))+` AND instr(u.search_text, ?) > 0
		ORDER BY n.`+def.key+dir+`, n.id`+dir+` LIMIT ? OFFSET ?`, q.text, limit, offset)
}

// gather reads every match of a text from the search index and sorts them
// by another order.
func (q *dirQuery) gather(o ord, desc bool, offset, limit int) ([]int64, error) {
	join, check, args := q.textJoin()
	def := orders[o]
	dir := ""
	if desc {
		dir = " DESC"
	}
	return q.t.queryIDs(`SELECT u.id FROM users_grams g`+join+` CROSS JOIN users u ON u.rank = g.rowid >> 22
		WHERE users_grams MATCH ?`+check+` AND `+q.member(q.fromIndex())+`
		ORDER BY u.`+def.key+dir+`, u.id`+dir+` LIMIT ? OFFSET ?`,
		append(append([]any{gramMatch(q.text)}, args...), limit, offset)...)
}

// CountCells counts the users of the set by cell.
func (t *tx) CountCells(s app.UserSet) (app.CellCounts, error) {
	q, err := t.prepare(s)
	if err != nil {
		return app.CellCounts{}, err
	}
	var n app.CellCounts
	switch {
	case q.text == "":
		n, err = q.countAll()
	default:
		var candidates, size int64
		if candidates, err = q.textCandidates(); err != nil {
			break
		}
		if size, _, err = q.setSize(); err != nil {
			break
		}
		if candidates <= size*q.joinCost() {
			n, err = q.countIndex()
		} else {
			n, err = q.countSetWithText()
		}
	}
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

// countAll counts every user by cell, without a text: the blocks count the
// static cells; the users with a temporary password are counted one by
// one (expiry), the stale ones by the blocks of the idle order, and the
// locked ones are moved to their cells.
func (q *dirQuery) countAll() (app.CellCounts, error) {
	var n app.CellCounts
	blocks, err := q.t.readBlocks(ordName)
	if err != nil {
		return n, err
	}
	var static counts
	for _, b := range blocks {
		for a, k := range b.counts {
			static[a] += k
		}
	}
	temporary := func(a int) bool { return app.Cell(a)&app.CellPasswordBits == app.CellTemporary }
	var stale counts
	if q.stale {
		if stale, err = q.staleByCell(); err != nil {
			return n, err
		}
	}
	for a, k := range static {
		if temporary(a) {
			continue
		}
		n[a|int(app.CellStale)] += int(stale[a])
		n[a] += int(k - stale[a])
	}
	// Users with a temporary password, expired or not, stale or not.
	cells, err := q.t.queryCells(`SELECT group_concat(char(256 + ` + q.cellOf(q.noLocks(q.fromColumns("u"))) + `), '')
		FROM users u INDEXED BY users_temporary_by_name WHERE ` + temporaryWhere)
	if err != nil {
		return n, err
	}
	for _, c := range cells {
		n[c]++
	}
	for _, l := range q.locked {
		n[l.cell&^app.CellLocked]--
		n[l.cell]++
	}
	return n, nil
}

// noLocks leaves the locked bit out of a cell: the locked users are moved
// to their cells after counting.
func (q *dirQuery) noLocks(c cellSQL) cellSQL {
	c.locked = "0"
	return c
}

// staleByCell counts the stale users by static cell: the blocks of the idle
// order before the cut-off, and the users of the block that holds it.
func (q *dirQuery) staleByCell() (counts, error) {
	var out counts
	blocks, err := q.t.readBlocks(ordIdle)
	if err != nil || len(blocks) == 0 {
		return out, err
	}
	i := findBlock(blocks, q.idle, 0)
	for _, b := range blocks[:i] {
		for a, k := range b.counts {
			out[a] += k
		}
	}
	rows, err := q.t.tx.QueryContext(q.t.ctx, `SELECT attrs, count(*) FROM users INDEXED BY users_by_idle
		WHERE (idle_key, id) >= (?, ?) AND idle_key < ? GROUP BY attrs`, blocks[i].k, blocks[i].id, q.idle)
	if err != nil {
		return out, app.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, k int64
		if err := rows.Scan(&a, &k); err != nil {
			return out, app.Internal(err)
		}
		out[a] += k
	}
	if err := rows.Err(); err != nil {
		return out, app.Internal(err)
	}
	return out, nil
}

// countIndex counts the matches of the text, read from the search index,
// by cell.
func (q *dirQuery) countIndex() (app.CellCounts, error) {
	var n app.CellCounts
	join, check, args := q.textJoin()
	cells, err := q.t.queryCells(`SELECT group_concat(char(256 + `+q.cellOf(q.fromIndex())+`), '')
		FROM users_grams g`+join+` WHERE users_grams MATCH ?`+check, append([]any{gramMatch(q.text)}, args...)...)
	for _, c := range cells {
		n[c]++
	}
	return n, err
}

// countSetWithText counts the users of the set whose text matches, walking
// the set in name order.
func (q *dirQuery) countSetWithText() (app.CellCounts, error) {
	var n app.CellCounts
	cells, err := q.t.queryCells(`SELECT group_concat(char(256 + `+q.cellOf(q.fromColumns("n"))+`), '')
		FROM users n INDEXED BY users_by_name CROSS JOIN users u ON u.id = n.id
		WHERE `+q.member(q.fromColumns("n"))+` AND instr(u.search_text, ?) > 0`, q.text)
	for _, c := range cells {
		n[c]++
	}
	return n, err
}

// UsersAfter returns users of the set by ID, after an ID.
func (t *tx) UsersAfter(s app.UserSet, after int64, limit int) ([]app.User, error) {
	if limit <= 0 {
		return nil, nil
	}
	q, err := t.prepare(s)
	if err != nil {
		return nil, err
	}
	ids, err := t.queryIDs(`SELECT u.id FROM users u WHERE u.id > ? AND `+q.member(q.fromColumns("u"))+
		` AND instr(u.search_text, ?) > 0 ORDER BY u.id LIMIT ?`, after, q.text, limit)
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
// the character 256 + cell (group_concat moves many in one value).
func (t *tx) queryCells(query string, args ...any) ([]app.Cell, error) {
	var s sql.NullString
	if err := t.tx.QueryRowContext(t.ctx, query, args...).Scan(&s); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, app.Internal(err)
	}
	out := make([]app.Cell, 0, len(s.String)/2)
	for _, r := range s.String {
		c := app.Cell(r - 256)
		if r < 256 || c >= app.NumCells {
			return nil, app.Internal(fmt.Errorf("data: a cell out of range: %d", r))
		}
		out = append(out, c)
	}
	return out, nil
}

// idsOfRanks turns ranks into ids, in the same order.
func (t *tx) idsOfRanks(ranks []int64) ([]int64, error) {
	if len(ranks) == 0 {
		return nil, nil
	}
	byRank, err := t.pairs(`SELECT rank, id FROM users WHERE rank IN (` + intList(ranks) + `)`)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(ranks))
	for _, r := range ranks {
		if id, ok := byRank[r]; ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (t *tx) pairs(query string) (map[int64]int64, error) {
	rows, err := t.tx.QueryContext(t.ctx, query)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	m := map[int64]int64{}
	for rows.Next() {
		var k, v int64
		if err := rows.Scan(&k, &v); err != nil {
			return nil, app.Internal(err)
		}
		m[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return m, nil
}

// usersByID reads users, in the order of ids.
func (t *tx) usersByID(ids []int64) ([]app.User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	users, _, err := t.queryUsers(`SELECT ` + userCols + ` FROM ` + userJoin + ` WHERE u.id IN (` + intList(ids) + `)`)
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
