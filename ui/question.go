package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// question asks, in place, before something is lost: a sentence, the
// button that goes on (it says what it does), and the one that stays,
// which has the focus and which Escape answers. It is hidden while nothing
// is asked.
type question struct {
	s    *session
	box  *fyne.Container
	text *widget.Label
	yes  *button
	no   *button
	then func() // what yes goes on with
}

func (s *session) newQuestion(no string) *question {
	q := &question{s: s}
	q.text = paragraph("")
	q.text.TextStyle.Bold = true
	q.yes = s.newButton("", widget.DangerImportance, q.onYes)
	q.no = s.newButton(no, widget.MediumImportance, q.onNo)
	q.box = container.NewVBox(q.text, buttons(q.no, q.yes), widget.NewSeparator())
	q.box.Hide()
	return q
}

// ask shows the question; the button labelled yes goes on with then.
func (q *question) ask(text, yes string, then func()) {
	q.then = then
	q.text.SetText(text)
	q.yes.SetText(yes)
	showIf(q.box, true)
	q.s.win.Canvas().Focus(q.no)
}

// open reports whether the question waits for an answer.
func (q *question) open() bool { return q.box.Visible() }

func (q *question) onYes() {
	then := q.then
	q.close()
	if then != nil {
		then()
	}
}

func (q *question) onNo() { q.close() }

func (q *question) close() {
	q.then = nil
	showIf(q.box, false)
}
