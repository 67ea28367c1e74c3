package sqlite_test

import (
	"fmt"
	"testing"

	"sesame/app"
	"sesame/assets"
)

// BenchmarkSignIn measures a sign-in from end to end on a real database:
// the reads, one argon2id verification with the production parameters,
// and the write that records it. The wrong-password and unknown-login
// cases show that a stranger learns nothing from the time it takes.
func BenchmarkSignIn(b *testing.B) {
	bl := app.NewBlocklist(app.BlocklistSources{Common: assets.CommonPasswords})
	db := openDB(b)
	svc := app.NewService(app.Config{Store: db, Blocklist: bl})
	const password = "violet tramway umbrella 1987"
	if _, _, err := svc.Setup(b.Context(), app.Actor{}, app.SetupRequest{Company: "Acme", Email: "admin@acme.example", Name: "Alice Admin", Password: password}); err != nil {
		b.Fatal(err)
	}
	// A high threshold, and an unlock before each run, keep the failing
	// cases from locking.
	admin, err := svc.User(b.Context(), "admin@acme.example")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.UpdateSettings(b.Context(), app.UserActor(admin), map[string]string{"lockout.threshold": "100"}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, login, password string }{
		{"right", "admin@acme.example", password},
		{"wrong-password", "admin@acme.example", "not the password at all"},
		{"unknown-login", "nobody@acme.example", password},
	} {
		b.Run(c.name, func(b *testing.B) {
			if _, err := svc.UpdateUser(b.Context(), app.UserActor(admin), "admin@acme.example", app.UserChange{Unlock: true}); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				login := c.login
				if c.name == "unknown-login" {
					login = fmt.Sprintf("nobody%d@acme.example", i) // a new key each time: never locked
				}
				i++
				r, err := svc.SignIn(b.Context(), login, c.password)
				if err != nil {
					b.Fatal(err)
				}
				if r.Outcome == app.OutcomeLocked {
					b.Fatal("locked during the benchmark: lower -benchtime")
				}
			}
		})
	}
}
