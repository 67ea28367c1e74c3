package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// setupScreen is the first run on an empty database: the company's name
// and its first administrator, whose password is chosen under the policy
// with the same feedback as the reset. Then the sign-in follows.
type setupScreen struct {
	s *session

	company  *entry
	email    *entry
	name     *entry
	form     *passwordForm
	problem  *widget.Label
	create   *button
	activity *widget.Activity
	busy     bool
	content  fyne.CanvasObject
}

func (s *session) showSetup() *setupScreen {
	v := s.newSetup()
	s.show(v, v.content, v.company)
	s.idle.halt() // a form that takes time to fill in, with nobody's account open
	return v
}

func (s *session) newSetup() *setupScreen {
	v := &setupScreen{s: s}
	v.company = s.newEntry(lang.L("Company name"))
	v.email = s.newEntry(lang.L("name@company.com"))
	v.name = s.newEntry(lang.L("First and last name"))
	for _, e := range []*entry{v.company, v.email, v.name} {
		e.OnChanged = func(string) { v.form.setContext(v.policyContext()) }
		e.OnSubmitted = func(string) { s.win.Canvas().FocusNext() } // Enter goes on through the form
	}
	v.form = s.newPasswordForm(s.svc.SetupRules(), app.PolicyContext{}, v.onSubmit)
	v.problem = notice(widget.DangerImportance)
	v.create = s.newButton(lang.L("Create the company"), widget.HighImportance, v.onSubmit)
	v.form.onReady = func(bool) { v.refreshCreate() }
	v.activity = newActivity()
	v.refreshCreate()

	v.content = page(
		brand(heading(lang.L("Set up Sésame"))),
		paragraph(lang.L("Nobody uses this database yet. Name the company and create its first administrator: you.")),
		field(lang.L("Company name"), v.company),
		field(lang.L("Your e-mail"), v.email),
		field(lang.L("Your name"), v.name),
		v.form.content,
		v.problem,
		v.create,
		v.activity,
	)
	return v
}

func (v *setupScreen) policyContext() app.PolicyContext {
	return app.PolicyContext{Login: strings.TrimSpace(v.email.Text), Name: v.name.Text, Company: v.company.Text}
}

func (v *setupScreen) ready() bool {
	return strings.TrimSpace(v.company.Text) != "" && strings.TrimSpace(v.email.Text) != "" &&
		strings.TrimSpace(v.name.Text) != "" && v.form.ready() && !v.busy
}

func (v *setupScreen) refreshCreate() {
	if v.create == nil {
		return
	}
	enable(v.create, v.ready())
}

func (v *setupScreen) setBusy(busy bool) {
	v.busy = busy
	showActivity(v.activity, busy)
	v.refreshCreate()
}

func (v *setupScreen) onSubmit() {
	if !v.ready() {
		return
	}
	say(v.problem, "")
	req := app.SetupRequest{Company: v.company.Text, Email: v.email.Text, Name: v.name.Text, Password: v.form.password.Text}
	var (
		u   app.User
		err error
	)
	v.s.busy(v, v.setBusy, func() {
		u, _, err = v.s.svc.Setup(context.Background(), app.Actor{}, req)
	}, func() { v.onResult(u, err) })
}

func (v *setupScreen) onResult(u app.User, err error) {
	switch app.CodeOf(err) {
	case "":
		v.s.showSignIn(u.Email, lang.L("{{.Company}} is set up. Sign in with your new password.",
			map[string]any{"Company": v.company.Text}))
	case app.EPolicy:
		v.form.refuse(app.AsError(err).Reasons)
	case app.EConflict: // set up meanwhile, from the command line
		v.s.showSignIn("", v.s.errorText(err))
	default:
		say(v.problem, v.s.errorText(err))
	}
}
