package storetest

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"sesame/app"
)

// TestUserRoundTrip: every field of a user comes back as stored, times
// exactly (to the nanosecond, in UTC), by ID and by login.
func TestUserRoundTrip(t *testing.T, newStore NewStore) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	at := time.Date(2025, 3, 14, 15, 9, 26, 535897932, paris)
	cases := map[string]app.User{
		"every field set": {
			Email: "Hélène.Dupré@Example.com", Name: "Hélène Dupré", Role: app.RoleAdmin, HasMailbox: true,
			RecoveryEmail: "helene@perso.example", Disabled: true,
			PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", PasswordTemporary: true,
			TemporaryExpiresAt: at.Add(24 * time.Hour), PasswordChangedAt: at, LastSignInAt: at.Add(time.Nanosecond),
			CreatedAt: at.Add(-time.Hour), UpdatedAt: at.Add(time.Minute), UpdatedBy: "system:root",
		},
		"zero times and empty strings": {Email: "bob@example.com", Name: "Bob", Role: app.RoleEmployee},
		"times at the edges": {
			Email: "edge@example.com", Name: "Edge", Role: app.RoleEmployee,
			CreatedAt:    time.Unix(0, 0),
			UpdatedAt:    time.Unix(0, 1<<63-1),
			LastSignInAt: time.Unix(0, -1<<63),
		},
		"text of every kind": {
			Email: "漢字.🙂@例え.jp", Name: `O'Brien "Ω" \ % _ 太郎`, Role: app.RoleEmployee,
			RecoveryEmail: "x+tag@sub.example.org", PasswordHash: strings.Repeat("h", 300),
		},
	}
	for name, u := range cases {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			want := createUsers(t, s, u)[0]
			if want.ID == 0 || want.Version != 1 {
				t.Fatalf("CreateUser set the ID %d and the version %d, want an ID and version 1", want.ID, want.Version)
			}
			var byID, byEmail app.User
			read(t, s, func(tx app.Tx) error {
				var err error
				if byID, err = tx.UserByID(want.ID); err != nil {
					return err
				}
				byEmail, err = tx.UserByEmail(want.Email)
				return err
			})
			sameFields(t, "by ID", byID, want)
			sameFields(t, "by login", byEmail, want)
			for _, v := range []time.Time{byID.CreatedAt, byID.UpdatedAt, byID.LastSignInAt} {
				if !v.IsZero() && v.Location() != time.UTC {
					t.Errorf("times come back in %v, want UTC", v.Location())
				}
			}
		})
	}
}

// TestUpdateUserStoresEveryField: UpdateUser replaces every field, times
// back to zero included, and the old login no longer finds the user.
func TestUpdateUserStoresEveryField(t *testing.T, newStore NewStore) {
	s := newStore(t)
	u := createUsers(t, s, Employee("Ana Lima", "ana@example.com"))[0]
	at := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	u = app.User{
		ID: u.ID, Email: "ana.lima@example.org", Name: "Ana Lima Souza", Role: app.RoleAdmin, HasMailbox: false,
		RecoveryEmail: "ana@perso.example", Disabled: true, PasswordHash: "hash", PasswordTemporary: true,
		TemporaryExpiresAt: at, PasswordChangedAt: at, LastSignInAt: at, CreatedAt: at, UpdatedAt: at,
		UpdatedBy: "admin@example.com", Version: u.Version,
	}
	write(t, s, func(tx app.Tx) error { return tx.UpdateUser(&u) })
	if u.Version != 2 {
		t.Errorf("version %d after one update, want 2", u.Version)
	}
	read(t, s, func(tx app.Tx) error {
		got, err := tx.UserByID(u.ID)
		if err != nil {
			return err
		}
		sameFields(t, "updated", got, u)
		if _, err := tx.UserByEmail("ana@example.com"); app.CodeOf(err) != app.ENotFound {
			t.Errorf("the old login still finds the user: %v", err)
		}
		return nil
	})
	checkIndex(t, s)
	u.TemporaryExpiresAt, u.PasswordChangedAt, u.LastSignInAt = time.Time{}, time.Time{}, time.Time{}
	write(t, s, func(tx app.Tx) error { return tx.UpdateUser(&u) })
	read(t, s, func(tx app.Tx) error {
		got, err := tx.UserByID(u.ID)
		if err != nil {
			return err
		}
		sameFields(t, "times back to zero", got, u)
		return nil
	})
}

// TestUserByEmailComparesKeys: a login is found however it is typed, as
// app.EmailKey compares it.
func TestUserByEmailComparesKeys(t *testing.T, newStore NewStore) {
	s := newStore(t)
	u := createUsers(t, s, Employee("Ana", "Ana.Lima@Example.COM"))[0]
	for _, email := range []string{"ana.lima@example.com", "  ANA.LIMA@example.com\t", "Ａｎａ.Lima@example.com"} {
		read(t, s, func(tx app.Tx) error {
			got, err := tx.UserByEmail(email)
			if err == nil && got.ID != u.ID {
				t.Errorf("UserByEmail(%q) found user %d, want %d", email, got.ID, u.ID)
			}
			return err
		})
	}
}

// TestMissingUsers: lookups and updates of missing users give ENotFound,
// naming the login looked for.
func TestMissingUsers(t *testing.T, newStore NewStore) {
	s := newStore(t)
	createUsers(t, s, Employee("Ana", "ana@example.com"))
	err := s.Read(t.Context(), func(tx app.Tx) error {
		_, err := tx.UserByEmail("nobody@example.com")
		return err
	})
	wantCode(t, err, app.ENotFound)
	if !strings.Contains(err.Error(), "nobody@example.com") {
		t.Errorf("message %q does not name the login", err)
	}
	err = s.Read(t.Context(), func(tx app.Tx) error {
		_, err := tx.UserByID(999)
		return err
	})
	wantCode(t, err, app.ENotFound)
	err = s.Write(t.Context(), func(tx app.Tx) error {
		u := Employee("Ghost", "ghost@example.com")
		u.ID = 999
		return tx.UpdateUser(&u)
	})
	wantCode(t, err, app.ENotFound)
	if n := countUsers(t, s); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
}

// TestDuplicateLogin: a login taken under any spelling gives EConflict,
// naming it, and changes nothing.
func TestDuplicateLogin(t *testing.T, newStore NewStore) {
	s := newStore(t)
	users := createUsers(t, s, Employee("Ana", "ana@example.com"), Employee("Bob", "bob@example.com"))
	for _, email := range []string{"ana@example.com", "ANA@Example.com", "  ana@example.com  ", "ａｎａ@example.com"} {
		err := s.Write(t.Context(), func(tx app.Tx) error {
			u := Employee("Another Ana", email)
			return tx.CreateUser(&u)
		})
		wantCode(t, err, app.EConflict)
		if !strings.Contains(strings.ToLower(err.Error()), "@example.com") {
			t.Errorf("message %q does not name the login", err)
		}
	}
	err := s.Write(t.Context(), func(tx app.Tx) error {
		bob := users[1]
		bob.Email, bob.Name = "Ana@example.com", "Bobby"
		return tx.UpdateUser(&bob)
	})
	wantCode(t, err, app.EConflict)
	read(t, s, func(tx app.Tx) error {
		bob, err := tx.UserByID(users[1].ID)
		if bob.Email != "bob@example.com" || bob.Name != "Bob" {
			t.Errorf("a refused update changed Bob into %q %q", bob.Name, bob.Email)
		}
		return err
	})
	// Changing the case of one's own login is fine.
	ana := users[0]
	ana.Email = "ANA@example.com"
	write(t, s, func(tx app.Tx) error { return tx.UpdateUser(&ana) })
	if n := countUsers(t, s); n != 2 {
		t.Errorf("%d users, want 2", n)
	}
	checkIndex(t, s)
}

// TestInvalidUsers: an empty login and times that cannot be kept exactly
// (before 1678 or after 2261, the range of int64 nanoseconds) give
// EInvalid and store nothing.
func TestInvalidUsers(t *testing.T, newStore NewStore) {
	s := newStore(t)
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, u := range map[string]app.User{
		"empty login":  Employee("Nobody", "  "),
		"far future":   {Email: "far@example.com", Name: "Far", Role: app.RoleEmployee, CreatedAt: far},
		"distant past": {Email: "old@example.com", Name: "Old", Role: app.RoleEmployee, LastSignInAt: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		err := s.Write(t.Context(), func(tx app.Tx) error { return tx.CreateUser(&u) })
		wantCode(t, err, app.EInvalid)
		t.Log(name, err)
	}
	if n := countUsers(t, s); n != 0 {
		t.Errorf("%d users stored, want none", n)
	}
}

// TestHasUsersAndActiveAdmins: HasUsers tells an empty store; ActiveAdmins
// lists up to limit administrators who are not disabled, in name order,
// and CountActiveAdmins counts them up to atMost.
func TestHasUsersAndActiveAdmins(t *testing.T, newStore NewStore) {
	s := newStore(t)
	read(t, s, func(tx app.Tx) error {
		some, err := tx.HasUsers()
		if some {
			t.Error("HasUsers() on an empty store")
		}
		return err
	})
	admin := func(name, email string, disabled bool) app.User {
		u := Employee(name, email)
		u.Role, u.Disabled = app.RoleAdmin, disabled
		return u
	}
	createUsers(t, s,
		admin("Zoé Zola", "zoe@example.com", false),
		Employee("Ana", "ana@example.com"),
		admin("Émile Abel", "emile@example.com", false),
		admin("Bob Off", "bob@example.com", true),
		admin("Abel Émile", "abel@example.com", false),
	)
	if n := countUsers(t, s); n != 5 {
		t.Errorf("%d users, want 5", n)
	}
	read(t, s, func(tx app.Tx) error {
		if some, err := tx.HasUsers(); err != nil || !some {
			t.Errorf("HasUsers() = %v, %v with 5 users", some, err)
		}
		for _, c := range []struct {
			limit int
			want  []string
		}{
			{10, []string{"Abel Émile", "Émile Abel", "Zoé Zola"}},
			{2, []string{"Abel Émile", "Émile Abel"}},
			{0, nil},
		} {
			admins, err := tx.ActiveAdmins(c.limit)
			if err != nil {
				return err
			}
			var names []string
			for _, a := range admins {
				names = append(names, a.Name)
			}
			if !reflect.DeepEqual(names, c.want) {
				t.Errorf("ActiveAdmins(%d) = %q, want %q", c.limit, names, c.want)
			}
		}
		for atMost, want := range map[int]int{10: 3, 2: 2, 0: 0} {
			if n, err := tx.CountActiveAdmins(atMost); err != nil || n != want {
				t.Errorf("CountActiveAdmins(%d) = %d, %v; want %d", atMost, n, err, want)
			}
		}
		return nil
	})
}

// TestLookAlikes: logins that a person cannot tell apart (app.LookAlikeKey)
// find each other, and every read of a user says whether it has one.
func TestLookAlikes(t *testing.T, newStore NewStore) {
	s := newStore(t)
	users := createUsers(t, s, Employee("Bob Martin", "bob.martin@acme.example"), Employee("Bob Rnartin", "bob.rnartin@acme.example"),
		Employee("Alice", "alice@acme.example"), Employee("Cyrillic Alice", "аlice@acme.example"), Employee("Carl", "carl@acme.example"))
	read(t, s, func(tx app.Tx) error {
		for _, c := range []struct {
			email  string
			except int64
			limit  int
			want   []string
		}{
			{"bob.martin@acme.example", users[0].ID, 10, []string{"bob.rnartin@acme.example"}},
			{"b0b.rnartin@acme.example", 0, 10, []string{"bob.martin@acme.example", "bob.rnartin@acme.example"}},
			{"b0b.rnartin@acme.example", 0, 1, []string{"bob.martin@acme.example"}},
			{"a1ice@acme.example", 0, 10, []string{"alice@acme.example", "аlice@acme.example"}},
			{"carl@acme.example", users[4].ID, 10, nil},
		} {
			got, err := tx.LookAlikes(c.email, c.except, c.limit)
			if err != nil {
				return err
			}
			if emails := logins(got); !slices.Equal(emails, c.want) {
				t.Errorf("LookAlikes(%q, %d) = %q, want %q (in name order)", c.email, c.limit, emails, c.want)
			}
		}
		// Many at once: the same users, the address's own login included,
		// each address on its own (twice the same key too).
		emails := []string{"b0b.rnartin@acme.example", "nobody@acme.example", "a1ice@acme.example", "carl@acme.example", "BOB.MARTIN@acme.example"}
		keys := make([]string, len(emails))
		for i, e := range emails {
			keys[i] = tx.LookAlikeKey(e)
		}
		many, err := tx.LookAlikesOf(keys, 1)
		if err != nil {
			return err
		}
		for i, want := range [][]string{{"bob.martin@acme.example"}, nil, {"alice@acme.example"}, {"carl@acme.example"}, {"bob.martin@acme.example"}} {
			if got := logins(many[i]); len(many) != len(emails) || !slices.Equal(got, want) {
				t.Errorf("LookAlikesOf(%q, 1)[%d] = %q, want %q", emails[i], i, got, want)
			}
		}
		if many, err = tx.LookAlikesOf(keys[:1], 10); err != nil || !slices.Equal(logins(many[0]), []string{"bob.martin@acme.example", "bob.rnartin@acme.example"}) ||
			!many[0][0].HasLookAlike || many[0][0].ID != users[0].ID {
			t.Errorf("LookAlikesOf(%q, 10) = %+v, %v", emails[0], many, err)
		}
		// The key itself, by which an import compares its rows.
		if k := tx.LookAlikeKey("b0b.rnartin@acme.example"); k == "" || k != tx.LookAlikeKey("BOB.MARTIN@acme.example") ||
			k == tx.LookAlikeKey("carl@acme.example") {
			t.Errorf("LookAlikeKey(b0b.rnartin@acme.example) = %q: not bob.martin's, or carl's", k)
		}
		page, err := tx.SearchUsers(app.UserQuery{})
		for _, u := range page.Users {
			if want := u.Email != "carl@acme.example"; u.HasLookAlike != want {
				t.Errorf("%s: HasLookAlike %v", u.Email, u.HasLookAlike)
			}
		}
		carl, _ := tx.UserByEmail("carl@acme.example")
		bob, _ := tx.UserByID(users[0].ID)
		if carl.HasLookAlike || !bob.HasLookAlike {
			t.Errorf("HasLookAlike of carl %v, of bob %v", carl.HasLookAlike, bob.HasLookAlike)
		}
		return err
	})
	// A look-alike that changes its login no longer looks alike.
	write(t, s, func(tx app.Tx) error {
		u := users[1]
		u.Email = "robert@acme.example"
		return tx.UpdateUser(&u)
	})
	read(t, s, func(tx app.Tx) error {
		bob, err := tx.UserByID(users[0].ID)
		if bob.HasLookAlike {
			t.Error("bob still has a look-alike after the other changed login")
		}
		return err
	})
}

// TestLockedUntilComesFromThrottle: every read of a user fills LockedUntil
// from the throttling record of its login key.
func TestLockedUntilComesFromThrottle(t *testing.T, newStore NewStore) {
	s := newStore(t)
	u := createUsers(t, s, Employee("Ana", "Ana@Example.com"), Employee("Bob", "bob@example.com"))[0]
	until := time.Date(2031, 5, 6, 7, 8, 9, 10, time.UTC)
	write(t, s, func(tx app.Tx) error {
		return tx.PutThrottle(app.Throttle{Key: app.EmailKey(u.Email), Failures: 5, LockedUntil: until})
	})
	read(t, s, func(tx app.Tx) error {
		byID, err := tx.UserByID(u.ID)
		if err != nil {
			return err
		}
		byEmail, err := tx.UserByEmail("ana@example.com")
		if err != nil {
			return err
		}
		page, err := tx.SearchUsers(app.UserQuery{})
		if err != nil {
			return err
		}
		found, err := tx.SearchUsers(app.UserQuery{Text: "ana"})
		if err != nil {
			return err
		}
		for _, got := range []app.User{byID, byEmail, page.Users[0], found.Users[0]} {
			if !got.LockedUntil.Equal(until) {
				t.Errorf("%s: LockedUntil = %v, want %v", got.Email, got.LockedUntil, until)
			}
		}
		if !page.Users[1].LockedUntil.IsZero() {
			t.Errorf("Bob is locked until %v", page.Users[1].LockedUntil)
		}
		return nil
	})
	// An update does not store the lock with the user.
	write(t, s, func(tx app.Tx) error {
		got, err := tx.UserByID(u.ID)
		if err != nil {
			return err
		}
		got.Name = "Ana Lima"
		if err := tx.UpdateUser(&got); err != nil {
			return err
		}
		return tx.ClearThrottle(app.EmailKey(u.Email))
	})
	read(t, s, func(tx app.Tx) error {
		got, err := tx.UserByID(u.ID)
		if !got.LockedUntil.IsZero() {
			t.Errorf("still locked until %v after ClearThrottle", got.LockedUntil)
		}
		return err
	})
}

// TestPasswordHistory: newest first (the later of two at the same instant
// first), limited, trimmed to keep, and ENotFound for a missing user.
func TestPasswordHistory(t *testing.T, newStore NewStore) {
	s := newStore(t)
	users := createUsers(t, s, Employee("Ana", "ana@example.com"), Employee("Bob", "bob@example.com"))
	ana, bob := users[0].ID, users[1].ID
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	write(t, s, func(tx app.Tx) error {
		for i := range 7 {
			if err := tx.AddPasswordHistory(ana, "h"+string(rune('0'+i)), base.Add(time.Duration(i)*time.Hour), false, 5); err != nil {
				return err
			}
		}
		if err := tx.AddPasswordHistory(bob, "b0", base, false, 3); err != nil {
			return err
		}
		return tx.AddPasswordHistory(bob, "b1", base, false, 3)
	})
	read(t, s, func(tx app.Tx) error {
		for _, c := range []struct {
			user  int64
			limit int
			want  []string
		}{
			{ana, 10, []string{"h6", "h5", "h4", "h3", "h2"}},
			{ana, 2, []string{"h6", "h5"}},
			{ana, 0, nil},
			{ana, -1, nil},
			{bob, 10, []string{"b1", "b0"}},
			{999, 10, nil},
		} {
			entries, err := tx.PasswordHistory(c.user, c.limit)
			if err != nil {
				return err
			}
			got := hashesOf(entries)
			if len(got) != len(c.want) || (len(got) > 0 && !reflect.DeepEqual(got, c.want)) {
				t.Errorf("PasswordHistory(%d, %d) = %q, want %q", c.user, c.limit, got, c.want)
			}
		}
		return nil
	})
	write(t, s, func(tx app.Tx) error { return tx.AddPasswordHistory(ana, "h7", base.Add(time.Hour*7), false, 0) })
	read(t, s, func(tx app.Tx) error {
		got, err := tx.PasswordHistory(ana, 10)
		if len(got) != 0 {
			t.Errorf("keep 0 left %q", hashesOf(got))
		}
		return err
	})
	err := s.Write(t.Context(), func(tx app.Tx) error { return tx.AddPasswordHistory(999, "x", base, false, 5) })
	wantCode(t, err, app.ENotFound)
}

// hashesOf lists the hashes of history entries, in order.
func hashesOf(entries []app.PasswordHistoryEntry) []string {
	var out []string
	for _, h := range entries {
		out = append(out, h.Hash)
	}
	return out
}

// TestTemporaryPasswordsKeepToThemselves: temporary passwords in a row do
// not push the user's own out of the history, and are kept as deep of their
// own.
func TestTemporaryPasswordsKeepToThemselves(t *testing.T, newStore NewStore) {
	s := newStore(t)
	ana := createUsers(t, s, Employee("Ana", "ana@example.com"))[0].ID
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Hour) }
	write(t, s, func(tx app.Tx) error {
		for i, h := range []string{"own1", "own2"} {
			if err := tx.AddPasswordHistory(ana, h, at(i), false, 5); err != nil {
				return err
			}
		}
		for i := range 7 {
			if err := tx.AddPasswordHistory(ana, "temp"+string(rune('0'+i)), at(10+i), true, 5); err != nil {
				return err
			}
		}
		return tx.AddPasswordHistory(ana, "own3", at(20), false, 5)
	})
	read(t, s, func(tx app.Tx) error {
		for limit, want := range map[int][]string{
			5: {"own3", "temp6", "temp5", "temp4", "temp3", "temp2", "own2", "own1"},
			1: {"own3", "temp6"},
		} {
			entries, err := tx.PasswordHistory(ana, limit)
			if err != nil {
				return err
			}
			if got := hashesOf(entries); !reflect.DeepEqual(got, want) {
				t.Errorf("PasswordHistory(%d) = %q, want %q", limit, got, want)
			}
			for _, h := range entries {
				if h.Temporary != strings.HasPrefix(h.Hash, "temp") || h.UserID != ana || h.At.IsZero() || h.ID == 0 {
					t.Errorf("PasswordHistory(%d): %+v", limit, h)
				}
			}
		}
		return nil
	})
}
