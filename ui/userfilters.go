package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// userFilters are the filters beside the search box of the users:
// password status (any of several), role, mailbox, recovery e-mail, and
// no sign-in for some days. Each choice shows how many users it would
// select with the other filters and the search kept (app.UserCounts).
type userFilters struct {
	s        *session
	filter   app.UserFilter // the filters chosen, Text aside
	counts   *app.UserCounts
	onChange func()

	status   *button
	role     *choice
	mailbox  *choice
	recovery *choice
	stale    *choice
	widths   map[*choice]*atLeast // each as wide as its choice
	content  *fyne.Container
}

// staleDays are the idle times that the stale filter offers.
var staleDays = []int{30, 90, 180, 365}

func (s *session) newUserFilters(onChange func()) *userFilters {
	f := &userFilters{s: s, onChange: onChange}
	f.status = s.newButton("", widget.MediumImportance, f.onStatus)
	f.status.Icon = theme.MenuDropDownIcon()
	f.status.IconPlacement = widget.ButtonIconTrailingText
	f.role = s.newChoice(nil, nil)
	f.mailbox = s.newChoice(nil, nil)
	f.recovery = s.newChoice(nil, nil)
	f.stale = s.newChoice(nil, nil)
	f.widths = map[*choice]*atLeast{}
	wide := func(c *choice) fyne.CanvasObject {
		f.widths[c] = &atLeast{}
		return container.New(f.widths[c], c)
	}
	f.update()
	f.content = buttons(f.status, wide(f.role), wide(f.mailbox), wide(f.recovery), wide(f.stale))
	return f
}

// setCounts shows the counts of the query on view beside each choice.
func (f *userFilters) setCounts(c *app.UserCounts) {
	f.counts = c
	f.update()
}

// counted writes a choice with its count, when known.
func (f *userFilters) counted(text string, n func(c *app.UserCounts) int) string {
	if f.counts == nil {
		return text
	}
	return lang.L("{{.Choice}} ({{.N}})", map[string]any{"Choice": text, "N": groupDigits(n(f.counts))})
}

// update writes the choices, with their counts, and selects those of the
// filter.
func (f *userFilters) update() {
	fl := f.filter
	// The users of the statuses chosen (of every status when none is).
	chosen := func(c *app.UserCounts) int {
		n := 0
		for i, k := range app.StatusKinds() {
			if fl.Statuses == 0 || fl.Statuses.Has(k) {
				n += c.Statuses[i]
			}
		}
		return n
	}
	statuses := fl.Statuses.List()
	switch len(statuses) {
	case 0:
		f.status.SetText(f.counted(lang.L("Any status"), chosen))
	case 1:
		f.status.SetText(f.counted(statusKindName(statuses[0]), chosen))
	default:
		f.status.SetText(f.counted(lang.N("{{.N}} statuses", len(statuses), map[string]any{"N": len(statuses)}), chosen))
	}
	f.setChoice(f.role, []string{
		f.counted(lang.L("Any role"), func(c *app.UserCounts) int { return c.Admins + c.Employees }),
		f.counted(lang.L("Administrators"), func(c *app.UserCounts) int { return c.Admins }),
		f.counted(lang.L("Employees"), func(c *app.UserCounts) int { return c.Employees }),
	}, map[app.Role]int{"": 0, app.RoleAdmin: 1, app.RoleEmployee: 2}[fl.Role], func(i int) {
		f.filter.Role = []app.Role{"", app.RoleAdmin, app.RoleEmployee}[i]
	})
	f.setChoice(f.mailbox, []string{
		f.counted(lang.L("Any login"), func(c *app.UserCounts) int { return c.Mailbox + c.NoMailbox }),
		f.counted(lang.L("With a mailbox"), func(c *app.UserCounts) int { return c.Mailbox }),
		f.counted(lang.L("Fictitious (no mailbox)"), func(c *app.UserCounts) int { return c.NoMailbox }),
	}, int(fl.Mailbox), func(i int) { f.filter.Mailbox = app.Tri(i) })
	f.setChoice(f.recovery, []string{
		f.counted(lang.L("Any recovery e-mail"), func(c *app.UserCounts) int { return c.Recovery + c.NoRecovery }),
		f.counted(lang.L("Recovery e-mail set"), func(c *app.UserCounts) int { return c.Recovery }),
		f.counted(lang.L("No recovery e-mail"), func(c *app.UserCounts) int { return c.NoRecovery }),
	}, int(fl.Recovery), func(i int) { f.filter.Recovery = app.Tri(i) })
	stale := []string{f.counted(lang.L("Any last sign-in"), func(c *app.UserCounts) int { return c.Stale + c.Fresh })}
	idle := 0
	for i, d := range staleDays {
		text := lang.N("No sign-in for {{.N}} days", d, map[string]any{"N": d})
		if fl.Stale == app.OnlyYes && fl.StaleAfter == time.Duration(d)*24*time.Hour {
			text, idle = f.counted(text, func(c *app.UserCounts) int { return c.Stale }), i+1
		}
		stale = append(stale, text)
	}
	f.setChoice(f.stale, stale, idle, func(i int) {
		if i == 0 {
			f.filter.Stale, f.filter.StaleAfter = app.Either, 0
			return
		}
		f.filter.Stale, f.filter.StaleAfter = app.OnlyYes, time.Duration(staleDays[i-1])*24*time.Hour
	})
	if f.content != nil {
		// New counts change the choices' widths, and so maybe how many
		// lines they take: the window is laid out again.
		f.content.Refresh()
		relayout(f.content)
	}
}

// setChoice gives a drop-down list its options and selects one, quietly;
// a choice made then sets the filter through set and runs the query.
func (f *userFilters) setChoice(c *choice, options []string, selected int, set func(i int)) {
	c.OnChanged = nil
	c.Options = options
	c.SetSelectedIndex(selected)
	if w := f.widths[c]; w != nil {
		w.width = widestText([]string{c.Selected}) + theme.IconInlineSize() + 4*theme.InnerPadding()
	}
	c.OnChanged = func(string) {
		set(c.SelectedIndex())
		f.changed()
	}
}

// changed runs the query of the filters chosen.
func (f *userFilters) changed() {
	f.counts = nil
	f.update()
	f.onChange()
}

// onStatus opens the list of statuses, each ticked when chosen, with its
// count; a status tapped is added or taken away.
func (f *userFilters) onStatus() {
	var items []*fyne.MenuItem
	for i, k := range app.StatusKinds() {
		item := fyne.NewMenuItem(f.counted(statusKindName(k), func(c *app.UserCounts) int { return c.Statuses[i] }), func() {
			f.filter.Statuses ^= app.Statuses(k)
			f.changed()
		})
		item.Checked = f.filter.Statuses.Has(k)
		items = append(items, item)
	}
	if f.filter.Statuses != 0 {
		items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("Any status"), func() {
			f.filter.Statuses = 0
			f.changed()
		}))
	}
	c := f.s.win.Canvas()
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.status).Add(fyne.NewPos(0, f.status.Size().Height))
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c, at)
}
