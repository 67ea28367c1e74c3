package ui

import (
	"context"
	"time"

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
// → Users, Settings, Audit log, E-mails (the outbox), and the
// administrator's own account. At the top, who is signed in and Sign out;
// below, the sections: a bar of buttons where the window is wide enough,
// a list to choose from where it is not (as on a telephone). The sections
// other than Users are built when first shown, and keep what they show
// while another is on view.
type adminScreen struct {
	s     *session
	sc    *scope
	user  app.User
	actor app.Actor

	note     *widget.Label // what the session has to say (a password just set)
	link     *widget.Label // whether the database can be reached, when it matters
	linkNote debounce      // hides the note that the database is back
	signOut  *button
	nav      []*button       // one per section
	navBar   *fyne.Container // of nav, where there is room
	navList  *choice         // the same, narrow
	current  section
	users    *usersView
	settings *settingsView // nil until shown
	audit    *auditView    // nil until shown
	mail     *mailView     // nil until shown
	account  fyne.CanvasObject
	body     *fyne.Container
	content  fyne.CanvasObject
	live     *live // the changes of every workstation

	kioskNote  *widget.Label // that the workstation is a kiosk; nil when it is not
	leaveKiosk *button       // ends the kiosk mode
}

// findShortcut is Ctrl+F (Cmd+F on macOS): the search of users.
var findShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}

// saveShortcut is Ctrl+S (Cmd+S): Update on the card, Save on the settings.
var saveShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}

// administration is the session's adminView: the administration of u in
// sc, with their account page as its last section and note said above it.
func administration(s *session, sc *scope, u app.User, account fyne.CanvasObject, note string) fyne.CanvasObject {
	return s.newAdmin(sc, u, account, note).content
}

func (s *session) newAdmin(sc *scope, u app.User, account fyne.CanvasObject, note string) *adminScreen {
	a := &adminScreen{s: s, sc: sc, user: u, actor: app.UserActor(u), account: account}
	s.admin = a
	a.note = notice(widget.SuccessImportance)
	say(a.note, note)
	a.link = notice(widget.DangerImportance)
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
	names := make([]string, len(titles))
	for i, t := range titles {
		b := s.newButton(t.text, widget.LowImportance, func() { a.show(section(i)) })
		b.Icon = t.icon
		a.nav = append(a.nav, b)
		names[i] = t.text
	}
	a.navList = s.newChoice(names, nil)
	a.navList.SetSelectedIndex(0)
	a.navList.OnChanged = func(string) {
		if sc := section(a.navList.SelectedIndex()); sc != a.current {
			a.show(sc)
		}
	}
	a.users = s.newUsers(sc.child(), a)
	a.body = container.NewStack(a.users.content)

	title := widget.NewLabel(lang.L("Administration"))
	title.TextStyle.Bold = true
	a.navBar = container.NewHBox(a.nav[0], a.nav[1], a.nav[2], a.nav[3], a.nav[4])
	nav := container.New(either{}, a.navBar, a.navList)
	var bar fyne.CanvasObject
	bar, a.signOut = s.signedInBar(u, title)
	top := container.NewVBox(bar, nav, widget.NewSeparator(), a.link, a.note)
	if k := a.kioskBar(); k != nil {
		top.Add(k)
	}
	a.content = stacked(top, a.body, nil)
	a.choose(sectionUsers)
	s.win.Canvas().AddShortcut(findShortcut, func(fyne.Shortcut) { a.onFind() })
	s.win.Canvas().AddShortcut(saveShortcut, func(fyne.Shortcut) { a.onSave() })
	a.live = s.follow(sc, a.onStoreEvent)
	return a
}

// backShown is how long the note that the database is back stays.
const backShown = 10 * time.Second

// onStoreEvent brings what the administration shows up to date with what
// was changed, on any workstation, and says when the database is lost and
// when it is back. What is on view stays while the database is lost.
// checkSelf reads the signed-in administrator again after a change to the
// users: one demoted or disabled elsewhere (another workstation, the
// command line) is signed out at once, rather than at their next Update.
func (a *adminScreen) checkSelf() {
	me := a.s.user
	if me == nil {
		return
	}
	var (
		u   app.User
		err error
	)
	email, svc := me.Email, a.s.svc
	a.sc.do(func(ctx context.Context) { u, err = svc.User(ctx, email) }, func() {
		var note string
		switch {
		case err != nil && app.CodeOf(err) != app.ENotFound:
			return // the database cannot be read: the link's note says so
		case err != nil || u.Disabled:
			note = lang.L("Your account was disabled: your session has ended.")
		case !u.IsAdmin():
			note = lang.L("You are no longer an administrator: your session has ended.")
		default:
			return
		}
		if p := a.users.panel; p != nil && p.dirty() {
			// Whatever it held is lost: say what to do about it.
			note += "\n" + lang.L("What the open panel held was lost: new temporary passwords not copied or saved must be given again (reset those users).")
		}
		a.s.signOut(note)
	})
}

func (a *adminScreen) onStoreEvent(e app.StoreEvent) {
	switch {
	case e.Lost:
		a.linkNote.cancel()
		a.link.Importance = widget.DangerImportance
		say(a.link, lang.L("The database cannot be reached: what you see may be out of date, and nothing can be saved. Sésame connects again by itself."))
	case e.Back:
		a.link.Importance = widget.SuccessImportance
		say(a.link, lang.L("The database can be reached again: what you see is up to date."))
		a.linkNote.after(a.sc, backShown, func() { say(a.link, "") })
	}
	if e.Changed&app.ChangedSettings != 0 {
		a.s.readSettings(a.sc, func(st app.Settings, err error) {
			if err == nil && a.settings != nil {
				a.settings.changedElsewhere(st)
			}
		})
	}
	switch {
	case e.Changed&app.ChangedUsers != 0:
		a.checkSelf()
		a.users.reload()
	case e.Changed&app.ChangedSettings != 0:
		a.users.checkCard()
	}
	if e.Changed&app.ChangedMail != 0 && a.current == sectionMail {
		a.mail.load()
	}
}

// sectionObject returns a section's content, building it the first time.
func (a *adminScreen) sectionObject(sc section) fyne.CanvasObject {
	switch sc {
	case sectionSettings:
		if a.settings == nil {
			a.settings = a.s.newSettingsView(a.sc.child(), a)
		}
		return a.settings.content
	case sectionAudit:
		if a.audit == nil {
			a.audit = a.s.newAuditView(a.sc.child(), a)
		}
		return a.audit.content
	case sectionMail:
		if a.mail == nil {
			a.mail = a.s.newMailView(a.sc.child(), a)
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
	if a.navList.SelectedIndex() != int(sc) {
		a.navList.SetSelectedIndex(int(sc))
	}
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

// onSave is Ctrl+S: the save of the section on view.
func (a *adminScreen) onSave() {
	switch a.current {
	case sectionUsers:
		if c, ok := a.users.panel.(*cardView); ok {
			c.onUpdate()
		}
	case sectionSettings:
		a.settings.onSave()
	}
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

// leaveAsking goes on with then, after asking when a section holds changes
// that would be lost: the card of a user, the settings.
func (a *adminScreen) leaveAsking(then func()) {
	switch {
	case a.users.panel != nil && a.users.panel.dirty():
		a.show(sectionUsers)
		a.users.leavePanel(then)
	case a.settings != nil && a.settings.dirty():
		a.show(sectionSettings)
		a.settings.ask(then)
	default:
		then()
	}
}

// settingsChanged tells the sections that the company's settings changed.
func (a *adminScreen) settingsChanged() { a.users.checkCard() }

// leave drops what the sections hold.
func (a *adminScreen) leave() {
	a.s.win.Canvas().RemoveShortcut(findShortcut)
	a.s.win.Canvas().RemoveShortcut(saveShortcut)
	a.users.leave()
	if a.settings != nil {
		a.settings.leave()
	}
}
