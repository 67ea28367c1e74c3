package ui

import (
	"context"

	"fyne.io/fyne/v2/lang"

	"sesame/app"
)

// showReset is "Reset your password": after signing in with a temporary
// password, the person must choose their own before anything else. Nothing
// else is reachable from it: Cancel, Escape (once asked), closing the
// window or the idle time all sign out. The temporary password is held
// until the reset is done or the page is left.
func (s *session) showReset(u app.User, temporary string) *passwordPage {
	sc := s.enter()
	email := u.Email
	var user app.User
	p := s.showPasswordPage(sc, passwordFlow{
		kind:  pageReset,
		title: lang.L("Reset your password"),
		intro: lang.L("You signed in as {{.Email}} with a temporary password. Choose a password of your own, one you will remember, before going on.",
			map[string]any{"Email": email}),
		submit: lang.L("Update"),
		back:   lang.L("Cancel and sign out"),
		user:   email,
		save: func(temporary, next string) func(context.Context) error {
			return func(ctx context.Context) error {
				var err error
				user, err = s.svc.ChangePassword(ctx, email, temporary, next)
				return err
			}
		},
		saved: func() { s.signedIn(user, lang.L("Your password is set. Use it from now on.")) },
		failed: func(err error) bool {
			switch app.CodeOf(err) {
			case app.EAuth, app.ELocked, app.EExpired, app.EDisabled, app.EConflict:
				// The temporary password no longer opens the account: start again.
				s.forget()
				s.showSignIn(email, "").fail(s.errorText(err))
				return true
			}
			return false
		},
		onBack: func() {
			s.signOut(lang.L("Your password was not changed, so you were signed out. Sign in again with the temporary password to choose yours."))
		},
		leaveText: lang.L("Your new password is not saved. Signing out leaves the temporary password as it is."),
		leaveYes:  lang.L("Sign out"),
	}, temporary)
	s.watchIdle() // a half-open session left alone closes too
	return p
}
