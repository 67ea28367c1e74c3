package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// focusRingColor is the colour of the ring around the control that has
// the keyboard focus: the text's, which stands apart from the main
// button's blue and from the page in both variants.
func focusRingColor() color.Color { return theme.Color(theme.ColorNameForeground) }

// sesameTheme is Fyne's theme with colours that every text of the window
// can be read in, in the light and the dark variant: at least 4.5:1
// against what it is drawn on (WCAG 2.2 AA, 1.4.3), the greyed text of a
// disabled control and a placeholder included, where Fyne's are as faint as
// 1.5:1; and a focus ring at least 3:1 against the page (1.4.11), of the
// text's colour, so that it stands apart from the main button's blue.
// theme_test.go computes these ratios.
type sesameTheme struct{ fyne.Theme }

func newTheme() fyne.Theme { return sesameTheme{theme.DefaultTheme()} }

// palette holds the colours that differ from Fyne's, by variant.
var palette = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantLight: {
		theme.ColorNameForeground:          rgb(0x30, 0x30, 0x30),
		theme.ColorNameDisabled:            rgb(0x5e, 0x5e, 0x5e),
		theme.ColorNamePlaceHolder:         rgb(0x69, 0x69, 0x69),
		theme.ColorNamePrimary:             rgb(0x1a, 0x56, 0xc4),
		theme.ColorNameHyperlink:           rgb(0x1a, 0x56, 0xc4),
		theme.ColorNameForegroundOnPrimary: rgb(0xff, 0xff, 0xff),
		theme.ColorNameError:               rgb(0xb7, 0x1c, 0x1c),
		theme.ColorNameForegroundOnError:   rgb(0xff, 0xff, 0xff),
		theme.ColorNameWarning:             rgb(0x9a, 0x4a, 0x00),
		theme.ColorNameForegroundOnWarning: rgb(0xff, 0xff, 0xff),
		theme.ColorNameSuccess:             rgb(0x1b, 0x6e, 0x20),
		theme.ColorNameForegroundOnSuccess: rgb(0xff, 0xff, 0xff),
		theme.ColorNameSelection:           color.NRGBA{R: 0x1a, G: 0x56, B: 0xc4, A: 0x30},
		theme.ColorNameFocus:               color.NRGBA{R: 0x1a, G: 0x56, B: 0xc4, A: 0x24},
		theme.ColorNameInputBorder:         rgb(0x8a, 0x8a, 0x8a),
	},
	theme.VariantDark: {
		theme.ColorNameForeground:          rgb(0xf3, 0xf3, 0xf3),
		theme.ColorNameDisabled:            rgb(0xa0, 0xa0, 0xa4),
		theme.ColorNamePlaceHolder:         rgb(0xb2, 0xb2, 0xb2),
		theme.ColorNamePrimary:             rgb(0x7a, 0xae, 0xff),
		theme.ColorNameHyperlink:           rgb(0x7a, 0xae, 0xff),
		theme.ColorNameForegroundOnPrimary: rgb(0x10, 0x10, 0x12),
		theme.ColorNameError:               rgb(0xff, 0x8a, 0x80),
		theme.ColorNameForegroundOnError:   rgb(0x10, 0x10, 0x12),
		theme.ColorNameWarning:             rgb(0xff, 0xa7, 0x26),
		theme.ColorNameForegroundOnWarning: rgb(0x10, 0x10, 0x12),
		theme.ColorNameSuccess:             rgb(0x5c, 0xd6, 0x5c),
		theme.ColorNameForegroundOnSuccess: rgb(0x10, 0x10, 0x12),
		theme.ColorNameSelection:           color.NRGBA{R: 0x7a, G: 0xae, B: 0xff, A: 0x38},
		theme.ColorNameFocus:               color.NRGBA{R: 0x7a, G: 0xae, B: 0xff, A: 0x2a},
		theme.ColorNameInputBorder:         rgb(0x70, 0x70, 0x74),
	},
}

func rgb(r, g, b uint8) color.Color { return color.NRGBA{R: r, G: g, B: b, A: 0xff} }

func (t sesameTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if c, ok := palette[v][n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}
