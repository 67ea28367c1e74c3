package postgres_test

import (
	"testing"

	"sesame/app"
	"sesame/data/storetest"
)

// TestContract runs the store's contract on a real server.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB) app.Store { return openDB(t) })
}
