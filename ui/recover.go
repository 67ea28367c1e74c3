package ui

import (
	"context"

	"fyne.io/fyne/v2/lang"

	"sesame/app"
)

// showRecoverPassword is the choice of a new password once the recovery
// code is right, on the password page. The code is held until the
// password is set or the page is left, and spent only when the password is
// accepted; then the new password proves itself at the sign-in: the code
// alone never opens a session.
func (s *session) showRecoverPassword(email, code string) *passwordPage {
	sc := s.enter()
	return s.showPasswordPage(sc, passwordFlow{
		kind:  pageRecover,
		title: lang.L("Choose a new password"),
		intro: lang.L("The code is right. Choose a new password for {{.Email}}, one you will remember.",
			map[string]any{"Email": email}),
		submit: lang.L("Set the password"),
		back:   lang.L("Back"),
		user:   email,
		save: func(code, next string) func(context.Context) error {
			return func(ctx context.Context) error {
				_, err := s.svc.CompleteRecovery(ctx, email, code, next)
				return err
			}
		},
		saved: func() { s.showSignIn(email, lang.L("Your password is set: sign in with it.")) },
		failed: func(err error) bool {
			if app.CodeOf(err) != app.EAuth {
				return false
			}
			// The code ran out or was used meanwhile: ask for it again.
			s.showRecoveryCode(email).fail(s.errorText(err))
			return true
		},
		onBack: func() {
			// Back to the code, which stays valid.
			p, _ := s.screen.(*passwordPage)
			held := ""
			if p != nil {
				held = p.held
			}
			s.showRecoveryCode(email).code.SetText(held)
		},
		leaveText: lang.L("Your new password is not saved."),
		leaveYes:  lang.L("Leave without saving"),
	}, code)
}
