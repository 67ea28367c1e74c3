package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// A kiosk is a shared workstation where employees sign in (Options.Kiosk):
// the window fills the screen and refuses to close, so that an employee
// never reaches the desktop through it; each sign-out, the idle one
// included, leaves an empty sign-in for the next person. An administrator,
// signed in, can leave the kiosk; the window can then be closed.

// startKiosk puts the window in kiosk mode.
func (s *session) startKiosk() {
	s.kiosk = true
	s.win.SetFullScreen(true)
}

// onCloseAsked is the window's close button (or the desktop's shortcut
// for it): it closes the window, unless it is a kiosk's, which says why it
// stays.
func (s *session) onCloseAsked() {
	if !s.kiosk {
		s.win.Close()
		return
	}
	text := lang.L("This workstation is a kiosk: Sésame stays open. An administrator can leave the kiosk from the administration.")
	switch v := s.screen.(type) {
	case *signInScreen:
		say(v.note, text)
	case *accountScreen:
		if s.admin != nil {
			say(s.admin.note, text)
		}
	}
}

// kioskBar is what the administration shows of the kiosk: that it is one,
// and the button to leave it; nil when the window is no kiosk.
func (a *adminScreen) kioskBar() fyne.CanvasObject {
	if !a.s.kiosk {
		return nil
	}
	a.leaveKiosk = a.s.newButton(lang.L("Leave kiosk"), widget.MediumImportance, a.onLeaveKiosk)
	a.kioskNote = widget.NewLabel(lang.L("This workstation is a kiosk: the window fills the screen and cannot be closed."))
	a.kioskNote.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, nil, a.leaveKiosk, a.kioskNote)
}

// onLeaveKiosk ends kiosk mode for the rest of this run: the window leaves
// the full screen and can be closed.
func (a *adminScreen) onLeaveKiosk() {
	a.s.kiosk = false
	a.s.win.SetFullScreen(false)
	a.leaveKiosk.Hide()
	a.kioskNote.SetText(lang.L("The kiosk was left: the window can be closed, and stays a kiosk no more until Sésame starts again."))
}

// showNotSetUp is what a kiosk shows on an empty database: that an
// administrator sets Sésame up first, elsewhere, and a way to look again.
func (s *session) showNotSetUp() {
	again := s.newButton(lang.L("Check again"), widget.HighImportance, s.begin)
	s.show(nil, page(heading(lang.L("Sésame")),
		paragraph(lang.L("This workstation is not set up yet. An administrator sets Sésame up first: with the window started without the kiosk, or with \"sesame init\".")),
		again), again)
}
