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

// mailView is Administration → E-mails: the outbox, where every message
// that Sésame sends waits until the server takes it. It shows the counts
// by state and the recent messages with the server's answer to a failed
// one, never a message's body, which may hold a password or a code. What
// cannot work without e-mail set up is disabled, with the reason.
type mailView struct {
	s     *session
	sc    *scope
	admin *adminScreen

	setup    *widget.Label // e-mail is not set up
	counts   *widget.Label
	reload   *button
	retry    *button
	retryWhy *widget.Label // why Retry now is disabled
	said     *widget.Label
	detail   *widget.Label
	table    *table
	msgs     []app.OutboxMessage
	reading  latest // the reading on view
	st       app.Settings
	content  fyne.CanvasObject
	activity *widget.Activity
}

// mailShown is how many recent messages the view lists.
const mailShown = 200

func (s *session) newMailView(sc *scope, a *adminScreen) *mailView {
	v := &mailView{s: s, sc: sc, admin: a}
	v.setup = notice(widget.WarningImportance)
	v.counts = notice(widget.MediumImportance)
	v.reload = s.newButton(lang.L("Refresh"), widget.MediumImportance, v.load)
	v.reload.Icon = theme.ViewRefreshIcon()
	v.retry = s.newButton(lang.L("Retry now"), widget.MediumImportance, v.onRetry)
	v.retry.Icon = theme.MailSendIcon()
	v.retry.Disable()
	v.retryWhy = notice(widget.MediumImportance)
	v.retryWhy.SizeName = theme.SizeNameCaptionText
	v.said = notice(widget.SuccessImportance)
	v.detail = notice(widget.MediumImportance)
	v.activity = newActivity()
	v.table = newTable(sc, []tableColumn{
		{title: lang.L("Queued"), width: 150, weight: 1, drop: 5},
		{title: lang.L("State"), width: 100, weight: 0.5},
		{title: lang.L("Message"), width: 150, weight: 1, drop: 3},
		{title: lang.L("To"), width: 180, weight: 2},
		{title: lang.L("Attempts"), width: 95, weight: 0, drop: 4},
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
		buttons(v.reload, v.retry, v.activity),
		v.retryWhy,
		v.said,
	)
	v.content = stacked(top, v.table, v.detail)
	return v
}

func (v *mailView) first() fyne.Focusable { return v.reload }

// load reads the outbox and the settings again, off the UI goroutine.
func (v *mailView) load() {
	showActivity(v.activity, true)
	var (
		msgs   []app.OutboxMessage
		counts app.MailCounts
		st     app.Settings
		err    error
	)
	svc := v.s.svc
	v.reading.do(v.sc, func(ctx context.Context) {
		if st, err = svc.Settings(ctx); err != nil {
			return
		}
		msgs, counts, err = svc.Outbox(ctx, app.MailQuery{Limit: mailShown})
	}, func() {
		showActivity(v.activity, false)
		if err != nil {
			v.counts.Importance = widget.DangerImportance
			say(v.counts, v.s.errorText(err))
			return
		}
		v.st = st
		v.show(msgs, counts)
	})
}

// show puts what was read on view, and says only what is true of it.
func (v *mailView) show(msgs []app.OutboxMessage, counts app.MailCounts) {
	waiting := counts[app.MailQueued] + counts[app.MailFailed]
	switch {
	case v.st.SMTP.Configured():
		say(v.setup, "")
	case waiting > 0:
		say(v.setup, lang.N("E-mail is not set up: {{.N}} messages wait here until the SMTP server and the sender address are saved in Settings.",
			waiting, map[string]any{"N": groupDigits(waiting)}))
	default:
		say(v.setup, lang.L("E-mail is not set up: Sésame sends nothing until the SMTP server and the sender address are saved in Settings."))
	}
	v.msgs = msgs
	v.counts.Importance = widget.MediumImportance
	say(v.counts, countsText(counts))
	switch {
	case !v.st.SMTP.Configured():
		v.retry.Disable()
		say(v.retryWhy, lang.L("Nothing can be sent before e-mail is set up."))
	case counts[app.MailFailed] == 0:
		v.retry.Disable()
		say(v.retryWhy, lang.L("No message failed: there is nothing to retry."))
	default:
		v.retry.Enable()
		say(v.retryWhy, "")
	}
	v.table.clearSelection()
	v.table.Refresh()
	say(v.detail, "")
}

// countsText says how many messages stand in each state.
func countsText(c app.MailCounts) string {
	return lang.L("Queued: {{.Queued}} · Sending: {{.Sending}} · Sent: {{.Sent}} · Failed: {{.Failed}} · Expired: {{.Expired}}",
		map[string]any{"Queued": groupDigits(c[app.MailQueued]), "Sending": groupDigits(c[app.MailSending]), "Sent": groupDigits(c[app.MailSent]),
			"Failed": groupDigits(c[app.MailFailed]), "Expired": groupDigits(c[app.MailExpired])})
}

func (v *mailView) fillRow(row int, cells []*tableCell) {
	if row < 0 || row >= len(v.msgs) {
		return
	}
	m := v.msgs[row]
	state, importance := mailStateName(m.State)
	cells[0].set(dateTime(m.CreatedAt), widget.MediumImportance)
	cells[1].set(state, importance)
	cells[2].set(mailKindName(m.Kind), widget.MediumImportance)
	cells[3].set(m.To, widget.MediumImportance)
	cells[4].set(strconv.Itoa(m.Attempts), widget.MediumImportance)
	sent := ""
	if !m.SentAt.IsZero() {
		sent = dateTime(m.SentAt)
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
	}
	if m.State == app.MailFailed || m.State == app.MailQueued {
		switch {
		case !v.st.SMTP.Configured():
			text += "\n" + lang.L("It leaves once e-mail is set up.")
		case m.NextAttemptAt.After(v.s.svc.Now()):
			text += "\n" + lang.L("Next attempt: {{.Date}}.", map[string]any{"Date": dateTime(m.NextAttemptAt)})
		default:
			text += "\n" + lang.L("Next attempt: at the next delivery, within a minute.")
		}
	}
	say(v.detail, text)
}

// onRetry makes the failed messages due at once; the service delivers
// them then.
func (v *mailView) onRetry() {
	if !v.st.SMTP.Configured() {
		return
	}
	var err error
	svc := v.s.svc
	v.retry.Disable()
	v.sc.do(func(ctx context.Context) {
		err = svc.RetryMailNow(ctx)
	}, func() {
		if err != nil {
			v.said.Importance = widget.DangerImportance
			say(v.said, v.s.errorText(err))
			v.retry.Enable()
			return
		}
		v.said.Importance = widget.SuccessImportance
		say(v.said, lang.L("The failed messages are due again and are being sent: Refresh shows how it went."))
		v.load()
	})
}
