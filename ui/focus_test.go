package ui

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// changedPixels counts the pixels that differ between two images of the
// same window with a contrast of at least 3:1 (WCAG 2.2, 1.4.11): what a
// person sees change.
func changedPixels(a, b image.Image) int {
	n := 0
	r := a.Bounds().Intersect(b.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if contrast(a.At(x, y), b.At(x, y)) >= 3 {
				n++
			}
		}
	}
	return n
}

// TestFocusIsVisibleOnEveryControl renders each kind of control of the
// window with and without the keyboard focus, in both variants of the
// theme: the focus must change a line of pixels around it, of at least
// 3:1 against what it replaces (WCAG 2.4.7 and 1.4.11). The main button
// ("Sign in") looked the same focused or not.
func TestFocusIsVisibleOnEveryControl(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	for _, variant := range []string{"light", "dark"} {
		test.ApplyTheme(t, variantTheme(variant))
		checkFocusRings(t, variant)
	}
}

func checkFocusRings(t *testing.T, variant string) {
	noop := func() {}
	pw := newPasswordEntry(noop, noop, "Show", "Hide")
	controls := map[string]focusable{
		"a field":              newEntry(noop, noop),
		"a password field":     pw,
		"a password field eye": pw.eye,
		"a check box":          newCheck("Disabled", func(bool) {}, noop, noop),
		"a list":               newChoice([]string{"Employee", "Administrator"}, func(string) {}, noop, noop),
		"a table":              newTable(inlineScope(), []tableColumn{{title: "Name", width: 100, weight: 1}}, func() int { return 3 }, func(int, []*tableCell) {}),
	}
	for _, imp := range []widget.Importance{widget.LowImportance, widget.MediumImportance, widget.HighImportance, widget.DangerImportance} {
		b := newButton("Sign in", noop, noop, noop)
		b.Importance = imp
		controls[map[widget.Importance]string{widget.LowImportance: "a quiet button", widget.MediumImportance: "a button",
			widget.HighImportance: "the main button", widget.DangerImportance: "a danger button"}[imp]] = b
	}
	{
		for what, c := range controls {
			target := fyne.CanvasObject(c)
			if c == fyne.CanvasObject(pw.eye) {
				target = pw
			}
			w := test.NewTempWindow(t, container.NewPadded(container.NewPadded(target)))
			w.Resize(fyne.NewSize(260, 120))
			w.Canvas().Unfocus()
			before := w.Canvas().Capture()
			w.Canvas().Focus(c)
			after := w.Canvas().Capture()
			size := c.Size()
			if n, want := changedPixels(before, after), int(size.Width+size.Height); n < want {
				t.Errorf("%s: %s: focus changes %d pixels visibly, want a ring of at least %d", variant, what, n, want)
			}
		}
	}
}

// fixedVariant is Sésame's theme in one variant, whatever the system's.
type fixedVariant struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (f fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return f.Theme.Color(n, f.v)
}

func variantTheme(name string) fyne.Theme {
	if name == "light" {
		return fixedVariant{newTheme(), theme.VariantLight}
	}
	return fixedVariant{newTheme(), theme.VariantDark}
}
