package sqlite_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/sample"
	"sesame/data/sqlite"
	"sesame/data/storetest"
)

// TestDirectoryPlans runs the contract's comparison with the brute force
// (storetest.TestDirectoryAgainstBruteForce) on a real file whose blocks
// hold 16 users, so that they split and merge, and whose planner takes the
// paths of a large directory, or any path at random.
func TestDirectoryPlans(t *testing.T) {
	sqlite.SetBlockSize(t, 16)
	sqlite.SetCellsChunk(t, 50)
	for i, p := range [][2]int64{{30_000, 20_000}, {40, 10}, {5, 0}} {
		t.Run(fmt.Sprintf("candidates=%d,gather=%d", p[0], p[1]), func(t *testing.T) {
			sqlite.SetPlanner(t, p[0], p[1])
			db := openDB(t)
			w := storetest.NewTwin(t, db, uint64(i)+1)
			if i > 0 {
				sqlite.SetAnyPlan(t, rand.New(rand.NewPCG(uint64(i), 1)))
			}
			w.Populate(600)
			checkIndex(t, db)
			filters := w.Filters()
			for _, d := range []time.Duration{-time.Hour, 0, 30 * time.Minute, 25 * time.Hour, 400 * 24 * time.Hour} {
				w.Compare(w.T0.Add(d), filters, 5)
			}
			w.Change(300)
			checkIndex(t, db)
			w.Compare(w.T0.Add(2*time.Hour), filters, 5)
		})
	}
}

// TestShortTextCounts runs the contract's counts of short texts with the
// temporary passwords read on either side of the time, or too many to
// read (then the holders are read).
func TestShortTextCounts(t *testing.T) {
	for _, most := range []int64{0, 2, 50_000} {
		t.Run(fmt.Sprintf("expiryMax=%d", most), func(t *testing.T) {
			sqlite.SetExpiryMax(t, most)
			storetest.TestTextCountsAfterWrites(t, func(t testing.TB) app.Store { return openDB(t) })
		})
	}
}

// TestDirectoryAfterBulkLoad runs the same comparison on a directory loaded
// in bulk, whose blocks are made at once.
func TestDirectoryAfterBulkLoad(t *testing.T) {
	sqlite.SetBlockSize(t, 32)
	db := openDB(t)
	w := storetest.NewTwin(t, db, 99)
	n, err := db.LoadUsers(t.Context(), sample.Users(5, w.T0), 700)
	if err != nil || n != 700 {
		t.Fatalf("loaded %d users: %v", n, err)
	}
	w.MirrorLoaded(sample.Users(5, w.T0), 700)
	checkIndex(t, db)
	w.Compare(w.T0, w.Filters(), 6)
	w.Change(200)
	checkIndex(t, db)
	w.Compare(w.T0.Add(time.Hour), w.Filters(), 6)
}

// TestBlocksSplitAndMerge moves users out of one end of the orders and into
// the other, so that blocks of 16 users split at one end and merge at the
// other (below 4 users), and checks the counts and the pages all along: one
// user a transaction (blocks looked up in the table), and a round's 20
// users in one (blocks read once, then kept in memory through the splits
// and merges).
func TestBlocksSplitAndMerge(t *testing.T) {
	for _, together := range []bool{false, true} {
		t.Run(fmt.Sprintf("one transaction a round=%v", together), func(t *testing.T) {
			sqlite.SetBlockSize(t, 16)
			db := openDB(t)
			w := storetest.NewTwin(t, db, 3)
			var batch []app.User
			for i := range 120 {
				batch = append(batch, app.User{Name: fmt.Sprintf("A %03d", i), Email: fmt.Sprintf("a%03d@company.example", i),
					Role: app.RoleEmployee, HasMailbox: true, CreatedAt: w.T0.Add(time.Duration(i) * time.Minute)})
			}
			w.Create(batch)
			for round := range 6 {
				var changed []app.User
				for i := round * 20; i < (round+1)*20; i++ {
					u := w.User[i]
					u.Name = fmt.Sprintf("Z %03d", i)
					u.LastSignInAt = w.T0.Add(time.Duration(i) * time.Hour)
					u.Disabled = i%3 == 0
					w.User[i] = u
					changed = append(changed, u)
				}
				if together {
					w.Update(changed, nil)
				} else {
					for _, u := range changed { // one transaction each: blocks change between them
						w.Update([]app.User{u}, nil)
					}
				}
				for i := round * 20; i < (round+1)*20; i++ {
					w.User[i].Version++
				}
				checkIndex(t, db)
				w.Compare(w.T0, []app.UserFilter{{}, {Statuses: app.Statuses(app.StatusDisabled)}, {Statuses: app.Statuses(app.StatusActive)}}, 3)
			}
		})
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
		if got := storetest.SearchAll(t, db, typed, 50); !slices.Equal(got, []string{want}) {
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
	// The holders of short texts, counted by the migration.
	svc := app.NewService(app.Config{Store: db})
	for text, want := range map[string]int{"lo": 2, "l": 3, "zz": 0, "mul": 1} {
		if n, err := svc.MatchCount(t.Context(), app.UserFilter{Text: text}); err != nil || n != want {
			t.Errorf("%q after the migration: %d users (%v), want %d", text, n, err, want)
		}
	}
}

// TestTypedCountsSeeOtherProcesses: the count of a text typed after
// another one (counted from the previous text's matches kept in memory)
// sees what another process on the same file wrote in between: a holder
// renamed, one added, one locked.
func TestTypedCountsSeeOtherProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	var dbs [2]*sqlite.DB
	for i := range dbs {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	here, there := dbs[0], dbs[1]
	users := createUsers(t, there, storetest.Employee("Marie Martin", "mm@acme.example"),
		storetest.Employee("Marie Dubois", "md@acme.example"), storetest.Employee("Mario Rossi", "mr@acme.example"))
	now := time.Now()
	count := func(text string) (n int, locked int) {
		t.Helper()
		read(t, here, func(tx app.Tx) error {
			c, err := tx.CountCells(app.UserSet{Text: text, Cells: app.AllCells(), Now: now})
			for cell, k := range c {
				n += k
				if app.Cell(cell)&app.CellLocked != 0 {
					locked += k
				}
			}
			return err
		})
		return n, locked
	}
	if n, _ := count("mari"); n != 3 {
		t.Fatalf(`"mari": %d users, want 3`, n)
	}
	write(t, there, func(tx app.Tx) error {
		u, err := tx.UserByID(users[0].ID)
		if err != nil {
			return err
		}
		u.Name = "Maryse Martin"
		return tx.UpdateUser(&u)
	})
	if n, _ := count("marie"); n != 1 {
		t.Fatalf(`"marie" after a rename by another process: %d users, want 1`, n)
	}
	createUsers(t, there, storetest.Employee("Marie Curie", "mc@acme.example"))
	if n, _ := count("marie"); n != 2 {
		t.Fatalf(`"marie" after a creation by another process: %d users, want 2`, n)
	}
	write(t, there, func(tx app.Tx) error {
		return tx.PutThrottle(app.Throttle{Key: app.EmailKey("md@acme.example"), Failures: 5, LastFailure: now,
			LockedUntil: now.Add(time.Hour)})
	})
	if n, locked := count("marie d"); n != 1 || locked != 1 {
		t.Fatalf(`"marie d" after a lock by another process: %d users, %d locked, want 1 and 1`, n, locked)
	}
}
