package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// at is where obj is in the window, and its size.
func (h *harness) at(obj fyne.CanvasObject) (fyne.Position, fyne.Size) {
	h.t.Helper()
	h.settle()
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(obj), obj.Size()
}

// scrollOf finds the scroll container that holds obj.
func scrollOf(root fyne.CanvasObject, obj fyne.CanvasObject) *container.Scroll {
	var found *container.Scroll
	var walk func(o fyne.CanvasObject, in *container.Scroll) bool
	walk = func(o fyne.CanvasObject, in *container.Scroll) bool {
		if o == obj {
			found = in
			return true
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				if walk(c, in) {
					return true
				}
			}
		case *container.Scroll:
			return walk(x.Content, x)
		}
		return false
	}
	walk(root, nil)
	return found
}

// TestWheelScrollsOverFields: the mouse wheel scrolls a page wherever the
// pointer is, over a text field too (a field's own scroll container took
// the turns and did nothing), and a click still reaches what is under the
// pointer.
func TestWheelScrollsOverFields(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	a := h.signInAdmin()
	h.tap(a.nav[sectionSettings])
	f := a.settings.fields[2] // a field near the top of a page taller than the window
	pos, size := h.at(f.entry)
	middle := pos.Add(fyne.NewPos(size.Width/2, size.Height/2))
	scroll := scrollOf(h.s.win.Content(), f.entry)
	if scroll == nil {
		t.Fatal("the settings do not scroll")
	}
	test.Scroll(h.canvas(), middle, 0, -120)
	if scroll.Offset.Y <= 0 {
		t.Fatalf("the wheel over a field does not scroll the page (offset %v)", scroll.Offset.Y)
	}
	scroll.ScrollToTop()
	h.settle()
	box := a.settings.fields[1].check
	pos, size = h.at(box)
	was := box.Checked
	test.TapCanvas(h.canvas(), pos.Add(fyne.NewPos(size.Width/2, size.Height/2)))
	h.settle()
	if box.Checked == was {
		t.Error("a click on a check box of the page does not reach it")
	}
}

// TestLayoutFollowsNoticesThatComeAndGo: when the reasons under a typed
// password grow and then go, what follows them moves with them: no gap
// is left where a click would land on nothing (and the typing after it be
// lost), no overlap either.
func TestLayoutFollowsNoticesThatComeAndGo(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		withMail(h)
	})
	h.signInAdmin()
	c := h.openCard("jeanne")
	h.tap(c.typeOwn)
	// The distance from the field to the box below the reasons (the card
	// scrolls to show the reasons: only distances tell).
	below := func() float32 {
		field, _ := h.at(c.custom)
		box, _ := h.at(c.send)
		return box.Y - field.Y
	}
	before := below()
	h.assertLaidOut()
	h.typeText("short")
	h.assertLaidOut()
	if grown := below(); grown <= before {
		t.Fatalf("the reasons take no room: %.0f then %.0f", before, grown)
	}
	c.custom.SetText("copper lantern river 77") // one line of reasons instead of two
	h.settle()
	one := below()
	c.custom.SetText("")
	h.settle()
	h.assertLaidOut()
	if after := below(); after != before {
		t.Errorf("the reasons went, the box below them stays %.0f px lower", after-before)
	}
	if one <= before {
		t.Errorf("one line of reasons takes no room: %.0f", one)
	}
	// A click where the box now is reaches it.
	c.recovery.SetText("jeanne@home.example")
	h.tapEnabled(c.generate)
	reveal(h.canvas(), c.send)
	pos, size := h.at(c.send)
	test.TapCanvas(h.canvas(), pos.Add(fyne.NewPos(size.Width/2, size.Height/2)))
	h.settle()
	if !c.send.Checked {
		t.Error("a click on the box does not reach it")
	}
}

// TestOutboxFirstVisitNothingOverlaps: the E-mails page, read after it is
// first shown, makes room for what it then says: the table never covers
// Refresh and Retry now.
func TestOutboxFirstVisitNothingOverlaps(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff) // e-mail not set up: the page says so once read
	a := h.signInAdmin()
	h.hold = true
	h.tap(a.nav[sectionMail])
	h.release()
	v := a.mail
	if !v.setup.Visible() {
		t.Fatal("test set-up: nothing is said after the reading")
	}
	h.assertLaidOut()
	for _, b := range []*button{v.reload, v.retry} {
		pos, size := h.at(b)
		table, _ := h.at(v.table)
		if bottom := pos.Y + size.Height; table.Y < bottom {
			t.Errorf("the table starts at %.0f, over %q, which ends at %.0f", table.Y, b.Text, bottom)
		}
	}
}

// TestQuestionsAreCompact: a question's two answers sit side by side, and
// nothing follows them but a line: no empty band below.
func TestQuestionsAreCompact(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	c := h.openCard("jeanne")
	c.name.SetText("Jeanne Martin-Roux")
	h.tap(c.closeBtn)
	h.assertLaidOut()
	yes, ysize := h.at(c.question.yes)
	no, _ := h.at(c.question.no)
	if yes.Y != no.Y {
		t.Errorf("the answers are not side by side: %v, %v", yes, no)
	}
	box, bsize := h.at(c.question.box)
	if gap := box.Y + bsize.Height - (yes.Y + ysize.Height); gap > 20 {
		t.Errorf("%.0f px below the answers", gap)
	}
}

// TestFirstRunShowsItsButton: the first run's window shows the
// confirmation and "Create the company" from the start, without scrolling.
func TestFirstRunShowsItsButton(t *testing.T) {
	h := newHarness(t)
	p := h.page(pageSetup)
	height := h.canvas().Size().Height
	for what, obj := range map[string]fyne.CanvasObject{"Create the company": p.submit, "the confirmation": p.form.confirm} {
		pos, size := h.at(obj)
		if pos.Y+size.Height > height {
			t.Errorf("%s ends at %.0f px, below the window's %.0f", what, pos.Y+size.Height, height)
		}
	}
}

// assertLaidOut fails when the window on view is not laid out for what it
// shows: in a column (a box, a border's top, middle and bottom), two
// objects on view overlap, as a notice shown without a new layout does
// over what follows it, or a table over the buttons above it.
func (h *harness) assertLaidOut() {
	h.t.Helper()
	h.settle()
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok || !o.Visible() {
			if s, ok := o.(*container.Scroll); ok && s.Visible() {
				walk(s.Content)
			}
			return
		}
		kind := fmt.Sprintf("%T", c.Layout)
		if strings.Contains(kind, "vBox") || strings.Contains(kind, "border") {
			var shown []fyne.CanvasObject
			for _, child := range c.Objects {
				if !child.Visible() {
					continue
				}
				if l, ok := child.(*widget.Label); ok && strings.TrimSpace(l.Text) == "" {
					h.t.Errorf("an empty label takes %.0f px: a strip with nothing in it", l.Size().Height)
				}
				if child.Size().Height < child.MinSize().Height-0.5 {
					h.t.Errorf("%T is %.0f px high, less than the %.0f it needs: not laid out since it changed", child, child.Size().Height, child.MinSize().Height)
				}
				shown = append(shown, child)
			}
			for i, a := range shown {
				for _, b := range shown[i+1:] {
					ay, by := a.Position().Y, b.Position().Y
					if ay < by+b.Size().Height-0.5 && by < ay+a.Size().Height-0.5 &&
						a.Position().X < b.Position().X+b.Size().Width && b.Position().X < a.Position().X+a.Size().Width {
						h.t.Errorf("%T at %v (%v) and %T at %v (%v) overlap in a %s", a, a.Position(), a.Size(), b, b.Position(), b.Size(), kind)
					}
				}
			}
		}
		for _, child := range c.Objects {
			walk(child)
		}
	}
	walk(h.s.win.Content())
}
