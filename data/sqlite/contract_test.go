package sqlite_test

import (
	"testing"

	"sesame/app"
	"sesame/data/storetest"
)

// TestContract runs the store's contract on real files.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB) app.Store { return openDB(t) })
}
