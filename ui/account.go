package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// accountScreen is what a signed-in person sees: their account, the change
// of their password, Sign out; for an administrator, the administration,
// with the account as one of its sections.
type accountScreen struct {
	s    *session
	user app.User

	note     *widget.Label
	name     *widget.RichText
	email    *widget.RichText
	role     *widget.RichText
	changed  *widget.RichText
	change   *button
	signOut  *button
	admin    fyne.CanvasObject // nil for an employee
	adminScr *adminScreen      // the administration built for this screen, if any
	content  fyne.CanvasObject
}

func (s *session) showAccount(u app.User, note string) *accountScreen {
	v := s.newAccount(u, note)
	var first fyne.Focusable = v.change
	if v.adminScr != nil {
		first = v.adminScr.first()
	}
	s.show(v, v.content, first)
	return v
}

func (s *session) newAccount(u app.User, note string) *accountScreen {
	v := &accountScreen{s: s, user: u}
	v.note = notice(widget.SuccessImportance)
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
	if !u.IsAdmin() {
		say(v.note, note)
		v.content = page(parts...)
		return v
	}
	// The administration shows the note above whichever section is on view.
	v.admin = s.adminView(s, u, page(parts...), note)
	v.adminScr = s.admin
	v.content = v.admin
	return v
}

func (v *accountScreen) onChange() { v.s.showChange(v.user) }

func (v *accountScreen) onSignOut() { v.s.signOut(lang.L("You are signed out.")) }

// onCancel is Escape: the administration closes what it has open.
func (v *accountScreen) onCancel() {
	if v.adminScr != nil {
		v.adminScr.escape()
	}
}

// leave drops what the administration holds: passwords on view, timers,
// searches under way.
func (v *accountScreen) leave() {
	if v.adminScr == nil {
		return
	}
	v.adminScr.leave()
	if v.s.admin == v.adminScr {
		v.s.admin = nil
	}
}

// roleName names a role for a person.
func roleName(r app.Role) string {
	if r == app.RoleAdmin {
		return lang.L("Administrator")
	}
	return lang.L("Employee")
}
