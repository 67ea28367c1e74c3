package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"sesame/app"
)

// settingsOf opens Administration → Settings.
func (h *harness) settingsOf() *settingsView {
	h.t.Helper()
	a := h.s.admin
	h.tap(a.nav[sectionSettings])
	if a.current != sectionSettings || a.settings == nil {
		h.t.Fatal("Settings not on view")
	}
	return a.settings
}

// field returns the editor of a setting.
func (v *settingsView) field(key string) *settingField {
	for _, f := range v.fields {
		if f.def.Key == key {
			return f
		}
	}
	panic("no setting " + key)
}

func TestSettingsShowsEverySetting(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	v := h.settingsOf()
	if len(v.fields) != len(app.SettingDefs()) {
		t.Errorf("%d fields for %d settings", len(v.fields), len(app.SettingDefs()))
	}
	for _, d := range app.SettingDefs() {
		h.assertShows(lang.L(d.Label))
	}
	h.assertShows("Database", "/tmp/sesame-test.db", "Company", "Passwords", "Sign-in and session", "E-mail",
		"From 8 to 64.", "From 1h to 30d, written as 90s, 15m, 24h or 7d.", "No password is saved.")
	for key, want := range map[string]string{
		"company.name": "Acme", "company.admin_password_management": "on", "password.min_length": "15",
		"temporary.lifetime": "24h", "company.language": "en", "smtp.security": "starttls", "smtp.password": "",
	} {
		if got := v.field(key).value(); got != want {
			t.Errorf("%s shows %q, want %q", key, got, want)
		}
	}
	if v.field("company.admin_password_management").check == nil || v.field("smtp.security").choice == nil ||
		!v.field("smtp.password").entry.Password {
		t.Error("an editor does not fit its kind")
	}
	if !v.save.Disabled() {
		t.Error("Save enabled without changes")
	}
	if h.focused() != v.field("company.name").entry {
		t.Errorf("focus on %T", h.focused())
	}
}

func TestSettingsCheckedAsTypedThenSaved(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	v := h.settingsOf()
	min := v.field("password.min_length")
	min.entry.SetText("7")
	h.settle()
	if got := shown(min.issue); got != "“Minimum password length” must be a whole number from 8 to 64." {
		t.Errorf("issue %q", got)
	}
	if !v.save.Disabled() {
		t.Error("Save enabled with a bad value")
	}

	// A rule that ties two settings is checked as the domain checks it.
	v.field("lockout.first").entry.SetText("2h")
	if got := shown(v.field("lockout.first").issue); got != "The longest lock (1h) cannot be shorter than the first lock (2h)." {
		t.Errorf("first lock longer than the longest: %q", got)
	}
	v.field("lockout.first").entry.SetText("1m")
	v.field("lockout.max").entry.SetText("3h")
	if got := shown(v.field("lockout.max").issue); got != "" {
		t.Errorf("a longer longest lock: %q", got)
	}

	min.entry.SetText("20")
	h.settle()
	v.field("company.language").choice.SetSelected("Français")
	h.tap(v.field("temporary.custom_allowed").check)
	h.tapEnabled(v.save)
	st, err := h.svc.Settings(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.MinLength != 20 || st.Language != "fr" || st.CustomTemporaryAllowed || st.LockoutMax.Hours() != 3 {
		t.Errorf("saved %+v", st)
	}
	h.assertShows("The settings are saved.")
	if !v.save.Disabled() || v.dirty() {
		t.Error("changes left after Save")
	}

	// Undo puts the saved values back.
	min.entry.SetText("30")
	h.settle()
	h.tap(v.undo)
	if min.entry.Text != "20" {
		t.Errorf("Undo: %q", min.entry.Text)
	}
}

func TestSettingsListsEveryProblem(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	v := h.settingsOf()
	v.field("password.min_length").entry.SetText("7")
	v.field("lockout.threshold").entry.SetText("0")
	h.canvas().Focus(v.field("lockout.threshold").entry)
	h.press(fyne.KeyReturn) // Enter saves: the domain says what is wrong
	got := shown(v.problem)
	for _, want := range []string{"Some settings are not valid; nothing was saved.",
		"• “Minimum password length” must be a whole number from 8 to 64.",
		"• “Failed sign-ins before a lock” must be a whole number from 1 to 100."} {
		if !strings.Contains(got, want) {
			t.Errorf("problem %q lacks %q", got, want)
		}
	}
	if st, _ := h.svc.Settings(h.ctx); st.MinLength != 15 {
		t.Error("saved despite the problems")
	}
}

func TestSettingsSecretNeverShownBack(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	v := h.settingsOf()
	pw := v.field("smtp.password")
	pw.entry.SetText("smtp secret 42")
	h.settle()
	h.tapEnabled(v.save)
	if st, _ := h.svc.Settings(h.ctx); st.SMTP.Password != "smtp secret 42" {
		t.Errorf("not saved: %q", st.SMTP.Password)
	}
	if pw.entry.Text != "" {
		t.Error("the secret is shown back")
	}
	h.assertShows("A password is saved.")
	h.assertHides("smtp secret 42")

	// Left empty, it stays as it is.
	v.field("smtp.host").entry.SetText("smtp.acme.example")
	h.tapEnabled(v.save)
	if st, _ := h.svc.Settings(h.ctx); st.SMTP.Password != "smtp secret 42" || st.SMTP.Host != "smtp.acme.example" {
		t.Errorf("after another save: %+v", st.SMTP)
	}
}

func TestSettingsOptionOffRemovesOthers(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	a := h.signInAdmin()
	c := h.openCard("jeanne")
	if !c.others.Visible() {
		t.Fatal("Others hidden with the option on")
	}
	v := h.settingsOf()
	h.tap(v.field("company.admin_password_management").check)
	h.tapEnabled(v.save)
	h.tap(a.nav[sectionUsers])
	c = a.users.panel.(*cardView)
	if c.others.Visible() {
		t.Error("the open card keeps Others after the option was turned off")
	}
	h.assertHides("Generate a new password")

	// The forgotten password then no longer says that only an
	// administrator can help.
	h.tap(a.nav[sectionAccount])
	h.tap(screen[*accountScreen](h).signOut)
	h.tap(screen[*signInScreen](h).forgot)
	h.assertHides("only an administrator can give you one")
	h.assertShows("An administrator can help you get back into your account.")
}
