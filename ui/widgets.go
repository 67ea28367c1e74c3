package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// entry is a text field that tells the session about activity (for the
// idle sign-out), lets Escape leave its screen, and, for a password, tells
// when its text was copied, so that the clipboard is cleared at sign-out.
type entry struct {
	widget.Entry
	focus
	captioned
	secret     bool    // a password field, whether or not its text is revealed
	eye        *button // reveals a password field's text; reached with Tab
	onActivity func()  // any key or click in the field
	onEscape   func()  // Escape in the field
	onCopied   func()  // a copy or cut from a password field
	// onKey, when set, sees a key first and keeps it by returning true
	// (Down in the search box goes to the table below it).
	onKey func(k *fyne.KeyEvent) bool
	// onShortcut receives the shortcuts that a field does not use (Ctrl+F),
	// which the window would not see while the field has the focus.
	onShortcut func(s fyne.Shortcut)
	// email says that the field holds e-mail addresses (glyphs.go).
	email bool
}

func newEntry(onActivity, onEscape func()) *entry {
	e := &entry{onActivity: onActivity, onEscape: onEscape}
	e.ExtendBaseWidget(e)
	return e
}

// newPasswordEntry is a masked field with an eye to reveal it, a button
// that Tab reaches after the field (Fyne's own eye takes only clicks);
// show and hide name what the eye does, for its tooltip. Paste works, as
// password managers need.
func newPasswordEntry(onActivity, onEscape func(), show, hide string) *entry {
	e := &entry{secret: true, onActivity: onActivity, onEscape: onEscape}
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.eye = newButton("", e.onEye, onActivity, onEscape)
	e.eye.Importance = widget.LowImportance
	e.eye.tips = [2]string{show, hide}
	e.ActionItem = e.eye
	e.ExtendBaseWidget(e)
	e.showEye()
	return e
}

// onEye reveals the password, or masks it again.
func (e *entry) onEye() {
	e.Password = !e.Password
	e.showEye()
	e.Refresh()
}

// showEye gives the eye the icon of what it would do.
func (e *entry) showEye() {
	if e.Password {
		e.eye.SetIcon(theme.VisibilityIcon())
		e.eye.tip = e.eye.tips[0]
	} else {
		e.eye.SetIcon(theme.VisibilityOffIcon())
		e.eye.tip = e.eye.tips[1]
	}
}

// wipe empties the field and masks it again.
func (e *entry) wipe() {
	if e.secret && !e.Password {
		e.onEye()
	}
	e.SetText("")
}

func (e *entry) TypedRune(r rune) {
	e.onActivity()
	if e.secret {
		e.Entry.TypedRune(r)
		return
	}
	for _, s := range showable(string(r), e.email) {
		e.Entry.TypedRune(s)
	}
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
	if p, ok := s.(*fyne.ShortcutPaste); ok && !e.secret && p.Clipboard != nil {
		s = &fyne.ShortcutPaste{Clipboard: showableClipboard{Clipboard: p.Clipboard, email: e.email}}
	}
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
	e.focused = true
	e.Refresh()
	revealFocus(e)
}

func (e *entry) FocusLost() {
	e.Entry.FocusLost()
	e.focused = false
	e.Refresh()
}

func (e *entry) Disable() { e.Entry.Disable(); e.refreshCaptions() }
func (e *entry) Enable()  { e.Entry.Enable(); e.refreshCaptions() }

func (e *entry) CreateRenderer() fyne.WidgetRenderer {
	return e.ring(e.Entry.CreateRenderer())
}

// button is a button that Enter presses too, as Space does, and on which
// Escape leaves the screen as it does in a field.
type button struct {
	widget.Button
	focus
	onActivity func() // the focus arriving, a key
	onEscape   func()
	tip        string    // said when the pointer rests on it, for a button with an icon alone
	tips       [2]string // the eye's two tips: show, hide
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
	b.focused = true
	b.Refresh()
	revealFocus(b)
}

func (b *button) FocusLost() {
	b.Button.FocusLost()
	b.focused = false
	b.Refresh()
}

func (b *button) CreateRenderer() fyne.WidgetRenderer {
	return b.ring(b.Button.CreateRenderer())
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
	focus
	captioned
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
	c.focused = true
	c.Refresh()
	revealFocus(c)
}

func (c *check) FocusLost() {
	c.Check.FocusLost()
	c.focused = false
	c.Refresh()
}

func (c *check) Disable() { c.Check.Disable(); c.refreshCaptions() }
func (c *check) Enable()  { c.Check.Enable(); c.refreshCaptions() }

func (c *check) CreateRenderer() fyne.WidgetRenderer {
	return c.ring(c.Check.CreateRenderer())
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
	focus
	captioned
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
	c.focused = true
	c.Refresh()
	revealFocus(c)
}

func (c *choice) FocusLost() {
	c.Select.FocusLost()
	c.focused = false
	c.Refresh()
}

func (c *choice) Disable() { c.Select.Disable(); c.refreshCaptions() }
func (c *choice) Enable()  { c.Select.Enable(); c.refreshCaptions() }

func (c *choice) CreateRenderer() fyne.WidgetRenderer {
	return c.ring(c.Select.CreateRenderer())
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
// check box's own text does not) and, clicked, ticks the box as its own
// would; the text looks disabled while the box is.
func checkRow(c *check, text string) fyne.CanvasObject {
	c.Text = ""
	l := &tapCaption{onTap: func() {
		c.onActivity()
		if !c.Disabled() {
			c.SetChecked(!c.Checked)
		}
	}}
	l.init(text, c, false)
	l.ExtendBaseWidget(l)
	c.addCaption(&l.caption)
	return container.NewBorder(nil, nil, c, nil, l)
}

// caption is the text of a control set beside or above it (checkRow,
// field), drawn in the theme's disabled colour while the control is
// disabled, as Fyne draws a control's own text: what cannot be used looks
// so everywhere in the window, still legible (the theme keeps the disabled
// colour at 4.5:1, WCAG 1.4.3).
type caption struct {
	widget.RichText
	of fyne.Disableable // nil: a caption of nothing that can be disabled
}

func (l *caption) init(text string, of fyne.Disableable, bold bool) {
	style := widget.RichTextStyleInline
	if bold {
		style = widget.RichTextStyleStrong
	}
	l.of = of
	l.Wrapping = fyne.TextWrapWord
	l.Scroll = fyne.ScrollNone // as a label: its whole text, wrapped
	l.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: text, Style: style}}
	l.follow()
}

// newCaption returns the caption of a control, above it.
func newCaption(text string, of fyne.Disableable, bold bool) *caption {
	l := &caption{}
	l.init(text, of, bold)
	l.ExtendBaseWidget(l)
	return l
}

// follow takes the colour of the control's state.
func (l *caption) follow() {
	seg := l.Segments[0].(*widget.TextSegment)
	seg.Style.ColorName = theme.ColorNameForeground
	if l.of != nil && l.of.Disabled() {
		seg.Style.ColorName = theme.ColorNameDisabled
	}
}

func (l *caption) Refresh() {
	l.follow()
	l.RichText.Refresh()
}

// tapCaption is a caption that does something when clicked.
type tapCaption struct {
	caption
	onTap func()
}

func (l *tapCaption) Tapped(*fyne.PointEvent) { l.onTap() }

// captioned is a control's captions, refreshed when it is disabled or
// enabled.
type captioned struct{ captions []*caption }

func (c *captioned) addCaption(l *caption) { c.captions = append(c.captions, l) }

func (c *captioned) refreshCaptions() {
	for _, l := range c.captions {
		l.Refresh()
	}
}

// focus is the keyboard focus as every control of the window shows it: a
// ring in the theme's focus colour around the control, outside its edge,
// so that it shows the same on a button of any importance, a field or a
// check box, against the page rather than the control (WCAG 2.4.7, and
// 1.4.11: 3:1 against what surrounds it). Fyne's own signs of focus are
// faint on some controls.
type focus struct{ focused bool }

// ringWidth is the ring's line, and ringGap its distance from the control.
const ringWidth, ringGap = 2, 2

// ring wraps a control's renderer with the ring.
func (f *focus) ring(r fyne.WidgetRenderer) fyne.WidgetRenderer {
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeColor = color.Transparent
	ring.StrokeWidth = ringWidth
	ring.CornerRadius = theme.Size(theme.SizeNameInputRadius) + ringGap
	return &ringRenderer{WidgetRenderer: r, f: f, ring: ring}
}

type ringRenderer struct {
	fyne.WidgetRenderer
	f    *focus
	ring *canvas.Rectangle
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	objs := r.WidgetRenderer.Objects()
	return append(objs[:len(objs):len(objs)], r.ring)
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	off := float32(ringWidth + ringGap)
	r.ring.Move(fyne.NewPos(-off, -off))
	r.ring.Resize(size.Add(fyne.NewSquareSize(2 * off)))
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	if r.f.focused {
		r.ring.StrokeColor = focusRingColor()
	} else {
		r.ring.StrokeColor = color.Transparent
	}
	r.ring.Refresh()
}
