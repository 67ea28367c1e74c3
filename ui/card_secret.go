package ui

import (
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// secretView shows a password that Sésame made, for the administrator to
// hand over: read-only, masked until the eye shows it, with a button that
// copies it to the clipboard, emptied again after clearAfter.
type secretView struct {
	s          *session
	sc         *scope
	text       string
	revealed   bool
	clearAfter time.Duration

	value   *widget.Label
	eye     *button
	copy    *button
	said    *widget.Label // what the copy did
	content *fyne.Container
}

func (s *session) newSecretView(sc *scope, clearAfter time.Duration) *secretView {
	v := &secretView{s: s, sc: sc, clearAfter: clearAfter}
	v.value = widget.NewLabel("")
	v.value.TextStyle.Monospace = true
	v.value.Wrapping = fyne.TextWrapBreak
	v.eye = s.newButton(lang.L("Show"), widget.MediumImportance, v.onEye)
	v.copy = s.newButton(lang.L("Copy"), widget.MediumImportance, v.onCopy)
	v.copy.Icon = theme.ContentCopyIcon()
	v.said = notice(widget.SuccessImportance)
	box := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	box.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	v.content = container.NewVBox(
		container.NewStack(box, v.value),
		buttons(v.eye, v.copy),
		v.said,
	)
	v.content.Hide()
	v.update()
	return v
}

// set shows a new password, masked.
func (v *secretView) set(text string) {
	v.text, v.revealed = text, false
	say(v.said, "")
	v.update()
	showIf(v.content, true)
}

// clear forgets the password: it can no longer be shown or copied.
func (v *secretView) clear() {
	v.text, v.revealed = "", false
	say(v.said, "")
	v.update()
	showIf(v.content, false)
}

// shown is the text on view: the password, or as many dots.
func (v *secretView) shown() string { return v.value.Text }

func (v *secretView) update() {
	if v.revealed {
		v.value.SetText(v.text)
		v.eye.SetText(lang.L("Hide"))
		v.eye.SetIcon(theme.VisibilityOffIcon())
	} else {
		v.value.SetText(strings.Repeat("•", utf8.RuneCountInString(v.text)))
		v.eye.SetText(lang.L("Show"))
		v.eye.SetIcon(theme.VisibilityIcon())
	}
}

func (v *secretView) onEye() {
	if v.text == "" {
		return
	}
	v.revealed = !v.revealed
	v.update()
}

func (v *secretView) onCopy() {
	if v.text == "" {
		return
	}
	err := v.s.copySecret(v.text, v.clearAfter, func(emptied bool) {
		if !v.sc.alive() {
			return
		}
		v.said.Importance = widget.MediumImportance
		if emptied {
			say(v.said, lang.L("The clipboard was emptied."))
		} else {
			say(v.said, lang.L("The clipboard holds something else now: it was left as it is."))
		}
	})
	if err != nil {
		v.said.Importance = widget.DangerImportance
		say(v.said, lang.L("The clipboard cannot be used here: show the password and pass it on by hand."))
		return
	}
	v.said.Importance = widget.SuccessImportance
	say(v.said, lang.L("Copied. The clipboard will be emptied in {{.Duration}}.",
		map[string]any{"Duration": duration(v.clearAfter)}))
	reveal(v.s.win.Canvas(), v.said)
}
