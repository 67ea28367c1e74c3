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
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrateLock is the key of the advisory lock under which the schema is
// brought up to date: workstations starting at once take turns, and the
// later ones find the work done.
const migrateLock = 0x5e5a3e_0001

// errNewer marks a database migrated by a newer version of Sésame.
var errNewer = errors.New("database from a newer version")

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
