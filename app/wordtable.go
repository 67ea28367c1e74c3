package app

import "hash/maphash"

// wordTable maps words to values of a type without pointers, keyed by a
// 64-bit hash of each word rather than by the word. A map of strings holds
// a pointer a word, which the garbage collector follows on every cycle:
// the half million words of the lists made each cycle scan 25 MB, and
// argon2id, which allocates 19 MiB a hash, makes Go collect tens of times
// a second while a bulk action or an import runs (docs/BENCHMARKS.md). A
// map of integers is not scanned at all.
//
// Two words of the same hash (for a given word, about n in 2^64 with n
// words held; the seed is drawn anew by each process) make the table say
// that a word it lacks is known: a password is then thought more common
// than it is, never less.
type wordTable[V any] struct {
	seed maphash.Seed
	m    map[uint64]V
}

// newWordTable returns an empty table with room for n words.
func newWordTable[V any](n int) wordTable[V] {
	return wordTable[V]{seed: maphash.MakeSeed(), m: make(map[uint64]V, n)}
}

func (t wordTable[V]) get(w string) (V, bool) {
	v, ok := t.m[maphash.String(t.seed, w)]
	return v, ok
}

// getBytes is get of the word w spells, without a copy.
func (t wordTable[V]) getBytes(w []byte) (V, bool) {
	v, ok := t.m[maphash.Bytes(t.seed, w)]
	return v, ok
}

func (t wordTable[V]) set(w string, v V) { t.m[maphash.String(t.seed, w)] = v }

func (t wordTable[V]) len() int { return len(t.m) }
