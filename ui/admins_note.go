package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

const (
	// adminsNamed is how many administrators the note names at first: a
	// large company has thousands.
	adminsNamed = 5
	// adminsListed is how many "Show more" names at most.
	adminsListed = 100
)

// adminsNote names the administrators whom to ask for a new password: a
// few at first and, when there are more, a button that names up to a
// hundred. Before it the text of its screen, lead.
type adminsNote struct {
	s       *session
	sc      *scope
	lead    string
	text    *widget.Label
	more    *button
	content *fyne.Container
}

func (s *session) newAdminsNote(sc *scope, lead string) *adminsNote {
	n := &adminsNote{s: s, sc: sc, lead: lead}
	n.text = paragraph(lead)
	n.more = s.newButton(lang.L("Show more administrators"), widget.LowImportance, func() { n.load(adminsListed) })
	n.more.Hide()
	n.content = container.NewVBox(n.text, n.more)
	n.load(adminsNamed)
	return n
}

// load reads up to limit administrators and names them.
func (n *adminsNote) load(limit int) {
	var (
		admins []app.User
		total  int
		err    error
	)
	n.sc.do(func(ctx context.Context) {
		admins, total, err = n.s.svc.Administrators(ctx, limit)
	}, func() {
		more := total > len(admins)
		if err != nil {
			n.text.SetText(n.lead + " " + lang.L("Ask the person who looks after Sésame in your company."))
			return
		}
		n.text.SetText(strings.TrimSpace(n.lead + " " + askAdministrators(admins, more)))
		showIf(n.more, more && limit < adminsListed)
	})
}

// askAdministrators names whom to ask for a new password; more says that
// there are others than those named.
func askAdministrators(admins []app.User, more bool) string {
	if len(admins) == 0 {
		return lang.L("Ask the person who looks after Sésame in your company.")
	}
	names := make([]string, len(admins))
	for i, a := range admins {
		names[i] = a.Name
	}
	list := strings.Join(names, ", ")
	if more {
		return lang.L("Ask one of your administrators: {{.Names}}, or another administrator of your company.", map[string]any{"Names": list})
	}
	return lang.N("Ask your administrator: {{.Names}}.", len(admins), map[string]any{"Names": list})
}
