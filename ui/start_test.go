package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"sesame/app"
)

// TestStartOpensTheDoor runs Start as main does (but with the database read
// at once, on the test's goroutine): one window, the setup on an empty
// database, the sign-in on a set-up one.
func TestStartOpensTheDoor(t *testing.T) {
	for name, setUp := range map[string]bool{"empty": false, "set up": true} {
		t.Run(name, func(t *testing.T) {
			a := test.NewTempApp(t)
			t.Setenv("LANGUAGE", "") // Start sets it for good: restore it after the test
			svc := app.NewService(app.Config{Store: newStore(t), Blocklist: blocklist(), Hasher: fastHash})
			want := "Set up Sésame"
			if setUp {
				want = "Forgot password?"
				if _, _, err := svc.Setup(context.Background(), app.Actor{}, app.SetupRequest{
					Company: "Acme", Email: "admin@acme.example", Name: "Alice Admin", Password: goodPassword,
				}); err != nil {
					t.Fatal(err)
				}
			}
			start(a, svc, Options{Language: "en"}, inline, newFakeClock())
			var w fyne.Window // the test driver opens an untitled window of its own
			for _, o := range a.Driver().AllWindows() {
				if o.Title() != "" {
					if w != nil {
						t.Fatal("more than one window")
					}
					w = o
				}
			}
			if w == nil {
				t.Fatal("no window")
			}
			t.Cleanup(w.Close)
			if w.Title() != "Sésame" {
				t.Errorf("title %q", w.Title())
			}
			h := &harness{t: t, s: &session{win: w}}
			h.assertShows(want)
		})
	}
}
