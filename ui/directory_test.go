package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
	"sesame/data/sample"
	"sesame/data/sqlite"
)

// lastByName reads, straight from the service, the last user by name of
// a filter: what End must show.
func lastByName(t *testing.T, h *harness, f app.UserFilter) app.User {
	t.Helper()
	c, err := h.svc.UserCounts(h.ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	page, err := h.svc.ListUsers(h.ctx, app.UserListQuery{Filter: f, Offset: c.Total - 1, Limit: 1})
	if err != nil || len(page.Users) != 1 {
		t.Fatalf("the last user: %v %v", page.Users, err)
	}
	return page.Users[0]
}

// withSample adds 600 generated users to the company.
func withSample(h *harness) {
	withCompany(h)
	if _, err := sample.Load(h.ctx, h.store.(*sqlite.DB), 600, 5); err != nil {
		h.t.Fatal(err)
	}
}

// tapTitle clicks the title of a column of the table.
func tapTitle(h *harness, u *usersView, col int) {
	defer h.settle()
	r := test.WidgetRenderer(u.table).(*tableRenderer)
	x := float32(0)
	for i := range col {
		x += r.widths[i]
	}
	u.table.Tapped(&fyne.PointEvent{Position: fyne.NewPos(x+5, u.table.rowHeight/2)})
}

// click clicks row (on screen, 0 the first under the titles) with the
// modifiers held.
func click(h *harness, u *usersView, line int, mods fyne.KeyModifier) {
	defer h.settle()
	at := fyne.NewPos(10, u.table.rowHeight*(float32(line)+1.5))
	u.table.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}, Modifier: mods})
	u.table.Tapped(&fyne.PointEvent{Position: at})
}

// choose picks option i of a drop-down list.
func (h *harness) choose(c *choice, i int) {
	c.SetSelectedIndex(i)
	h.settle()
}

// shortcut types a shortcut on the table.
func (h *harness) shortcut(u *usersView, s fyne.Shortcut) {
	u.table.TypedShortcut(s)
	h.settle()
}

// namesInView is the names on the rows in view.
func namesInView(u *usersView) []string {
	var out []string
	for i := u.table.top; i < min(u.table.top+u.table.visible, u.list.len()); i++ {
		if user, ok := u.list.at(i); ok {
			out = append(out, user.Name)
		}
	}
	return out
}

func TestDirectorySortsByTheColumnClicked(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	byName := rows(u)
	if want := []string{"Alice Admin", "Hélène Lefèvre", "Jeanne Martin", "Paul Durand"}; strings.Join(byName, "|") != strings.Join(want, "|") {
		t.Fatalf("by name: %v", byName)
	}
	r := test.WidgetRenderer(u.table).(*tableRenderer)
	if got := r.titles[0].full; got != "↑ Name" {
		t.Errorf("the title of the column sorted by: %q", got)
	}

	tapTitle(h, u, 0) // Name again: the other way
	if got := rows(u); strings.Join(got, "|") != "Paul Durand|Jeanne Martin|Hélène Lefèvre|Alice Admin" {
		t.Errorf("by name, descending: %v", got)
	}
	if got := r.titles[0].full; got != "↓ Name" {
		t.Errorf("title %q", got)
	}

	tapTitle(h, u, 1) // login
	if got := rows(u); strings.Join(got, "|") != "Alice Admin|Hélène Lefèvre|Jeanne Martin|Paul Durand" {
		t.Errorf("by login: %v", got)
	}
	if r.titles[0].full != "Name" || r.titles[1].full != "↑ Login e-mail" {
		t.Errorf("titles %q %q", r.titles[0].full, r.titles[1].full)
	}

	tapTitle(h, u, 3) // status: active first, then must change (by name)
	if got := rows(u); strings.Join(got, "|") != "Alice Admin|Paul Durand|Hélène Lefèvre|Jeanne Martin" {
		t.Errorf("by status: %v", got)
	}
	tapTitle(h, u, 2) // role: administrators first
	if got := rows(u); got[0] != "Alice Admin" {
		t.Errorf("by role: %v", got)
	}
	tapTitle(h, u, 2)
	if got := rows(u); got[len(got)-1] != "Alice Admin" {
		t.Errorf("by role, descending: %v", got)
	}
}

func TestDirectoryFiltersShowTheirCountsAndCombineWithTheSearch(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	f := u.filters
	if got := f.role.Options; strings.Join(got, "|") != "Any role (4)|Administrators (1)|Employees (3)" {
		t.Errorf("role choices %q", got)
	}
	if got := f.mailbox.Options[2]; got != "Fictitious (no mailbox) (1)" {
		t.Errorf("mailbox choice %q", got)
	}
	if got := f.status.Text; got != "Any status (4)" {
		t.Errorf("status button %q", got)
	}

	h.choose(f.role, 2) // employees
	if got := u.count.Text; got != "3 matches" {
		t.Errorf("employees: %q", got)
	}
	if got := rows(u); strings.Join(got, "|") != "Hélène Lefèvre|Jeanne Martin|Paul Durand" {
		t.Errorf("employees: %v", got)
	}
	// The counts of each choice keep the other filters.
	if got := f.mailbox.Options; strings.Join(got, "|") != "Any login (3)|With a mailbox (2)|Fictitious (no mailbox) (1)" {
		t.Errorf("mailbox choices with employees only: %q", got)
	}

	// The status, as its list offers it: must change (the two temporary
	// passwords).
	f.filter.Statuses = app.Statuses(app.StatusMustChange)
	f.changed()
	h.settle()
	if got := u.count.Text; got != "2 matches" {
		t.Errorf("employees who must change: %q", got)
	}
	if got := f.status.Text; got != "Must change (2)" {
		t.Errorf("status button %q", got)
	}
	f.filter.Statuses |= app.Statuses(app.StatusActive)
	f.changed()
	h.settle()
	if got := f.status.Text; got != "2 statuses (3)" || u.count.Text != "3 matches" {
		t.Errorf("status button %q, count %q with the employees who must change or are active", got, u.count.Text)
	}
	f.filter.Statuses = app.Statuses(app.StatusMustChange)
	f.changed()
	h.settle()

	// With the search.
	u = h.search("jeanne")
	if got := rows(u); strings.Join(got, "|") != "Jeanne Martin" || u.count.Text != "1 match" {
		t.Errorf("search and filters: %v, %q", got, u.count.Text)
	}
	u = h.search("paul")
	if got := u.count.Text; got != "No user matches “paul” with these filters." {
		t.Errorf("Paul has his own password: %q", got)
	}

	// Stale accounts: nobody signed in; the staff was made now.
	f.filter = app.UserFilter{}
	u = h.search("")
	h.choose(f.stale, 1)
	if got := u.count.Text; got != "No user matches these filters." {
		t.Errorf("stale for 30 days: %q", got)
	}
}

// TestDirectoryCountsTheMatchBeforeTheFilters: the count of the match is
// shown as soon as it is read, before the counts of every filter's choices
// (slower), which then replace those of the previous search.
func TestDirectoryCountsTheMatchBeforeTheFilters(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	h.hold = true
	u := h.search("jeanne")
	for len(h.jobs) > 0 && u.list.total < 0 {
		j := h.jobs[0]
		h.jobs = h.jobs[1:]
		j()
	}
	if got := u.count.Text; got != "1 match" {
		t.Errorf("the match's count: %q", got)
	}
	if got := strings.Join(u.filters.role.Options, "|"); got != "Any role (4)|Administrators (1)|Employees (3)" {
		t.Errorf("before their counts come, the filters show those of the whole directory: %q", got)
	}
	h.release()
	if got := strings.Join(u.filters.role.Options, "|"); got != "Any role (1)|Administrators (0)|Employees (1)" {
		t.Errorf("the filters' counts of the search: %q", got)
	}
	if got := u.count.Text; got != "1 match" {
		t.Errorf("the match's count after the filters': %q", got)
	}
}

func TestDirectoryFindsStaleAccounts(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		h.clock.Advance(100 * 24 * time.Hour)
	})
	u := h.signInAdmin().users // Alice signs in now; the others made 100 days ago never did
	h.choose(u.filters.stale, 2)
	if got := u.count.Text; got != "3 matches" {
		t.Errorf("no sign-in for 90 days: %q", got)
	}
	if got := u.filters.stale.Selected; got != "No sign-in for 90 days (3)" {
		t.Errorf("the choice says %q", got)
	}
	h.choose(u.filters.stale, 3)
	if got := u.count.Text; got != "No user matches these filters." {
		t.Errorf("no sign-in for 180 days: %q", got)
	}
}

func TestDirectoryGoesAnywhere(t *testing.T) {
	h := newHarnessIn(t, "en", withSample)
	u := h.signInAdmin().users
	if got := u.count.Text; got != "601 users" {
		t.Fatalf("count %q", got)
	}
	bar := u.table.bar
	_, thumb := bar.thumbSpan(bar.Size().Height)
	if want := bar.Size().Height * float32(u.table.visible) / 601; thumb < want-1 || thumb > max(want, 2*16)+1 {
		t.Errorf("the thumb is %v high for %d of 601 rows in %v", thumb, u.table.visible, bar.Size().Height)
	}

	// The thumb dragged half way down shows the rows there, read by offset.
	free := bar.Size().Height - thumb
	bar.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DY: free / 2}})
	bar.DragEnd()
	h.settle()
	top := u.table.top
	if top < 250 || top > 350 {
		t.Fatalf("half way down: row %d", top)
	}
	page, err := h.svc.ListUsers(h.ctx, app.UserListQuery{Offset: top, Limit: u.table.visible})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, w := range page.Users {
		want = append(want, w.Name)
	}
	if got := namesInView(u); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rows at %d:\n got %v\nwant %v", top, got, want)
	}
	if got := h.visibleText(); !strings.Contains(got, want[0]) {
		t.Errorf("%q is not drawn", want[0])
	}

	// End: the last by name; Ctrl+Home: the first.
	h.canvas().Focus(u.table)
	h.shortcut(u, &desktop.CustomShortcut{KeyName: fyne.KeyEnd, Modifier: fyne.KeyModifierControl})
	last := lastByName(t, h, app.UserFilter{})
	if got, ok := u.list.at(600); !ok || got.ID != last.ID || u.table.cursor != 600 {
		t.Errorf("Ctrl+End: %q, cursor %d; want %q", got.Name, u.table.cursor, last.Name)
	}
	h.press(fyne.KeyPageUp)
	if u.table.cursor != 600-max(u.table.visible-1, 1) {
		t.Errorf("Page Up: cursor %d", u.table.cursor)
	}
	h.shortcut(u, &desktop.CustomShortcut{KeyName: fyne.KeyHome, Modifier: fyne.KeyModifierControl})
	if first, _ := u.list.at(0); u.table.cursor != 0 || first.Name != "Alice Admin" && !strings.Contains(h.visibleText(), first.Name) {
		t.Errorf("Ctrl+Home: cursor %d", u.table.cursor)
	}

	// With a filter on: End is the last of the match.
	h.choose(u.filters.mailbox, 2)
	f := app.UserFilter{Mailbox: app.OnlyNo}
	h.canvas().Focus(u.table)
	h.press(fyne.KeyEnd)
	c, _ := h.svc.UserCounts(h.ctx, f)
	if got, ok := u.list.at(c.Total - 1); !ok || got.ID != lastByName(t, h, f).ID || u.table.cursor != c.Total-1 {
		t.Errorf("End among the fictitious logins: %q at %d", got.Name, u.table.cursor)
	}

	// Letters typed on the table jump to the first name that starts so.
	h.choose(u.filters.mailbox, 0)
	h.canvas().Focus(u.table)
	at400, _ := h.svc.ListUsers(h.ctx, app.UserListQuery{Offset: 400, Limit: 1})
	target := at400.Users[0]
	for _, r := range strings.ToLower(target.Name)[:3] {
		u.table.TypedRune(r)
	}
	h.settle()
	got, _ := u.list.at(u.table.cursor)
	if !strings.HasPrefix(app.Fold(got.Name), app.Fold(target.Name[:3])) || u.table.cursor > 400 {
		t.Errorf("typing %q went to %q at %d", target.Name[:3], got.Name, u.table.cursor)
	}
	if u.table.cursor > 0 {
		before, _ := u.list.at(u.table.cursor - 1)
		if strings.HasPrefix(app.Fold(before.Name), app.Fold(target.Name[:3])) {
			t.Errorf("%q before it starts with %q too", before.Name, target.Name[:3])
		}
	}
}

func TestDirectorySelectionGestures(t *testing.T) {
	h := newHarnessIn(t, "en", withSample)
	u := h.signInAdmin().users
	click(h, u, 2, 0)
	if u.picked.count(601) != 1 || !u.picked.has(2) {
		t.Fatalf("a click picks its row: %+v", u.picked)
	}
	if _, ok := u.panel.(*cardView); !ok {
		t.Errorf("a click opens the card")
	}
	u.closePanel()
	click(h, u, 2, 0)
	click(h, u, 5, fyne.KeyModifierControl)
	click(h, u, 7, fyne.KeyModifierControl)
	if u.picked.count(601) != 3 || !u.picked.has(5) || !u.picked.has(7) || u.picked.has(6) {
		t.Errorf("Ctrl-clicks: %+v", u.picked)
	}
	click(h, u, 5, fyne.KeyModifierControl)
	if u.picked.count(601) != 2 || u.picked.has(5) {
		t.Errorf("Ctrl-click again leaves the row: %+v", u.picked)
	}
	click(h, u, 8, fyne.KeyModifierShift) // from 5, the last one clicked
	if u.picked.count(601) != 4 || !u.picked.has(5) || !u.picked.has(8) || u.picked.has(2) {
		t.Errorf("Shift-click: %+v", u.picked)
	}
	if got := u.picks.said.Text; got != "4 selected" {
		t.Errorf("said %q", got)
	}

	// Shift+Down from the cursor.
	h.canvas().Focus(u.table)
	u.table.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	h.press(fyne.KeyDown)
	h.press(fyne.KeyDown)
	u.table.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	if u.picked.count(601) != 6 || !u.picked.has(10) {
		t.Errorf("Shift+Down twice: %+v", u.picked)
	}
	if !u.picks.all.Visible() || u.picks.all.Text != "Select all 601 matching" {
		t.Errorf("the offer to pick all: %q %v", u.picks.all.Text, u.picks.all.Visible())
	}

	// Ctrl+A: every one that matches, a filter rather than rows.
	h.shortcut(u, &fyne.ShortcutSelectAll{})
	if !u.picked.all || u.picks.said.Text != "601 selected" || u.picks.all.Visible() {
		t.Errorf("Ctrl+A: %+v, %q", u.picked, u.picks.said.Text)
	}
	if !u.picked.has(600) {
		t.Error("the last row is not picked")
	}
	click(h, u, 0, fyne.KeyModifierControl)
	if u.picked.all || u.picked.count(601) != 600 || u.picked.has(u.table.top) {
		t.Errorf("Ctrl-click after Ctrl+A: %+v", u.picked)
	}
	u.picks.none.OnTapped()
	if u.picked.count(601) != 0 || u.picks.content.Visible() {
		t.Errorf("cleared: %+v", u.picked)
	}
	// From the keyboard alone: Shift+Down twice from the cursor, then
	// Shift+End: from the row where it started to the last.
	u.picks.none.OnTapped()
	h.canvas().Focus(u.table)
	h.press(fyne.KeyHome)
	h.press(fyne.KeyDown)
	h.press(fyne.KeyDown)
	u.table.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	h.press(fyne.KeyDown)
	h.press(fyne.KeyDown)
	if u.picked.count(601) != 3 || !u.picked.has(2) || !u.picked.has(4) || u.picked.has(1) {
		t.Errorf("Shift+Down from row 2: %+v", u.picked)
	}
	h.press(fyne.KeyEnd)
	u.table.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	if u.picked.count(601) != 599 || !u.picked.has(600) || u.picked.has(1) {
		t.Errorf("Shift+End: %d picked, %+v", u.picked.count(601), u.picked)
	}
	if got := u.picks.said.Text; got != "599 selected" {
		t.Errorf("said %q", got)
	}
	// A new filter starts a new selection.
	h.shortcut(u, &fyne.ShortcutSelectAll{})
	h.choose(u.filters.role, 1)
	if u.picked.count(u.list.len()) != 0 {
		t.Errorf("kept across filters: %+v", u.picked)
	}
	if !u.picks.content.Visible() || !u.picks.notice.Visible() || !strings.Contains(u.picks.notice.Text, "a new search, filter or sort selects anew") {
		t.Errorf("the selection dropped without a word: %q", u.picks.notice.Text)
	}
	click(h, u, 1, fyne.KeyModifierControl)
	click(h, u, 2, fyne.KeyModifierControl)
	if u.picks.said.Text != "2 selected" {
		t.Errorf("picking again: %q", u.picks.said.Text)
	}
}

// resetAll picks every user of the role chosen and opens the reset of
// their passwords, planned.
func resetAll(h *harness, u *usersView) *bulkPanel {
	h.t.Helper()
	h.choose(u.filters.role, 2) // employees: the administrator is left alone
	h.shortcut(u, &fyne.ShortcutSelectAll{})
	u.startBulk(app.BulkAction{Kind: app.BulkReset})
	h.settle()
	p, ok := u.panel.(*bulkPanel)
	if !ok {
		h.t.Fatalf("the panel is %T", u.panel)
	}
	return p
}

func TestBulkResetCancelledHalfway(t *testing.T) {
	h := newHarnessIn(t, "en", withSample)
	u := h.signInAdmin().users
	p := resetAll(h, u)
	n := u.list.len()
	if got := p.text.Text; !strings.Contains(got, groupDigits(n)+" users selected.") || !strings.Contains(got, groupDigits(n)+" will get a new temporary password") {
		t.Fatalf("the plan says %q, for %d employees", got, n)
	}
	before := map[string]app.User{}
	page, err := h.svc.ListUsers(h.ctx, app.UserListQuery{Filter: app.UserFilter{Role: app.RoleEmployee}, Limit: app.MaxPage})
	if err != nil || len(page.Users) != n {
		t.Fatalf("%d employees: %v", len(page.Users), err)
	}
	for _, user := range page.Users {
		before[user.Email] = user
	}

	batches := 0
	bulkProgressed = func(bp *bulkPanel, pr app.BulkProgress) {
		batches++
		if batches == 2 {
			bp.stop() // what Cancel does, from the action's goroutine
		}
	}
	defer func() { bulkProgressed = nil }()
	h.tapEnabled(p.start)
	h.settle()

	if p.running {
		t.Fatal("still running")
	}
	done := 0
	changed := map[string]bool{}
	for _, o := range p.shown.outcomes {
		if o.Status == app.BulkDone {
			done++
			changed[o.Login] = true
			if o.Temporary == nil || o.Temporary.Plaintext == "" {
				t.Errorf("%s: no temporary password", o.Login)
			}
		}
	}
	if done == 0 || done >= n || len(p.passes) != done {
		t.Fatalf("%d done, %d passwords, of %d: cancel halfway", done, len(p.passes), n)
	}
	if got := p.text.Text; !strings.Contains(got, "Cancelled: the users not reached are unchanged.") {
		t.Errorf("the result says %q", got)
	}
	for email, was := range before {
		now := h.user(email)
		if changed[email] != (now.PasswordHash != was.PasswordHash) {
			t.Errorf("%s: changed %v, hash changed %v", email, changed[email], now.PasswordHash != was.PasswordHash)
		}
		if changed[email] && (!now.PasswordTemporary || strings.Contains(now.PasswordHash, "Plaintext")) {
			t.Errorf("%s: not a temporary password", email)
		}
	}
	// One audit row per user done, one for the batch.
	events, perUser := 0, 0
	if err := h.svc.EachAuditPage(h.ctx, app.AuditQuery{}, 500, 10_000, func(es []app.AuditEvent) error {
		for _, e := range es {
			if e.Action == app.ActionBulk {
				events++
				if !strings.Contains(e.Details, "cancelled") {
					t.Errorf("the batch's row: %q", e.Details)
				}
			}
			if e.Action == app.ActionTemporaryGenerate && changed[e.Subject] {
				perUser++
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if events != 1 || perUser != done {
		t.Errorf("audit: %d rows of the batch, %d of users, want 1 and %d", events, perUser, done)
	}
}

func TestBulkPasswordsAreHandedOutOnce(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	p := resetAll(h, u)
	h.tapEnabled(p.start)
	h.settle()
	if len(p.passes) != 3 || !p.copyAll.Visible() {
		t.Fatalf("%d passwords", len(p.passes))
	}
	if p.list.Length() != 3 {
		t.Errorf("the result lists %d users", p.list.Length())
	}
	for _, o := range p.passes {
		if text, secret := p.outcomeText(o); text != o.Temporary.Plaintext || !secret {
			t.Errorf("the password of %s is not shown", o.Login)
		}
	}
	if shownText := h.visibleText(); !strings.Contains(shownText, p.passes[0].Temporary.Plaintext) {
		t.Errorf("the first password is not on view:\n%s", shownText)
	}
	if !p.dirty() {
		t.Error("closing before the passwords are handed out does not ask")
	}

	h.tap(p.copyAll)
	for _, o := range p.passes {
		if !strings.Contains(h.clip.text, o.Login+"\tJ") && !strings.Contains(h.clip.text, o.Temporary.Plaintext) {
			t.Errorf("the clipboard lacks %s", o.Login)
		}
	}
	h.advance(h.s.st.ClipboardClear)
	if h.clip.text != "" {
		t.Error("the clipboard was not emptied")
	}

	h.tap(p.saveCSV)
	if h.saved == nil || !strings.HasSuffix(h.saved.name, ".csv") {
		t.Fatal("nothing saved")
	}
	csv := h.saved.data.String()
	for _, o := range p.passes {
		if !strings.Contains(csv, o.Temporary.Plaintext) || !strings.Contains(csv, o.Login) {
			t.Errorf("the hand-out lacks %s", o.Login)
		}
	}
	passwords := []string{}
	for _, o := range p.passes {
		passwords = append(passwords, o.Temporary.Plaintext)
	}
	h.tap(p.done)
	if u.panel != nil {
		t.Fatal("the panel is still open")
	}
	if p.passes != nil || len(p.shown.outcomes) != 0 {
		t.Error("the passwords outlive the panel")
	}
	text := h.visibleText()
	for _, pw := range passwords {
		if strings.Contains(text, pw) {
			t.Errorf("%q still shown", pw)
		}
		for _, email := range []string{"jeanne.martin@acme.example", "paul.durand@acme.example", "helene.lefevre@acme.example"} {
			if stored := h.user(email); strings.Contains(stored.PasswordHash, pw) || !strings.HasPrefix(stored.PasswordHash, "$") {
				t.Errorf("%s: stored %q", email, stored.PasswordHash)
			}
		}
	}
}

func TestBulkPlanRefusesTheLastAdministrator(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	h.shortcut(u, &fyne.ShortcutSelectAll{})
	u.startBulk(app.BulkAction{Kind: app.BulkDisable})
	h.settle()
	p := u.panel.(*bulkPanel)
	got := p.text.Text
	for _, want := range []string{"4 users selected.", "3 will be disabled.", "1 refused: You cannot disable your own account"} {
		if !strings.Contains(got, want) {
			t.Errorf("the plan lacks %q: %q", want, got)
		}
	}
	h.tapEnabled(p.start)
	h.settle()
	if !h.user("paul.durand@acme.example").Disabled || h.user("admin@acme.example").Disabled {
		t.Error("not applied as planned")
	}
	if !strings.Contains(p.text.Text, "3 done.") || !strings.Contains(p.text.Text, "1 refused.") {
		t.Errorf("result %q", p.text.Text)
	}
}

func TestExportPickedUsers(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	click(h, u, 1, 0)
	u.closePanel()
	click(h, u, 1, 0)
	click(h, u, 3, fyne.KeyModifierControl)
	u.closePanel()
	u.exportPicked()
	h.settle()
	if h.saved == nil {
		t.Fatal("nothing saved")
	}
	got := h.saved.data.String()
	if !strings.Contains(got, "helene.lefevre@acme.example") || !strings.Contains(got, "paul.durand@acme.example") ||
		strings.Contains(got, "jeanne.martin") || strings.Contains(got, "admin@acme") {
		t.Errorf("export:\n%s", got)
	}
	if !strings.Contains(u.count.Text, "2 users exported to /home/alice/users-2026-11-25-0900.csv") {
		t.Errorf("said %q", u.count.Text)
	}
}

// TestDirectoryNarrow: at 360 px, in English and French, the filters, the
// selection's bar and the action on many fit the window, the table keeps
// the names, and the result of an action takes the table's place.
func TestDirectoryNarrow(t *testing.T) {
	for _, language := range []string{"en", "fr"} {
		h := newHarnessIn(t, language, withStaff)
		u := h.signInAdmin().users
		h.s.win.Resize(fyne.NewSize(360, 640))
		h.settle()
		fits := func(what string) {
			t.Helper()
			if w := h.s.win.Content().MinSize().Width; w > 360 {
				t.Errorf("%s: %s needs %.0f px", language, what, w)
			}
		}
		fits("the table with its filters")
		h.shortcut(u, &fyne.ShortcutSelectAll{})
		fits("the selection")
		for _, o := range []fyne.CanvasObject{u.filters.stale, u.picks.act} {
			if pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o); pos.X+o.Size().Width > 360 {
				t.Errorf("%s: %T ends at %.0f px", language, o, pos.X+o.Size().Width)
			}
		}
		r := test.WidgetRenderer(u.table).(*tableRenderer)
		if !r.shown[0] || !r.shown[3] || r.shown[1] {
			t.Errorf("%s: columns shown %v", language, r.shown)
		}
		u.startBulk(app.BulkAction{Kind: app.BulkUnlock})
		h.settle()
		fits("the action on many")
		if u.master.Visible() {
			t.Errorf("%s: the table stays beside the action", language)
		}
	}
}

// TestDirectoryColumnsAreRemembered: the optional columns and the widths
// given are kept in the preferences, for the next time.
func TestDirectoryColumnsAreRemembered(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	if !u.table.columns[5].hidden || u.cols[5].key != "recovery" {
		t.Fatal("the recovery e-mail shows by default")
	}
	u.showColumn(5, true)
	u.table.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(test.WidgetRenderer(u.table).(*tableRenderer).widths[0]+30, 10)},
		Dragged: fyne.Delta{DX: 30}})
	u.table.DragEnd()
	width := u.table.columns[0].width

	// The next administration reads them back.
	again := h.s.newUsers(h.s.view.child(), h.s.admin)
	if again.table.columns[5].hidden {
		t.Error("the recovery e-mail column was forgotten")
	}
	if got := again.table.columns[0].width; got != width || got < 100 {
		t.Errorf("the name's width %v, want %v", got, width)
	}
	u.defaultWidths()
	if got := u.table.columns[0].width; got != u.cols[0].width {
		t.Errorf("default width %v", got)
	}
}

// TestBulkSendMailsTheRecoveryAddresses: the temporary passwords go to the
// recovery e-mails, at once (the service's delivery hook), none shown; a
// user without a recovery e-mail is refused, as the plan said.
func TestBulkSendMailsTheRecoveryAddresses(t *testing.T) {
	h := newHarnessIn(t, "en", withRecovery)
	m := &fakeMailer{}
	h.withDelivery(m)
	u := h.signInAdmin().users
	h.choose(u.filters.role, 2)
	h.shortcut(u, &fyne.ShortcutSelectAll{})
	u.startBulk(app.BulkAction{Kind: app.BulkSend})
	h.settle()
	p := u.panel.(*bulkPanel)
	for _, want := range []string{"2 users selected.", "1 will get a new temporary password, mailed to their recovery e-mail",
		"1 refused: No recovery e-mail to send the password to."} {
		if !strings.Contains(p.text.Text, want) {
			t.Errorf("the plan lacks %q: %q", want, p.text.Text)
		}
	}
	h.tapEnabled(p.start)
	h.settle()
	if got := m.to("jeanne@home.example", app.MailTemporaryPassword); len(got) != 1 {
		t.Errorf("%d messages to Jeanne's recovery address", len(got))
	}
	if len(p.passes) != 0 || p.copyAll.Visible() {
		t.Error("a password sent is shown too")
	}
	if !h.user("jeanne@acme.example").PasswordTemporary || h.user("marc@acme.example").PasswordTemporary {
		t.Error("not applied as planned")
	}
}

// TestBulkOnRowsPicked: rows picked one by one are acted on by their
// logins, the others left alone.
func TestBulkOnRowsPicked(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	click(h, u, 1, fyne.KeyModifierControl) // Hélène
	click(h, u, 3, fyne.KeyModifierControl) // Paul
	u.startBulk(app.BulkAction{Kind: app.BulkDisable})
	h.settle()
	p := u.panel.(*bulkPanel)
	if !strings.Contains(p.text.Text, "2 users selected.") || !strings.Contains(p.text.Text, "2 will be disabled.") {
		t.Fatalf("plan %q", p.text.Text)
	}
	h.tapEnabled(p.start)
	h.settle()
	if !h.user("helene.lefevre@acme.example").Disabled || !h.user("paul.durand@acme.example").Disabled ||
		h.user("jeanne.martin@acme.example").Disabled {
		t.Error("not the rows picked")
	}
	if p.list.Length() != 2 || u.picked.count(u.list.len()) != 0 {
		t.Errorf("%d outcomes listed; %d still picked", p.list.Length(), u.picked.count(u.list.len()))
	}
}

// TestDirectorySortFromTheKeyboard: the Columns list offers the sorts too,
// for whoever cannot click a title.
func TestDirectorySortFromTheKeyboard(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	h.canvas().Focus(u.colsButton)
	h.press(fyne.KeySpace)
	menu := h.canvas().Overlays().Top()
	if menu == nil {
		t.Fatal("Space on Columns opens nothing")
	}
	var byLogin *fyne.MenuItem
	for _, item := range u.columnsMenu() {
		if item.Label == "Sort by Login e-mail" {
			byLogin = item
		}
		if item.Label == "Sort by Name" && !item.Checked {
			t.Error("the sort on view is not ticked")
		}
	}
	if byLogin == nil {
		t.Fatal("no sort by login")
	}
	menu.Hide()
	byLogin.Action()
	h.settle()
	if u.sort.By != app.SortLogin || u.table.sortCol != 1 {
		t.Errorf("sorted by %v, arrow on %d", u.sort.By, u.table.sortCol)
	}
}

// TestFilterRowTakesTheLinesItNeeds: the filters' row flows onto as many
// lines as the window's width needs, and the count under it starts below
// its last line, neither under it nor after a blank, whether the width or
// the choices' counts changed last.
func TestFilterRowTakesTheLinesItNeeds(t *testing.T) {
	h := newHarnessIn(t, "fr", withSample)
	u := h.signInAdmin().users
	row := u.filters.content
	check := func(when string) {
		t.Helper()
		bottom, lines := float32(0), map[float32]bool{}
		for _, o := range row.Objects {
			bottom = max(bottom, o.Position().Y+o.Size().Height)
			lines[o.Position().Y] = true
		}
		if row.Size().Height != bottom {
			t.Errorf("%s: the row is %v high for %d lines of choices %v high", when, row.Size().Height, len(lines), bottom)
		}
		below := fyne.CurrentApp().Driver().AbsolutePositionForObject(u.count).Y
		under := fyne.CurrentApp().Driver().AbsolutePositionForObject(row).Y + bottom
		if below < under || below > under+3*theme.Padding() {
			t.Errorf("%s: the count is at %v, the choices end at %v", when, below, under)
		}
	}
	for _, width := range []float32{1100, 700, 420, 1100, 560, 1100} {
		h.s.win.Resize(fyne.NewSize(width, 720))
		h.settle()
		check(fmt.Sprintf("%v px wide", width))
	}
	// Counts that lengthen the choices: the row may take one more line.
	h.s.win.Resize(fyne.NewSize(1000, 720))
	u.filters.filter.Statuses = app.Statuses(app.StatusDisabled)
	u.filters.changed()
	h.settle()
	check("after the counts of a filter")
}

// TestCountGreyedWhileTyping: until the typing pauses, the count beside
// the search box is the previous text's: it is greyed, then drawn as it is
// with the new text's count.
func TestCountGreyedWhileTyping(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	h.canvas().Focus(u.search)
	h.typeText("jea")
	if u.count.Importance != widget.LowImportance || u.count.Text != "4 users" {
		t.Errorf("while typing: %q, importance %v", u.count.Text, u.count.Importance)
	}
	h.advance(searchDelay)
	if u.count.Importance != widget.MediumImportance || u.count.Text != "1 match" {
		t.Errorf("after the pause: %q, importance %v", u.count.Text, u.count.Importance)
	}
}

// TestUsersTopFollowsTheWidth: the part above the table (search, filters,
// count, the selection's bar or its note) takes the height its width needs,
// in one step from any width to any other: the table starts right below
// it, nothing covers anything, and a long note wraps rather than holding
// the window wide.
func TestUsersTopFollowsTheWidth(t *testing.T) {
	h := newHarnessIn(t, "fr", withSample)
	u := h.signInAdmin().users
	h.s.win.Resize(fyne.NewSize(1100, 720))
	h.settle()
	h.shortcut(u, &fyne.ShortcutSelectAll{})
	h.choose(u.filters.role, 2) // the selection is cleared, with a note
	if !u.picks.notice.Visible() {
		t.Fatal("no note of the selection cleared")
	}
	top := u.master.Objects[0].(*fyne.Container)
	for _, width := range []float32{1100, 360, 1280, 420, 900, 560, 1280} {
		h.s.win.Resize(fyne.NewSize(width, 720))
		h.settle()
		bottom := float32(0)
		for _, o := range top.Objects {
			if o.Visible() {
				bottom = max(bottom, o.Position().Y+o.Size().Height)
				if o.Size().Width > top.Size().Width+1 {
					t.Errorf("%v px: a part %v wide in %v", width, o.Size().Width, top.Size().Width)
				}
			}
		}
		if top.Size().Height != bottom {
			t.Errorf("%v px: the top is %v high, its parts end at %v", width, top.Size().Height, bottom)
		}
		if got, want := u.table.Position().Y, top.Size().Height+theme.Padding(); got != want {
			t.Errorf("%v px: the table starts at %v, want %v", width, got, want)
		}
		if n := u.picks.notice; n.Size().Width > top.Size().Width+1 || n.Size().Height < n.MinSize().Height {
			t.Errorf("%v px: the note is %v in a top %v wide", width, n.Size(), top.Size().Width)
		}
	}
	if w := u.content.MinSize().Width; w > 360 {
		t.Errorf("the users need %v px: the window cannot be narrow", w)
	}
}
