package sqlite_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"sesame/app"
)

func TestUserRoundTrip(t *testing.T) {
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
			CreatedAt: at.Add(-time.Hour), UpdatedAt: at.Add(time.Minute),
		},
		"zero times and empty strings": {Email: "bob@example.com", Name: "Bob", Role: app.RoleEmployee},
		"times at the edges": {
			Email: "edge@example.com", Name: "Edge", Role: app.RoleEmployee,
			CreatedAt:    time.Unix(0, 0),
			UpdatedAt:    time.Unix(0, 1<<63-1),
			LastSignInAt: time.Unix(0, -1<<63),
		},
	}
	for name, u := range cases {
		t.Run(name, func(t *testing.T) {
			db := openDB(t)
			want := createUsers(t, db, u)[0]
			if want.ID == 0 {
				t.Fatal("CreateUser did not set the ID")
			}
			var byID, byEmail app.User
			read(t, db, func(tx app.Tx) error {
				var err error
				if byID, err = tx.UserByID(want.ID); err != nil {
					return err
				}
				byEmail, err = tx.UserByEmail(want.Email)
				return err
			})
			sameUser(t, byID, want)
			sameUser(t, byEmail, want)
			if !byID.CreatedAt.IsZero() && byID.CreatedAt.Location() != time.UTC {
				t.Errorf("times come back in %v, want UTC", byID.CreatedAt.Location())
			}
		})
	}
}

// sameUser compares users field by field, times by instant.
func sameUser(t *testing.T, got, want app.User) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if gt, ok := g.(time.Time); ok {
			if wt := w.(time.Time); !gt.Equal(wt) || gt.IsZero() != wt.IsZero() {
				t.Errorf("%s = %v, want %v", name, gt, wt)
			}
			continue
		}
		if g != w {
			t.Errorf("%s = %v, want %v", name, g, w)
		}
	}
}

func TestUpdateUserStoresEveryField(t *testing.T) {
	db := openDB(t)
	u := createUsers(t, db, employee("Ana Lima", "ana@example.com"))[0]
	at := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	u = app.User{
		ID: u.ID, Email: "ana.lima@example.org", Name: "Ana Lima Souza", Role: app.RoleAdmin, HasMailbox: false,
		RecoveryEmail: "ana@perso.example", Disabled: true, PasswordHash: "hash", PasswordTemporary: true,
		TemporaryExpiresAt: at, PasswordChangedAt: at, LastSignInAt: at, CreatedAt: at, UpdatedAt: at,
	}
	write(t, db, func(tx app.Tx) error { return tx.UpdateUser(&u) })
	read(t, db, func(tx app.Tx) error {
		got, err := tx.UserByID(u.ID)
		sameUser(t, got, u)
		if err != nil {
			return err
		}
		if _, err := tx.UserByEmail("ana@example.com"); app.CodeOf(err) != app.ENotFound {
			t.Errorf("the old login still finds the user: %v", err)
		}
		return nil
	})
	checkIndex(t, db)
	// Back to zero times.
	u.TemporaryExpiresAt, u.PasswordChangedAt, u.LastSignInAt = time.Time{}, time.Time{}, time.Time{}
	write(t, db, func(tx app.Tx) error { return tx.UpdateUser(&u) })
	read(t, db, func(tx app.Tx) error {
		got, err := tx.UserByID(u.ID)
		sameUser(t, got, u)
		return err
	})
}

func TestUserByEmailComparesKeys(t *testing.T) {
	db := openDB(t)
	u := createUsers(t, db, employee("Ana", "Ana.Lima@Example.COM"))[0]
	for _, email := range []string{"ana.lima@example.com", "  ANA.LIMA@example.com\t", "Ａｎａ.Lima@example.com"} {
		read(t, db, func(tx app.Tx) error {
			got, err := tx.UserByEmail(email)
			if err == nil && got.ID != u.ID {
				t.Errorf("UserByEmail(%q) found user %d, want %d", email, got.ID, u.ID)
			}
			return err
		})
	}
}

func TestMissingUsers(t *testing.T) {
	db := openDB(t)
	createUsers(t, db, employee("Ana", "ana@example.com"))
	err := db.Read(t.Context(), func(tx app.Tx) error {
		_, err := tx.UserByEmail("nobody@example.com")
		return err
	})
	wantCode(t, err, app.ENotFound)
	if !strings.Contains(err.Error(), "nobody@example.com") {
		t.Errorf("message %q does not name the login", err)
	}
	err = db.Read(t.Context(), func(tx app.Tx) error {
		_, err := tx.UserByID(999)
		return err
	})
	wantCode(t, err, app.ENotFound)
	err = db.Write(t.Context(), func(tx app.Tx) error {
		u := employee("Ghost", "ghost@example.com")
		u.ID = 999
		return tx.UpdateUser(&u)
	})
	wantCode(t, err, app.ENotFound)
}

func TestDuplicateLogin(t *testing.T) {
	db := openDB(t)
	users := createUsers(t, db, employee("Ana", "ana@example.com"), employee("Bob", "bob@example.com"))
	for _, email := range []string{"ana@example.com", "ANA@Example.com", "  ana@example.com  "} {
		err := db.Write(t.Context(), func(tx app.Tx) error {
			u := employee("Another Ana", email)
			return tx.CreateUser(&u)
		})
		wantCode(t, err, app.EConflict)
		if !strings.Contains(strings.ToLower(err.Error()), "ana@example.com") {
			t.Errorf("message %q does not name the login", err)
		}
	}
	// Renaming Bob's login to Ana's is refused and changes nothing.
	err := db.Write(t.Context(), func(tx app.Tx) error {
		bob := users[1]
		bob.Email, bob.Name = "Ana@example.com", "Bobby"
		return tx.UpdateUser(&bob)
	})
	wantCode(t, err, app.EConflict)
	read(t, db, func(tx app.Tx) error {
		bob, err := tx.UserByID(users[1].ID)
		if bob.Email != "bob@example.com" || bob.Name != "Bob" {
			t.Errorf("a refused update changed Bob into %q %q", bob.Name, bob.Email)
		}
		return err
	})
	// Changing the case of one's own login is fine.
	ana := users[0]
	ana.Email = "ANA@example.com"
	write(t, db, func(tx app.Tx) error { return tx.UpdateUser(&ana) })
	if n := countUsers(t, db); n != 2 {
		t.Errorf("%d users, want 2", n)
	}
	checkIndex(t, db)
}

func TestInvalidUsers(t *testing.T) {
	db := openDB(t)
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, u := range map[string]app.User{
		"empty login":  employee("Nobody", "  "),
		"far future":   {Email: "far@example.com", Name: "Far", Role: app.RoleEmployee, CreatedAt: far},
		"distant past": {Email: "old@example.com", Name: "Old", Role: app.RoleEmployee, LastSignInAt: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		err := db.Write(t.Context(), func(tx app.Tx) error { return tx.CreateUser(&u) })
		wantCode(t, err, app.EInvalid)
		t.Log(name, err)
	}
	if n := countUsers(t, db); n != 0 {
		t.Errorf("%d users stored, want none", n)
	}
}

func TestHasUsersAndActiveAdmins(t *testing.T) {
	db := openDB(t)
	read(t, db, func(tx app.Tx) error {
		some, err := tx.HasUsers()
		if some {
			t.Error("HasUsers() on an empty database")
		}
		return err
	})
	admin := func(name, email string, disabled bool) app.User {
		u := employee(name, email)
		u.Role, u.Disabled = app.RoleAdmin, disabled
		return u
	}
	createUsers(t, db,
		admin("Zoé Zola", "zoe@example.com", false),
		employee("Ana", "ana@example.com"),
		admin("Émile Abel", "emile@example.com", false),
		admin("Bob Off", "bob@example.com", true),
		admin("Abel Émile", "abel@example.com", false),
	)
	read(t, db, func(tx app.Tx) error {
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

func TestLockedUntilComesFromThrottle(t *testing.T) {
	db := openDB(t)
	u := createUsers(t, db, employee("Ana", "Ana@Example.com"), employee("Bob", "bob@example.com"))[0]
	until := time.Date(2031, 5, 6, 7, 8, 9, 10, time.UTC)
	write(t, db, func(tx app.Tx) error {
		return tx.PutThrottle(app.Throttle{Key: app.EmailKey(u.Email), Failures: 5, LockedUntil: until})
	})
	read(t, db, func(tx app.Tx) error {
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
	write(t, db, func(tx app.Tx) error { return tx.ClearThrottle(app.EmailKey(u.Email)) })
	read(t, db, func(tx app.Tx) error {
		got, err := tx.UserByID(u.ID)
		if !got.LockedUntil.IsZero() {
			t.Errorf("still locked until %v after ClearThrottle", got.LockedUntil)
		}
		return err
	})
}

func TestPasswordHistory(t *testing.T) {
	db := openDB(t)
	users := createUsers(t, db, employee("Ana", "ana@example.com"), employee("Bob", "bob@example.com"))
	ana, bob := users[0].ID, users[1].ID
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	write(t, db, func(tx app.Tx) error {
		for i := range 7 {
			if err := tx.AddPasswordHistory(ana, "h"+string(rune('0'+i)), base.Add(time.Duration(i)*time.Hour), false, 5); err != nil {
				return err
			}
		}
		// Same instant: the later addition is the newer.
		if err := tx.AddPasswordHistory(bob, "b0", base, false, 3); err != nil {
			return err
		}
		return tx.AddPasswordHistory(bob, "b1", base, false, 3)
	})
	read(t, db, func(tx app.Tx) error {
		for _, c := range []struct {
			user  int64
			limit int
			want  []string
		}{
			{ana, 10, []string{"h6", "h5", "h4", "h3", "h2"}},
			{ana, 2, []string{"h6", "h5"}},
			{ana, 0, nil},
			{bob, 10, []string{"b1", "b0"}},
			{999, 10, nil},
		} {
			got, err := tx.PasswordHistory(c.user, c.limit)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("PasswordHistory(%d, %d) = %q, want %q", c.user, c.limit, got, c.want)
			}
		}
		return nil
	})
	write(t, db, func(tx app.Tx) error { return tx.AddPasswordHistory(ana, "h7", base.Add(time.Hour*7), false, 0) })
	read(t, db, func(tx app.Tx) error {
		got, err := tx.PasswordHistory(ana, 10)
		if len(got) != 0 {
			t.Errorf("keep 0 left %q", got)
		}
		return err
	})
	err := db.Write(t.Context(), func(tx app.Tx) error { return tx.AddPasswordHistory(999, "x", base, false, 5) })
	wantCode(t, err, app.ENotFound)
}

// TestTemporaryPasswordsKeepToThemselves: five temporary passwords in a row
// do not push the user's own out of a history five deep, and are kept five
// deep of their own.
func TestTemporaryPasswordsKeepToThemselves(t *testing.T) {
	db := openDB(t)
	ana := createUsers(t, db, employee("Ana", "ana@example.com"))[0].ID
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Hour) }
	write(t, db, func(tx app.Tx) error {
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
	read(t, db, func(tx app.Tx) error {
		got, err := tx.PasswordHistory(ana, 5)
		want := []string{"own3", "temp6", "temp5", "temp4", "temp3", "temp2", "own2", "own1"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("PasswordHistory = %q, want %q", got, want)
		}
		return err
	})
}

func TestThrottle(t *testing.T) {
	db := openDB(t)
	key := "ana@example.com"
	read(t, db, func(tx app.Tx) error {
		got, err := tx.Throttle(key)
		if got != (app.Throttle{Key: key}) {
			t.Errorf("Throttle of an unknown key = %+v", got)
		}
		return err
	})
	first := app.Throttle{Key: key, Failures: 3, LastFailure: time.Date(2025, 1, 1, 0, 0, 0, 1, time.UTC)}
	second := app.Throttle{Key: key, Failures: 5, LockedUntil: time.Date(2025, 1, 1, 0, 1, 0, 0, time.UTC), LastFailure: time.Date(2025, 1, 1, 0, 0, 30, 0, time.UTC)}
	for _, want := range []app.Throttle{first, second} {
		write(t, db, func(tx app.Tx) error { return tx.PutThrottle(want) })
		read(t, db, func(tx app.Tx) error {
			got, err := tx.Throttle(key)
			if got.Key != want.Key || got.Failures != want.Failures || !got.LockedUntil.Equal(want.LockedUntil) ||
				!got.LastFailure.Equal(want.LastFailure) || got.LockedUntil.IsZero() != want.LockedUntil.IsZero() {
				t.Errorf("Throttle = %+v, want %+v", got, want)
			}
			return err
		})
	}
	write(t, db, func(tx app.Tx) error {
		if err := tx.ClearThrottle(key); err != nil {
			return err
		}
		return tx.ClearThrottle("never@example.com")
	})
	read(t, db, func(tx app.Tx) error {
		got, err := tx.Throttle(key)
		if got != (app.Throttle{Key: key}) {
			t.Errorf("Throttle after ClearThrottle = %+v", got)
		}
		return err
	})
	err := db.Write(t.Context(), func(tx app.Tx) error { return tx.PutThrottle(app.Throttle{Failures: 1}) })
	wantCode(t, err, app.EInvalid)
}

func TestSettings(t *testing.T) {
	db := openDB(t)
	write(t, db, func(tx app.Tx) error {
		for k, v := range map[string]string{"company.name": "ACME", "password.min_length": "12"} {
			if err := tx.PutSetting(k, v); err != nil {
				return err
			}
		}
		return tx.PutSetting("company.name", "ACME « Sésame »")
	})
	read(t, db, func(tx app.Tx) error {
		got, err := tx.SettingValues()
		want := map[string]string{"company.name": "ACME « Sésame »", "password.min_length": "12"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("SettingValues() = %v, want %v", got, want)
		}
		return err
	})
}

func TestAudit(t *testing.T) {
	db := openDB(t)
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	events := []app.AuditEvent{
		{At: at, Actor: "system:root", Action: app.ActionSetup},
		{At: at.Add(1), Actor: "Admin@Example.com", Subject: "ana@example.com", Action: app.ActionUserCreate, Details: "Ana"},
		{At: at.Add(2), Actor: "admin@example.com", Subject: "bob@example.com", Action: app.ActionUserCreate},
		{At: at.Add(3), Actor: "ana@example.com", Action: app.ActionSignIn},
		{At: at.Add(4), Actor: "ANA@example.com", Subject: "ana@example.com", Action: app.ActionPasswordChange},
		{At: at.Add(5), Actor: "admin@example.com", Subject: "Bob@Example.com", Action: app.ActionUserDisable},
		{Actor: "x%_\"'*@example.com", Subject: "élise@exemple.fr", Action: app.ActionSignInFailure},
	}
	write(t, db, func(tx app.Tx) error {
		for _, e := range events {
			if err := tx.AddAudit(e); err != nil {
				return err
			}
		}
		return nil
	})
	var all []app.AuditEvent
	read(t, db, func(tx app.Tx) error {
		var err error
		all, err = tx.ListAudit(app.AuditQuery{})
		return err
	})
	if len(all) != len(events) {
		t.Fatalf("%d events, want %d", len(all), len(events))
	}
	for i, got := range all {
		want := events[len(events)-1-i]
		if got.Actor != want.Actor || got.Subject != want.Subject || got.Action != want.Action ||
			got.Details != want.Details || !got.At.Equal(want.At) || got.At.IsZero() != want.At.IsZero() {
			t.Errorf("event %d = %+v, want %+v", i, got, want)
		}
		if i > 0 && got.ID >= all[i-1].ID {
			t.Errorf("events not newest first: %d after %d", got.ID, all[i-1].ID)
		}
	}
	// idx returns the IDs of events by their index in events.
	idx := func(is ...int) []int64 {
		var ids []int64
		for _, i := range is {
			ids = append(ids, all[len(events)-1-i].ID)
		}
		return ids
	}
	for _, c := range []struct {
		name string
		q    app.AuditQuery
		want []int64
	}{
		{"limit", app.AuditQuery{Limit: 2}, idx(6, 5)},
		{"before", app.AuditQuery{BeforeID: idx(4)[0], Limit: 2}, idx(3, 2)},
		{"action", app.AuditQuery{Action: app.ActionUserCreate}, idx(2, 1)},
		{"subject or actor, any case", app.AuditQuery{Subject: "ANA@EXAMPLE"}, idx(4, 3, 1)},
		{"fragment", app.AuditQuery{Subject: "bob"}, idx(5, 2)},
		{"short fragment", app.AuditQuery{Subject: "bo"}, idx(5, 2)},
		{"one letter", app.AuditQuery{Subject: "y"}, idx(0)},
		{"accented", app.AuditQuery{Subject: "ÉLISE"}, idx(6)},
		{"special characters", app.AuditQuery{Subject: `%_"'*`}, idx(6)},
		{"like wildcards match themselves only", app.AuditQuery{Subject: "a%e"}, nil},
		{"fragment and action", app.AuditQuery{Subject: "admin", Action: app.ActionUserDisable}, idx(5)},
		{"fragment and before", app.AuditQuery{Subject: "admin", BeforeID: idx(5)[0]}, idx(2, 1)},
		{"fragment across actor and subject", app.AuditQuery{Subject: "admin@example.comana"}, nil},
		{"miss", app.AuditQuery{Subject: "nobody"}, nil},
	} {
		read(t, db, func(tx app.Tx) error {
			got, err := tx.ListAudit(c.q)
			var ids []int64
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if !reflect.DeepEqual(ids, c.want) {
				t.Errorf("%s: ListAudit(%+v) = %v, want %v", c.name, c.q, ids, c.want)
			}
			return err
		})
	}
}

func TestPurgeThrottle(t *testing.T) {
	db := openDB(t)
	cut := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	records := []app.Throttle{
		{Key: "old@example.com", Failures: 2, LastFailure: cut.Add(-time.Hour)},
		{Key: "old-lock-ended@example.com", Failures: 6, LastFailure: cut.Add(-2 * time.Hour), LockedUntil: cut.Add(-time.Hour)},
		{Key: "old-lock-running@example.com", Failures: 9, LastFailure: cut.Add(-2 * time.Hour), LockedUntil: cut.Add(time.Hour)},
		{Key: "recent@example.com", Failures: 1, LastFailure: cut.Add(time.Minute)},
		{Key: "refused@example.com", Failures: 5, LastFailure: cut.Add(-3 * time.Hour), LockedUntil: cut.Add(-2 * time.Hour), Refused: 40},
	}
	write(t, db, func(tx app.Tx) error {
		for _, r := range records {
			if err := tx.PutThrottle(r); err != nil {
				return err
			}
		}
		refused, err := tx.PurgeThrottle(cut)
		if len(refused) != 1 || refused[0].Key != "refused@example.com" || refused[0].Refused != 40 ||
			!refused[0].LockedUntil.Equal(cut.Add(-2*time.Hour)) {
			t.Errorf("PurgeThrottle returned %+v, want the record with 40 refused attempts", refused)
		}
		return err
	})
	read(t, db, func(tx app.Tx) error {
		for _, r := range records {
			got, err := tx.Throttle(r.Key)
			if err != nil {
				return err
			}
			kept := got.Failures > 0
			if want := r.Key == "old-lock-running@example.com" || r.Key == "recent@example.com"; kept != want {
				t.Errorf("%s kept %v, want %v", r.Key, kept, want)
			}
		}
		return nil
	})
}
