package ui

import (
	"context"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

const (
	auditPage = 100 // events read at a time
	auditKept = 20  // pages of events held at most
	// auditExportPage is the number of events read at a time by an
	// export, which writes them as it reads.
	auditExportPage = 1000
	// auditTime is how the log writes a time: the same in both languages,
	// to the second, sorted as it reads.
	auditTime = "2006-01-02 15:04:05"
)

// auditView is Administration → Audit log: what happened, newest first,
// filtered by user and by action, read a page at a time as the table
// scrolls, and exported to a CSV file.
type auditView struct {
	s     *session
	admin *adminScreen

	who     *entry
	action  *choice
	export  *button
	count   *widget.Label
	table   *table
	list    *pager[app.AuditEvent, int64]
	detail  *widget.Label // the whole of the event opened
	said    *widget.Label // what the export did
	actions []string      // the actions of the filter, after "All actions"
	wait    func() bool
	busy    bool
	content fyne.CanvasObject
}

func (s *session) newAuditView(a *adminScreen) *auditView {
	v := &auditView{s: s, admin: a, actions: app.AuditActions()}
	v.who = s.newEntry(lang.L("Filter by e-mail"))
	v.who.OnChanged = v.onFilterTyped
	v.who.OnSubmitted = func(string) {
		v.stopWaiting()
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
	v.count = widget.NewLabel("")
	v.detail = paragraph("")
	v.detail.Hide()
	v.said = notice(widget.SuccessImportance)

	v.list = newPager[app.AuditEvent, int64](s.run, auditPage, auditKept, v.onListChanged)
	v.table = newTable([]tableColumn{
		{title: lang.L("When"), width: 150, weight: 1},
		{title: lang.L("Action"), width: 180, weight: 2},
		{title: lang.L("User"), width: 180, weight: 2, drop: 2},
		{title: lang.L("By"), width: 170, weight: 2, drop: 3},
		{title: lang.L("Details"), width: 200, weight: 4, drop: 1},
	}, v.list.len, v.fillRow)
	v.table.onView = v.list.view
	v.table.onOpen = v.onOpen
	v.table.onActivity = s.touch
	v.table.onEscape = s.escape

	filters := container.NewBorder(nil, nil, nil, container.NewHBox(v.action, v.export), v.who)
	v.content = stacked(container.NewVBox(filters, v.count), v.table, container.NewVBox(v.detail, v.said))
	return v
}

// onFilterTyped waits for the typing to pause before filtering.
func (v *auditView) onFilterTyped(string) {
	v.stopWaiting()
	v.wait = v.s.clock.AfterFunc(searchDelay, func() {
		v.wait = nil
		v.reload()
	})
}

func (v *auditView) stopWaiting() {
	if v.wait != nil {
		v.wait()
		v.wait = nil
	}
}

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
		q.BeforeID, q.Limit = before, limit+1
		events, err := svc.Audit(ctx, q)
		if err != nil {
			return nil, 0, false, err
		}
		more := len(events) > limit
		if more {
			events = events[:limit]
		}
		var next int64
		if len(events) > 0 {
			next = events[len(events)-1].ID
		}
		return events, next, more, nil
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
		v.count.SetText(lang.L("More than {{.N}} events", map[string]any{"N": n}))
	default:
		v.count.SetText(lang.N("{{.N}} events", n, map[string]any{"N": n}))
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
	cells[0].set(e.At.Local().Format(auditTime), widget.MediumImportance)
	cells[1].set(actionName(e.Action), importance)
	cells[2].set(e.Subject, widget.MediumImportance)
	cells[3].set(e.Actor, widget.MediumImportance)
	cells[4].set(auditDetails(e.Details, time.Now()), widget.MediumImportance)
}

// onOpen shows the whole of an event, which the table may cut short.
func (v *auditView) onOpen(row int) {
	e, ok := v.list.at(row)
	if !ok {
		return
	}
	parts := []string{e.At.Local().Format(auditTime), actionName(e.Action)}
	if e.Subject != "" {
		parts = append(parts, lang.L("User: {{.Email}}", map[string]any{"Email": e.Subject}))
	}
	parts = append(parts, lang.L("By: {{.Actor}}", map[string]any{"Actor": e.Actor}))
	text := strings.Join(parts, " · ")
	if e.Details != "" {
		text += "\n" + auditDetails(e.Details, time.Now())
	}
	say(v.detail, text)
}

// onExport writes the events that the filter shows, all of them, to a
// CSV file that the administrator chooses.
func (v *auditView) onExport() {
	if v.busy {
		return
	}
	q, svc, who := v.query(), v.s.svc, v.s.user
	name := "sesame-audit-" + v.s.svc.Now().Format("2006-01-02") + ".csv"
	v.s.saveFile(name, func(w io.WriteCloser, file string) {
		if v.s.user == nil || v.s.user != who {
			w.Close() // chosen after the session ended: the next person gets nothing
			return
		}
		v.busy = true
		enable(v.export, false)
		var (
			n   int
			err error
		)
		v.s.run(func() {
			n, err = exportAudit(svc, q, w)
		}, func() {
			v.busy = false
			enable(v.export, true)
			if err != nil {
				v.said.Importance = widget.DangerImportance
				say(v.said, v.s.errorText(err))
				return
			}
			v.said.Importance = widget.SuccessImportance
			say(v.said, lang.N("{{.N}} events exported to {{.File}}.", n, map[string]any{"N": n, "File": file}))
		})
	})
}

// exportAudit writes every event of q, newest first, to w, and closes it.
func exportAudit(svc *app.Service, q app.AuditQuery, w io.WriteCloser) (int, error) {
	q.Limit, q.BeforeID = auditExportPage, 0
	done := false
	n, err := writeAuditCSV(w, func() ([]app.AuditEvent, error) {
		if done {
			return nil, nil
		}
		events, err := svc.Audit(context.Background(), q)
		if len(events) < q.Limit {
			done = true
		}
		if len(events) > 0 {
			q.BeforeID = events[len(events)-1].ID
		}
		return events, err
	})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// saveDialog is the session's saveFile: the system's way of choosing where
// a file goes, then save with what to write to and the file's name.
func (s *session) saveDialog(name string, save func(w io.WriteCloser, file string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return // cancelled
		}
		save(w, w.URI().Name())
	}, s.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
	d.Resize(fyne.NewSize(min(s.win.Canvas().Size().Width, 800), min(s.win.Canvas().Size().Height, 600)))
	d.Show()
}

// leave stops the filter waiting for the typing to pause.
func (v *auditView) leave() {
	v.stopWaiting()
	v.list.stop()
}

// actionName names an audit action for a person.
func actionName(action string) string {
	switch action {
	case app.ActionSetup:
		return lang.L("Company set up")
	case app.ActionUserCreate:
		return lang.L("User created")
	case app.ActionUserRename:
		return lang.L("User renamed")
	case app.ActionUserRole:
		return lang.L("Role changed")
	case app.ActionUserMailbox:
		return lang.L("Mailbox changed")
	case app.ActionUserDisable:
		return lang.L("Account disabled")
	case app.ActionUserEnable:
		return lang.L("Account enabled")
	case app.ActionUserUnlock:
		return lang.L("Account unlocked")
	case app.ActionRecoverySet:
		return lang.L("Recovery e-mail set")
	case app.ActionRecoveryClear:
		return lang.L("Recovery e-mail removed")
	case app.ActionTemporaryGenerate:
		return lang.L("Temporary password generated")
	case app.ActionTemporaryCustom:
		return lang.L("Temporary password typed")
	case app.ActionPasswordChange:
		return lang.L("Password changed")
	case app.ActionSignIn:
		return lang.L("Signed in")
	case app.ActionSignInFailure:
		return lang.L("Sign-in failed")
	case app.ActionSignInLocked:
		return lang.L("Sign-in locked")
	case app.ActionSettingChange:
		return lang.L("Setting changed")
	case app.ActionRecoveryRequest:
		return lang.L("Recovery code asked for")
	case app.ActionRecoveryFailure:
		return lang.L("Recovery code refused")
	case app.ActionMailTest:
		return lang.L("Test message queued")
	}
	return action
}
