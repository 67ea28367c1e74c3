package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// forgotScreen answers "Forgot password?". When e-mail is set up, it
// offers a one-time code sent to the account's recovery address (the
// domain decides which address, never a fictitious one); otherwise, or
// without a code, only an administrator can give a new password, and the
// screen names whom to ask. Nothing it says depends on the e-mail typed, so
// that it never tells whether an account exists.
type forgotScreen struct {
	s      *session
	sc     *scope
	email  string // as typed on the sign-in, given back to it
	byMail bool   // e-mail is set up: a code can be asked for

	body     *fyne.Container // filled once the settings are read
	admins   *adminsNote     // whom to ask
	address  *entry          // the login whose password is forgotten, when byMail
	problem  *widget.Label
	send     *button
	activity *widget.Activity
	back     *button
	busy     bool
	content  fyne.CanvasObject
}

func (s *session) showForgot(email string) *forgotScreen {
	v := s.newForgot(s.enter(), email)
	s.show(v, v.content, v.back)
	v.load()
	return v
}

func (s *session) newForgot(sc *scope, email string) *forgotScreen {
	v := &forgotScreen{s: s, sc: sc, email: email}
	v.back = s.newButton(lang.L("Back to sign in"), widget.LowImportance, v.onCancel)
	v.body = container.NewVBox(paragraph(lang.L("Reading the company's settings…")))
	v.content = page(heading(lang.L("Forgot your password?")), v.body, v.back)
	return v
}

// load reads the settings, then offers what they allow.
func (v *forgotScreen) load() {
	v.s.readSettings(v.sc, func(st app.Settings, err error) {
		if err != nil {
			v.back.Importance = widget.HighImportance
			v.back.Refresh()
			v.body.Objects = []fyne.CanvasObject{paragraph(v.s.errorText(err))}
			v.body.Refresh()
			return
		}
		v.offer(st)
	})
}

// offer shows what can be done: ask for a code, or whom to ask.
func (v *forgotScreen) offer(st app.Settings) {
	s := v.s
	v.byMail = st.SMTP.Configured()
	if !v.byMail {
		v.back.Importance = widget.HighImportance
		v.back.Refresh()
		lead := lang.L("An administrator can help you get back into your account.")
		if st.AdminPasswordManagement {
			lead = lang.L("You cannot choose a new password yourself: only an administrator can give you one. They will give you a temporary password, and you will choose your own when you sign in with it.")
		}
		v.admins = s.newAdminsNote(v.sc, lead)
		v.body.Objects = []fyne.CanvasObject{v.admins.content}
		v.body.Refresh()
		s.win.Canvas().Focus(v.back)
		return
	}
	v.address = s.newEmailEntry(lang.L("name@company.com"))
	v.address.SetText(v.email)
	v.address.OnSubmitted = func(string) { v.onSend() }
	v.problem = notice(widget.DangerImportance)
	v.send = s.newButton(lang.L("Send me a code"), widget.HighImportance, v.onSend)
	v.activity = newActivity()
	v.admins = s.newAdminsNote(v.sc, lang.L("Without a code, only your administrator can give you a new password."))
	v.body.Objects = []fyne.CanvasObject{
		paragraph(lang.L("Sésame can send a one-time code to the recovery e-mail of your account. With it, you choose a new password yourself.")),
		field(lang.L("E-mail"), v.address),
		v.problem,
		container.NewHBox(v.send, v.activity),
		v.admins.content,
	}
	v.body.Refresh()
	if strings.TrimSpace(v.email) == "" {
		s.win.Canvas().Focus(v.address)
	} else {
		s.win.Canvas().Focus(v.send)
	}
}

// onSend asks for a code. The answer is the same for any e-mail, so the
// window goes on to the code whatever happened.
func (v *forgotScreen) onSend() {
	if v.busy {
		return
	}
	email := strings.TrimSpace(v.address.Text)
	if email == "" {
		say(v.problem, lang.L("Enter your e-mail address."))
		v.s.win.Canvas().Focus(v.address)
		return
	}
	say(v.problem, "")
	var err error
	v.sc.busy(v.setBusy, func(ctx context.Context) {
		err = v.s.svc.RequestRecovery(ctx, email)
	}, func() {
		if err != nil {
			say(v.problem, v.s.errorText(err))
			return
		}
		v.s.showRecoveryCode(email)
	})
}

func (v *forgotScreen) setBusy(busy bool) {
	v.busy = busy
	enable(v.send, !busy)
	showActivity(v.activity, busy)
}

// onCancel goes back to the sign-in, with the e-mail as it was typed.
func (v *forgotScreen) onCancel() {
	email := v.email
	if v.address != nil {
		email = strings.TrimSpace(v.address.Text)
	}
	v.s.showSignIn(email, "")
}
