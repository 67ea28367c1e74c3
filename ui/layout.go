package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
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
	return container.NewVScroll(container.NewPadded(container.New(column{width: columnWidth}, body)))
}

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
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
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
func field(caption string, input fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabel(caption)
	l.TextStyle.Bold = true
	l.Wrapping = fyne.TextWrapWord
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
	if c == nil {
		return
	}
	var scroll *container.Scroll
	var at fyne.Position // obj's place in the content of scroll
	var find func(o fyne.CanvasObject, in *container.Scroll, pos fyne.Position) bool
	find = func(o fyne.CanvasObject, in *container.Scroll, pos fyne.Position) bool {
		if o == nil || !o.Visible() {
			return false
		}
		if o == fyne.CanvasObject(obj) {
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
	objects := []fyne.CanvasObject{top, middle}
	if bottom != nil {
		objects = append(objects, bottom)
	}
	return container.New(layout.NewBorderLayout(top, bottom, nil, nil), objects...)
}
