package ui

import (
	"context"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

const (
	auditPage = 100 // events read at a time
	auditKept = 20  // pages of events held at most
)

// auditView is Administration → Audit log: what happened, newest first,
// filtered by user and by action, read a page at a time as the table
// scrolls, and exported to a CSV file.
type auditView struct {
	s     *session
	sc    *scope
	admin *adminScreen

	who       *entry
	action    *choice
	export    *button
	count     *widget.Label
	table     *table
	list      *pager[app.AuditEvent, int64]
	detail    *widget.Label // the whole of the event opened
	said      *widget.Label // what the export did
	actions   []string      // the actions of the filter, after "All actions"
	wait      debounce      // the filter, once the typing pauses
	exporting *scope        // the export under way, nil when none
	content   fyne.CanvasObject
}

func (s *session) newAuditView(sc *scope, a *adminScreen) *auditView {
	v := &auditView{s: s, sc: sc, admin: a, actions: app.AuditActions(), wait: debounce{delay: searchDelay}}
	v.who = s.newEmailEntry(lang.L("Filter by e-mail"))
	v.who.OnChanged = v.onFilterTyped
	v.who.OnSubmitted = func(string) {
		v.wait.cancel()
		v.reload()
		s.win.Canvas().Focus(v.table)
	}
	names := []string{lang.L("All actions")}
	for _, act := range v.actions {
		names = append(names, actionName(act))
	}
	v.action = s.newChoice(names, nil)
	v.action.SetSelectedIndex(0)
	v.action.OnChanged = func(string) { v.reload() }
	v.export = s.newButton(lang.L("Export to CSV…"), widget.MediumImportance, v.onExport)
	v.export.Icon = theme.DocumentSaveIcon()
	v.count = paragraph("")
	v.detail = notice(widget.MediumImportance)
	v.said = notice(widget.SuccessImportance)

	v.list = newPager[app.AuditEvent, int64](sc, auditPage, auditKept, v.onListChanged)
	v.table = newTable(sc, []tableColumn{
		{title: lang.L("When"), width: 150, weight: 1},
		{title: lang.L("Action"), width: 160, weight: 2},
		{title: lang.L("User"), width: 180, weight: 2, drop: 2},
		{title: lang.L("By"), width: 170, weight: 2, drop: 3},
		{title: lang.L("Details"), width: 200, weight: 4, drop: 1},
	}, v.list.len, v.fillRow)
	v.table.onView = v.list.view
	v.table.onOpen = v.onOpen
	v.table.onActivity = s.touch
	v.table.onEscape = s.escape

	filters := container.New(&rowOrColumn{}, v.who, container.New(atLeast{width: widestText(names) + 60}, v.action), v.export)
	v.content = stacked(container.NewVBox(filters, v.count), v.table, container.NewVBox(v.detail, v.said))
	return v
}

// onFilterTyped waits for the typing to pause before filtering.
func (v *auditView) onFilterTyped(string) { v.wait.call(v.sc, v.reload) }

// query is the filter on view.
func (v *auditView) query() app.AuditQuery {
	q := app.AuditQuery{Subject: strings.TrimSpace(v.who.Text)}
	if i := v.action.SelectedIndex(); i > 0 {
		q.Action = v.actions[i-1]
	}
	return q
}

// reload reads the log again from the newest event.
func (v *auditView) reload() {
	q, svc := v.query(), v.s.svc
	v.table.reset()
	say(v.detail, "")
	v.list.reset(func(ctx context.Context, before int64, limit int) ([]app.AuditEvent, int64, bool, error) {
		page := q // each read its own: pages are read at the same time
		page.BeforeID, page.Limit = before, limit
		p, err := svc.AuditPage(ctx, page)
		return p.Events, p.Next, p.More, err
	})
	v.onListChanged()
}

func (v *auditView) onListChanged() {
	v.table.Refresh()
	l := v.list
	v.count.Importance = widget.MediumImportance
	n := l.known()
	switch {
	case l.err != nil:
		v.count.Importance = widget.DangerImportance
		v.count.SetText(v.s.errorText(l.err))
	case len(l.pages) == 1 && l.pages[0].reading:
		v.count.SetText(lang.L("Searching…"))
	case !l.complete():
		v.count.SetText(lang.L("More than {{.N}} events", map[string]any{"N": groupDigits(n)}))
	default:
		v.count.SetText(lang.N("{{.N}} events", n, map[string]any{"N": groupDigits(n)}))
	}
}

func (v *auditView) fillRow(row int, cells []*tableCell) {
	e, ok := v.list.at(row)
	if !ok {
		cells[0].set(lang.L("Loading…"), widget.LowImportance)
		for _, c := range cells[1:] {
			c.set("", widget.MediumImportance)
		}
		return
	}
	importance := widget.MediumImportance
	switch e.Action {
	case app.ActionSignInFailure, app.ActionSignInLocked:
		importance = widget.WarningImportance
	}
	cells[0].set(dateTime(e.At), widget.MediumImportance)
	cells[1].set(actionName(e.Action), importance)
	cells[2].set(e.Subject, widget.MediumImportance)
	cells[3].set(e.Actor, widget.MediumImportance)
	cells[4].set(auditDetails(e), widget.MediumImportance)
}

// onOpen shows the whole of an event, which the table may cut short.
func (v *auditView) onOpen(row int) {
	e, ok := v.list.at(row)
	if !ok {
		return
	}
	parts := []string{dateTime(e.At), actionName(e.Action)}
	if e.Subject != "" {
		parts = append(parts, lang.L("User: {{.Email}}", map[string]any{"Email": e.Subject}))
	}
	parts = append(parts, lang.L("By: {{.Actor}}", map[string]any{"Actor": e.Actor}))
	text := strings.Join(parts, " · ")
	if d := auditDetails(e); d != "" {
		text += "\n" + d
	}
	say(v.detail, text)
}

// auditDetails says an event's details in the window's language.
func auditDetails(e app.AuditEvent) string {
	ms := e.DetailMessages()
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = tr(m)
	}
	return strings.Join(parts, lang.L("Details separator"))
}

// onExport writes the events that the filter shows, all of them, to a
// CSV file that the administrator chooses.
func (v *auditView) onExport() {
	if v.exporting != nil {
		return
	}
	q, svc := v.query(), v.s.svc
	name := v.s.savedName("sesame-audit", ".csv")
	sc := v.sc.child() // the dialog and the export end with the view, and the session
	v.exporting = sc
	v.s.saveFile(name, func(w io.WriteCloser, path string) {
		if !sc.alive() {
			w.Close() // chosen after the session ended: the next person gets nothing
			return
		}
		enable(v.export, false)
		var (
			n   int
			err error
		)
		sc.do(func(ctx context.Context) {
			n, err = exportAudit(ctx, svc, q, w)
		}, func() {
			v.exporting = nil
			enable(v.export, true)
			if err != nil {
				v.said.Importance = widget.DangerImportance
				say(v.said, v.s.errorText(err))
				return
			}
			v.said.Importance = widget.SuccessImportance
			say(v.said, lang.N("{{.N}} events exported to {{.File}}.", n, map[string]any{"N": groupDigits(n), "File": path}))
		})
	}, func() { v.exporting = nil })
}

// exportAudit writes every event of q, newest first, to w, and closes it.
func exportAudit(ctx context.Context, svc *app.Service, q app.AuditQuery, w io.WriteCloser) (int, error) {
	n, err := writeAuditCSV(w, func(each func([]app.AuditEvent) error) error {
		return svc.EachAuditPage(ctx, q, app.MaxAuditPage, 0, each)
	})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return n, err
}
