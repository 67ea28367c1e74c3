package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"sesame/app"
)

// What the font cannot draw is shown in its compatibility form, typed or
// pasted: the review's full-width @ in the sign-in field showed as an empty
// box; the other full-width forms that logins fold, and the ideographic
// full stops that domains read as dots, alike. What the font draws stays
// as typed, and so does what has no other form; passwords are never
// changed. The person signs in with what they see.
func TestUndrawableCharactersShownCanonical(t *testing.T) {
	for _, r := range []rune{'＠', '．', 'Ａ', '１', '。'} {
		if drawable(r) {
			t.Skipf("the test theme's font draws %q: nothing to show", r)
		}
	}
	if !drawable('é') || !drawable('@') {
		t.Fatal("the font does not draw é or @")
	}
	h := newHarnessIn(t, "en", withStaff)
	in := screen[*signInScreen](h)
	h.canvas().Focus(in.email)
	h.typeText("ＡＤＭＩＮ＠acme．example")
	if got := in.email.Text; got != "ADMIN@acme.example" {
		t.Errorf("typed full-width: the field shows %q", got)
	}
	in.email.SetText("")
	h.typeText("admin＠acme。example")
	if got := in.email.Text; got != "admin@acme.example" {
		t.Errorf("an ideographic full stop: the field shows %q", got)
	}
	in.email.SetText("")
	cb := test.NewClipboard()
	cb.SetContent("ａｄｍｉｎ＠ａｃｍｅ.example")
	in.email.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	if got := in.email.Text; got != "admin@acme.example" {
		t.Errorf("pasted full-width: the field shows %q", got)
	}
	// A password keeps what was typed, as the policy reads it (NFKC).
	h.canvas().Focus(in.password)
	h.typeText("ｐａｓｓ")
	if got := in.password.Text; got != "ｐａｓｓ" {
		t.Errorf("a password field changed what was typed: %q", got)
	}
	in.password.SetText(goodPassword)
	h.canvas().Focus(in.password)
	h.press(fyne.KeyReturn)
	if h.s.admin == nil {
		t.Fatalf("signing in with the login as shown: %s", h.visibleText())
	}
	// A name: drawable letters stay, full-width ones fold, an ideograph
	// (no other form) stays; in a field that is not an e-mail's, "。" stays.
	if got := showable("Élodie Ｍａｒｔｉｎ 山。", false); got != "Élodie Martin 山。" {
		t.Errorf("a name shows as %q", got)
	}
}

// TestTableShowsWhatTheFontLacks: a name of the directory whose characters
// the font lacks is shown in the table as the characters it reads as, not
// as empty boxes.
func TestTableShowsWhatTheFontLacks(t *testing.T) {
	if drawable('＝') {
		t.Skip("the test theme's font draws ＝")
	}
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	name := "＝Ｚoé Ｆｕｌｌ"
	if _, _, err := h.svc.CreateUser(h.ctx, app.SystemActor("test"), app.NewUser{Email: "zoe@acme.example", Name: name}); err != nil {
		t.Fatal(err)
	}
	u := h.search("zoe")
	if got := rows(u); len(got) != 1 || got[0] != name {
		t.Fatalf("rows %v", got)
	}
	cells := make([]*tableCell, len(u.cols))
	for i := range cells {
		cells[i] = &tableCell{}
	}
	u.fillRow(0, cells)
	if got := cells[0].full; got != "=Zoé Full" {
		t.Errorf("the table shows %q", got)
	}
}
