package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"iter"
	"runtime"
	"sync"

	"sesame/app"
)

// LoadUsers adds up to n users taken from users, as they are (hashes,
// states and times included), all in one transaction, and returns how many
// it added; a user whose login exists already is skipped. It is the bulk
// path of the data generator: no rule of the domain is applied and nothing
// is audited.
//
// It holds the write lock all along: about 40 s for a million users.
func (db *DB) LoadUsers(ctx context.Context, users iter.Seq[app.User], n int) (int, error) {
	if n <= 0 {
		return 0, nil
	}
	var added int
	err := db.writeTx(ctx, func(t *tx) error {
		var err error
		added, err = t.loadUsers(ctx, users, n)
		return err
	})
	if err != nil {
		return 0, err
	}
	// Fold the large write-ahead log back into the database now: until
	// then, every read would look pages up in it.
	if _, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return 0, app.Internal(err)
	}
	return added, nil
}

func (t *tx) loadUsers(ctx context.Context, users iter.Seq[app.User], n int) (int, error) {
	if err := t.flushGrams(); err != nil {
		return 0, err
	}
	last, _, err := t.queryInt64(`SELECT coalesce(max(id), 0) FROM users`)
	if err != nil {
		return 0, err
	}
	// A bulk load wants a larger page cache, and FTS5 to buffer more and
	// merge once at the end rather than as it goes (see relabelAll); its
	// merging is then set back as the migrations left it.
	automerge, ok, err := t.queryInt64(`SELECT v FROM users_grams_config WHERE k = 'automerge'`)
	if err != nil {
		return 0, err
	}
	if !ok {
		automerge = 4 // FTS5's default
	}
	defer t.exec(fmt.Sprintf(`PRAGMA cache_size = %d`, -cacheKiB))
	for _, q := range []string{
		`PRAGMA cache_size = -262144`,
		`INSERT INTO users_grams (users_grams, rank) VALUES ('hashsize', 67108864)`,
		`INSERT INTO users_grams (users_grams, rank) VALUES ('automerge', 0)`,
	} {
		if _, err := t.exec(q); err != nil {
			return 0, err
		}
	}
	// Users are inserted unranked (rank -id): relabelAll ranks and indexes
	// them all at once, far faster than placing each one.
	stmt, err := t.tx.PrepareContext(ctx, `INSERT INTO users (id, email, email_key, name, role, has_mailbox,
		recovery_email, disabled, password_hash, password_temporary, temporary_expires_at, password_changed_at,
		last_signin_at, created_at, updated_at, sort_key, search_text, rank, look_alike_key, `+storedCols+`)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, -?1, ?18, ?19, ?20, ?21, ?22, ?23, ?24)
		ON CONFLICT (email_key) DO NOTHING`)
	if err != nil {
		return 0, app.Internal(err)
	}
	defer stmt.Close()
	batches, stop := keyedBatches(users)
	defer stop()
	id, end := last+1, last+int64(n)
insert:
	for b := range batches {
		for _, u := range b {
			if id > end {
				break insert
			}
			if err := checkTimes(u.TemporaryExpiresAt, u.PasswordChangedAt, u.LastSignInAt, u.CreatedAt, u.UpdatedAt); err != nil {
				return 0, err
			}
			r, err := stmt.ExecContext(ctx, append([]any{id, u.Email, u.key, u.Name, string(u.Role), u.HasMailbox,
				u.RecoveryEmail, u.Disabled, u.PasswordHash, u.PasswordTemporary, timeArg(u.TemporaryExpiresAt),
				timeArg(u.PasswordChangedAt), timeArg(u.LastSignInAt), timeArg(u.CreatedAt), timeArg(u.UpdatedAt),
				u.sortKey, u.text, u.look}, u.stored.args()...)...)
			if err != nil {
				return 0, app.Internal(err)
			}
			k, err := r.RowsAffected()
			if err != nil {
				return 0, app.Internal(err)
			}
			if k == 1 { // else the login exists already: skip the user
				id++
			}
		}
	}
	if err := t.relabelAll(); err != nil {
		return 0, err
	}
	if err := t.rebuildCounts(); err != nil {
		return 0, err
	}
	t.changed |= app.ChangedUsers
	for _, q := range []string{
		`INSERT INTO users_grams (users_grams, rank) VALUES ('hashsize', 1048576)`,
		fmt.Sprintf(`INSERT INTO users_grams (users_grams, rank) VALUES ('automerge', %d)`, automerge),
	} {
		if _, err := t.exec(q); err != nil {
			return 0, err
		}
	}
	return int(id - last - 1), nil
}

// keyedUser is a user with the keys under which it is stored.
type keyedUser struct {
	app.User
	key, sortKey, text, look string
	stored                   stored
}

// keyedBatches reads users in batches whose keys are computed on every
// core but which come out in the order of users. stop ends the reading.
func keyedBatches(users iter.Seq[app.User]) (batches <-chan []keyedUser, stop func()) {
	type batch struct {
		users []keyedUser
		done  chan struct{}
	}
	ordered, work, quit := make(chan *batch, 16), make(chan *batch, 16), make(chan struct{})
	go func() {
		defer close(ordered)
		defer close(work)
		next, done := iter.Pull(users)
		defer done()
		for more := true; more; {
			b := &batch{users: make([]keyedUser, 0, 1024), done: make(chan struct{})}
			for len(b.users) < cap(b.users) {
				var u app.User
				if u, more = next(); !more {
					break
				}
				b.users = append(b.users, keyedUser{User: u})
			}
			select {
			case ordered <- b:
				work <- b
			case <-quit:
				return
			}
		}
	}()
	for range runtime.NumCPU() {
		go func() {
			for b := range work {
				for i := range b.users {
					u := &b.users[i]
					u.key, u.sortKey, u.text = app.EmailKey(u.Email), app.SortKey(&u.User), app.SearchText(&u.User)
					u.look = lookAlikeKey(u.Email)
					u.stored = storedOf(&u.User)
				}
				close(b.done)
			}
		}()
	}
	out := make(chan []keyedUser)
	go func() {
		defer close(out)
		for b := range ordered {
			<-b.done
			select {
			case out <- b.users:
			case <-quit:
				// Let the workers finish what was queued.
				for range ordered {
				}
				return
			}
		}
	}()
	var once sync.Once
	return out, func() { once.Do(func() { close(quit) }) }
}

// Fingerprint names the schema and the search index of the files this
// package writes: two builds with the same fingerprint read and search a
// file alike. Caches of generated files are keyed by it.
func Fingerprint() (string, error) {
	h := sha256.New()
	const probe = "Jean-Noël Łukasz Ødegaard Þóra Straße"
	fmt.Fprintf(h, "index %s %d\nfold %s %s\n", gramDoc("ab cd"), ftsRowid(1, 2, 3), app.FoldForSearch(probe), app.Fold(probe))
	names, err := steps()
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "steps %v\n", names)
	err = fs.WalkDir(migrations, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.ReadFile(path)
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}
