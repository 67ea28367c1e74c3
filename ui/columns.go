package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// userColumn is a column of the table of users: what it shows, what it
// sorts by, and whether the person may hide it.
type userColumn struct {
	key      string // names it in the preferences
	title    string
	width    float32
	weight   float32
	drop     int
	sort     app.SortColumn
	optional bool // shown or hidden at the person's choice
	hidden   bool // by default
	text     func(u app.User, now time.Time) (string, widget.Importance)
}

func plain(s string) (string, widget.Importance) { return s, widget.MediumImportance }

// userColumns are the columns of the table of users, the name first.
func userColumns() []userColumn {
	return []userColumn{
		{key: "name", title: lang.L("Name"), width: 140, weight: 0.5, sort: app.SortName,
			text: func(u app.User, _ time.Time) (string, widget.Importance) { return plain(u.Name) }},
		{key: "login", title: lang.L("Login e-mail"), width: 200, weight: 2.5, drop: 2, sort: app.SortLogin,
			text: func(u app.User, _ time.Time) (string, widget.Importance) { return plain(loginText(u)) }},
		{key: "role", title: lang.L("Role"), width: 110, weight: 0.3, drop: 3, sort: app.SortRole,
			text: func(u app.User, _ time.Time) (string, widget.Importance) { return plain(roleName(u.Role)) }},
		{key: "status", title: lang.L("Password status"), width: 200, weight: 2.5, sort: app.SortStatus, text: statusText},
		{key: "lastSignIn", title: lang.L("Last sign-in"), width: 150, weight: 0.3, drop: 4, sort: app.SortLastSignIn,
			text: func(u app.User, _ time.Time) (string, widget.Importance) { return plain(pastTime(u.LastSignInAt)) }},
		{key: "recovery", title: lang.L("Recovery e-mail"), width: 200, weight: 1, drop: 5, sort: app.SortName, optional: true, hidden: true,
			text: func(u app.User, _ time.Time) (string, widget.Importance) { return plain(u.RecoveryEmail) }},
		{key: "passwordChanged", title: lang.L("Password changed"), width: 150, weight: 0.3, drop: 6, sort: app.SortPasswordChanged,
			optional: true, hidden: true,
			text: func(u app.User, _ time.Time) (string, widget.Importance) { return plain(pastTime(u.PasswordChangedAt)) }},
		{key: "created", title: lang.L("Created"), width: 150, weight: 0.3, drop: 7, sort: app.SortCreated, optional: true, hidden: true,
			text: func(u app.User, _ time.Time) (string, widget.Importance) { return plain(pastTime(u.CreatedAt)) }},
	}
}

// Preferences of the table of users: which optional columns show, and the
// widths the person gave.
func columnShownKey(key string) string { return "users.columns." + key + ".shown" }
func columnWidthKey(key string) string { return "users.columns." + key + ".width" }

// tableColumns are the columns of the table, as the preferences have them.
func (u *usersView) tableColumns() []tableColumn {
	prefs := u.s.app.Preferences()
	out := make([]tableColumn, len(u.cols))
	for i, c := range u.cols {
		out[i] = tableColumn{title: c.title, width: c.width, weight: c.weight, drop: c.drop,
			sortable: c.key != "recovery", hidden: c.optional && !prefs.BoolWithFallback(columnShownKey(c.key), !c.hidden)}
		if w := prefs.Float(columnWidthKey(c.key)); w > 0 {
			out[i].width, out[i].weight = float32(w), 0
		}
	}
	return out
}

// onResize remembers the width the person gave a column.
func (u *usersView) onResize(col int, width float32) {
	u.s.app.Preferences().SetFloat(columnWidthKey(u.cols[col].key), float64(width))
}

// onColumns opens the list of the columns that may be shown or hidden,
// and of the sorts.
func (u *usersView) onColumns() {
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(u.colsButton).Add(fyne.NewPos(0, u.colsButton.Size().Height))
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", u.columnsMenu()...), u.s.win.Canvas(), at)
}

// columnsMenu is the list that Columns opens.
func (u *usersView) columnsMenu() []*fyne.MenuItem {
	var items []*fyne.MenuItem
	for i, c := range u.cols {
		if !c.optional {
			continue
		}
		item := fyne.NewMenuItem(c.title, func() { u.showColumn(i, u.table.columns[i].hidden) })
		item.Checked = !u.table.columns[i].hidden
		items = append(items, item)
	}
	items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("Default widths"), u.defaultWidths))
	// The sorts, for the keyboard: a click on a title does the same.
	items = append(items, fyne.NewMenuItemSeparator())
	for i, c := range u.table.columns {
		if !c.sortable || c.hidden {
			continue
		}
		item := fyne.NewMenuItem(lang.L("Sort by {{.Column}}", map[string]any{"Column": c.title}), func() { u.onSort(i) })
		item.Checked = u.table.sortCol == i
		items = append(items, item)
	}
	return items
}

// showColumn shows or hides an optional column, and remembers it.
func (u *usersView) showColumn(col int, on bool) {
	u.table.columns[col].hidden = !on
	u.s.app.Preferences().SetBool(columnShownKey(u.cols[col].key), on)
	u.table.Refresh()
}

// defaultWidths forgets the widths the person gave.
func (u *usersView) defaultWidths() {
	for _, c := range u.cols {
		u.s.app.Preferences().RemoveValue(columnWidthKey(c.key))
	}
	hidden := make([]bool, len(u.table.columns))
	for i, c := range u.table.columns {
		hidden[i] = c.hidden
	}
	u.table.columns = u.tableColumns()
	for i := range u.table.columns {
		u.table.columns[i].hidden = hidden[i]
	}
	u.table.Refresh()
}

// jumpPause is how long after the last letter typed on the table the
// next one starts a new name.
const jumpPause = time.Second

// jumper moves the table to the first user whose name starts with the
// letters typed on it, while sorted by name: the store finds the position
// by halving (some twenty pages of one user at a million).
type jumper struct {
	prefix string
	pause  debounce
	find   latest
}

// typed adds a letter to the name sought, and goes to it.
func (j *jumper) typed(u *usersView, r rune) {
	j.pause.delay = jumpPause
	j.prefix += string(r)
	j.pause.call(u.sc, func() { j.prefix = "" })
	want := app.Fold(j.prefix)
	svc, q, n := u.s.svc, u.query(), u.list.len()
	pos := -1
	j.find.do(u.sc, func(ctx context.Context) {
		// after reports whether position p lies at or after the name sought.
		after := func(p int) (bool, error) {
			q.Offset, q.Limit = p, 1
			page, err := svc.ListUsers(ctx, q)
			if err != nil || len(page.Users) == 0 {
				return true, err
			}
			name := app.Fold(page.Users[0].Name)
			if q.Sort.Desc {
				return name < want || strings.HasPrefix(name, want), nil
			}
			return name >= want, nil
		}
		lo, hi := 0, n
		for lo < hi {
			mid := (lo + hi) / 2
			ok, err := after(mid)
			if err != nil {
				return
			}
			if ok {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		pos = min(lo, n-1)
	}, func() {
		if pos >= 0 {
			u.table.moveCursor(pos)
			u.table.scrollTo(pos)
		}
	})
}

// stop forgets the letters typed.
func (j *jumper) stop() {
	j.prefix = ""
	j.pause.cancel()
	j.find.stop()
}
