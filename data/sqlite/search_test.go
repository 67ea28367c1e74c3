package sqlite_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

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
