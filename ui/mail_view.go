package ui

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// mailView is Administration → E-mail: the outbox, where every message
// that Sésame sends waits until the server takes it. It shows the counts
// by state and the recent messages with the server's answer to a failed
// one, never a message's body, which may hold a password or a code.
type mailView struct {
	s     *session
	admin *adminScreen

	setup    *widget.Label // e-mail is not set up
	counts   *widget.Label
	reload   *button
	retry    *button
	said     *widget.Label
	detail   *widget.Label
	table    *table
	msgs     []app.OutboxMessage
	round    int // the reading on view, so that only the last one shows
	content  fyne.CanvasObject
	activity *widget.Activity
}

// mailShown is how many recent messages the view lists.
const mailShown = 200

func (s *session) newMailView(a *adminScreen) *mailView {
	v := &mailView{s: s, admin: a}
	v.setup = notice(widget.WarningImportance)
	v.counts = paragraph("")
	v.reload = s.newButton(lang.L("Refresh"), widget.MediumImportance, v.load)
	v.reload.Icon = theme.ViewRefreshIcon()
	v.retry = s.newButton(lang.L("Retry now"), widget.MediumImportance, v.onRetry)
	v.retry.Icon = theme.MailSendIcon()
	v.said = notice(widget.SuccessImportance)
	v.detail = paragraph("")
	v.detail.Hide()
	v.activity = newActivity()
	v.table = newTable([]tableColumn{
		{title: lang.L("Queued"), width: 150, weight: 1, drop: 5},
		{title: lang.L("State"), width: 100, weight: 0.5},
		{title: lang.L("Message"), width: 170, weight: 1, drop: 3},
		{title: lang.L("To"), width: 190, weight: 2},
		{title: lang.L("Attempts"), width: 80, weight: 0, drop: 4},
		{title: lang.L("Sent"), width: 150, weight: 1, drop: 2},
		{title: lang.L("Server's answer"), width: 200, weight: 3, drop: 1},
	}, func() int { return len(v.msgs) }, v.fillRow)
	v.table.onOpen = v.onOpen
	v.table.onActivity = s.touch
	v.table.onEscape = s.escape

	top := container.NewVBox(
		heading(lang.L("E-mails")),
		v.setup,
		v.counts,
		container.NewHBox(v.reload, v.retry, v.activity),
		v.said,
	)
	v.content = stacked(top, v.table, v.detail)
	return v
}

func (v *mailView) first() fyne.Focusable { return v.reload }

// load reads the outbox and the settings again, off the UI goroutine.
func (v *mailView) load() {
	v.round++
	round := v.round
	showActivity(v.activity, true)
	var (
		msgs   []app.OutboxMessage
		counts app.MailCounts
		st     app.Settings
		err    error
	)
	svc := v.s.svc
	v.s.run(func() {
		ctx := context.Background()
		if st, err = svc.Settings(ctx); err != nil {
			return
		}
		msgs, counts, err = svc.Outbox(ctx, app.MailQuery{Limit: mailShown})
	}, func() {
		if round != v.round || v.s.admin != v.admin {
			return
		}
		showActivity(v.activity, false)
		if err != nil {
			v.counts.Importance = widget.DangerImportance
			v.counts.SetText(v.s.errorText(err))
			return
		}
		if st.SMTP.Configured() {
			say(v.setup, "")
		} else {
			say(v.setup, lang.L("E-mail is not set up: messages wait here until the SMTP server and the sender address are saved in Settings."))
		}
		v.msgs = msgs
		v.counts.Importance = widget.MediumImportance
		v.counts.SetText(countsText(counts))
		enable(v.retry, counts[app.MailFailed] > 0)
		v.table.clearSelection()
		v.table.Refresh()
		v.detail.Hide()
	})
}

// countsText says how many messages stand in each state.
func countsText(c app.MailCounts) string {
	return lang.L("Queued: {{.Queued}} · Sending: {{.Sending}} · Sent: {{.Sent}} · Failed: {{.Failed}} · Expired: {{.Expired}}",
		map[string]any{"Queued": c[app.MailQueued], "Sending": c[app.MailSending], "Sent": c[app.MailSent],
			"Failed": c[app.MailFailed], "Expired": c[app.MailExpired]})
}

func (v *mailView) fillRow(row int, cells []*tableCell) {
	if row < 0 || row >= len(v.msgs) {
		return
	}
	m := v.msgs[row]
	state, importance := mailStateName(m.State)
	cells[0].set(m.CreatedAt.Local().Format(auditTime), widget.MediumImportance)
	cells[1].set(state, importance)
	cells[2].set(mailKindName(m.Kind), widget.MediumImportance)
	cells[3].set(m.To, widget.MediumImportance)
	cells[4].set(strconv.Itoa(m.Attempts), widget.MediumImportance)
	sent := ""
	if !m.SentAt.IsZero() {
		sent = m.SentAt.Local().Format(auditTime)
	}
	cells[5].set(sent, widget.MediumImportance)
	answer := ""
	if m.State == app.MailFailed || m.State == app.MailQueued {
		answer = m.LastError
	}
	cells[6].set(answer, widget.DangerImportance)
}

// onOpen shows the whole of a message's record, which the table may cut
// short; the body is left out.
func (v *mailView) onOpen(row int) {
	if row < 0 || row >= len(v.msgs) {
		return
	}
	m := v.msgs[row]
	state, _ := mailStateName(m.State)
	text := lang.L("{{.Kind}} to {{.To}}, {{.State}}; queued on {{.Queued}}; attempts: {{.Attempts}}.",
		map[string]any{"Kind": mailKindName(m.Kind), "To": m.To, "State": state,
			"Queued": dateTime(m.CreatedAt), "Attempts": m.Attempts})
	if !m.SentAt.IsZero() {
		text += "\n" + lang.L("Sent on {{.Date}}.", map[string]any{"Date": dateTime(m.SentAt)})
	}
	if m.LastError != "" && m.State != app.MailSent {
		text += "\n" + lang.L("Server's answer: {{.Answer}}", map[string]any{"Answer": m.LastError})
		if m.State == app.MailFailed {
			text += "\n" + lang.L("Next attempt: {{.Date}}.", map[string]any{"Date": dateTime(m.NextAttemptAt)})
		}
	}
	say(v.detail, text)
}

// onRetry makes the failed messages due and asks for a delivery now.
func (v *mailView) onRetry() {
	var err error
	svc := v.s.svc
	v.s.run(func() {
		err = svc.RetryMailNow(context.Background())
	}, func() {
		if v.s.admin != v.admin {
			return
		}
		if err != nil {
			v.said.Importance = widget.DangerImportance
			say(v.said, v.s.errorText(err))
			return
		}
		v.s.sendMailNow()
		v.said.Importance = widget.SuccessImportance
		say(v.said, lang.L("The failed messages are being sent again: Refresh shows how it went."))
		v.load()
	})
}

// mailStateName names a message's state, with the importance to show it.
func mailStateName(st app.MailState) (string, widget.Importance) {
	switch st {
	case app.MailQueued:
		return lang.L("Queued"), widget.MediumImportance
	case app.MailSending:
		return lang.L("Sending"), widget.MediumImportance
	case app.MailSent:
		return lang.L("Sent"), widget.SuccessImportance
	case app.MailFailed:
		return lang.L("Failed"), widget.DangerImportance
	case app.MailExpired:
		return lang.L("Expired"), widget.WarningImportance
	}
	return string(st), widget.MediumImportance
}

// mailKindName says what a message is about.
func mailKindName(kind string) string {
	switch kind {
	case app.MailRecoveryCode:
		return lang.L("Recovery code")
	case app.MailTemporaryPassword:
		return lang.L("Temporary password")
	case app.MailPasswordChanged:
		return lang.L("Password changed")
	case app.MailTest:
		return lang.L("Test message")
	}
	return kind
}
