package ui

import (
	"fyne.io/fyne/v2"

	"sesame/app"
)

// withStaff sets the company up with its administrator, Alice Admin, and
// three employees: Jeanne Martin with a temporary password, Paul Durand
// with his own, Hélène Lefèvre with no mailbox.
func withStaff(h *harness) {
	withCompany(h)
	create := func(email, name string, mailbox bool) string {
		_, tp, err := h.svc.CreateUser(h.ctx, app.SystemActor("test"), app.NewUser{Email: email, Name: name, HasMailbox: mailbox})
		if err != nil {
			h.t.Fatal(err)
		}
		return tp.Plaintext
	}
	create("jeanne.martin@acme.example", "Jeanne Martin", true)
	create("helene.lefevre@acme.example", "Hélène Lefèvre", false)
	temp := create("paul.durand@acme.example", "Paul Durand", true)
	if _, err := h.svc.ChangePassword(h.ctx, "paul.durand@acme.example", temp, goodPassword); err != nil {
		h.t.Fatal(err)
	}
}

// signInAdmin signs Alice Admin in and returns the administration.
func (h *harness) signInAdmin() *adminScreen {
	h.t.Helper()
	h.signIn("admin@acme.example", goodPassword)
	screen[*accountScreen](h)
	if h.s.admin == nil {
		h.t.Fatal("no administration")
	}
	return h.s.admin
}

// search types text in the search box, replacing what was there, and lets
// the typing pause.
func (h *harness) search(text string) *usersView {
	h.t.Helper()
	u := h.s.admin.users
	u.search.SetText("")
	h.canvas().Focus(u.search)
	h.typeText(text)
	h.advance(searchDelay)
	return u
}

// rows are the names in the table of users, as the table holds them.
func rows(u *usersView) []string {
	var names []string
	for i := 0; i < u.list.len(); i++ {
		if user, ok := u.list.at(i); ok {
			names = append(names, user.Name)
		}
	}
	return names
}

// openCard searches for text and opens the card of the first user found.
func (h *harness) openCard(text string) *cardView {
	h.t.Helper()
	u := h.search(text)
	if u.list.len() == 0 {
		h.t.Fatalf("no user matches %q", text)
	}
	h.canvas().Focus(u.table)
	h.press(fyne.KeyReturn)
	c, ok := u.panel.(*cardView)
	if !ok {
		h.t.Fatalf("the panel is %T, want a card", u.panel)
	}
	return c
}

// user reads a user from the store.
func (h *harness) user(email string) app.User {
	h.t.Helper()
	u, err := h.svc.User(h.ctx, email)
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// tapEnabled taps a button, failing the test when it is disabled.
func (h *harness) tapEnabled(b *button) {
	h.t.Helper()
	if b.Disabled() {
		h.t.Fatalf("%q is disabled", b.Text)
	}
	h.tap(b)
}
