package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// pageKind says which flow a password page serves.
type pageKind int

const (
	pageSetup   pageKind = iota // the first administrator's password
	pageReset                   // the reset that a temporary password enforces
	pageChange                  // the change of one's own password
	pageRecover                 // a new password with a recovery code
)

// passwordFlow is what a flow brings to the password page.
type passwordFlow struct {
	kind   pageKind
	title  string
	intro  string              // "" for none
	fields []fyne.CanvasObject // above the new password (the company at setup, the current password)
	inputs []*entry            // the flow's own fields among them, in order
	first  fyne.Focusable      // where the focus starts; the new password when nil
	submit string              // the submit button's label
	back   string              // the way back's label, "" for none
	// user is the login whose password is chosen: the rules are that
	// user's, and the check of every rule once the typing pauses; "" for
	// the setup, whose rules are given.
	user string
	// rules reads the policy and what the password must not contain, when
	// there is no user.
	rules func(ctx context.Context) (app.Policy, app.PolicyContext, error)
	// ready is what the flow adds to the form's readiness; nil for nothing.
	ready func() bool
	// save is called on the UI goroutine at the submit, with what the page
	// holds and the new password: it reads what else it needs from the
	// page, and returns the work to do off the UI goroutine.
	save func(held, password string) func(ctx context.Context) error
	// saved goes on once save succeeded.
	saved func()
	// failed handles an error of its flow, and reports whether it did;
	// the page says the others.
	failed func(err error) bool
	// onBack leaves the page; asked about first when something is typed.
	onBack func()
	// leaveText is the question asked then, and leaveYes its answer.
	leaveText, leaveYes string
}

// passwordPage is the one page on which a new password is chosen: the
// first administrator's at setup, the reset that a temporary password
// enforces, the change of one's own, and the recovery with a code. It
// shows the policy's requirements before anything is typed, the new
// password and its confirmation with feedback as they are typed (every
// rule that the submit applies, the stored hashes included), what its flow
// adds above them, the submit, and the way back, which asks first when
// something typed would be lost.
type passwordPage struct {
	s    *session
	sc   *scope
	kind pageKind
	flow passwordFlow

	form     *passwordForm
	question *question // whether to leave what is typed
	problem  *widget.Label
	submit   *button
	back     *button // nil without a way back
	activity *widget.Activity
	busy     bool
	ruleErr  error // the rules could not be read: nothing can be submitted
	content  fyne.CanvasObject
	// held is what the flow holds until the page is left (the temporary
	// password signed in with, the recovery code), then wiped.
	held string
}

// showPasswordPage builds the page of a flow in sc and puts it on view.
func (s *session) showPasswordPage(sc *scope, flow passwordFlow, held string) *passwordPage {
	p := &passwordPage{s: s, sc: sc, kind: flow.kind, flow: flow, held: held}
	var assess func(context.Context, string) (app.Assessment, error)
	if user := flow.user; user != "" {
		p.flow.rules = func(ctx context.Context) (app.Policy, app.PolicyContext, error) {
			return s.svc.PasswordRules(ctx, user)
		}
		assess = func(ctx context.Context, pw string) (app.Assessment, error) {
			return s.svc.AssessNewPassword(ctx, user, pw)
		}
	}
	p.form = s.newPasswordForm(sc, assess, p.onSubmit)
	p.form.onReady = func(bool) { p.refresh() }
	p.problem = notice(widget.DangerImportance)
	p.submit = s.newButton(flow.submit, widget.HighImportance, p.onSubmit)
	p.activity = newActivity()
	p.question = s.newQuestion(lang.L("Stay"))
	parts := []fyne.CanvasObject{brand(heading(flow.title))}
	if flow.intro != "" {
		parts = append(parts, paragraph(flow.intro))
	}
	parts = append(parts, flow.fields...)
	parts = append(parts, p.form.content)
	row := buttons(p.submit, p.activity)
	if flow.back != "" {
		p.back = s.newButton(flow.back, widget.LowImportance, p.onCancel)
		row.Add(p.back)
	}
	// The submit, what it said and the question stay in view below the
	// fields, which scroll: a low window shows them from the start.
	p.content = pageWithFooter(container.NewVBox(p.question.box, p.problem, row), parts...)
	p.refresh()

	first := flow.first
	if first == nil {
		first = p.form.password
	}
	s.show(p, p.content, first)
	p.loadRules()
	return p
}

// loadRules reads the policy, off the UI goroutine.
func (p *passwordPage) loadRules() {
	var (
		policy app.Policy
		ctx    app.PolicyContext
		err    error
	)
	p.sc.do(func(c context.Context) {
		policy, ctx, err = p.flow.rules(c)
	}, func() {
		if err != nil {
			p.ruleErr = err
			say(p.problem, p.s.errorText(err))
			p.refresh()
			return
		}
		p.form.setRules(policy, ctx)
	})
}

// ready reports whether the submit would go.
func (p *passwordPage) ready() bool {
	return p.form.ready() && !p.busy && p.ruleErr == nil && (p.flow.ready == nil || p.flow.ready())
}

// refresh enables the submit when the page is ready.
func (p *passwordPage) refresh() {
	if p.submit != nil {
		enable(p.submit, p.ready())
	}
}

func (p *passwordPage) setBusy(busy bool) {
	p.busy = busy
	showActivity(p.activity, busy)
	p.refresh()
}

func (p *passwordPage) onSubmit() {
	if !p.ready() {
		return
	}
	say(p.problem, "")
	next := p.form.password.Text
	work := p.flow.save(p.held, next)
	var err error
	p.sc.busy(p.setBusy, func(ctx context.Context) {
		err = work(ctx)
	}, func() {
		switch {
		case err == nil:
			p.flow.saved()
		case p.flow.failed != nil && p.flow.failed(err):
		case app.CodeOf(err) == app.EPolicy:
			p.form.refuse(next, app.AsError(err).Reasons)
			p.s.win.Canvas().Focus(p.form.password)
		default:
			say(p.problem, p.s.errorText(err))
		}
	})
}

// typed reports whether leaving would lose something typed.
func (p *passwordPage) typed() bool {
	for _, e := range p.flow.inputs {
		if e.Text != "" {
			return true
		}
	}
	return p.form.password.Text != "" || p.form.confirm.Text != ""
}

// onCancel is Escape, and the way back: it leaves, asking first when
// something typed would be lost. Escape on a page with no way back (the
// setup) does nothing; Escape with the question open keeps the page.
func (p *passwordPage) onCancel() {
	switch {
	case p.question.open():
		p.question.onNo()
	case p.flow.onBack == nil:
	case p.typed() || p.kind == pageReset: // leaving the reset signs out: never by a stray key
		p.question.ask(p.flow.leaveText, p.flow.leaveYes, p.flow.onBack)
	default:
		p.flow.onBack()
	}
}

// leave drops what the flow held, whichever way the page is left.
func (p *passwordPage) leave() { p.held = "" }

// passwordForm is the choice of a new password on the password page: the
// policy's requirements shown before anything is typed, the new password
// and its confirmation (each with an eye), and feedback at every
// keystroke: the length, the strength, every reason the policy would
// refuse it, a confirmation that differs. Once the typing pauses, the
// service judges the password by the rules that need the stored hashes
// too, and only then does the form say that it can be used.
type passwordForm struct {
	s        *session
	sc       *scope
	policy   app.Policy
	ctx      app.PolicyContext
	hasRules bool
	assess   func(ctx context.Context, password string) (app.Assessment, error)

	password, confirm *entry
	requirements      *widget.Label
	length            *widget.Label
	strength          *strengthMeter
	reasons           *widget.Label
	accept            *widget.Label // said when the password can be used
	mismatch          *widget.Label
	content           fyne.CanvasObject

	// local is the policy's judgement of the password localOf (zxcvbn's
	// estimate is costly: it is made once for each text, not at each
	// keystroke in the confirmation).
	local    app.Assessment
	localOf  string
	hasLocal bool
	// whole is the service's judgement of the password wholeOf, by every
	// rule; checking is the judgement under way.
	whole    app.Assessment
	wholeOf  string
	hasWhole bool
	checking latest
	wait     debounce
	// refused are the reasons the service gave for the password refusedOf
	// when it was submitted: they stay until it changes.
	refused   []app.Message
	refusedOf string
	accepted  bool // every rule accepts the password on view

	onReady func(bool) // told whether the form would now pass
}

// wholeCheckDelay is how long the typing pauses before the service judges
// the password by every rule (it costs a few argon2 verifications).
const wholeCheckDelay = 300 * time.Millisecond

// newPasswordForm builds the form in sc; Enter in either field calls
// onSubmit. The rules come with setRules.
func (s *session) newPasswordForm(sc *scope, assess func(context.Context, string) (app.Assessment, error), onSubmit func()) *passwordForm {
	f := &passwordForm{s: s, sc: sc, assess: assess, onReady: func(bool) {}, wait: debounce{delay: wholeCheckDelay}}
	f.password = s.newPasswordEntry(lang.L("New password"))
	f.confirm = s.newPasswordEntry(lang.L("The same again"))
	f.password.OnChanged = func(string) { f.onTyped() }
	f.confirm.OnChanged = func(string) { f.update() }
	f.password.OnSubmitted = func(string) {
		if f.confirm.Text == "" { // Enter after the first field goes on to the second
			s.win.Canvas().Focus(f.confirm)
			return
		}
		onSubmit()
	}
	f.confirm.OnSubmitted = func(string) { onSubmit() }

	f.requirements = paragraph(lang.L("Reading the rules…"))
	f.length = paragraph("")
	f.strength = newStrengthMeter()
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

// setRules gives the form the policy that judges the password, and what
// the password must not contain.
func (f *passwordForm) setRules(policy app.Policy, ctx app.PolicyContext) {
	f.policy, f.ctx, f.hasRules, f.hasLocal = policy, ctx, true, false
	f.requirements.SetText(lang.L("Your password needs:") + "\n" + f.s.bullets(policy.Requirements()))
	f.onTyped()
}

// setContext changes what the password must not contain (the setup's
// fields, as they are typed).
func (f *passwordForm) setContext(ctx app.PolicyContext) {
	f.ctx, f.hasLocal = ctx, false
	f.update()
}

// assessed is the policy's judgement of the password on view.
func (f *passwordForm) assessed() app.Assessment {
	if pw := f.password.Text; !f.hasLocal || pw != f.localOf {
		f.local, f.localOf, f.hasLocal = f.policy.Assess(pw, f.ctx), pw, true
	}
	return f.local
}

// refuse shows the reasons the service refused password for.
func (f *passwordForm) refuse(password string, reasons []app.Message) {
	f.refused, f.refusedOf = reasons, password
	f.update()
}

// ready reports whether the form may be submitted: the policy accepts the
// password and the confirmation is the same. The submit applies every rule
// again, so it need not wait for the service's judgement.
func (f *passwordForm) ready() bool {
	return f.hasRules && f.localOK() && f.confirmed() && !f.isRefused() && (!f.hasWhole || f.wholeOf != f.password.Text || f.whole.OK())
}

func (f *passwordForm) localOK() bool { return f.assessed().OK() }

func (f *passwordForm) confirmed() bool {
	return f.confirm.Text != "" && app.NormalizePassword(f.confirm.Text) == app.NormalizePassword(f.password.Text)
}

func (f *passwordForm) isRefused() bool {
	return len(f.refused) > 0 && f.password.Text == f.refusedOf
}

// onTyped follows the new password: the feedback at once, the service's
// judgement once the typing pauses.
func (f *passwordForm) onTyped() {
	f.checking.stop()
	f.wait.cancel()
	f.update()
	pw := f.password.Text
	if f.assess == nil || !f.hasRules || pw == "" || !f.localOK() {
		return // the policy alone already refuses it: nothing more to learn
	}
	f.wait.call(f.sc, func() {
		var (
			a   app.Assessment
			err error
		)
		f.checking.do(f.sc, func(ctx context.Context) {
			a, err = f.assess(ctx, pw)
		}, func() {
			if err != nil || f.password.Text != pw {
				return // the submit will say it
			}
			f.whole, f.wholeOf, f.hasWhole = a, pw, true
			f.update()
		})
	})
}

// update gives the feedback on what is typed now.
func (f *passwordForm) update() {
	pw := f.password.Text
	f.accepted = false
	say(f.accept, "")
	if pw == "" || !f.hasRules {
		say(f.length, "")
		f.strength.Hide()
		say(f.reasons, "")
	} else {
		a := f.assessed()
		if f.hasWhole && f.wholeOf == pw {
			a = f.whole
		}
		reasons := a.Reasons
		if f.isRefused() {
			reasons = append(reasons[:len(reasons):len(reasons)], f.refused...)
		}
		say(f.length, lang.N("Length: {{.N}} characters (at least {{.Min}})", a.Length,
			map[string]any{"N": a.Length, "Min": f.policy.MinLength}))
		f.strength.set(a.Strength, len(reasons) > 0)
		say(f.reasons, f.s.bullets(reasons))
		switch {
		case len(reasons) > 0:
		case f.assess != nil && (!f.hasWhole || f.wholeOf != pw):
			f.accept.Importance = widget.MediumImportance
			say(f.accept, lang.L("Checking it against your previous passwords…"))
		default:
			f.accepted = true
			f.accept.Importance = widget.SuccessImportance
			say(f.accept, lang.L("This password can be used."))
		}
	}
	if f.confirm.Text != "" && !f.confirmed() {
		say(f.mismatch, lang.L("The two passwords are not the same."))
	} else {
		say(f.mismatch, "")
	}
	// What was shown or hidden changes the form's height: the page lays it
	// out again at once, so that a click lands where it is aimed.
	f.content.Refresh()
	f.onReady(f.ready())
}
