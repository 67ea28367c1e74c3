package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"sesame/app"
)

// Search.
//
// A user matches a query when app.SearchFragment(query) is a substring of
// app.SearchText(user), which Go computes and the users table keeps
// (search_text), so that the folding is SQLite's to the byte. Name order is
// sort_key (bytea: compared byte by byte, as SQLite compares text), then id.
//
// Three structures make a search fast at a million users:
//
//   - users_by_name, on (sort_key, id) with search_text included: read in
//     name order without touching the table;
//   - users_grams, a GIN index of sesame_grams(search_text): every distinct
//     1-, 2- and 3-character piece of the text packed in a bigint (see
//     grams; the SQL function packs alike), which finds the users holding
//     given pieces without the pieces making the table's rows wide;
//   - user_grams, the number of users holding each piece (and, under piece
//     0, the number of users), kept by every write in the same transaction.
//
// A fragment of one to three characters is one piece, whose count is the
// exact number of matches (CountMatching needs nothing else); a longer one
// is the AND of its trigrams, the smallest count bounding the matches. From
// that count a search picks its way: when matches are many it reads users
// in name order and checks each text, stopping after the rows that hold a
// page of matches; when they are few, or gathered past a budget of rows,
// it asks the GIN index for every candidate and sorts them. The known slow
// case: a few tens of thousands of matches that all sort together, as the
// holders of a common first name do, cost a visit of each (BENCHMARKS.md).

const (
	defaultLimit = 50

	// gramMax is the count under which the GIN index is asked directly.
	gramMax = 4000
	// A search reads at most readPerVisit rows in name order for each
	// candidate that the GIN index would give (reading a row of an index is
	// that much cheaper than visiting one in the table), and never more
	// than readMax.
	readPerVisit = 1
	readMax      = 100_000
	// countScanMax is the most rows read to count the matches of a dense
	// fragment of more than three characters.
	countScanMax = 30000
)

// gramCode packs up to three characters into one bigint, 21 bits each,
// the first at the top: "a" is 'a'<<42, "ab" 'a'<<42|'b'<<21. No piece is
// 0, which stands for "every user" in user_grams.
func gramCode(r []rune) int64 {
	var c int64
	for i, x := range r {
		c |= int64(x) << (42 - 21*i)
	}
	return c
}

// grams returns the distinct pieces of a search text, sorted.
func grams(text string) []int64 {
	r := []rune(text)
	out := make([]int64, 0, 3*len(r))
	for i := range r {
		for n := 1; n <= 3 && i+n <= len(r); n++ {
			out = append(out, gramCode(r[i:i+n]))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// queryGrams returns the pieces that a match must hold: the fragment
// itself if it has three characters or fewer, else its distinct trigrams.
func queryGrams(frag string) []int64 {
	r := []rune(frag)
	if len(r) <= 3 {
		return []int64{gramCode(r)}
	}
	out := make([]int64, 0, len(r)-2)
	for i := 0; i+3 <= len(r); i++ {
		out = append(out, gramCode(r[i:i+3]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// countGrams keeps user_grams when a user's search text goes from old to
// new; created is true for a new user.
func (t *tx) countGrams(old, new string, created bool) error {
	if old == new && !created {
		return nil
	}
	delta := map[int64]int64{}
	if created {
		delta[0] = 1
	}
	if !created {
		for _, g := range grams(old) {
			delta[g]--
		}
	}
	for _, g := range grams(new) {
		delta[g]++
	}
	return t.addGrams(delta)
}

// addGrams adds to the counts of pieces, in the order of the pieces so that
// two transactions at once wait for each other rather than deadlock.
func (t *tx) addGrams(delta map[int64]int64) error {
	keys := slices.Sorted(maps.Keys(delta))
	keys = slices.DeleteFunc(keys, func(g int64) bool { return delta[g] == 0 })
	if len(keys) == 0 {
		return nil
	}
	ns := make([]int64, len(keys))
	for i, g := range keys {
		ns[i] = delta[g]
	}
	_, err := t.exec(`INSERT INTO user_grams (gram, users) SELECT * FROM unnest($1::bigint[], $2::bigint[])
		ON CONFLICT (gram) DO UPDATE SET users = user_grams.users + excluded.users`, keys, ns)
	return err
}

// userCount returns the number of users (piece 0).
func (t *tx) userCount() (int64, error) {
	n, _, err := t.queryInt64(`SELECT users FROM user_grams WHERE gram = 0`)
	return n, err
}

// gramCount returns the smallest count among pieces (0 when one is held by
// nobody) and the number of users.
func (t *tx) gramCount(gs []int64) (least, total int64, err error) {
	err = t.tx.QueryRow(t.ctx, `SELECT coalesce((SELECT users FROM user_grams WHERE gram = 0), 0),
		CASE WHEN count(*) = cardinality($1::bigint[]) THEN coalesce(min(users), 0) ELSE 0 END
		FROM user_grams WHERE gram = ANY($1)`, gs).Scan(&total, &least)
	if err != nil {
		return 0, 0, t.fail(err)
	}
	return least, total, nil
}

// SearchUsers returns one page of the users whose search text contains the
// folded query, in name order.
func (t *tx) SearchUsers(q app.UserQuery) (app.UserPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	after := []byte(q.After.SortKey)
	var (
		users []app.User
		keys  []string
		err   error
	)
	if frag := app.SearchFragment(q.Text); frag == "" {
		users, keys, err = t.queryUsers(`SELECT `+userCols+` FROM `+userJoin+`
			WHERE (u.sort_key, u.id) > ($1, $2) ORDER BY u.sort_key, u.id LIMIT $3`, after, q.After.ID, limit+1)
	} else {
		users, keys, err = t.search(frag, after, q.After.ID, limit+1)
	}
	if err != nil {
		return app.UserPage{}, err
	}
	return app.PageOf(users, keys, limit), nil
}

// search returns up to want users matching frag after (key, id), in name
// order, with their sort keys.
//
// Pieces held by few users are looked up in the GIN index, which costs a
// visit of each candidate. Otherwise users are read in name order until
// want match, within a budget of rows worth a few visits of each
// candidate; matches may gather in one part of the order (a first name
// sorts its holders together), so past the budget the GIN index is asked
// for the rest.
func (t *tx) search(frag string, key []byte, id int64, want int) ([]app.User, []string, error) {
	gs := queryGrams(frag)
	least, _, err := t.gramCount(gs)
	if err != nil || least == 0 {
		return nil, nil, err
	}
	if least <= gramMax {
		return t.searchGrams(frag, gs, key, id, want)
	}
	budget := min(readPerVisit*least, readMax)
	users, keys, err := t.queryUsers(`SELECT `+userCols+` FROM (
			SELECT id, sort_key FROM (SELECT id, sort_key, search_text FROM users WHERE (sort_key, id) > ($1, $2)
				ORDER BY sort_key, id LIMIT $3) r
			WHERE strpos(search_text, $4) > 0 ORDER BY sort_key, id LIMIT $5
		) m JOIN users u ON u.id = m.id LEFT JOIN throttle t ON t.key = u.email_key
		ORDER BY u.sort_key, u.id`, key, id, budget, frag, want)
	if err != nil || len(users) == want {
		return users, keys, err
	}
	// Where the reading stopped: the budget-th row, if there is one.
	var last []byte
	var lastID int64
	err = t.tx.QueryRow(t.ctx, `SELECT sort_key, id FROM users WHERE (sort_key, id) > ($1, $2)
		ORDER BY sort_key, id OFFSET $3 LIMIT 1`, key, id, budget-1).Scan(&last, &lastID)
	if errors.Is(err, pgx.ErrNoRows) {
		return users, keys, nil // every user was read
	}
	if err != nil {
		return nil, nil, t.fail(err)
	}
	more, moreKeys, err := t.searchGrams(frag, gs, last, lastID, want-len(users))
	return append(users, more...), append(keys, moreKeys...), err
}

// searchGrams asks the GIN index for every user after (key, id) holding
// the pieces gs, checks their text and returns the first want in name order.
func (t *tx) searchGrams(frag string, gs []int64, key []byte, id int64, want int) ([]app.User, []string, error) {
	return t.queryUsers(`WITH m AS MATERIALIZED (
			SELECT id, sort_key FROM users
			WHERE strpos(search_text, $2) > 0 AND sesame_grams(search_text) @> $1 AND (sort_key, id) > ($3, $4)
		)
		SELECT `+userCols+` FROM (SELECT id FROM m ORDER BY sort_key, id LIMIT $5) p
		JOIN users u ON u.id = p.id LEFT JOIN throttle t ON t.key = u.email_key
		ORDER BY u.sort_key, u.id`, gs, frag, key, id, want)
}

// CountMatching counts the users whose search text contains the folded
// fragment, stopping at atMost. A fragment of three characters or fewer is
// counted by user_grams alone; a longer one by the cheaper of a reading in
// name order (dense matches) and the GIN index (sparse ones).
func (t *tx) CountMatching(text string, atMost int) (int, error) {
	if atMost <= 0 {
		return 0, nil
	}
	frag := app.SearchFragment(text)
	if frag == "" {
		n, err := t.userCount()
		return int(min(n, int64(atMost))), err
	}
	gs := queryGrams(frag)
	least, total, err := t.gramCount(gs)
	if err != nil || least == 0 {
		return 0, err
	}
	if utf8.RuneCountInString(frag) <= 3 {
		return int(min(least, int64(atMost))), nil
	}
	// Dense matches are counted in the order of the table, which is that
	// of the users' creation: unlike name order, it does not gather them.
	if scan := int64(atMost) * total / least * 2; least > gramMax && scan <= countScanMax {
		var hits, read int64
		err := t.tx.QueryRow(t.ctx, `SELECT count(*) FILTER (WHERE strpos(search_text, $1) > 0), count(*)
			FROM (SELECT search_text FROM users LIMIT $2) s`, frag, max(scan, 200)).Scan(&hits, &read)
		if err != nil {
			return 0, t.fail(err)
		}
		if hits >= int64(atMost) || read < max(scan, 200) {
			return int(min(hits, int64(atMost))), nil
		}
	}
	n, _, err := t.queryInt64(`SELECT count(*) FROM (SELECT 1 FROM users
		WHERE strpos(search_text, $2) > 0 AND sesame_grams(search_text) @> $1 LIMIT $3) s`, gs, frag, atMost)
	return int(n), err
}

// CheckIndex verifies what search relies on: every user's stored search
// text and sort key are those of its name and logins, sesame_grams (SQL)
// gives the pieces that grams (Go) gives, and user_grams counts the users
// and the holders of each piece.
func (db *DB) CheckIndex(ctx context.Context) error {
	return db.run(ctx, false, func(t *tx) error {
		for _, c := range []struct{ name, query string }{
			{"users miscounted", `SELECT count(*) FROM users HAVING count(*) <> coalesce((SELECT users FROM user_grams WHERE gram = 0), 0)`},
			{"pieces miscounted", `SELECT count(*) FROM (
				SELECT g, count(*) AS n FROM users, unnest(sesame_grams(search_text)) g GROUP BY g) a
				FULL JOIN (SELECT gram, users FROM user_grams WHERE gram <> 0 AND users <> 0) b ON a.g = b.gram
				WHERE a.n IS DISTINCT FROM b.users`},
		} {
			n, _, err := t.queryInt64(c.query)
			if err != nil {
				return err
			}
			if n != 0 {
				return fmt.Errorf("%s: %d", c.name, n)
			}
		}
		rows, err := t.tx.Query(t.ctx, `SELECT id, email, name, recovery_email, search_text, sort_key, sesame_grams(search_text) FROM users`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u app.User
			var text string
			var key []byte
			var pieces []int64
			if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.RecoveryEmail, &text, &key, &pieces); err != nil {
				return err
			}
			if text != app.SearchText(&u) || string(key) != app.SortKey(&u) || !slices.Equal(pieces, grams(text)) {
				return fmt.Errorf("user %d: stored search text or sort key out of date", u.ID)
			}
		}
		return rows.Err()
	})
}
