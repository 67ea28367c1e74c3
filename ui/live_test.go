package ui

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"sesame/app"
	"sesame/data/postgres"
	"sesame/data/postgres/pgtest"
	"sesame/data/storetest"
)

// workstation is a second process on the window's database: a store of
// its own on the same file (or server), and a service on it.
type workstation struct {
	svc   *app.Service
	actor app.Actor
}

// twoWorkstations opens the window on a database file with the staff of
// withStaff, and a second workstation on the same file, whose changes
// Bob, another administrator, makes.
func twoWorkstations(t *testing.T) (*harness, *workstation) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	h := newHarnessOn(t, "en", openFile(t, path), withStaff)
	bob, _, err := h.svc.CreateUser(h.ctx, app.SystemActor("test"), app.NewUser{Email: "bob@acme.example", Name: "Bob Admin", Role: app.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	other := app.NewService(app.Config{Store: openFile(t, path), Blocklist: blocklist(), Hasher: fastHash})
	return h, &workstation{svc: other, actor: app.UserActor(bob)}
}

// change makes a change to a user on the other workstation, as read there
// now.
func (w *workstation) change(t *testing.T, h *harness, email string, ch app.UserChange) app.User {
	t.Helper()
	res, err := w.svc.UpdateUser(h.ctx, w.actor, email, ch)
	if err != nil {
		t.Fatal(err)
	}
	return res.User
}

// awaitLive waits, in real time, for the store's reports to reach the
// window (the watch runs on its own goroutine), lets the window gather
// them (liveDelay, on the test's clock) and read again, until ok holds; it
// fails the test when that takes longer than a workstation may
// (storetest.Seen).
func (h *harness) awaitLive(what string, ok func() bool) {
	h.t.Helper()
	h.awaitLiveWithin(storetest.Seen, what, ok)
}

// awaitLiveWithin is awaitLive for what may take longer: a server that
// starts again.
func (h *harness) awaitLiveWithin(d time.Duration, what string, ok func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(d)
	for {
		if l := h.s.admin.live; l.waiting() {
			h.advance(liveDelay)
		}
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s: not shown within %v; the window reads: %s", what, d, h.visibleText())
		}
		h.settle()
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLiveTableAndCardFollowAnotherWorkstation: what another process on
// the same file changes shows in the table, the count and the card on
// view (without unsaved changes) by itself, with who changed it.
func TestLiveTableAndCardFollowAnotherWorkstation(t *testing.T) {
	h, other := twoWorkstations(t)
	h.signInAdmin()
	u := h.search("martin")
	c := h.openCard("martin")

	name := "Jeanne Dupont"
	other.change(t, h, "jeanne.martin@acme.example", app.UserChange{Name: &name})
	h.awaitLive("a name changed elsewhere", func() bool {
		card, ok := u.panel.(*cardView)
		return ok && card.name.Text == name
	})
	if got := rows(u); len(got) != 1 || got[0] != name {
		t.Errorf("the table lists %v, want the new name", got)
	}
	c2 := u.panel.(*cardView)
	if c2 == c {
		t.Error("the card was not read again")
	}
	h.assertShows("Changed elsewhere by bob@acme.example", "name “Jeanne Dupont”")

	// A user added elsewhere shows in the table and its count.
	u = h.search("acme")
	before := u.list.total
	if _, _, err := other.svc.CreateUser(h.ctx, other.actor, app.NewUser{Email: "zoe@acme.example", Name: "Zoé Zola"}); err != nil {
		t.Fatal(err)
	}
	h.awaitLive("a user added elsewhere", func() bool { return u.list.total == before+1 })
	if got := rows(u); len(got) != before+1 || !strings.Contains(strings.Join(got, ","), "Zoé Zola") {
		t.Errorf("after a user was added elsewhere, the table lists %v", got)
	}
	// The card on view, untouched elsewhere, stays as it is.
	if u.panel != c2 {
		t.Error("an unrelated change replaced the card")
	}
}

// TestLiveCardWithChangesWarnsBeforeSavingOver: a card being edited is not
// replaced when the user is changed elsewhere; it says so, and Update asks
// before saving over it; saved, both changes hold.
func TestLiveCardWithChangesWarnsBeforeSavingOver(t *testing.T) {
	h, other := twoWorkstations(t)
	h.signInAdmin()
	c := h.openCard("jeanne")
	c.name.SetText("Jeanne Martin-Roux")
	h.settle()

	off := true
	other.change(t, h, "jeanne.martin@acme.example", app.UserChange{Disabled: &off})
	h.awaitLive("the warning of a change elsewhere", func() bool { return shown(c.elsewhere) != "" })
	if h.s.admin.users.panel != c || c.name.Text != "Jeanne Martin-Roux" {
		t.Fatal("the card being edited was replaced")
	}
	h.assertShows("Changed elsewhere by bob@acme.example", "disabled", "Update will ask before saving over it.")

	h.tapEnabled(c.update)
	if !c.question.open() {
		t.Fatalf("Update saved over a change made elsewhere without asking; the window reads: %s", h.visibleText())
	}
	h.assertShows("Jeanne Martin was changed elsewhere since you opened the card.")
	if got := h.user("jeanne.martin@acme.example"); got.Name != "Jeanne Martin" {
		t.Fatalf("saved before the answer: %+v", got)
	}
	h.tap(c.question.yes)
	got := h.user("jeanne.martin@acme.example")
	if got.Name != "Jeanne Martin-Roux" || !got.Disabled || got.UpdatedBy != "admin@acme.example" {
		t.Errorf("after saving over it: name %q, disabled %v, by %q", got.Name, got.Disabled, got.UpdatedBy)
	}
}

// TestLiveUpdateBeforeTheNewsRefused: a change made elsewhere an instant
// before Update, not yet seen by the window, is caught by the store: the
// card reads the user again and asks, and Keep editing saves nothing.
func TestLiveUpdateBeforeTheNewsRefused(t *testing.T) {
	h, other := twoWorkstations(t)
	h.signInAdmin()
	c := h.openCard("jeanne")
	recovery := "jeanne.perso@example.org"
	other.change(t, h, "jeanne.martin@acme.example", app.UserChange{RecoveryEmail: &recovery})

	h.typeInto(c.name, "-Roux")
	h.tapEnabled(c.update)
	if !c.question.open() {
		t.Fatalf("an update from an older card was not asked about; the window reads: %s", h.visibleText())
	}
	h.assertShows("was changed elsewhere since you opened the card", "recovery e-mail jeanne.perso@example.org")
	h.tap(c.question.no)
	if got := h.user("jeanne.martin@acme.example"); got.Name != "Jeanne Martin" || got.RecoveryEmail != recovery {
		t.Errorf("after Keep editing: %+v", got)
	}
}

// TestLiveDatabaseLostAndBack: the administration says when the
// PostgreSQL server is lost, keeps what it shows, and says by itself when
// the server is back; a change made meanwhile on another workstation then
// shows.
func TestLiveDatabaseLostAndBack(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL server")
	}
	srv := pgtest.StartT(t, pgtest.Options{})
	if err := srv.Exec(t.Context(), "postgres", "CREATE DATABASE sesame"); err != nil {
		t.Fatal(err)
	}
	open := func() *postgres.DB {
		db, err := postgres.Open(srv.URL("sesame"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	h := newHarnessOn(t, "en", open(), withStaff)
	a := h.signInAdmin()
	u := h.search("")
	known := len(rows(u))

	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	h.awaitLive("the server lost", func() bool { return strings.Contains(shown(a.link), "cannot be reached") })
	if len(rows(u)) != known {
		t.Errorf("while the server is lost, the table lists %v", rows(u))
	}
	noSecret := func() {
		if strings.Contains(h.visibleText(), pgtest.Password) {
			t.Errorf("the window shows the database's password: %s", h.visibleText())
		}
	}
	noSecret()

	if err := srv.StartAgain(); err != nil {
		t.Fatal(err)
	}
	other := app.NewService(app.Config{Store: open(), Blocklist: blocklist(), Hasher: fastHash})
	if _, _, err := other.CreateUser(h.ctx, app.SystemActor("test"), app.NewUser{Email: "zoe@acme.example", Name: "Zoé Zola"}); err != nil {
		t.Fatal(err)
	}
	h.awaitLiveWithin(10*time.Second, "the server back", func() bool { return strings.Contains(shown(a.link), "can be reached again") })
	h.awaitLive("a user added while the window was away", func() bool { return len(rows(u)) == known+1 })
	noSecret()
	h.advance(backShown)
	if shown(a.link) != "" {
		t.Errorf("the note that the server is back stays: %q", shown(a.link))
	}
}

// TestLiveSelectionFollowsItsUsers: rows picked stay on the users picked
// when a change elsewhere moves them; an action planned before the window
// has read such a change again acts on no one; a user picked who leaves the
// list clears the selection, with a word why.
func TestLiveSelectionFollowsItsUsers(t *testing.T) {
	h, other := twoWorkstations(t)
	u := h.signInAdmin().users
	h.choose(u.filters.role, 2) // employees
	picked := func() []string {
		var out []string
		for i, name := range rows(u) {
			if u.picked.has(i) {
				out = append(out, name)
			}
		}
		return out
	}
	for _, name := range []string{"Jeanne Martin", "Paul Durand"} {
		i := slices.Index(rows(u), name)
		if i < 0 {
			t.Fatalf("%s not listed: %v", name, rows(u))
		}
		click(h, u, i, fyne.KeyModifierControl)
	}
	want := []string{"Jeanne Martin", "Paul Durand"}
	if got := picked(); !slices.Equal(got, want) {
		t.Fatalf("picked %v", got)
	}

	// A user added elsewhere before both: the picks move with them.
	if _, _, err := other.svc.CreateUser(h.ctx, other.actor, app.NewUser{Email: "aaron@acme.example", Name: "Aaron Abel"}); err != nil {
		t.Fatal(err)
	}
	h.awaitLive("a user added elsewhere", func() bool { return slices.Contains(rows(u), "Aaron Abel") })
	if got := picked(); !slices.Equal(got, want) {
		t.Errorf("after a user was added before them, picked %v, want %v", got, want)
	}

	// Renamed elsewhere and planned before the window reads again: the
	// rows read by the plan are no longer the users seen; nothing is done.
	name := "Ann Martin"
	other.change(t, h, "jeanne.martin@acme.example", app.UserChange{Name: &name})
	u.startBulk(app.BulkAction{Kind: app.BulkDisable})
	h.settle()
	p := u.panel.(*bulkPanel)
	if !strings.Contains(p.text.Text, "changed since they were selected") || !p.start.Disabled() {
		t.Errorf("planned on moved rows: %q", p.text.Text)
	}
	u.closePanel()
	h.awaitLive("a user renamed elsewhere", func() bool { return slices.Contains(rows(u), name) })
	if got := picked(); !slices.Equal(got, []string{name, "Paul Durand"}) {
		t.Errorf("after a rename, picked %v", got)
	}

	// One of them leaves the list: no one is left picked, and the bar says why.
	admin := app.RoleAdmin
	other.change(t, h, "paul.durand@acme.example", app.UserChange{Role: &admin})
	h.awaitLive("a user gone from the list", func() bool { return !slices.Contains(rows(u), "Paul Durand") })
	if got := picked(); len(got) != 0 {
		t.Errorf("after a user picked left the list, picked %v", got)
	}
	if !u.picks.content.Visible() || !strings.Contains(u.picks.notice.Text, "the selection was cleared") || u.picks.row.Visible() {
		t.Errorf("the bar says %q (shown %v, actions %v)", u.picks.notice.Text, u.picks.content.Visible(), u.picks.row.Visible())
	}
	for _, e := range []string{"jeanne.martin@acme.example", "paul.durand@acme.example", "aaron@acme.example"} {
		if h.user(e).Disabled {
			t.Errorf("%s was disabled", e)
		}
	}
}

// TestLiveDemotedAdministratorSignedOut: an administrator demoted, or
// disabled, on another workstation is signed out of the administration at
// once, with the reason, not at their next Update.
func TestLiveDemotedAdministratorSignedOut(t *testing.T) {
	employee, off := app.RoleEmployee, true
	for _, c := range []struct {
		change app.UserChange
		says   string
	}{
		{app.UserChange{Role: &employee}, "You are no longer an administrator: your session has ended."},
		{app.UserChange{Disabled: &off}, "Your account was disabled: your session has ended."},
	} {
		h, other := twoWorkstations(t)
		u := h.signInAdmin().users
		p := resetAll(h, u) // new temporary passwords on view, not saved
		h.tapEnabled(p.start)
		h.settle()
		if len(p.passes) == 0 {
			t.Fatal("no passwords")
		}
		other.change(t, h, "admin@acme.example", c.change)
		h.awaitLive("the administrator signed out", func() bool { return h.s.admin == nil || h.s.user == nil })
		h.assertShows(c.says, "new temporary passwords not copied or saved must be given again")
	}
}
