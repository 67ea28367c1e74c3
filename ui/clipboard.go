package ui

import (
	"time"

	"fyne.io/fyne/v2"
	atotto "github.com/atotto/clipboard"
)

// clipboard is the system clipboard as the copy buttons of passwords use
// it; tests put a fake in its place.
type clipboard interface {
	ReadAll() (string, error)
	WriteAll(text string) error
}

// systemClipboard is the desktop's clipboard (xclip or xsel on X11,
// pbcopy on macOS, the Windows API), or Fyne's where none of these is at
// hand.
type systemClipboard struct{ fallback fyne.Clipboard }

func (c systemClipboard) ReadAll() (string, error) {
	if atotto.Unsupported {
		return c.fallback.Content(), nil
	}
	return atotto.ReadAll()
}

func (c systemClipboard) WriteAll(text string) error {
	if atotto.Unsupported {
		c.fallback.SetContent(text)
		return nil
	}
	return atotto.WriteAll(text)
}

// copySecret puts a password on the clipboard and clears it after a
// while, if the clipboard still holds it then: a password left there would
// be pasted by the next person at the workstation. Once the time is up,
// cleared is told whether the clipboard was emptied (false: it held
// something else by then, left as it is); a newer copy replaces this one,
// and its time.
func (s *session) copySecret(text string, after time.Duration, cleared func(emptied bool)) error {
	if err := s.clip.WriteAll(text); err != nil {
		return err
	}
	s.clipText = text
	s.clipTimer.after(s.root, after, func() { cleared(s.clearClipboard()) })
	return nil
}

// clearClipboard empties the clipboard if it still holds the password that
// copySecret put there, and reports whether it did.
func (s *session) clearClipboard() bool {
	s.clipTimer.cancel()
	if s.clipText == "" {
		return false
	}
	emptied := false
	if now, err := s.clip.ReadAll(); err == nil && now == s.clipText {
		if err := s.clip.WriteAll(""); err != nil {
			fyne.LogError("Clearing the clipboard", err)
		} else {
			emptied = true
		}
	}
	s.clipText = ""
	return emptied
}
