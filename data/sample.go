package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"sesame/app"
)

// sampleFormat names the generator and the search index: raise it when
// fake.go or the index change, so that cached samples are made anew (the
// schema is part of the name by itself).
const sampleFormat = 1

// OpenSample opens a directory of n generated users (GenerateUsers with
// seed) kept in dir, for benchmarks: made once, in tens of seconds at a
// million users, then reused by every benchmark that asks for the same
// sample. It returns how long the generation took, 0 when the sample was
// there already.
func OpenSample(dir string, n int, seed int64) (*DB, time.Duration, error) {
	h := sha256.New()
	fmt.Fprintf(h, "format %d, index %s\n", sampleFormat, gramDoc("ab"))
	err := fs.WalkDir(migrations, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.ReadFile(path)
		h.Write(b)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	path := filepath.Join(dir, fmt.Sprintf("sesame-sample-%d-%d-%s.db", n, seed, hex.EncodeToString(h.Sum(nil))[:12]))
	db, err := Open(path)
	if err != nil {
		return nil, 0, err
	}
	var count int
	if err := db.Read(context.Background(), func(tx app.Tx) error {
		count, err = tx.CountUsers()
		return err
	}); err != nil || count == n {
		return db, 0, err
	}
	// Half made (an interrupted run) or another size: start again.
	db.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	if db, err = Open(path); err != nil {
		return nil, 0, err
	}
	start := time.Now()
	if err := GenerateUsers(context.Background(), db, n, seed); err != nil {
		db.Close()
		return nil, 0, err
	}
	return db, time.Since(start), nil
}
