package postgres

import (
	"context"
	"iter"

	"github.com/jackc/pgx/v5"

	"sesame/app"
)

// loadBatch is how many users LoadUsers sends at once.
const loadBatch = 20000

// LoadUsers adds up to n users taken from users, as they are (hashes,
// states and times included), all in one transaction, and returns how many
// it added; a user whose login exists already is skipped. It is the bulk
// path of the data generator: no rule of the domain is applied and nothing
// is audited. Users go to the server by COPY into a temporary table, then
// into users, their search pieces counted in Go; the indexes of a large
// load are built once at its end, the table rewritten in name order.
func (db *DB) LoadUsers(ctx context.Context, users iter.Seq[app.User], n int) (int, error) {
	if n <= 0 {
		return 0, nil
	}
	var added int
	err := db.run(ctx, true, func(t *tx) error {
		var err error
		added, err = t.loadUsers(users, n)
		return err
	})
	if err != nil {
		return 0, err
	}
	return added, db.analyze(ctx)
}

// loadIndexes are the indexes that a large load drops and builds again.
var loadIndexes = []struct{ name, create string }{
	{"users_by_look_alike", `CREATE INDEX users_by_look_alike ON users (look_alike_key, sort_key, id)`},
	{"users_by_name", `CREATE INDEX users_by_name ON users (sort_key, id) INCLUDE (search_text)`},
	{"users_grams", `CREATE INDEX users_grams ON users USING gin (sesame_grams(search_text))`},
}

func (t *tx) loadUsers(users iter.Seq[app.User], n int) (int, error) {
	large := n >= 10*loadBatch
	if large {
		if _, err := t.exec(`SET LOCAL maintenance_work_mem = '512MB'`); err != nil {
			return 0, err
		}
		for _, ix := range loadIndexes {
			if _, err := t.exec(`DROP INDEX ` + ix.name); err != nil {
				return 0, err
			}
		}
	}
	if _, err := t.exec(`CREATE TEMP TABLE load_users (ord bigint, ` + userColumnTypes + `) ON COMMIT DROP`); err != nil {
		return 0, err
	}
	next, stop := iter.Pull(users)
	defer stop()
	added, counts := 0, map[int64]int64{}
	for more := true; more && added < n; {
		var rows [][]any
		texts := map[string]string{} // login key → search text, of this batch
		for len(rows) < min(loadBatch, n-added) {
			var u app.User
			if u, more = next(); !more {
				break
			}
			if err := app.CheckStoredUser(&u); err != nil {
				return 0, err
			}
			args := userArgs(&u)
			texts[app.EmailKey(u.Email)] = app.SearchText(&u)
			rows = append(rows, append([]any{int64(len(rows))}, args...))
		}
		if len(rows) == 0 {
			break
		}
		if _, err := t.tx.CopyFrom(t.ctx, pgx.Identifier{"load_users"}, append([]string{"ord"}, userColumnList[1:]...),
			pgx.CopyFromRows(rows)); err != nil {
			return 0, t.fail(err)
		}
		// The users whose login was taken are skipped: only those added
		// count, by their login keys.
		keys, err := t.tx.Query(t.ctx, `INSERT INTO users (`+userColumns+`) SELECT `+userColumns+` FROM load_users
			ORDER BY ord ON CONFLICT (email_key) DO NOTHING RETURNING email_key`)
		if err != nil {
			return 0, t.fail(err)
		}
		inserted, err := pgx.CollectRows(keys, pgx.RowTo[string])
		if err != nil {
			return 0, t.fail(err)
		}
		for _, k := range inserted {
			counts[0]++
			for _, g := range grams(texts[k]) {
				counts[g]++
			}
		}
		if _, err := t.exec(`TRUNCATE load_users`); err != nil {
			return 0, err
		}
		added += len(inserted)
	}
	if err := t.addGrams(counts); err != nil {
		return 0, err
	}
	t.changed |= app.ChangedUsers
	if large {
		for _, ix := range loadIndexes {
			if _, err := t.exec(ix.create); err != nil {
				return 0, err
			}
			if ix.name == "users_by_name" {
				if err := t.cluster(); err != nil {
					return 0, err
				}
			}
		}
	}
	return added, nil
}

// cluster rewrites the users table in name order: a search that asks the
// GIN index for the holders of a first name, who sort together, then finds
// them on a few pages rather than one page each.
func (t *tx) cluster() error {
	_, err := t.exec(`CLUSTER users USING users_by_name`)
	return err
}

// userColumnTypes declares the columns of userColumns, for a table that
// receives users.
const userColumnTypes = `email text, email_key text COLLATE "C", name text, role text, has_mailbox boolean,
	recovery_email text, disabled boolean, password_hash text, password_temporary boolean,
	temporary_expires_at bigint, password_changed_at bigint, last_signin_at bigint, created_at bigint,
	updated_at bigint, sort_key bytea, search_text text COLLATE "C", look_alike_key text COLLATE "C", updated_by text,
	version bigint`
