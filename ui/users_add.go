package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// addUserView is the form that adds a user: login e-mail, name, role,
// whether the address has a mailbox, a recovery e-mail where the company's
// option allows it. The new user gets a generated temporary password,
// handed over as on the card: masked, with an eye and a copy button, and
// its expiry said.
type addUserView struct {
	s  *session
	sc *scope
	u  *usersView
	st app.Settings

	closeBtn      *button
	email         *entry
	emailIssue    *widget.Label
	name          *entry
	role          *choice
	noMailbox     *check
	recovery      *entry
	recoveryIssue *widget.Label
	send          *check        // send the temporary password to the recovery e-mail
	sendWhy       *widget.Label // why it cannot be
	create        *button
	problem       *widget.Label
	activity      *widget.Activity
	form          *fyne.Container

	created *app.User // once created
	done    *widget.Label
	secret  *secretView
	open    *button
	another *button
	handed  *fyne.Container

	question *question // whether a login that looks like another is right
	busy     bool
	content  fyne.CanvasObject
}

// newAddUser builds the form in sc, with the settings as last read (the
// domain checks them again when the user is created).
func (s *session) newAddUser(sc *scope, u *usersView) *addUserView {
	v := &addUserView{s: s, sc: sc, u: u, st: s.st}
	st := v.st
	v.closeBtn = s.newButton(lang.L("Close"), widget.LowImportance, u.onPanelClosed)
	v.closeBtn.Icon = theme.CancelIcon()
	v.email = s.newEmailEntry(lang.L("name@company.com"))
	v.email.OnChanged = func(string) { v.onChanged() }
	v.emailIssue = notice(widget.DangerImportance)
	v.name = s.newEntry(lang.L("First and last name"))
	v.name.OnChanged = func(string) { v.onChanged() }
	v.name.OnSubmitted = func(string) { v.onCreate() }
	v.role = s.newChoice(roleNames(), func(string) {})
	v.role.SetSelectedIndex(0)
	v.noMailbox = s.newCheck("", func(bool) {})
	v.recovery = s.newEmailEntry(lang.L("name@example.com"))
	v.recovery.OnChanged = func(string) { v.onChanged() }
	v.recoveryIssue = notice(widget.DangerImportance)
	v.send = s.newCheck("", func(bool) {})
	v.sendWhy = notice(widget.MediumImportance)
	v.sendWhy.SizeName = theme.SizeNameCaptionText
	v.create = s.newButton(lang.L("Create the user"), widget.HighImportance, v.onCreate)
	v.problem = notice(widget.DangerImportance)
	v.activity = newActivity()
	v.question = s.newQuestion(lang.L("Check it"))

	recovery := container.NewVBox(field(lang.L("Recovery e-mail (optional)"), v.recovery), v.recoveryIssue,
		checkRow(v.send, lang.L("Send the temporary password to the recovery e-mail instead of showing it")), v.sendWhy)
	if !st.AdminPasswordManagement {
		recovery.Hide()
	}
	v.form = container.NewVBox(
		field(lang.L("Login e-mail"), v.email),
		v.emailIssue,
		checkRow(v.noMailbox, lang.L("No mailbox behind this address (a login only)")),
		field(lang.L("Name"), v.name),
		field(lang.L("Role"), v.role),
		recovery,
		paragraph(lang.L("The user gets a temporary password, generated now and shown once, to hand over: they choose their own at the first sign-in.")),
		v.problem,
		v.question.box,
		buttons(v.create, v.activity),
	)

	v.done = notice(widget.SuccessImportance)
	v.secret = s.newSecretView(sc, st.ClipboardClear)
	v.open = s.newButton(lang.L("Open the card"), widget.MediumImportance, v.onOpen)
	v.another = s.newButton(lang.L("Add another user"), widget.LowImportance, v.onAnother)
	v.handed = container.NewVBox(v.done, v.secret.content, buttons(v.open, v.another))
	v.handed.Hide()

	header := container.NewBorder(nil, nil, nil, v.closeBtn, heading(lang.L("Add user")))
	v.content = stacked(header, vscroll(container.NewPadded(container.NewVBox(v.form, v.handed))), nil)
	v.refresh()
	return v
}

func (v *addUserView) object() fyne.CanvasObject { return v.content }

func (v *addUserView) first() fyne.Focusable {
	if v.created != nil && !v.secret.content.Visible() {
		return v.open
	}
	if v.created != nil {
		return v.secret.eye
	}
	return v.email
}

// dirty reports a form begun: closing it asks first. Once the user is
// created there is nothing left to lose but the password on view, which
// Close drops as it should.
func (v *addUserView) dirty() bool {
	return v.created == nil && (strings.TrimSpace(v.email.Text) != "" || strings.TrimSpace(v.name.Text) != "" ||
		strings.TrimSpace(v.recovery.Text) != "")
}

// ask closes without a question: the form holds only what was typed, and
// the table stays as it was.
func (v *addUserView) ask(then func()) { then() }

func (v *addUserView) escape() bool { return false }

func (v *addUserView) close() { v.secret.clear() }

// emailProblem and recoveryProblem say what is wrong with an address typed.
func (v *addUserView) emailProblem() string {
	e := strings.TrimSpace(v.email.Text)
	if e == "" {
		return ""
	}
	if _, err := app.CheckEmail(e); err != nil {
		return v.s.errorText(err)
	}
	return ""
}

func (v *addUserView) recoveryProblem() string {
	if _, err := app.CheckRecoveryEmail(v.recovery.Text, v.email.Text); err != nil {
		return v.s.errorText(err)
	}
	return ""
}

func (v *addUserView) onChanged() {
	say(v.emailIssue, v.emailProblem())
	say(v.recoveryIssue, v.recoveryProblem())
	v.refresh()
}

func (v *addUserView) ready() bool {
	return !v.busy && strings.TrimSpace(v.email.Text) != "" && strings.TrimSpace(v.name.Text) != "" &&
		v.emailProblem() == "" && v.recoveryProblem() == ""
}

func (v *addUserView) refresh() {
	enable(v.create, v.ready())
	why := v.sendProblem()
	if why == "" && !v.busy {
		v.send.Enable()
	} else {
		v.send.Checked = false
		v.send.Disable()
	}
	say(v.sendWhy, why)
	v.send.Refresh()
	v.form.Refresh()
}

// sendProblem says why the temporary password cannot be sent, "" when it
// can: a valid recovery e-mail is typed, and e-mail is set up.
func (v *addUserView) sendProblem() string {
	switch {
	case !v.st.SMTP.Configured():
		return lang.L("E-mail is not set up (Settings → E-mail): the password can only be handed over.")
	case strings.TrimSpace(v.recovery.Text) == "" || v.recoveryProblem() != "":
		return lang.L("Enter a valid recovery e-mail first.")
	}
	return ""
}

func (v *addUserView) onCreate() {
	if !v.ready() {
		return
	}
	n := app.NewUser{
		Email:      v.email.Text,
		Name:       v.name.Text,
		Role:       app.Roles()[max(v.role.SelectedIndex(), 0)],
		HasMailbox: !v.noMailbox.Checked,
	}
	if v.st.AdminPasswordManagement {
		n.RecoveryEmail = v.recovery.Text
		n.SendToRecovery = v.send.Checked && v.sendProblem() == ""
	}
	v.createUser(n)
}

// createUser creates the user n. A login or recovery address that looks like
// another login is asked about, and created once confirmed.
func (v *addUserView) createUser(n app.NewUser) {
	say(v.problem, "")
	var (
		user app.User
		temp app.TemporaryPassword
		err  error
	)
	svc, actor := v.s.svc, v.u.admin.actor
	v.sc.busy(v.setBusy, func(ctx context.Context) {
		user, temp, err = svc.CreateUser(ctx, actor, n)
	}, func() {
		if app.CodeOf(err) == app.ELookAlike && !n.AllowSimilar {
			v.question.ask(v.s.errorText(err), lang.L("Create it as it is"), func() {
				n.AllowSimilar = true
				v.createUser(n)
			})
			return
		}
		if err != nil {
			say(v.problem, v.s.errorText(err))
			return
		}
		v.onCreated(user, temp, n.SendToRecovery)
	})
}

func (v *addUserView) setBusy(busy bool) {
	v.busy = busy
	showActivity(v.activity, busy)
	v.refresh()
}

// onCreated hands the temporary password over, or says where it was
// sent: then it is not shown at all.
func (v *addUserView) onCreated(user app.User, temp app.TemporaryPassword, sent bool) {
	v.created = &user
	showIf(v.form, false)
	if sent {
		say(v.done, lang.L("{{.Name}} is added. The temporary password is queued to be sent to {{.Email}}. {{.Name}} must choose a new password at the first sign-in; this temporary password expires on {{.Date}}.",
			map[string]any{"Name": user.Name, "Email": user.RecoveryEmail, "Date": dateTime(temp.ExpiresAt)}))
		showIf(v.handed, true)
		v.u.changed()
		v.s.win.Canvas().Focus(v.open)
		return
	}
	say(v.done, lang.L("{{.Name}} is added. Hand over this temporary password: it is shown only now. {{.Name}} must choose a new password at the first sign-in; this temporary password expires on {{.Date}}.",
		map[string]any{"Name": user.Name, "Date": dateTime(temp.ExpiresAt)}))
	v.secret.set(temp.Plaintext)
	showIf(v.handed, true)
	v.u.changed()
	v.s.win.Canvas().Focus(v.secret.eye)
}

func (v *addUserView) onOpen() {
	if v.created != nil {
		v.u.openCard(*v.created, -1, "")
	}
}

func (v *addUserView) onAnother() {
	v.u.openPanel(v.s.newAddUser(v.u.newPanelScope(), v.u), -1)
}
