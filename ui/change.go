package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"sesame/app"
)

// showChange is the change of one's own password while signed in: the
// current one, then a new one on the password page. Cancel or Escape goes
// back to the account.
func (s *session) showChange(u app.User) *passwordPage {
	sc := s.enter()
	email := u.Email
	var p *passwordPage
	current := s.newPasswordEntry(lang.L("Current password"))
	current.OnChanged = func(string) {
		if p != nil {
			p.refresh()
		}
	}
	var user app.User
	p = s.showPasswordPage(sc, passwordFlow{
		kind:   pageChange,
		title:  lang.L("Change your password"),
		fields: []fyne.CanvasObject{field(lang.L("Current password"), current)},
		inputs: []*entry{current},
		first:  current,
		submit: lang.L("Update"),
		back:   lang.L("Cancel"),
		user:   email,
		ready:  func() bool { return current.Text != "" },
		save: func(_, next string) func(context.Context) error {
			cur := current.Text
			return func(ctx context.Context) error {
				var err error
				user, err = s.svc.ChangePassword(ctx, email, cur, next)
				return err
			}
		},
		saved: func() {
			s.user = &user
			s.showAccount(user, lang.L("Your password was changed."))
		},
		failed: func(err error) bool {
			switch app.CodeOf(err) {
			case app.EAuth:
				say(p.problem, lang.L("The current password is wrong."))
				current.wipe()
				s.win.Canvas().Focus(current)
			case app.EDisabled, app.EExpired:
				// The account can no longer be used: the session ends.
				s.forget()
				s.showSignIn(email, "").fail(s.errorText(err))
			default:
				return false
			}
			return true
		},
		onBack:    func() { s.showAccount(*s.user, "") },
		leaveText: lang.L("Your new password is not saved."),
		leaveYes:  lang.L("Leave without saving"),
	}, "")
	current.OnSubmitted = func(string) { s.win.Canvas().Focus(p.form.password) }
	return p
}
