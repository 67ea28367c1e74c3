package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
	"sesame/app/userfile"
	"sesame/ui/handout"
)

// selectionBar says how many users are picked and offers what can be done
// to them: pick every user that matches, pick none, act on them.
type selectionBar struct {
	u       *usersView
	notice  *widget.Label // why the selection was cleared, wrapped
	said    *widget.Label
	all     *button
	none    *button
	act     *button
	row     *fyne.Container // said and the buttons
	content *fyne.Container
	shown   [4]int // what the bar says: picked, all, total, counted; not laid out again when the same
	// note says why the selection was cleared, until rows are picked again.
	note, shownNote string
}

func (s *session) newSelectionBar(u *usersView) *selectionBar {
	b := &selectionBar{u: u}
	b.said = widget.NewLabel("")
	b.said.TextStyle.Bold = true
	b.all = s.newButton("", widget.LowImportance, func() {
		u.picked.selectAll()
		u.table.Refresh()
		b.update()
	})
	b.none = s.newButton(lang.L("Clear the selection"), widget.LowImportance, func() {
		u.picked.clear()
		u.table.Refresh()
		b.update()
	})
	b.act = s.newButton(lang.L("Actions"), widget.HighImportance, b.onActions)
	b.act.Icon = theme.MenuDropDownIcon()
	b.act.IconPlacement = widget.ButtonIconTrailingText
	b.notice = widget.NewLabel("")
	b.notice.TextStyle.Bold, b.notice.Wrapping = true, fyne.TextWrapWord
	b.row = buttons(b.said, b.act, b.all, b.none)
	b.content = container.New(vbox{}, b.notice, b.row)
	b.content.Hide()
	return b
}

// update says what is picked.
func (b *selectionBar) update() {
	u := b.u
	n := u.picked.count(u.list.len())
	if n == 1 && !u.picked.all && u.panel != nil {
		n = 0 // the card says who
	}
	if n > 0 {
		b.note = ""
	}
	said := [4]int{n, boolInt(u.picked.all), u.list.len(), boolInt(u.list.counted())}
	if said == b.shown && b.note == b.shownNote {
		return
	}
	b.shown, b.shownNote = said, b.note
	if n == 0 {
		if b.note == "" {
			if b.content.Visible() {
				showIf(b.content, false)
			}
			return
		}
		b.notice.SetText(b.note)
		b.notice.Show()
		b.row.Hide()
		showIf(b.content, true)
		return
	}
	b.notice.Hide()
	b.row.Show()
	if u.picked.all && !u.list.counted() {
		b.said.SetText(lang.L("Every user that matches is selected"))
	} else {
		b.said.SetText(lang.N("{{.N}} selected", n, map[string]any{"N": groupDigits(n)}))
	}
	total := u.list.len()
	b.all.SetText(lang.N("Select all {{.N}} matching", total, map[string]any{"N": groupDigits(total)}))
	showIf(b.all, !u.picked.all && u.list.counted() && total > n)
	showIf(b.content, true)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// onActions opens the list of the actions on the users picked.
func (b *selectionBar) onActions() {
	u := b.u
	act := func(a app.BulkAction) func() { return func() { u.startBulk(a) } }
	items := []*fyne.MenuItem{
		fyne.NewMenuItem(lang.L("Reset passwords…"), act(app.BulkAction{Kind: app.BulkReset})),
		fyne.NewMenuItem(lang.L("Send temporary passwords to the recovery e-mails…"), act(app.BulkAction{Kind: app.BulkSend})),
		fyne.NewMenuItem(lang.L("Unlock…"), act(app.BulkAction{Kind: app.BulkUnlock})),
		fyne.NewMenuItem(lang.L("Disable…"), act(app.BulkAction{Kind: app.BulkDisable})),
		fyne.NewMenuItem(lang.L("Enable…"), act(app.BulkAction{Kind: app.BulkEnable})),
		fyne.NewMenuItem(lang.L("Make administrators…"), act(app.BulkAction{Kind: app.BulkRole, Role: app.RoleAdmin})),
		fyne.NewMenuItem(lang.L("Make employees…"), act(app.BulkAction{Kind: app.BulkRole, Role: app.RoleEmployee})),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Export to CSV…"), u.exportPicked),
	}
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(b.act).Add(fyne.NewPos(0, b.act.Size().Height))
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), u.s.win.Canvas(), at)
}

// selectionReader reads the users picked, in the order of the table, a
// page at a time: those of the query when every one that matches is
// picked, else those of each span of rows. It runs off the UI goroutine.
func (u *usersView) selectionReader() func(ctx context.Context, each func([]app.User) error) error {
	svc, q := u.s.svc, u.query()
	spans := []span{{0, -1}} // every row
	var who map[int]int64
	if !u.picked.all {
		spans = append([]span(nil), u.picked.spans...)
		who = maps.Clone(u.picked.who)
	}
	return func(ctx context.Context, each func([]app.User) error) error {
		for _, sp := range spans {
			for off := sp.lo; sp.hi < 0 || off < sp.hi; {
				q.Offset, q.Limit = off, app.MaxPage
				if sp.hi >= 0 {
					q.Limit = min(app.MaxPage, sp.hi-off)
				}
				page, err := svc.ListUsers(ctx, q)
				if err != nil {
					return err
				}
				for i, user := range page.Users {
					if id, ok := who[off+i]; ok && id != user.ID {
						return errPickedMoved
					}
				}
				if len(page.Users) > 0 {
					if err := each(page.Users); err != nil {
						return err
					}
				}
				off += len(page.Users)
				if !page.More || len(page.Users) == 0 {
					break
				}
			}
		}
		return nil
	}
}

// errPickedMoved: a row picked is no longer the user seen there when it
// was picked (see selection).
var errPickedMoved = errors.New("ui: the rows picked hold other users")

// pickedError says why the users picked could not be read.
func pickedError(err error) string {
	if errors.Is(err, errPickedMoved) {
		return lang.L("The users listed changed since they were selected: nothing was done. Select them again.")
	}
	return errorText(err)
}

// startBulk plans an action on the users picked and opens it beside the
// table, to be confirmed.
func (u *usersView) startBulk(a app.BulkAction) {
	u.leavePanel(func() {
		p := u.s.newBulkPanel(u.newPanelScope(), u, a)
		u.openPanel(p, -1)
		p.plan()
	})
}

// exportPicked writes the users picked to a CSV file, in Sésame's format
// (app/userfile), as the table orders them.
func (u *usersView) exportPicked() {
	read, sc, s := u.selectionReader(), u.sc, u.s
	now := s.svc.Now()
	s.saveFile(s.savedName(lang.L("users"), ".csv"), func(w io.WriteCloser, path string) {
		var (
			n   int
			err error
		)
		u.count.SetText(lang.L("Exporting…"))
		sc.do(func(ctx context.Context) {
			defer w.Close()
			var cw *userfile.Writer
			if cw, err = userfile.NewWriter(w, userfile.WriterOptions{Format: userfile.Sesame, Language: s.st.Language, Now: now}); err != nil {
				return
			}
			if err = read(ctx, func(users []app.User) error {
				for _, user := range users {
					if err := cw.Write(user); err != nil {
						return err
					}
					n++
				}
				return nil
			}); err != nil {
				return
			}
			err = cw.Flush()
		}, func() {
			u.onListChanged()
			if err != nil {
				u.count.Importance = widget.DangerImportance
				u.count.SetText(lang.L("The export failed: {{.Reason}}", map[string]any{"Reason": pickedError(err)}))
				return
			}
			u.count.Importance = widget.SuccessImportance
			u.count.SetText(lang.N("{{.N}} users exported to {{.Path}}.", n, map[string]any{"N": groupDigits(n), "Path": path}))
		})
	}, func() {})
}

// bulkTick is how often the progress of an action is shown.
const bulkTick = 100 * time.Millisecond

// bulkPanel is an action on many users, beside the table: what it will do,
// to be confirmed; its progress, with Cancel; then each user's outcome and
// the new temporary passwords, shown once.
type bulkPanel struct {
	s       *session
	sc      *scope
	u       *usersView
	action  app.BulkAction
	planned app.BulkPlan

	title    *widget.Label
	text     *widget.Label
	progress *widget.ProgressBar
	start    *button
	cancel   *button
	done     *button
	copyAll  *button
	savePDF  *button
	saveCSV  *button
	said     *widget.Label
	list     *widget.List
	question *question
	content  fyne.CanvasObject

	stop    context.CancelFunc // cancels the action under way
	running bool
	mu      sync.Mutex // guards what the action reports from its goroutine
	state   bulkState
	shown   bulkState // the part of state on view
	passes  []app.BulkOutcome
	handed  bool // the passwords were copied or saved
}

// bulkState is what the action has done so far.
type bulkState struct {
	done, total int
	outcomes    []app.BulkOutcome
}

func (s *session) newBulkPanel(sc *scope, u *usersView, a app.BulkAction) *bulkPanel {
	p := &bulkPanel{s: s, sc: sc, u: u, action: a}
	p.title = heading(bulkTitle(a))
	p.text = paragraph(lang.L("Counting the users selected…"))
	p.progress = widget.NewProgressBar()
	p.progress.Hide()
	p.start = s.newButton(bulkTitle(a), widget.DangerImportance, p.run)
	p.start.Disable()
	p.cancel = s.newButton(lang.L("Cancel"), widget.MediumImportance, p.onCancel)
	p.done = s.newButton(lang.L("Close"), widget.MediumImportance, u.onPanelClosed)
	p.done.Hide()
	p.copyAll = s.newButton(lang.L("Copy all"), widget.MediumImportance, p.onCopyAll)
	p.copyAll.Icon = theme.ContentCopyIcon()
	p.savePDF = s.newButton(lang.L("Save as PDF slips…"), widget.MediumImportance, func() { p.onSave(".pdf") })
	p.saveCSV = s.newButton(lang.L("Save as CSV…"), widget.MediumImportance, func() { p.onSave(".csv") })
	for _, b := range []*button{p.copyAll, p.savePDF, p.saveCSV} {
		b.Hide()
	}
	p.said = notice(widget.SuccessImportance)
	p.list = widget.NewList(func() int { return len(p.shown.outcomes) }, func() fyne.CanvasObject {
		who := widget.NewLabel("")
		who.Truncation = fyne.TextTruncateEllipsis
		what := widget.NewLabel("")
		what.Wrapping = fyne.TextWrapBreak
		return container.NewVBox(who, what)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		lines := o.(*fyne.Container).Objects
		who, what := lines[0].(*widget.Label), lines[1].(*widget.Label)
		text, secret := p.outcomeText(p.shown.outcomes[i])
		who.SetText(p.shown.outcomes[i].Name + " · " + p.shown.outcomes[i].Login)
		what.TextStyle.Monospace = secret
		what.SetText(text)
	})
	p.list.Hide()
	p.question = s.newQuestion(lang.L("Keep them"))
	top := container.NewVBox(p.title, p.text, p.progress, p.question.box,
		buttons(p.cancel, p.start, p.copyAll, p.savePDF, p.saveCSV, p.done), p.said)
	p.content = container.NewBorder(top, nil, nil, nil, p.list)
	return p
}

// bulkTitle names an action.
func bulkTitle(a app.BulkAction) string {
	switch a.Kind {
	case app.BulkReset:
		return lang.L("Reset passwords")
	case app.BulkSend:
		return lang.L("Send temporary passwords")
	case app.BulkUnlock:
		return lang.L("Unlock")
	case app.BulkDisable:
		return lang.L("Disable")
	case app.BulkEnable:
		return lang.L("Enable")
	case app.BulkRole:
		if a.Role == app.RoleAdmin {
			return lang.L("Make administrators")
		}
		return lang.L("Make employees")
	}
	return string(a.Kind)
}

func (p *bulkPanel) object() fyne.CanvasObject { return p.content }

func (p *bulkPanel) first() fyne.Focusable { return p.cancel }

// dirty: closing the panel would stop the action, or lose passwords not
// yet handed out.
func (p *bulkPanel) dirty() bool { return p.running || (len(p.passes) > 0 && !p.handed) }

func (p *bulkPanel) ask(then func()) {
	text := lang.L("The new temporary passwords will not be shown again.")
	if p.running {
		text = lang.L("The action is still running: closing stops it, and the passwords made so far will not be shown.")
	}
	p.question.ask(text, lang.L("Close anyway"), then)
}

func (p *bulkPanel) escape() bool {
	if !p.question.open() {
		return false
	}
	p.question.onNo()
	return true
}

// close stops the action and forgets the passwords.
func (p *bulkPanel) close() {
	if p.stop != nil {
		p.stop()
	}
	for i := range p.passes {
		p.passes[i].Temporary = nil
	}
	p.passes, p.shown = nil, bulkState{}
	p.mu.Lock()
	p.state = bulkState{}
	p.mu.Unlock()
}

// plan asks the service what the action would do to the users picked.
func (p *bulkPanel) plan() {
	u, svc, actor, a := p.u, p.s.svc, p.u.admin.actor, p.action
	sel := app.Selection{}
	var read func(ctx context.Context, each func([]app.User) error) error
	if u.picked.all {
		f := u.query().Filter
		sel.Filter = &f
	} else {
		read = u.selectionReader()
	}
	var (
		plan app.BulkPlan
		err  error
	)
	p.sc.do(func(ctx context.Context) {
		if read != nil {
			sel.Logins = []string{}
			if err = read(ctx, func(users []app.User) error {
				for _, user := range users {
					sel.Logins = append(sel.Logins, user.Email)
				}
				return nil
			}); err != nil {
				return
			}
		}
		plan, err = svc.PlanBulk(ctx, actor, app.BulkRequest{Action: a, Selection: sel})
	}, func() {
		if err != nil {
			p.text.Importance = widget.DangerImportance
			say(p.text, pickedError(err))
			return
		}
		p.planned = plan
		say(p.text, p.planText(plan))
		if plan.Change > 0 {
			p.start.Enable()
			p.s.win.Canvas().Focus(p.start)
		}
	})
}

// planText says what the action will do, to how many.
func (p *bulkPanel) planText(pl app.BulkPlan) string {
	n := map[string]any{"N": groupDigits(pl.Change)}
	var lines []string
	lines = append(lines, lang.N("{{.N}} users selected.", pl.Selected, map[string]any{"N": groupDigits(pl.Selected)}))
	switch a := pl.Request.Action; a.Kind {
	case app.BulkReset:
		n["Time"] = dateTime(pl.Expires)
		lines = append(lines, lang.N("{{.N}} will get a new temporary password, valid until {{.Time}}, shown here once.", pl.Change, n))
	case app.BulkSend:
		n["Time"] = dateTime(pl.Expires)
		lines = append(lines, lang.N("{{.N}} will get a new temporary password, mailed to their recovery e-mail, valid until {{.Time}}.", pl.Change, n))
	case app.BulkUnlock:
		lines = append(lines, lang.N("{{.N}} will be unlocked.", pl.Change, n))
	case app.BulkDisable:
		lines = append(lines, lang.N("{{.N}} will be disabled.", pl.Change, n))
	case app.BulkEnable:
		lines = append(lines, lang.N("{{.N}} will be enabled.", pl.Change, n))
	case app.BulkRole:
		n["Role"] = roleName(a.Role)
		lines = append(lines, lang.N("{{.N}} will become {{.Role}}.", pl.Change, n))
	}
	if pl.ChangeDisabled > 0 { // who get a new password that cannot sign in yet
		lines = append(lines, lang.N("{{.N}} of them are disabled: their new passwords will work once they are enabled.", pl.ChangeDisabled, map[string]any{"N": groupDigits(pl.ChangeDisabled)}))
	}
	if pl.Unchanged > 0 {
		lines = append(lines, lang.N("{{.N}} are left as they are (already so).", pl.Unchanged, map[string]any{"N": groupDigits(pl.Unchanged)}))
	}
	for _, r := range pl.Refused {
		lines = append(lines, lang.N("{{.N}} refused: {{.Reason}}", r.Count, map[string]any{"N": groupDigits(r.Count), "Reason": tr(r.Reason)}))
	}
	if n := len(pl.NotFound); n > 0 {
		lines = append(lines, lang.N("{{.N}} are no longer in the directory.", n, map[string]any{"N": groupDigits(n)}))
	}
	return strings.Join(lines, "\n")
}

// run runs the action: its progress shows while the window stays free.
func (p *bulkPanel) run() {
	svc, actor, plan := p.s.svc, p.u.admin.actor, p.planned
	ctx, stop := context.WithCancel(context.Background())
	p.stop, p.running = stop, true
	p.start.Hide()
	p.progress.Show()
	p.progress.SetValue(0)
	p.mu.Lock()
	p.state.total = plan.Selected // known before the first batch ends
	p.mu.Unlock()
	say(p.text, lang.L("Running…"))
	var (
		res app.BulkResult
		err error
	)
	p.tick()
	p.sc.do(func(scopeCtx context.Context) {
		defer context.AfterFunc(scopeCtx, stop)()
		res, err = svc.RunBulk(ctx, actor, plan, func(pr app.BulkProgress) {
			p.mu.Lock()
			p.state.done, p.state.total = pr.Done, pr.Total
			p.state.outcomes = append(p.state.outcomes, pr.Outcomes...)
			p.mu.Unlock()
			if bulkProgressed != nil {
				bulkProgressed(p, pr)
			}
		})
	}, func() {
		p.running = false
		stop()
		p.show()
		p.finished(res, err)
	})
}

// bulkProgressed is told of each batch done; tests cancel halfway with it.
var bulkProgressed func(p *bulkPanel, pr app.BulkProgress)

// tick shows the progress every bulkTick while the action runs.
func (p *bulkPanel) tick() {
	p.sc.after(bulkTick, func() {
		if !p.running {
			return
		}
		p.show()
		p.tick()
	})
}

// show takes in what the action did since it was last shown.
func (p *bulkPanel) show() {
	p.mu.Lock()
	p.shown.done, p.shown.total = p.state.done, p.state.total
	fresh := p.state.outcomes[len(p.shown.outcomes):]
	p.shown.outcomes = p.state.outcomes[:len(p.state.outcomes):len(p.state.outcomes)]
	p.mu.Unlock()
	for _, o := range fresh {
		if o.Temporary != nil {
			p.passes = append(p.passes, o)
		}
	}
	if p.shown.total > 0 {
		p.progress.SetValue(float64(p.shown.done) / float64(p.shown.total))
	}
	if p.running {
		say(p.text, lang.L("{{.N}} of {{.Total}}…", map[string]any{"N": groupDigits(p.shown.done), "Total": groupDigits(p.shown.total)}))
	}
}

// onCancel stops the action under way (what is done stays done), or
// leaves the panel before it runs.
func (p *bulkPanel) onCancel() {
	if !p.running {
		p.u.onPanelClosed()
		return
	}
	p.stop()
	p.cancel.Disable()
	say(p.text, lang.L("Stopping after the users under way…"))
}

// finished says what the action did, user by user.
func (p *bulkPanel) finished(res app.BulkResult, err error) {
	p.progress.Hide()
	p.cancel.Hide()
	p.done.Show()
	var lines []string
	if err != nil {
		p.text.Importance = widget.DangerImportance
		lines = append(lines, p.s.errorText(err))
	}
	lines = append(lines, lang.N("{{.N}} done.", res.Done, map[string]any{"N": groupDigits(res.Done)}))
	if res.Unchanged > 0 {
		lines = append(lines, lang.N("{{.N}} are left as they are (already so).", res.Unchanged, map[string]any{"N": groupDigits(res.Unchanged)}))
	}
	if res.Refused > 0 {
		lines = append(lines, lang.N("{{.N}} refused.", res.Refused, map[string]any{"N": groupDigits(res.Refused)}))
	}
	if res.Cancelled {
		lines = append(lines, lang.L("Cancelled: the users not reached are unchanged."))
	}
	if res.ID != "" {
		lines = append(lines, lang.L("Recorded in the audit log as {{.ID}}.", map[string]any{"ID": tr(app.NoteMessage(res.ID))}))
	}
	if len(p.passes) > 0 {
		lines = append(lines, lang.L("The new temporary passwords are shown below, once: copy them or save a hand-out now."))
		for _, b := range []*button{p.copyAll, p.savePDF, p.saveCSV} {
			b.Show()
		}
	}
	say(p.text, strings.Join(lines, "\n"))
	p.list.Show()
	p.list.Refresh()
	p.u.picked.clear()
	p.u.list.refresh()
}

// outcomeText says what the action did to one user: the new password
// (secret), done, or why not.
func (p *bulkPanel) outcomeText(o app.BulkOutcome) (text string, secret bool) {
	switch {
	case o.Temporary != nil:
		return o.Temporary.Plaintext, true
	case o.Status == app.BulkDone:
		return lang.L("done"), false
	}
	return tr(o.Reason), false
}

// onCopyAll puts every new password on the clipboard, one user a line
// (login, name, password, separated by tabs, which a spreadsheet pastes as
// columns), emptied again after the company's time.
func (p *bulkPanel) onCopyAll() {
	var b strings.Builder
	for _, o := range p.passes {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", o.Login, o.Name, o.Temporary.Plaintext)
	}
	after := p.s.st.ClipboardClear
	if err := p.s.copySecret(b.String(), after, func(emptied bool) {
		if emptied {
			say(p.said, lang.L("The clipboard was emptied."))
		} else {
			say(p.said, "")
		}
	}); err != nil {
		p.said.Importance = widget.DangerImportance
		say(p.said, p.s.errorText(err))
		return
	}
	p.handed = true
	p.said.Importance = widget.SuccessImportance
	say(p.said, lang.N("{{.N}} passwords copied; the clipboard is emptied in {{.Time}}.", len(p.passes),
		map[string]any{"N": len(p.passes), "Time": duration(after)}))
}

// onSave saves the hand-out of the new passwords (ui/handout), readable by
// its owner only.
func (p *bulkPanel) onSave(ext string) {
	sheet := handout.Sheet{Company: p.s.st.CompanyName, Language: p.s.st.Language}
	for _, o := range p.passes {
		sheet.Slips = append(sheet.Slips, handout.Slip{Login: o.Login, Name: o.Name, Password: o.Temporary.Plaintext, ValidUntil: o.Temporary.ExpiresAt})
	}
	p.s.saveFile(p.s.savedName(lang.L("handout"), ext), func(w io.WriteCloser, path string) {
		if err := writeHandout(w, path, sheet); err != nil {
			p.said.Importance = widget.DangerImportance
			say(p.said, lang.L("The hand-out could not be saved: {{.Reason}}", map[string]any{"Reason": err.Error()}))
			return
		}
		p.handed = true
		p.said.Importance = widget.SuccessImportance
		say(p.said, lang.L("Hand-out saved to {{.Path}}. Delete it once the passwords are handed out.", map[string]any{"Path": path}))
	}, func() {})
}
