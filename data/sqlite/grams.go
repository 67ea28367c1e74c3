package sqlite

import (
	"cmp"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"

	"sesame/app"
)

// Holders of the short texts.
//
// A text of one to three characters is one term of the search index: its
// holders are exactly the index's matches, but there may be most of the
// directory ("m", "ma", "mar"), and counting them by reading them costs a
// pass over that many users. grams_cells keeps, for each term, how many
// users of each static cell hold it, moved by every write of a user that
// adds or drops a term or changes the user's static cell, in the same
// transaction. A short text's count is then its row per cell, with the
// dynamic bits of a cell computed from their own small sources (see
// countShort): the temporary passwords that hold the text split expired
// or not, and the locked users moved.

// grams yields each n-gram of a search text that the index holds: each
// character, pair and trigram of each space-separated part (a term may come
// more than once).
func grams(text string) iter.Seq[[]rune] {
	return func(yield func([]rune) bool) {
		for part := range strings.FieldsSeq(text) {
			r := []rune(part)
			for i := range r {
				for n := 1; n <= 3 && i+n <= len(r); n++ {
					if !yield(r[i : i+n]) {
						return
					}
				}
			}
		}
	}
}

// gramKey is a term held by users of a static cell.
type gramKey struct {
	term  string
	attrs int64
}

// gramDelta is how the holders of terms by cell change.
type gramDelta map[gramKey]int64

// add counts the terms of a search text, each once, for a user of the
// static cell attrs: by +1 or -1.
func (d gramDelta) add(text string, attrs, sign int64) {
	seen := map[string]bool{}
	for g := range grams(text) {
		term := string(g)
		if !seen[term] {
			seen[term] = true
			d[gramKey{term, attrs}] += sign
		}
	}
}

// moveGrams counts a user's terms out of its old cell (unless old is nil,
// for a new user) and into its new one; terms and cells that stay are not
// written. The counts are held back until the transaction reads them or
// commits (flushGrams), so that the terms that the users of a batch share
// ("com", "exa"…) are written once.
func (t *tx) moveGrams(oldText string, oldAttrs *int64, text string, attrs int64) {
	if oldAttrs != nil && *oldAttrs == attrs && oldText == text {
		return
	}
	if t.gramCells == nil {
		t.gramCells = gramDelta{}
	}
	if oldAttrs != nil {
		t.gramCells.add(oldText, *oldAttrs, -1)
	}
	t.gramCells.add(text, attrs, 1)
}

// applyGrams writes a delta.
func (t *tx) applyGrams(d gramDelta) error {
	rows := make([][3]any, 0, len(d))
	for k, n := range d {
		if n != 0 {
			rows = append(rows, [3]any{k.term, k.attrs, n})
		}
	}
	return t.writeGrams(rows)
}

// writeGrams adds to the counts of terms by cell (term, attrs, delta) in
// two statements, whatever the number of terms: the counts move, and those
// that reach zero go.
func (t *tx) writeGrams(rows [][3]any) error {
	if len(rows) == 0 {
		return nil
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return app.Internal(err)
	}
	if _, err := t.exec(`INSERT INTO grams_cells (term, attrs, n) SELECT value ->> 0, value ->> 1, value ->> 2
		FROM json_each(?) WHERE true ON CONFLICT (term, attrs) DO UPDATE SET n = n + excluded.n`, string(b)); err != nil {
		return err
	}
	_, err = t.exec(`DELETE FROM grams_cells WHERE (term, attrs) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?)
		WHERE value ->> 2 < 0) AND n = 0`, string(b))
	return err
}

// recountGrams counts every user's terms by cell, a page of users at a
// time: what rebuildGrams writes and checkGrams compares. Its memory is
// that of the distinct (term, cell) pairs.
func (t *tx) recountGrams() (gramDelta, error) {
	d := gramDelta{}
	for after := int64(0); ; {
		rows, err := t.tx.QueryContext(t.ctx, `SELECT id, search_text, attrs FROM users WHERE id > ? ORDER BY id LIMIT 10000`, after)
		if err != nil {
			return nil, app.Internal(err)
		}
		n := 0
		for rows.Next() {
			var text string
			var attrs int64
			if err := rows.Scan(&after, &text, &attrs); err != nil {
				rows.Close()
				return nil, app.Internal(err)
			}
			d.add(text, attrs, 1)
			n++
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return nil, app.Internal(err)
		}
		rows.Close()
		if n == 0 {
			return d, nil
		}
	}
}

// rebuildGrams counts every user's terms anew: after a bulk load, an
// import, or for a database that had no such table.
func (t *tx) rebuildGrams() error {
	t.gramCells = nil // the recount has them
	d, err := t.recountGrams()
	if err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM grams_cells`); err != nil {
		return err
	}
	// In key order, by chunks, which the table ingests fastest.
	keys := slices.SortedFunc(maps.Keys(d), func(a, b gramKey) int {
		return cmp.Or(cmp.Compare(a.term, b.term), cmp.Compare(a.attrs, b.attrs))
	})
	for chunk := range slices.Chunk(keys, 10000) {
		rows := make([][3]any, len(chunk))
		for i, k := range chunk {
			rows[i] = [3]any{k.term, k.attrs, d[k]}
		}
		if err := t.writeGrams(rows); err != nil {
			return err
		}
	}
	return nil
}

// rebuildCounts counts anew what the directory counts by: the blocks of
// every order and the holders of the terms.
func (t *tx) rebuildCounts() error {
	if err := t.rebuildBlocks(); err != nil {
		return err
	}
	return t.rebuildGrams()
}

// checkGrams verifies grams_cells against a recount of every user.
func (t *tx) checkGrams() error {
	if err := t.flushGrams(); err != nil {
		return err
	}
	want, err := t.recountGrams()
	if err != nil {
		return err
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT term, attrs, n FROM grams_cells`)
	if err != nil {
		return app.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k gramKey
		var n int64
		if err := rows.Scan(&k.term, &k.attrs, &n); err != nil {
			return app.Internal(err)
		}
		if want[k] != n {
			return fmt.Errorf("term %q, cell %d: %d holders counted, %d hold it", k.term, k.attrs, n, want[k])
		}
		delete(want, k)
	}
	if err := rows.Err(); err != nil {
		return app.Internal(err)
	}
	for k, n := range want {
		return fmt.Errorf("term %q, cell %d: not counted, %d hold it", k.term, k.attrs, n)
	}
	return nil
}

// countShortOff, when set (by benchmarks), counts short texts by reading
// their holders, as before grams_cells: the peer of the comparison.
var countShortOff bool

// expiryMax is the most users with a temporary password read on either
// side of the question's time to split a short text's holders expired or
// not; past it, on both sides, the text is counted by reading its holders.
var expiryMax int64 = 50_000

// countShort counts by cell the holders of a text of one to three
// characters: grams_cells by static cell; then the holders that have a
// temporary password (if the set has such cells) split expired or not, by
// reading the temporary passwords on one side of the question's time
// (their own index holds their search text); then the locked users who hold it moved
// to their cells. It reports false, for the caller to read the holders,
// when staleness is asked (IdleBefore set: it comes with no write, and
// there is no small source of it) or the temporary passwords are too many
// on both sides.
func (q *dirQuery) countShort() (app.CellCounts, bool, error) {
	var n app.CellCounts
	if q.stale {
		return n, false, nil
	}
	rows, err := q.t.tx.QueryContext(q.t.ctx, `SELECT attrs, n FROM grams_cells WHERE term = ?`, q.text)
	if err != nil {
		return n, false, app.Internal(err)
	}
	var held counts
	for rows.Next() {
		var a, k int64
		if err := rows.Scan(&a, &k); err != nil {
			rows.Close()
			return n, false, app.Internal(err)
		}
		if a < 0 || a >= app.StaticCells {
			rows.Close()
			return n, false, app.Internal(fmt.Errorf("data: a cell out of range: %d", a))
		}
		held[a] = k
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return n, false, app.Internal(err)
	}
	temporary := func(a int) bool { return app.Cell(a)&app.CellPasswordBits == app.CellTemporary }
	var wantExpiry bool
	for a, k := range held {
		n[a] = int(k)
		if k > 0 && temporary(a) && (q.set.Cells.Has(app.Cell(a)) || q.set.Cells.Has(app.Cell(a)|app.CellExpired)) {
			wantExpiry = true
		}
	}
	if wantExpiry {
		expired, ok, err := q.expiredHolders(held)
		if err != nil || !ok {
			return n, false, err
		}
		for a, k := range expired {
			n[a] -= k
			n[a|int(app.CellExpired)] += k
		}
	}
	for _, l := range q.locked {
		if strings.Contains(l.text, q.text) {
			n[l.cell&^app.CellLocked]--
			n[l.cell]++
		}
	}
	return n, true, nil
}

// expiredHolders counts by static cell the holders of the text whose
// temporary password has expired, given its holders by static cell (held): read among the expired temporary
// passwords, or among the others (then the holders less those): the first
// side, those not expired yet (in use, a few days of resets), unless it
// holds more than expiryMax users; false when neither side holds fewer.
func (q *dirQuery) expiredHolders(held counts) ([app.StaticCells]int, bool, error) {
	var out [app.StaticCells]int
	sides := []struct {
		cond    string
		expired bool
	}{{"expiry_key > :now", false}, {"expiry_key <= :now", true}}
	for _, side := range sides {
		var read int64
		var cells sql.NullString
		err := q.t.tx.QueryRowContext(q.t.ctx, `SELECT count(*), group_concat(CASE WHEN instr(search_text, :text) > 0
			THEN char(256 + attrs) END, '') FROM (SELECT attrs, search_text FROM users INDEXED BY users_temporary_by_expiry
			WHERE expiry_key IS NOT NULL AND `+side.cond+` LIMIT :most)`,
			sql.Named("now", q.now), sql.Named("text", q.text), sql.Named("most", expiryMax+1)).Scan(&read, &cells)
		if err != nil {
			return out, false, app.Internal(err)
		}
		if read > expiryMax {
			continue
		}
		var holders counts
		for _, r := range cells.String {
			a := int(r - 256)
			if a < 0 || a >= app.StaticCells {
				return out, false, app.Internal(fmt.Errorf("data: a cell out of range: %d", a))
			}
			holders[a]++
		}
		if side.expired {
			for a, k := range holders {
				out[a] = int(k)
			}
			return out, true, nil
		}
		// The holders not expired: the others are.
		for a := range out {
			if app.Cell(a)&app.CellPasswordBits == app.CellTemporary {
				out[a] = int(held[a] - holders[a])
			}
		}
		return out, true, nil
	}
	return out, false, nil
}
