package ui

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
	"sesame/app/userfile"
	"sesame/ui/handout"
)

// importView is Administration → Users → Import: a file chosen, read and
// judged row by row in the background, its preview (what was detected,
// the counts, every row: create, update which fields, unchanged, or the
// error with its column); nothing is written until the administrator
// confirms; then the writes with a progress bar and a cancel button, the
// result, and the hand-out of the new temporary passwords that were not
// mailed, saved as a printable PDF or a CSV.
type importView struct {
	s  *session
	sc *scope
	u  *usersView

	closeBtn  *button
	format    *choice
	noMailbox *check
	send      *check
	sendWhy   *widget.Label
	choose    *button
	activity  *widget.Activity
	problem   *widget.Label
	options   *fyne.Container

	detected *widget.Label // format, encoding, delimiter, example rows
	ignored  *widget.Label // the columns ignored, on one line
	counts   *widget.Label
	similar  *check // import the rows that look like other logins: the preview again
	similarR fyne.CanvasObject
	list     *widget.List
	selected *widget.Label // the whole text of the row selected
	confirm  *button
	again    *button
	question *question // before anything is written; before passwords not handed out are dropped
	preview  *fyne.Container

	progress *widget.ProgressBar
	cancel   *button
	running  *fyne.Container
	stop     context.CancelFunc // cancels the writes under way
	shown    func()             // after each batch's progress is shown (tests press cancel there)

	result    *widget.Label
	refused   *widget.Label
	savePDF   *button
	saveCSV   *button
	saved     *widget.Label
	handedOut *fyne.Container
	finished  *fyne.Container

	name    string // the file's
	file    *userfile.File
	plan    *app.ImportPlan
	lines   []string       // the preview's rows, as shown
	wrong   []bool         // whether each row has an error
	slips   []handout.Slip // the new temporary passwords not mailed, until the panel closes
	ran     string         // the ID of the import that made them
	savedTo string         // where the hand-out was saved last
	busy    bool

	content fyne.CanvasObject
}

// onImport opens the import beside the table of users.
func (u *usersView) onImport() {
	u.leavePanel(func() { u.openPanel(u.s.newImport(u.newPanelScope(), u), -1) })
}

// formatChoices are the formats that the administrator may force; the
// first recognises it from the header.
var formatChoices = append([]userfile.Format{""}, userfile.Formats...)

func (s *session) newImport(sc *scope, u *usersView) *importView {
	v := &importView{s: s, sc: sc, u: u}
	v.closeBtn = s.newButton(lang.L("Close"), widget.LowImportance, u.onPanelClosed)
	v.closeBtn.Icon = theme.CancelIcon()
	names := []string{lang.L("Recognised from the column names")}
	for _, f := range userfile.Formats {
		names = append(names, tr(f.Message()))
	}
	v.format = s.newChoice(names, func(string) {})
	v.format.SetSelectedIndex(0)
	v.noMailbox = s.newCheck("", func(bool) {})
	v.send = s.newCheck("", func(bool) {})
	v.sendWhy = notice(widget.MediumImportance)
	v.sendWhy.SizeName = theme.SizeNameCaptionText
	v.choose = s.newButton(lang.L("Choose a file…"), widget.HighImportance, v.onChoose)
	v.choose.Icon = theme.FolderOpenIcon()
	v.activity = newActivity()
	v.problem = notice(widget.DangerImportance)
	v.options = container.NewVBox(
		paragraph(lang.L("A CSV file of users: Sésame's own export, Google Workspace's bulk upload or user download, Microsoft Entra's bulk-create template, Okta's import template, or a spreadsheet from HR. Every row is shown before anything is written.")),
		field(lang.L("Format"), v.format),
		checkRow(v.noMailbox, lang.L("No mailbox behind the file's logins (logins only), unless a row says otherwise")),
		checkRow(v.send, lang.L("Mail the new temporary passwords to the recovery e-mails; the others are handed out")),
		v.sendWhy,
		buttons(v.choose, v.activity),
		v.problem,
	)

	v.detected = paragraph("")
	v.ignored = widget.NewLabel("")
	v.ignored.Truncation = fyne.TextTruncateEllipsis
	v.ignored.SizeName = theme.SizeNameCaptionText
	v.counts = paragraph("")
	v.counts.TextStyle.Bold = true
	v.similar = s.newCheck("", v.onSimilar)
	v.similarR = checkRow(v.similar, lang.L("Import the rows that look like other logins: their addresses are right"))
	v.list = widget.NewList(func() int { return len(v.lines) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(v.lines) {
			l := o.(*widget.Label)
			l.Importance = widget.MediumImportance
			if v.wrong[id] {
				l.Importance = widget.DangerImportance
			}
			l.SetText(v.lines[id])
		}
	})
	v.list.OnSelected = func(id widget.ListItemID) {
		if id < len(v.lines) {
			say(v.selected, v.lines[id])
		}
	}
	v.selected = notice(widget.MediumImportance)
	v.confirm = s.newButton(lang.L("Import"), widget.HighImportance, v.onConfirm)
	v.again = s.newButton(lang.L("Choose another file…"), widget.LowImportance, v.onChoose)
	v.question = s.newQuestion(lang.L("Not now"))
	v.preview = container.NewVBox(v.detected, v.ignored, v.counts, v.similarR)
	v.preview.Hide()

	v.progress = widget.NewProgressBar()
	v.cancel = s.newButton(lang.L("Cancel"), widget.DangerImportance, v.onCancel)
	v.running = container.NewVBox(v.progress, buttons(v.cancel))
	v.running.Hide()

	v.result = notice(widget.SuccessImportance)
	v.refused = notice(widget.WarningImportance)
	v.savePDF = s.newButton(lang.L("Save the hand-out as PDF…"), widget.HighImportance, func() { v.onSaveHandout(".pdf") })
	v.saveCSV = s.newButton(lang.L("Save the hand-out as CSV…"), widget.MediumImportance, func() { v.onSaveHandout(".csv") })
	v.saved = notice(widget.WarningImportance)
	v.handedOut = container.NewVBox(buttons(v.savePDF, v.saveCSV), v.saved)
	v.handedOut.Hide()
	v.finished = container.NewVBox(v.result, v.refused, v.handedOut)
	v.finished.Hide()

	header := container.NewBorder(nil, nil, nil, v.closeBtn, heading(lang.L("Import users")))
	top := container.NewVBox(header, container.NewPadded(container.NewVBox(v.options, v.preview)))
	bottom := container.NewPadded(container.NewVBox(v.selected, v.question.box, buttons(v.confirm, v.again), v.running, v.finished))
	v.content = stacked(top, v.list, bottom)
	v.list.Hide()
	v.refresh()
	return v
}

func (v *importView) object() fyne.CanvasObject { return v.content }

func (v *importView) first() fyne.Focusable {
	switch {
	case v.running.Visible():
		return v.cancel
	case v.handedOut.Visible():
		return v.savePDF
	case v.plan != nil && !v.finished.Visible():
		return v.confirm
	}
	return v.choose
}

// dirty reports what closing would lose: the writes under way, or new
// temporary passwords not yet saved in a hand-out.
func (v *importView) dirty() bool { return v.stop != nil || len(v.slips) > 0 && v.savedTo == "" }

// ask says why the panel cannot close now, or asks whether to drop the
// passwords not handed out.
func (v *importView) ask(then func()) {
	if v.stop != nil {
		v.question.ask(lang.L("The import is under way: stop it? The rows written stay, the others are left as they are."),
			lang.L("Stop the import"), v.onCancel)
		return
	}
	v.question.ask(lang.L("The new temporary passwords are not saved in a hand-out: once closed, they are lost, and the users need new ones. Close anyway?"),
		lang.L("Close without saving"), then)
}

// escape answers an open question "no".
func (v *importView) escape() bool {
	if v.question.open() {
		v.question.onNo()
		return true
	}
	return false
}

// close drops the temporary passwords held for the hand-out.
func (v *importView) close() {
	if v.stop != nil {
		v.stop()
	}
	for i := range v.slips {
		v.slips[i].Password = ""
	}
	v.slips = nil
}

// refresh enables what the state allows.
func (v *importView) refresh() {
	why := ""
	switch {
	case !v.s.st.AdminPasswordManagement:
		why = lang.L("Administrator password management is off: the new users get a generated temporary password to hand out.")
	case !v.s.st.SMTP.Configured():
		why = lang.L("E-mail is not set up (Settings → E-mail): the passwords can only be handed out.")
	}
	if why != "" || v.busy || v.plan != nil {
		v.send.Checked = false
		v.send.Disable()
	} else {
		v.send.Enable()
	}
	say(v.sendWhy, why)
	v.send.Refresh()
	enable(v.choose, !v.busy && v.plan == nil)
	if !v.busy && v.plan != nil && !v.finished.Visible() {
		v.similar.Enable()
	} else {
		v.similar.Disable()
	}
	enable(v.confirm, !v.busy && v.plan != nil && !v.finished.Visible())
	enable(v.again, !v.busy && v.plan != nil)
	showIf(v.confirm, v.plan != nil && !v.finished.Visible())
	showIf(v.again, v.plan != nil)
	showIf(v.options, v.plan == nil)
}

// onChoose asks for a file, then reads and judges it.
func (v *importView) onChoose() {
	v.reset()
	v.s.openFile(func(r io.ReadCloser, name string) { v.load(r, name) }, func() {})
}

// reset forgets the file on view.
func (v *importView) reset() {
	v.plan, v.file, v.lines, v.wrong = nil, nil, nil, nil
	v.similar.Checked = false
	v.similar.Refresh()
	v.list.UnselectAll()
	v.list.Refresh()
	showIf(v.list, false)
	showIf(v.preview, false)
	showIf(v.finished, false)
	say(v.selected, "")
	say(v.problem, "")
	v.refresh()
}

// load reads the file and plans its import in the background.
func (v *importView) load(r io.ReadCloser, name string) {
	opts := userfile.Options{Format: formatChoices[max(v.format.SelectedIndex(), 0)], NoMailbox: v.noMailbox.Checked}
	send := v.send.Checked
	svc, actor := v.s.svc, v.u.admin.actor
	var (
		file *userfile.File
		plan app.ImportPlan
		err  error
	)
	v.sc.busy(v.setBusy, func(ctx context.Context) {
		defer r.Close()
		if file, err = userfile.Read(r, opts); err != nil {
			return
		}
		plan, err = svc.PlanImport(ctx, actor, app.ImportRequest{FileName: filepath.Base(name), Records: file.Records, Send: send})
	}, func() {
		if err != nil {
			say(v.problem, v.s.errorText(err))
			return
		}
		v.showPlan(name, file, &plan)
	})
}

// onSimilar judges the file again, the rows that look like other logins
// imported or refused.
func (v *importView) onSimilar(allow bool) {
	if v.plan == nil || v.plan.Request.AllowSimilar == allow {
		return
	}
	req := v.plan.Request
	req.AllowSimilar = allow
	name, file := v.name, v.file
	svc, actor := v.s.svc, v.u.admin.actor
	var (
		plan app.ImportPlan
		err  error
	)
	v.sc.busy(v.setBusy, func(ctx context.Context) {
		plan, err = svc.PlanImport(ctx, actor, req)
	}, func() {
		if err != nil {
			say(v.problem, v.s.errorText(err))
			return
		}
		v.showPlan(name, file, &plan)
	})
}

func (v *importView) setBusy(busy bool) {
	v.busy = busy
	showActivity(v.activity, busy)
	v.refresh()
}

// showPlan shows the preview.
func (v *importView) showPlan(name string, f *userfile.File, p *app.ImportPlan) {
	v.name, v.file, v.plan = name, f, p
	detected := lang.L("{{.Path}}: {{.Format}}, {{.Encoding}}, separated by {{.Delimiter}}; column names on row {{.Row}}.", map[string]any{
		"Path": filepath.Base(name), "Format": tr(f.Format.Message()), "Encoding": tr(f.Encoding.Message()),
		"Delimiter": tr(userfile.DelimiterMessage(f.Delimiter)), "Row": f.HeaderRow})
	ignored := ""
	if len(f.Ignored) > 0 {
		ignored = lang.N("{{.N}} columns ignored: {{.Columns}}.", len(f.Ignored), map[string]any{"N": len(f.Ignored), "Columns": strings.Join(f.Ignored, ", ")})
	}
	for _, row := range f.ExampleRows {
		detected += "\n" + lang.L("Row {{.Row}} is the template's example: skipped.", map[string]any{"Row": row})
	}
	v.detected.SetText(detected)
	v.ignored.SetText(ignored)
	showIf(v.ignored, ignored != "")
	counts := lang.N("{{.N}} rows: {{.Create}} to create, {{.Update}} to update, {{.Unchanged}} unchanged, {{.Errors}} with errors.", len(p.Rows), map[string]any{
		"N": len(p.Rows), "Create": p.Create, "Update": p.Update, "Unchanged": p.Unchanged, "Errors": p.ErrorRows})
	if p.NewPasswords > 0 {
		counts += "\n" + lang.N("{{.N}} new temporary passwords, valid until {{.Time}}; {{.Mailed}} mailed to recovery e-mails, the others to hand out.",
			p.NewPasswords, map[string]any{"N": p.NewPasswords, "Time": dateTime(p.Expires), "Mailed": p.Mailed})
	}
	if p.LookAlike > 0 && p.Request.AllowSimilar {
		counts += "\n" + lang.N("{{.N}} rows look like other logins: imported as confirmed, and the audit log says so.", p.LookAlike, map[string]any{"N": p.LookAlike})
	} else if p.LookAlike > 0 {
		counts += "\n" + lang.N("{{.N}} rows are refused only because an address looks like another login.", p.LookAlike, map[string]any{"N": p.LookAlike})
	}
	v.counts.SetText(counts)
	showIf(v.similarR, p.LookAlike > 0 || p.Request.AllowSimilar)
	v.lines, v.wrong = make([]string, len(p.Rows)), make([]bool, len(p.Rows))
	for i := range p.Rows {
		v.lines[i], v.wrong[i] = rowText(&p.Rows[i]), p.Rows[i].Action == app.ImportError
	}
	// Judged again (the look-alikes' check box): the row selected before
	// may read otherwise now.
	v.list.UnselectAll()
	say(v.selected, "")
	v.list.Refresh()
	showIf(v.preview, true)
	showIf(v.list, true)
	if p.Writes() == 0 {
		v.confirm.SetText(lang.L("Record that there is nothing to do"))
	} else {
		v.confirm.SetText(lang.L("Import"))
	}
	v.refresh()
	v.s.win.Canvas().Focus(v.confirm)
}

// rowText is a row of the preview.
func rowText(row *app.ImportRow) string {
	login := row.Login
	if login == "" {
		login = row.Record.Login
	}
	data := map[string]any{"Row": row.Record.Row, "Login": login}
	switch row.Action {
	case app.ImportCreate:
		data["Name"] = row.Name()
		return lang.L("Row {{.Row}} · create · {{.Login}} · {{.Name}}", data) + looksLike(row)
	case app.ImportUpdate:
		data["Fields"] = app.ImportDetail(row.Changes, tr)
		if row.Reissue {
			data["Fields"] = data["Fields"].(string) + " (" + lang.L("the last one, from an interrupted import, is in no hand-out") + ")"
		}
		return lang.L("Row {{.Row}} · update · {{.Login}} · {{.Fields}}", data) + looksLike(row)
	case app.ImportUnchanged:
		return lang.L("Row {{.Row}} · unchanged · {{.Login}}", data)
	}
	var reasons []string
	for _, p := range row.Problems {
		if p.Column != "" {
			reasons = append(reasons, lang.L("{{.Column}}: {{.Reason}}", map[string]any{"Column": p.Column, "Reason": tr(p.Message)}))
		} else {
			reasons = append(reasons, tr(p.Message))
		}
	}
	data["Reasons"] = strings.Join(reasons, " ")
	return lang.L("Row {{.Row}} · error · {{.Login}} · {{.Reasons}}", data)
}

// looksLike is what the preview says of a row imported although it looks
// like other logins, "" for the others.
func looksLike(row *app.ImportRow) string {
	if len(row.LooksLike) == 0 {
		return ""
	}
	return " · " + lang.L("looks like {{.Logins}} (confirmed)", map[string]any{"Logins": strings.Join(row.LooksLike, ", ")})
}

// onConfirm asks before anything is written.
func (v *importView) onConfirm() {
	p := v.plan
	if p == nil || v.busy {
		return
	}
	if p.Writes() == 0 {
		v.apply()
		return
	}
	var q string
	switch {
	case p.Update == 0:
		q = lang.N("Create {{.N}} users?", p.Create, map[string]any{"N": groupDigits(p.Create)})
	case p.Create == 0:
		q = lang.N("Update {{.N}} users?", p.Update, map[string]any{"N": groupDigits(p.Update)})
	default:
		q = lang.N("Create {{.N}} users and update {{.Update}}?", p.Create, map[string]any{"N": groupDigits(p.Create), "Update": groupDigits(p.Update)})
	}
	if p.ErrorRows > 0 {
		q += " " + lang.N("{{.N}} rows with errors are left out.", p.ErrorRows, map[string]any{"N": groupDigits(p.ErrorRows)})
	}
	if p.Request.AllowSimilar && p.LookAlike > 0 {
		q += " " + lang.N("{{.N}} of them look like other logins.", p.LookAlike, map[string]any{"N": p.LookAlike})
	}
	v.question.ask(q, lang.L("Import"), v.apply)
}

// apply writes the plan in the background, the progress shown after each
// batch, and cancel stopping it between two.
func (v *importView) apply() {
	p := *v.plan
	svc, actor := v.s.svc, v.u.admin.actor
	ctx, stop := context.WithCancel(v.sc.ctx)
	v.stop = stop
	v.progress.Max, v.progress.Value = float64(max(p.Writes(), 1)), 0
	v.progress.Refresh()
	showIf(v.running, true)
	var (
		mu      sync.Mutex
		slips   []handout.Slip
		refused []string
		res     app.ImportResult
		err     error
	)
	done := 0
	v.sc.busy(v.setBusy, func(context.Context) {
		res, err = svc.ApplyImport(ctx, actor, p, func(pr app.ImportProgress) {
			mu.Lock()
			for _, o := range pr.Outcomes {
				if o.Action == app.ImportError {
					refused = append(refused, lang.L("Row {{.Row}}, {{.Login}}: {{.Reason}}", map[string]any{"Row": o.Row, "Login": o.Login, "Reason": tr(o.Reason)}))
				}
				if o.Temporary != nil && !o.Sent {
					slips = append(slips, handout.Slip{Login: o.Login, Name: o.Name, Password: o.Temporary.Plaintext, ValidUntil: o.Temporary.ExpiresAt})
				}
			}
			mu.Unlock()
			n := pr.Done
			// From the writes' goroutine: do only hands the count to the
			// UI goroutine (its fields are set once and never change).
			v.sc.do(func(context.Context) {}, func() {
				if n > done {
					done = n
					v.progress.SetValue(float64(n))
				}
				if v.shown != nil {
					v.shown()
				}
			})
		})
	}, func() {
		v.stop = nil
		stop()
		mu.Lock()
		defer mu.Unlock()
		v.showResult(res, err, slips, refused)
	})
}

func (v *importView) onCancel() {
	if v.stop != nil {
		v.stop()
		enable(v.cancel, false)
	}
}

// showResult says what the import did and offers the hand-out.
func (v *importView) showResult(res app.ImportResult, err error, slips []handout.Slip, refused []string) {
	showIf(v.running, false)
	enable(v.cancel, true)
	showIf(v.finished, true)
	// The result takes the place of the rows, which the file still holds.
	showIf(v.list, false)
	say(v.selected, "")
	v.u.changed()
	text := lang.L("{{.Created}} created, {{.Updated}} updated, {{.Unchanged}} unchanged, {{.Errors}} with errors; recorded in the audit log as {{.ID}}.", map[string]any{
		"Created": res.Created, "Updated": res.Updated, "Unchanged": res.Unchanged, "Errors": res.ErrorRows + res.Refused, "ID": tr(app.NoteMessage(res.ID))})
	switch {
	case err != nil:
		text += "\n" + lang.L("Stopped by an error: {{.Reason}} The rows written stay; import the same file again to finish.", map[string]any{"Reason": v.s.errorText(err)})
	case res.Cancelled:
		text += "\n" + lang.L("Cancelled: the rows not reached are unchanged; import the same file again to finish.")
	}
	say(v.result, text)
	say(v.refused, strings.Join(refused, "\n"))
	v.slips, v.ran = slips, res.ID
	v.savedTo = ""
	if len(slips) > 0 {
		say(v.saved, lang.N("{{.N}} new temporary passwords to hand out: save them now, they are not kept.", len(slips), map[string]any{"N": len(slips)}))
	}
	showIf(v.handedOut, len(slips) > 0)
	v.refresh()
	v.s.win.Canvas().Focus(v.first())
}

// onSaveHandout saves the hand-out, readable by its owner only, as a PDF
// of slips or a CSV.
func (v *importView) onSaveHandout(ext string) {
	if len(v.slips) == 0 {
		return
	}
	sheet := handout.Sheet{Company: v.s.st.CompanyName, Language: v.s.st.Language, Slips: v.slips}
	name := v.s.savedName(lang.L("handout"), ext)
	v.s.saveFile(name, func(w io.WriteCloser, path string) {
		if err := writeHandout(w, path, sheet); err != nil {
			say(v.problem, lang.L("The hand-out could not be saved: {{.Reason}}", map[string]any{"Reason": err.Error()}))
			showIf(v.problem, true)
			return
		}
		v.savedTo = path
		say(v.saved, lang.L("Saved in {{.Path}}, readable by you only. Delete it once the passwords are handed out.", map[string]any{"Path": path}))
		v.handedOutTo()
	}, func() {})
}

// openDialog is the session's openFile: the system's way of choosing a
// file to read, CSV or text.
// handedOutTo records that the import's new temporary passwords are in a
// hand-out: importing the file again no longer gives those users new ones.
func (v *importView) handedOutTo() {
	svc, actor, id := v.s.svc, v.u.admin.actor, v.ran
	var err error
	v.sc.do(func(ctx context.Context) { err = svc.HandoutSaved(ctx, actor, id) }, func() {
		if err != nil {
			say(v.problem, v.s.errorText(err))
		}
	})
}

func (s *session) openDialog(open func(r io.ReadCloser, name string), cancelled func()) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			cancelled()
			return
		}
		open(r, r.URI().Path())
	}, s.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".txt", ".CSV"}))
	if s.lastDir != nil {
		d.SetLocation(s.lastDir)
	}
	d.Resize(fyne.NewSize(min(s.win.Canvas().Size().Width, 800), min(s.win.Canvas().Size().Height, 600)))
	d.Show()
}
