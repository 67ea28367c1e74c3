package sqlite_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/sample"
	"sesame/data/sqlite"
)

// directoryMix is what administrators ask of the directory: the whole list
// in every order, every status, role, mailbox, recovery and staleness
// filter alone and combined (down to the rarest combination), and texts
// from one common letter to a full name, a domain and a miss, with filters
// and in other orders than names, where the worst cases are.
var directoryMix = []struct {
	name string
	f    app.UserFilter
	sort app.UserSort
}{
	{"all", app.UserFilter{}, app.UserSort{}},
	{"all-desc", app.UserFilter{}, app.UserSort{Desc: true}},
	{"all-by-login", app.UserFilter{}, app.UserSort{By: app.SortLogin}},
	{"all-by-signin", app.UserFilter{}, app.UserSort{By: app.SortLastSignIn}},
	{"all-newest", app.UserFilter{}, app.UserSort{By: app.SortCreated, Desc: true}},
	{"all-by-changed", app.UserFilter{}, app.UserSort{By: app.SortPasswordChanged}},
	{"all-by-status-desc", app.UserFilter{}, app.UserSort{By: app.SortStatus, Desc: true}},
	{"all-by-role", app.UserFilter{}, app.UserSort{By: app.SortRole}},
	{"locked", app.UserFilter{Statuses: app.Statuses(app.StatusLocked)}, app.UserSort{}},
	{"must-change-newest", app.UserFilter{Statuses: app.Statuses(app.StatusMustChange)}, app.UserSort{By: app.SortCreated, Desc: true}},
	{"expired", app.UserFilter{Statuses: app.Statuses(app.StatusExpired)}, app.UserSort{}},
	{"expired-no-recovery", app.UserFilter{Statuses: app.Statuses(app.StatusExpired), Recovery: app.OnlyNo}, app.UserSort{}},
	{"disabled-by-login", app.UserFilter{Statuses: app.Statuses(app.StatusDisabled)}, app.UserSort{By: app.SortLogin}},
	{"no-password", app.UserFilter{Statuses: app.Statuses(app.StatusNoPassword)}, app.UserSort{}},
	{"admins", app.UserFilter{Role: app.RoleAdmin}, app.UserSort{}},
	{"admins-no-mailbox-disabled", app.UserFilter{Role: app.RoleAdmin, Mailbox: app.OnlyNo, Statuses: app.Statuses(app.StatusDisabled)}, app.UserSort{}},
	{"no-mailbox", app.UserFilter{Mailbox: app.OnlyNo}, app.UserSort{}},
	{"recovery-by-signin", app.UserFilter{Recovery: app.OnlyYes}, app.UserSort{By: app.SortLastSignIn}},
	{"stale-90d", app.UserFilter{Stale: app.OnlyYes}, app.UserSort{}},
	{"stale-365d-active-by-signin", app.UserFilter{Stale: app.OnlyYes, StaleAfter: 365 * 24 * time.Hour, Statuses: app.Statuses(app.StatusActive)}, app.UserSort{By: app.SortLastSignIn}},
	{"fresh-30d", app.UserFilter{Stale: app.OnlyNo, StaleAfter: 30 * 24 * time.Hour}, app.UserSort{}},
	{"stale-employees-no-mailbox-by-created", app.UserFilter{Stale: app.OnlyYes, Role: app.RoleEmployee, Mailbox: app.OnlyNo}, app.UserSort{By: app.SortCreated}},
	{"active", app.UserFilter{Statuses: app.Statuses(app.StatusActive)}, app.UserSort{}},
	{"text-e", app.UserFilter{Text: "e"}, app.UserSort{}},
	{"text-ma-locked", app.UserFilter{Text: "ma", Statuses: app.Statuses(app.StatusLocked)}, app.UserSort{}},
	{"text-mar", app.UserFilter{Text: "mar"}, app.UserSort{}},
	{"text-j-expired", app.UserFilter{Text: "j", Statuses: app.Statuses(app.StatusExpired)}, app.UserSort{}},
	{"text-le-admins-by-created", app.UserFilter{Text: "le", Role: app.RoleAdmin}, app.UserSort{By: app.SortCreated}},
	{"text-martin", app.UserFilter{Text: "martin"}, app.UserSort{}},
	{"text-martin-active", app.UserFilter{Text: "martin", Statuses: app.Statuses(app.StatusActive)}, app.UserSort{}},
	{"text-dupont-by-signin", app.UserFilter{Text: "dupont"}, app.UserSort{By: app.SortLastSignIn}},
	{"text-jean-noel", app.UserFilter{Text: "jean noel"}, app.UserSort{}},
	{"text-domain-stale", app.UserFilter{Text: "company.example", Stale: app.OnlyYes}, app.UserSort{}},
	{"text-gmail", app.UserFilter{Text: "gmail"}, app.UserSort{}},
	{"text-marie-mar-admins", app.UserFilter{Text: "marie mar", Role: app.RoleAdmin}, app.UserSort{}},
	{"text-miss", app.UserFilter{Text: "zzz"}, app.UserSort{}},
	{"text-a-disabled-newest", app.UserFilter{Text: "a", Statuses: app.Statuses(app.StatusDisabled)}, app.UserSort{By: app.SortCreated, Desc: true}},
	{"text-lefebvre-must-change", app.UserFilter{Text: "lefebvre", Statuses: app.Statuses(app.StatusMustChange)}, app.UserSort{}},
	{"text-e-by-signin", app.UserFilter{Text: "e"}, app.UserSort{By: app.SortLastSignIn}},
	{"text-ab-expired-by-changed", app.UserFilter{Text: "ab", Statuses: app.Statuses(app.StatusExpired)}, app.UserSort{By: app.SortPasswordChanged}},
	{"text-helene-by-status", app.UserFilter{Text: "helene"}, app.UserSort{By: app.SortStatus}},
	{"text-mar-by-role", app.UserFilter{Text: "mar"}, app.UserSort{By: app.SortRole}},
}

// benchLocked locks a few hundred users of a sample, so that "locked" and
// "active" have their work to do.
func benchLocked(b *testing.B, db *sqlite.DB) {
	var users []app.User
	read(b, db, func(tx app.Tx) error {
		var err error
		users, err = tx.ListUsers(app.UserSet{Cells: app.AllCells(), Now: time.Now()}, app.UserSort{By: app.SortLogin}, 0, 300)
		return err
	})
	write(b, db, func(tx app.Tx) error {
		for _, u := range users {
			if err := tx.PutThrottle(app.Throttle{Key: app.EmailKey(u.Email), Failures: 10, LastFailure: time.Now(),
				LockedUntil: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkDirectory times, through the service, at 10,000 and 1,000,000
// users: the first page of each query of directoryMix, the exact count of
// its match (what the table shows: match-count; and the same with short
// texts counted by reading their holders, as before grams_cells:
// match-count-before), every filter's count (as the filters show them:
// count), and a page at a random position. It reports the median, the 99th percentile and the
// worst time of each kind, and logs the slowest queries.
func BenchmarkDirectory(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			if n >= 1_000_000 && testing.Short() {
				b.Skip("1M users: not under -short")
			}
			db := benchDB(b, n)
			defer db.Close()
			benchLocked(b, db)
			svc := app.NewService(app.Config{Store: db})
			ctx := b.Context()
			totals := make([]int, len(directoryMix))
			for i, m := range directoryMix { // warm the caches, learn the counts
				c, err := svc.UserCounts(ctx, m.f)
				if err != nil {
					b.Fatal(err)
				}
				totals[i] = c.Total
			}
			r := rand.New(rand.NewPCG(1, 2))
			kinds := []struct {
				name string
				run  func(i int) error
			}{
				{"first-page", func(i int) error {
					_, err := svc.ListUsers(ctx, app.UserListQuery{Filter: directoryMix[i].f, Sort: directoryMix[i].sort})
					return err
				}},
				{"match-count", func(i int) error {
					_, err := svc.MatchCount(ctx, directoryMix[i].f)
					return err
				}},
				{"match-count-before", func(i int) error {
					sqlite.CountShortOff(true)
					defer sqlite.CountShortOff(false)
					_, err := svc.MatchCount(ctx, directoryMix[i].f)
					return err
				}},
				{"count", func(i int) error {
					_, err := svc.UserCounts(ctx, directoryMix[i].f)
					return err
				}},
				{"position", func(i int) error {
					_, err := svc.ListUsers(ctx, app.UserListQuery{Filter: directoryMix[i].f, Sort: directoryMix[i].sort,
						Offset: r.IntN(totals[i] + 1)})
					return err
				}},
			}
			// The peer: the same questions in plain SQL on the same file,
			// as a store without the directory's structures would ask them.
			plain := newPlainSQL(b, db)
			kinds = append(kinds, []struct {
				name string
				run  func(i int) error
			}{
				{"plain-sql-first-page", func(i int) error { return plain.page(directoryMix[i].f, directoryMix[i].sort, 0) }},
				{"plain-sql-count", func(i int) error { return plain.count(directoryMix[i].f) }},
				{"plain-sql-position", func(i int) error {
					return plain.page(directoryMix[i].f, directoryMix[i].sort, r.IntN(totals[i]+1))
				}},
			}...)
			for _, k := range kinds {
				b.Run(k.name, func(b *testing.B) {
					var all []time.Duration
					byQuery := make([][]time.Duration, len(directoryMix))
					for b.Loop() {
						for i := range directoryMix {
							start := time.Now()
							if err := k.run(i); err != nil {
								b.Fatal(err)
							}
							d := time.Since(start)
							all = append(all, d)
							byQuery[i] = append(byQuery[i], d)
						}
					}
					reportTimes(b, all, byQuery)
				})
			}
		})
	}
}

// BenchmarkTypedCounts times the counts that the search box asks of a
// directory of 1,000,000 users as an administrator types (sample.Typed,
// letter by letter): the match's exact count (MatchCount), then every
// filter's counts (UserCounts, staleness included), side by side with the
// same keystrokes counted the way before (no grams_cells, no held
// matches), word by word in one run.
func BenchmarkTypedCounts(b *testing.B) {
	if testing.Short() {
		b.Skip("1M users: not under -short")
	}
	db := benchDB(b, 1_000_000)
	defer db.Close()
	benchLocked(b, db)
	svc := app.NewService(app.Config{Store: db})
	ctx := b.Context()
	var now, before, filters, filtersBefore []time.Duration
	typeWord := func(word string, match, all *[]time.Duration) {
		for i := range len([]rune(word)) {
			f := app.UserFilter{Text: string([]rune(word)[:i+1])}
			start := time.Now()
			if _, err := svc.MatchCount(ctx, f); err != nil {
				b.Fatal(err)
			}
			*match = append(*match, time.Since(start))
			start = time.Now()
			if _, err := svc.UserCounts(ctx, f); err != nil {
				b.Fatal(err)
			}
			*all = append(*all, time.Since(start))
		}
		if _, err := svc.MatchCount(ctx, app.UserFilter{}); err != nil { // the box emptied
			b.Fatal(err)
		}
	}
	for b.Loop() {
		for _, word := range sample.Typed {
			typeWord(word, &now, &filters)
			sqlite.CountShortOff(true)
			sqlite.HeldOff(true)
			typeWord(word, &before, &filtersBefore)
			sqlite.CountShortOff(false)
			sqlite.HeldOff(false)
		}
	}
	for _, m := range []struct {
		name string
		ds   []time.Duration
	}{{"match", now}, {"match-before", before}, {"filters", filters}, {"filters-before", filtersBefore}} {
		slices.Sort(m.ds)
		at := func(q float64) time.Duration { return m.ds[int(q*float64(len(m.ds)-1))] }
		b.ReportMetric(float64(at(0.5).Microseconds())/1000, m.name+"-median-ms")
		b.ReportMetric(float64(at(0.99).Microseconds())/1000, m.name+"-p99-ms")
		b.Logf("%s: %d keystrokes, median %v, p99 %v, worst %v", m.name, len(m.ds), at(0.5), at(0.99), m.ds[len(m.ds)-1])
	}
}

// reportTimes reports the median, 99th percentile and worst of times, and
// logs the five slowest queries by their median.
func reportTimes(b *testing.B, all []time.Duration, byQuery [][]time.Duration) {
	slices.Sort(all)
	b.ReportMetric(float64(all[len(all)/2].Nanoseconds()), "median-ns")
	b.ReportMetric(float64(all[len(all)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(all[len(all)-1].Nanoseconds()), "max-ns")
	type slow struct {
		name string
		d    time.Duration
	}
	var s []slow
	for i, ts := range byQuery {
		if len(ts) > 0 {
			s = append(s, slow{directoryMix[i].name, median(ts)})
		}
	}
	sort.Slice(s, func(i, j int) bool { return s[i].d > s[j].d })
	var parts []string
	for _, x := range s[:min(len(s), 6)] {
		parts = append(parts, fmt.Sprintf("%s %v", x.name, x.d.Round(10*time.Microsecond)))
	}
	b.Logf("median %v, p99 %v; slowest: %s", all[len(all)/2], all[len(all)*99/100], strings.Join(parts, ", "))
}

// plainSQL asks the directory's questions in plain SQL: the status by a
// CASE over the columns, the filters in WHERE, the order in ORDER BY,
// LIMIT and OFFSET for the page, count(*) for the count.
type plainSQL struct {
	b  *testing.B
	db *sql.DB
}

func newPlainSQL(b *testing.B, db *sqlite.DB) *plainSQL {
	raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro&_query_only=1")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(`PRAGMA mmap_size = 1073741824`); err != nil {
		b.Fatal(err)
	}
	return &plainSQL{b: b, db: raw}
}

const plainStatus = `CASE WHEN u.disabled THEN 5 WHEN t.locked_until > :now THEN 4 WHEN u.password_hash = '' THEN 3
	WHEN u.password_temporary AND coalesce(u.temporary_expires_at, -9223372036854775808) <= :now THEN 2
	WHEN u.password_temporary THEN 1 ELSE 0 END`

func (p *plainSQL) where(f app.UserFilter) (string, []any) {
	now := time.Now()
	conds, args := []string{"1"}, []any{sql.Named("now", now.UnixNano())}
	if text := app.FoldForSearch(f.Text); text != "" {
		conds, args = append(conds, "instr(u.search_text, :text) > 0"), append(args, sql.Named("text", text))
	}
	if f.Statuses != 0 {
		var in []string
		for i, k := range app.StatusKinds() {
			if f.Statuses.Has(k) {
				in = append(in, strconv.Itoa(i))
			}
		}
		conds = append(conds, plainStatus+" IN ("+strings.Join(in, ",")+")")
	}
	if f.Role != "" {
		conds, args = append(conds, "u.role = :role"), append(args, sql.Named("role", string(f.Role)))
	}
	if f.Mailbox != app.Either {
		conds = append(conds, map[app.Tri]string{app.OnlyYes: "u.has_mailbox", app.OnlyNo: "NOT u.has_mailbox"}[f.Mailbox])
	}
	if f.Recovery != app.Either {
		conds = append(conds, map[app.Tri]string{app.OnlyYes: "u.recovery_email <> ''", app.OnlyNo: "u.recovery_email = ''"}[f.Recovery])
	}
	if f.Stale != app.Either {
		cut := now.Add(-cmpDuration(f.StaleAfter, app.DefaultStaleAfter)).UnixNano()
		op := map[app.Tri]string{app.OnlyYes: "<", app.OnlyNo: ">="}[f.Stale]
		conds, args = append(conds, "coalesce(u.last_signin_at, u.created_at, -9223372036854775808) "+op+" :cut"), append(args, sql.Named("cut", cut))
	}
	return " FROM users u LEFT JOIN throttle t ON t.key = u.email_key WHERE " + strings.Join(conds, " AND "), args
}

func (p *plainSQL) page(f app.UserFilter, o app.UserSort, offset int) error {
	clauses, args := p.where(f)
	dir := map[bool]string{true: " DESC", false: ""}[o.Desc]
	order := map[app.SortColumn]string{
		app.SortName: "u.sort_key" + dir, app.SortLogin: "u.email_key" + dir, app.SortLastSignIn: "u.last_signin_at" + dir,
		app.SortPasswordChanged: "u.password_changed_at" + dir, app.SortCreated: "u.created_at" + dir,
		app.SortRole:   "u.role = 'admin'" + map[bool]string{true: "", false: " DESC"}[o.Desc] + ", u.sort_key" + dir,
		app.SortStatus: plainStatus + dir + ", u.sort_key" + dir,
	}[o.By]
	rows, err := p.db.QueryContext(p.b.Context(), "SELECT u.id"+clauses+" ORDER BY "+order+", u.id"+dir+" LIMIT 50 OFFSET :offset",
		append(args, sql.Named("offset", offset))...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

func (p *plainSQL) count(f app.UserFilter) error {
	clauses, args := p.where(f)
	var n int
	return p.db.QueryRowContext(p.b.Context(), "SELECT count(*)"+clauses, args...).Scan(&n)
}

func cmpDuration(a, b time.Duration) time.Duration {
	if a != 0 {
		return a
	}
	return b
}

// BenchmarkUserWrites times, on a copy of the sample directory of
// 1,000,000 users, the writes of one user that grams_cells follows: a
// password reset (a new temporary password: the user's static cell
// changes, every term moves) and a rename (a few terms change), each
// in its transaction; and, in the same run, what grams_cells adds to a
// reset (the user's terms moved to another cell, timed alone).
func BenchmarkUserWrites(b *testing.B) {
	if testing.Short() {
		b.Skip("1M users: not under -short")
	}
	benchDB(b, 1_000_000).Close()
	fp, err := sqlite.Fingerprint()
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "copy.db")
	copyFile(b, filepath.Join(os.TempDir(), fmt.Sprintf("sesame-sample-%d-%d-2-%s.db", 1_000_000, benchSeed, fp)), path)
	db, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(3, 4))
	change := func(fn func(u *app.User)) {
		id := 1 + r.Int64N(1_000_000)
		if err := db.Write(b.Context(), func(tx app.Tx) error {
			u, err := tx.UserByID(id)
			if err != nil {
				return err
			}
			fn(&u)
			return tx.UpdateUser(&u)
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("reset", func(b *testing.B) {
		for b.Loop() {
			change(func(u *app.User) {
				u.PasswordHash, u.PasswordTemporary, u.TemporaryExpiresAt = "$argon2id$new", !u.PasswordTemporary, time.Now().Add(time.Hour)
				if !u.PasswordTemporary {
					u.TemporaryExpiresAt = time.Time{}
				}
			})
		}
	})
	b.Run("rename", func(b *testing.B) {
		for b.Loop() {
			change(func(u *app.User) { u.Name += " Xavier" })
		}
	})
	b.Run("grams-of-a-reset", func(b *testing.B) {
		var took time.Duration
		for b.Loop() {
			d, err := sqlite.TimeMoveGrams(b.Context(), db, 1+r.Int64N(1_000_000), int64(app.CellTemporary))
			if err != nil {
				b.Fatal(err)
			}
			took += d
		}
		b.ReportMetric(float64(took.Nanoseconds())/float64(b.N), "grams-ns/op")
	})
}
