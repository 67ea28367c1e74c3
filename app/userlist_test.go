package app_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"sesame/app"
)

// randomUser makes a user of any cell at time now: every role, mailbox,
// recovery, state of the password, lock and idle time.
func randomUser(r *rand.Rand, i int, now time.Time) app.User {
	ago := func(max time.Duration) time.Time { return now.Add(-time.Duration(r.Int64N(int64(max)))) }
	u := app.User{Name: fmt.Sprintf("User %c%03d", 'A'+r.IntN(26), i), Email: fmt.Sprintf("u%04d@company.example", i),
		Role: app.RoleEmployee, HasMailbox: r.IntN(5) > 0, Disabled: r.IntN(8) == 0, CreatedAt: ago(3 * 365 * 24 * time.Hour)}
	if r.IntN(5) == 0 {
		u.Role = app.RoleAdmin
	}
	if r.IntN(3) == 0 {
		u.RecoveryEmail = fmt.Sprintf("r%d@perso.example", i)
	}
	switch r.IntN(4) {
	case 0: // no password
	case 1:
		u.PasswordHash, u.PasswordTemporary, u.TemporaryExpiresAt = "hash", true, now.Add(time.Duration(r.Int64N(int64(48*time.Hour)))-24*time.Hour)
	default:
		u.PasswordHash, u.PasswordChangedAt = "hash", ago(365*24*time.Hour)
		u.LastSignInAt = ago(400 * 24 * time.Hour)
	}
	if r.IntN(6) == 0 {
		u.LockedUntil = now.Add(time.Duration(r.Int64N(int64(2*time.Hour))) - time.Hour)
	}
	return u
}

// TestCellKindIsTheStatusRule: a user's cell has the kind of status that
// User.Status gives the user, whatever the user and the time.
func TestCellKindIsTheStatusRule(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for i := range 5000 {
		u := randomUser(r, i, now)
		at := now.Add(time.Duration(r.Int64N(int64(4*time.Hour))) - 2*time.Hour)
		if got, want := u.Cell(at, time.Time{}).Kind(), u.Status(at).Kind; got != want {
			t.Fatalf("%+v at %v: cell %d has kind %s, Status says %s", u, at, u.Cell(at, time.Time{}), got, want)
		}
	}
}

// holds is what a filter means, written out facet by facet.
func holds(f app.UserFilter, u *app.User, now time.Time) bool {
	after := cmp.Or(f.StaleAfter, app.DefaultStaleAfter)
	stale := u.IdleSince().Before(now.Add(-after))
	return app.MatchesText(u, f.Text) &&
		(f.Statuses == 0 || f.Statuses.Has(u.Status(now).Kind)) &&
		(f.Role == "" || f.Role == u.Role) &&
		(f.Mailbox == app.Either || (f.Mailbox == app.OnlyYes) == u.HasMailbox) &&
		(f.Recovery == app.Either || (f.Recovery == app.OnlyYes) == (u.RecoveryEmail != "")) &&
		(f.Stale == app.Either || (f.Stale == app.OnlyYes) == stale)
}

// sorted sorts users as the directory's columns say, written out.
func sorted(users []app.User, o app.UserSort, now time.Time) []string {
	rank := func(u app.User) int {
		switch o.By {
		case app.SortRole:
			if u.IsAdmin() {
				return 0
			}
			return 1
		case app.SortStatus:
			return slices.Index(app.StatusKinds(), u.Status(now).Kind)
		}
		return 0
	}
	key := o.By
	if !key.IsKey() {
		key = app.SortName
	}
	slices.SortFunc(users, func(a, b app.User) int {
		c := cmp.Or(cmp.Compare(rank(a), rank(b)), app.CompareUsers(&a, &b, key))
		if o.Desc {
			return -c
		}
		return c
	})
	var out []string
	for _, u := range users {
		out = append(out, u.Email)
	}
	return out
}

func randomFilter(r *rand.Rand) app.UserFilter {
	tris := []app.Tri{app.Either, app.OnlyYes, app.OnlyNo}
	f := app.UserFilter{Text: []string{"", "", "user a", "u00", "perso", "1", "zz"}[r.IntN(7)],
		Role: []app.Role{"", "", app.RoleAdmin, app.RoleEmployee}[r.IntN(4)], Mailbox: tris[r.IntN(3)], Recovery: tris[r.IntN(3)]}
	for _, k := range app.StatusKinds() {
		if r.IntN(4) == 0 {
			f.Statuses |= app.Statuses(k)
		}
	}
	if r.IntN(2) == 0 {
		f.Stale, f.StaleAfter = tris[1+r.IntN(2)], time.Duration(1+r.IntN(400))*24*time.Hour
	}
	return f
}

// TestDirectoryListsAndCounts checks the service's pages in every order
// (the role and status orders made of segments) and its counts of every
// facet, against the filter's meaning written out, on the in-memory store.
func TestDirectoryListsAndCounts(t *testing.T) {
	e := newEnv(t)
	r := rand.New(rand.NewPCG(3, 4))
	now := e.clock.Now()
	var users []app.User
	if err := e.store.Write(e.ctx, func(tx app.Tx) error {
		for i := range 300 {
			u := randomUser(r, i, now)
			if err := tx.CreateUser(&u); err != nil {
				return err
			}
			if !u.LockedUntil.IsZero() {
				if err := tx.PutThrottle(app.Throttle{Key: app.EmailKey(u.Email), Failures: 5, LockedUntil: u.LockedUntil, LastFailure: now}); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Read(e.ctx, func(tx app.Tx) error {
		var err error
		users, err = tx.UsersAfter(app.UserSet{Cells: app.AllCells(), Now: now}, 0, 1000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for range 60 {
		f := randomFilter(r)
		var want []app.User
		for _, u := range users {
			if holds(f, &u, now) {
				want = append(want, u)
			}
		}
		c, err := e.svc.UserCounts(e.ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if c.Total != len(want) {
			t.Fatalf("filter %+v: %d users, want %d", f, c.Total, len(want))
		}
		if n, err := e.svc.MatchCount(e.ctx, f); err != nil || n != len(want) {
			t.Fatalf("filter %+v: MatchCount %d (%v), want %d", f, n, err, len(want))
		}
		// A facet's count is the filter's count with that value instead.
		for i, k := range app.StatusKinds() {
			g := f
			g.Statuses = app.Statuses(k)
			if n := countHolds(users, g, now); c.Statuses[i] != n {
				t.Fatalf("filter %+v: %d users %s, want %d", f, c.Statuses[i], k, n)
			}
		}
		for _, x := range []struct {
			got    int
			change func(*app.UserFilter)
		}{
			{c.Admins, func(g *app.UserFilter) { g.Role = app.RoleAdmin }},
			{c.Employees, func(g *app.UserFilter) { g.Role = app.RoleEmployee }},
			{c.Mailbox, func(g *app.UserFilter) { g.Mailbox = app.OnlyYes }},
			{c.NoMailbox, func(g *app.UserFilter) { g.Mailbox = app.OnlyNo }},
			{c.Recovery, func(g *app.UserFilter) { g.Recovery = app.OnlyYes }},
			{c.NoRecovery, func(g *app.UserFilter) { g.Recovery = app.OnlyNo }},
			{c.Stale, func(g *app.UserFilter) { g.Stale = app.OnlyYes }},
			{c.Fresh, func(g *app.UserFilter) { g.Stale = app.OnlyNo }},
		} {
			g := f
			x.change(&g)
			if n := countHolds(users, g, now); x.got != n {
				t.Fatalf("filter %+v: facet %+v counts %d, want %d", f, g, x.got, n)
			}
		}
		for by := range app.SortColumn(7) {
			o := app.UserSort{By: by, Desc: r.IntN(2) == 0}
			full := sorted(slices.Clone(want), o, now)
			offset := r.IntN(len(full) + 1)
			limit := 1 + r.IntN(30)
			p, err := e.svc.ListUsers(e.ctx, app.UserListQuery{Filter: f, Sort: o, Offset: offset, Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range p.Users {
				got = append(got, u.Email)
			}
			end := min(offset+limit, len(full))
			if !slices.Equal(got, full[offset:end]) || p.More != (end < len(full)) || p.Offset != offset {
				t.Fatalf("filter %+v, order %+v, offset %d, limit %d:\n got %v (more %v)\nwant %v", f, o, offset, limit, got, p.More, full[offset:end])
			}
		}
	}
}

func countHolds(users []app.User, f app.UserFilter, now time.Time) int {
	n := 0
	for _, u := range users {
		if holds(f, &u, now) {
			n++
		}
	}
	return n
}

func TestDirectoryRefusesBadQueries(t *testing.T) {
	e := newEnv(t)
	for _, q := range []app.UserListQuery{
		{Offset: -1},
		{Limit: app.MaxPage + 1},
		{Limit: -3},
		{Sort: app.UserSort{By: 99}},
		{Filter: app.UserFilter{Role: "boss"}},
		{Filter: app.UserFilter{Mailbox: 7}},
		{Filter: app.UserFilter{StaleAfter: -time.Hour}},
	} {
		if _, err := e.svc.ListUsers(e.ctx, q); app.CodeOf(err) != app.EInvalid {
			t.Errorf("ListUsers(%+v): %v, want an invalid request", q, err)
		}
	}
	for _, s := range []string{"Must change", "must_change", "MUST-CHANGE", " no password "} {
		if _, err := app.ParseStatusKind(s); err != nil {
			t.Errorf("ParseStatusKind(%q): %v", s, err)
		}
	}
	if _, err := app.ParseStatusKind("happy"); app.CodeOf(err) != app.EInvalid {
		t.Errorf("ParseStatusKind(happy): %v", err)
	}
	for _, s := range []string{"name", "login", "email", "Last sign-in", "last_sign_in", "password-changed", "created", "role", "status"} {
		if _, err := app.ParseSortColumn(s); err != nil {
			t.Errorf("ParseSortColumn(%q): %v", s, err)
		}
	}
}
