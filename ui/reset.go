package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// resetScreen is "Reset your password": after signing in with a temporary
// password, the person must choose their own before anything else. Nothing
// else is reachable from it: Cancel, Escape, closing the window or the idle
// time all sign out.
type resetScreen struct {
	s         *session
	user      app.User
	temporary string // the password signed in with, held until the reset is done

	form     *passwordForm
	problem  *widget.Label
	submit   *button
	cancel   *button
	activity *widget.Activity
	busy     bool
	ruleErr  error // the rules could not be read: nothing can be submitted
	content  fyne.CanvasObject
}

// showReset shows the reset for u, who signed in with temporary. The idle
// watch restarts: a half-open session left alone closes too.
func (s *session) showReset(u app.User, temporary string) *resetScreen {
	v := s.newReset(u, temporary)
	s.watchIdle()
	s.show(v, v.content, v.form.password)
	return v
}

func (s *session) newReset(u app.User, temporary string) *resetScreen {
	v := &resetScreen{s: s, user: u, temporary: temporary}
	v.problem = notice(widget.DangerImportance)
	policy, ctx, err := s.svc.PasswordRules(context.Background(), u.Email)
	if err != nil {
		v.ruleErr = err
		say(v.problem, s.errorText(err))
	}
	v.form = s.newPasswordForm(policy, ctx, v.onSubmit)
	v.submit = s.newButton(lang.L("Update"), widget.HighImportance, v.onSubmit)
	v.cancel = s.newButton(lang.L("Cancel and sign out"), widget.LowImportance, v.onCancel)
	v.form.onReady = func(bool) { enable(v.submit, v.ready()) }
	v.form.update()
	v.activity = newActivity()

	v.content = page(
		heading(lang.L("Reset your password")),
		paragraph(lang.L("You signed in as {{.Email}} with a temporary password. Choose a password of your own, one you will remember, before going on.",
			map[string]any{"Email": u.Email})),
		v.form.content,
		v.problem,
		v.submit,
		v.activity,
		v.cancel,
	)
	return v
}

func (v *resetScreen) setBusy(busy bool) {
	v.busy = busy
	showActivity(v.activity, busy)
	v.form.update()
}

func (v *resetScreen) ready() bool {
	return v.form.ready() && !v.busy && v.ruleErr == nil
}

func (v *resetScreen) onSubmit() {
	if !v.ready() {
		return
	}
	say(v.problem, "")
	email, temporary, next := v.user.Email, v.temporary, v.form.password.Text
	var (
		u   app.User
		err error
	)
	v.s.busy(v, v.setBusy, func() {
		u, err = v.s.svc.ChangePassword(context.Background(), email, temporary, next)
	}, func() { v.onResult(u, err) })
}

func (v *resetScreen) onResult(u app.User, err error) {
	switch app.CodeOf(err) {
	case "":
		v.s.sendMailNow() // the notice that the password changed
		v.s.signedIn(u, lang.L("Your password is set. Use it from now on."))
	case app.EPolicy:
		v.form.refuse(app.AsError(err).Reasons)
		v.s.win.Canvas().Focus(v.form.password)
	case app.EAuth, app.ELocked, app.EExpired, app.EDisabled, app.EConflict:
		// The temporary password no longer opens the account: start again.
		v.s.forget()
		v.s.showSignIn(v.user.Email, "").fail(v.s.errorText(err))
	default:
		say(v.problem, v.s.errorText(err))
	}
}

// leave drops the temporary password, whichever way the screen is left.
func (v *resetScreen) leave() { v.temporary = "" }

// onCancel leaves without a password of one's own: that signs out.
func (v *resetScreen) onCancel() {
	v.s.signOut(lang.L("Your password was not changed, so you were signed out. Sign in again with the temporary password to choose yours."))
}
