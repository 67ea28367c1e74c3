package sqlite_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sesame/app"
	"sesame/data/sample"
	"sesame/data/sqlite"
)

// search returns the logins of the first page of a search.
func search(t *testing.T, db *sqlite.DB, q app.UserQuery) ([]string, app.UserPage) {
	t.Helper()
	var page app.UserPage
	read(t, db, func(tx app.Tx) error {
		var err error
		page, err = tx.SearchUsers(q)
		return err
	})
	var logins []string
	for _, u := range page.Users {
		logins = append(logins, u.Email)
	}
	return logins, page
}

// searchAll follows the cursors of a search to its end and returns every
// login found, failing on a page that is too long or a More that lies.
func searchAll(t *testing.T, db *sqlite.DB, text string, limit int) []string {
	t.Helper()
	var all []string
	q := app.UserQuery{Text: text, Limit: limit}
	for pages := 0; ; pages++ {
		logins, page := search(t, db, q)
		if size := cmp.Or(max(limit, 0), 50); len(logins) > size || (page.More && len(logins) < size) {
			t.Fatalf("page of %d users for limit %d, More %v", len(logins), limit, page.More)
		}
		if page.More && len(logins) == 0 {
			t.Fatal("an empty page says more follow")
		}
		all = append(all, logins...)
		if !page.More {
			return all
		}
		if pages > 10000 {
			t.Fatal("paging does not end")
		}
		q.After = page.Next
	}
}

func TestSearchFoldsAccentsAndCase(t *testing.T) {
	db := openDB(t)
	createUsers(t, db,
		employee("Hélène Dupré", "h.dupre@example.com"),
		employee("Helene Martin", "hmartin@example.com"),
		employee("François Lœuvre", "fl@example.com"),
		employee("Ægir Straße", "aegir@example.com"),
		employee("Bob Smith", "bob@example.com"),
	)
	for _, c := range []struct {
		text string
		want []string
	}{
		{"helene", []string{"h.dupre@example.com", "hmartin@example.com"}},
		{"HÉLÈNE", []string{"h.dupre@example.com", "hmartin@example.com"}},
		{"Hélène DUPRÉ", []string{"h.dupre@example.com"}},
		{"  hélène   dupre ", []string{"h.dupre@example.com"}},
		{"ène", []string{"h.dupre@example.com", "hmartin@example.com"}},
		{"francois", []string{"fl@example.com"}},
		{"loeuvre", []string{"fl@example.com"}},
		{"lœuvre", []string{"fl@example.com"}},
		{"strasse", []string{"aegir@example.com"}},
		{"aegir", []string{"aegir@example.com"}},
		{"çoi", []string{"fl@example.com"}},
		{"dupré@", []string{"h.dupre@example.com"}},
		{"ß", []string{"aegir@example.com"}},
		{"Æ", []string{"aegir@example.com"}},
		{"xyz", nil},
	} {
		if got, _ := search(t, db, app.UserQuery{Text: c.text}); !slices.Equal(got, c.want) {
			t.Errorf("search %q = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestSearchFindsLoginAndRecoveryFragments(t *testing.T) {
	db := openDB(t)
	ana := employee("Ana Lima", "ana.lima@company.example")
	ana.RecoveryEmail = "ana1987@gmail.example"
	createUsers(t, db, ana, employee("Bob Stone", "bob.stone@company.example"), employee("Cid", "cid@other.example"))
	for _, c := range []struct {
		text string
		want []string
	}{
		{"a.li", []string{"ana.lima@company.example"}},
		{"ANA.LIMA@COMPANY.EXAMPLE", []string{"ana.lima@company.example"}},
		{"1987", []string{"ana.lima@company.example"}},
		{"gmail", []string{"ana.lima@company.example"}},
		{"@", []string{"ana.lima@company.example", "bob.stone@company.example", "cid@other.example"}},
		{"company.ex", []string{"ana.lima@company.example", "bob.stone@company.example"}},
		{"other", []string{"cid@other.example"}},
		{"stone@", []string{"bob.stone@company.example"}},
	} {
		if got, _ := search(t, db, app.UserQuery{Text: c.text}); !slices.Equal(got, c.want) {
			t.Errorf("search %q = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestSearchEmptyQueryListsEveryoneInNameOrder(t *testing.T) {
	db := openDB(t)
	createUsers(t, db,
		employee("Zoé", "zoe@example.com"),
		employee("émile", "emile2@example.com"),
		employee("Émile", "emile1@example.com"),
		employee("Ana", "ana@example.com"),
		employee("Émile", "emile0@example.com"),
	)
	want := []string{"ana@example.com", "emile0@example.com", "emile1@example.com", "emile2@example.com", "zoe@example.com"}
	for _, text := range []string{"", "   "} {
		got, page := search(t, db, app.UserQuery{Text: text})
		if !slices.Equal(got, want) {
			t.Errorf("search %q = %q, want %q", text, got, want)
		}
		if page.More {
			t.Error("More with every user on the page")
		}
		last := page.Users[len(page.Users)-1]
		if page.Next != (app.Cursor{SortKey: app.SortKey(&last), ID: last.ID}) {
			t.Errorf("Next = %+v, want the cursor of the last row", page.Next)
		}
	}
}

func TestSearchPaging(t *testing.T) {
	db := openDB(t)
	r := rand.New(rand.NewPCG(1, 2))
	first := []string{"Ana", "Élise", "Marc", "Zoé", "Jean-Marc", "Léa"}
	last := []string{"Martin", "Dupont", "Marchand", "Smith"}
	var users []app.User
	for i := range 137 {
		name := first[r.IntN(len(first))] + " " + last[r.IntN(len(last))]
		users = append(users, employee(name, fmt.Sprintf("user%03d@example.com", i)))
	}
	createUsers(t, db, users...)
	for _, text := range []string{"", "mar", "a", "Martin", "zoe smith", "nobody"} {
		want := expected(users, text)
		for _, limit := range []int{0, 1, 7, 50, 136, 137, 138} {
			if got := searchAll(t, db, text, limit); !slices.Equal(got, want) {
				t.Errorf("search %q by pages of %d: %d users, want %d\n got %q\nwant %q", text, limit, len(got), len(want), got, want)
			}
		}
	}
	// The default page size is 50.
	if got, page := search(t, db, app.UserQuery{}); len(got) != 50 || !page.More {
		t.Errorf("default page: %d users, More %v", len(got), page.More)
	}
	// A cursor past the end gives an empty page.
	if got, page := search(t, db, app.UserQuery{After: app.Cursor{SortKey: "\U0010FFFF", ID: 1}}); len(got) != 0 || page.More {
		t.Errorf("after the end: %q, More %v", got, page.More)
	}
}

// expected is what a search for text must return: the users whose folded
// name, login or recovery e-mail contains the folded text (NUL dropped), in
// name order.
func expected(users []app.User, text string) []string {
	var found []app.User
	for _, u := range users {
		if app.MatchesText(&u, text) {
			found = append(found, u)
		}
	}
	slices.SortFunc(found, func(a, b app.User) int {
		return cmp.Or(strings.Compare(app.SortKey(&a), app.SortKey(&b)), cmp.Compare(a.ID, b.ID))
	})
	var logins []string
	for _, u := range found {
		logins = append(logins, u.Email)
	}
	return logins
}

func TestSearchSpecialCharacters(t *testing.T) {
	db := openDB(t)
	var users []app.User
	for i, name := range []string{
		`100% Sure`, `Under_Score`, `Double "Quote"`, `O'Brien`, `Star*Man`, `Emoji 🙂 Fan`, `Plain`,
		`OR AND NOT`, `NEAR(a b)`, `Back\Slash`, `col:on`, `a^b-c+d`, `漢字 太郎`, `Ünïcödé Ω`,
	} {
		users = append(users, employee(name, fmt.Sprintf("u%d@example.com", i)))
	}
	createUsers(t, db, users...)
	for _, text := range []string{
		"%", "_", `"`, `'`, "*", "🙂", "0%", "%s", "r_s", `"quote"`, `e "q`, "o'b", "'brien", "r*m", "🙂 f",
		"OR", "or and", "NOT", "NEAR(", "(a b)", `\`, `k\s`, "col:", ":", "^", "-", "+d", "a^b-c", "漢", "漢字",
		"字 太", "Ω", "unicode", "e 🙂", "\x00", "a\x00b", "\xff", "%_", "*)", `""`, "?", "%%%", "ub", "a",
	} {
		want := expected(users, text)
		got := searchAll(t, db, text, 3)
		if !slices.Equal(got, want) {
			t.Errorf("search %q = %q, want %q", text, got, want)
		}
	}
}

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

// TestSearchAgainstModel creates and renames users at random, many of them
// at the same place in name order so that ranks run out and neighbourhoods
// get renumbered, and compares every search with a plain scan.
func TestSearchAgainstModel(t *testing.T) {
	db := openDB(t)
	r := rand.New(rand.NewPCG(3, 4))
	names := []string{"Ana", "Anaïs", "Bob", "Élodie", "Émile", "Léa", "Marc", "Marie", "Zoé", "Ünal", "Ørjan", "Œdipe"}
	randomName := func() string {
		return names[r.IntN(len(names))] + " " + names[r.IntN(len(names))]
	}
	var users []app.User
	next := 0
	newUser := func(name string) app.User {
		next++
		u := employee(name, fmt.Sprintf("user%04d@example.com", next))
		if r.IntN(4) == 0 {
			u.RecoveryEmail = fmt.Sprintf("%s%d@perso.example", strings.ToLower(names[r.IntN(len(names))]), r.IntN(100))
		}
		return u
	}
	for round := range 6 {
		write(t, db, func(tx app.Tx) error {
			for range 40 { // random users
				u := newUser(randomName())
				if err := tx.CreateUser(&u); err != nil {
					return err
				}
				users = append(users, u)
			}
			// A sorted import: each user goes right after the previous
			// one, before the same neighbour.
			for i := range 30 {
				u := newUser(fmt.Sprintf("Marc Import %03d", i))
				if err := tx.CreateUser(&u); err != nil {
					return err
				}
				users = append(users, u)
			}
			// And one in reverse order, at the very start.
			for i := range 20 {
				u := newUser(fmt.Sprintf("Aaa %03d", 100*round+99-i))
				if err := tx.CreateUser(&u); err != nil {
					return err
				}
				users = append(users, u)
			}
			for range 30 { // renames, login and recovery changes
				i := r.IntN(len(users))
				u := users[i]
				switch r.IntN(3) {
				case 0:
					u.Name = randomName()
				case 1:
					next++
					u.Email = fmt.Sprintf("moved%04d@example.com", next)
				case 2:
					u.RecoveryEmail = ""
				}
				if err := tx.UpdateUser(&u); err != nil {
					return err
				}
				users[i] = u
			}
			return nil
		})
		checkIndex(t, db)
	}
	queries := []string{"", "a", "é", "an", "ana", "anai", "marc import 01", "import", "0", "00", "aaa 5", "perso",
		"user00", "moved", "zoe zoe", "œ", "oe", "ø", "nomatch", "@example.com", " "}
	for range 20 {
		u := users[r.IntN(len(users))]
		text := app.FoldForSearch([]string{u.Name, u.Email}[r.IntN(2)])
		i := r.IntN(len(text))
		j := min(len(text), i+1+r.IntN(6))
		queries = append(queries, strings.ToValidUTF8(text[i:j], ""))
	}
	for _, text := range queries {
		want := expected(users, text)
		if got := searchAll(t, db, text, 13); !slices.Equal(got, want) {
			t.Errorf("search %q: %d users, want %d\n got %q\nwant %q", text, len(got), len(want), got, want)
		}
		for _, atMost := range []int{1, 10, 1000} {
			n, err := countMatching(t, db, text, atMost)
			if err != nil {
				t.Fatal(err)
			}
			if want := min(len(want), atMost); n != want {
				t.Errorf("CountMatching(%q, %d) = %d, want %d", text, atMost, n, want)
			}
		}
	}
}

func countMatching(t *testing.T, db *sqlite.DB, text string, atMost int) (int, error) {
	var n int
	err := db.Read(t.Context(), func(tx app.Tx) error {
		var err error
		n, err = tx.CountMatching(text, atMost)
		return err
	})
	return n, err
}

func TestCountMatching(t *testing.T) {
	db := openDB(t)
	createUsers(t, db, employee("Ana", "ana@example.com"), employee("Anaïs", "anais@example.com"), employee("Bob", "bob@example.com"))
	for _, c := range []struct {
		text   string
		atMost int
		want   int
	}{
		{"", 10, 3}, {"", 2, 2}, {"ana", 10, 2}, {"ANAÏS", 10, 1}, {"a", 10, 3}, {"a", 1, 1},
		{"b@ex", 10, 1}, {"anais@", 10, 1}, {"zzz", 10, 0}, {"a", 0, 0}, {"a", -1, 0},
	} {
		got, err := countMatching(t, db, c.text, c.atMost)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("CountMatching(%q, %d) = %d, want %d", c.text, c.atMost, got, c.want)
		}
	}
}

func TestGenerateUsers(t *testing.T) {
	db := openDB(t)
	createUsers(t, db, employee("Existing User", "existing@example.com"))
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
	if got := expected(users, "helene"); len(got) == 0 {
		t.Error("no Hélène among the generated users")
	} else if found := searchAll(t, db, "helene", 50); !slices.Equal(found, got) {
		t.Errorf("search helene: %d users, want %d", len(found), len(got))
	}
}
