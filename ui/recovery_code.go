package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// codeScreen asks for the recovery code sent by e-mail. What it says is
// the same whether or not a code was sent: whether the account exists, or
// has an address, is never told.
type codeScreen struct {
	s     *session
	sc    *scope
	email string

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
	v := s.newRecoveryCode(s.enter(), email)
	s.show(v, v.content, v.code)
	return v
}

func (s *session) newRecoveryCode(sc *scope, email string) *codeScreen {
	v := &codeScreen{s: s, sc: sc, email: email}
	sent := lang.L("If an account with a recovery e-mail exists for this e-mail, a code was sent to it; it is valid for {{.Lifetime}}. Otherwise only your administrator can give you a new password.",
		map[string]any{"Lifetime": lifetime(s.st.RecoveryCodeLifetime)})
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
		s.newAdminsNote(sc, sent).content,
		v.again,
		field(lang.L("Code received by e-mail"), v.code),
		v.problem,
		container.NewHBox(v.next, v.activity),
		v.resend,
		v.back,
	)
	return v
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
	email := v.email
	v.sc.busy(v.setBusy, func(ctx context.Context) {
		err = v.s.svc.VerifyRecoveryCode(ctx, email, code)
	}, func() {
		if err != nil {
			v.fail(v.s.errorText(err))
			return
		}
		v.s.showRecoverPassword(email, code)
	})
}

// onResend asks for another code; the last one sent is the one valid.
func (v *codeScreen) onResend() {
	if v.busy {
		return
	}
	var err error
	email := v.email
	v.sc.busy(v.setBusy, func(ctx context.Context) {
		err = v.s.svc.RequestRecovery(ctx, email)
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
