package memstore_test

import (
	"testing"

	"sesame/app"
	"sesame/data/memstore"
	"sesame/data/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(testing.TB) app.Store { return memstore.New() })
}
