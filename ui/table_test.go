package ui

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// numbers is a table of n rows, each its own number, in a window.
func numbers(t *testing.T, n int) (*table, *[]int, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	var opened []int
	tb := newTable(inlineScope(), []tableColumn{
		{title: "N", width: 100, weight: 1},
		{title: "Square", width: 150, weight: 1, drop: 1},
	}, func() int { return n }, func(row int, cells []*tableCell) {
		cells[0].set(strconv.Itoa(row), widget.MediumImportance)
		cells[1].set(strconv.Itoa(row*row), widget.MediumImportance)
	})
	tb.onOpen = func(row int) { opened = append(opened, row) }
	w := test.NewTempWindow(t, tb)
	w.Resize(fyne.NewSize(400, 400))
	return tb, &opened, w
}

// cellText is the text of the first cell of a row on screen.
func cellText(tb *table, line int) string {
	r := test.WidgetRenderer(tb).(*tableRenderer)
	return r.lines[line].cells[0].text.Text
}

func TestTableDrawsOnlyTheRowsInView(t *testing.T) {
	tb, _, _ := numbers(t, 1_000_000)
	r := test.WidgetRenderer(tb).(*tableRenderer)
	if tb.visible < 5 || len(r.lines) != tb.visible {
		t.Fatalf("%d rows visible, %d drawn", tb.visible, len(r.lines))
	}
	var views [][2]int
	tb.onView = func(first, count int) { views = append(views, [2]int{first, count}) }
	tb.scrollTo(999_990)
	if tb.top != 1_000_000-tb.visible || cellText(tb, 0) != strconv.Itoa(tb.top) {
		t.Errorf("top %d shows %q", tb.top, cellText(tb, 0))
	}
	if len(views) != 1 || views[0][0] != tb.top {
		t.Errorf("views told %v", views)
	}
}

func TestTableKeyboard(t *testing.T) {
	tb, opened, w := numbers(t, 1000)
	w.Canvas().Focus(tb)
	press := func(k fyne.KeyName) { tb.TypedKey(&fyne.KeyEvent{Name: k}) }
	press(fyne.KeyDown)
	press(fyne.KeyDown)
	if tb.cursor != 2 {
		t.Errorf("Down, Down: cursor %d", tb.cursor)
	}
	press(fyne.KeyPageDown)
	if tb.cursor != 2+tb.visible-1 || tb.cursor >= tb.top+tb.visible {
		t.Errorf("Page Down: cursor %d, rows %d–%d", tb.cursor, tb.top, tb.top+tb.visible-1)
	}
	press(fyne.KeyEnd)
	if tb.cursor != 999 || tb.top != 1000-tb.visible {
		t.Errorf("End: cursor %d, top %d", tb.cursor, tb.top)
	}
	press(fyne.KeyReturn)
	press(fyne.KeyHome)
	press(fyne.KeyUp)
	press(fyne.KeySpace)
	if tb.cursor != 0 || tb.top != 0 || len(*opened) != 2 || (*opened)[0] != 999 || (*opened)[1] != 0 {
		t.Errorf("Home, Up, Space: cursor %d, top %d, opened %v", tb.cursor, tb.top, *opened)
	}
	if tb.selected != 0 {
		t.Errorf("selected %d", tb.selected)
	}
}

func TestTablePointer(t *testing.T) {
	tb, opened, _ := numbers(t, 1000)
	tb.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -50)})
	if tb.top == 0 {
		t.Error("the wheel does not scroll")
	}
	top := tb.top
	test.TapAt(tb, fyne.NewPos(10, tb.rowHeight*1.5))
	if len(*opened) != 1 || (*opened)[0] != top {
		t.Errorf("a click on the first row in view opened %v, want %d", *opened, top)
	}
	test.TapAt(tb, fyne.NewPos(10, tb.rowHeight/2)) // the header
	if len(*opened) != 1 {
		t.Error("a click on the header opened a row")
	}

	// The scroll bar: dragging the thumb to the bottom, a click above it.
	bar := tb.bar
	bar.Dragged(&fyne.DragEvent{Dragged: fyne.NewDelta(0, 10_000)})
	bar.DragEnd()
	if tb.top != 1000-tb.visible {
		t.Errorf("dragged to the bottom: top %d", tb.top)
	}
	bar.Tapped(&fyne.PointEvent{Position: fyne.NewPos(2, 1)})
	if tb.top != 1000-tb.visible-(tb.visible-1) {
		t.Errorf("a click above the thumb: top %d", tb.top)
	}
}

func TestTableLeavesColumnsOutWhenNarrow(t *testing.T) {
	tb, _, w := numbers(t, 10)
	r := test.WidgetRenderer(tb).(*tableRenderer)
	if !r.shown[1] {
		t.Error("a column left out at 400 px")
	}
	w.Resize(fyne.NewSize(200, 400))
	if r.shown[1] || !r.shown[0] {
		t.Errorf("at 200 px: shown %v", r.shown)
	}
	if tb.MinSize().Width > 200 {
		t.Errorf("needs %.0f px", tb.MinSize().Width)
	}
}

// TestTableShowsCutTextsWhole: a text that its column cuts short shows
// whole when the pointer rests on it, and goes when the pointer leaves.
func TestTableShowsCutTextsWhole(t *testing.T) {
	test.NewTempApp(t)
	c := newFakeClock()
	long := "jeanne.martin-de-la-fontaine@acme-industries.example"
	tb := newTable(newScope(inline, c), []tableColumn{{title: "Login", width: 120, weight: 1}}, func() int { return 2 },
		func(row int, cells []*tableCell) {
			cells[0].set([]string{long, "jo@acme.example"}[row], widget.MediumImportance)
		})
	w := test.NewTempWindow(t, tb)
	w.Resize(fyne.NewSize(200, 200))
	r := test.WidgetRenderer(tb).(*tableRenderer)
	if cut := r.lines[0].cells[0].text.Text; cut == long || !strings.HasSuffix(cut, "…") {
		t.Fatalf("test set-up: the text is not cut: %q", cut)
	}
	at := fyne.NewPos(30, tb.rowHeight*1.5)
	tb.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}})
	if r.tipText.Visible() {
		t.Error("the whole text shows before the pointer rests")
	}
	c.Advance(tipDelay)
	if !r.tipText.Visible() || r.tipText.Text != long {
		t.Fatalf("the pointer rests on a cut text: tip %v %q", r.tipText.Visible(), r.tipText.Text)
	}
	// A text that is not cut shows no tip; leaving hides it.
	tb.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(30, tb.rowHeight*2.5)}})
	c.Advance(tipDelay)
	if r.tipText.Visible() {
		t.Error("a tip for a text that is whole")
	}
	tb.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}})
	c.Advance(tipDelay)
	tb.MouseOut()
	if r.tipText.Visible() {
		t.Error("the tip stays when the pointer leaves")
	}
}
