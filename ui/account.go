package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// accountScreen is what a signed-in person sees: who is signed in and Sign
// out at the top, their account and the change of their password; for an
// administrator, the administration, with the account as one of its
// sections.
type accountScreen struct {
	s    *session
	sc   *scope
	user app.User

	note     *widget.Label
	change   *button
	signOut  *button           // in the bar at the top
	admin    fyne.CanvasObject // nil for an employee
	adminScr *adminScreen      // the administration built for this screen, if any
	content  fyne.CanvasObject
}

func (s *session) showAccount(u app.User, note string) *accountScreen {
	v := s.newAccount(s.enter(), u, note)
	var first fyne.Focusable = v.change
	if v.adminScr != nil {
		first = v.adminScr.first()
	}
	s.show(v, v.content, first)
	return v
}

func (s *session) newAccount(sc *scope, u app.User, note string) *accountScreen {
	v := &accountScreen{s: s, sc: sc, user: u}
	v.note = notice(widget.SuccessImportance)
	v.change = s.newButton(lang.L("Change password"), widget.MediumImportance, v.onChange)
	changed := pastTime(u.PasswordChangedAt)
	parts := []fyne.CanvasObject{
		heading(lang.L("Your account")),
		v.note,
		info(lang.L("Name"), u.Name),
		info(lang.L("E-mail"), u.Email),
		info(lang.L("Role"), roleName(u.Role)),
		info(lang.L("Password last changed"), changed),
		container.NewHBox(v.change),
	}
	if !u.IsAdmin() {
		say(v.note, note)
		var bar fyne.CanvasObject
		bar, v.signOut = s.signedInBar(u, barTitle(lang.L("Sésame")))
		v.content = stacked(bar, page(parts...), nil)
		return v
	}
	// The administration shows the note above whichever section is on view.
	v.admin = s.adminView(s, sc, u, page(parts...), note)
	v.adminScr = s.admin
	if v.adminScr != nil {
		v.signOut = v.adminScr.signOut
	}
	v.content = v.admin
	return v
}

// signedInBar is the top of a signed-in window: what it is (left), who is
// signed in, and Sign out, which asks first when changes would be lost.
func (s *session) signedInBar(u app.User, left fyne.CanvasObject) (fyne.CanvasObject, *button) {
	who := widget.NewLabel(u.Name)
	who.Truncation = fyne.TextTruncateEllipsis // one line, whatever the width: the name is on the account page in full
	who.Alignment = fyne.TextAlignTrailing
	icon := widget.NewIcon(theme.AccountIcon())
	out := s.newButton(lang.L("Sign out"), widget.MediumImportance, s.onSignOut)
	out.Icon = theme.LogoutIcon()
	return container.NewVBox(container.NewBorder(nil, nil, left, container.NewHBox(icon, out), who), widget.NewSeparator()), out
}

// onSignOut is the Sign out button: it signs out, after asking when the
// administration holds changes not saved.
func (s *session) onSignOut() {
	out := func() { s.signOut(lang.L("You are signed out.")) }
	if a := s.admin; a != nil && a.sc.alive() {
		a.leaveAsking(out)
		return
	}
	out()
}

func (v *accountScreen) onChange() { v.s.showChange(v.user) }

// onCancel is Escape: the administration closes what it has open.
func (v *accountScreen) onCancel() {
	if v.adminScr != nil {
		v.adminScr.escape()
	}
}

// leave drops what the administration holds: passwords on view.
func (v *accountScreen) leave() {
	if v.adminScr == nil {
		return
	}
	v.adminScr.leave()
	if v.s.admin == v.adminScr {
		v.s.admin = nil
	}
}
