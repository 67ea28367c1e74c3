package sqlite

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// TestBlockCacheFollowsTheTable writes and deletes blocks at random in one
// transaction, once blockAt has read them into its cache, and checks that
// every lookup, at a block's start, between blocks, before and after them
// all, finds what the table holds.
func TestBlockCacheFollowsTheTable(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "sesame.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(5, 8))
	keyOf := func(o ord) any {
		if orders[o].text {
			return fmt.Sprintf("k%02d", r.IntN(40))
		}
		return int64(r.IntN(40)) - 20
	}
	err = db.writeTx(t.Context(), func(tx *tx) error {
		for _, o := range []ord{ordName, ordCreated} {
			for range blockCacheAfter + 1 {
				if _, _, err := tx.blockAt(o, keyOf(o), 0, false); err != nil {
					return err
				}
			}
			if !tx.blocks.loaded[o] {
				return fmt.Errorf("order %d: the blocks are not read after %d lookups", o, blockCacheAfter+1)
			}
			for step := range 2000 {
				k, id := keyOf(o), int64(r.IntN(4))
				switch r.IntN(4) {
				case 0:
					b := block{k: k, id: id}
					b.counts[r.IntN(len(b.counts))] = int64(step)
					if err := tx.putBlock(o, b); err != nil {
						return err
					}
				case 1:
					if err := tx.deleteBlock(o, block{k: k, id: id}); err != nil {
						return err
					}
				default:
					before := r.IntN(2) == 0
					got, gotOK, err := tx.blockAt(o, k, id, before)
					if err != nil {
						return err
					}
					want, wantOK, err := tx.queryBlockAt(o, k, id, before)
					if err != nil {
						return err
					}
					if gotOK != wantOK || gotOK && (compareKeys(got.k, got.id, want.k, want.id) != 0 || got.counts != want.counts) {
						return fmt.Errorf("order %d, step %d: blockAt(%v, %d, before %v) = %v %v, the table holds %v %v",
							o, step, k, id, before, got, gotOK, want, wantOK)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
