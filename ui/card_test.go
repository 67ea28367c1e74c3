package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"sesame/app"
)

// auditActions lists the actions recorded about a user, oldest first.
func (h *harness) auditActions(email string) []string {
	h.t.Helper()
	p, err := h.svc.AuditPage(h.ctx, app.AuditQuery{Subject: email, Limit: app.MaxAuditPage})
	events := p.Events
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Subject == email {
			out = append(out, events[i].Action)
		}
	}
	return out
}

func TestCardShowsTheUser(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	c := h.openCard("jeanne")
	h.assertShows("Jeanne Martin", "jeanne.martin@acme.example", "Status: Must change — expires Nov 26, 2026, 09:00",
		"Last sign-in: Never · Password changed: Never", "Role", "Employee",
		"No mailbox behind this address (a login only)", "Disabled: cannot sign in",
		"Password and recovery", "Recovery e-mail", "Generate a new password", "Type a password instead", "Update")
	if c.name.Text != "Jeanne Martin" || c.role.Selected != "Employee" || c.noMailbox.Checked || c.disabled.Checked {
		t.Errorf("fields: %q %q %v %v", c.name.Text, c.role.Selected, c.noMailbox.Checked, c.disabled.Checked)
	}
	if !c.update.Disabled() || c.dirty() {
		t.Error("Update enabled on a card without changes")
	}
	h.assertHides("Unlock the account")
}

func TestCardGenerateRevealCopyUpdate(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	before := h.user("jeanne.martin@acme.example")
	c := h.openCard("jeanne")
	if c.secret.content.Visible() {
		t.Error("a password field before Generate")
	}

	h.tapEnabled(c.generate)
	plain := c.secret.text
	if len([]rune(plain)) != 16 {
		t.Fatalf("generated %q", plain)
	}
	if c.secret.shown() != strings.Repeat("•", 16) {
		t.Errorf("not masked: %q", c.secret.shown())
	}
	h.assertHides(plain)
	if h.focused() != c.secret.eye {
		t.Errorf("focus on %T after Generate, want the eye", h.focused())
	}

	// The eye shows it and masks it again, from the keyboard too.
	h.press(fyne.KeyReturn)
	if c.secret.shown() != plain || c.secret.eye.Text != "Hide" {
		t.Errorf("the eye: %q, button %q", c.secret.shown(), c.secret.eye.Text)
	}
	h.assertShows(plain)
	h.tap(c.secret.eye)
	h.assertHides(plain)

	// Copy puts it on the clipboard, says for how long, and empties it
	// after that time, if it still holds the password.
	h.tap(c.secret.copy)
	if h.clip.text != plain {
		t.Fatal("Copy did not put the password on the clipboard")
	}
	h.assertShows("Copied. The clipboard will be emptied in 30 seconds.")
	h.advance(29 * time.Second)
	if h.clip.text != plain {
		t.Error("the clipboard was emptied too soon")
	}
	h.advance(time.Second)
	if h.clip.text != "" {
		t.Error("the clipboard still holds the password after 30 s")
	}

	// Nothing is saved before Update.
	if u := h.user("jeanne.martin@acme.example"); u.PasswordHash != before.PasswordHash {
		t.Errorf("saved before Update: expires %v", u.TemporaryExpiresAt)
	}
	if !c.dirty() || c.update.Disabled() {
		t.Fatal("Update disabled with a new password")
	}
	h.advance(4 * time.Minute)
	h.tapEnabled(c.update)

	u := h.s.admin.users
	after, ok := u.panel.(*cardView)
	if !ok {
		t.Fatalf("after Update the panel is %T", u.panel)
	}
	want := "Jeanne Martin must choose a new password at the next sign-in; this temporary password expires on Nov 26, 2026, 09:04."
	if got := shown(after.result); !strings.Contains(got, want) {
		t.Errorf("result %q, want %q", got, want)
	}
	if after.secret.text != "" || c.secret.text != "" || after.secret.content.Visible() {
		t.Error("the password stays on the card after Update")
	}
	h.assertHides(plain)
	if got := h.auditActions("jeanne.martin@acme.example"); got[len(got)-1] != app.ActionTemporaryGenerate {
		t.Errorf("audit %v", got)
	}
	if res, err := h.svc.SignIn(h.ctx, "jeanne.martin@acme.example", plain); err != nil || res.Outcome != app.OutcomeMustChange {
		t.Errorf("signing in with the new password: %v %v", res.Outcome, err)
	}

}

func TestCardClipboardKeepsWhatWasCopiedSince(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		if _, err := h.svc.UpdateSettings(h.ctx, app.SystemActor("test"), map[string]string{"clipboard.clear": "10s"}); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signInAdmin()
	c := h.openCard("paul")
	h.tapEnabled(c.generate)
	h.tap(c.secret.copy)
	h.assertShows("The clipboard will be emptied in 10 seconds.")
	h.clip.text = "something else copied since"
	h.advance(10 * time.Second)
	if h.clip.text != "something else copied since" {
		t.Errorf("the clipboard was emptied of something else: %q", h.clip.text)
	}
	// What the card said is no longer true: it says what happened.
	h.assertShows("The clipboard holds something else now: it was left as it is.")
	h.assertHides("will be emptied")

	// A clipboard that refuses says so.
	h.clip.fail = errors.New("no clipboard")
	h.tap(c.secret.copy)
	h.assertShows("The clipboard cannot be used here")

	// Signing out empties the clipboard at once.
	h.clip.fail = nil
	h.tap(c.secret.copy)
	h.tap(screen[*accountScreen](h).signOut)
	h.tap(c.question.yes) // the password generated is not saved: asked first
	screen[*signInScreen](h)
	if h.clip.text != "" {
		t.Error("the clipboard holds the password after signing out")
	}
}

func TestCardCustomPassword(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	c := h.openCard("paul")
	h.tapEnabled(c.typeOwn)
	if h.focused() != c.custom || !c.custom.Password {
		t.Fatalf("focus on %T, masked %v", h.focused(), c.custom.Password)
	}
	h.typeText("short")
	if got := shown(c.customReasons); !strings.Contains(got, "It is too short: at least 15 characters, this one has 5.") {
		t.Errorf("reasons %q", got)
	}
	if !c.update.Disabled() {
		t.Error("Update enabled with a refused password")
	}
	c.custom.SetText("mailcreated5240")
	h.settle()
	if got := shown(c.customReasons); !strings.Contains(got, "common password") {
		t.Errorf("a common password: %q", got)
	}
	if !c.update.Disabled() {
		t.Error("Update enabled with a common password")
	}
	c.custom.SetText("copper lantern river 77")
	h.settle()
	if got := shown(c.customReasons); got != "This temporary password can be used." {
		t.Errorf("a good password: %q", got)
	}
	h.tapEnabled(c.update)
	if got := h.auditActions("paul.durand@acme.example"); got[len(got)-1] != app.ActionTemporaryCustom {
		t.Errorf("audit %v", got)
	}
	if res, err := h.svc.SignIn(h.ctx, "paul.durand@acme.example", "copper lantern river 77"); err != nil || res.Outcome != app.OutcomeMustChange {
		t.Errorf("signing in with the typed password: %v %v", res.Outcome, err)
	}
	if c.custom.Text != "" {
		t.Error("the typed password stays in its field after Update")
	}

	// Generating replaces a typed password, and typing replaces a generated one.
	c = h.s.admin.users.panel.(*cardView)
	h.tapEnabled(c.typeOwn)
	h.typeText("some typed text")
	h.tapEnabled(c.generate)
	if c.customBox.Visible() || c.custom.Text != "" || c.secret.text == "" {
		t.Error("Generate does not replace the typed password")
	}
	h.tapEnabled(c.typeOwn)
	if c.secret.text != "" || c.secret.content.Visible() {
		t.Error("typing does not replace the generated password")
	}
}

func TestCardCustomPasswordNotAllowed(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		if _, err := h.svc.UpdateSettings(h.ctx, app.SystemActor("test"), map[string]string{"temporary.custom_allowed": "off"}); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signInAdmin()
	h.openCard("paul")
	h.assertShows("Generate a new password")
	h.assertHides("Type a password instead")
}

func TestCardRecoveryEmail(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	c := h.openCard("paul")
	h.canvas().Focus(c.recovery)
	h.typeText("paul@")
	if got := shown(c.recoveryIssue); !strings.Contains(got, "is not a valid e-mail address") {
		t.Errorf("as typed: %q", got)
	}
	if !c.update.Disabled() {
		t.Error("Update enabled with a bad address")
	}
	c.recovery.SetText("PAUL.DURAND@acme.example")
	h.settle()
	if got := shown(c.recoveryIssue); got != "The recovery e-mail must be another address than the login." {
		t.Errorf("the login again: %q", got)
	}
	c.recovery.SetText("paul@perso.example")
	h.settle()
	if got := shown(c.recoveryIssue); got != "" {
		t.Errorf("a good address: %q", got)
	}
	h.tapEnabled(c.update)
	if got := h.user("paul.durand@acme.example").RecoveryEmail; got != "paul@perso.example" {
		t.Errorf("saved %q", got)
	}
	h.assertShows("Paul Durand can recover a forgotten password through paul@perso.example.")

	c = h.s.admin.users.panel.(*cardView)
	c.recovery.SetText("")
	h.settle()
	h.tapEnabled(c.update)
	if got := h.user("paul.durand@acme.example").RecoveryEmail; got != "" {
		t.Errorf("not cleared: %q", got)
	}
}

func TestCardUnsavedChangesAskFirst(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	u := h.signInAdmin().users
	c := h.openCard("jeanne")
	c.name.SetText("Jeanne Martin-Roux")
	h.settle()
	h.tap(c.noMailbox)
	if !c.dirty() {
		t.Fatal("changes not seen")
	}

	// Close asks; Keep editing keeps the card and what was typed.
	h.tap(c.closeBtn)
	if !c.question.open() || h.focused() != c.question.no {
		t.Fatalf("Close with changes: question %v, focus on %T", c.question.open(), h.focused())
	}
	h.assertShows("The changes to Jeanne Martin are not saved.", "Discard changes", "Keep editing")
	h.tap(c.question.no)
	if u.panel != c || c.name.Text != "Jeanne Martin-Roux" {
		t.Fatal("Keep editing lost the card")
	}

	// Escape asks too, and Escape again answers Keep editing.
	h.press(fyne.KeyEscape)
	if !c.question.open() {
		t.Fatal("Escape with changes does not ask")
	}
	h.press(fyne.KeyEscape)
	if c.question.open() || u.panel != c {
		t.Fatal("Escape on the question does not keep editing")
	}

	// Opening another user asks; Discard opens it, and nothing was saved.
	h.search("")
	h.canvas().Focus(u.table)
	h.press(fyne.KeyHome)
	h.press(fyne.KeyReturn)
	if u.panel != c || !c.question.open() || u.table.selected != u.panelRow {
		t.Fatal("opening another user does not ask")
	}
	h.tap(c.question.yes)
	if next, ok := u.panel.(*cardView); !ok || next.user.Name != "Alice Admin" {
		t.Fatalf("Discard opened %T", u.panel)
	}
	if got := h.user("jeanne.martin@acme.example"); got.Name != "Jeanne Martin" || !got.HasMailbox {
		t.Errorf("saved without Update: %+v", got)
	}
}

func TestCardUpdateSavesEverythingAtOnce(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	c := h.openCard("jeanne")
	c.name.SetText("  Jeanne   Martin-Roux ")
	h.settle()
	c.role.SetSelected("Administrator")
	h.settle()
	h.tap(c.noMailbox)
	c.recovery.SetText("jeanne@perso.example")
	h.settle()
	h.tapEnabled(c.generate)
	h.tapEnabled(c.update)
	got := h.user("jeanne.martin@acme.example")
	if got.Name != "Jeanne Martin-Roux" || got.Role != app.RoleAdmin || got.HasMailbox || got.RecoveryEmail != "jeanne@perso.example" {
		t.Errorf("saved %+v", got)
	}
	actions := h.auditActions("jeanne.martin@acme.example")
	for _, want := range []string{app.ActionUserRename, app.ActionUserMailbox, app.ActionUserRole, app.ActionRecoverySet, app.ActionTemporaryGenerate} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("audit %v lacks %s", actions, want)
		}
	}
	h.assertShows("The changes to Jeanne Martin-Roux are saved.", "Administrator")

	// Disable, then enable.
	c = h.s.admin.users.panel.(*cardView)
	h.tap(c.disabled)
	h.tapEnabled(c.update)
	if !h.user("jeanne.martin@acme.example").Disabled {
		t.Error("not disabled")
	}
	h.assertShows("Status: Disabled")
	c = h.s.admin.users.panel.(*cardView)
	h.tap(c.disabled)
	h.tapEnabled(c.update)
	if h.user("jeanne.martin@acme.example").Disabled {
		t.Error("not enabled again")
	}
}

func TestCardUnlock(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		for range 5 {
			h.svc.SignIn(h.ctx, "paul.durand@acme.example", "not his password")
		}
	})
	h.signInAdmin()
	c := h.openCard("paul")
	h.assertShows("Status: Locked until Nov 25, 2026, 09:01", "Unlock the account (locked until Nov 25, 2026, 09:01)")
	h.tap(c.unlock)
	h.tapEnabled(c.update)
	h.assertShows("Paul Durand can sign in again: the account is unlocked.", "Status: Active")
	h.assertHides("Unlock the account")
	if res, err := h.svc.SignIn(h.ctx, "paul.durand@acme.example", goodPassword); err != nil || res.Outcome != app.OutcomeSignedIn {
		t.Errorf("after Unlock: %v %v", res.Outcome, err)
	}
}

func TestCardLastAdministrator(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	c := h.openCard("alice")
	if !c.role.Disabled() || !c.disabled.Disabled() {
		t.Error("the last administrator can be demoted or disabled")
	}
	h.assertShows("Alice Admin is the last active administrator: make another user an administrator first.")

	// With a second administrator, she can step down, but not disable her
	// own account; Paul's card can be changed at will.
	c = h.openCard("paul")
	c.role.SetSelected("Administrator")
	h.settle()
	h.tapEnabled(c.update)
	if c = h.openCard("paul"); c.role.Disabled() || c.disabled.Disabled() {
		t.Error("one of two administrators cannot be changed")
	}
	c = h.openCard("alice")
	if c.role.Disabled() || !c.disabled.Disabled() {
		t.Fatalf("her own card: role disabled %v, Disabled disabled %v", c.role.Disabled(), c.disabled.Disabled())
	}
	h.assertHides("last active administrator")
	h.assertShows("You cannot disable your own account: another administrator can.")

	// Should Paul stop being one meanwhile, the domain refuses and says why.
	employee := app.RoleEmployee
	if _, err := h.svc.UpdateUser(h.ctx, app.SystemActor("test"), "paul.durand@acme.example", app.UserChange{Role: &employee}); err != nil {
		t.Fatal(err)
	}
	c.role.SetSelected("Employee")
	h.settle()
	h.tapEnabled(c.update)
	h.tap(c.question.yes)
	if got := shown(c.problem); got != "Alice Admin is the last active administrator: make another user an administrator first." {
		t.Errorf("refusal %q", got)
	}
	if !h.user("admin@acme.example").IsAdmin() || h.s.user == nil {
		t.Error("the last administrator was demoted")
	}
}

// TestCardDisablingOneselfIsRefused: an administrator cannot disable their
// own account, and the card says so before anything is tried; the domain
// refuses it too, whatever the window shows.
func TestCardDisablingOneselfIsRefused(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		admin := app.RoleAdmin
		if _, err := h.svc.UpdateUser(h.ctx, app.SystemActor("test"), "paul.durand@acme.example", app.UserChange{Role: &admin}); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signInAdmin()
	c := h.openCard("alice")
	if !c.disabled.Disabled() {
		t.Fatal("Disabled can be ticked on one's own card")
	}
	h.assertShows("You cannot disable your own account: another administrator can.")
	c.disabled.SetChecked(true) // as if the box were ticked anyway
	h.settle()
	h.tapEnabled(c.update)
	if got := shown(c.problem); got != "You cannot disable your own account: another administrator can." {
		t.Errorf("refusal %q", got)
	}
	if h.user("admin@acme.example").Disabled || h.s.user == nil {
		t.Error("the administrator disabled their own account")
	}
	h.assertHides("You are no longer an administrator")
	c.disabled.SetChecked(false)
	h.settle()
	// Another administrator's card can be disabled; the card says what happened.
	c = h.openCard("paul")
	h.tap(c.disabled)
	h.tapEnabled(c.update)
	h.assertShows("Paul Durand can no longer sign in: the account is disabled.", "Status: Disabled")
}

func TestCardDemotingOneselfAsksThenSignsOut(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		admin := app.RoleAdmin
		if _, err := h.svc.UpdateUser(h.ctx, app.SystemActor("test"), "paul.durand@acme.example", app.UserChange{Role: &admin}); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signInAdmin()
	c := h.openCard("alice")
	c.role.SetSelected("Employee")
	h.settle()
	h.tapEnabled(c.update)
	if !c.question.open() {
		t.Fatal("stepping down from administrator does not ask first")
	}
	h.assertShows("You will no longer be an administrator: your session ends once this is saved.")
	h.press(fyne.KeyEscape) // keeps editing: nothing saved
	if !h.user("admin@acme.example").IsAdmin() || c.question.open() {
		t.Fatal("Escape stepped down")
	}
	h.tapEnabled(c.update)
	h.tap(c.question.yes)
	in := screen[*signInScreen](h)
	if got := shown(in.note); got != "You are no longer an administrator: your session has ended." {
		t.Errorf("note %q", got)
	}
}

func TestCardOthersFollowTheCompanyOption(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		if _, err := h.svc.UpdateSettings(h.ctx, app.SystemActor("test"), map[string]string{"company.admin_password_management": "off"}); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signInAdmin()
	c := h.openCard("jeanne")
	if c.others.Visible() {
		t.Error("Others shown with the option off")
	}
	h.assertHides("Password and recovery", "Generate a new password", "Recovery e-mail")
	c.name.SetText("Jeanne M.")
	h.settle()
	h.tapEnabled(c.update)
	if got := h.user("jeanne.martin@acme.example").Name; got != "Jeanne M." {
		t.Errorf("identity not saved with the option off: %q", got)
	}
}

func TestCardKeyboardOnly(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	c := h.openCard("jeanne")
	order := []fyne.Focusable{c.name, c.role, c.noMailbox, c.disabled, c.recovery, c.generate, c.typeOwn}
	for i, want := range order {
		if h.focused() != want {
			t.Fatalf("stop %d: focus on %T, want %T", i, h.focused(), want)
		}
		h.press(fyne.KeyTab)
	}
	h.canvas().Focus(c.generate)
	h.press(fyne.KeyReturn) // Generate; the focus goes to the eye
	h.press(fyne.KeyTab)
	if h.focused() != c.secret.copy {
		t.Fatalf("after the eye: focus on %T", h.focused())
	}
	h.press(fyne.KeySpace)
	if h.clip.text == "" {
		t.Error("Space on Copy did not copy")
	}
	h.canvas().Focus(c.update)
	h.press(fyne.KeyReturn)
	if got := h.auditActions("jeanne.martin@acme.example"); got[len(got)-1] != app.ActionTemporaryGenerate {
		t.Errorf("Enter on Update: audit %v", got)
	}
}

// TestCardSavesWithEnterAndCtrlS: Enter in a field of the card saves it,
// as Ctrl+S does anywhere on it (Update, without reaching for it).
func TestCardSavesWithEnterAndCtrlS(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	c := h.openCard("jeanne")
	h.canvas().Focus(c.name)
	c.name.SetText("Jeanne Martin-Roux")
	h.press(fyne.KeyReturn)
	if got := h.user("jeanne.martin@acme.example").Name; got != "Jeanne Martin-Roux" {
		t.Fatalf("Enter in the name did not save: %q", got)
	}
	c = h.s.admin.users.panel.(*cardView)
	c.recovery.SetText("jeanne@home.example")
	h.settle()
	h.canvas().Focus(c.noMailbox)
	h.s.shortcut(saveShortcut) // as a field passes it on, or the window gets it
	h.settle()
	if got := h.user("jeanne.martin@acme.example").RecoveryEmail; got != "jeanne@home.example" {
		t.Fatalf("Ctrl+S did not save: %q", got)
	}
	// With nothing to save, or a refused field, Enter saves nothing.
	c = h.s.admin.users.panel.(*cardView)
	c.recovery.SetText("jeanne@home")
	h.settle()
	h.canvas().Focus(c.recovery)
	h.press(fyne.KeyReturn)
	if got := h.user("jeanne.martin@acme.example").RecoveryEmail; got != "jeanne@home.example" {
		t.Errorf("a refused recovery e-mail was saved: %q", got)
	}
	if got := shown(c.recoveryIssue); got != "\"jeanne@home\" cannot receive e-mail from outside: a recovery e-mail needs a domain with a dot, as in name@example.com." {
		t.Errorf("the refusal: %q", got)
	}
}

// TestCardCopiedSaysWhenEmptied: "Copied… emptied in 30 seconds" does not
// outlive its truth: once the clipboard is emptied, the card says so.
func TestCardCopiedSaysWhenEmptied(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	c := h.openCard("jeanne")
	h.tapEnabled(c.generate)
	h.tap(c.secret.copy)
	h.assertShows("Copied. The clipboard will be emptied in 30 seconds.")
	h.advance(30 * time.Second)
	if h.clip.text != "" {
		t.Fatal("the clipboard was not emptied")
	}
	h.assertShows("The clipboard was emptied.")
	h.assertHides("will be emptied")
}

// TestCardSignOutAsksFirst: Sign out with changes on the card asks, as
// Close, Escape and another row do; Keep editing keeps them.
func TestCardSignOutAsksFirst(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	a := h.signInAdmin()
	c := h.openCard("jeanne")
	c.name.SetText("Jeanne Martin-Roux")
	h.settle()
	h.tap(a.signOut)
	if !c.question.open() || h.s.user == nil {
		t.Fatal("Sign out with changes does not ask")
	}
	h.assertShows("The changes to Jeanne Martin are not saved.")
	h.tap(c.question.no)
	if h.s.user == nil || c.name.Text != "Jeanne Martin-Roux" {
		t.Fatal("Keep editing lost the card")
	}
	h.tap(a.signOut)
	h.tap(c.question.yes)
	screen[*signInScreen](h)
	if h.user("jeanne.martin@acme.example").Name != "Jeanne Martin" {
		t.Error("the changes were saved")
	}
	// Changes to the settings are asked about too.
	a = h.signInAdmin()
	s := h.settingsOf()
	s.fields[0].entry.SetText("Acme Industries")
	h.settle()
	h.tap(a.signOut)
	if !s.question.open() || h.s.user == nil {
		t.Fatal("Sign out with settings not saved does not ask")
	}
	h.tap(s.question.yes)
	screen[*signInScreen](h)
}
