package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

const (
	// searchDelay is how long the search waits after a keystroke: a name
	// typed at speed costs one query, not one per letter.
	searchDelay = 150 * time.Millisecond
	// usersPage is the number of users read at a time: a few screens.
	usersPage = 100
	// usersKept bounds the pages of users held in memory, some 1,200
	// users around the view, whatever the size of the directory.
	usersKept = 12
)

// panel is what opens beside the table of users: a user's card or the
// form that adds a user.
type panel interface {
	object() fyne.CanvasObject
	first() fyne.Focusable
	// dirty reports unsaved changes, which leaving the panel asks about.
	dirty() bool
	// ask shows the question whether to drop the changes; then runs if so.
	ask(then func())
	// escape handles Escape inside the panel (a question open), and
	// reports whether it did.
	escape() bool
	// close drops what the panel holds: passwords, timers.
	close()
}

// usersView is Administration → Users: a search box and filters over the
// table of users, read from the store a page at a time wherever the table
// is scrolled to, sorted by the column chosen, and beside it (in its place
// when narrow) the card of the user opened, the form that adds one, or an
// action on the users picked.
type usersView struct {
	s     *session
	sc    *scope
	admin *adminScreen

	search     *entry
	filters    *userFilters
	count      *widget.Label
	add        *button
	importB    *button // Import…: see import.go
	table      *table
	list       *dirList
	text       string // the search whose results are on view
	sort       app.UserSort
	wait       debounce // the search, once the typing pauses
	cols       []userColumn
	picked     selection
	picks      *selectionBar
	jump       jumper
	colsButton *button
	stopTimed  func() bool // the reading again set for the next change with no write (reloadAt)

	panel    panel           // on view beside the table, nil when none
	panelSc  *scope          // the panel's
	panelRow int             // the row of the user whose card is open, -1 when none or unknown
	opening  latest          // the card asked for last
	checking latest          // the card on view, read again
	master   *fyne.Container // the search and the table
	detail   *fyne.Container // the panel
	split    *fyne.Container
	content  fyne.CanvasObject
}

func (s *session) newUsers(sc *scope, a *adminScreen) *usersView {
	u := &usersView{s: s, sc: sc, admin: a, wait: debounce{delay: searchDelay}, panelRow: -1}
	u.search = s.newEntry(lang.L("Search by name, login or e-mail"))
	u.search.OnChanged = u.onSearchChanged
	u.search.OnSubmitted = u.onSearchSubmitted
	u.search.onKey = u.onSearchKey
	u.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	u.count = widget.NewLabel("")
	u.count.Wrapping = fyne.TextWrapWord
	u.add = s.newButton(lang.L("Add user"), widget.MediumImportance, u.onAdd)
	u.add.Icon = theme.ContentAddIcon()
	u.importB = s.newButton(lang.L("Import…"), widget.MediumImportance, u.onImport)
	u.importB.Icon = theme.UploadIcon()

	u.list = newDirList(sc, s.svc, usersPage, usersKept, u.onListChanged)
	u.filters = s.newUserFilters(u.requery)
	u.cols = userColumns()
	u.table = newTable(sc, u.tableColumns(), u.list.len, u.fillRow)
	u.table.onView = u.list.setView
	u.table.onOpen = u.onOpen
	u.table.onRune = u.onTableRune
	u.table.onActivity = s.touch
	u.table.onEscape = s.escape
	u.table.onPick = u.onPick
	u.table.picked = u.picked.has
	u.table.onSort = u.onSort
	u.table.onResize = u.onResize
	u.table.sortBy(0, false)
	u.picks = s.newSelectionBar(u)
	u.colsButton = s.newButton(lang.L("Columns"), widget.LowImportance, u.onColumns)
	u.colsButton.Icon = theme.ListIcon()

	u.master = stacked(container.New(vbox{}, container.New(&rowOrColumn{}, u.search, u.importB, u.add), u.filters.content,
		container.NewBorder(nil, nil, nil, u.colsButton, u.count), u.picks.content), u.table, nil)
	u.detail = container.NewStack()
	u.detail.Hide()
	u.split = container.New(masterDetail{minMaster: 520, detailWidth: 480}, u.master, u.detail)
	u.content = u.split
	u.runSearch("")
	return u
}

// first is where the focus goes when the users are shown.
func (u *usersView) first() fyne.Focusable {
	if u.panel != nil && !u.master.Visible() {
		return u.panel.first()
	}
	return u.search
}

// The search.

func (u *usersView) onSearchChanged(text string) {
	u.admin.hush()
	// Until the typing pauses, the count is the previous text's: it is
	// greyed, and drawn again as it is once the new one comes.
	if u.count.Importance != widget.LowImportance && u.count.Importance != widget.DangerImportance {
		u.count.Importance = widget.LowImportance
		u.count.Refresh()
	}
	u.wait.call(u.sc, func() { u.runSearch(text) })
}

// onSearchSubmitted is Enter in the search box: the search at once, and
// the focus on its results.
func (u *usersView) onSearchSubmitted(text string) {
	if u.wait.pending() || text != u.text {
		u.wait.cancel()
		u.runSearch(text)
	}
	u.s.win.Canvas().Focus(u.table)
}

// onSearchKey takes Down in the search box to the results.
func (u *usersView) onSearchKey(k *fyne.KeyEvent) bool {
	if k.Name != fyne.KeyDown {
		return false
	}
	u.s.win.Canvas().Focus(u.table)
	return true
}

// onTableRune is what is typed on the table: sorted by name, the first
// letters of a name jump to it; otherwise they go to the search box.
func (u *usersView) onTableRune(r rune) {
	if u.sort.By == app.SortName {
		u.jump.typed(u, r)
		return
	}
	u.s.win.Canvas().Focus(u.search)
	u.search.TypedRune(r)
}

// runSearch shows the users that match text and the filters, from the
// first.
func (u *usersView) runSearch(text string) {
	u.text = text
	u.requery()
}

// query is the directory's query on view.
func (u *usersView) query() app.UserListQuery {
	f := u.filters.filter
	f.Text = u.text
	return app.UserListQuery{Filter: f, Sort: u.sort}
}

// requery shows the users of the search, filters and sort chosen, from the
// first, with nothing picked.
func (u *usersView) requery() {
	u.table.reset()
	u.panelRow = -1 // the card stays open, its row is gone
	u.picks.note = ""
	if u.picked.count(u.list.len()) > 0 {
		// Rows are positions in one query's list: a new list, a new
		// selection, said rather than dropped silently.
		u.picks.note = lang.L("The selection was cleared: a new search, filter or sort selects anew.")
	}
	u.picked.clear()
	u.jump.stop()
	u.list.reset(u.query())
	u.onListChanged()
}

// reload reads again what the users show, where it stands: the rows on
// view, the count and the card open. It is the one way in for the changes
// that a workstation made (this one, or another one).
func (u *usersView) reload() {
	u.list.refresh()
	u.checkCard()
}

// timedEvery is the least time between two readings for changes with no
// write: a directory where temporary passwords expire every few seconds
// is read again at that pace, not at theirs.
const timedEvery = 10 * time.Second

// reloadAt reads again what the users show at until, when, with no write,
// their statuses and counts next change (a lock ends, a temporary password
// expires: app.UserCounts.Until), as of now; zero sets nothing.
func (u *usersView) reloadAt(until, now time.Time) {
	if u.stopTimed != nil {
		u.stopTimed()
		u.stopTimed = nil
	}
	if until.IsZero() {
		return
	}
	u.stopTimed = u.sc.after(max(until.Sub(now), timedEvery), func() {
		u.stopTimed = nil
		u.reload()
	})
}

// onListChanged redraws the table, the counts and the selection when rows
// or counts arrive.
func (u *usersView) onListChanged() {
	u.table.Refresh()
	greyed := u.count.Importance == widget.LowImportance
	u.count.Importance = widget.MediumImportance
	if text := u.countText(); text != u.count.Text || greyed {
		u.count.SetText(text)
	}
	if u.list.faceted && (u.filters.counts == nil || *u.filters.counts != u.list.counts) {
		c := u.list.counts
		u.filters.setCounts(&c)
		u.reloadAt(c.Until, c.Now)
	}
	if !u.picked.follow(u.heldRows, u.list.total) {
		u.picks.note = lang.L("The users listed changed since they were selected: the selection was cleared, so that no one else is acted on.")
		u.table.Refresh()
	}
	u.picks.update()
}

// heldRows calls yield with each row that the list holds, read since the
// last change, and its user's ID.
func (u *usersView) heldRows(yield func(row int, id int64)) {
	l := u.list
	for k, pg := range l.pages {
		if pg.stale {
			continue
		}
		for i, user := range pg.rows {
			yield(k*l.size+i, user.ID)
		}
	}
}

// countText says how many users match, exactly: the count arrives after
// the first page.
func (u *usersView) countText() string {
	l := u.list
	if l.err != nil {
		u.count.Importance = widget.DangerImportance
		return u.s.errorText(l.err)
	}
	searching := strings.TrimSpace(u.text) != "" || u.filters.filter != (app.UserFilter{})
	n := l.total
	switch {
	case l.head < 0:
		return lang.L("Searching…")
	case n < 0:
		return lang.L("Counting…")
	case n == 0 && strings.TrimSpace(u.text) != "" && u.filters.filter != (app.UserFilter{}):
		return lang.L("No user matches “{{.Text}}” with these filters.", map[string]any{"Text": strings.TrimSpace(u.text)})
	case n == 0 && strings.TrimSpace(u.text) != "":
		return lang.L("No user matches “{{.Text}}”.", map[string]any{"Text": strings.TrimSpace(u.text)})
	case n == 0 && searching:
		return lang.L("No user matches these filters.")
	case searching:
		return lang.N("{{.N}} matches", n, map[string]any{"N": groupDigits(n)})
	}
	return lang.N("{{.N}} users", n, map[string]any{"N": groupDigits(n)})
}

// groupDigits writes a number with its digits in groups of three, as the
// window's language does: 12,345 in English, 12 345 in French.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	sep := lang.L("Thousands separator")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fillRow writes a user's row of the table.
func (u *usersView) fillRow(row int, cells []*tableCell) {
	user, ok := u.list.at(row)
	if !ok {
		cells[0].set(lang.L("Loading…"), widget.LowImportance)
		for _, c := range cells[1:] {
			c.set("", widget.MediumImportance)
		}
		return
	}
	now := u.s.svc.Now()
	for i, c := range u.cols {
		text, importance := c.text(user, now)
		cells[i].set(text, importance)
	}
}

// The panel beside the table.

// onOpen opens the card of the user on row, after asking about unsaved
// changes on the panel open.
func (u *usersView) onOpen(row int) {
	user, ok := u.list.at(row)
	if !ok {
		return
	}
	u.picked.one(row)
	u.picked.remember(u.heldRows, u.list.total)
	u.picks.note = ""
	u.picks.update()
	if c, ok := u.panel.(*cardView); ok && c.user.ID == user.ID {
		u.panelRow = row
		u.s.win.Canvas().Focus(c.first())
		return
	}
	u.leavePanel(func() { u.openCard(user, row, "") })
}

func (u *usersView) onAdd() {
	u.leavePanel(func() { u.openPanel(u.s.newAddUser(u.newPanelScope(), u), -1) })
}

// newPanelScope ends the scope of the panel on view, with whatever it
// waits for (a password generated, an Update), and begins the next one's.
func (u *usersView) newPanelScope() *scope {
	if u.panelSc != nil {
		u.panelSc.end()
	}
	u.panelSc = u.sc.child()
	return u.panelSc
}

// leavePanel closes the panel on view, asking first when it has unsaved
// changes, and then runs then.
func (u *usersView) leavePanel(then func()) {
	if u.panel == nil || !u.panel.dirty() {
		u.closePanel()
		then()
		return
	}
	u.table.selected = u.panelRow // the card open stays the one marked
	u.table.Refresh()
	u.panel.ask(func() {
		u.closePanel()
		then()
	})
}

// openPanel shows p beside the table, with the focus in it.
func (u *usersView) openPanel(p panel, row int) {
	if u.panel != nil && u.panel != p {
		u.panel.close()
	}
	u.panel, u.panelRow = p, row
	u.admin.hush()
	if row < 0 {
		u.table.clearSelection()
	}
	u.detail.Objects = []fyne.CanvasObject{p.object()}
	u.detail.Show()
	u.split.Refresh()
	u.s.win.Canvas().Focus(p.first())
}

// closePanel drops the panel on view and gives the focus back to the
// table.
func (u *usersView) closePanel() {
	if u.panel == nil {
		return
	}
	u.panel.close()
	u.panelSc.end()
	u.panel, u.panelRow = nil, -1
	u.detail.Objects = nil
	u.detail.Hide()
	u.table.clearSelection()
	u.split.Refresh()
	u.s.win.Canvas().Focus(u.table)
}

// onPanelClosed is the Close button of a panel: it asks about unsaved
// changes first.
func (u *usersView) onPanelClosed() { u.leavePanel(func() {}) }

// escape is the Escape key: it closes the panel, or else empties the
// search.
func (u *usersView) escape() {
	switch {
	case u.panel != nil:
		if !u.panel.escape() {
			u.onPanelClosed()
		}
	case u.search.Text != "":
		u.search.SetText("")
		u.s.win.Canvas().Focus(u.search)
	}
}

// changed is told that a user was saved: the table reads the rows in view
// again, where they are.
func (u *usersView) changed() { u.list.refresh() }

// onPick picks rows of the table for an action on many.
func (u *usersView) onPick(row int, how tablePick) {
	switch how {
	case pickToggle:
		u.picked.toggle(row, u.list.len())
	case pickRange:
		u.picked.extend(row)
	case pickAll:
		u.picked.selectAll()
	case pickFrom:
		if u.picked.count(u.list.len()) == 0 {
			u.picked.anchor = row
		}
	}
	u.picked.remember(u.heldRows, u.list.total)
	u.picks.note = ""
	u.picks.update()
}

// onSort sorts by the column whose title was clicked: by it, or the other
// way when it was already.
func (u *usersView) onSort(col int) {
	by := u.cols[col].sort
	desc := false
	if u.sort.By == by {
		desc = !u.sort.Desc
	}
	u.sort = app.UserSort{By: by, Desc: desc}
	u.table.sortBy(col, desc)
	u.requery()
}

// checkCard reads the card on view again, for the card to follow what is
// stored now (the user, the company's options).
func (u *usersView) checkCard() {
	c, ok := u.panel.(*cardView)
	if !ok {
		return
	}
	var (
		card app.UserCard
		err  error
	)
	email, svc, actor := c.user.Email, u.s.svc, u.admin.actor
	u.checking.do(c.sc, func(ctx context.Context) {
		card, err = svc.UserCard(ctx, actor, email)
	}, func() { c.storeChanged(card, err) })
}

// replaceCard shows card in place of old, the card on view, as it is
// stored now, with a note; the focus stays where it was.
func (u *usersView) replaceCard(old *cardView, card app.UserCard, note string) {
	at := slices.Index(old.focusables(), u.s.win.Canvas().Focused())
	c := u.s.newCard(u.newPanelScope(), u, card)
	say(c.result, note)
	old.close()
	u.panel = c
	u.detail.Objects = []fyne.CanvasObject{c.object()}
	u.detail.Refresh()
	if at >= 0 {
		u.s.win.Canvas().Focus(c.focusables()[at])
	}
}

// leave drops the panel: its passwords are wiped.
func (u *usersView) leave() {
	if u.panel != nil {
		u.panel.close()
		u.panel = nil
	}
}
