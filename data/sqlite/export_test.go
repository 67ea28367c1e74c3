package sqlite

// Internals that the tests in package data_test look at.
var (
	GramDoc   = gramDoc
	GramMatch = gramMatch
)
