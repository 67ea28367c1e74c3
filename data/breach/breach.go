// Package breach is the set of breached passwords that the policy refuses
// (NIST SP 800-63B-4 §3.1.1.2: "passwords obtained from previous breach
// corpuses"), kept as a binary fuse filter (github.com/FastFilter/xorfilter):
// about 18 bits a password, one false positive in 65,536 lookups, and no
// false negative. The filter is built once by assets/gen from published
// lists and shipped in assets; Load reads it on first use.
package breach

import (
	"bytes"
	"errors"
	"hash/fnv"
	"sync"

	"github.com/FastFilter/xorfilter"
)

// Key is the filter's key of a password, which must already be in the form
// the policy compares (app.NormalizePassword, then lower case): the 64-bit
// FNV-1a hash of its UTF-8 bytes.
func Key(password string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(password))
	return h.Sum64()
}

// Build makes the filter of a set of passwords (each in the policy's form)
// and returns its serialised bytes, as Load reads them.
func Build(passwords []string) ([]byte, error) {
	if len(passwords) == 0 {
		return nil, errors.New("breach: no password to build a filter of")
	}
	keys := make([]uint64, len(passwords))
	for i, p := range passwords {
		keys[i] = Key(p)
	}
	f, err := xorfilter.NewBinaryFuse[uint16](keys)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Save(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Set answers whether a password is in the breached set. It reads its
// filter on the first question, once; it is safe for concurrent use.
type Set struct {
	load func() (*xorfilter.BinaryFuse[uint16], error)
}

// Load returns the set whose filter is data (made by Build).
func Load(data []byte) *Set {
	return &Set{load: sync.OnceValues(func() (*xorfilter.BinaryFuse[uint16], error) {
		return xorfilter.LoadBinaryFuse[uint16](bytes.NewReader(data))
	})}
}

// Contains reports whether password (in the policy's form) is in the set,
// or, for one password in 65,536 that is not, says it is. The filter is
// part of the binary and checked by its tests: one that cannot be read is
// a broken build, and panics rather than let every password through.
func (s *Set) Contains(password string) bool {
	return s.filter().Contains(Key(password))
}

// Size is the filter's size in bytes once read.
func (s *Set) Size() int { return 2 * len(s.filter().Fingerprints) }

func (s *Set) filter() *xorfilter.BinaryFuse[uint16] {
	f, err := s.load()
	if err != nil {
		panic("breach: the filter of breached passwords cannot be read: " + err.Error())
	}
	return f
}
