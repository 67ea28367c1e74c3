package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/sqlite"
	"sesame/data/storetest"
)

// olderDatabase makes a database as the version before canonical logins
// left it: the first three migrations, and users whose keys were their
// logins trimmed, NFKC-normalised and lower-cased.
func olderDatabase(t *testing.T, path string, users []app.User, throttle map[string]int) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"0001_init.sql", "0002_mail.sql", "0003_throttle_purge.sql"} {
		script, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(script)); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO migrations VALUES (?, 0)`, name); err != nil {
			t.Fatal(err)
		}
	}
	// Ranks in name order, as the older version kept them.
	slices.SortFunc(users, func(a, b app.User) int { return strings.Compare(oldSortKey(a), oldSortKey(b)) })
	for i, u := range users {
		text := app.FoldForSearch(u.Name + " " + u.Email + " " + u.RecoveryEmail)
		rank := int64(i+1) * 4096
		if _, err := raw.Exec(`INSERT INTO users (id, email, email_key, name, role, has_mailbox, recovery_email, disabled,
			password_hash, password_temporary, sort_key, search_text, rank) VALUES (?, ?, ?, ?, 'employee', 1, ?, 0, '', 0, ?, ?, ?)`,
			u.ID, u.Email, oldKey(u.Email), u.Name, u.RecoveryEmail, oldSortKey(u), text, rank); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO users_grams (rowid, doc) VALUES (?, ?)`, rank, sqlite.GramDoc(text)); err != nil {
			t.Fatal(err)
		}
	}
	for key, failures := range throttle {
		if _, err := raw.Exec(`INSERT INTO throttle (key, failures, last_failure) VALUES (?, ?, ?)`, key, failures, time.Now().UnixNano()); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(path, 0o600); err != nil { // as Sésame made its files
		t.Fatal(err)
	}
}

func oldKey(email string) string {
	return strings.ToLower(strings.TrimSpace(email)) // NFKC left these examples alone
}

func oldSortKey(u app.User) string { return app.FoldForSearch(u.Name) + "\x00" + oldKey(u.Email) }

// TestOlderLoginsAreMadeCanonical: opening a database of the older version
// brings its logins, keys and throttling records to the canonical form;
// two logins that become one are reported, not merged.
func TestOlderLoginsAreMadeCanonical(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	olderDatabase(t, path, []app.User{
		{ID: 1, Email: "Bob@Acme.Example", Name: "Bob Builder"},
		{ID: 2, Email: "bob@acme。example", Name: "Bob Impostor"}, // the same login, canonical
		{ID: 3, Email: "jo@xn--caf-dma.example", Name: "Jo Café", RecoveryEmail: "JO@HOME.example"},
		{ID: 4, Email: "zed@acme.example", Name: "Zed Zero"},
		{ID: 5, Email: "odd\u200b@acme.example", Name: "Odd One"},    // no longer a valid login
		{ID: 6, Email: "bo\u200bb@acme.example", Name: "Bob Hidden"}, // nor this one, which passes for bob@acme.example
	}, map[string]int{"bob@acme.example": 2, "bob@acme。example": 2, "not-an-address:00ff": 1})

	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	notes := db.Notes()
	if len(notes) != 3 || !strings.Contains(notes[0].String(), "bob@acme。example (user #2) is the same login as bob@acme.example (user #1)") ||
		!strings.Contains(notes[1].String(), "odd\u200b@acme.example (user #5) does not follow the rules for logins") ||
		!strings.Contains(notes[2].String(), "bo\u200bb@acme.example (user #6) does not follow the rules for logins") {
		t.Errorf("notes: %q", notes)
	}
	read(t, db, func(tx app.Tx) error {
		for login, want := range map[string]struct {
			id    int64
			email string
		}{
			"bob＠acme.example":       {1, "bob@acme.example"},
			"bob@acme。example":       {1, "bob@acme.example"},
			"jo@café.example":        {3, "jo@café.example"},
			"odd\u200b@acme.example": {5, "odd\u200b@acme.example"},
		} {
			u, err := tx.UserByEmail(login)
			if err != nil || u.ID != want.id || u.Email != want.email {
				t.Errorf("UserByEmail(%q) = #%d %q, %v; want #%d %q", login, u.ID, u.Email, err, want.id, want.email)
			}
		}
		impostor, err := tx.UserByID(2)
		if err != nil || !impostor.Disabled || impostor.Email != "bob@acme。example" || !impostor.HasLookAlike {
			t.Errorf("the colliding account: %+v %v", impostor, err)
		}
		hidden, err := tx.UserByID(6)
		if err != nil || !hidden.HasLookAlike || hidden.Disabled {
			t.Errorf("the login with a zero-width space is not marked as looking like bob@acme.example: %+v %v", hidden, err)
		}
		if faulty, _ := tx.ListAudit(app.AuditQuery{Action: app.ActionLoginAtFault}); len(faulty) != 2 {
			t.Errorf("%d events of logins at fault, want 2", len(faulty))
		}
		jo, _ := tx.UserByID(3)
		if jo.RecoveryEmail != "jo@home.example" {
			t.Errorf("recovery address %q", jo.RecoveryEmail)
		}
		th, err := tx.Throttle("bob@acme.example")
		if err != nil || th.Failures != 4 {
			t.Errorf("throttling records of one login: %d failures (%v), want 4 added up", th.Failures, err)
		}
		events, _ := tx.ListAudit(app.AuditQuery{Action: app.ActionLoginCollision})
		if len(events) != 1 {
			t.Errorf("%d collision events", len(events))
		}
		page, err := tx.SearchUsers(app.UserQuery{Text: "café"})
		if len(page.Users) != 1 || page.Users[0].ID != 3 {
			t.Errorf("search after the migration: %v", page.Users)
		}
		return err
	})
	checkIndex(t, db)
	db.Close()
	// Again: nothing more to do, nothing reported twice.
	db, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if len(db.Notes()) != 0 {
		t.Errorf("notes on the second opening: %q", db.Notes())
	}
	read(t, db, func(tx app.Tx) error {
		events, err := tx.ListAudit(app.AuditQuery{Action: app.ActionLoginCollision})
		if len(events) != 1 {
			t.Errorf("%d collision events after a second opening", len(events))
		}
		return err
	})
}

// TestOlderDatabaseOpenedForReading is brought up to date first.
func TestOlderDatabaseOpenedForReading(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	olderDatabase(t, path, []app.User{{ID: 1, Email: "Ana@Example.com", Name: "Ana"}}, nil)
	db, err := sqlite.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	read(t, db, func(tx app.Tx) error {
		u, err := tx.UserByEmail("ana@example.com")
		if u.Email != "ana@example.com" {
			t.Errorf("%q", u.Email)
		}
		return err
	})
}

// TestLookAlikesByIndex: the store finds look-alike logins through an
// index, and tells which users have one.
func TestLookAlikesByIndex(t *testing.T) {
	db := openDB(t)
	users := createUsers(t, db, storetest.Employee("Bob Martin", "bob.martin@acme.example"), storetest.Employee("Bob Rnartin", "bob.rnartin@acme.example"),
		storetest.Employee("Alice", "alice@acme.example"), storetest.Employee("Cyrillic Alice", "аlice@acme.example"), storetest.Employee("Carl", "carl@acme.example"))
	read(t, db, func(tx app.Tx) error {
		for _, c := range []struct {
			email  string
			except int64
			want   []string
		}{
			{"bob.martin@acme.example", users[0].ID, []string{"bob.rnartin@acme.example"}},
			{"b0b.rnartin@acme.example", 0, []string{"bob.martin@acme.example", "bob.rnartin@acme.example"}},
			{"a1ice@acme.example", 0, []string{"alice@acme.example", "аlice@acme.example"}},
			{"carl@acme.example", users[4].ID, nil},
		} {
			got, err := tx.LookAlikes(c.email, c.except, 10)
			if err != nil {
				return err
			}
			var emails []string
			for _, u := range got {
				emails = append(emails, u.Email)
			}
			slices.Sort(emails)
			if !slices.Equal(emails, c.want) {
				t.Errorf("LookAlikes(%q) = %q, want %q", c.email, emails, c.want)
			}
		}
		page, err := tx.SearchUsers(app.UserQuery{})
		for _, u := range page.Users {
			if want := u.Email != "carl@acme.example"; u.HasLookAlike != want {
				t.Errorf("%s: HasLookAlike %v", u.Email, u.HasLookAlike)
			}
		}
		return err
	})
	plan, err := sqlite.QueryPlan(t.Context(), db, `SELECT id FROM users u WHERE u.look_alike_key = ? AND u.id <> ? ORDER BY u.sort_key, u.id LIMIT 3`,
		sqlite.LookAlikeKey("bob@acme.example"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "INDEX users_by_look_alike (look_alike_key=?)") || strings.Contains(plan, "SCAN u") {
		t.Errorf("look-alikes are not found through their index:\n%s", plan)
	}
}
