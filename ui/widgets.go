package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
	// onKey, when set, sees a key first and keeps it by returning true
	// (Down in the search box goes to the table below it).
	onKey func(k *fyne.KeyEvent) bool
	// onShortcut receives the shortcuts that a field does not use (Ctrl+F),
	// which the window would not see while the field has the focus.
	onShortcut func(s fyne.Shortcut)
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
	if e.onKey != nil && e.onKey(k) {
		return
	}
	if k.Name == fyne.KeyEscape {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

func (e *entry) TypedShortcut(s fyne.Shortcut) {
	e.onActivity()
	e.Entry.TypedShortcut(s)
	if _, custom := s.(*desktop.CustomShortcut); custom && e.onShortcut != nil {
		e.onShortcut(s)
		return
	}
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
	revealFocus(e)
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
	revealFocus(b)
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

// check is a check box that reports activity and on which Escape leaves
// the screen, as in a field.
type check struct {
	widget.Check
	onActivity func()
	onEscape   func()
}

func newCheck(label string, onChanged func(bool), onActivity, onEscape func()) *check {
	c := &check{onActivity: onActivity, onEscape: onEscape}
	c.Text, c.OnChanged = label, onChanged
	c.ExtendBaseWidget(c)
	return c
}

func (c *check) FocusGained() {
	c.onActivity()
	c.Check.FocusGained()
	revealFocus(c)
}

func (c *check) TypedKey(k *fyne.KeyEvent) {
	c.onActivity()
	if k.Name == fyne.KeyEscape {
		c.onEscape()
		return
	}
	c.Check.TypedKey(k)
}

func (c *check) Tapped(e *fyne.PointEvent) {
	c.onActivity()
	c.Check.Tapped(e)
}

// choice is a drop-down list that reports activity and on which Escape
// leaves the screen.
type choice struct {
	widget.Select
	onActivity func()
	onEscape   func()
}

func newChoice(options []string, onChanged func(string), onActivity, onEscape func()) *choice {
	c := &choice{onActivity: onActivity, onEscape: onEscape}
	c.Options, c.OnChanged = options, onChanged
	c.ExtendBaseWidget(c)
	return c
}

func (c *choice) FocusGained() {
	c.onActivity()
	c.Select.FocusGained()
	revealFocus(c)
}

func (c *choice) TypedKey(k *fyne.KeyEvent) {
	c.onActivity()
	if k.Name == fyne.KeyEscape {
		c.onEscape()
		return
	}
	c.Select.TypedKey(k)
}

func (c *choice) Tapped(e *fyne.PointEvent) {
	c.onActivity()
	c.Select.Tapped(e)
}

// checkRow puts a check box before its text, which wraps when narrow (a
// check box's own text does not) and which a click on ticks too.
func checkRow(c *check, text string) fyne.CanvasObject {
	c.Text = ""
	l := &tapLabel{onTap: func() {
		c.onActivity()
		if !c.Disabled() {
			c.SetChecked(!c.Checked)
		}
	}}
	l.Text, l.Wrapping = text, fyne.TextWrapWord
	l.ExtendBaseWidget(l)
	return container.NewBorder(nil, nil, c, nil, l)
}

// tapLabel is a label that does something when clicked.
type tapLabel struct {
	widget.Label
	onTap func()
}

func (l *tapLabel) Tapped(*fyne.PointEvent) { l.onTap() }
