package app

import (
	"encoding/binary"
	"hash/maphash"
)

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

// prefixFilter tells which 4 bytes may start a word of 4 bytes or more: a
// bit (of 2^24, 2 MiB) for each hash of a word's first 4 bytes. "No" is
// sure: the lookups of a password's parts stop at the first 4 bytes that
// no word starts with, and find what they found before. With the lists
// shipped, 32,609 bits are set, and 1.6 % of the 4-byte windows of
// generated passwords may start a word: their estimate takes 122 µs
// rather than 150 to 190.
type prefixFilter []uint64

func newPrefixFilter() prefixFilter { return make(prefixFilter, 1<<24/64) }

// slot is the bit of 4 bytes: Fibonacci hashing of their value.
func (prefixFilter) slot(b []byte) uint32 { return binary.LittleEndian.Uint32(b) * 2654435769 >> 8 }

func (f prefixFilter) add(w string) {
	if len(w) >= 4 {
		k := f.slot([]byte(w[:4]))
		f[k/64] |= 1 << (k % 64)
	}
}

// has reports whether a word may start with b, 4 bytes.
func (f prefixFilter) has(b []byte) bool {
	k := f.slot(b)
	return f[k/64]&(1<<(k%64)) != 0
}
