package ui

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is a colour's relative luminance (WCAG 2.2, 1.4.3).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of two opaque colours, 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// over is c drawn over an opaque background, as the screen shows it.
func over(c, bg color.Color) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(n.A) / 0xff
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(n.R, b.R), G: mix(n.G, b.G), B: mix(n.B, b.B), A: 0xff}
}

// TestThemeContrast computes the contrast of every text colour that the
// window uses on every surface it is drawn on, in both variants of the
// theme: at least 4.5:1 (WCAG 2.2 AA, 1.4.3), the greyed text of a
// disabled control and a placeholder included; and of the focus ring
// against the surfaces it is drawn on: at least 3:1 (1.4.11). Fyne's own
// "disabled" grey was #39393A on #171718, 1.5:1.
func TestThemeContrast(t *testing.T) {
	for _, p := range contrastProblems(newTheme()) {
		t.Error(p)
	}
	// The test sees what it is there for: Fyne's own theme fails it.
	if len(contrastProblems(theme.DefaultTheme())) == 0 {
		t.Error("Fyne's theme passes: the test checks nothing")
	}
}

// contrastProblems lists the pairs of colours of th that fall short.
func contrastProblems(th fyne.Theme) []string {
	var problems []string
	fail := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		name := map[fyne.ThemeVariant]string{theme.VariantLight: "light", theme.VariantDark: "dark"}[v]
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
		bg := c(theme.ColorNameBackground)
		// The surfaces texts are drawn on; a translucent one over the page.
		surfaces := map[string]color.Color{
			"background":        bg,
			"input background":  over(c(theme.ColorNameInputBackground), bg),
			"header background": over(c(theme.ColorNameHeaderBackground), bg),
			"overlay":           over(c(theme.ColorNameOverlayBackground), bg),
			"menu":              over(c(theme.ColorNameMenuBackground), bg),
			"hovered row":       over(c(theme.ColorNameHover), bg),
			"selected row":      over(c(theme.ColorNameSelection), bg),
			"focused row":       over(c(theme.ColorNameFocus), bg),
		}
		texts := []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameDisabled, theme.ColorNamePrimary,
			theme.ColorNameError, theme.ColorNameWarning, theme.ColorNameSuccess, theme.ColorNameHyperlink}
		for _, text := range texts {
			for where, surface := range surfaces {
				if r := contrast(c(text), surface); r < 4.5 {
					fail("%s: %s text on the %s: %.2f:1, want 4.5:1", name, text, where, r)
				}
			}
		}
		button := over(c(theme.ColorNameButton), bg)
		pairs := []struct {
			what     string
			text, on color.Color
		}{
			{"a placeholder in a field", c(theme.ColorNamePlaceHolder), surfaces["input background"]},
			{"a button's text", c(theme.ColorNameForeground), button},
			{"a hovered button's text", c(theme.ColorNameForeground), over(c(theme.ColorNameHover), button)},
			{"a focused button's text", c(theme.ColorNameForeground), over(c(theme.ColorNameFocus), button)},
			{"a disabled button's text", c(theme.ColorNameDisabled), over(c(theme.ColorNameDisabledButton), bg)},
			{"a main button's text", c(theme.ColorNameForegroundOnPrimary), over(c(theme.ColorNamePrimary), bg)},
			{"a focused main button's text", c(theme.ColorNameForegroundOnPrimary), over(c(theme.ColorNameFocus), over(c(theme.ColorNamePrimary), bg))},
			{"a danger button's text", c(theme.ColorNameForegroundOnError), over(c(theme.ColorNameError), bg)},
			{"a warning button's text", c(theme.ColorNameForegroundOnWarning), over(c(theme.ColorNameWarning), bg)},
			{"a success button's text", c(theme.ColorNameForegroundOnSuccess), over(c(theme.ColorNameSuccess), bg)},
		}
		for _, p := range pairs {
			if r := contrast(p.text, p.on); r < 4.5 {
				fail("%s: %s: %.2f:1, want 4.5:1", name, p.what, r)
			}
		}
		ring := c(theme.ColorNameForeground) // focusRingColor
		for where, surface := range map[string]color.Color{"page": bg, "overlay": surfaces["overlay"], "header": surfaces["header background"]} {
			if r := contrast(ring, surface); r < 3 {
				fail("%s: the focus ring against the %s: %.2f:1, want 3:1", name, where, r)
			}
		}
	}
	return problems
}
