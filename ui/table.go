package ui

import (
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// table is a virtualised table of text: it draws only the rows in view,
// whatever their number, and asks for their content as they come into
// view. It scrolls by whole rows, so that its position is a row number and
// not a pixel offset: at a million rows a float32 offset would lose rows.
//
// The keyboard moves a cursor (Up, Down, Page Up, Page Down, Home, End,
// Ctrl+Home, Ctrl+End), Enter or Space opens the row under it, a click
// opens the row clicked. With onPick set, rows can be picked as well:
// Ctrl-click picks or leaves a row, Shift-click and Shift with the keys
// that move pick the rows from the last one picked, Ctrl+A picks them all.
// A click on the title of a sortable column sorts by it (again: the other
// way), an arrow showing which; dragging the edge of a title widens or
// narrows its column. Narrow, the columns that matter least are left out;
// a text cut short shows whole when the pointer rests on it.
type table struct {
	widget.BaseWidget
	sc *scope // of the view that shows it: the tooltip's timer

	columns []tableColumn
	rows    func() int
	// fill writes row's cells; it is called only for the rows in view.
	fill func(row int, cells []*tableCell)
	// onView tells which rows are in view, when that changes: the place to
	// read them from the store.
	onView func(first, count int)
	// onOpen opens a row (a click, Enter or Space).
	onOpen func(row int)
	// onRune receives what is typed while the table has the focus.
	onRune     func(r rune)
	onActivity func()
	onEscape   func()
	// onPick picks rows (see tablePick); nil: rows are only opened.
	onPick func(row int, how tablePick)
	// picked reports whether a row is picked, to mark it.
	picked func(row int) bool
	// onSort sorts by a column whose title was clicked.
	onSort func(col int)
	// onResize is told that the person set a column's width.
	onResize func(col int, width float32)

	sortCol  int // the column sorted by, -1 for none
	sortDesc bool
	mods     fyne.KeyModifier // of the last press of a button of the mouse
	shift    bool             // Shift is held down
	ctrl     bool             // Control (or Command) is held down
	sizing   int              // the column whose edge is dragged, -1 for none

	top      int // first row in view
	cursor   int // the keyboard's row
	selected int // the row opened, -1 for none
	hovered  int // the row under the pointer, -1 for none
	focused  bool
	wheel    float32 // scrolled distance not yet a whole row
	bar      *tableScrollBar

	r          *tableRenderer
	tipWait    debounce
	tip        string        // the whole of the text under the pointer, "" for none
	tipAt      fyne.Position // where the pointer rests
	visible    int           // rows that fit, set by the layout
	rowHeight  float32
	lastView   [3]int  // first, count and rows last told to onView
	dragging   bool    // the scroll bar's thumb is being dragged
	dragOrigin int     // top when the drag began
	dragBy     float32 // how far it went
}

// tableColumn describes a column: its title, the width it needs, its
// share of the room left over, and whether it is left out when narrow
// (the column with the highest drop goes first; 0 is never left out).
type tableColumn struct {
	title  string
	width  float32
	weight float32
	drop   int
	// sortable: a click on the title sorts by the column.
	sortable bool
	// hidden: the person chose not to show the column.
	hidden bool
}

// tablePick is how a row is picked.
type tablePick int

const (
	pickToggle tablePick = iota // Ctrl-click: picked or not, the others kept
	pickRange                   // Shift-click, Shift+keys: from the last one picked to this one
	pickAll                     // Ctrl+A
	pickFrom                    // where Shift+keys start from, when nothing is picked yet
)

// edgeGrip is how near the edge of a title a drag resizes its column.
const edgeGrip = 6

// rowsPerNotch is how many rows one notch of a mouse wheel scrolls.
const rowsPerNotch = 3

// tipDelay is how long the pointer rests on a text cut short before it
// shows whole.
const tipDelay = 400 * time.Millisecond

func newTable(sc *scope, columns []tableColumn, rows func() int, fill func(int, []*tableCell)) *table {
	t := &table{sc: sc, columns: columns, rows: rows, fill: fill, selected: -1, hovered: -1,
		onView: func(int, int) {}, onOpen: func(int) {}, onRune: func(rune) {},
		onActivity: func() {}, onEscape: func() {}, lastView: [3]int{-1, -1, -1}, sortCol: -1, sizing: -1,
		tipWait: debounce{delay: tipDelay}}
	t.bar = newTableScrollBar(t)
	t.ExtendBaseWidget(t)
	return t
}

// rowCount is the number of rows, never negative.
func (t *table) rowCount() int { return max(t.rows(), 0) }

// scrollTo puts row first in view, as far as the rows allow.
func (t *table) scrollTo(row int) {
	top := max(min(row, t.rowCount()-max(t.visible, 1)), 0)
	if top != t.top {
		t.top = top
		t.Refresh()
	}
}

// reveal scrolls just enough to show row.
func (t *table) reveal(row int) {
	switch {
	case row < t.top:
		t.scrollTo(row)
	case t.visible > 0 && row >= t.top+t.visible:
		t.scrollTo(row - t.visible + 1)
	}
}

// moveCursor puts the keyboard's row on row, within the rows, in view.
func (t *table) moveCursor(row int) {
	n := t.rowCount()
	if n == 0 {
		return
	}
	t.cursor = max(min(row, n-1), 0)
	t.reveal(t.cursor)
	t.Refresh()
}

// open opens row, which becomes the selected row and the cursor's.
func (t *table) open(row int) {
	if row < 0 || row >= t.rowCount() {
		return
	}
	t.cursor, t.selected = row, row
	t.reveal(row)
	t.Refresh()
	t.onOpen(row)
}

// clearSelection forgets the row opened.
func (t *table) clearSelection() {
	if t.selected != -1 {
		t.selected = -1
		t.Refresh()
	}
}

// reset goes back to the first row, as for a new search.
func (t *table) reset() {
	t.top, t.cursor, t.selected, t.wheel = 0, 0, -1, 0
	t.Refresh()
}

func (t *table) CreateRenderer() fyne.WidgetRenderer {
	r := &tableRenderer{t: t}
	t.r = r
	r.header = canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	r.focus = canvas.NewRectangle(color.Transparent)
	r.focus.StrokeColor = color.Transparent
	r.focus.StrokeWidth = ringWidth
	r.tipBox = canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	r.tipBox.StrokeWidth = 1
	r.tipText = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	for _, c := range t.columns {
		title := newTableCell(true)
		title.set(c.title, widget.MediumImportance)
		r.titles = append(r.titles, title)
	}
	r.bar = t.bar
	t.rowHeight = fyne.MeasureText("Ag", theme.TextSize(), fyne.TextStyle{}).Height + 2*theme.InnerPadding()
	return r
}

// Keyboard and pointer.

func (t *table) FocusGained() {
	t.focused = true
	t.onActivity()
	if t.cursor < t.top || t.cursor >= t.top+t.visible { // the keyboard starts from what is on view
		t.cursor = t.top
	}
	t.Refresh()
}

func (t *table) FocusLost() {
	t.focused = false
	t.Refresh()
}

func (t *table) TypedRune(r rune) {
	t.onActivity()
	t.onRune(r)
}

func (t *table) TypedKey(k *fyne.KeyEvent) {
	t.onActivity()
	page := max(t.visible-1, 1)
	from := t.cursor
	switch k.Name {
	case fyne.KeyUp:
		t.moveCursor(t.cursor - 1)
	case fyne.KeyDown:
		t.moveCursor(t.cursor + 1)
	case fyne.KeyPageUp:
		t.moveCursor(t.cursor - page)
	case fyne.KeyPageDown:
		t.moveCursor(t.cursor + page)
	case fyne.KeyHome:
		t.moveCursor(0)
	case fyne.KeyEnd:
		t.moveCursor(t.rowCount() - 1)
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		t.open(t.cursor)
		return
	case fyne.KeyEscape:
		t.onEscape()
		return
	default:
		return
	}
	if t.shift && t.onPick != nil {
		t.onPick(from, pickFrom)
		t.onPick(t.cursor, pickRange)
	}
}

// KeyDown follows Shift and Control, which TypedKey does not tell.
func (t *table) KeyDown(k *fyne.KeyEvent) { t.modifier(k.Name, true) }

func (t *table) KeyUp(k *fyne.KeyEvent) { t.modifier(k.Name, false) }

func (t *table) modifier(name fyne.KeyName, down bool) {
	switch name {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		t.shift = down
	case desktop.KeyControlLeft, desktop.KeyControlRight, desktop.KeySuperLeft, desktop.KeySuperRight:
		t.ctrl = down
	}
}

// TypedShortcut picks every row on Ctrl+A; Ctrl+Home and Ctrl+End go to the
// first and the last row; the other shortcuts are the window's.
func (t *table) TypedShortcut(s fyne.Shortcut) {
	t.onActivity()
	if _, all := s.(*fyne.ShortcutSelectAll); all && t.onPick != nil {
		t.onPick(0, pickAll)
		t.Refresh()
		return
	}
	if c, ok := s.(*desktop.CustomShortcut); ok && c.Modifier&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0 &&
		(c.KeyName == fyne.KeyHome || c.KeyName == fyne.KeyEnd) {
		t.TypedKey(&fyne.KeyEvent{Name: c.KeyName})
		return
	}
	if h, ok := fyne.CurrentApp().Driver().CanvasForObject(t).(fyne.Shortcutable); ok {
		h.TypedShortcut(s)
	}
}

// MouseDown keeps the modifiers of a click, which Tapped does not tell.
func (t *table) MouseDown(e *desktop.MouseEvent) { t.mods = e.Modifier }

func (t *table) MouseUp(*desktop.MouseEvent) {}

func (t *table) Tapped(e *fyne.PointEvent) {
	t.onActivity()
	if c := fyne.CurrentApp().Driver().CanvasForObject(t); c != nil {
		c.Focus(t)
	}
	mods := t.mods
	t.mods = 0
	if e.Position.Y < t.rowHeight {
		if col := t.columnAt(e.Position.X); col >= 0 && t.columns[col].sortable && t.onSort != nil {
			t.onSort(col)
		}
		return
	}
	row := t.rowAt(e.Position.Y)
	if row < 0 {
		return
	}
	switch {
	case t.onPick != nil && mods&fyne.KeyModifierShift != 0:
		t.cursor = row
		t.onPick(row, pickRange)
		t.Refresh()
	case t.onPick != nil && mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0:
		t.cursor = row
		t.onPick(row, pickToggle)
		t.Refresh()
	default:
		t.open(row)
	}
}

// columnAt returns the column at x, -1 for none.
func (t *table) columnAt(x float32) int {
	if t.r == nil {
		return -1
	}
	at := float32(0)
	for i, w := range t.r.widths {
		if t.r.shown[i] && x >= at && x < at+w {
			return i
		}
		at += w
	}
	return -1
}

// edgeAt returns the column whose right edge is at x, -1 for none.
func (t *table) edgeAt(x float32) int {
	if t.r == nil {
		return -1
	}
	at := float32(0)
	for i, w := range t.r.widths {
		at += w
		if t.r.shown[i] && x >= at-edgeGrip && x <= at+edgeGrip {
			return i
		}
	}
	return -1
}

// Dragged on the edge of a title sets its column's width.
func (t *table) Dragged(e *fyne.DragEvent) {
	if t.sizing < 0 {
		start := e.Position.Subtract(e.Dragged)
		if start.Y >= t.rowHeight {
			return
		}
		if t.sizing = t.edgeAt(start.X); t.sizing < 0 {
			return
		}
	}
	c := &t.columns[t.sizing]
	c.width = max(t.r.widths[t.sizing]+e.Dragged.DX, 40)
	c.weight = 0
	t.Refresh()
}

func (t *table) DragEnd() {
	if t.sizing >= 0 && t.onResize != nil {
		t.onResize(t.sizing, t.columns[t.sizing].width)
	}
	t.sizing = -1
}

// sortBy shows the arrow of a sort by col (-1 for none).
func (t *table) sortBy(col int, desc bool) {
	t.sortCol, t.sortDesc = col, desc
	t.Refresh()
}

func (t *table) Scrolled(e *fyne.ScrollEvent) {
	t.onActivity()
	t.wheel -= e.Scrolled.DY
	step := theme.Size(theme.SizeNameText) * 2 / rowsPerNotch // a notch is about two lines of text
	if n := int(t.wheel / step); n != 0 {
		t.wheel -= float32(n) * step
		t.scrollTo(t.top + n)
	}
}

func (t *table) MouseIn(e *desktop.MouseEvent)    { t.pointAt(e.Position) }
func (t *table) MouseMoved(e *desktop.MouseEvent) { t.pointAt(e.Position) }

func (t *table) MouseOut() {
	t.hover(-1)
	t.showTip("", fyne.Position{})
}

// pointAt follows the pointer: the row under it is marked, and the text
// under it, when cut short, shows whole once the pointer rests.
func (t *table) pointAt(at fyne.Position) {
	t.hover(t.rowAt(at.Y))
	whole := ""
	if t.r != nil {
		if c := t.r.cellAt(at); c != nil && c.text.Text != c.full {
			whole = c.full
		}
	}
	if whole == t.tip && whole != "" {
		return
	}
	t.showTip("", fyne.Position{})
	if whole != "" {
		t.tipWait.call(t.sc, func() { t.showTip(whole, at) })
	}
}

// showTip shows text whole near at, or hides the tip for "".
func (t *table) showTip(text string, at fyne.Position) {
	if text == "" {
		t.tipWait.cancel()
	}
	if text != t.tip {
		t.tip, t.tipAt = text, at
		t.Refresh()
	}
}

func (t *table) hover(row int) {
	if row != t.hovered {
		t.hovered = row
		t.Refresh()
	}
}

// rowAt returns the row at height y, -1 for the header or below the rows.
func (t *table) rowAt(y float32) int {
	if t.rowHeight <= 0 || y < t.rowHeight {
		return -1
	}
	row := t.top + int((y-t.rowHeight)/t.rowHeight)
	if row >= t.rowCount() || row >= t.top+t.visible {
		return -1
	}
	return row
}

// tableRenderer draws the header, the rows in view and the scroll bar.
type tableRenderer struct {
	t       *table
	header  *canvas.Rectangle
	titles  []*tableCell
	lines   []*tableRow
	focus   *canvas.Rectangle
	bar     *tableScrollBar
	tipBox  *canvas.Rectangle
	tipText *canvas.Text
	shown   []bool // which columns fit
	widths  []float32
}

// cellAt returns the cell at a point of the table, nil for none.
func (r *tableRenderer) cellAt(at fyne.Position) *tableCell {
	t := r.t
	cells := r.titles
	if at.Y >= t.rowHeight {
		i := int((at.Y - t.rowHeight) / t.rowHeight)
		if i >= len(r.lines) || t.top+i >= t.rowCount() {
			return nil
		}
		cells = r.lines[i].cells
	}
	x := float32(0)
	for i, c := range cells {
		if i < len(r.widths) && r.shown[i] && at.X >= x && at.X < x+r.widths[i] {
			return c
		}
		if i < len(r.widths) {
			x += r.widths[i]
		}
	}
	return nil
}

// tableRow is one row on screen, showing whichever row is at its place.
type tableRow struct {
	bg    *canvas.Rectangle
	line  *canvas.Rectangle
	cells []*tableCell
}

func (r *tableRenderer) newRow() *tableRow {
	row := &tableRow{bg: canvas.NewRectangle(color.Transparent), line: canvas.NewRectangle(theme.Color(theme.ColorNameSeparator))}
	for range r.t.columns {
		row.cells = append(row.cells, newTableCell(false))
	}
	return row
}

func (r *tableRenderer) Destroy() {}

func (r *tableRenderer) MinSize() fyne.Size {
	w := r.bar.MinSize().Width
	for _, c := range r.t.columns {
		if c.drop == 0 {
			w += c.width
		}
	}
	return fyne.NewSize(w, r.t.rowHeight*4)
}

func (r *tableRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.header}
	for _, c := range r.titles {
		objs = append(objs, c.text)
	}
	for _, row := range r.lines {
		objs = append(objs, row.bg, row.line)
		for _, c := range row.cells {
			objs = append(objs, c.text)
		}
	}
	return append(objs, r.focus, r.bar, r.tipBox, r.tipText)
}

// fitColumns decides which columns fit in width and how wide each is.
func (r *tableRenderer) fitColumns(width float32) {
	cols := r.t.columns
	r.shown = make([]bool, len(cols))
	r.widths = make([]float32, len(cols))
	need := float32(0)
	for i, c := range cols {
		if !c.hidden {
			r.shown[i] = true
			need += c.width
		}
	}
	for need > width {
		worst := -1
		for i, c := range cols {
			if r.shown[i] && c.drop > 0 && (worst < 0 || c.drop > cols[worst].drop) {
				worst = i
			}
		}
		if worst < 0 {
			break
		}
		r.shown[worst] = false
		need -= cols[worst].width
	}
	weights := float32(0)
	for i, c := range cols {
		if r.shown[i] {
			weights += c.weight
		}
	}
	spare := max(width-need, 0)
	for i, c := range cols {
		if !r.shown[i] {
			continue
		}
		r.widths[i] = c.width
		if weights > 0 {
			r.widths[i] += spare * c.weight / weights
		}
	}
}

func (r *tableRenderer) Layout(size fyne.Size) {
	t := r.t
	h := t.rowHeight
	barWidth := r.bar.MinSize().Width
	r.fitColumns(size.Width - barWidth)

	r.header.Move(fyne.NewPos(0, 0))
	r.header.Resize(fyne.NewSize(size.Width, h))
	r.placeCells(r.titles, 0)

	t.visible = max(int((size.Height-h)/h), 0)
	n := t.rowCount()
	t.top = max(min(t.top, n-t.visible), 0)
	for len(r.lines) < t.visible {
		r.lines = append(r.lines, r.newRow())
	}
	r.lines = r.lines[:t.visible]
	for i, row := range r.lines {
		y := h * float32(i+1)
		row.bg.Move(fyne.NewPos(0, y))
		row.bg.Resize(fyne.NewSize(size.Width-barWidth, h))
		row.line.Move(fyne.NewPos(0, y+h-1))
		row.line.Resize(fyne.NewSize(size.Width-barWidth, 1))
		r.placeCells(row.cells, y)
	}
	r.bar.Move(fyne.NewPos(size.Width-barWidth, h))
	r.bar.Resize(fyne.NewSize(barWidth, size.Height-h))
	r.focus.Move(fyne.NewPos(1, 1))
	r.focus.Resize(fyne.NewSize(size.Width-2, size.Height-2))
	r.placeTip(size)
	r.draw()
	r.tell()
}

// placeTip puts the whole of the text under the pointer below it, within
// the table.
func (r *tableRenderer) placeTip(size fyne.Size) {
	t := r.t
	if t.tip == "" {
		r.tipBox.Hide()
		r.tipText.Hide()
		return
	}
	pad := theme.InnerPadding()
	r.tipText.Text = t.tip
	r.tipText.TextSize = theme.TextSize()
	r.tipText.Color = theme.Color(theme.ColorNameForeground)
	text := r.tipText.MinSize()
	box := fyne.NewSize(min(text.Width+2*pad, size.Width), text.Height+pad)
	x := max(min(t.tipAt.X, size.Width-box.Width), 0)
	y := t.tipAt.Y + t.rowHeight*0.8
	if y+box.Height > size.Height {
		y = max(t.tipAt.Y-box.Height-t.rowHeight*0.3, 0)
	}
	r.tipBox.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	r.tipBox.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	r.tipBox.Move(fyne.NewPos(x, y))
	r.tipBox.Resize(box)
	r.tipText.Move(fyne.NewPos(x+pad, y+pad/2))
	r.tipText.Resize(text)
	r.tipBox.Show()
	r.tipText.Show()
	r.tipBox.Refresh()
	r.tipText.Refresh()
}

// placeCells lays one row's cells out along the columns.
func (r *tableRenderer) placeCells(cells []*tableCell, y float32) {
	x := float32(0)
	for i, c := range cells {
		c.place(x, y, r.widths[i], r.t.rowHeight, r.shown[i])
		x += r.widths[i]
	}
}

// draw fills the rows on screen and colours them.
func (r *tableRenderer) draw() {
	t := r.t
	n := t.rowCount()
	for i, line := range r.lines {
		row := t.top + i
		if row >= n {
			line.bg.FillColor = color.Transparent
			line.line.Hide()
			for _, c := range line.cells {
				c.set("", widget.MediumImportance)
			}
		} else {
			line.line.Show()
			t.fill(row, line.cells)
			line.bg.FillColor = color.Transparent
			switch {
			case row == t.selected, t.picked != nil && t.picked(row):
				line.bg.FillColor = theme.Color(theme.ColorNameSelection)
			case row == t.cursor && t.focused:
				line.bg.FillColor = theme.Color(theme.ColorNameFocus)
			case row == t.hovered:
				line.bg.FillColor = theme.Color(theme.ColorNameHover)
			}
		}
		for _, c := range line.cells {
			c.fit()
		}
		line.bg.Refresh()
	}
	for i, c := range r.titles {
		title := t.columns[i].title
		if i == t.sortCol {
			title = map[bool]string{false: "↑ ", true: "↓ "}[t.sortDesc] + title // before it, where a cut keeps it
		}
		c.set(title, widget.MediumImportance)
		c.fit()
	}
	r.header.FillColor = theme.Color(theme.ColorNameHeaderBackground)
	r.header.Refresh()
	if t.focused {
		r.focus.StrokeColor = focusRingColor()
	} else {
		r.focus.StrokeColor = color.Transparent
	}
	r.focus.Refresh()
	r.bar.Refresh()
}

// tell reports the rows in view when they changed.
func (r *tableRenderer) tell() {
	t := r.t
	view := [3]int{t.top, t.visible, t.rowCount()}
	if view != t.lastView {
		t.lastView = view
		t.onView(t.top, t.visible)
	}
}

func (r *tableRenderer) Refresh() { r.Layout(r.t.Size()) }

// tableCell is the text of a cell, cut with an ellipsis to the width of
// its column. It is a plain canvas.Text: a table redraws its rows at each
// keystroke of a search, and a text is measured through Fyne's cache of
// text sizes, where a label would shape its text anew each time.
type tableCell struct {
	text       *canvas.Text
	full       string // the text before it is cut
	importance widget.Importance
	width      float32 // the room for the text
	cutFor     string  // the text and width that text.Text was cut for
	cutWidth   float32
}

func newTableCell(bold bool) *tableCell {
	t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
	t.TextStyle.Bold = bold
	return &tableCell{text: t}
}

// set gives the cell its text, in the colour of its importance.
func (c *tableCell) set(text string, importance widget.Importance) {
	c.full, c.importance = showable(text, false), importance // a character the font lacks shown as the one it reads as
}

// place puts the cell at x, y, w wide and h high, hidden when its column
// is left out.
func (c *tableCell) place(x, y, w, h float32, shown bool) {
	if !shown {
		c.text.Hide()
		return
	}
	c.text.Show()
	pad := theme.InnerPadding()
	c.text.TextSize = theme.TextSize()
	c.width = max(w-2*pad, 0)
	size := c.text.MinSize()
	c.text.Move(fyne.NewPos(x+pad, y+(h-size.Height)/2))
	c.text.Resize(fyne.NewSize(c.width, size.Height))
}

// fit shows the text set, cut to the cell's width, in its colour; it
// measures only when the text or the width changed.
func (c *tableCell) fit() {
	changed := false
	if color := theme.Color(importanceColor(c.importance)); color != c.text.Color {
		c.text.Color, changed = color, true
	}
	if c.full != c.cutFor || c.width != c.cutWidth {
		c.cutFor, c.cutWidth = c.full, c.width
		if cut := ellipsis(c.full, c.width, c.text.TextSize, c.text.TextStyle); cut != c.text.Text {
			c.text.Text, changed = cut, true
		}
	}
	if changed {
		c.text.Refresh()
	}
}

// ellipsis returns text, or as much of it as fits in width followed by
// "…".
func ellipsis(text string, width, size float32, style fyne.TextStyle) string {
	if text == "" || fyne.MeasureText(text, size, style).Width <= width {
		return text
	}
	runes := []rune(text)
	lo, hi := 0, len(runes)-1 // the most runes that fit before the ellipsis
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(string(runes[:mid])+"…", size, style).Width <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(runes[:lo]) + "…"
}

// importanceColor is the colour of a text of some importance, as a label
// has it.
func importanceColor(i widget.Importance) fyne.ThemeColorName {
	switch i {
	case widget.LowImportance:
		return theme.ColorNameDisabled
	case widget.HighImportance:
		return theme.ColorNamePrimary
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	case widget.SuccessImportance:
		return theme.ColorNameSuccess
	}
	return theme.ColorNameForeground
}

// tableScrollBar is the table's scroll bar: its thumb stands for the rows
// in view among all rows; dragging it scrolls, a click beside it turns a
// page.
type tableScrollBar struct {
	widget.BaseWidget
	t     *table
	track *canvas.Rectangle
	thumb *canvas.Rectangle
}

func newTableScrollBar(t *table) *tableScrollBar {
	b := &tableScrollBar{t: t}
	b.track = canvas.NewRectangle(theme.Color(theme.ColorNameScrollBarBackground))
	b.thumb = canvas.NewRectangle(theme.Color(theme.ColorNameScrollBar))
	b.thumb.CornerRadius = theme.Size(theme.SizeNameScrollBarRadius)
	b.ExtendBaseWidget(b)
	return b
}

func (b *tableScrollBar) CreateRenderer() fyne.WidgetRenderer {
	return &scrollBarRenderer{b: b}
}

// thumbSpan returns the thumb's offset and height in a track of height h.
func (b *tableScrollBar) thumbSpan(h float32) (y, height float32) {
	t := b.t
	n := t.rowCount()
	if n <= t.visible || n == 0 {
		return 0, h
	}
	height = max(h*float32(t.visible)/float32(n), theme.Size(theme.SizeNameScrollBar)*2)
	room := n - t.visible
	y = (h - height) * float32(t.top) / float32(room)
	return y, height
}

func (b *tableScrollBar) Dragged(e *fyne.DragEvent) {
	t := b.t
	if !t.dragging {
		t.dragging, t.dragOrigin, t.dragBy = true, t.top, 0
	}
	t.dragBy += e.Dragged.DY
	_, height := b.thumbSpan(b.Size().Height)
	if free := b.Size().Height - height; free > 0 {
		room := float64(t.rowCount() - t.visible)
		t.onActivity()
		t.scrollTo(t.dragOrigin + int(math.Round(float64(t.dragBy/free)*room)))
	}
}

func (b *tableScrollBar) DragEnd() { b.t.dragging = false }

func (b *tableScrollBar) Tapped(e *fyne.PointEvent) {
	t := b.t
	t.onActivity()
	y, _ := b.thumbSpan(b.Size().Height)
	page := max(t.visible-1, 1)
	if e.Position.Y < y {
		t.scrollTo(t.top - page)
	} else {
		t.scrollTo(t.top + page)
	}
}

type scrollBarRenderer struct{ b *tableScrollBar }

func (r *scrollBarRenderer) Destroy() {}

func (r *scrollBarRenderer) MinSize() fyne.Size {
	return fyne.NewSize(theme.Size(theme.SizeNameScrollBar)+theme.Size(theme.SizeNamePadding), 0)
}

func (r *scrollBarRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.b.track, r.b.thumb}
}

func (r *scrollBarRenderer) Layout(size fyne.Size) {
	b := r.b
	pad := theme.Size(theme.SizeNamePadding) / 2
	b.track.Move(fyne.NewPos(pad, 0))
	b.track.Resize(fyne.NewSize(size.Width-pad*2, size.Height))
	y, h := b.thumbSpan(size.Height)
	b.thumb.Move(fyne.NewPos(pad, y))
	b.thumb.Resize(fyne.NewSize(size.Width-pad*2, h))
	visible := b.t.rowCount() > b.t.visible
	b.track.Hidden, b.thumb.Hidden = !visible, !visible
}

func (r *scrollBarRenderer) Refresh() {
	r.b.track.FillColor = theme.Color(theme.ColorNameScrollBarBackground)
	r.b.thumb.FillColor = theme.Color(theme.ColorNameScrollBar)
	r.Layout(r.b.Size())
	canvas.Refresh(r.b.track)
	canvas.Refresh(r.b.thumb)
}
