package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// codeScreen asks for the recovery code sent by e-mail. What it says is
// the same whether or not a code was sent: whether the account exists, or
// has an address, is never told.
type codeScreen struct {
	s     *session
	email string

	sent     *widget.Label // the answer to "Send me a code"
	again    *widget.Label // said after "Send a new code"
	code     *entry
	problem  *widget.Label
	next     *button
	resend   *button
	back     *button
	activity *widget.Activity
	busy     bool
	content  fyne.CanvasObject
}

// showRecoveryCode shows the code's step for email.
func (s *session) showRecoveryCode(email string) *codeScreen {
	v := s.newRecoveryCode(email)
	s.show(v, v.content, v.code)
	return v
}

func (s *session) newRecoveryCode(email string) *codeScreen {
	v := &codeScreen{s: s, email: email}
	ctx := context.Background()
	st, err := s.svc.Settings(ctx)
	if err != nil {
		st = app.DefaultSettings()
	}
	admins, total, _ := s.svc.Administrators(ctx, maxNamed)
	v.sent = paragraph(sentText(st, admins, total))
	v.again = notice(widget.SuccessImportance)
	v.code = s.newEntry(lang.L("1234 5678"))
	v.code.OnSubmitted = func(string) { v.onNext() }
	v.problem = notice(widget.DangerImportance)
	v.next = s.newButton(lang.L("Continue"), widget.HighImportance, v.onNext)
	v.resend = s.newButton(lang.L("Send a new code"), widget.MediumImportance, v.onResend)
	v.back = s.newButton(lang.L("Back"), widget.LowImportance, v.onCancel)
	v.activity = newActivity()
	v.content = page(
		heading(lang.L("Enter the code")),
		info(lang.L("E-mail"), email),
		v.sent,
		v.again,
		field(lang.L("Code received by e-mail"), v.code),
		v.problem,
		v.next,
		v.activity,
		v.resend,
		v.back,
	)
	return v
}

// sentText is the answer to a request for a code, the same for any e-mail.
func sentText(st app.Settings, admins []app.User, total int) string {
	return lang.L("If an account with a recovery e-mail exists for this e-mail, a code was sent to it; it is valid for {{.Lifetime}}. Otherwise only your administrator can give you a new password.",
		map[string]any{"Lifetime": lifetime(st.RecoveryCodeLifetime)}) + " " + askAdministrators(admins, total)
}

func (v *codeScreen) setBusy(busy bool) {
	v.busy = busy
	enable(v.next, !busy)
	enable(v.resend, !busy)
	showActivity(v.activity, busy)
}

// fail says why the code was not taken, and selects it to be typed again.
func (v *codeScreen) fail(text string) {
	say(v.again, "")
	say(v.problem, text)
	v.s.win.Canvas().Focus(v.code)
	v.code.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// onNext checks the code, which is not spent yet: the new password
// spends it.
func (v *codeScreen) onNext() {
	if v.busy {
		return
	}
	code := strings.TrimSpace(v.code.Text)
	if code == "" {
		v.fail(lang.L("Enter the code you received."))
		return
	}
	var err error
	v.s.busy(v, v.setBusy, func() {
		err = v.s.svc.VerifyRecoveryCode(context.Background(), v.email, code)
	}, func() {
		if err != nil {
			v.fail(v.s.errorText(err))
			return
		}
		v.s.showRecoverPassword(v.email, code)
	})
}

// onResend asks for another code; the last one sent is the one valid.
func (v *codeScreen) onResend() {
	if v.busy {
		return
	}
	var err error
	v.s.busy(v, v.setBusy, func() {
		err = v.s.svc.RequestRecovery(context.Background(), v.email)
		v.s.sendMailNow() // even for an unknown e-mail, so that nothing tells them apart
	}, func() {
		if err != nil {
			v.fail(v.s.errorText(err))
			return
		}
		say(v.problem, "")
		v.code.SetText("")
		say(v.again, lang.L("If a code could be sent, a new one is on its way: only the newest code is valid. One code a minute at most can be sent."))
		v.s.win.Canvas().Focus(v.code)
	})
}

// onCancel goes back to the request of a code.
func (v *codeScreen) onCancel() { v.s.showForgot(v.email) }

// recoverScreen is the choice of a new password once the code is right,
// with the same live feedback as the enforced reset. The code is spent
// only when the password is accepted.
type recoverScreen struct {
	s     *session
	email string
	code  string // held until the password is set or the screen is left

	form     *passwordForm
	problem  *widget.Label
	submit   *button
	back     *button
	activity *widget.Activity
	busy     bool
	ruleErr  error
	content  fyne.CanvasObject
}

func (s *session) showRecoverPassword(email, code string) *recoverScreen {
	v := s.newRecoverPassword(email, code)
	s.show(v, v.content, v.form.password)
	return v
}

func (s *session) newRecoverPassword(email, code string) *recoverScreen {
	v := &recoverScreen{s: s, email: email, code: code}
	v.problem = notice(widget.DangerImportance)
	policy, ctx, err := s.svc.PasswordRules(context.Background(), email)
	if err != nil {
		v.ruleErr = err
		say(v.problem, s.errorText(err))
	}
	v.form = s.newPasswordForm(policy, ctx, v.onSubmit)
	v.submit = s.newButton(lang.L("Set the password"), widget.HighImportance, v.onSubmit)
	v.back = s.newButton(lang.L("Back"), widget.LowImportance, v.onCancel)
	v.form.onReady = func(bool) { enable(v.submit, v.ready()) }
	v.form.update()
	v.activity = newActivity()
	v.content = page(
		heading(lang.L("Choose a new password")),
		paragraph(lang.L("The code is right. Choose a new password for {{.Email}}, one you will remember.",
			map[string]any{"Email": email})),
		v.form.content,
		v.problem,
		v.submit,
		v.activity,
		v.back,
	)
	return v
}

func (v *recoverScreen) ready() bool {
	return v.form.ready() && !v.busy && v.ruleErr == nil
}

func (v *recoverScreen) setBusy(busy bool) {
	v.busy = busy
	showActivity(v.activity, busy)
	v.form.update()
}

func (v *recoverScreen) onSubmit() {
	if !v.ready() {
		return
	}
	say(v.problem, "")
	email, code, next := v.email, v.code, v.form.password.Text
	var err error
	v.s.busy(v, v.setBusy, func() {
		_, err = v.s.svc.CompleteRecovery(context.Background(), email, code, next)
		if err == nil {
			v.s.sendMailNow() // the notice that the password changed
		}
	}, func() { v.onResult(err) })
}

// onResult takes the person to the sign-in, where the new password proves
// itself; the code alone never opens a session.
func (v *recoverScreen) onResult(err error) {
	switch app.CodeOf(err) {
	case "":
		v.s.showSignIn(v.email, lang.L("Your password is set: sign in with it."))
	case app.EPolicy:
		v.form.refuse(app.AsError(err).Reasons)
		v.s.win.Canvas().Focus(v.form.password)
	case app.EAuth:
		// The code ran out or was used meanwhile: ask for it again.
		v.s.showRecoveryCode(v.email).fail(v.s.errorText(err))
	default:
		say(v.problem, v.s.errorText(err))
	}
}

// leave drops the code, whichever way the screen is left.
func (v *recoverScreen) leave() { v.code = "" }

// onCancel goes back to the code, which stays valid.
func (v *recoverScreen) onCancel() {
	code := v.code
	c := v.s.showRecoveryCode(v.email)
	c.code.SetText(code)
}
