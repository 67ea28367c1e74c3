package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// settingsView is Administration → Settings: every company setting that
// the domain defines, each with an editor fitting its kind and the values
// it allows, checked as typed and saved together by Save, which lists
// every problem. A secret (the SMTP password) is never shown back: left
// empty, it stays as it is.
type settingsView struct {
	s     *session
	sc    *scope
	admin *adminScreen

	current   app.Settings
	loaded    bool // current was read from the store
	fields    []*settingField
	save      *button
	undo      *button
	problem   *widget.Label
	result    *widget.Label
	elsewhere *widget.Label // settings edited here were changed elsewhere too
	activity  *widget.Activity
	busy      bool
	question  *question // whether to drop changes not saved
	content   fyne.CanvasObject

	testTo   *entry // where the test message goes
	test     *button
	testWhy  *widget.Label // why the test cannot be sent
	testSaid *widget.Label
}

// settingField is the editor of one setting.
type settingField struct {
	def    app.SettingDef
	entry  *entry  // text, number, duration and secret settings
	check  *check  // on/off settings
	choice *choice // settings with a list of values
	issue  *widget.Label
	state  *widget.Label // whether a secret is set
}

func (s *session) newSettingsView(sc *scope, a *adminScreen) *settingsView {
	v := &settingsView{s: s, sc: sc, admin: a}
	v.problem = notice(widget.DangerImportance)
	v.result = notice(widget.SuccessImportance)
	v.elsewhere = notice(widget.WarningImportance)
	v.save = s.newButton(lang.L("Save"), widget.HighImportance, v.onSave)
	v.undo = s.newButton(lang.L("Undo the changes"), widget.LowImportance, v.onUndo)
	v.activity = newActivity()

	v.question = s.newQuestion(lang.L("Keep editing"))
	parts := []fyne.CanvasObject{heading(lang.L("Settings"))}
	if s.opts.DatabasePath != "" {
		parts = append(parts, info(lang.L("Database"), s.opts.DatabasePath))
	}
	var group app.SettingGroup
	for _, d := range app.SettingDefs() {
		if d.Group != group {
			group = d.Group
			parts = append(parts, widget.NewSeparator(), subheading(groupName(group)))
		}
		f := v.newField(d)
		v.fields = append(v.fields, f)
		parts = append(parts, f.object()...)
	}
	v.testTo = s.newEmailEntry(lang.L("name@company.com"))
	v.testTo.SetText(a.user.Email)
	v.testTo.OnSubmitted = func(string) { v.onTest() }
	v.test = s.newButton(lang.L("Send a test message"), widget.MediumImportance, v.onTest)
	v.test.Icon = theme.MailSendIcon()
	v.testWhy = notice(widget.MediumImportance)
	v.testWhy.SizeName = theme.SizeNameCaptionText
	v.testSaid = notice(widget.SuccessImportance)
	help := paragraph(lang.L("The test uses the saved settings: save your changes first."))
	help.SizeName = theme.SizeNameCaptionText
	parts = append(parts, widget.NewSeparator(), field(lang.L("Send a test message to"), v.testTo), help,
		container.NewHBox(v.test), v.testWhy, v.testSaid)
	// Save stays in view below the page, which scrolls.
	v.content = pageWithFooter(container.NewVBox(v.question.box, v.elsewhere, v.problem, v.result,
		buttons(v.save, v.undo, v.activity)), parts...)
	return v
}

func (v *settingsView) newField(d app.SettingDef) *settingField {
	s := v.s
	f := &settingField{def: d, issue: notice(widget.DangerImportance)}
	switch {
	case d.Kind == app.KindBool:
		f.check = s.newCheck("", func(bool) { v.onChanged() })
	case d.Kind == app.KindChoice:
		names := make([]string, len(d.Choices))
		for i, c := range d.Choices {
			names[i] = choiceName(c)
		}
		f.choice = s.newChoice(names, func(string) { v.onChanged() })
	case d.Secret:
		f.entry = s.newSecretEntry(lang.L("Leave empty to keep it as it is"))
		f.state = paragraph("")
	default:
		f.entry = s.newEntry("")
	}
	if f.entry != nil {
		f.entry.OnChanged = func(string) { v.onChanged() }
		f.entry.OnSubmitted = func(string) { v.onSave() }
	}
	return f
}

// object is the field as the page shows it: caption, editor, the values
// allowed, what is wrong.
func (f *settingField) object() []fyne.CanvasObject {
	var parts []fyne.CanvasObject
	switch {
	case f.check != nil:
		parts = append(parts, checkRow(f.check, lang.L(f.def.Label)))
	case f.choice != nil:
		parts = append(parts, field(lang.L(f.def.Label), f.choice))
	default:
		parts = append(parts, field(lang.L(f.def.Label), f.entry))
	}
	if help := settingHelp(f.def); help != "" {
		l := paragraph(help)
		l.SizeName = theme.SizeNameCaptionText
		parts = append(parts, l)
	}
	if f.state != nil {
		parts = append(parts, f.state)
	}
	return append(parts, f.issue)
}

// value is what the editor holds, written as the domain reads it.
func (f *settingField) value() string {
	switch {
	case f.check != nil:
		if f.check.Checked {
			return "on"
		}
		return "off"
	case f.choice != nil:
		if i := f.choice.SelectedIndex(); i >= 0 {
			return f.def.Choices[i]
		}
		return ""
	}
	return f.entry.Text
}

// show puts the current value in the editor; a secret's field stays empty.
func (f *settingField) show(st *app.Settings) {
	v, _ := st.Get(f.def.Key)
	switch {
	case f.check != nil:
		f.check.SetChecked(v == "on")
	case f.choice != nil:
		for i, c := range f.def.Choices {
			if c == v {
				f.choice.SetSelectedIndex(i)
			}
		}
	case f.def.Secret:
		f.entry.wipe()
		if v == "(set)" {
			f.state.SetText(lang.L("A password is saved."))
		} else {
			f.state.SetText(lang.L("No password is saved."))
		}
	default:
		f.entry.SetText(v)
	}
	say(f.issue, "")
}

// changed reports whether the editor differs from the saved value.
func (f *settingField) changed(st *app.Settings) bool {
	if f.def.Secret {
		return f.entry.Text != ""
	}
	v, _ := st.Get(f.def.Key)
	return f.value() != v
}

// first is where the focus goes: the first editor.
func (v *settingsView) first() fyne.Focusable {
	f := v.fields[0]
	switch {
	case f.check != nil:
		return f.check
	case f.choice != nil:
		return f.choice
	}
	return f.entry
}

// load reads the settings into the editors, unless they hold changes.
func (v *settingsView) load() {
	v.s.readSettings(v.sc, func(st app.Settings, err error) {
		if err != nil {
			say(v.problem, v.s.errorText(err))
			return
		}
		if !v.dirty() {
			v.showSettings(st)
		}
	})
}

func (v *settingsView) showSettings(st app.Settings) {
	say(v.elsewhere, "")
	v.current, v.loaded = st, true
	v.s.settingsRead(st)
	for _, f := range v.fields {
		f.show(&st)
	}
	v.onChanged()
	if st.SMTP.Configured() {
		v.test.Enable()
		say(v.testWhy, "")
	} else {
		v.test.Disable()
		say(v.testWhy, lang.L("Save an SMTP server and a sender address first."))
	}
}

// changedElsewhere takes the settings as saved elsewhere (another
// workstation, the command line). Without changes here they are shown as
// they are now. With changes, the settings not edited here take their new
// values, those edited keep what was typed, and the view says which of
// them were changed there too: Save then saves only what was edited here.
func (v *settingsView) changedElsewhere(st app.Settings) {
	if !v.loaded || st == v.current || v.busy {
		return
	}
	if !v.dirty() {
		v.showSettings(st)
		return
	}
	before := v.current
	var both []string
	for _, f := range v.fields {
		if !f.changed(&before) {
			f.show(&st)
			continue
		}
		was, _ := before.Get(f.def.Key)
		if now, _ := st.Get(f.def.Key); now != was {
			both = append(both, lang.L("“{{.Text}}”", map[string]any{"Text": lang.L(f.def.Label)}))
		}
	}
	v.current = st
	if len(both) > 0 {
		say(v.elsewhere, lang.L("Changed elsewhere meanwhile, and here too: {{.Settings}}. Save keeps what you typed; Undo the changes shows theirs.",
			map[string]any{"Settings": strings.Join(both, ", ")}))
	}
	v.onChanged()
}

// ask shows the question about changes not saved; then goes on when they
// may be dropped.
func (v *settingsView) ask(then func()) {
	v.question.ask(lang.L("Your changes to the settings are not saved."), lang.L("Discard changes"), func() {
		v.onUndo()
		then()
	})
}

func (v *settingsView) dirty() bool {
	if !v.loaded {
		return false
	}
	for _, f := range v.fields {
		if f.changed(&v.current) {
			return true
		}
	}
	return false
}

// values are the settings that changed, key → value.
func (v *settingsView) values() map[string]string {
	out := map[string]string{}
	for _, f := range v.fields {
		if f.changed(&v.current) {
			out[f.def.Key] = f.value()
		}
	}
	return out
}

// onChanged checks the values as typed, in the order in which the domain
// sets them, so that a rule tying two settings sees both.
func (v *settingsView) onChanged() {
	next := v.current
	ok := true
	for _, f := range v.fields {
		if !f.changed(&v.current) {
			say(f.issue, "")
			continue
		}
		if err := next.Set(f.def.Key, f.value()); err != nil {
			say(f.issue, errorText(err))
			ok = false
		} else {
			say(f.issue, "")
		}
	}
	dirty := v.dirty()
	if dirty {
		say(v.result, "")
	}
	enable(v.save, dirty && ok && !v.busy)
	enable(v.undo, dirty && !v.busy)
}

func (v *settingsView) onUndo() {
	say(v.problem, "")
	v.showSettings(v.current)
}

// onSave saves every change together; on any problem nothing is saved
// and every problem is listed.
func (v *settingsView) onSave() {
	values := v.values()
	if len(values) == 0 || v.busy {
		return
	}
	say(v.problem, "")
	var (
		st  app.Settings
		err error
	)
	svc, actor := v.s.svc, v.admin.actor
	v.sc.busy(v.setBusy, func(ctx context.Context) {
		st, err = svc.UpdateSettings(ctx, actor, values)
	}, func() {
		if err != nil {
			say(v.problem, v.s.errorText(err))
			v.onChanged()
			return
		}
		v.showSettings(st)
		say(v.result, lang.L("The settings are saved."))
		v.admin.settingsChanged()
	})
}

func (v *settingsView) setBusy(busy bool) {
	v.busy = busy
	showActivity(v.activity, busy)
	v.onChanged()
}

// onTest queues a test message with the saved settings, and asks for it
// to leave at once; the outbox says whether it did.
func (v *settingsView) onTest() {
	if v.test.Disabled() {
		return
	}
	to := strings.TrimSpace(v.testTo.Text)
	enable(v.test, false)
	var err error
	svc, actor := v.s.svc, v.admin.actor
	v.sc.do(func(ctx context.Context) {
		err = svc.SendTestMail(ctx, actor, to)
	}, func() {
		enable(v.test, true)
		if err != nil {
			v.testSaid.Importance = widget.DangerImportance
			say(v.testSaid, v.s.errorText(err))
			return
		}
		v.testSaid.Importance = widget.SuccessImportance
		say(v.testSaid, lang.L("A test message to {{.Email}} is queued. Administration → E-mails shows whether it left, or the server's answer.",
			map[string]any{"Email": to}))
	})
}

// leave empties the secret fields.
func (v *settingsView) leave() {
	for _, f := range v.fields {
		if f.def.Secret {
			f.entry.wipe()
		}
	}
}

// settingHelp says what a setting does or which values it takes.
func settingHelp(d app.SettingDef) string {
	switch d.Key {
	case "company.admin_password_management":
		return lang.L("When on, administrators give temporary passwords and recovery e-mails on the user card (section Password and recovery), and an employee who forgot a password asks them. When off, these actions are gone.")
	case "temporary.custom_allowed":
		return lang.L("When off, temporary passwords are always generated.")
	}
	switch d.Kind {
	case app.KindInt:
		return lang.L("From {{.Min}} to {{.Max}}.", map[string]any{"Min": d.Min, "Max": d.Max})
	case app.KindDuration:
		return lang.L("From {{.Min}} to {{.Max}}, written as 90s, 15m, 24h or 7d.",
			map[string]any{"Min": app.FormatDuration(time.Duration(d.Min)), "Max": app.FormatDuration(time.Duration(d.Max))})
	}
	return ""
}
