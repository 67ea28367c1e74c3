package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// changeScreen is the change of one's own password while signed in: the
// current one, then a new one under the policy, with the same feedback as
// the reset. Cancel or Escape goes back to the account.
type changeScreen struct {
	s    *session
	user app.User

	current  *entry
	form     *passwordForm
	problem  *widget.Label
	submit   *button
	cancel   *button
	activity *widget.Activity
	busy     bool
	ruleErr  error // the rules could not be read: nothing can be submitted
	content  fyne.CanvasObject
}

func (s *session) showChange(u app.User) *changeScreen {
	v := s.newChange(u)
	s.show(v, v.content, v.current)
	return v
}

func (s *session) newChange(u app.User) *changeScreen {
	v := &changeScreen{s: s, user: u}
	v.problem = notice(widget.DangerImportance)
	policy, ctx, err := s.svc.PasswordRules(context.Background(), u.Email)
	if err != nil {
		v.ruleErr = err
		say(v.problem, s.errorText(err))
	}
	v.current = s.newPasswordEntry(lang.L("Current password"))
	v.current.OnSubmitted = func(string) { s.win.Canvas().Focus(v.form.password) }
	v.current.OnChanged = func(string) { v.form.update() }
	v.form = s.newPasswordForm(policy, ctx, v.onSubmit)
	v.submit = s.newButton(lang.L("Update"), widget.HighImportance, v.onSubmit)
	v.cancel = s.newButton(lang.L("Cancel"), widget.LowImportance, v.onCancel)
	v.form.onReady = func(bool) { v.refreshSubmit() }
	v.activity = newActivity()
	v.refreshSubmit()

	v.content = page(
		heading(lang.L("Change your password")),
		field(lang.L("Current password"), v.current),
		v.form.content,
		v.problem,
		v.submit,
		v.activity,
		v.cancel,
	)
	return v
}

func (v *changeScreen) ready() bool {
	return v.current.Text != "" && v.form.ready() && !v.busy && v.ruleErr == nil
}

func (v *changeScreen) refreshSubmit() {
	if v.submit == nil {
		return
	}
	enable(v.submit, v.ready())
}

func (v *changeScreen) setBusy(busy bool) {
	v.busy = busy
	showActivity(v.activity, busy)
	v.refreshSubmit()
}

func (v *changeScreen) onSubmit() {
	if !v.ready() {
		return
	}
	say(v.problem, "")
	email, current, next := v.user.Email, v.current.Text, v.form.password.Text
	var (
		u   app.User
		err error
	)
	v.s.busy(v, v.setBusy, func() {
		u, err = v.s.svc.ChangePassword(context.Background(), email, current, next)
	}, func() { v.onResult(u, err) })
}

func (v *changeScreen) onResult(u app.User, err error) {
	switch app.CodeOf(err) {
	case "":
		v.s.sendMailNow() // the notice that the password changed
		v.s.user = &u
		v.s.showAccount(u, lang.L("Your password was changed."))
	case app.EPolicy:
		v.form.refuse(app.AsError(err).Reasons)
		v.s.win.Canvas().Focus(v.form.password)
	case app.EAuth:
		say(v.problem, lang.L("The current password is wrong."))
		v.current.wipe()
		v.s.win.Canvas().Focus(v.current)
	case app.EDisabled, app.EExpired:
		// The account can no longer be used: the session ends.
		v.s.forget()
		v.s.showSignIn(v.user.Email, "").fail(v.s.errorText(err))
	default:
		say(v.problem, v.s.errorText(err))
	}
}

func (v *changeScreen) onCancel() { v.s.showAccount(v.user, "") }
