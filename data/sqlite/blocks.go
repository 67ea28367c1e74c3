package sqlite

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"sesame/app"
)

// Orders and their blocks: see directory.go for the design.

// ord is an order of the users: the key columns of app.SortColumn (in the
// same numbering) and the idle order, which finds stale users.
type ord int

const (
	ordName ord = iota
	ordLogin
	ordSignIn
	ordChanged
	ordCreated
	ordIdle
	numOrds
)

// orderDef says how an order is stored: its key column, the index in that
// order, and the index in that order of the users with a temporary
// password ("" when none).
type orderDef struct {
	key, index, temporary string
	text                  bool // the key is TEXT, else INTEGER
}

var orders = [numOrds]orderDef{
	ordName:    {"sort_key", "users_by_name", "users_temporary_by_name", true},
	ordLogin:   {"email_key", "users_by_login", "users_temporary_by_login", true},
	ordSignIn:  {"signin_key", "users_by_signin", "users_temporary_by_signin", false},
	ordChanged: {"changed_key", "users_by_changed", "users_temporary_by_changed", false},
	ordCreated: {"created_key", "users_by_created", "users_temporary_by_created", false},
	ordIdle:    {"idle_key", "users_by_idle", "", false},
}

// temporaryWhere is the condition of the partial indexes of temporary
// passwords, which a query repeats to use them.
const temporaryWhere = `n.expiry_key IS NOT NULL`

// stored are the columns that the directory keeps beside a user's fields,
// computed by the rules of app when the user is written, so that indexes
// answer without reading rows.
type stored struct {
	attrs, signin, changed, created, idle int64
	expiry                                sql.NullInt64
}

// storedCols are the columns of stored, in the order of storedOf's args.
const storedCols = `attrs, signin_key, changed_key, created_key, idle_key, expiry_key`

// timeKey is a time as the orders sort it (app.TimeOrderKey).
func timeKey(t time.Time) int64 { return app.TimeOrderKey(t) }

func storedOf(u *app.User) stored {
	s := stored{attrs: int64(u.StaticCell()), signin: timeKey(u.LastSignInAt), changed: timeKey(u.PasswordChangedAt),
		created: timeKey(u.CreatedAt), idle: timeKey(u.IdleSince())}
	if app.Cell(s.attrs)&app.CellPasswordBits == app.CellTemporary {
		s.expiry = sql.NullInt64{Int64: timeKey(u.TemporaryExpiresAt), Valid: true}
	}
	return s
}

func (s stored) args() []any {
	return []any{s.attrs, s.signin, s.changed, s.created, s.idle, s.expiry}
}

// least is a key below every user's in the order: the start of its first
// block.
func (o ord) least() any {
	if orders[o].text {
		return ""
	}
	return int64(math.MinInt64)
}

// blockSize is the size of a block after a split; a block is split when
// it holds more than twice as many users, and merged into the previous one
// when it holds fewer than a quarter. A page at a position reads the blocks
// of its order (a million users: 250 to 500) and walks at most one block's
// users. Tests make it small.
var blockSize int64 = 4096

// counts are the users of a block by static cell.
type counts [app.StaticCells]int64

func (c *counts) total() int64 {
	var n int64
	for _, k := range c {
		n += k
	}
	return n
}

func (c *counts) encode() []byte {
	b := make([]byte, 4*len(c))
	for i, k := range c {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(k))
	}
	return b
}

func decodeCounts(b []byte) (counts, error) {
	var c counts
	if len(b) != 4*len(c) {
		return c, errors.New("data: a block of users is damaged")
	}
	for i := range c {
		c[i] = int64(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return c, nil
}

// block is a run of consecutive users of an order, from the user whose key
// is (k, id) on, up to the next block.
type block struct {
	k      any // string or int64, as the order's key
	id     int64
	counts counts
}

// compareKeys compares two keys of one order as SQLite does: integers by
// value, text by bytes (the BINARY collation), then the ids.
func compareKeys(ak any, aid int64, bk any, bid int64) int {
	var c int
	switch a := ak.(type) {
	case string:
		c = strings.Compare(a, bk.(string))
	case int64:
		c = cmpInt(a, bk.(int64))
	}
	if c != 0 {
		return c
	}
	return cmpInt(aid, bid)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// keyArg scans an order's key.
type keyArg struct{ v *any }

func (k keyArg) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*k.v = v
	case string:
		*k.v = v
	case []byte:
		*k.v = string(v)
	default:
		return fmt.Errorf("data: an order key of type %T", src)
	}
	return nil
}

// readBlocks returns the blocks of an order, in order.
func (t *tx) readBlocks(o ord) ([]block, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT k, id, counts FROM user_blocks WHERE ord = ? ORDER BY k, id`, o)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	var out []block
	for rows.Next() {
		var b block
		var raw []byte
		if err := rows.Scan(keyArg{&b.k}, &b.id, &raw); err != nil {
			return nil, app.Internal(err)
		}
		if b.counts, err = decodeCounts(raw); err != nil {
			return nil, app.Internal(err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return out, nil
}

// findBlock returns the index of the block that holds the key (k, id).
func findBlock(blocks []block, k any, id int64) int {
	n, _ := blocksUpTo(blocks, k, id, false)
	return max(n-1, 0)
}

// blocksUpTo returns how many blocks start at or before (k, id), or with
// before, strictly before it; and whether one starts right at it.
func blocksUpTo(blocks []block, k any, id int64, before bool) (int, bool) {
	i, found := slices.BinarySearchFunc(blocks, block{k: k, id: id}, func(b, key block) int {
		return compareKeys(b.k, b.id, key.k, key.id)
	})
	if found && !before {
		i++
	}
	return i, found
}

// userKeys are what a user's place in the orders depends on, as stored.
type userKeys struct {
	keys  [numOrds]any
	attrs int64
}

// ftsRowid is the user's rowid in the search index at a rank.
func (k *userKeys) ftsRowid(rank int64) int64 {
	return ftsRowid(rank, k.attrs, k.keys[ordIdle].(int64))
}

// keyCols are the columns of userKeys, in the order of its args.
const keyCols = `sort_key, email_key, signin_key, changed_key, created_key, idle_key, attrs`

// args are where a row's keyCols are scanned to.
func (k *userKeys) args() []any {
	return []any{keyArg{&k.keys[ordName]}, keyArg{&k.keys[ordLogin]}, keyArg{&k.keys[ordSignIn]},
		keyArg{&k.keys[ordChanged]}, keyArg{&k.keys[ordCreated]}, keyArg{&k.keys[ordIdle]}, &k.attrs}
}

// keysOf are the keys of a user written with these sort key, login key and
// stored columns: what reading them back would give.
func keysOf(sortKey, emailKey string, s stored) userKeys {
	return userKeys{keys: [numOrds]any{ordName: sortKey, ordLogin: emailKey, ordSignIn: s.signin, ordChanged: s.changed,
		ordCreated: s.created, ordIdle: s.idle}, attrs: s.attrs}
}

// moveInBlocks keeps the blocks right after a user's keys changed from
// before to after (a missing side: the user was added, or removed).
func (t *tx) moveInBlocks(id int64, before, after *userKeys) error {
	for o := range numOrds {
		if before != nil && after != nil && before.keys[o] == after.keys[o] {
			if before.attrs == after.attrs {
				continue
			}
			// Same place, another cell: one write, the block's size stays.
			if _, err := t.blockCount(o, after.keys[o], id, cellDelta{before.attrs, -1}, cellDelta{after.attrs, 1}); err != nil {
				return err
			}
			continue
		}
		if before != nil {
			if err := t.blockAdd(o, before.keys[o], id, before.attrs, -1); err != nil {
				return err
			}
		}
		if after != nil {
			if err := t.blockAdd(o, after.keys[o], id, after.attrs, 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// blockCache holds the blocks of an order once a transaction has looked up
// more than blockCacheAfter keys in it (a bulk action's batch): one read of
// its few hundred blocks costs less than a query a user. putBlock and
// deleteBlock keep it as the table is.
type blockCache struct {
	lookups [numOrds]int
	loaded  [numOrds]bool
	blocks  [numOrds][]block
}

const blockCacheAfter = 16

// forget drops what the cache holds, when the table is rewritten.
func (c *blockCache) forget() { *c = blockCache{} }

// blockAt returns the block of order o that holds the key (k, id), or with
// before, the block just before the one that starts at (k, id).
func (t *tx) blockAt(o ord, k any, id int64, before bool) (b block, ok bool, err error) {
	c := &t.blocks
	if !c.loaded[o] {
		if c.lookups[o]++; c.lookups[o] > blockCacheAfter {
			if c.blocks[o], err = t.readBlocks(o); err != nil {
				return b, false, err
			}
			c.loaded[o] = true
		}
	}
	if c.loaded[o] {
		if i, _ := blocksUpTo(c.blocks[o], k, id, before); i > 0 {
			return c.blocks[o][i-1], true, nil
		}
		return b, false, nil
	}
	return t.queryBlockAt(o, k, id, before)
}

// queryBlockAt is blockAt, read from the table.
func (t *tx) queryBlockAt(o ord, k any, id int64, before bool) (b block, ok bool, err error) {
	op := "<="
	if before {
		op = "<"
	}
	var raw []byte
	err = t.tx.QueryRowContext(t.ctx, `SELECT k, id, counts FROM user_blocks WHERE ord = ? AND (k, id) `+op+` (?, ?)
		ORDER BY k DESC, id DESC LIMIT 1`, o, k, id).Scan(keyArg{&b.k}, &b.id, &raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return b, false, nil
	case err != nil:
		return b, false, app.Internal(err)
	}
	if b.counts, err = decodeCounts(raw); err != nil {
		return b, false, app.Internal(err)
	}
	return b, true, nil
}

func (t *tx) putBlock(o ord, b block) error {
	if _, err := t.exec(`INSERT INTO user_blocks (ord, k, id, counts) VALUES (?, ?, ?, ?)
		ON CONFLICT (ord, k, id) DO UPDATE SET counts = excluded.counts`, o, b.k, b.id, b.counts.encode()); err != nil {
		return err
	}
	if c := &t.blocks; c.loaded[o] {
		if i, found := blocksUpTo(c.blocks[o], b.k, b.id, true); found {
			c.blocks[o][i] = b
		} else {
			c.blocks[o] = slices.Insert(c.blocks[o], i, b)
		}
	}
	return nil
}

func (t *tx) deleteBlock(o ord, b block) error {
	if _, err := t.exec(`DELETE FROM user_blocks WHERE ord = ? AND k = ? AND id = ?`, o, b.k, b.id); err != nil {
		return err
	}
	if c := &t.blocks; c.loaded[o] {
		if i, found := blocksUpTo(c.blocks[o], b.k, b.id, true); found {
			c.blocks[o] = slices.Delete(c.blocks[o], i, i+1)
		}
	}
	return nil
}

// blockAdd counts delta users of static cell attrs at the key (k, id) of
// order o, then splits or merges the block as its size asks.
func (t *tx) blockAdd(o ord, k any, id, attrs int64, delta int64) error {
	b, err := t.blockCount(o, k, id, cellDelta{attrs, delta})
	if err != nil {
		return err
	}
	switch n := b.counts.total(); {
	case n > 2*blockSize:
		return t.splitBlock(o, b)
	case n < blockSize/4 && b.id != 0: // the first block (id 0) stays
		return t.mergeBlock(o, b)
	}
	return nil
}

// cellDelta is a change of the count of users of a static cell.
type cellDelta struct{ attrs, delta int64 }

// blockCount applies the deltas to the counts of the block of order o that
// holds the key (k, id), writes it and returns it. A user who moves from
// one cell to another at the same key leaves the block's size as it was.
func (t *tx) blockCount(o ord, k any, id int64, deltas ...cellDelta) (block, error) {
	b, ok, err := t.blockAt(o, k, id, false)
	if err != nil {
		return b, err
	}
	if !ok {
		b = block{k: o.least(), id: 0}
	}
	for _, d := range deltas {
		if b.counts[d.attrs] += d.delta; b.counts[d.attrs] < 0 {
			return b, app.Internal(fmt.Errorf("data: block counts of order %d below zero", o))
		}
	}
	return b, t.putBlock(o, b)
}

// splitBlock cuts a block in two halves at its middle user.
func (t *tx) splitBlock(o ord, b block) error {
	def := orders[o]
	var (
		mk  any
		mid int64
	)
	err := t.tx.QueryRowContext(t.ctx, `SELECT `+def.key+`, id FROM users INDEXED BY `+def.index+`
		WHERE (`+def.key+`, id) >= (?, ?) ORDER BY `+def.key+`, id LIMIT 1 OFFSET ?`, b.k, b.id, b.counts.total()/2).
		Scan(keyArg{&mk}, &mid)
	if err != nil {
		return app.Internal(err)
	}
	// The second half ends where the next block starts.
	bound, args := "", []any{mk, mid}
	var next block
	err = t.tx.QueryRowContext(t.ctx, `SELECT k, id FROM user_blocks WHERE ord = ? AND (k, id) > (?, ?)
		ORDER BY k, id LIMIT 1`, o, b.k, b.id).Scan(keyArg{&next.k}, &next.id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return app.Internal(err)
	default:
		bound, args = ` AND (`+def.key+`, id) < (?, ?)`, append(args, next.k, next.id)
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT attrs, count(*) FROM users INDEXED BY `+def.index+`
		WHERE (`+def.key+`, id) >= (?, ?)`+bound+` GROUP BY attrs`, args...)
	if err != nil {
		return app.Internal(err)
	}
	defer rows.Close()
	second := block{k: mk, id: mid}
	for rows.Next() {
		var a, n int64
		if err := rows.Scan(&a, &n); err != nil {
			return app.Internal(err)
		}
		if a < 0 || a >= app.StaticCells || n > b.counts[a] {
			return app.Internal(fmt.Errorf("data: block counts of order %d out of step with the users", o))
		}
		second.counts[a] = n
		b.counts[a] -= n
	}
	if err := rows.Err(); err != nil {
		return app.Internal(err)
	}
	if err := t.putBlock(o, b); err != nil {
		return err
	}
	return t.putBlock(o, second)
}

// mergeBlock adds a small block to the one before it.
func (t *tx) mergeBlock(o ord, b block) error {
	prev, ok, err := t.blockAt(o, b.k, b.id, true)
	if err != nil || !ok {
		return err
	}
	for i, n := range b.counts {
		prev.counts[i] += n
	}
	if err := t.deleteBlock(o, b); err != nil {
		return err
	}
	if err := t.putBlock(o, prev); err != nil {
		return err
	}
	if prev.counts.total() > 2*blockSize {
		return t.splitBlock(o, prev)
	}
	return nil
}

// rebuildBlocks makes the blocks of every order anew from the users: what
// a bulk load and a migration do once, rather than user by user.
func (t *tx) rebuildBlocks() error {
	if _, err := t.exec(`DELETE FROM user_blocks`); err != nil {
		return err
	}
	t.blocks.forget()
	for o := range numOrds {
		def := orders[o]
		starts := map[int64]block{}
		rows, err := t.tx.QueryContext(t.ctx, `SELECT n / ?1, `+def.key+`, id FROM (
			SELECT `+def.key+`, id, row_number() OVER (ORDER BY `+def.key+`, id) - 1 AS n FROM users INDEXED BY `+def.index+`
		) WHERE n % ?1 = 0`, blockSize)
		if err != nil {
			return app.Internal(err)
		}
		for rows.Next() {
			var i int64
			var b block
			if err := rows.Scan(&i, keyArg{&b.k}, &b.id); err != nil {
				rows.Close()
				return app.Internal(err)
			}
			if i == 0 {
				b.k, b.id = o.least(), 0
			}
			starts[i] = b
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return app.Internal(err)
		}
		rows, err = t.tx.QueryContext(t.ctx, `SELECT n / ?, attrs, count(*) FROM (
			SELECT attrs, row_number() OVER (ORDER BY `+def.key+`, id) - 1 AS n FROM users INDEXED BY `+def.index+`
		) GROUP BY 1, 2`, blockSize)
		if err != nil {
			return app.Internal(err)
		}
		for rows.Next() {
			var i, a, n int64
			if err := rows.Scan(&i, &a, &n); err != nil {
				rows.Close()
				return app.Internal(err)
			}
			b := starts[i]
			b.counts[a] = n
			starts[i] = b
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return app.Internal(err)
		}
		for _, b := range starts {
			if err := t.putBlock(o, b); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkBlocks verifies that the blocks of every order count the users they
// hold, and that the first block starts below every user.
func (t *tx) checkBlocks() error {
	for o := range numOrds {
		blocks, err := t.readBlocks(o)
		if err != nil {
			return err
		}
		if len(blocks) == 0 {
			if some, _, err := t.queryInt64(`SELECT EXISTS (SELECT 1 FROM users)`); err != nil || some != 0 {
				return fmt.Errorf("order %d: no blocks, and users (%v)", o, err)
			}
			continue
		}
		if blocks[0].k != o.least() || blocks[0].id != 0 {
			return fmt.Errorf("order %d: the first block starts at %v, %d", o, blocks[0].k, blocks[0].id)
		}
		def := orders[o]
		for i, b := range blocks {
			query, args := `SELECT attrs, count(*) FROM users WHERE (`+def.key+`, id) >= (?, ?)`, []any{b.k, b.id}
			if i+1 < len(blocks) {
				query += ` AND (` + def.key + `, id) < (?, ?)`
				args = append(args, blocks[i+1].k, blocks[i+1].id)
			}
			rows, err := t.tx.QueryContext(t.ctx, query+` GROUP BY attrs`, args...)
			if err != nil {
				return err
			}
			var got counts
			for rows.Next() {
				var a, n int64
				if err := rows.Scan(&a, &n); err != nil {
					rows.Close()
					return err
				}
				got[a] = n
			}
			rows.Close()
			if got != b.counts {
				return fmt.Errorf("order %d, block %d (%v, %d): counts %v, users %v", o, i, b.k, b.id, b.counts, got)
			}
			if b.counts.total() > 2*blockSize {
				return fmt.Errorf("order %d, block %d: %d users", o, i, b.counts.total())
			}
		}
	}
	return nil
}
