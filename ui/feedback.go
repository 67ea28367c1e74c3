package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// passwordForm is the choice of a new password, shared by the setup, the
// enforced reset and the voluntary change: the policy's requirements shown
// before anything is typed, the new password and its confirmation (each
// with an eye), and feedback at every keystroke: the length, the strength,
// every reason the policy would refuse it, a confirmation that differs.
type passwordForm struct {
	s      *session
	policy app.Policy
	ctx    app.PolicyContext

	password, confirm *entry
	requirements      *widget.Label
	length            *widget.Label
	strength          *widget.ProgressBar
	reasons           *widget.Label
	accept            *widget.Label // said when the policy accepts the password
	mismatch          *widget.Label
	content           fyne.CanvasObject

	// refused are the reasons the service gave for the password on view
	// (the temporary one, one used recently): they stay until it changes.
	refused   []app.Message
	refusedOf string
	accepted  bool // whether the policy accepts the password on view

	onReady func(bool) // told whether the form would now pass
}

// newPasswordForm builds the form for a password judged by policy in ctx;
// Enter in either field calls onSubmit.
func (s *session) newPasswordForm(policy app.Policy, ctx app.PolicyContext, onSubmit func()) *passwordForm {
	f := &passwordForm{s: s, policy: policy, ctx: ctx, onReady: func(bool) {}}
	f.password = s.newPasswordEntry(lang.L("New password"))
	f.confirm = s.newPasswordEntry(lang.L("The same again"))
	f.password.OnChanged = func(string) { f.update() }
	f.confirm.OnChanged = func(string) { f.update() }
	f.password.OnSubmitted = func(string) {
		if f.confirm.Text == "" { // Enter after the first field goes on to the second
			s.win.Canvas().Focus(f.confirm)
			return
		}
		onSubmit()
	}
	f.confirm.OnSubmitted = func(string) { onSubmit() }

	f.requirements = paragraph(lang.L("Your password needs:") + "\n" + s.bullets(policy.Requirements()))
	f.length = paragraph("")
	f.strength = widget.NewProgressBar()
	f.strength.Max = 4
	f.strength.TextFormatter = func() string { return strengthWord(int(f.strength.Value)) }
	f.strength.Hide()
	f.reasons = notice(widget.DangerImportance)
	f.accept = notice(widget.SuccessImportance)
	f.mismatch = notice(widget.DangerImportance)
	f.content = container.NewVBox(
		f.requirements,
		field(lang.L("New password"), f.password),
		f.length, f.strength, f.reasons, f.accept,
		field(lang.L("Confirm the new password"), f.confirm),
		f.mismatch,
	)
	f.update()
	return f
}

// setContext changes what the password must not contain (the setup's
// fields, as they are typed).
func (f *passwordForm) setContext(ctx app.PolicyContext) {
	f.ctx = ctx
	f.update()
}

// refuse shows the reasons the service refused the password on view for.
func (f *passwordForm) refuse(reasons []app.Message) {
	f.refused, f.refusedOf = reasons, f.password.Text
	f.update()
}

// ready reports whether the form would pass: the policy accepts the
// password and the confirmation is the same.
func (f *passwordForm) ready() bool {
	return f.accepted && f.confirmed() && !f.isRefused()
}

func (f *passwordForm) confirmed() bool {
	return f.confirm.Text != "" && app.NormalizePassword(f.confirm.Text) == app.NormalizePassword(f.password.Text)
}

func (f *passwordForm) isRefused() bool {
	return len(f.refused) > 0 && f.password.Text == f.refusedOf
}

// update gives the feedback on what is typed now.
func (f *passwordForm) update() {
	pw := f.password.Text
	f.accepted = false
	if pw == "" {
		say(f.length, "")
		f.strength.Hide()
		say(f.reasons, "")
	} else {
		a := f.policy.Assess(pw, f.ctx)
		f.accepted = a.OK()
		say(f.length, lang.L("Length: {{.N}} characters (at least {{.Min}})",
			map[string]any{"N": a.Length, "Min": f.policy.MinLength}))
		if a.Strength >= 0 {
			f.strength.SetValue(float64(a.Strength))
			f.strength.Show()
		} else {
			f.strength.Hide()
		}
		reasons := a.Reasons
		if f.isRefused() {
			reasons = append(reasons[:len(reasons):len(reasons)], f.refused...)
		}
		say(f.reasons, f.s.bullets(reasons))
	}
	if f.accepted && !f.isRefused() {
		say(f.accept, lang.L("This password can be used."))
	} else {
		say(f.accept, "")
	}
	if f.confirm.Text != "" && !f.confirmed() {
		say(f.mismatch, lang.L("The two passwords are not the same."))
	} else {
		say(f.mismatch, "")
	}
	f.onReady(f.ready())
}

// strengthWord names a strength score from 0 to 4.
func strengthWord(score int) string {
	switch score {
	case 0:
		return lang.L("Strength: very weak")
	case 1:
		return lang.L("Strength: weak")
	case 2:
		return lang.L("Strength: fair")
	case 3:
		return lang.L("Strength: strong")
	}
	return lang.L("Strength: very strong")
}
