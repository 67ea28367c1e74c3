package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// strengthMeter shows how hard a password is to guess: five segments, as
// many filled as the score earns (one for very weak, five for very
// strong), in the colour of what it means, and the word beside them. When
// the password is refused for any reason, a strong score does not say
// "strong": the meter says it cannot be used.
type strengthMeter struct {
	widget.BaseWidget
	score   int
	refused bool
	bars    []*canvas.Rectangle
	word    *widget.Label
}

func newStrengthMeter() *strengthMeter {
	m := &strengthMeter{word: widget.NewLabel("")}
	m.word.Wrapping = fyne.TextWrapWord
	for range 5 {
		b := canvas.NewRectangle(color.Transparent)
		b.CornerRadius = 2
		b.SetMinSize(fyne.NewSize(18, 8))
		m.bars = append(m.bars, b)
	}
	m.ExtendBaseWidget(m)
	return m
}

// set shows a score from 0 to 4, or hides the meter for -1 (not measured).
func (m *strengthMeter) set(score int, refused bool) {
	m.score, m.refused = score, refused
	if score < 0 {
		m.Hide()
		return
	}
	m.Show()
	m.Refresh()
}

// text is what the meter says.
func (m *strengthMeter) text() string {
	// A refused password is never called fair or strong: the policy
	// knows more than the score (a breached password, the user's name).
	if m.refused && m.score >= 2 {
		return lang.L("Strength: cannot be used, see why below")
	}
	switch m.score {
	case 0:
		return lang.L("Strength: very weak")
	case 1:
		return lang.L("Strength: weak")
	case 2:
		return lang.L("Strength: fair")
	case 3:
		return lang.L("Strength: strong")
	}
	return lang.L("Strength: very strong")
}

func (m *strengthMeter) CreateRenderer() fyne.WidgetRenderer {
	bars := make([]fyne.CanvasObject, len(m.bars))
	for i, b := range m.bars {
		bars[i] = container.NewCenter(b)
	}
	row := container.NewBorder(nil, nil, container.New(layout.NewHBoxLayout(), bars...), nil, m.word)
	r := &strengthRenderer{WidgetRenderer: widget.NewSimpleRenderer(row), m: m}
	r.Refresh()
	return r
}

type strengthRenderer struct {
	fyne.WidgetRenderer
	m *strengthMeter
}

func (r *strengthRenderer) Refresh() {
	m := r.m
	on := theme.Color(theme.ColorNameSuccess)
	switch {
	case m.refused:
		on = theme.Color(theme.ColorNameError)
	case m.score < 3: // accepted under a short minimum length
		on = theme.Color(theme.ColorNameWarning)
	}
	off := theme.Color(theme.ColorNameInputBorder)
	for i, b := range m.bars {
		if i <= m.score {
			b.FillColor = on
		} else {
			b.FillColor = off
		}
		b.Refresh()
	}
	m.word.SetText(m.text())
	r.WidgetRenderer.Refresh()
}
