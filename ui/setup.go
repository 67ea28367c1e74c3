package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"sesame/app"
)

// setupWindow is the size the first run needs to show its whole form.
var setupWindow = fyne.NewSize(520, 780)

// showSetup is the first run on an empty database: the company's name and
// its first administrator, whose password is chosen on the password page.
// The administrator is then signed in, without typing the password again.
func (s *session) showSetup() *passwordPage {
	sc := s.enter()
	company := s.newEntry(lang.L("Company name"))
	email := s.newEmailEntry(lang.L("name@company.com"))
	name := s.newEntry(lang.L("First and last name"))
	var p *passwordPage
	for _, e := range []*entry{company, email, name} {
		e.OnChanged = func(string) {
			if p != nil {
				p.form.setContext(app.PolicyContext{Login: strings.TrimSpace(email.Text), Name: name.Text, Company: company.Text})
				p.refresh()
			}
		}
		e.OnSubmitted = func(string) { s.win.Canvas().FocusNext() } // Enter goes on through the form
	}
	var user app.User
	p = s.showPasswordPage(sc, passwordFlow{
		kind:   pageSetup,
		title:  lang.L("Set up Sésame"),
		intro:  lang.L("Nobody uses this database yet. Name the company and create its first administrator: you."),
		fields: []fyne.CanvasObject{field(lang.L("Company name"), company), field(lang.L("Your e-mail"), email), field(lang.L("Your name"), name)},
		inputs: []*entry{company, email, name},
		first:  company,
		submit: lang.L("Create the company"),
		rules: func(context.Context) (app.Policy, app.PolicyContext, error) {
			return s.svc.SetupRules(), app.PolicyContext{}, nil
		},
		ready: func() bool {
			return strings.TrimSpace(company.Text) != "" && strings.TrimSpace(email.Text) != "" && strings.TrimSpace(name.Text) != ""
		},
		save: func(_, password string) func(context.Context) error {
			req := app.SetupRequest{Company: company.Text, Email: email.Text, Name: name.Text, Password: password}
			return func(ctx context.Context) error {
				u, _, err := s.svc.Setup(ctx, app.Actor{}, req)
				if err != nil {
					return err
				}
				// Signed in at once, as a sign-in would: audited, and the
				// last sign-in recorded.
				res, err := s.svc.SignIn(ctx, u.Email, password)
				user = res.User
				if err == nil {
					err = app.OutcomeError(res)
				}
				return err
			}
		},
		saved: func() {
			s.st.CompanyName = strings.TrimSpace(company.Text)
			s.signedIn(user, lang.L("{{.Company}} is set up, and you are signed in as its administrator.",
				map[string]any{"Company": strings.Join(strings.Fields(company.Text), " ")}))
		},
		failed: func(err error) bool {
			if app.CodeOf(err) != app.EConflict {
				return false
			}
			s.showSignIn("", s.errorText(err)) // set up meanwhile, from the command line
			return true
		},
	}, "")
	s.idle.halt() // a form that takes time to fill in, with nobody's account open
	s.roomFor(setupWindow)
	return p
}
