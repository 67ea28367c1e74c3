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
