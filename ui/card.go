package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// cardView is a user's card (the seed's "fiche d'information"): identity,
// role, disabled, the status of the password in words, and the section
// Others where the company's option allows it: the recovery e-mail and a
// new temporary password, generated or typed. Nothing is saved before
// Update (or Enter in a field, or Ctrl+S), which saves the whole card in
// one transaction; leaving the card with changes asks first.
type cardView struct {
	s     *session
	sc    *scope // the card's: closing it drops what it waits for
	u     *usersView
	card  app.UserCard // as last read from the store
	user  app.User
	shown string // the status it says (statusText)

	closeBtn  *button
	title     *widget.Label
	status    *widget.Label
	result    *widget.Label // what Update did
	problem   *widget.Label // why it did not
	elsewhere *widget.Label // the user was changed elsewhere since the card was read
	newer     *app.UserCard // the card as stored now, when newer than the one on view
	name      *entry
	nameIssue *widget.Label
	role      *choice
	noMailbox *check
	disabled  *check
	guard     *widget.Label // why the role or disabled cannot change
	unlock    *check

	others        *fyne.Container // hidden while the company's option is off
	recovery      *entry
	recoveryIssue *widget.Label
	generate      *button
	typeOwn       *button
	secret        *secretView
	custom        *entry
	customReasons *widget.Label
	customBox     *fyne.Container
	send          *check        // send the new password to the recovery e-mail on Update
	sendWhy       *widget.Label // why it cannot be sent

	update   *button
	activity *widget.Activity
	scroll   fyne.CanvasObject

	question *question // about unsaved changes, or stepping down

	built      bool // the card is built: its fields' callbacks may run
	busy       bool
	generating latest // a password being generated
	assessing  latest // the check of the custom password on view
	customOK   bool   // the policy accepts the custom password on view
	content    fyne.CanvasObject
}

// openCard reads what the card of user needs (the user again, fresh, the
// settings, what may not change) and opens it beside row, saying note.
func (u *usersView) openCard(user app.User, row int, note string) {
	var (
		card app.UserCard
		err  error
	)
	email, svc, actor := user.Email, u.s.svc, u.admin.actor
	u.opening.do(u.sc, func(ctx context.Context) {
		card, err = svc.UserCard(ctx, actor, email)
	}, func() {
		if err != nil {
			u.count.Importance = widget.DangerImportance
			u.count.SetText(u.s.errorText(err))
			return
		}
		c := u.s.newCard(u.newPanelScope(), u, card)
		say(c.result, note)
		u.openPanel(c, row)
	})
}

func (s *session) newCard(sc *scope, u *usersView, card app.UserCard) *cardView {
	user := card.User
	c := &cardView{s: s, sc: sc, u: u, card: card, user: user}
	now := s.svc.Now()

	c.closeBtn = s.newButton(lang.L("Close"), widget.LowImportance, u.onPanelClosed)
	c.closeBtn.Icon = theme.CancelIcon()
	c.title = heading(user.Name)
	c.status = paragraph("")
	c.result = notice(widget.SuccessImportance)
	c.problem = notice(widget.DangerImportance)
	c.elsewhere = notice(widget.WarningImportance)

	c.name = s.newEntry(lang.L("First and last name"))
	c.name.SetText(user.Name)
	c.name.OnChanged = func(string) { c.onChanged() }
	c.name.OnSubmitted = func(string) { c.onUpdate() }
	c.nameIssue = notice(widget.DangerImportance)
	c.role = s.newChoice(roleNames(), func(string) { c.onChanged() })
	c.role.SetSelected(roleName(user.Role))
	c.noMailbox = s.newCheck("", func(bool) { c.onChanged() })
	c.noMailbox.SetChecked(!user.HasMailbox)
	c.disabled = s.newCheck("", func(bool) { c.onChanged() })
	c.disabled.SetChecked(user.Disabled)
	c.guard = notice(widget.WarningImportance)
	var guards []string
	if card.KeepRole != nil {
		c.role.Disable()
		guards = append(guards, errorText(card.KeepRole))
	}
	if card.KeepEnabled != nil && !user.Disabled {
		c.disabled.Disable()
		if card.KeepRole == nil || card.KeepEnabled.Message.Text != card.KeepRole.Message.Text {
			guards = append(guards, errorText(card.KeepEnabled))
		}
	}
	say(c.guard, strings.Join(guards, "\n"))
	c.unlock = s.newCheck("", func(bool) { c.onChanged() })
	unlock := checkRow(c.unlock, lang.L("Unlock the account (locked until {{.Time}})",
		map[string]any{"Time": dateTime(user.LockedUntil)}))
	if !user.Locked(now) {
		unlock.Hide()
	}

	c.buildOthers()
	c.update = s.newButton(lang.L("Update"), widget.HighImportance, c.onUpdate)
	c.activity = newActivity()
	c.question = s.newQuestion(lang.L("Keep editing"))

	dates := paragraph(lang.L("Last sign-in: {{.SignIn}} · Password changed: {{.Changed}}",
		map[string]any{"SignIn": pastTime(user.LastSignInAt), "Changed": pastTime(user.PasswordChangedAt)}))
	dates.SizeName = theme.SizeNameCaptionText
	body := container.NewVBox(
		paragraph(loginText(user)),
		c.status,
		dates,
		field(lang.L("Name"), c.name),
		c.nameIssue,
		field(lang.L("Role"), c.role),
		checkRow(c.noMailbox, lang.L("No mailbox behind this address (a login only)")),
		checkRow(c.disabled, lang.L("Disabled: cannot sign in")),
		c.guard,
		unlock,
		c.others,
	)
	header := container.NewBorder(nil, nil, nil, c.closeBtn, c.title)
	footer := container.NewVBox(widget.NewSeparator(), c.problem, c.result, buttons(c.update, c.activity))
	c.scroll = vscroll(container.NewPadded(body))
	c.content = stacked(container.NewVBox(header, c.elsewhere, c.question.box), c.scroll, footer)
	c.built = true
	c.showStatus()
	c.refresh()
	return c
}

// buildOthers builds the section Password and recovery: the recovery e-mail and the
// temporary password, shown only where the company's option is on.
func (c *cardView) buildOthers() {
	s, st, user := c.s, c.card.Settings, c.user
	c.recovery = s.newEmailEntry(lang.L("name@example.com"))
	c.recovery.SetText(user.RecoveryEmail)
	c.recovery.OnChanged = func(string) { c.onChanged() }
	c.recovery.OnSubmitted = func(string) { c.onUpdate() }
	c.recoveryIssue = notice(widget.DangerImportance)

	c.generate = s.newButton(lang.L("Generate a new password"), widget.MediumImportance, c.onGenerate)
	c.generate.Icon = theme.ViewRefreshIcon()
	c.typeOwn = s.newButton(lang.L("Type a password instead"), widget.MediumImportance, c.onTypeOwn)
	c.secret = s.newSecretView(c.sc, st.ClipboardClear)
	c.custom = s.newSecretEntry(lang.L("Temporary password"))
	c.custom.OnChanged = c.onCustomChanged
	c.custom.OnSubmitted = func(string) { c.onUpdate() }
	c.customReasons = notice(widget.DangerImportance)
	c.customBox = container.NewVBox(field(lang.L("Temporary password of your choice"), c.custom), c.customReasons)
	c.customBox.Hide()
	c.send = s.newCheck("", func(bool) { c.onChanged() })
	c.sendWhy = notice(widget.MediumImportance)
	c.sendWhy.SizeName = theme.SizeNameCaptionText
	buttons := container.NewVBox(c.generate)
	if st.CustomTemporaryAllowed {
		buttons.Add(c.typeOwn)
	}
	data := map[string]any{"Name": user.Name, "Lifetime": lifetime(st.TemporaryLifetime)}
	c.others = container.NewVBox(
		widget.NewSeparator(),
		subheading(lang.L("Password and recovery")),
		field(lang.L("Recovery e-mail"), c.recovery),
		c.recoveryIssue,
		paragraph(lang.L("A secondary address that belongs to {{.Name}}: a forgotten password can then be recovered securely through it.", data)),
		subheading(lang.L("Temporary password")),
		paragraph(lang.L("After Update, {{.Name}} signs in with it and must at once choose a password of their own. It is valid for {{.Lifetime}}, and it unlocks the account.", data)),
		buttons,
		c.secret.content,
		c.customBox,
		checkRow(c.send, lang.L("Send it to the recovery e-mail on Update")),
		c.sendWhy,
	)
	if !st.AdminPasswordManagement {
		c.others.Hide()
	}
}

// subheading is the title of a part of a screen.
func subheading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameSubHeadingText
	l.TextStyle.Bold = true
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (c *cardView) object() fyne.CanvasObject { return c.content }

func (c *cardView) first() fyne.Focusable { return c.name }

// focusables are the card's fields and buttons, in order.
func (c *cardView) focusables() []fyne.Focusable {
	return []fyne.Focusable{c.closeBtn, c.name, c.role, c.noMailbox, c.disabled, c.unlock, c.recovery,
		c.generate, c.typeOwn, c.secret.eye, c.secret.copy, c.custom, c.send, c.update}
}

// storeChanged takes the card as stored now, read again after a change on
// some workstation. A card without unsaved changes shows it at once; one
// with changes keeps them and says that the user was changed elsewhere,
// and Update then asks before saving over it.
func (c *cardView) storeChanged(card app.UserCard, err error) {
	if err != nil {
		say(c.problem, c.s.errorText(err))
		return
	}
	say(c.problem, "")
	now := card.User
	changed := now.Version != c.user.Version
	// A lock that ended, or a temporary password that expired, changes
	// what the card says with no write.
	text, _ := statusText(now, c.s.svc.Now())
	if !changed && text == c.shown && now.LockedUntil.Equal(c.user.LockedUntil) && card.Settings == c.card.Settings &&
		(card.KeepRole == nil) == (c.card.KeepRole == nil) && (card.KeepEnabled == nil) == (c.card.KeepEnabled == nil) {
		return
	}
	if !c.dirty() && !c.busy && !c.question.open() {
		note := ""
		if changed {
			note = changedText(c.user, now)
		}
		c.u.replaceCard(c, card, note)
		return
	}
	if changed {
		c.newer = &card
		say(c.elsewhere, changedText(c.user, now)+"\n"+lang.L("Update will ask before saving over it."))
	}
}

// changedText says who changed a user elsewhere, when, and what, from
// before to now.
func changedText(before, now app.User) string {
	data := map[string]any{"Actor": now.UpdatedBy, "Time": pastTime(now.UpdatedAt), "What": differences(before, now)}
	switch {
	case now.UpdatedBy == "" && data["What"] == "":
		return lang.L("Changed elsewhere on {{.Time}}.", data)
	case now.UpdatedBy == "":
		return lang.L("Changed elsewhere on {{.Time}}: {{.What}}.", data)
	case data["What"] == "":
		return lang.L("Changed elsewhere by {{.Actor}} on {{.Time}}.", data)
	}
	return lang.L("Changed elsewhere by {{.Actor}} on {{.Time}}: {{.What}}.", data)
}

// differences says in a few words what changed from one state of a user to
// the next.
func differences(before, now app.User) string {
	var parts []string
	add := func(changed bool, text string) {
		if changed {
			parts = append(parts, text)
		}
	}
	add(before.Name != now.Name, lang.L("name “{{.Name}}”", map[string]any{"Name": now.Name}))
	add(before.Role != now.Role, lang.L("role {{.Role}}", map[string]any{"Role": roleName(now.Role)}))
	add(before.HasMailbox && !now.HasMailbox, lang.L("no mailbox"))
	add(!before.HasMailbox && now.HasMailbox, lang.L("a mailbox"))
	add(!before.Disabled && now.Disabled, lang.L("disabled"))
	add(before.Disabled && !now.Disabled, lang.L("enabled"))
	add(before.RecoveryEmail != now.RecoveryEmail && now.RecoveryEmail == "", lang.L("no recovery e-mail"))
	add(before.RecoveryEmail != now.RecoveryEmail && now.RecoveryEmail != "",
		lang.L("recovery e-mail {{.Email}}", map[string]any{"Email": now.RecoveryEmail}))
	add(before.PasswordHash != now.PasswordHash, lang.L("a new password"))
	add(!before.LastSignInAt.Equal(now.LastSignInAt), lang.L("signed in"))
	return strings.Join(parts, ", ")
}

// showStatus says where the account and its password stand.
func (c *cardView) showStatus() {
	text, importance := statusText(c.user, c.s.svc.Now())
	c.shown = text
	c.status.Importance = importance
	c.status.SetText(lang.L("Status: {{.Status}}", map[string]any{"Status": text}))
}

// change is what Update would save, and whether it saves anything.
func (c *cardView) change() (app.UserChange, bool) {
	var ch app.UserChange
	some := false
	if name := strings.Join(strings.Fields(c.name.Text), " "); name != c.user.Name {
		ch.Name, some = &name, true
	}
	if i := c.role.SelectedIndex(); i >= 0 && app.Roles()[i] != c.user.Role {
		ch.Role, some = &app.Roles()[i], true
	}
	if has := !c.noMailbox.Checked; has != c.user.HasMailbox {
		ch.HasMailbox, some = &has, true
	}
	if off := c.disabled.Checked; off != c.user.Disabled {
		ch.Disabled, some = &off, true
	}
	if c.unlock.Checked {
		ch.Unlock, some = true, true
	}
	if !c.others.Visible() {
		return ch, some
	}
	if r := strings.TrimSpace(c.recovery.Text); r != c.user.RecoveryEmail {
		ch.RecoveryEmail, some = &r, true
	}
	switch {
	case c.secret.text != "":
		p := c.secret.text
		ch.TemporaryPassword, some = &p, true
	case c.customBox.Visible() && c.custom.Text != "":
		p := c.custom.Text
		ch.TemporaryPassword, ch.Custom, some = &p, true, true
	}
	ch.SendToRecovery = ch.TemporaryPassword != nil && c.send.Checked && c.sendProblem() == ""
	return ch, some
}

func (c *cardView) dirty() bool {
	_, some := c.change()
	return some
}

// recoveryProblem says what is wrong with the recovery e-mail typed, ""
// when nothing is.
func (c *cardView) recoveryProblem() string {
	r := strings.TrimSpace(c.recovery.Text)
	if r == c.user.RecoveryEmail {
		return ""
	}
	if _, err := app.CheckRecoveryEmail(r, c.user.Email); err != nil {
		return c.s.errorText(err)
	}
	return ""
}

// sendProblem says why the new password cannot go to the recovery e-mail,
// "" when it can.
func (c *cardView) sendProblem() string {
	switch {
	case !c.card.Settings.SMTP.Configured():
		return lang.L("E-mail is not set up (Settings → E-mail): the password can only be handed over.")
	case strings.TrimSpace(c.recovery.Text) == "" || c.recoveryProblem() != "":
		return lang.L("Enter a valid recovery e-mail first.")
	case c.secret.text == "" && (!c.customBox.Visible() || c.custom.Text == ""):
		return lang.L("Generate or type a password first.")
	}
	return ""
}

// onChanged follows every edit: the checks as typed, and Update.
func (c *cardView) onChanged() {
	if !c.built {
		return
	}
	say(c.result, "")
	if strings.TrimSpace(c.name.Text) == "" {
		say(c.nameIssue, tr(app.Msg("The name is empty.")))
	} else {
		say(c.nameIssue, "")
	}
	say(c.recoveryIssue, c.recoveryProblem())
	c.refresh()
}

// refresh enables Update when the card has changes that can be saved, and
// says why the password cannot be sent, when it cannot.
func (c *cardView) refresh() {
	ready := !c.busy && c.dirty() && !c.nameIssue.Visible() && c.recoveryProblem() == ""
	if c.customBox.Visible() && c.custom.Text != "" && !c.customOK {
		ready = false
	}
	enable(c.update, ready)
	why := c.sendProblem()
	if why == "" && !c.busy {
		c.send.Enable()
	} else {
		c.send.Checked = false // no password to send, or nowhere to send it
		c.send.Disable()
	}
	say(c.sendWhy, why)
	c.send.Refresh()
	c.content.Refresh()
}

// onGenerate fills the password with a new one, masked.
func (c *cardView) onGenerate() {
	var (
		p   string
		err error
	)
	svc, email := c.s.svc, c.user.Email
	c.generating.do(c.sc, func(ctx context.Context) {
		p, err = svc.NewTemporaryPassword(ctx, email)
	}, func() {
		if err != nil {
			say(c.problem, c.s.errorText(err))
			return
		}
		c.custom.wipe()
		showIf(c.customBox, false)
		say(c.customReasons, "")
		c.secret.set(p)
		c.onChanged()
		c.s.win.Canvas().Focus(c.secret.eye)
	})
}

// onTypeOwn opens the field where the administrator types the temporary
// password instead.
func (c *cardView) onTypeOwn() {
	c.generating.stop()
	c.secret.clear()
	showIf(c.customBox, true)
	c.onChanged()
	c.s.win.Canvas().Focus(c.custom)
}

// onCustomChanged checks the typed password against the policy's minimum
// length and blocklist, at each keystroke.
func (c *cardView) onCustomChanged(text string) {
	c.assessing.stop()
	c.customOK = false
	if text == "" {
		say(c.customReasons, "")
		c.onChanged()
		return
	}
	var (
		a   app.Assessment
		err error
	)
	svc, email := c.s.svc, c.user.Email
	c.assessing.do(c.sc, func(ctx context.Context) {
		a, err = svc.AssessTemporary(ctx, email, text)
	}, func() {
		switch {
		case err != nil:
			say(c.customReasons, c.s.errorText(err))
		case a.OK():
			c.customOK = true
			c.customReasons.Importance = widget.SuccessImportance
			say(c.customReasons, lang.L("This temporary password can be used."))
		default:
			c.customReasons.Importance = widget.DangerImportance
			say(c.customReasons, c.s.bullets(a.Reasons))
		}
		c.onChanged()
		reveal(c.s.win.Canvas(), c.customReasons)
	})
}

func (c *cardView) setBusy(busy bool) {
	c.busy = busy
	showActivity(c.activity, busy)
	c.refresh()
}

// onUpdate saves the card in one step; stepping down from administrator
// on one's own card asks first, since the session then ends.
func (c *cardView) onUpdate() {
	ch, some := c.change()
	if !some || c.busy || !c.update.Visible() || c.update.Disabled() {
		return
	}
	ch.Version = c.user.Version
	c.confirm(ch)
}

// confirm saves ch once the questions it raises are answered: saving over
// a change made elsewhere since the card was read, stepping down from
// administrator on one's own card (the session then ends).
func (c *cardView) confirm(ch app.UserChange) {
	if n := c.newer; n != nil && ch.Version != n.User.Version {
		c.question.ask(lang.L("{{.Name}} was changed elsewhere since you opened the card. Save your changes over it? What you did not change here stays as it is now.",
			map[string]any{"Name": c.user.Name}), lang.L("Save over it"), func() {
			ch.Version = n.User.Version
			c.confirm(ch)
		})
		return
	}
	if me := c.s.user; me != nil && me.ID == c.user.ID && ch.Role != nil && *ch.Role != app.RoleAdmin {
		c.question.ask(lang.L("You will no longer be an administrator: your session ends once this is saved."),
			lang.L("Step down and sign out"), func() { c.save(ch) })
		return
	}
	c.save(ch)
}

// save saves ch.
func (c *cardView) save(ch app.UserChange) {
	say(c.problem, "")
	say(c.result, "")
	var (
		res app.UpdateResult
		err error
	)
	svc, actor, email := c.s.svc, c.u.admin.actor, c.user.Email
	c.sc.busy(c.setBusy, func(ctx context.Context) {
		res, err = svc.UpdateUser(ctx, actor, email, ch)
	}, func() { c.onUpdated(res, err, ch) })
}

// onUpdated shows what Update did; sent says that the new password was
// queued for the recovery e-mail. A recovery address that looks like a
// login (one letter for another a person would not see) is asked about,
// and saved once confirmed.
func (c *cardView) onUpdated(res app.UpdateResult, err error, ch app.UserChange) {
	switch app.CodeOf(err) {
	case app.ELookAlike:
		if !ch.AllowSimilar {
			c.question.ask(c.s.errorText(err), lang.L("Save it as it is"), func() {
				ch.AllowSimilar = true
				c.save(ch)
			})
			return
		}
	case app.EStale: // changed elsewhere, and not yet seen here: read it, then ask
		var (
			card app.UserCard
			rerr error
		)
		svc, actor, email := c.s.svc, c.u.admin.actor, c.user.Email
		c.sc.busy(c.setBusy, func(ctx context.Context) {
			card, rerr = svc.UserCard(ctx, actor, email)
		}, func() {
			if rerr != nil {
				say(c.problem, c.s.errorText(rerr))
				return
			}
			c.storeChanged(card, nil)
			c.confirm(ch)
		})
		return
	}
	sent := ch.SendToRecovery
	if err != nil {
		say(c.problem, c.s.errorText(err))
		if app.CodeOf(err) == app.EPolicy && c.customBox.Visible() {
			c.customOK = false
			c.customReasons.Importance = widget.DangerImportance
			say(c.customReasons, c.s.bullets(app.AsError(err).Reasons))
		}
		c.refresh()
		return
	}
	// The password leaves the card: it can no longer be shown.
	c.secret.clear()
	c.custom.wipe()
	if me := c.s.user; me != nil && me.ID == res.User.ID {
		if !res.User.IsAdmin() {
			c.s.signOut(lang.L("You are no longer an administrator: your session has ended."))
			return
		}
		*me = res.User
	}
	c.u.changed()
	note := updateText(res, c.user.Locked(c.s.svc.Now()))
	if sent {
		note += "\n" + lang.L("The temporary password is queued to be sent to {{.Email}}.", map[string]any{"Email": res.User.RecoveryEmail})
	}
	c.u.openCard(res.User, c.u.panelRow, note)
}

// updateText says what an Update did; wasLocked says whether the user was
// locked just before (a new password also forgets failed sign-ins, which
// is no unlock to speak of when the lock had ended).
func updateText(res app.UpdateResult, wasLocked bool) string {
	name := res.User.Name
	if len(res.Changed) == 0 {
		return lang.L("Nothing changed: {{.Name}}'s card was already so.", map[string]any{"Name": name})
	}
	var lines []string
	for _, a := range res.Changed {
		switch a {
		case app.ActionTemporaryGenerate, app.ActionTemporaryCustom:
			lines = append(lines, lang.L("{{.Name}} must choose a new password at the next sign-in; this temporary password expires on {{.Date}}.",
				map[string]any{"Name": name, "Date": dateTime(res.Temporary.ExpiresAt)}))
		case app.ActionUserUnlock:
			if wasLocked {
				lines = append(lines, lang.L("{{.Name}} can sign in again: the account is unlocked.", map[string]any{"Name": name}))
			}
		case app.ActionUserDisable:
			lines = append(lines, lang.L("{{.Name}} can no longer sign in: the account is disabled.", map[string]any{"Name": name}))
		case app.ActionUserEnable:
			lines = append(lines, lang.L("{{.Name}} can sign in again: the account is enabled.", map[string]any{"Name": name}))
		case app.ActionRecoverySet:
			lines = append(lines, lang.L("{{.Name}} can recover a forgotten password through {{.Email}}.",
				map[string]any{"Name": name, "Email": res.User.RecoveryEmail}))
		}
	}
	return strings.Join(append([]string{lang.L("The changes to {{.Name}} are saved.", map[string]any{"Name": name})}, lines...), "\n")
}

// ask shows the question about unsaved changes; Discard goes on with then.
func (c *cardView) ask(then func()) {
	c.question.ask(lang.L("The changes to {{.Name}} are not saved.", map[string]any{"Name": c.user.Name}),
		lang.L("Discard changes"), then)
}

// escape answers the question with its No, when it is open.
func (c *cardView) escape() bool {
	if !c.question.open() {
		return false
	}
	c.question.onNo()
	c.s.win.Canvas().Focus(c.name)
	return true
}

// close drops the passwords of the card.
func (c *cardView) close() {
	c.secret.clear()
	c.custom.wipe()
}
