package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// entry is a text field that tells the session about activity (for the
// idle sign-out), lets Escape leave its screen, and, for a password, tells
// when its text was copied, so that the clipboard is cleared at sign-out.
type entry struct {
	widget.Entry
	secret     bool   // a password field, whether or not its text is revealed
	onActivity func() // any key or click in the field
	onEscape   func() // Escape in the field
	onCopied   func() // a copy or cut from a password field
}

func newEntry(onActivity, onEscape func()) *entry {
	e := &entry{onActivity: onActivity, onEscape: onEscape}
	e.ExtendBaseWidget(e)
	return e
}

// newPasswordEntry is a masked field with an eye to reveal it: Fyne adds
// the eye to any entry with Password set and no ActionItem. Paste works, as
// password managers need.
func newPasswordEntry(onActivity, onEscape func()) *entry {
	e := &entry{secret: true, onActivity: onActivity, onEscape: onEscape}
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// wipe empties the field and masks it again.
func (e *entry) wipe() {
	e.Password = e.secret
	e.SetText("")
}

func (e *entry) TypedRune(r rune) {
	e.onActivity()
	e.Entry.TypedRune(r)
}

func (e *entry) TypedKey(k *fyne.KeyEvent) {
	e.onActivity()
	if k.Name == fyne.KeyEscape {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

func (e *entry) TypedShortcut(s fyne.Shortcut) {
	e.onActivity()
	e.Entry.TypedShortcut(s)
	if !e.secret || e.onCopied == nil {
		return
	}
	switch s.(type) {
	case *fyne.ShortcutCopy, *fyne.ShortcutCut:
		e.onCopied()
	}
}

func (e *entry) MouseDown(m *desktop.MouseEvent) {
	e.onActivity()
	e.Entry.MouseDown(m)
}

// KeyDown comes for every key, Tab included, which moves the focus
// without a TypedKey.
func (e *entry) KeyDown(k *fyne.KeyEvent) {
	e.onActivity()
	e.Entry.KeyDown(k)
}

func (e *entry) FocusGained() {
	e.onActivity()
	e.Entry.FocusGained()
}

// button is a button that Enter presses too, as Space does, and on which
// Escape leaves the screen as it does in a field.
type button struct {
	widget.Button
	onActivity func() // the focus arriving, a key
	onEscape   func()
}

func newButton(label string, onTapped, onActivity, onEscape func()) *button {
	b := &button{onActivity: onActivity, onEscape: onEscape}
	b.Text, b.OnTapped = label, onTapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *button) FocusGained() {
	b.onActivity()
	b.Button.FocusGained()
}

func (b *button) TypedKey(k *fyne.KeyEvent) {
	b.onActivity()
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(nil)
	case fyne.KeyEscape:
		b.onEscape()
	default:
		b.Button.TypedKey(k)
	}
}

// activitySurface lies under a screen's content and reports the pointer
// moving or clicking where no widget takes it, for the idle sign-out.
type activitySurface struct {
	widget.BaseWidget
	onActivity func()
}

func newActivitySurface(onActivity func()) *activitySurface {
	a := &activitySurface{onActivity: onActivity}
	a.ExtendBaseWidget(a)
	return a
}

func (a *activitySurface) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(&fyne.Container{})
}

func (a *activitySurface) Tapped(*fyne.PointEvent)        { a.onActivity() }
func (a *activitySurface) MouseIn(*desktop.MouseEvent)    { a.onActivity() }
func (a *activitySurface) MouseMoved(*desktop.MouseEvent) { a.onActivity() }
func (a *activitySurface) MouseOut()                      {}
