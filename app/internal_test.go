package app

import "testing"

// The dummy hash, verified when a login is unknown, must cost what a real
// hash costs: it has the current parameters.
func TestDummyHashHasCurrentParameters(t *testing.T) {
	for _, h := range []Hasher{{}, {Params: HashParams{Memory: 256, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}} {
		s := NewService(Config{Hasher: h})
		if h.NeedsRehash(s.dummyHash) {
			t.Errorf("dummy hash %q does not have the current parameters", s.dummyHash)
		}
		if h.Verify(s.dummyHash, "") {
			t.Error("the dummy hash verifies the empty password")
		}
	}
}
