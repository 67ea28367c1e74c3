package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sesame/app"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrateLock is the key of the advisory lock under which the schema is
// brought up to date: workstations starting at once take turns, and the
// later ones find the work done.
const migrateLock = 0x5e5a3e_0001

// errNewer marks a database migrated by a newer version of Sésame.
var errNewer = errors.New("database from a newer version")

// beforeScript holds the work in Go of a migration, done before its
// script: what SQL cannot compute, as the folding of names.
var beforeScript = map[string]func(ctx context.Context, tx pgx.Tx) error{
	"0002_refold.sql": refold,
}

// refold stores again every user's sort key and search text, whose folding
// changed (every Latin letter to the base letter typed, separators left
// out, each field apart); its script then counts the pieces again.
func refold(ctx context.Context, tx pgx.Tx) error {
	for after := int64(0); ; {
		rows, err := tx.Query(ctx, `SELECT id, email, name, recovery_email FROM users WHERE id > $1 ORDER BY id LIMIT 10000`, after)
		if err != nil {
			return err
		}
		var ids []int64
		var keys [][]byte
		var texts []string
		for rows.Next() {
			var u app.User
			if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.RecoveryEmail); err != nil {
				rows.Close()
				return err
			}
			ids, keys, texts = append(ids, u.ID), append(keys, []byte(app.SortKey(&u))), append(texts, app.SearchText(&u))
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users u SET sort_key = n.k, search_text = n.t
			FROM unnest($1::bigint[], $2::bytea[], $3::text[]) AS n(id, k, t)
			WHERE u.id = n.id AND (u.sort_key, u.search_text) IS DISTINCT FROM (n.k, n.t)`, ids, keys, texts); err != nil {
			return err
		}
		after = ids[len(ids)-1]
	}
}

// migrate applies, in name order and in one transaction, each migration not
// yet recorded in the migrations table, then refuses a database that a
// newer version has migrated further than this one knows.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS migrations (
			name       text PRIMARY KEY,
			applied_at bigint NOT NULL
		)`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT name FROM migrations`)
		if err != nil {
			return err
		}
		applied, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, name := range applied {
			if !slices.Contains(names, "migrations/"+name) {
				return fmt.Errorf("%w: unknown migration %s", errNewer, name)
			}
		}
		for _, file := range names {
			name := strings.TrimPrefix(file, "migrations/")
			if slices.Contains(applied, name) {
				continue
			}
			script, err := migrations.ReadFile(file)
			if err != nil {
				return err
			}
			if step := beforeScript[name]; step != nil {
				if err := step(ctx, tx); err != nil {
					return fmt.Errorf("migration %s: %w", name, err)
				}
			}
			if _, err := tx.Exec(ctx, string(script)); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO migrations (name, applied_at) VALUES ($1, $2)`, name, time.Now().UnixNano()); err != nil {
				return err
			}
		}
		return nil
	})
}
