package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// columnWidth is the widest a screen's column grows: a form reads better
// narrow on a wide screen, and the same column fits a 360 px window.
const columnWidth = 460

// column lays its one object out centred and at most width wide, as high
// as it is given.
type column struct{ width float32 }

func (c column) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return objects[0].MinSize()
}

func (c column) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	w := max(min(size.Width, c.width), objects[0].MinSize().Width)
	objects[0].Move(fyne.NewPos(max((size.Width-w)/2, 0), 0))
	objects[0].Resize(fyne.NewSize(w, size.Height))
}

// page stacks a screen's parts in a centred column that scrolls when the
// window is low. Nothing in it has a fixed width, so that it stays usable
// when narrow.
func page(parts ...fyne.CanvasObject) fyne.CanvasObject {
	body := container.NewVBox(parts...)
	return vscroll(container.NewPadded(container.New(column{width: columnWidth}, body)))
}

// pageWithFooter is a page whose footer (the button that saves, what it
// said) stays in view below the part that scrolls.
func pageWithFooter(footer fyne.CanvasObject, parts ...fyne.CanvasObject) fyne.CanvasObject {
	bottom := container.NewPadded(container.New(column{width: columnWidth}, container.NewVBox(widget.NewSeparator(), footer)))
	return stacked(nil, page(parts...), bottom)
}

// vscroll is a vertical scroll container that the mouse wheel scrolls
// wherever the pointer is over it. A text field holds a scroll container of
// its own, which would take the wheel's turns (and do nothing with them,
// or move its text sideways) while the pointer is over it: a layer above
// the content takes them first and gives them to the page. It takes
// nothing else: clicks, drags and the pointer's moves go to what is
// below it.
func vscroll(content fyne.CanvasObject) fyne.CanvasObject {
	s := container.NewVScroll(content)
	w := &wheel{scroll: s}
	w.ExtendBaseWidget(w)
	return container.NewStack(s, w)
}

// wheel passes the mouse wheel to its scroll container.
type wheel struct {
	widget.BaseWidget
	scroll *container.Scroll
}

func (w *wheel) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(&fyne.Container{})
}

func (w *wheel) Scrolled(e *fyne.ScrollEvent) { w.scroll.Scrolled(e) }

// heading is a screen's title.
func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameHeadingText
	l.TextStyle.Bold = true
	l.Wrapping = fyne.TextWrapWord
	return l
}

// brand puts the keyhole before a heading, on the screens that open the
// window.
func brand(title *widget.Label) fyne.CanvasObject {
	logo := canvas.NewImageFromResource(icon)
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSquareSize(40))
	return container.NewBorder(nil, nil, logo, nil, title)
}

// barTitle is what a signed-in window is, at the left of its top bar: the
// keyhole and a word, on one line.
func barTitle(text string) fyne.CanvasObject {
	logo := canvas.NewImageFromResource(icon)
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSquareSize(24))
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	return container.NewHBox(logo, l)
}

// paragraph is text that wraps to the window's width.
func paragraph(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// notice is a paragraph of a given importance (an error, a success) that
// is hidden while it has nothing to say.
func notice(importance widget.Importance) *widget.Label {
	l := paragraph("")
	l.Importance = importance
	l.Hide()
	return l
}

// say shows text in a notice, or hides it when text is empty.
func say(l *widget.Label, text string) {
	if text == l.Text && (text != "") == l.Visible() {
		return
	}
	l.SetText(text)
	showIf(l, text != "")
}

// showIf shows or hides obj, and lays the window out again when that
// changes anything. Fyne's canvas lays a container out again when its own
// size changes, not when one of its objects appears or disappears: without
// this, a notice that goes away leaves a gap where a click lands on
// nothing, and one that comes covers what follows it.
func showIf(obj fyne.CanvasObject, on bool) {
	if on == obj.Visible() {
		obj.Refresh()
		relayout(obj)
		return
	}
	if on {
		obj.Show()
	} else {
		obj.Hide()
	}
	relayout(obj)
}

// relayout lays out again the window that shows obj, from the top, with
// the sizes its objects need now.
func relayout(obj fyne.CanvasObject) {
	app := fyne.CurrentApp()
	if app == nil {
		return
	}
	if c := app.Driver().CanvasForObject(obj); c != nil && c.Content() != nil {
		c.Content().Refresh()
	}
}

// info is a caption above a value that is only read, close together.
func info(caption, value string) *widget.RichText {
	t := widget.NewRichText(
		&widget.TextSegment{Text: caption, Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: true}}},
		&widget.TextSegment{Text: value, Style: widget.RichTextStyleParagraph},
	)
	t.Wrapping = fyne.TextWrapWord
	return t
}

// field puts a caption above an input: above rather than beside, so that a
// narrow window still has room for what is typed.
func field(text string, input fyne.CanvasObject) fyne.CanvasObject {
	c, ok := input.(interface {
		fyne.Disableable
		addCaption(*caption)
	})
	if !ok {
		return container.NewVBox(newCaption(text, nil, true), input)
	}
	l := newCaption(text, c, true)
	c.addCaption(l)
	return container.NewVBox(l, input)
}

// newActivity is the indicator of slow work under way, hidden meanwhile.
func newActivity() *widget.Activity {
	a := widget.NewActivity()
	a.Hide()
	return a
}

// showActivity shows and animates the indicator while on.
func showActivity(a *widget.Activity, on bool) {
	if on {
		a.Show()
		a.Start()
	} else {
		a.Stop()
		a.Hide()
	}
}

// enable enables or disables a button.
func enable(b *button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// masterDetail lays out a list (the master) and the detail of one of its
// items: side by side when there is room for both, the detail alone in
// place of the list otherwise (a narrow window, as on a telephone); the
// list alone while the detail is hidden.
type masterDetail struct {
	minMaster   float32 // the narrowest the list may be beside the detail
	detailWidth float32 // the width of the detail beside the list
}

func (m masterDetail) MinSize(objects []fyne.CanvasObject) fyne.Size {
	a, b := objects[0].MinSize(), objects[1].MinSize()
	return fyne.NewSize(max(a.Width, b.Width), max(a.Height, b.Height))
}

// wide reports whether both fit side by side in width.
func (m masterDetail) wide(width float32) bool { return width >= m.minMaster+m.detailWidth }

func (m masterDetail) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	master, detail := objects[0], objects[1]
	switch {
	case !detail.Visible():
		master.Show()
		master.Move(fyne.NewPos(0, 0))
		master.Resize(size)
	case m.wide(size.Width):
		master.Show()
		gap := theme.Padding()
		w := min(max(m.detailWidth, size.Width*0.36), m.detailWidth*1.3)
		master.Move(fyne.NewPos(0, 0))
		master.Resize(fyne.NewSize(size.Width-w-gap, size.Height))
		detail.Move(fyne.NewPos(size.Width-w, 0))
		detail.Resize(fyne.NewSize(w, size.Height))
	default:
		master.Hide()
		detail.Move(fyne.NewPos(0, 0))
		detail.Resize(size)
	}
}

// focusable is a widget that takes the focus.
type focusable interface {
	fyne.CanvasObject
	fyne.Focusable
}

// revealFocus scrolls the scroll container that holds obj, if any, so
// that obj is in view. Fyne's scroll containers do not follow the focus:
// without this, Tab would go on to fields below the window's edge.
func revealFocus(obj focusable) {
	d := fyne.CurrentApp().Driver()
	c := d.CanvasForObject(obj)
	for _, w := range d.AllWindows() { // an object never drawn yet has no canvas of its own
		if c == nil && w.Canvas().Focused() == fyne.Focusable(obj) {
			c = w.Canvas()
		}
	}
	if c != nil {
		reveal(c, obj)
	}
}

// reveal scrolls the scroll container of c that holds obj, if any, so that
// obj is in view: feedback that appears below the window's edge is
// brought to where the person is looking.
func reveal(c fyne.Canvas, obj fyne.CanvasObject) {
	var scroll *container.Scroll
	var at fyne.Position // obj's place in the content of scroll
	var find func(o fyne.CanvasObject, in *container.Scroll, pos fyne.Position) bool
	find = func(o fyne.CanvasObject, in *container.Scroll, pos fyne.Position) bool {
		if o == nil || !o.Visible() {
			return false
		}
		if o == obj {
			scroll, at = in, pos
			return true
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, child := range x.Objects {
				if find(child, in, pos.Add(child.Position())) {
					return true
				}
			}
		case *container.Scroll:
			return find(x.Content, x, fyne.NewPos(0, 0))
		}
		return false
	}
	if !find(c.Content(), nil, fyne.NewPos(0, 0)) || scroll == nil || scroll.Direction == container.ScrollHorizontalOnly {
		return
	}
	// What was just shown in the scroll may not be laid out yet.
	scroll.Refresh()
	find(c.Content(), nil, fyne.NewPos(0, 0))
	top, bottom := at.Y, at.Y+obj.Size().Height
	off, view := scroll.Offset.Y, scroll.Size().Height
	switch {
	case top < off:
		off = top
	case bottom > off+view:
		off = bottom - view
	default:
		return
	}
	scroll.ScrollToOffset(fyne.NewPos(scroll.Offset.X, max(off, 0)))
}

// stacked lays out a screen's top part, its middle and its bottom part (nil
// for none), the middle taking the room left over, as a border layout
// does; but in reading order, which Tab follows, where container.NewBorder
// puts the middle first.
func stacked(top, middle, bottom fyne.CanvasObject) *fyne.Container {
	var objects []fyne.CanvasObject
	for _, o := range []fyne.CanvasObject{top, middle, bottom} {
		if o != nil {
			objects = append(objects, o)
		}
	}
	return container.New(&stack{top: top, bottom: bottom}, objects...)
}

// stack is stacked's layout: a border layout's, top, middle and bottom
// only, whose top and bottom are as high as they need at its width (see
// heightAt).
type stack struct{ top, bottom fyne.CanvasObject }

// MinSize is that of its parts one below the other, as a vbox's.
func (s *stack) MinSize(objects []fyne.CanvasObject) fyne.Size { return vbox{}.MinSize(objects) }

func (s *stack) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	y, end := float32(0), size.Height
	if s.top != nil && s.top.Visible() {
		h := heightAt(s.top, size.Width)
		s.top.Move(fyne.NewPos(0, 0))
		s.top.Resize(fyne.NewSize(size.Width, h))
		y = h + pad
	}
	if s.bottom != nil && s.bottom.Visible() {
		h := heightAt(s.bottom, size.Width)
		s.bottom.Move(fyne.NewPos(0, size.Height-h))
		s.bottom.Resize(fyne.NewSize(size.Width, h))
		end = size.Height - h - pad
	}
	for _, o := range visibleObjects(objects) {
		if o != s.top && o != s.bottom {
			o.Move(fyne.NewPos(0, y))
			o.Resize(fyne.NewSize(size.Width, max(0, end-y)))
		}
	}
}

// either lays out the first of its objects that fits in the width it is
// given, and hides the others: a bar of buttons where there is room, a list
// to choose from where there is not. Its least width is the last one's, so
// that the window may be narrow.
type either struct{}

func (either) MinSize(objects []fyne.CanvasObject) fyne.Size {
	size := objects[len(objects)-1].MinSize()
	for _, o := range objects {
		size.Height = max(size.Height, o.MinSize().Height)
	}
	return size
}

func (either) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	chosen := len(objects) - 1
	for i, o := range objects {
		if o.MinSize().Width <= size.Width {
			chosen = i
			break
		}
	}
	for i, o := range objects {
		if i != chosen {
			o.Hide()
			continue
		}
		o.Show()
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(size.Width, o.MinSize().Height))
	}
}

// rowOrColumn lays its objects out in a row, the first taking the width
// left over, where the row leaves the first at least rowFirst wide; one
// below the other, each as wide as the column, where it does not (a
// filter and its choices, in a narrow window). Its height is that of the
// way it was laid out last.
type rowOrColumn struct{ column bool }

// rowFirst is the least width of the first object of a row.
const rowFirst = 220

func (r *rowOrColumn) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var size fyne.Size
	for _, o := range visibleObjects(objects) {
		m := o.MinSize()
		size.Width = max(size.Width, m.Width)
		switch {
		case !r.column:
			size.Height = max(size.Height, m.Height)
		case size.Height > 0:
			size.Height += theme.Padding() + m.Height
		default:
			size.Height = m.Height
		}
	}
	return size
}

func (r *rowOrColumn) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objs := visibleObjects(objects)
	if len(objs) == 0 {
		return
	}
	pad := theme.Padding()
	rest, height := float32(0), float32(0)
	for _, o := range objs[1:] {
		rest += o.MinSize().Width + pad
		height = max(height, o.MinSize().Height)
	}
	height = max(height, objs[0].MinSize().Height)
	r.column = size.Width-rest < max(rowFirst, objs[0].MinSize().Width)
	if !r.column {
		x := size.Width - rest
		objs[0].Move(fyne.NewPos(0, 0))
		objs[0].Resize(fyne.NewSize(x, height))
		for _, o := range objs[1:] {
			x += pad
			o.Move(fyne.NewPos(x, 0))
			o.Resize(fyne.NewSize(o.MinSize().Width, height))
			x += o.MinSize().Width
		}
		return
	}
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
}

func visibleObjects(objects []fyne.CanvasObject) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, o := range objects {
		if o.Visible() {
			out = append(out, o)
		}
	}
	return out
}

// atLeast gives its one object at least a width: a list to choose from
// whose longest choice would be cut.
type atLeast struct{ width float32 }

func (a atLeast) MinSize(objects []fyne.CanvasObject) fyne.Size {
	m := objects[0].MinSize()
	return fyne.NewSize(max(m.Width, a.width), m.Height)
}

func (a atLeast) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(size)
}

// widestText is the width of the widest of texts, in the theme's text.
func widestText(texts []string) float32 {
	w := float32(0)
	for _, t := range texts {
		w = max(w, fyne.MeasureText(t, theme.TextSize(), fyne.TextStyle{}).Width)
	}
	return w
}

// flow lays its objects out left to right at their least size, going on
// to a new line where the width runs out: a row of buttons that a narrow
// window puts one below the other. Its least height is that of the width
// it was laid out in last (one line before that); vbox, and stacked's
// top, ask it for its height at the width they are about to give it
// (heightFor), so that a new width takes effect in the same pass.
type flow struct{ width float32 }

// buttons is a row of buttons that flows.
func buttons(objects ...fyne.CanvasObject) *fyne.Container {
	return container.New(&flow{}, objects...)
}

func (f *flow) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var size fyne.Size
	for _, o := range visibleObjects(objects) {
		size.Width = max(size.Width, o.MinSize().Width)
	}
	return fyne.NewSize(size.Width, f.heightFor(objects, f.width))
}

func (f *flow) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	f.place(objects, size.Width, true)
}

func (f *flow) heightFor(objects []fyne.CanvasObject, width float32) float32 {
	return f.place(objects, width, false)
}

// place flows the objects into width (one line when it is 0) and returns
// the height they take; it moves them there when move is set.
func (f *flow) place(objects []fyne.CanvasObject, width float32, move bool) float32 {
	pad := theme.Padding()
	x, y, line := float32(0), float32(0), float32(0)
	for _, o := range visibleObjects(objects) {
		m := o.MinSize()
		if x > 0 && width > 0 && x+m.Width > width {
			x, y = 0, y+line+pad
			line = 0
		}
		if move {
			o.Move(fyne.NewPos(x, y))
			o.Resize(m)
		}
		x += m.Width + pad
		line = max(line, m.Height)
	}
	return y + line
}

// heightForWidth is a layout whose height depends on the width it is given.
type heightForWidth interface {
	heightFor(objects []fyne.CanvasObject, width float32) float32
}

// heightAt is the height that o takes in width: the height its layout
// says for that width, or its least height once it has that width (a
// wrapped label, or a container of one, is as high as its lines there).
func heightAt(o fyne.CanvasObject, width float32) float32 {
	if c, ok := o.(*fyne.Container); ok {
		if l, ok := c.Layout.(heightForWidth); ok {
			return l.heightFor(c.Objects, width)
		}
	}
	if o.Size().Width != width {
		o.Resize(fyne.NewSize(width, o.Size().Height))
	}
	return o.MinSize().Height
}

// vbox lays its objects out one below the other, each as wide as the
// column and as high as it needs at that width (a flow there may take
// several lines), padding between them: a VBox whose flows' heights follow
// the width at once.
type vbox struct{}

func (vbox) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var size fyne.Size
	for i, o := range visibleObjects(objects) {
		m := o.MinSize()
		size.Width = max(size.Width, m.Width)
		size.Height += m.Height
		if i > 0 {
			size.Height += theme.Padding()
		}
	}
	return size
}

func (vbox) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range visibleObjects(objects) {
		h := heightAt(o, size.Width)
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + theme.Padding()
	}
}

func (vbox) heightFor(objects []fyne.CanvasObject, width float32) float32 {
	h := float32(0)
	for i, o := range visibleObjects(objects) {
		if i > 0 {
			h += theme.Padding()
		}
		h += heightAt(o, width)
	}
	return h
}
