package sqlite

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"sesame/app"
)

// Search.
//
// A user matches a query when the folded query (app.FoldForSearch) is a
// substring of the user's search_text (app.SearchText). Two structures make
// this fast at a million users:
//
//   - users.rank, a sparse integer whose order is exactly that of
//     (sort_key, id), kept so by every write (place, relabel);
//   - users_grams, an FTS5 index whose terms are the characters, pairs and
//     trigrams of each part of search_text (see gramDoc) and whose rowid is
//     the rank, shifted left, with the user's static cell and idle day in
//     the low bits (see ftsRowid).
//
// FTS5 yields matches in rowid order, which is name order: a page is the
// first Limit+1 matches from the cursor's rank on, found without reading or
// sorting the other matches, however many there are, and whatever the
// length of the fragment. A fragment of one to three characters is one term
// of the index, matched exactly; a longer one is the AND of its trigrams,
// which a user may hold without holding the fragment, so the search text of
// each candidate is checked as well. The low bits of the rowid tell each
// match's cell (role, mailbox, recovery, disabled, kind of password, and
// whether it is stale) without reading the user: the directory's filters
// are applied inside the index (see directory.go).

const (
	defaultLimit = 50

	// Ranks lie in (0, rankLimit), rankSpacing apart when first given: room
	// for a dozen users inserted at the same place before the neighbourhood
	// must be renumbered, while keeping the gaps between the rowids of the
	// index, which FTS5 stores as varints, short. Users appended in name
	// order (an import of a sorted list) are rankSpacing apart too. The
	// limit leaves ftsRankShift bits of the index's rowid to the cell.
	rankLimit   int64 = 1 << (63 - ftsRankShift)
	rankSpacing int64 = 1 << 12

	// minGap is the smallest spacing that a renumbering leaves between ranks.
	minGap int64 = 1 << 6
)

// The rowid of a user in users_grams: rank << ftsRankShift | static cell <<
// ftsCellShift | idle day. The idle day (days since 1970, UTC, clamped to
// 16 bits) tells whether the user is stale for any cut-off but one on the
// same day, which is checked on the row.
const (
	ftsRankShift = 22
	ftsCellShift = 16
	ftsDayMask   = 1<<ftsCellShift - 1
	dayNanos     = int64(24 * time.Hour)
)

// idleDay is the idle day of the index's rowid: it grows with the idle
// time (SQL: the same expression, in ftsRowidSQL).
func idleDay(idle int64) int64 { return max(0, min(ftsDayMask, idle/dayNanos)) }

// ftsRowid is a user's rowid in users_grams.
func ftsRowid(rank, attrs, idle int64) int64 {
	return rank<<ftsRankShift | attrs<<ftsCellShift | idleDay(idle)
}

// ftsRowidSQL is ftsRowid of the columns of users.
const ftsRowidSQL = `((rank << 22) | (attrs << 16) | max(0, min(65535, idle_key / 86400000000000)))`

// everyone is a term of every document of the index, which no n-gram is
// (hex has no "l"): the users who do not match a fragment are "everyone NOT
// fragment".
const everyone = "all"

// gramDoc returns the document indexed for a search text: everyone, and
// each character, pair of characters and trigram of each of its
// space-separated parts, written as the hex of its UTF-8 bytes, separated
// by spaces ("abc" gives "all 61 6162 616263 62 6263 63"). Hex keeps every
// term a plain word for FTS5's ascii tokenizer, whatever the text holds;
// UTF-8 being self-synchronizing, a term names one n-gram only. The index
// keeps no positions (detail=none) and each term once per user.
func gramDoc(text string) string {
	var b strings.Builder
	b.Grow(len(text) * 20)
	b.WriteString(everyone)
	for g := range grams(text) {
		b.WriteByte(' ')
		writeHex(&b, g)
	}
	return b.String()
}

func writeHex(b *strings.Builder, runes []rune) {
	const digits = "0123456789abcdef"
	var buf [utf8.UTFMax]byte
	for _, c := range runes {
		n := utf8.EncodeRune(buf[:], c)
		for _, x := range buf[:n] {
			b.WriteByte(digits[x>>4])
			b.WriteByte(digits[x&15])
		}
	}
}

// gramMatch is the FTS5 query for a fragment: its only term if it has three
// characters or fewer, else the AND of its distinct trigrams. User input
// never reaches FTS5's query syntax: the query is made of hex words only.
func gramMatch(frag string) string {
	r := []rune(frag)
	if len(r) <= 3 {
		var b strings.Builder
		writeHex(&b, r)
		return b.String()
	}
	terms := make([]string, 0, len(r)-2)
	for i := 0; i+3 <= len(r); i++ {
		var b strings.Builder
		writeHex(&b, r[i:i+3])
		terms = append(terms, b.String())
	}
	slices.Sort(terms)
	return strings.Join(slices.Compact(terms), " AND ")
}

// SearchUsers returns one page of the users whose search text contains the
// folded query, in name order.
func (t *tx) SearchUsers(q app.UserQuery) (app.UserPage, error) {
	if err := t.flushGrams(); err != nil {
		return app.UserPage{}, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	from, ok, err := t.rankAfter(q.After)
	if err != nil || !ok {
		return app.UserPage{}, err
	}
	var users []app.User
	var keys []string
	if text := app.SearchFragment(q.Text); text == "" {
		users, keys, err = t.queryUsers(`SELECT `+userCols+` FROM `+userJoin+`
			WHERE u.rank >= ? ORDER BY u.rank LIMIT ?`, from, limit+1)
	} else {
		// CROSS JOIN keeps the search index as the outer loop, in rowid
		// order, so that the query stops after limit+1 matches. Candidates
		// are checked against users_search, which holds their search text,
		// and only the matches are read from the table.
		users, keys, err = t.queryUsers(`SELECT `+userCols+` FROM (
				SELECT g.rowid >> 22 AS rank FROM users_grams g CROSS JOIN users c INDEXED BY users_search ON c.rank = g.rowid >> 22
				WHERE users_grams MATCH ? AND g.rowid >= ? AND instr(c.search_text, ?) > 0
				ORDER BY g.rowid LIMIT ?
			) AS m CROSS JOIN users u ON u.rank = m.rank LEFT JOIN throttle t ON t.key = u.email_key
			ORDER BY m.rank`, gramMatch(text), from<<ftsRankShift, text, limit+1)
	}
	if err != nil {
		return app.UserPage{}, err
	}
	return app.PageOf(users, keys, limit), nil
}

// rankAfter returns the rank of the first user after the cursor; ok is false
// when there is none.
func (t *tx) rankAfter(c app.Cursor) (rank int64, ok bool, err error) {
	if c == (app.Cursor{}) {
		return 1, true, nil
	}
	return t.queryInt64(`SELECT rank FROM users WHERE (sort_key, id) > (?, ?) ORDER BY sort_key, id LIMIT 1`, c.SortKey, c.ID)
}

// CountMatching counts the users whose search text contains the folded
// fragment, stopping at atMost: a count of a million costs what reading a
// million index entries costs, so the window asks for at most what it shows.
func (t *tx) CountMatching(text string, atMost int) (int, error) {
	if atMost <= 0 {
		return 0, nil
	}
	if err := t.flushGrams(); err != nil {
		return 0, err
	}
	text = app.SearchFragment(text)
	var (
		n   int64
		err error
	)
	switch {
	case text == "":
		n, _, err = t.queryInt64(`SELECT count(*) FROM (SELECT 1 FROM users LIMIT ?)`, atMost)
	case utf8.RuneCountInString(text) <= 3: // one term: the index alone is exact
		n, _, err = t.queryInt64(`SELECT count(*) FROM (SELECT 1 FROM users_grams
			WHERE users_grams MATCH ? LIMIT ?)`, gramMatch(text), atMost)
	default:
		n, _, err = t.queryInt64(`SELECT count(*) FROM (SELECT 1 FROM users_grams g
			CROSS JOIN users c INDEXED BY users_search ON c.rank = g.rowid >> 22
			WHERE users_grams MATCH ? AND instr(c.search_text, ?) > 0 LIMIT ?)`, gramMatch(text), text, atMost)
	}
	return int(n), err
}

// Keeping the index and the ranks.

// The index's changes wait until the transaction commits or searches
// (flushGrams), and so do the audit log's (audit_grams). FTS5 writes what
// it holds in memory as a new segment, and merges segments, whenever a
// statement that may need undoing starts: one user written at a time, an
// import of 10,000 into a million would make 10,000 segments and merge
// them again and again, the whole index among them (seconds each time).
// Held back, a transaction makes one segment, provided that its rows come
// in rowid order: FTS5 also writes a segment whenever a row's rowid is below
// the last one's (a reset of 10,000 users of a million, in the order of
// their IDs: 92 µs a user in rowid order, 655 µs in the users' order).

// gramWrite is what a transaction did to the index's row at one rowid.
type gramWrite struct {
	existed bool   // its first change removed a row that was there: delete it
	present bool   // a row is there at the end, with doc
	doc     string // in gramDoc's form
}

// gram returns the change of rowid, first is true when it is new.
func (t *tx) gram(rowid int64) (w *gramWrite, first bool) {
	if w = t.grams[rowid]; w != nil {
		return w, false
	}
	if t.grams == nil {
		t.grams = map[int64]*gramWrite{}
	}
	w = &gramWrite{}
	t.grams[rowid], t.gramOrder = w, append(t.gramOrder, rowid)
	return w, true
}

// indexUser adds a user's search text to the index at its rowid (ftsRowid).
func (t *tx) indexUser(rowid int64, text string) error {
	w, _ := t.gram(rowid)
	w.present, w.doc = true, gramDoc(text)
	return nil
}

func (t *tx) unindexUser(rowid int64) error {
	w, first := t.gram(rowid)
	if first {
		w.existed = true
	}
	w.present, w.doc = false, ""
	return nil
}

// flushGrams writes the index's changes held back: the rows removed first,
// then those added, each in rowid order and each rowid's net change once;
// then the audit log's.
func (t *tx) flushGrams() error {
	for _, g := range t.auditGrams {
		if _, err := t.exec(`INSERT INTO audit_grams (rowid, doc) VALUES (?, ?)`, g.id, g.doc); err != nil {
			return err
		}
	}
	t.auditGrams = nil
	if len(t.gramCells) > 0 {
		if err := t.applyGrams(t.gramCells); err != nil {
			return err
		}
		t.gramCells = nil
	}
	if len(t.gramOrder) == 0 {
		return nil
	}
	slices.Sort(t.gramOrder)
	for _, id := range t.gramOrder {
		if t.grams[id].existed {
			if _, err := t.exec(`DELETE FROM users_grams WHERE rowid = ?`, id); err != nil {
				return err
			}
		}
	}
	for _, id := range t.gramOrder {
		if w := t.grams[id]; w.present {
			if _, err := t.exec(`INSERT INTO users_grams (rowid, doc) VALUES (?, ?)`, id, w.doc); err != nil {
				return err
			}
		}
	}
	t.grams, t.gramOrder = nil, nil
	return nil
}

// place returns a free rank for a user at (sortKey, id) in name order,
// between the ranks of its neighbours, renumbering the neighbourhood when
// they leave no room. The user must not hold a positive rank meanwhile.
func (t *tx) place(sortKey string, id int64) (int64, error) {
	lo, _, err := t.queryInt64(`SELECT rank FROM users WHERE (sort_key, id) < (?, ?) AND rank > 0
		ORDER BY sort_key DESC, id DESC LIMIT 1`, sortKey, id)
	if err != nil {
		return 0, err
	}
	hi, ok, err := t.queryInt64(`SELECT rank FROM users WHERE (sort_key, id) > (?, ?) AND rank > 0
		ORDER BY sort_key, id LIMIT 1`, sortKey, id)
	if err != nil {
		return 0, err
	}
	if !ok {
		hi = rankLimit
	}
	switch {
	case hi-lo < 2:
		return t.relabel(sortKey, id)
	case hi == rankLimit:
		return lo + min(rankSpacing, (hi-lo)/2), nil
	case lo == 0:
		return hi - min(rankSpacing, (hi-lo)/2), nil
	}
	return lo + (hi-lo)/2, nil
}

// member is a user renumbered by relabel.
type member struct {
	id, rank, attrs, idle int64
	text                  string
}

// neighbours returns up to n users just before (or after) (sortKey, id) in
// name order, nearest first.
func (t *tx) neighbours(sortKey string, id int64, before bool, n int) ([]member, error) {
	query := `SELECT id, rank, attrs, idle_key, search_text FROM users WHERE (sort_key, id) > (?, ?) AND rank > 0
		ORDER BY sort_key, id LIMIT ?`
	if before {
		query = `SELECT id, rank, attrs, idle_key, search_text FROM users WHERE (sort_key, id) < (?, ?) AND rank > 0
			ORDER BY sort_key DESC, id DESC LIMIT ?`
	}
	rows, err := t.tx.QueryContext(t.ctx, query, sortKey, id, n)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	var ms []member
	for rows.Next() {
		var m member
		if err := rows.Scan(&m.id, &m.rank, &m.attrs, &m.idle, &m.text); err != nil {
			return nil, app.Internal(err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return ms, nil
}

// relabel spreads evenly the ranks of a window of users around (sortKey,
// id), the window doubling until its room leaves at least minGap between
// users (or it spans every user), and returns the rank of the newcomer.
func (t *tx) relabel(sortKey string, id int64) (int64, error) {
	for m := 8; ; m *= 2 {
		before, err := t.neighbours(sortKey, id, true, m+1)
		if err != nil {
			return 0, err
		}
		after, err := t.neighbours(sortKey, id, false, m+1)
		if err != nil {
			return 0, err
		}
		lo, hi := int64(0), rankLimit
		if len(before) > m {
			lo, before = before[m].rank, before[:m]
		}
		if len(after) > m {
			hi, after = after[m].rank, after[:m]
		}
		count := int64(len(before) + len(after) + 1)
		gap := min((hi-lo)/(count+1), rankSpacing)
		whole := lo == 0 && hi == rankLimit
		if gap < minGap && !whole {
			continue
		}
		if gap < 1 {
			return 0, app.Internal(errors.New("data: no rank left"))
		}
		slices.Reverse(before)
		window := slices.Concat(before, []member{{id: id}}, after)
		// Free the old ranks first: the new ones may reuse them.
		for _, w := range window {
			if w.id == id {
				continue
			}
			if _, err := t.exec(`UPDATE users SET rank = -id WHERE id = ?`, w.id); err != nil {
				return 0, err
			}
			if err := t.unindexUser(ftsRowid(w.rank, w.attrs, w.idle)); err != nil {
				return 0, err
			}
		}
		var mine int64
		for i, w := range window {
			rank := lo + gap*int64(i+1)
			if w.id == id {
				mine = rank
				continue
			}
			if _, err := t.exec(`UPDATE users SET rank = ? WHERE id = ?`, rank, w.id); err != nil {
				return 0, err
			}
			if err := t.indexUser(ftsRowid(rank, w.attrs, w.idle), w.text); err != nil {
				return 0, err
			}
		}
		return mine, nil
	}
}

// restoreUsers computes anew, for every user, the forms that sorting and
// search compare (sort_key, search_text) and the directory's columns
// (stored), a page of users at a time.
func restoreUsers(t *tx) error {
	for after := int64(0); ; {
		users, _, err := t.queryUsers(`SELECT `+userCols+` FROM `+userJoin+` WHERE u.id > ? ORDER BY u.id LIMIT 10000`, after)
		if err != nil || len(users) == 0 {
			return err
		}
		for _, u := range users {
			args := append([]any{app.SortKey(&u), app.SearchText(&u)}, storedOf(&u).args()...)
			if _, err := t.exec(`UPDATE users SET sort_key = ?, search_text = ?, attrs = ?, signin_key = ?,
				changed_key = ?, created_key = ?, idle_key = ?, expiry_key = ? WHERE id = ?`, append(args, u.ID)...); err != nil {
				return err
			}
		}
		after = users[len(users)-1].ID
	}
}

// relabelAll gives every user an evenly spaced rank, in name order, and
// rebuilds the search index: what a bulk load does once at its end rather
// than placing each user. Users not yet ranked hold rank -id.
func (t *tx) relabelAll() error {
	if err := t.flushGrams(); err != nil {
		return err
	}
	n, _, err := t.queryInt64(`SELECT count(*) FROM users`)
	if err != nil {
		return err
	}
	for _, s := range []struct {
		query string
		args  []any
	}{
		{`UPDATE users SET rank = -id WHERE rank > 0`, nil},
		// Through a table keyed by id, so that users are rewritten in the
		// order in which they are stored.
		{`CREATE TEMP TABLE ranked (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`, nil},
		{`INSERT INTO ranked SELECT id, row_number() OVER (ORDER BY sort_key, id) FROM users`, nil},
		{`UPDATE users SET rank = (SELECT n FROM ranked WHERE ranked.id = users.id) * ?`, []any{min(rankLimit/(n+1), rankSpacing)}},
		{`DROP TABLE temp.ranked`, nil},
		{`INSERT INTO users_grams (users_grams) VALUES ('delete-all')`, nil},
		// In rank order, which FTS5 ingests fastest.
		{`INSERT INTO users_grams (rowid, doc) SELECT ` + ftsRowidSQL + `, sesame_grams(search_text) FROM users ORDER BY rank`, nil},
		{`INSERT INTO users_grams (users_grams) VALUES ('optimize')`, nil},
	} {
		if _, err := t.exec(s.query, s.args...); err != nil {
			return err
		}
	}
	return nil
}

// CheckIndex verifies what search and the directory rely on (a
// consistency check for tests and repairs): every user has a positive rank,
// ranks follow (sort_key, id), the search index holds one row per user, at
// its rowid, the blocks of every order count the users they hold, and
// grams_cells counts the holders of every term by cell.
func (db *DB) CheckIndex(ctx context.Context) error {
	return db.readTx(ctx, func(t *tx) error {
		checks := []struct{ name, query string }{
			{"unranked users", `SELECT count(*) FROM users WHERE rank <= 0`},
			{"ranks out of name order", `SELECT count(*) FROM (
				SELECT rank, lag(rank) OVER (ORDER BY sort_key, id) AS prev FROM users) WHERE prev >= rank`},
			{"index rows without a user", `SELECT count(*) FROM users_grams g WHERE NOT EXISTS (
				SELECT 1 FROM users u WHERE ` + ftsRowidSQL + ` = g.rowid)`},
			{"users missing from the index", `SELECT (SELECT count(*) FROM users) - (SELECT count(*) FROM users_grams)`},
		}
		for _, c := range checks {
			n, _, err := t.queryInt64(c.query)
			if err != nil {
				return err
			}
			if n != 0 {
				return fmt.Errorf("%s: %d", c.name, n)
			}
		}
		if err := t.checkBlocks(); err != nil {
			return err
		}
		return t.checkGrams()
	})
}
