package sqlite_test

import (
	"database/sql"
	"fmt"
	"iter"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/memstore"
	"sesame/data/sample"
	"sesame/data/sqlite"
)

// twin applies the same writes to a SQLite file and to the in-memory store,
// whose brute force is the oracle of the directory's queries.
type twin struct {
	t    *testing.T
	db   *sqlite.DB
	mem  *memstore.Store
	r    *rand.Rand
	t0   time.Time
	user []app.User
}

func newTwin(t *testing.T, seed uint64) *twin {
	return &twin{t: t, db: openDB(t), mem: memstore.New(), r: rand.New(rand.NewPCG(seed, 7)),
		t0: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
}

// write runs fn on both stores.
func (w *twin) write(fn func(tx app.Tx) error) {
	w.t.Helper()
	write(w.t, w.db, fn)
	if err := w.mem.Write(w.t.Context(), fn); err != nil {
		w.t.Fatal(err)
	}
}

// around returns a time near t0: before, at, or after it, by minutes to
// years, for expiries, locks and sign-ins that the test's clocks cross.
func (w *twin) around() time.Time {
	d := []time.Duration{time.Minute, time.Hour, 24 * time.Hour, 40 * 24 * time.Hour, 400 * 24 * time.Hour}[w.r.IntN(5)]
	return w.t0.Add(time.Duration(w.r.Int64N(int64(2*d))) - d).Truncate(time.Second)
}

// populate creates n generated users, with edge cases, user by user, in
// batches, then changes many of them and locks some.
func (w *twin) populate(n int) {
	gen, stop := iter.Pull(sample.Users(int64(w.r.Uint64()), w.t0))
	defer stop()
	edge := []app.User{
		{Name: "Jean-Noël Müller", Email: "jn.muller@company.example", Role: app.RoleAdmin, HasMailbox: true},
		{Name: "Jean Noel Muller", Email: "jean.noel@company.example", Role: app.RoleEmployee, HasMailbox: true},
		{Name: "Ødegaard Łukasz", Email: "lukasz@nomail.company.example", Role: app.RoleEmployee},
		{Name: "Zoë O’Brien", Email: "zoe.obrien@company.example", Role: app.RoleEmployee, HasMailbox: true, RecoveryEmail: "zoe@perso.example"},
		{Name: "Same Time", Email: "same1@company.example", Role: app.RoleEmployee, HasMailbox: true, CreatedAt: w.t0, LastSignInAt: w.t0},
		{Name: "Same Time", Email: "same2@company.example", Role: app.RoleEmployee, HasMailbox: true, CreatedAt: w.t0, LastSignInAt: w.t0},
		{Name: "No Times", Email: "never@company.example", Role: app.RoleEmployee, HasMailbox: true},
	}
	for len(w.user) < n {
		batch := make([]app.User, 50)
		for i := range batch {
			if len(edge) > 0 {
				batch[i], edge = edge[0], edge[1:]
			} else {
				batch[i], _ = gen()
			}
		}
		w.create(batch)
	}
	w.change(n / 2)
}

// create writes the same users to both stores, in one transaction each:
// each store writes its own copies, with the same IDs.
func (w *twin) create(batch []app.User) {
	w.write(func(tx app.Tx) error {
		for _, u := range batch {
			if err := tx.CreateUser(&u); err != nil {
				return err
			}
		}
		return nil
	})
	for _, u := range batch {
		u.ID = int64(len(w.user) + 1)
		w.user = append(w.user, u)
	}
}

// change updates n random users in both stores and locks or unlocks some.
func (w *twin) change(n int) {
	var changed []app.User
	var locks []app.Throttle
	for range n {
		i := w.r.IntN(len(w.user))
		u := w.user[i]
		switch w.r.IntN(9) {
		case 0:
			u.Name = w.user[w.r.IntN(len(w.user))].Name // a tie with another's name
		case 1:
			u.LastSignInAt = w.around()
		case 2:
			u.PasswordHash, u.PasswordTemporary, u.TemporaryExpiresAt = sample.DummyHash, true, w.around()
		case 3:
			u.PasswordHash, u.PasswordTemporary, u.TemporaryExpiresAt, u.PasswordChangedAt = sample.DummyHash, false, time.Time{}, w.around()
		case 4:
			u.Disabled = !u.Disabled
		case 5:
			u.Role = map[app.Role]app.Role{app.RoleAdmin: app.RoleEmployee, app.RoleEmployee: app.RoleAdmin}[u.Role]
		case 6:
			u.RecoveryEmail = map[bool]string{true: "", false: fmt.Sprintf("r%d@perso.example", i)}[u.RecoveryEmail != ""]
		case 7:
			u.HasMailbox = !u.HasMailbox
		case 8:
			u.LastSignInAt, u.PasswordChangedAt, u.PasswordHash = time.Time{}, time.Time{}, ""
		}
		w.user[i] = u
		changed = append(changed, u)
		if w.r.IntN(4) == 0 {
			locks = append(locks, app.Throttle{Key: app.EmailKey(u.Email), Failures: 5, LastFailure: w.t0, LockedUntil: w.around()})
		}
	}
	// A lock of a login that no user has.
	locks = append(locks, app.Throttle{Key: "nobody@company.example", Failures: 9, LastFailure: w.t0, LockedUntil: w.t0.Add(time.Hour)})
	w.write(func(tx app.Tx) error {
		for _, u := range changed {
			if err := tx.UpdateUser(&u); err != nil {
				return err
			}
		}
		for _, th := range locks {
			if err := tx.PutThrottle(th); err != nil {
				return err
			}
		}
		return nil
	})
}

// filters returns a mix of filters: every status alone, combinations of
// every facet, and texts of every kind (one letter, pairs, names, a login,
// separators, a miss).
func (w *twin) filters() []app.UserFilter {
	var out []app.UserFilter
	for _, k := range app.StatusKinds() {
		out = append(out, app.UserFilter{Statuses: app.Statuses(k)})
	}
	texts := []string{"", "e", "ma", "mar", "jean noel", "jean-noël", "o'brien", "company", "nomail", "lef", "zz", "ø", "ODEGAARD", "perso", "same"}
	tris := []app.Tri{app.Either, app.OnlyYes, app.OnlyNo}
	for range 40 {
		f := app.UserFilter{Text: texts[w.r.IntN(len(texts))]}
		for _, k := range app.StatusKinds() {
			if w.r.IntN(4) == 0 {
				f.Statuses |= app.Statuses(k)
			}
		}
		f.Role = []app.Role{"", "", app.RoleAdmin, app.RoleEmployee}[w.r.IntN(4)]
		f.Mailbox, f.Recovery = tris[w.r.IntN(3)], tris[w.r.IntN(3)]
		if w.r.IntN(3) == 0 {
			f.Stale, f.StaleAfter = tris[1+w.r.IntN(2)], []time.Duration{time.Hour, 30 * 24 * time.Hour, 365 * 24 * time.Hour}[w.r.IntN(3)]
		}
		out = append(out, f)
	}
	return out
}

// compare checks every query of the directory on both stores, for n of
// the filters drawn at random, at time now.
func (w *twin) compare(now time.Time, filters []app.UserFilter, n int) {
	w.t.Helper()
	for range n {
		f := filters[w.r.IntN(len(filters))]
		set := f.Set(now)
		name := fmt.Sprintf("at %s, filter %+v", now.Sub(w.t0), f)
		// Counts, with every cell and the staleness of the filter.
		all := set
		all.Cells, all.IdleBefore = app.AllCells(), now.Add(-cmpOr(f.StaleAfter, app.DefaultStaleAfter))
		want := memCounts(w, all)
		if got := sqlCounts(w, all); got != want {
			w.t.Fatalf("%s: CountCells differ\n got %v\nwant %v", name, nonZero(got), nonZero(want))
		}
		if got, want := sqlCounts(w, set), memCounts(w, set); got != want {
			w.t.Fatalf("%s: CountCells of the set differ\n got %v\nwant %v", name, nonZero(got), nonZero(want))
		}
		for by := app.SortName; by <= app.SortCreated; by++ {
			for _, desc := range []bool{false, true} {
				o := app.UserSort{By: by, Desc: desc}
				full := w.list(w.mem, set, o, 0, 1<<20)
				if got := w.list(w.db, set, o, 0, 1<<20); !slices.Equal(got, full) {
					w.t.Fatalf("%s, order %v: %d users, want %d\n got %v\nwant %v", name, o, len(got), len(full), head(got), head(full))
				}
				for _, p := range w.pages(len(full)) {
					got := w.list(w.db, set, o, p[0], p[1])
					if want := full[min(p[0], len(full)):min(p[0]+p[1], len(full))]; !slices.Equal(got, want) {
						w.t.Fatalf("%s, order %v, offset %d, limit %d:\n got %v\nwant %v", name, o, p[0], p[1], got, want)
					}
				}
			}
		}
		// Through the service: the orders made of segments, and the counts
		// of every facet.
		clock := func() time.Time { return now }
		sqlSvc := app.NewService(app.Config{Store: w.db, Now: clock})
		memSvc := app.NewService(app.Config{Store: w.mem, Now: clock})
		if got, want := w.userCounts(sqlSvc, f), w.userCounts(memSvc, f); got != want {
			w.t.Fatalf("%s: UserCounts\n got %+v\nwant %+v", name, got, want)
		}
		for _, by := range []app.SortColumn{app.SortRole, app.SortStatus} {
			for _, desc := range []bool{false, true} {
				o := app.UserSort{By: by, Desc: desc}
				full := w.all(memSvc, f, o)
				for _, p := range append(w.pages(len(full)), [2]int{0, app.MaxPage}) {
					got, more := w.page(sqlSvc, f, o, p[0], p[1])
					if want := full[min(p[0], len(full)):min(p[0]+p[1], len(full))]; !slices.Equal(got, want) {
						w.t.Fatalf("%s, order %v, offset %d, limit %d:\n got %v\nwant %v", name, o, p[0], p[1], got, want)
					}
					if want := p[0]+len(got) < len(full); more != want {
						w.t.Fatalf("%s, order %v, offset %d, limit %d: More %v", name, o, p[0], p[1], more)
					}
				}
			}
		}
		var walked []int64
		for after := int64(0); ; {
			users := w.after(w.db, set, after, 7)
			if len(users) == 0 {
				break
			}
			walked = append(walked, users...)
			after = users[len(users)-1]
		}
		if want := w.after(w.mem, set, 0, 1<<20); !slices.Equal(walked, want) {
			w.t.Fatalf("%s: UsersAfter walked %d users, want %d", name, len(walked), len(want))
		}
	}
}

// pages are the offsets and limits tried on a list of n users: the start,
// the end, past it, and random ones.
func (w *twin) pages(n int) [][2]int {
	out := [][2]int{{0, 50}, {max(n-1, 0), 5}, {n, 3}}
	for range 2 {
		out = append(out, [2]int{w.r.IntN(n + 1), 1 + w.r.IntN(40)})
	}
	return out
}

func (w *twin) list(s app.Store, set app.UserSet, o app.UserSort, offset, limit int) []int64 {
	w.t.Helper()
	var ids []int64
	if err := s.Read(w.t.Context(), func(tx app.Tx) error {
		users, err := tx.ListUsers(set, o, offset, limit)
		for _, u := range users {
			ids = append(ids, u.ID)
		}
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return ids
}

func (w *twin) page(svc *app.Service, f app.UserFilter, o app.UserSort, offset, limit int) (ids []int64, more bool) {
	w.t.Helper()
	p, err := svc.ListUsers(w.t.Context(), app.UserListQuery{Filter: f, Sort: o, Offset: offset, Limit: limit})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, u := range p.Users {
		ids = append(ids, u.ID)
	}
	return ids, p.More
}

// all lists every user of a filter through the service, page by page.
func (w *twin) all(svc *app.Service, f app.UserFilter, o app.UserSort) []int64 {
	var ids []int64
	for {
		p, err := svc.ListUsers(w.t.Context(), app.UserListQuery{Filter: f, Sort: o, Offset: len(ids), Limit: app.MaxPage})
		if err != nil {
			w.t.Fatal(err)
		}
		for _, u := range p.Users {
			ids = append(ids, u.ID)
		}
		if !p.More {
			return ids
		}
	}
}

func (w *twin) userCounts(svc *app.Service, f app.UserFilter) app.UserCounts {
	w.t.Helper()
	c, err := svc.UserCounts(w.t.Context(), f)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *twin) after(s app.Store, set app.UserSet, after int64, limit int) []int64 {
	w.t.Helper()
	var ids []int64
	if err := s.Read(w.t.Context(), func(tx app.Tx) error {
		users, err := tx.UsersAfter(set, after, limit)
		for _, u := range users {
			ids = append(ids, u.ID)
		}
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return ids
}

func counts(t *testing.T, s app.Store, set app.UserSet) app.CellCounts {
	t.Helper()
	var n app.CellCounts
	if err := s.Read(t.Context(), func(tx app.Tx) error {
		var err error
		n, err = tx.CountCells(set)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func memCounts(w *twin, set app.UserSet) app.CellCounts { return counts(w.t, w.mem, set) }
func sqlCounts(w *twin, set app.UserSet) app.CellCounts { return counts(w.t, w.db, set) }

func nonZero(n app.CellCounts) map[app.Cell]int {
	m := map[app.Cell]int{}
	for c, k := range n {
		if k != 0 {
			m[app.Cell(c)] = k
		}
	}
	return m
}

func head(ids []int64) []int64 { return ids[:min(len(ids), 20)] }

func cmpOr(a, b time.Duration) time.Duration {
	if a != 0 {
		return a
	}
	return b
}

// TestDirectoryAgainstBruteForce compares every query of the directory on
// a real file with the in-memory store's brute force: generated users
// written one by one and changed (blocks of 16 users, so that they split
// and merge), every sort and filter, pages forward and backward at every
// kind of position, counts by cell, with the clock moved across expiries
// and the ends of locks.
func TestDirectoryAgainstBruteForce(t *testing.T) {
	sqlite.SetBlockSize(t, 16)
	sqlite.SetCellsChunk(t, 50)
	for i, p := range [][2]int64{{30_000, 20_000}, {40, 10}, {5, 0}} {
		t.Run(fmt.Sprintf("candidates=%d,gather=%d", p[0], p[1]), func(t *testing.T) {
			sqlite.SetPlanner(t, p[0], p[1])
			w := newTwin(t, uint64(i)+1)
			if i > 0 {
				sqlite.SetAnyPlan(t, rand.New(rand.NewPCG(uint64(i), 1)))
			}
			w.populate(600)
			checkIndex(t, w.db)
			filters := w.filters()
			for _, d := range []time.Duration{-time.Hour, 0, 30 * time.Minute, 25 * time.Hour, 400 * 24 * time.Hour} {
				w.compare(w.t0.Add(d), filters, 5)
			}
			w.change(300)
			checkIndex(t, w.db)
			w.compare(w.t0.Add(2*time.Hour), filters, 5)
		})
	}
}

// TestDirectoryAfterBulkLoad runs the same comparison on a directory loaded
// in bulk, whose blocks are made at once.
func TestDirectoryAfterBulkLoad(t *testing.T) {
	sqlite.SetBlockSize(t, 32)
	w := newTwin(t, 99)
	n, err := w.db.LoadUsers(t.Context(), sample.Users(5, w.t0), 700)
	if err != nil || n != 700 {
		t.Fatalf("loaded %d users: %v", n, err)
	}
	i := 0
	if err := w.mem.Write(t.Context(), func(tx app.Tx) error {
		for u := range sample.Users(5, w.t0) {
			if i == 700 {
				break
			}
			if err := tx.CreateUser(&u); err != nil {
				return err
			}
			w.user = append(w.user, u)
			i++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checkIndex(t, w.db)
	w.compare(w.t0, w.filters(), 6)
	w.change(200)
	checkIndex(t, w.db)
	w.compare(w.t0.Add(time.Hour), w.filters(), 6)
}

// TestSearchSeparatorsAndLetters: what a French administrator types finds
// the name, whatever the separators and the letters beyond accents.
func TestSearchSeparatorsAndLetters(t *testing.T) {
	db := openDB(t)
	people := map[string]string{
		"Jean-Noël Müller":       "jnm@company.example",
		"Marie-Claire d’Aubigné": "mcd@company.example",
		"Łukasz Wójcik":          "lw@company.example",
		"Søren Ødegaard":         "so@company.example",
		"Þóra Sigurðardóttir":    "ts@company.example",
		"Ħal Đorđević":           "hd@company.example",
		"Iıİ Straße Œuvre Æsa":   "mix@company.example",
		"Ĳsbrand Ŀlull":          "ij@company.example",
	}
	for name, email := range people {
		createUsers(t, db, employee(name, email))
	}
	for _, c := range []struct{ typed, want string }{
		{"jean noel", "jnm@company.example"}, {"jean-noel", "jnm@company.example"}, {"jeannoel", "jnm@company.example"},
		{"JEAN  NOËL MULLER", "jnm@company.example"}, {"noel mul", "jnm@company.example"},
		{"marie claire", "mcd@company.example"}, {"d'aubigne", "mcd@company.example"}, {"daubigne", "mcd@company.example"},
		{"d’aubigné", "mcd@company.example"}, {"dʼaubigne", "mcd@company.example"}, {"d‘aubigne", "mcd@company.example"},
		{"lukasz", "lw@company.example"}, {"wojcik", "lw@company.example"},
		{"soren", "so@company.example"}, {"odegaard", "so@company.example"},
		{"thora", "ts@company.example"}, {"sigurdardottir", "ts@company.example"},
		{"hal", "hd@company.example"}, {"dordevic", "hd@company.example"},
		{"iii", "mix@company.example"}, {"strasse", "mix@company.example"}, {"oeuvre", "mix@company.example"}, {"aesa", "mix@company.example"},
		{"ijsbrand", "ij@company.example"}, {"llull", "ij@company.example"},
		{"jnm@company", "jnm@company.example"}, {"jnm company", "jnm@company.example"},
	} {
		got, _ := search(t, db, app.UserQuery{Text: c.typed})
		if !slices.Contains(got, c.want) {
			t.Errorf("search %q = %q, want it to hold %s", c.typed, got, c.want)
		}
	}
	// Separators join nothing across the name and the login.
	if got, _ := search(t, db, app.UserQuery{Text: "mullerjnm"}); len(got) != 0 {
		t.Errorf(`search "mullerjnm" = %q: a match across the name and the login`, got)
	}
}

// TestBlocksSplitAndMerge moves users out of one end of the orders and into
// the other, one by one, so that blocks of four users split at one end and
// merge at the other, and checks the counts and the pages all along.
func TestBlocksSplitAndMerge(t *testing.T) {
	sqlite.SetBlockSize(t, 4)
	w := newTwin(t, 3)
	var batch []app.User
	for i := range 120 {
		batch = append(batch, app.User{Name: fmt.Sprintf("A %03d", i), Email: fmt.Sprintf("a%03d@company.example", i),
			Role: app.RoleEmployee, HasMailbox: true, CreatedAt: w.t0.Add(time.Duration(i) * time.Minute)})
	}
	w.create(batch)
	for round := range 6 {
		var changed []app.User
		for i := round * 20; i < (round+1)*20; i++ {
			u := w.user[i]
			u.Name = fmt.Sprintf("Z %03d", i)
			u.LastSignInAt = w.t0.Add(time.Duration(i) * time.Hour)
			u.Disabled = i%3 == 0
			w.user[i] = u
			changed = append(changed, u)
		}
		for _, u := range changed { // one transaction each: blocks change between them
			w.write(func(tx app.Tx) error { return tx.UpdateUser(&u) })
		}
		checkIndex(t, w.db)
		w.compare(w.t0, []app.UserFilter{{}, {Statuses: app.Statuses(app.StatusDisabled)}, {Statuses: app.Statuses(app.StatusActive)}}, 3)
	}
}

// TestMigrationRebuildsSearchAndOrders opens a database that an older
// version wrote (search texts with their separators, the search index by
// rank) and finds it searchable as folding now says, with its orders and
// blocks made.
func TestMigrationRebuildsSearchAndOrders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sqlite.OpenUpTo(path, "0003_throttle_purge.sql")
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC).UnixNano()
	for i, u := range []struct{ name, email, sortKey, text string }{
		{"Jean-Noël Müller", "jn@acme.example", "jean-noel muller\x00jn@acme.example", "jean-noel muller jn@acme.example "},
		{"Łukasz O’Brien", "lo@acme.example", "łukasz o’brien\x00lo@acme.example", "łukasz o’brien lo@acme.example "},
		{"Ada Lovelace", "ada@acme.example", "ada lovelace\x00ada@acme.example", "ada lovelace ada@acme.example "},
	} {
		rank := int64(i+1) << 12
		if _, err := raw.Exec(`INSERT INTO users (id, email, email_key, name, role, has_mailbox, recovery_email, disabled,
			password_hash, password_temporary, temporary_expires_at, password_changed_at, last_signin_at, created_at, updated_at,
			sort_key, search_text, rank) VALUES (?, ?, ?, ?, 'employee', 1, '', ?, 'hash', 0, NULL, ?, NULL, ?, ?, ?, ?, ?)`,
			i+1, u.email, u.email, u.name, i == 1, at, at+int64(i), at, u.sortKey, u.text, rank); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO users_grams (rowid, doc) VALUES (?, ?)`, rank, sqlite.GramDoc(u.text)); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkIndex(t, db)
	for typed, want := range map[string]string{"jean noel": "jn@acme.example", "lukasz obrien": "lo@acme.example", "lovelace": "ada@acme.example"} {
		if got, _ := search(t, db, app.UserQuery{Text: typed}); !slices.Equal(got, []string{want}) {
			t.Errorf("search %q after the migration: %q, want %s", typed, got, want)
		}
	}
	var disabled, newest []app.User
	read(t, db, func(tx app.Tx) error {
		set := app.UserFilter{Statuses: app.Statuses(app.StatusDisabled)}.Set(time.Now())
		if disabled, err = tx.ListUsers(set, app.UserSort{}, 0, 10); err != nil {
			return err
		}
		newest, err = tx.ListUsers(app.UserFilter{}.Set(time.Now()), app.UserSort{By: app.SortPasswordChanged, Desc: true}, 0, 10)
		return err
	})
	if len(disabled) != 1 || disabled[0].Email != "lo@acme.example" {
		t.Errorf("disabled after the migration: %v", disabled)
	}
	if len(newest) != 3 || newest[0].Email != "ada@acme.example" || newest[2].Email != "jn@acme.example" {
		t.Errorf("by password changed, newest first: %v", newest)
	}
}
