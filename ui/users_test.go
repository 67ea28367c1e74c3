package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"sesame/app"
	"sesame/data/sample"
	"sesame/data/sqlite"
)

func TestUsersListsEveryUserInNameOrder(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	a := h.signInAdmin()
	u := a.users
	if want := []string{"Alice Admin", "Hélène Lefèvre", "Jeanne Martin", "Paul Durand"}; !slices.Equal(rows(u), want) {
		t.Errorf("rows %v, want %v", rows(u), want)
	}
	if got := u.count.Text; got != "4 users" {
		t.Errorf("count %q", got)
	}
	h.assertShows("Name", "Login e-mail", "Role", "Password status", "Last sign-in",
		"Alice Admin", "admin@acme.example", "Administrator", "Active", "09:00",
		"Jeanne Martin", "Employee", "Must change — expires Nov 26, 2026, 09:00", "Never",
		"helene.lefevre@acme.example · no mailbox")
}

func TestUsersSearchAsYouType(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		recovery := "paul.perso@mail.example"
		if _, err := h.svc.UpdateUser(h.ctx, app.SystemActor("test"), "paul.durand@acme.example",
			app.UserChange{RecoveryEmail: &recovery}); err != nil {
			h.t.Fatal(err)
		}
	})
	u := h.signInAdmin().users

	// The search waits for the typing to pause: one query, not one a letter.
	h.canvas().Focus(u.search)
	h.typeText("LEFEV")
	if len(rows(u)) != 4 {
		t.Errorf("searched before the typing paused: %v", rows(u))
	}
	h.advance(searchDelay - time.Millisecond)
	if len(rows(u)) != 4 {
		t.Errorf("searched before the delay: %v", rows(u))
	}
	h.advance(time.Millisecond)
	if got := rows(u); !slices.Equal(got, []string{"Hélène Lefèvre"}) {
		t.Errorf("LEFEV: %v", got)
	}
	if got := u.count.Text; got != "1 match" {
		t.Errorf("count %q", got)
	}

	for _, c := range []struct {
		text string
		want []string
	}{
		{"hélène", []string{"Hélène Lefèvre"}},
		{"helene", []string{"Hélène Lefèvre"}},
		{"paul.du", []string{"Paul Durand"}},      // a login
		{"mail.example", []string{"Paul Durand"}}, // a recovery e-mail
		{"acme.example", rows(h.search(""))},      // every login
		{"  MARTIN  ", []string{"Jeanne Martin"}}, // spaces and case
		{"zzz", nil},
	} {
		if got := rows(h.search(c.text)); !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.text, got, c.want)
		}
	}
	if got := u.count.Text; got != "No user matches “zzz”." {
		t.Errorf("count %q", got)
	}

	// Enter searches at once and goes to the results; Escape empties the search.
	h.canvas().Focus(u.search)
	u.search.SetText("paul")
	h.settle()
	h.press(fyne.KeyReturn)
	if got := rows(u); !slices.Equal(got, []string{"Paul Durand"}) || h.focused() != u.table {
		t.Errorf("Enter: %v, focus on %T", got, h.focused())
	}
	h.press(fyne.KeyEscape)
	h.advance(searchDelay)
	if u.search.Text != "" || len(rows(u)) != 4 || h.focused() != u.search {
		t.Errorf("Escape: search %q, %d rows, focus on %T", u.search.Text, len(rows(u)), h.focused())
	}
}

func TestUsersStatusInWords(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		h.addUser("zoe.roux@acme.example", "Zoé Roux", app.RoleEmployee, "")
		off := true
		if _, err := h.svc.UpdateUser(h.ctx, app.SystemActor("test"), "zoe.roux@acme.example", app.UserChange{Disabled: &off}); err != nil {
			h.t.Fatal(err)
		}
		for range 5 {
			h.svc.SignIn(h.ctx, "paul.durand@acme.example", "not his password")
		}
	})
	h.signInAdmin()
	now := h.svc.Now()
	status := func(email string) string {
		text, _ := statusText(h.user(email), h.svc.Now())
		return text
	}
	for email, want := range map[string]string{
		"admin@acme.example":         "Active",
		"jeanne.martin@acme.example": "Must change — expires Nov 26, 2026, 09:00",
		"paul.durand@acme.example":   "Locked until Nov 25, 2026, 09:01",
		"zoe.roux@acme.example":      "Disabled",
	} {
		if got := status(email); got != want {
			t.Errorf("%s: %q, want %q", email, got, want)
		}
	}
	h.assertShows("Locked until Nov 25, 2026, 09:01", "Disabled")
	h.advance(25 * time.Hour)
	if got := status("jeanne.martin@acme.example"); got != "Temporary expired" {
		t.Errorf("a day later: %q", got)
	}
	if got := pastTime(now); got != "Nov 25, 2026, 09:00" {
		t.Errorf("yesterday: %q", got)
	}
	if got := pastTime(time.Time{}); got != "Never" {
		t.Errorf("never: %q", got)
	}
}

func TestUsersOpenCardByClickAndKeyboard(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users

	// A click on a row opens the card, the focus in it.
	y := u.table.rowHeight * 2.5 // the second row: Hélène Lefèvre
	test.TapAt(u.table, fyne.NewPos(20, y))
	h.settle()
	c, ok := u.panel.(*cardView)
	if !ok || c.user.Name != "Hélène Lefèvre" {
		t.Fatalf("panel %T after a click on the second row", u.panel)
	}
	if h.focused() != c.name || u.table.selected != 1 {
		t.Errorf("focus on %T, selected row %d", h.focused(), u.table.selected)
	}
	h.assertShows("Hélène Lefèvre", "helene.lefevre@acme.example · no mailbox", "Status: Must change — expires Nov 26, 2026, 09:00")

	// Escape closes it and gives the focus back to the table.
	h.press(fyne.KeyEscape)
	if u.panel != nil || h.focused() != u.table || u.table.selected != -1 {
		t.Fatalf("Escape: panel %T, focus %T", u.panel, h.focused())
	}

	// The keyboard's row is still the second: Down, Enter opens the third
	// user; Up, Space the second again.
	h.press(fyne.KeyDown)
	h.press(fyne.KeyReturn)
	if c, ok := u.panel.(*cardView); !ok || c.user.Name != "Jeanne Martin" {
		t.Fatalf("Enter on the third row opened %T", u.panel)
	}
	h.tap(u.panel.(*cardView).closeBtn)
	if h.focused() != u.table {
		t.Fatalf("Close: focus on %T", h.focused())
	}
	h.press(fyne.KeyUp)
	h.press(fyne.KeySpace)
	if c, ok := u.panel.(*cardView); !ok || c.user.Name != "Hélène Lefèvre" {
		t.Fatalf("Space opened %T", u.panel)
	}

	// From the search box, Down goes to the table; letters typed on the
	// table, sorted by name, go to the first name that starts with them.
	h.canvas().Focus(u.search)
	h.press(fyne.KeyDown)
	if h.focused() != u.table {
		t.Errorf("Down from the search: focus on %T", h.focused())
	}
	h.typeText("j")
	if got, _ := u.list.at(u.table.cursor); h.focused() != u.table || got.Name != "Jeanne Martin" {
		t.Errorf("typing on the table: focus on %T, cursor on %q", h.focused(), got.Name)
	}
	// Sorted by another column, they go to the search box.
	tapTitle(h, u, 1)
	h.canvas().Focus(u.table)
	h.typeText("p")
	if h.focused() != u.search || u.search.Text != "p" {
		t.Errorf("typing on the table sorted by login: focus on %T, search %q", h.focused(), u.search.Text)
	}
}

func TestUsersFindShortcut(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	a := h.signInAdmin()
	a.show(sectionAudit)
	h.canvas().Unfocus()
	h.canvas().(fyne.Shortcutable).TypedShortcut(findShortcut)
	if a.current != sectionUsers || h.focused() != a.users.search {
		t.Fatalf("Ctrl+F: section %d, focus on %T", a.current, h.focused())
	}
	// In a field, Ctrl+F reaches the window too.
	c := h.openCard("paul")
	h.canvas().Focus(c.name)
	c.name.TypedShortcut(findShortcut)
	if h.focused() != a.users.search {
		t.Errorf("Ctrl+F in a field: focus on %T", h.focused())
	}
}

// TestUsersLargeDirectory scrolls a directory of 2,000 users: the table
// reads a page at a time, holds a bounded number of pages, and reads a
// page again when it comes back into view.
func TestUsersLargeDirectory(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	db := h.store.(*sqlite.DB)
	if _, err := sample.Load(h.ctx, db, 2000, 7); err != nil {
		t.Fatal(err)
	}
	u := h.signInAdmin().users
	if got := u.count.Text; got != "2,001 users" {
		t.Errorf("count %q", got)
	}
	if n := u.list.len(); n != 2001 {
		t.Fatalf("the table has %d rows, want 2,001", n)
	}
	first, _ := u.list.at(0)
	want := lastByName(t, h, app.UserFilter{})

	h.canvas().Focus(u.table)
	h.press(fyne.KeyEnd)
	if u.table.cursor != 2000 {
		t.Fatalf("End: the cursor is on %d", u.table.cursor)
	}
	last, ok := u.list.at(2000)
	if !ok || last.ID != want.ID {
		t.Fatalf("End shows %q (%v), want %q, the last by name", last.Name, ok, want.Name)
	}
	if got := h.visibleText(); !strings.Contains(got, last.Name) {
		t.Errorf("the last user %q is not on view", last.Name)
	}
	if len(u.list.pages) > usersKept {
		t.Errorf("%d pages held, at most %d", len(u.list.pages), usersKept)
	}

	h.press(fyne.KeyHome)
	if got, ok := u.list.at(0); !ok || got.ID != first.ID {
		t.Errorf("back at the top: %v %v, want %s", got.Name, ok, first.Name)
	}
	if got := h.visibleText(); !strings.Contains(got, first.Name) {
		t.Errorf("the first user %q is not on view", first.Name)
	}
}

func TestUsersNarrowWindowShowsTheCardInPlaceOfTheTable(t *testing.T) {
	h := newHarnessIn(t, "fr", withStaff)
	a := h.signInAdmin()
	u := a.users
	h.s.win.Resize(fyne.NewSize(360, 640))
	if w := h.s.win.Content().MinSize().Width; w > 360 {
		t.Errorf("the users need %.0f px", w)
	}
	c := h.openCard("jeanne")
	if u.master.Visible() || !u.detail.Visible() {
		t.Errorf("narrow: table visible %v, card visible %v", u.master.Visible(), u.detail.Visible())
	}
	if w := h.s.win.Content().MinSize().Width; w > 360 {
		t.Errorf("the card needs %.0f px", w)
	}
	h.tap(c.closeBtn)
	if !u.master.Visible() || u.panel != nil {
		t.Error("Close does not bring the table back")
	}
	h.s.win.Resize(fyne.NewSize(1920, 1080))
	c = h.openCard("jeanne")
	if !u.master.Visible() || c.content.Size().Width < 480 || u.table.Size().Width < 1000 {
		t.Errorf("wide: table %v (visible %v), card %v", u.table.Size(), u.master.Visible(), c.content.Size())
	}
}

func TestUsersAddUser(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	h.tap(u.add)
	v, ok := u.panel.(*addUserView)
	if !ok || h.focused() != v.email {
		t.Fatalf("Add user: panel %T, focus on %T", u.panel, h.focused())
	}
	if !v.create.Disabled() {
		t.Error("Create enabled on an empty form")
	}
	h.typeText("marc.petit@acme")
	if got := shown(v.emailIssue); got != "" {
		t.Errorf("an unfinished address is refused as typed: %q", got)
	}
	h.typeText(" example")
	if got := shown(v.emailIssue); !strings.Contains(got, "is not a valid e-mail address") {
		t.Errorf("a bad address: %q", got)
	}
	v.email.SetText("marc.petit@acme.example")
	h.settle()
	h.typeInto(v.name, "Marc Petit")
	h.tap(v.noMailbox)
	v.recovery.SetText("marc.petit@acme.example")
	h.settle()
	if got := shown(v.recoveryIssue); got != "The recovery e-mail must be another address than the login." {
		t.Errorf("recovery = login: %q", got)
	}
	v.recovery.SetText("marc@perso.example")
	h.settle()
	v.role.SetSelectedIndex(1)
	h.settle()
	h.tapEnabled(v.create)

	if v.created == nil {
		t.Fatalf("not created: %s", shown(v.problem))
	}
	plain := v.secret.text
	if v.secret.shown() != strings.Repeat("•", len([]rune(plain))) {
		t.Errorf("the password is not masked: %q", v.secret.shown())
	}
	h.assertShows("Marc Petit is added.", "expires on Nov 26, 2026, 09:00")
	h.tap(v.secret.eye)
	if v.secret.shown() != plain {
		t.Error("the eye does not show the password")
	}
	h.tap(v.secret.copy)
	if h.clip.text != plain {
		t.Error("Copy did not put the password on the clipboard")
	}
	m := h.user("marc.petit@acme.example")
	if m.Role != app.RoleAdmin || m.HasMailbox || m.RecoveryEmail != "marc@perso.example" || m.State(h.svc.Now()) != app.StateTemporary {
		t.Errorf("created %+v", m)
	}
	if res, err := h.svc.SignIn(h.ctx, "marc.petit@acme.example", plain); err != nil || res.Outcome != app.OutcomeMustChange {
		t.Errorf("signing in with the password handed over: %v %v", res.Outcome, err)
	}
	if !slices.Contains(rows(u), "Marc Petit") {
		t.Errorf("the table does not show the new user: %v", rows(u))
	}

	h.tap(v.open)
	if c, ok := u.panel.(*cardView); !ok || c.user.Email != "marc.petit@acme.example" {
		t.Fatalf("Open the card: %T", u.panel)
	}
	if v.secret.text != "" {
		t.Error("the password stays in the closed form")
	}
}

func TestUsersAddUserRefusedShowsWhy(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	h.tap(u.add)
	v := u.panel.(*addUserView)
	v.email.SetText("Jeanne.Martin@acme.example")
	h.settle()
	v.name.SetText("Another Jeanne")
	h.settle()
	h.tapEnabled(v.create)
	if got := shown(v.problem); !strings.Contains(got, "already exists") {
		t.Errorf("a login taken: %q", got)
	}
	if v.created != nil {
		t.Error("created anyway")
	}
}

// TestLookAlikesAreAskedAbout: a login, or a recovery address, that a
// person could not tell from another login is not created silently: the
// window asks, and goes on once confirmed.
func TestLookAlikesAreAskedAbout(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	a := h.signInAdmin()
	h.tap(a.users.add)
	v := a.users.panel.(*addUserView)
	v.email.SetText("paul.durand@acrne.example")
	v.name.SetText("Paul Durand")
	h.settle()
	h.tapEnabled(v.create)
	if !v.question.open() || v.created != nil {
		t.Fatal("a look-alike login is created without a question")
	}
	h.assertShows("looks like the login")
	if _, err := h.svc.User(h.ctx, "paul.durand@acrne.example"); app.CodeOf(err) != app.ENotFound {
		t.Fatalf("created before the answer: %v", err)
	}
	h.tap(v.question.yes)
	if v.created == nil {
		t.Fatal("not created once confirmed")
	}

	// A recovery address on the card.
	c := h.openCard("jeanne")
	c.recovery.SetText("paul.durand@acrne.example")
	h.settle()
	h.tapEnabled(c.update)
	if !c.question.open() {
		t.Fatal("a look-alike recovery address is saved without a question")
	}
	h.tap(c.question.yes)
	if got := h.user("jeanne.martin@acme.example").RecoveryEmail; got != "paul.durand@acrne.example" {
		t.Errorf("the recovery address once confirmed: %q", got)
	}
}

// TestLoginsShowTheirCanonicalForm: a login typed with capitals is one
// login, shown the one way it is compared: the table, the card and the
// account page show its canonical form.
func TestLoginsShowTheirCanonicalForm(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		h.addActiveUser("  Jo.March@ACME.Example ", "Jo March", app.RoleEmployee, goodPassword)
	})
	a := h.signInAdmin()
	h.openCard("march")
	h.assertShows("jo.march@acme.example")
	h.assertHides("Jo.March@ACME.Example")
	h.tap(a.signOut)
	h.signIn("JO.MARCH@acme.example", goodPassword)
	screen[*accountScreen](h)
	h.assertShows("jo.march@acme.example")
}

// TestUsersFollowLocksEndingAndPasswordsExpiring: with no write anywhere,
// a lock that ends and a temporary password that expires show in the
// table, the status filter's counts and the card open, at the time they
// happen.
func TestUsersFollowLocksEndingAndPasswordsExpiring(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h) // Jeanne's and Hélène's temporary passwords expire in 24 hours
		h.clock.Advance(24*time.Hour - 2*time.Minute)
		for range 5 {
			h.svc.SignIn(h.ctx, "paul.durand@acme.example", "not his password") // locked for a minute
		}
	})
	u := h.signInAdmin().users
	h.openCard("paul")
	u = h.search("")
	counts := func() (locked, expired int) {
		t.Helper()
		c := u.filters.counts
		if c == nil {
			t.Fatal("no filters' counts")
		}
		return c.Statuses[slices.Index(app.StatusKinds(), app.StatusLocked)], c.Statuses[slices.Index(app.StatusKinds(), app.StatusExpired)]
	}
	if locked, expired := counts(); locked != 1 || expired != 0 {
		t.Fatalf("before: %d locked, %d expired", locked, expired)
	}
	h.assertShows("Status: Locked until Nov 26, 2026, 08:59", "Must change — expires")

	h.advance(61 * time.Second) // the lock has ended
	if locked, _ := counts(); locked != 0 {
		t.Errorf("after the lock: %d locked", locked)
	}
	h.assertHides("Locked until")
	h.assertShows("Status: Active")

	h.advance(60 * time.Second) // the temporary password has expired
	if _, expired := counts(); expired != 2 {
		t.Errorf("after the expiry: %d expired", expired)
	}
	h.assertShows("Temporary expired")
	h.assertHides("Must change")
}
