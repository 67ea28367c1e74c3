package app_test

import (
	"testing"

	"sesame/app"
	"sesame/assets"
	"sesame/data/breach"
)

// BenchmarkAssess is one verdict of the whole policy (lists read), as the
// window gives at each keystroke.
func BenchmarkAssess(b *testing.B) {
	p := app.Policy{MinLength: 15, Blocklist: blocklist}
	ctx := app.PolicyContext{Login: "jeanne.martin@acme.example", Name: "Jeanne Martin", Company: "Acme"}
	for _, pw := range []string{"violet tramway umbrella 1987", "Bibliotheque2024!", "ADEF4hjR#m9%+TxY"} {
		b.Run(pw, func(b *testing.B) {
			for b.Loop() {
				p.Assess(pw, ctx)
			}
		})
	}
}

// BenchmarkFirstAssess is the first verdict of a process: the shipped
// lists are read then, once.
func BenchmarkFirstAssess(b *testing.B) {
	for b.Loop() {
		bl := app.NewBlocklist(app.BlocklistSources{Common: assets.CommonPasswords, Words: assets.Words,
			Keyboards: assets.Keyboards, Breached: breach.Load(assets.BreachedPasswords)})
		app.Policy{MinLength: 15, Blocklist: bl}.Assess("violet tramway umbrella 1987", app.PolicyContext{})
	}
}

// BenchmarkBreached is one question to the breached set.
func BenchmarkBreached(b *testing.B) {
	set := breach.Load(assets.BreachedPasswords)
	for b.Loop() {
		set.Contains("violet tramway umbrella 1987")
	}
}
