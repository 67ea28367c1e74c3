package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
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
	email  string // as typed on the sign-in, given back to it
	byMail bool   // e-mail is set up: a code can be asked for

	advice   *widget.Label
	address  *entry // the login whose password is forgotten, when byMail
	problem  *widget.Label
	send     *button
	activity *widget.Activity
	back     *button
	busy     bool
	content  fyne.CanvasObject
}

func (s *session) showForgot(email string) *forgotScreen {
	v := s.newForgot(email)
	var first fyne.Focusable = v.back
	switch {
	case v.byMail && strings.TrimSpace(email) == "":
		first = v.address
	case v.byMail:
		first = v.send
	}
	s.show(v, v.content, first)
	return v
}

func (s *session) newForgot(email string) *forgotScreen {
	v := &forgotScreen{s: s, email: email}
	ctx := context.Background()
	st, err := s.svc.Settings(ctx)
	var (
		admins []app.User
		total  int
	)
	if err == nil {
		admins, total, err = s.svc.Administrators(ctx, maxNamed)
	}
	v.back = s.newButton(lang.L("Back to sign in"), widget.LowImportance, v.onCancel)
	if err != nil {
		v.back.Importance = widget.HighImportance
		v.advice = paragraph(s.errorText(err))
		v.content = page(heading(lang.L("Forgot your password?")), v.advice, v.back)
		return v
	}
	v.byMail = st.SMTP.Configured()
	if !v.byMail {
		v.back.Importance = widget.HighImportance
		v.advice = paragraph(forgotAdvice(st, admins, total))
		v.content = page(heading(lang.L("Forgot your password?")), v.advice, v.back)
		return v
	}
	v.advice = paragraph(lang.L("Without a code, only your administrator can give you a new password.") + " " + askAdministrators(admins, total))
	v.address = s.newEntry(lang.L("name@company.com"))
	v.address.SetText(email)
	v.address.OnSubmitted = func(string) { v.onSend() }
	v.problem = notice(widget.DangerImportance)
	v.send = s.newButton(lang.L("Send me a code"), widget.HighImportance, v.onSend)
	v.activity = newActivity()
	v.content = page(
		heading(lang.L("Forgot your password?")),
		paragraph(lang.L("Sésame can send a one-time code to the recovery e-mail of your account. With it, you choose a new password yourself.")),
		field(lang.L("E-mail"), v.address),
		v.problem,
		v.send,
		v.activity,
		v.advice,
		v.back,
	)
	return v
}

// forgotAdvice says what to do about a forgotten password when no code
// can be sent.
func forgotAdvice(st app.Settings, admins []app.User, total int) string {
	var text string
	if st.AdminPasswordManagement {
		text = lang.L("You cannot choose a new password yourself: only an administrator can give you one. They will give you a temporary password, and you will choose your own when you sign in with it.")
	} else {
		text = lang.L("An administrator can help you get back into your account.")
	}
	return text + "\n\n" + askAdministrators(admins, total)
}

// askAdministrators names whom to ask for a new password: a few of the
// total active administrators (counted up to app.AdminCountLimit).
func askAdministrators(admins []app.User, total int) string {
	if len(admins) == 0 {
		return lang.L("Ask the person who looks after Sésame in your company.")
	}
	names := make([]string, 0, maxNamed)
	for _, a := range admins[:min(len(admins), maxNamed)] {
		names = append(names, a.Name)
	}
	list := strings.Join(names, ", ")
	switch more := total - len(names); {
	case total >= app.AdminCountLimit:
		list += " " + lang.L("and many more")
	case more > 0:
		list += " " + lang.N("and {{.N}} more", more, map[string]any{"N": more})
	}
	return lang.N("Ask your administrator: {{.Names}}.", max(total, len(admins)), map[string]any{"Names": list})
}

// maxNamed is the number of administrators that the forgotten password
// names: a large company has thousands.
const maxNamed = 5

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
	v.s.busy(v, v.setBusy, func() {
		err = v.s.svc.RequestRecovery(context.Background(), email)
		v.s.sendMailNow() // even for an unknown e-mail, so that nothing tells them apart
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
