package sqlite_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/sample"
	"sesame/data/sqlite"
	"sesame/data/storetest"
)

func TestGramMatchIsPlainWords(t *testing.T) {
	words := regexp.MustCompile(`^[0-9a-f]+( AND [0-9a-f]+)*$`)
	for _, text := range []string{"a", "ab", "abc", "abcd", `"OR"*`, "a\"b'c*d(e)f:g^h", "🙂🙂🙂🙂", "漢字太郎", "NEAR(x)"} {
		if m := sqlite.GramMatch(text); !words.MatchString(m) {
			t.Errorf("GramMatch(%q) = %q: not hex words", text, m)
		}
	}
	if got, want := sqlite.GramDoc("abc"), "all 61 6162 616263 62 6263 63"; got != want {
		t.Errorf("GramDoc(abc) = %q, want %q", got, want)
	}
}

func TestGenerateUsers(t *testing.T) {
	db := openDB(t)
	createUsers(t, db, storetest.Employee("Existing User", "existing@example.com"))
	if _, err := sample.Load(t.Context(), db, 3000, 7); err != nil {
		t.Fatal(err)
	}
	// Again with the same seed: the logins taken are skipped, not repeated.
	if _, err := sample.Load(t.Context(), db, 500, 7); err != nil {
		t.Fatal(err)
	}
	if n := countUsers(t, db); n != 3501 {
		t.Fatalf("%d users, want 3501", n)
	}
	checkIndex(t, db)
	var users []app.User
	read(t, db, func(tx app.Tx) error {
		q := app.UserQuery{Limit: 1000}
		for {
			page, err := tx.SearchUsers(q)
			if err != nil {
				return err
			}
			users = append(users, page.Users...)
			if !page.More {
				return nil
			}
			q.After = page.Next
		}
	})
	var admins, disabled, temporary, recovery, noMailbox, accented int
	for _, u := range users {
		if _, err := app.CheckEmail(u.Email); err != nil {
			t.Errorf("generated login %q: %v", u.Email, err)
		}
		if u.RecoveryEmail != "" {
			recovery++
			if _, err := app.CheckEmail(u.RecoveryEmail); err != nil {
				t.Errorf("generated recovery e-mail %q: %v", u.RecoveryEmail, err)
			}
		}
		if _, err := app.CheckName(u.Name); err != nil {
			t.Errorf("generated name %q: %v", u.Name, err)
		}
		if u.IsAdmin() {
			admins++
		}
		if u.Disabled {
			disabled++
		}
		if u.PasswordTemporary {
			temporary++
			if u.TemporaryExpiresAt.IsZero() || u.PasswordHash != sample.DummyHash {
				t.Errorf("temporary password of %s: expires %v, hash %q", u.Email, u.TemporaryExpiresAt, u.PasswordHash)
			}
		}
		if !u.HasMailbox {
			noMailbox++
		}
		if app.Fold(u.Name) != strings.ToLower(u.Name) {
			accented++
		}
	}
	for _, c := range []struct {
		what     string
		n        int
		min, max int // percent
	}{
		{"admins", admins, 1, 6}, {"disabled", disabled, 1, 5}, {"temporary passwords", temporary, 2, 10},
		{"recovery e-mails", recovery, 15, 35}, {"without mailbox", noMailbox, 2, 10}, {"accented names", accented, 10, 90},
	} {
		if p := 100 * c.n / len(users); p < c.min || p > c.max {
			t.Errorf("%d%% %s among %d users, want %d%% to %d%%", p, c.what, len(users), c.min, c.max)
		}
	}
	if got := storetest.Expected(users, "helene"); len(got) == 0 {
		t.Error("no Hélène among the generated users")
	} else if found := storetest.SearchAll(t, db, "helene", 50); !slices.Equal(found, got) {
		t.Errorf("search helene: %d users, want %d", len(found), len(got))
	}
}

// TestIndexHeldBackInATransaction: the search index's and the audit log's
// changes wait for the transaction's end, yet a search or a read of the
// log inside it sees them; a user created, renamed and renamed back in one
// transaction, and one renamed twice, leave the index whole.
func TestIndexHeldBackInATransaction(t *testing.T) {
	db := openDB(t)
	users := createUsers(t, db, app.User{Email: "anne@acme.example", Name: "Anne Aubert"}, app.User{Email: "bruno@acme.example", Name: "Bruno Blanc"})
	write(t, db, func(tx app.Tx) error {
		u := app.User{Email: "zelie@acme.example", Name: "Zélie Zorn"}
		if err := tx.CreateUser(&u); err != nil {
			return err
		}
		if err := tx.AddAudit(app.AuditEvent{At: time.Now(), Actor: "admin@acme.example", Subject: u.Email, Action: app.ActionUserCreate}); err != nil {
			return err
		}
		for _, q := range []struct {
			text string
			want int
		}{{"zelie", 1}, {"aubert", 1}, {"acme", 3}} {
			page, err := tx.SearchUsers(app.UserQuery{Text: q.text})
			if err != nil {
				return err
			}
			if n, err := tx.CountMatching(q.text, 10); err != nil || len(page.Users) != q.want || n != q.want {
				t.Errorf("in the transaction, %q finds %d users, counts %d (%v); want %d", q.text, len(page.Users), n, err, q.want)
			}
		}
		events, err := tx.ListAudit(app.AuditQuery{Subject: "zelie"})
		if err != nil || len(events) != 1 {
			t.Errorf("in the transaction, the log of zelie: %v %v", events, err)
		}
		// Renamed to the front and back: its rowid moves twice.
		for _, name := range []string{"Aaron Zorn", "Zélie Zorn"} {
			u.Name = name
			if err := tx.UpdateUser(&u); err != nil {
				return err
			}
		}
		anne := users[0]
		anne.Version = 1
		for _, name := range []string{"Yvonne Aubert", "Anne-Marie Aubert"} {
			anne.Name = name
			if err := tx.UpdateUser(&anne); err != nil {
				return err
			}
		}
		return nil
	})
	checkIndex(t, db)
	read(t, db, func(tx app.Tx) error {
		for q, want := range map[string]string{"zorn": "zelie@acme.example", "anne-marie": "anne@acme.example", "blanc": "bruno@acme.example"} {
			page, err := tx.SearchUsers(app.UserQuery{Text: q})
			if err != nil || len(page.Users) != 1 || page.Users[0].Email != want {
				t.Errorf("%q finds %+v, %v; want %s", q, page.Users, err, want)
			}
		}
		if page, err := tx.SearchUsers(app.UserQuery{Text: "yvonne"}); err != nil || len(page.Users) != 0 {
			t.Errorf("the name in between is still found: %+v %v", page.Users, err)
		}
		return nil
	})
}
