package storetest

import (
	"fmt"
	"iter"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/memstore"
	"sesame/data/sample"
)

// The directory: the queries of app.UserSet and app.UserSort against the
// in-memory store's brute force, on generated directories, with the clock
// moved across expiries and the ends of locks.

// Twin applies the same writes to a store under test and to the in-memory
// store, whose brute force is the oracle of the directory's queries
// (ListUsers, CountCells, UsersAfter, and the service's ListUsers and
// UserCounts on them).
type Twin struct {
	t    *testing.T
	s    app.Store // the store under test
	mem  *memstore.Store
	r    *rand.Rand
	T0   time.Time  // the time around which the users' times lie
	User []app.User // the users as written, by ID - 1
}

func NewTwin(t *testing.T, s app.Store, seed uint64) *Twin {
	return &Twin{t: t, s: s, mem: memstore.New(), r: rand.New(rand.NewPCG(seed, 7)),
		T0: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
}

// Write runs fn on both stores.
func (w *Twin) Write(fn func(tx app.Tx) error) {
	w.t.Helper()
	write(w.t, w.s, fn)
	if err := w.mem.Write(w.t.Context(), fn); err != nil {
		w.t.Fatal(err)
	}
}

// around returns a time near t0: before, at, or after it, by minutes to
// years, for expiries, locks and sign-ins that the test's clocks cross.
func (w *Twin) around() time.Time {
	d := []time.Duration{time.Minute, time.Hour, 24 * time.Hour, 40 * 24 * time.Hour, 400 * 24 * time.Hour}[w.r.IntN(5)]
	return w.T0.Add(time.Duration(w.r.Int64N(int64(2*d))) - d).Truncate(time.Second)
}

// Populate creates n generated users, with edge cases, user by user, in
// batches, then changes many of them and locks some.
func (w *Twin) Populate(n int) {
	gen, stop := iter.Pull(sample.Users(int64(w.r.Uint64()), w.T0))
	defer stop()
	edge := []app.User{
		{Name: "Jean-Noël Müller", Email: "jn.muller@company.example", Role: app.RoleAdmin, HasMailbox: true},
		{Name: "Jean Noel Muller", Email: "jean.noel@company.example", Role: app.RoleEmployee, HasMailbox: true},
		{Name: "Ødegaard Łukasz", Email: "lukasz@nomail.company.example", Role: app.RoleEmployee},
		{Name: "Zoë O’Brien", Email: "zoe.obrien@company.example", Role: app.RoleEmployee, HasMailbox: true, RecoveryEmail: "zoe@perso.example"},
		{Name: "Same Time", Email: "same1@company.example", Role: app.RoleEmployee, HasMailbox: true, CreatedAt: w.T0, LastSignInAt: w.T0},
		{Name: "Same Time", Email: "same2@company.example", Role: app.RoleEmployee, HasMailbox: true, CreatedAt: w.T0, LastSignInAt: w.T0},
		{Name: "No Times", Email: "never@company.example", Role: app.RoleEmployee, HasMailbox: true},
	}
	for len(w.User) < n {
		batch := make([]app.User, 50)
		for i := range batch {
			if len(edge) > 0 {
				batch[i], edge = edge[0], edge[1:]
			} else {
				batch[i], _ = gen()
			}
		}
		w.Create(batch)
	}
	w.Change(n / 2)
}

// Create writes the same users to both stores, in one transaction each:
// each store writes its own copies, with the same IDs.
func (w *Twin) Create(batch []app.User) {
	w.Write(func(tx app.Tx) error {
		for _, u := range batch {
			if err := tx.CreateUser(&u); err != nil {
				return err
			}
		}
		return nil
	})
	for _, u := range batch {
		u.ID, u.Version = int64(len(w.User)+1), 1
		w.User = append(w.User, u)
	}
}

// Change updates n random users in both stores and locks or unlocks some.
func (w *Twin) Change(n int) {
	var changed []app.User
	var locks []app.Throttle
	for range n {
		i := w.r.IntN(len(w.User))
		u := w.User[i]
		switch w.r.IntN(9) {
		case 0:
			u.Name = w.User[w.r.IntN(len(w.User))].Name // a tie with another's name
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
		w.User[i] = u
		changed = append(changed, u)
		if w.r.IntN(4) == 0 {
			locks = append(locks, app.Throttle{Key: app.EmailKey(u.Email), Failures: 5, LastFailure: w.T0, LockedUntil: w.around()})
		}
	}
	// A lock of a login that no user has.
	locks = append(locks, app.Throttle{Key: "nobody@company.example", Failures: 9, LastFailure: w.T0, LockedUntil: w.T0.Add(time.Hour)})
	w.Update(changed, locks)
}

// Update writes changed users (w.User must hold them already) and throttle
// records to both stores, in one transaction each.
func (w *Twin) Update(changed []app.User, locks []app.Throttle) {
	w.t.Helper()
	w.Write(func(tx app.Tx) error {
		for _, u := range changed {
			// The model does not follow versions: the stored one is
			// taken (a user may be changed twice here).
			cur, err := tx.UserByID(u.ID)
			if err != nil {
				return err
			}
			u.Version = cur.Version
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

// Filters returns a mix of filters: every status alone, combinations of
// every facet, and texts of every kind (one letter, pairs, names, a login,
// separators, a miss).
func (w *Twin) Filters() []app.UserFilter {
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

// Compare checks every query of the directory on both stores, for n of
// the filters drawn at random, at time now.
func (w *Twin) Compare(now time.Time, filters []app.UserFilter, n int) {
	w.t.Helper()
	for range n {
		f := filters[w.r.IntN(len(filters))]
		set := f.Set(now)
		name := fmt.Sprintf("at %s, filter %+v", now.Sub(w.T0), f)
		// Counts, with every cell and the staleness of the filter.
		all := set
		all.Cells, all.IdleBefore = app.AllCells(), now.Add(-cmpOr(f.StaleAfter, app.DefaultStaleAfter))
		want := memCounts(w, all)
		if got := storeCounts(w, all); got != want {
			w.t.Fatalf("%s: CountCells differ\n got %v\nwant %v", name, nonZero(got), nonZero(want))
		}
		if got, want := storeCounts(w, set), memCounts(w, set); got != want {
			w.t.Fatalf("%s: CountCells of the set differ\n got %v\nwant %v", name, nonZero(got), nonZero(want))
		}
		for by := app.SortName; by <= app.SortCreated; by++ {
			for _, desc := range []bool{false, true} {
				o := app.UserSort{By: by, Desc: desc}
				full := w.list(w.mem, set, o, 0, 1<<20)
				if got := w.list(w.s, set, o, 0, 1<<20); !slices.Equal(got, full) {
					w.t.Fatalf("%s, order %v: %d users, want %d\n got %v\nwant %v", name, o, len(got), len(full), head(got), head(full))
				}
				for _, p := range w.pages(len(full)) {
					got := w.list(w.s, set, o, p[0], p[1])
					if want := full[min(p[0], len(full)):min(p[0]+p[1], len(full))]; !slices.Equal(got, want) {
						w.t.Fatalf("%s, order %v, offset %d, limit %d:\n got %v\nwant %v", name, o, p[0], p[1], got, want)
					}
				}
			}
		}
		// Through the service: the orders made of segments, and the counts
		// of every facet.
		clock := func() time.Time { return now }
		storeSvc := app.NewService(app.Config{Store: w.s, Now: clock})
		memSvc := app.NewService(app.Config{Store: w.mem, Now: clock})
		if got, want := w.userCounts(storeSvc, f), w.userCounts(memSvc, f); got != want {
			w.t.Fatalf("%s: UserCounts\n got %+v\nwant %+v", name, got, want)
		} else if n, err := storeSvc.MatchCount(w.t.Context(), f); err != nil || n != want.Total {
			w.t.Fatalf("%s: MatchCount %d (%v), want %d", name, n, err, want.Total)
		}
		for _, by := range []app.SortColumn{app.SortRole, app.SortStatus} {
			for _, desc := range []bool{false, true} {
				o := app.UserSort{By: by, Desc: desc}
				full := w.all(memSvc, f, o)
				for _, p := range append(w.pages(len(full)), [2]int{0, app.MaxPage}) {
					got, more := w.page(storeSvc, f, o, p[0], p[1])
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
			users := w.after(w.s, set, after, 17)
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
func (w *Twin) pages(n int) [][2]int {
	out := [][2]int{{0, 50}, {max(n-1, 0), 5}, {n, 3}}
	for range 2 {
		out = append(out, [2]int{w.r.IntN(n + 1), 1 + w.r.IntN(40)})
	}
	return out
}

func (w *Twin) list(s app.Store, set app.UserSet, o app.UserSort, offset, limit int) []int64 {
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

func (w *Twin) page(svc *app.Service, f app.UserFilter, o app.UserSort, offset, limit int) (ids []int64, more bool) {
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
func (w *Twin) all(svc *app.Service, f app.UserFilter, o app.UserSort) []int64 {
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

func (w *Twin) userCounts(svc *app.Service, f app.UserFilter) app.UserCounts {
	w.t.Helper()
	c, err := svc.UserCounts(w.t.Context(), f)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *Twin) after(s app.Store, set app.UserSet, after int64, limit int) []int64 {
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

func cellCounts(t *testing.T, s app.Store, set app.UserSet) app.CellCounts {
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

func memCounts(w *Twin, set app.UserSet) app.CellCounts   { return cellCounts(w.t, w.mem, set) }
func storeCounts(w *Twin, set app.UserSet) app.CellCounts { return cellCounts(w.t, w.s, set) }

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

// TestDirectoryAgainstBruteForce compares every query of the directory
// with the in-memory store's brute force: generated users written one by
// one and changed, every sort and filter, pages forward and backward at
// every kind of position, counts by cell, with the clock moved across
// expiries and the ends of locks.
func TestDirectoryAgainstBruteForce(t *testing.T, newStore NewStore) {
	w := bruteTwin(t, newStore, 1)
	w.Populate(300)
	checkIndex(t, w.s)
	filters := w.Filters()
	for _, d := range []time.Duration{-time.Hour, 30 * time.Minute, 25 * time.Hour, 400 * 24 * time.Hour} {
		w.Compare(w.T0.Add(d), filters, 4)
	}
	w.Change(150)
	checkIndex(t, w.s)
	w.Compare(w.T0.Add(2*time.Hour), filters, 4)
}

// bruteTwin is a Twin of a new store, to compare with the brute force;
// the test is skipped for the in-memory store, which is the brute force
// itself (app's TestDirectoryListsAndCounts checks it against the
// filters' meaning).
func bruteTwin(t *testing.T, newStore NewStore, seed uint64) *Twin {
	s := newStore(t)
	if _, ok := s.(*memstore.Store); ok {
		t.Skip("the in-memory store is the brute force itself")
	}
	return NewTwin(t, s, seed)
}

// MirrorLoaded writes to the oracle alone the first n users of a sequence
// that the store under test loaded by itself (in bulk).
func (w *Twin) MirrorLoaded(users iter.Seq[app.User], n int) {
	w.t.Helper()
	if err := w.mem.Write(w.t.Context(), func(tx app.Tx) error {
		i := 0
		for u := range users {
			if i == n {
				break
			}
			if err := tx.CreateUser(&u); err != nil {
				return err
			}
			w.User = append(w.User, u)
			i++
		}
		return nil
	}); err != nil {
		w.t.Fatal(err)
	}
}

// TestSearchSeparatorsAndLetters: what a French administrator types finds
// the name, whatever the separators and the letters beyond accents.
func TestSearchSeparatorsAndLetters(t *testing.T, newStore NewStore) {
	db := newStore(t)
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
		createUsers(t, db, Employee(name, email))
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

// TestTextCountsAfterWrites: the counts by cell of every text of one to
// three characters that the users hold (and of one nobody holds), and of
// longer texts typed letter by letter, agree with the brute force after
// each kind of write: users added, renamed, their role, mailbox or
// recovery e-mail changed, disabled, given a temporary password (expiring
// before and after the times asked), given their own password back,
// locked; at times on both sides of the expiries and the ends of locks,
// for every cell and for filters.
func TestTextCountsAfterWrites(t *testing.T, newStore NewStore) {
	w := bruteTwin(t, newStore, 3)
	w.Populate(40)
	step := func(name string, change func(i int, u *app.User), locks ...app.Throttle) {
		t.Helper()
		var changed []app.User
		for i := range w.User {
			if w.r.IntN(4) == 0 {
				u := w.User[i]
				change(i, &u)
				w.User[i] = u
				changed = append(changed, u)
			}
		}
		w.Update(changed, locks)
		checkIndex(t, w.s)
		w.compareTexts(name)
	}
	w.compareTexts("populated")
	w.Create([]app.User{
		{Name: "Quentin Xavier-Yvon", Email: "qxy@company.example", Role: app.RoleEmployee, HasMailbox: true},
		{Name: "Ævar Þór", Email: "aevar@nomail.company.example", Role: app.RoleAdmin, CreatedAt: w.T0},
		{Name: "Mar Mar", Email: "mar.mar@company.example", Role: app.RoleEmployee, HasMailbox: true,
			PasswordHash: sample.DummyHash, PasswordTemporary: true, TemporaryExpiresAt: w.T0.Add(time.Minute)},
	})
	checkIndex(t, w.s)
	w.compareTexts("added")
	step("renamed", func(i int, u *app.User) { u.Name = []string{"Wladimir Kzar", "Marie Mar", "Ïsabeau Ÿ", "Mo"}[i%4] })
	step("relogged", func(i int, u *app.User) { u.Email = fmt.Sprintf("zq%d.vw@company.example", i) })
	step("role", func(_ int, u *app.User) {
		u.Role = map[app.Role]app.Role{app.RoleAdmin: app.RoleEmployee, app.RoleEmployee: app.RoleAdmin}[u.Role]
	})
	step("reset", func(i int, u *app.User) {
		u.PasswordHash, u.PasswordTemporary = sample.DummyHash, true
		u.TemporaryExpiresAt = w.T0.Add([]time.Duration{-time.Hour, time.Minute, time.Hour, 48 * time.Hour}[i%4])
	})
	var locks []app.Throttle
	for i, u := range w.User {
		if i%5 == 0 {
			locks = append(locks, app.Throttle{Key: app.EmailKey(u.Email), Failures: 5, LastFailure: w.T0,
				LockedUntil: w.T0.Add(time.Duration(i%3) * time.Hour)})
		}
	}
	step("locked, mailbox and recovery", func(i int, u *app.User) {
		u.HasMailbox = !u.HasMailbox
		u.RecoveryEmail = map[bool]string{true: "", false: fmt.Sprintf("yx%d@perso.example", i)}[u.RecoveryEmail != ""]
	}, locks...)
	step("disabled", func(_ int, u *app.User) { u.Disabled = !u.Disabled })
	step("own password", func(_ int, u *app.User) {
		u.PasswordHash, u.PasswordTemporary, u.TemporaryExpiresAt, u.PasswordChangedAt = sample.DummyHash, false, time.Time{}, w.T0
	})
}

// compareTexts compares the counts by cell of the short texts that the
// users hold, and of longer ones typed letter by letter, at times around
// the expiries and locks of TestTextCountsAfterWrites, for every cell and
// for a few filters.
func (w *Twin) compareTexts(name string) {
	w.t.Helper()
	seen := map[string]bool{"qx": true, "ÿ": true}
	for _, u := range w.User {
		for part := range strings.FieldsSeq(app.SearchText(&u)) {
			r := []rune(part)
			for i := range r {
				for n := 1; n <= 3 && i+n <= len(r); n++ {
					seen[string(r[i:i+n])] = true
				}
			}
		}
	}
	texts := slices.Sorted(maps.Keys(seen))
	w.r.Shuffle(len(texts), func(i, j int) { texts[i], texts[j] = texts[j], texts[i] })
	texts = texts[:min(len(texts), 120)]
	filters := []app.UserFilter{{}, {Statuses: app.Statuses(app.StatusExpired)},
		{Statuses: app.Statuses(app.StatusMustChange, app.StatusLocked)}, {Role: app.RoleAdmin, Mailbox: app.OnlyNo},
		{Stale: app.OnlyYes, StaleAfter: time.Hour}}
	// Typed letter by letter, as in the search box: each text holds the
	// one before it (the same typed again, one with a separator, one
	// whose holders the writes change, one that everyone holds). The
	// first is typed last too: after the next write, its count must not
	// be the one from before.
	for _, typed := range []string{"marie mar", "wladimir-kzar", "zq1", "company.example", "yx1@perso", "mo mar", "marie mar"} {
		for n := 4; n <= len([]rune(typed)); n++ {
			texts = append(texts, string([]rune(typed)[:n]))
		}
		texts = append(texts, typed)
	}
	for i, text := range texts {
		now := w.T0.Add([]time.Duration{-2 * time.Hour, 30 * time.Second, 90 * time.Minute, 72 * time.Hour}[i%4])
		f := filters[i%len(filters)]
		f.Text = text
		for _, set := range []app.UserSet{{Text: text, Cells: app.AllCells(), Now: now}, f.Set(now)} {
			if got, want := storeCounts(w, set), memCounts(w, set); got != want {
				w.t.Fatalf("%s, text %q, filter %+v, at %s: CountCells\n got %v\nwant %v", name, text, f, now.Sub(w.T0),
					nonZero(got), nonZero(want))
			}
		}
	}
}

// TestNextChange: the next time a user's cell changes with no write is the
// first lock to end or temporary password to expire strictly after the
// time asked; users with their own password, locks ended and no lock at
// all do not count; zero when nothing will change.
func TestNextChange(t *testing.T, newStore NewStore) {
	s := newStore(t)
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	next := func(now time.Time) time.Time {
		t.Helper()
		var at time.Time
		read(t, s, func(tx app.Tx) error {
			var err error
			at, err = tx.NextChange(now)
			return err
		})
		return at
	}
	if at := next(t0); !at.IsZero() {
		t.Fatalf("an empty store changes at %v", at)
	}
	own := Employee("Own Password", "own@acme.example")
	own.PasswordHash, own.TemporaryExpiresAt = sample.DummyHash, t0.Add(time.Minute) // not temporary: no expiry
	temp := func(name, email string, expires time.Time) app.User {
		u := Employee(name, email)
		u.PasswordHash, u.PasswordTemporary, u.TemporaryExpiresAt = sample.DummyHash, true, expires
		return u
	}
	createUsers(t, s, own, temp("Early", "early@acme.example", t0.Add(-time.Hour)),
		temp("Later", "later@acme.example", t0.Add(2*time.Hour)), temp("Latest", "latest@acme.example", t0.Add(5*time.Hour)))
	write(t, s, func(tx app.Tx) error {
		for _, th := range []app.Throttle{
			{Key: app.EmailKey("own@acme.example"), Failures: 5, LastFailure: t0, LockedUntil: t0.Add(30 * time.Minute)},
			{Key: app.EmailKey("gone@acme.example"), Failures: 5, LastFailure: t0, LockedUntil: t0.Add(-time.Minute)},
			{Key: app.EmailKey("latest@acme.example"), Failures: 2, LastFailure: t0},
		} {
			if err := tx.PutThrottle(th); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range []struct{ now, want time.Time }{
		{t0, t0.Add(30 * time.Minute)},
		{t0.Add(30 * time.Minute), t0.Add(2 * time.Hour)}, // strictly after
		{t0.Add(3 * time.Hour), t0.Add(5 * time.Hour)},
		{t0.Add(5 * time.Hour), time.Time{}},
	} {
		if at := next(c.now); !at.Equal(c.want) {
			t.Errorf("at %v: next change %v, want %v", c.now.Sub(t0), at, c.want)
		}
	}
}
