package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// accountScreen is what a signed-in person sees: their account, the change
// of their password, Sign out; and for an administrator, the
// administration below.
type accountScreen struct {
	s    *session
	user app.User

	note    *widget.Label
	name    *widget.RichText
	email   *widget.RichText
	role    *widget.RichText
	changed *widget.RichText
	change  *button
	signOut *button
	admin   fyne.CanvasObject // nil for an employee
	content fyne.CanvasObject
}

func (s *session) showAccount(u app.User, note string) *accountScreen {
	v := s.newAccount(u, note)
	s.show(v, v.content, v.change)
	return v
}

func (s *session) newAccount(u app.User, note string) *accountScreen {
	v := &accountScreen{s: s, user: u}
	v.note = notice(widget.SuccessImportance)
	say(v.note, note)
	v.name = info(lang.L("Name"), u.Name)
	v.email = info(lang.L("E-mail"), u.Email)
	v.role = info(lang.L("Role"), roleName(u.Role))
	changed := lang.L("Never")
	if !u.PasswordChangedAt.IsZero() {
		changed = dateTime(u.PasswordChangedAt)
	}
	v.changed = info(lang.L("Password last changed"), changed)
	v.change = s.newButton(lang.L("Change password"), widget.MediumImportance, v.onChange)
	v.signOut = s.newButton(lang.L("Sign out"), widget.HighImportance, v.onSignOut)

	parts := []fyne.CanvasObject{
		heading(lang.L("Your account")),
		v.note,
		v.name,
		v.email,
		v.role,
		v.changed,
		v.change,
		v.signOut,
	}
	if u.IsAdmin() {
		v.admin = s.adminView(s, u)
		parts = append(parts, widget.NewSeparator(), v.admin)
	}
	v.content = page(parts...)
	return v
}

func (v *accountScreen) onChange() { v.s.showChange(v.user) }

func (v *accountScreen) onSignOut() { v.s.signOut(lang.L("You are signed out.")) }

// roleName names a role for a person.
func roleName(r app.Role) string {
	if r == app.RoleAdmin {
		return lang.L("Administrator")
	}
	return lang.L("Employee")
}

// adminPlaceholder stands where the administration screen will be: the
// session's adminView builds the administration of a signed-in
// administrator.
func adminPlaceholder(s *session, _ app.User) fyne.CanvasObject {
	parts := []fyne.CanvasObject{
		heading(lang.L("Administration")),
		paragraph(lang.L("The administration of users and settings is not in this window yet. Meanwhile, use the command line (sesame help).")),
	}
	if s.opts.DatabasePath != "" {
		parts = append(parts, info(lang.L("Database"), s.opts.DatabasePath))
	}
	return container.NewVBox(parts...)
}
