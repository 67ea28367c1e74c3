package storetest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"sesame/app"
)

// search returns the logins of one page of a search, and the page.
func search(t testing.TB, s app.Store, q app.UserQuery) ([]string, app.UserPage) {
	t.Helper()
	var page app.UserPage
	read(t, s, func(tx app.Tx) error {
		var err error
		page, err = tx.SearchUsers(q)
		return err
	})
	return logins(page.Users), page
}

func logins(users []app.User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Email)
	}
	return out
}

// SearchAll follows the cursors of a search to its end and returns every
// login found, failing on a page that is too long or a More that lies.
func SearchAll(t testing.TB, s app.Store, text string, limit int) []string {
	t.Helper()
	var all []string
	q := app.UserQuery{Text: text, Limit: limit}
	for pages := 0; ; pages++ {
		found, page := search(t, s, q)
		if size := cmp.Or(max(limit, 0), 50); len(found) > size || (page.More && len(found) < size) {
			t.Fatalf("search %q: page of %d users for limit %d, More %v", text, len(found), limit, page.More)
		}
		if page.More && len(found) == 0 {
			t.Fatal("an empty page says more follow")
		}
		if n := len(page.Users); n > 0 {
			last := page.Users[n-1]
			if page.Next != (app.Cursor{SortKey: app.SortKey(&last), ID: last.ID}) {
				t.Fatalf("search %q: Next = %+v, want the cursor of the last row", text, page.Next)
			}
		}
		all = append(all, found...)
		if !page.More {
			return all
		}
		if pages > 10000 {
			t.Fatal("paging does not end")
		}
		q.After = page.Next
	}
}

// Expected is what a search for text must return among users: those whose
// app.SearchText holds app.SearchFragment(text), in name order.
func Expected(users []app.User, text string) []string {
	frag := app.SearchFragment(text)
	var found []app.User
	for _, u := range users {
		if strings.Contains(app.SearchText(&u), frag) {
			found = append(found, u)
		}
	}
	slices.SortFunc(found, func(a, b app.User) int {
		return cmp.Or(strings.Compare(app.SortKey(&a), app.SortKey(&b)), cmp.Compare(a.ID, b.ID))
	})
	return logins(found)
}

// TestSearchFoldsAccentsAndCase: accents, case, ligatures and runs of
// spaces do not matter.
func TestSearchFoldsAccentsAndCase(t *testing.T, newStore NewStore) {
	s := newStore(t)
	createUsers(t, s,
		Employee("Hélène Dupré", "h.dupre@example.com"),
		Employee("Helene Martin", "hmartin@example.com"),
		Employee("François Lœuvre", "fl@example.com"),
		Employee("Ægir Straße", "aegir@example.com"),
		Employee("Bob Smith", "bob@example.com"),
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
		if got, _ := search(t, s, app.UserQuery{Text: c.text}); !slices.Equal(got, c.want) {
			t.Errorf("search %q = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestSearchFindsLoginAndRecoveryFragments: any fragment of the login or
// the recovery e-mail finds the user.
func TestSearchFindsLoginAndRecoveryFragments(t *testing.T, newStore NewStore) {
	s := newStore(t)
	ana := Employee("Ana Lima", "ana.lima@company.example")
	ana.RecoveryEmail = "ana1987@gmail.example"
	createUsers(t, s, ana, Employee("Bob Stone", "bob.stone@company.example"), Employee("Cid", "cid@other.example"))
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
		{"ana.lima@", []string{"ana.lima@company.example"}},
		// A match never spans two fields (SearchText): separators being
		// left out, "lima" + "ana.lima" would otherwise join the name's end
		// to the login's start.
		{"lima ana.lima@", nil},
	} {
		if got, _ := search(t, s, app.UserQuery{Text: c.text}); !slices.Equal(got, c.want) {
			t.Errorf("search %q = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestSearchEmptyQueryListsEveryoneInNameOrder: name order is the folded
// name, then the login, then the ID.
func TestSearchEmptyQueryListsEveryoneInNameOrder(t *testing.T, newStore NewStore) {
	s := newStore(t)
	createUsers(t, s,
		Employee("Zoé", "zoe@example.com"),
		Employee("émile", "emile2@example.com"),
		Employee("Émile", "emile1@example.com"),
		Employee("Ana", "ana@example.com"),
		Employee("Émile", "emile0@example.com"),
		Employee("Emil", "emil@example.com"),
		Employee("Émile Zola", "ez@example.com"),
		Employee("Ève", "eve@example.com"),
		Employee("Ω", "omega@example.com"),
		Employee("Ångström", "a2@example.com"),
	)
	want := []string{"ana@example.com", "a2@example.com", "emil@example.com", "emile0@example.com", "emile1@example.com",
		"emile2@example.com", "ez@example.com", "eve@example.com", "zoe@example.com", "omega@example.com"}
	for _, text := range []string{"", "   "} {
		got, page := search(t, s, app.UserQuery{Text: text})
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

// TestSearchPaging: pages of every size follow each other without a gap or
// a repeat, for matches of every frequency.
func TestSearchPaging(t *testing.T, newStore NewStore) {
	s := newStore(t)
	r := rand.New(rand.NewPCG(1, 2))
	first := []string{"Ana", "Élise", "Marc", "Zoé", "Jean-Marc", "Léa"}
	last := []string{"Martin", "Dupont", "Marchand", "Smith"}
	var users []app.User
	for i := range 137 {
		name := first[r.IntN(len(first))] + " " + last[r.IntN(len(last))]
		users = append(users, Employee(name, fmt.Sprintf("user%03d@example.com", i)))
	}
	users = createUsers(t, s, users...)
	for _, text := range []string{"", "mar", "a", "Martin", "zoe smith", "nobody"} {
		want := Expected(users, text)
		for _, limit := range []int{0, 1, 7, 50, 136, 137, 138} {
			if got := SearchAll(t, s, text, limit); !slices.Equal(got, want) {
				t.Errorf("search %q by pages of %d: %d users, want %d\n got %q\nwant %q", text, limit, len(got), len(want), got, want)
			}
		}
	}
	if got, page := search(t, s, app.UserQuery{}); len(got) != 50 || !page.More {
		t.Errorf("default page: %d users, More %v", len(got), page.More)
	}
	if got, page := search(t, s, app.UserQuery{After: app.Cursor{SortKey: "\U0010FFFF", ID: 1}}); len(got) != 0 || page.More {
		t.Errorf("after the end: %q, More %v", got, page.More)
	}
	// A cursor between two users (one renamed since) goes on from there.
	mid := users[0]
	after := app.Cursor{SortKey: app.SortKey(&mid) + "\x00", ID: 0}
	got, _ := search(t, s, app.UserQuery{After: after, Limit: 500})
	all := Expected(users, "")
	if i := slices.Index(all, mid.Email); !slices.Equal(got, all[i+1:]) {
		t.Errorf("after a cursor of no user: %d users, want %d", len(got), len(all)-i-1)
	}
}

// TestSearchSpecialCharacters: what a query language or LIKE would make of
// a character never matters.
func TestSearchSpecialCharacters(t *testing.T, newStore NewStore) {
	s := newStore(t)
	var users []app.User
	for i, name := range []string{
		`100% Sure`, `Under_Score`, `Double "Quote"`, `O'Brien`, `Star*Man`, `Emoji 🙂 Fan`, `Plain`,
		`OR AND NOT`, `NEAR(a b)`, `Back\Slash`, `col:on`, `a^b-c+d`, `漢字 太郎`, `Ünïcödé Ω`, `[a-z]{2}.*$`,
	} {
		users = append(users, Employee(name, fmt.Sprintf("u%d@example.com", i)))
	}
	createUsers(t, s, users...)
	for _, text := range []string{
		"%", "_", `"`, `'`, "*", "🙂", "0%", "%s", "r_s", `"quote"`, `e "q`, "o'b", "'brien", "r*m", "🙂 f",
		"OR", "or and", "NOT", "NEAR(", "(a b)", `\`, `k\s`, "col:", ":", "^", "-", "+d", "a^b-c", "漢", "漢字",
		"字 太", "Ω", "unicode", "e 🙂", "\x00", "a\x00b", "\xff", "%_", "*)", `""`, "?", "%%%", "ub", "a",
		"[a-z]", ".*", "$", "{2}", "a-z", `\\`,
	} {
		want := Expected(users, text)
		if got := SearchAll(t, s, text, 3); !slices.Equal(got, want) {
			t.Errorf("search %q = %q, want %q", text, got, want)
		}
	}
}

// TestSearchAgainstModel creates and renames users at random, many at the
// same place in name order, and compares every search and count with a
// plain scan.
func TestSearchAgainstModel(t *testing.T, newStore NewStore) {
	s := newStore(t)
	r := rand.New(rand.NewPCG(3, 4))
	names := []string{"Ana", "Anaïs", "Bob", "Élodie", "Émile", "Léa", "Marc", "Marie", "Zoé", "Ünal", "Ørjan", "Œdipe"}
	randomName := func() string {
		return names[r.IntN(len(names))] + " " + names[r.IntN(len(names))]
	}
	var users []app.User
	next := 0
	newUser := func(name string) app.User {
		next++
		u := Employee(name, fmt.Sprintf("user%04d@example.com", next))
		if r.IntN(4) == 0 {
			u.RecoveryEmail = fmt.Sprintf("%s%d@perso.example", strings.ToLower(names[r.IntN(len(names))]), r.IntN(100))
		}
		return u
	}
	for round := range 6 {
		write(t, s, func(tx app.Tx) error {
			for range 40 {
				u := newUser(randomName())
				if err := tx.CreateUser(&u); err != nil {
					return err
				}
				users = append(users, u)
			}
			for i := range 30 { // a sorted import: each after the previous one
				u := newUser(fmt.Sprintf("Marc Import %03d", i))
				if err := tx.CreateUser(&u); err != nil {
					return err
				}
				users = append(users, u)
			}
			for i := range 20 { // and one in reverse order, at the very start
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
		checkIndex(t, s)
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
		want := Expected(users, text)
		if got := SearchAll(t, s, text, 13); !slices.Equal(got, want) {
			t.Errorf("search %q: %d users, want %d\n got %q\nwant %q", text, len(got), len(want), got, want)
		}
		for _, atMost := range []int{1, 10, 1000} {
			if n := countMatching(t, s, text, atMost); n != min(len(want), atMost) {
				t.Errorf("CountMatching(%q, %d) = %d, want %d", text, atMost, n, min(len(want), atMost))
			}
		}
	}
}

func countMatching(t testing.TB, s app.Store, text string, atMost int) int {
	t.Helper()
	var n int
	read(t, s, func(tx app.Tx) error {
		var err error
		n, err = tx.CountMatching(text, atMost)
		return err
	})
	return n
}

// TestCountMatching: counts stop at atMost; none is counted for atMost 0
// or less.
func TestCountMatching(t *testing.T, newStore NewStore) {
	s := newStore(t)
	createUsers(t, s, Employee("Ana", "ana@example.com"), Employee("Anaïs", "anais@example.com"), Employee("Bob", "bob@example.com"))
	for _, c := range []struct {
		text   string
		atMost int
		want   int
	}{
		{"", 10, 3}, {"", 2, 2}, {"ana", 10, 2}, {"ANAÏS", 10, 1}, {"a", 10, 3}, {"a", 1, 1},
		{"b@ex", 10, 1}, {"anais@", 10, 1}, {"zzz", 10, 0}, {"a", 0, 0}, {"a", -1, 0}, {"", 0, 0},
		{"\x00", 10, 3}, {"   ", 10, 3},
	} {
		if got := countMatching(t, s, c.text, c.atMost); got != c.want {
			t.Errorf("CountMatching(%q, %d) = %d, want %d", c.text, c.atMost, got, c.want)
		}
	}
}
