package app

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id's cost parameters. The defaults are OWASP's
// minimum (19 MiB, two passes, one lane).
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen int
	KeyLen  int
}

// DefaultHashParams are the parameters with which new hashes are made.
var DefaultHashParams = HashParams{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Hasher hashes and verifies passwords as argon2id PHC strings:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
type Hasher struct {
	Params HashParams
}

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of password with a fresh random salt.
func (h Hasher) Hash(password string) (string, error) {
	p := h.params()
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(p.KeyLen))
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches the PHC string, in constant time
// with respect to the password. A malformed hash never matches.
func (h Hasher) Verify(phc, password string) bool {
	p, salt, key, err := decodePHC(phc)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// NeedsRehash reports whether a stored hash was made with weaker parameters
// than the current ones (or is not understood), so that it is replaced at
// the next successful sign-in.
func (h Hasher) NeedsRehash(phc string) bool {
	p, salt, key, err := decodePHC(phc)
	if err != nil {
		return true
	}
	c := h.params()
	return p.Memory < c.Memory || p.Time < c.Time || p.Threads < c.Threads || len(salt) < c.SaltLen || len(key) < c.KeyLen
}

func (h Hasher) params() HashParams {
	if h.Params == (HashParams{}) {
		return DefaultHashParams
	}
	return h.Params
}

func decodePHC(phc string) (HashParams, []byte, []byte, error) {
	var p HashParams
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id PHC string")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("bad argon2 parameters")
	}
	if p.Memory < 8 || p.Memory > 4<<20 || p.Time < 1 || p.Time > 64 || p.Threads < 1 {
		return p, nil, nil, fmt.Errorf("argon2 parameters out of range")
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("bad salt")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return p, nil, nil, fmt.Errorf("bad key")
	}
	p.SaltLen, p.KeyLen = len(salt), len(key)
	return p, salt, key, nil
}
