package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// section is one part of the administration.
type section int

const (
	sectionUsers section = iota
	sectionSettings
	sectionAudit
	sectionMail
	sectionAccount
)

// adminScreen is the administration, as the seed names it: Administration
// → Users, Settings, Audit log, E-mail (the outbox), and the
// administrator's own account. A bar
// of buttons at the top chooses the section on view; the sections other
// than Users are built when first shown.
type adminScreen struct {
	s     *session
	user  app.User
	actor app.Actor

	note     *widget.Label // what the session has to say (a password just set)
	nav      []*button     // one per section
	current  section
	users    *usersView
	settings *settingsView // nil until shown
	audit    *auditView    // nil until shown
	mail     *mailView     // nil until shown
	account  fyne.CanvasObject
	body     *fyne.Container
	content  fyne.CanvasObject
}

// findShortcut is Ctrl+F (Cmd+F on macOS): the search of users.
var findShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}

// administration is the session's adminView: the administration of u, with
// their account page as its last section and note said above it.
func administration(s *session, u app.User, account fyne.CanvasObject, note string) fyne.CanvasObject {
	return s.newAdmin(u, account, note).content
}

func (s *session) newAdmin(u app.User, account fyne.CanvasObject, note string) *adminScreen {
	a := &adminScreen{s: s, user: u, actor: app.UserActor(u), account: account}
	s.admin = a
	a.note = notice(widget.SuccessImportance)
	say(a.note, note)
	titles := []struct {
		text string
		icon fyne.Resource
	}{
		{lang.L("Users"), theme.AccountIcon()},
		{lang.L("Settings"), theme.SettingsIcon()},
		{lang.L("Audit log"), theme.ListIcon()},
		{lang.L("E-mails"), theme.MailComposeIcon()},
		{lang.L("Your account"), theme.HomeIcon()},
	}
	for i, t := range titles {
		b := s.newButton(t.text, widget.LowImportance, func() { a.show(section(i)) })
		b.Icon = t.icon
		a.nav = append(a.nav, b)
	}
	a.users = s.newUsers(a)
	a.body = container.NewStack(a.users.content)

	title := widget.NewLabel(lang.L("Administration"))
	title.TextStyle.Bold = true
	bar := container.NewHBox(title, a.nav[0], a.nav[1], a.nav[2], a.nav[3], widget.NewSeparator(), a.nav[4])
	top := container.NewVBox(container.NewHScroll(bar), widget.NewSeparator(), a.note)
	a.content = stacked(top, a.body, nil)
	a.choose(sectionUsers)
	s.win.Canvas().AddShortcut(findShortcut, func(fyne.Shortcut) { a.onFind() })
	return a
}

// sectionObject returns a section's content, building it the first time.
func (a *adminScreen) sectionObject(sc section) fyne.CanvasObject {
	switch sc {
	case sectionSettings:
		if a.settings == nil {
			a.settings = a.s.newSettingsView(a)
		}
		return a.settings.content
	case sectionAudit:
		if a.audit == nil {
			a.audit = a.s.newAuditView(a)
		}
		return a.audit.content
	case sectionMail:
		if a.mail == nil {
			a.mail = a.s.newMailView(a)
		}
		return a.mail.content
	case sectionAccount:
		return a.account
	}
	return a.users.content
}

// show puts a section on view, with the focus in it.
func (a *adminScreen) show(sc section) {
	a.choose(sc)
	if f := a.first(); f != nil {
		a.s.win.Canvas().Focus(f)
	}
}

// choose puts a section on view.
func (a *adminScreen) choose(sc section) {
	for i, b := range a.nav {
		if section(i) == sc {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
	if a.current != sc {
		a.hush()
	}
	a.current = sc
	a.body.Objects = []fyne.CanvasObject{a.sectionObject(sc)}
	a.body.Refresh()
	switch sc {
	case sectionSettings:
		a.settings.load()
	case sectionAudit:
		a.audit.reload()
	case sectionMail:
		a.mail.load()
	}
}

// first is where the focus goes in the section on view.
func (a *adminScreen) first() fyne.Focusable {
	switch a.current {
	case sectionSettings:
		return a.settings.first()
	case sectionAudit:
		return a.audit.who
	case sectionMail:
		return a.mail.first()
	case sectionAccount:
		return a.nav[sectionAccount]
	}
	return a.users.first()
}

// onFind is Ctrl+F: to the search of users, its text selected so that
// typing replaces it.
func (a *adminScreen) onFind() {
	if a.current != sectionUsers {
		a.show(sectionUsers)
	}
	a.s.win.Canvas().Focus(a.users.search)
	a.users.search.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// hush drops the note once the administrator is at work, and gives its
// room back.
func (a *adminScreen) hush() {
	if a.note.Visible() {
		say(a.note, "")
		a.content.Refresh()
	}
}

// escape is the Escape key.
func (a *adminScreen) escape() {
	if a.current == sectionUsers {
		a.users.escape()
	}
}

// settingsChanged tells the sections that the company's settings changed.
func (a *adminScreen) settingsChanged() { a.users.settingsChanged() }

// leave drops what the sections hold.
func (a *adminScreen) leave() {
	a.s.win.Canvas().RemoveShortcut(findShortcut)
	a.users.leave()
	if a.audit != nil {
		a.audit.leave()
	}
	if a.settings != nil {
		a.settings.leave()
	}
}
