//go:build !sqlite_fts5

package main

import "sesame/app"

// A binary built without the sqlite_fts5 tag has no full-text search in
// its SQLite, which Sésame's database needs: it says so, and how to build,
// instead of failing to open the database.
func init() {
	buildProblem = app.Errorf(app.EInternal, "This sesame was built without the sqlite_fts5 build tag, which its database needs. Build it with \"make build\", or \"go build -tags sqlite_fts5\".")
}
