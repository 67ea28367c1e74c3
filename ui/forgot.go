package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// forgotScreen answers "Forgot password?". Where the administrator
// manages passwords, only an administrator can give a new one, and the
// screen names whom to ask. It says the same whatever e-mail was typed, so
// that it never tells whether an account exists; the recovery through a
// recovery e-mail, when it comes, goes in its own section here.
type forgotScreen struct {
	s     *session
	email string // as typed on the sign-in, given back to it

	advice  *widget.Label
	back    *button
	content fyne.CanvasObject
}

func (s *session) showForgot(email string) *forgotScreen {
	v := s.newForgot(email)
	s.show(v, v.content, v.back)
	return v
}

func (s *session) newForgot(email string) *forgotScreen {
	v := &forgotScreen{s: s, email: email}
	ctx := context.Background()
	st, err := s.svc.Settings(ctx)
	var admins []app.User
	if err == nil {
		admins, err = s.svc.Administrators(ctx)
	}
	if err != nil {
		v.advice = paragraph(s.errorText(err))
	} else {
		v.advice = paragraph(forgotAdvice(st, admins))
	}
	v.back = s.newButton(lang.L("Back to sign in"), widget.HighImportance, v.onCancel)
	v.content = page(
		heading(lang.L("Forgot your password?")),
		v.advice,
		v.back,
	)
	return v
}

// forgotAdvice says what to do about a forgotten password.
func forgotAdvice(st app.Settings, admins []app.User) string {
	var text string
	if st.AdminPasswordManagement {
		text = lang.L("You cannot choose a new password yourself: only an administrator can give you one. They will give you a temporary password, and you will choose your own when you sign in with it.")
	} else {
		text = lang.L("An administrator can help you get back into your account.")
	}
	if len(admins) == 0 {
		return text + "\n\n" + lang.L("Ask the person who looks after Sésame in your company.")
	}
	names := make([]string, len(admins))
	for i, a := range admins {
		names[i] = a.Name
	}
	return text + "\n\n" + lang.N("Ask your administrator: {{.Names}}.", len(names),
		map[string]any{"Names": strings.Join(names, ", ")})
}

// onCancel goes back to the sign-in, with the e-mail as it was typed.
func (v *forgotScreen) onCancel() { v.s.showSignIn(v.email, "") }
