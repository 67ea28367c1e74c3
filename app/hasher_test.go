package app_test

import (
	"regexp"
	"testing"

	"sesame/app"
)

func TestHasherFormatAndVerify(t *testing.T) {
	h := app.Hasher{}
	phc, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(phc) {
		t.Fatalf("hash %q is not the expected PHC string", phc)
	}
	if !h.Verify(phc, "correct horse battery staple") {
		t.Error("the right password does not verify")
	}
	if h.Verify(phc, "correct horse battery stapler") {
		t.Error("a wrong password verifies")
	}
	again, _ := h.Hash("correct horse battery staple")
	if again == phc {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if h.NeedsRehash(phc) {
		t.Error("a hash with the current parameters needs a rehash")
	}
}

func TestHasherRehashAndMalformed(t *testing.T) {
	weak := app.Hasher{Params: app.HashParams{Memory: 4096, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}
	phc, err := weak.Hash("x")
	if err != nil {
		t.Fatal(err)
	}
	if !(app.Hasher{}).Verify(phc, "x") {
		t.Error("a hash with other parameters must still verify")
	}
	if !(app.Hasher{}).NeedsRehash(phc) {
		t.Error("a weaker hash is not flagged for rehash")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
		"$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
		"$argon2id$v=19$m=999999999,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"} {
		if (app.Hasher{}).Verify(bad, "") {
			t.Errorf("malformed hash %q verifies", bad)
		}
		if !(app.Hasher{}).NeedsRehash(bad) {
			t.Errorf("malformed hash %q is not flagged for rehash", bad)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	h := app.Hasher{}
	for b.Loop() {
		if _, err := h.Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	h := app.Hasher{}
	phc, _ := h.Hash("correct horse battery staple")
	for b.Loop() {
		h.Verify(phc, "correct horse battery staple")
	}
}
