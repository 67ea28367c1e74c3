package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// signInScreen is the door of the shared workstation: e-mail, password,
// Sign in, and the way to ask for help with a forgotten password.
type signInScreen struct {
	s  *session
	sc *scope

	company  *widget.Label
	note     *widget.Label // why the screen is here: signed out, set up
	problem  *widget.Label // why the last attempt failed
	email    *entry
	password *entry
	signIn   *button
	forgot   *button
	activity *widget.Activity
	busy     bool
	content  fyne.CanvasObject
}

// showSignIn shows an empty sign-in, with the e-mail filled in when given
// (then the focus is in the password) and a note.
func (s *session) showSignIn(email, note string) *signInScreen {
	v := s.newSignIn(s.enter(), email, note)
	first := v.email
	if email != "" {
		first = v.password
	}
	s.show(v, v.content, first)
	s.watchIdle()
	return v
}

func (s *session) newSignIn(sc *scope, email, note string) *signInScreen {
	v := &signInScreen{s: s, sc: sc}
	v.company = notice(widget.MediumImportance)
	say(v.company, s.st.CompanyName)
	v.readCompany()
	v.note = notice(widget.MediumImportance)
	say(v.note, note)
	v.problem = notice(widget.DangerImportance)

	v.email = s.newEmailEntry(lang.L("name@company.com"))
	v.email.SetText(email)
	v.password = s.newPasswordEntry(lang.L("Password"))
	v.email.OnSubmitted = func(string) { v.onSubmit() }
	v.password.OnSubmitted = func(string) { v.onSubmit() }

	v.signIn = s.newButton(lang.L("Sign in"), widget.HighImportance, v.onSubmit)
	v.forgot = s.newButton(lang.L("Forgot password?"), widget.LowImportance, v.onForgot)
	v.activity = newActivity()

	v.content = page(
		brand(heading(lang.L("Sign in"))),
		v.company,
		v.note,
		field(lang.L("E-mail"), v.email),
		field(lang.L("Password"), v.password),
		v.problem,
		v.signIn,
		v.activity,
		v.forgot,
	)
	return v
}

// readCompany reads the company's name again: it is shown on the door.
func (v *signInScreen) readCompany() {
	v.s.readSettings(v.sc, func(st app.Settings, err error) {
		if err == nil {
			say(v.company, st.CompanyName)
		}
	})
}

// fail says why signing in failed; the password is emptied, the e-mail
// stays, and the focus goes where the person has to type again.
func (v *signInScreen) fail(text string) {
	say(v.note, "")
	say(v.problem, text)
	v.password.wipe()
	if v.email.Text == "" {
		v.s.win.Canvas().Focus(v.email)
	} else {
		v.s.win.Canvas().Focus(v.password)
	}
}

func (v *signInScreen) setBusy(busy bool) {
	v.busy = busy
	enable(v.signIn, !busy)
	showActivity(v.activity, busy)
}

func (v *signInScreen) onSubmit() {
	if v.busy {
		return
	}
	email, password := strings.TrimSpace(v.email.Text), v.password.Text
	switch {
	case email == "":
		v.fail(lang.L("Enter your e-mail address."))
		return
	case password == "":
		v.fail(lang.L("Enter your password."))
		return
	}
	var (
		res app.SignInResult
		err error
	)
	v.sc.busy(v.setBusy, func(ctx context.Context) {
		res, err = v.s.svc.SignIn(ctx, email, password)
	}, func() { v.onResult(res, err, password) })
}

func (v *signInScreen) onResult(res app.SignInResult, err error, password string) {
	switch {
	case err != nil:
		v.fail(v.s.errorText(err))
	case res.Outcome == app.OutcomeSignedIn:
		v.s.signedIn(res.User, "")
	case res.Outcome == app.OutcomeMustChange:
		v.s.showReset(res.User, password)
	default:
		v.fail(v.s.errorText(app.OutcomeError(res)))
	}
}

func (v *signInScreen) onForgot() {
	v.s.showForgot(strings.TrimSpace(v.email.Text))
}
