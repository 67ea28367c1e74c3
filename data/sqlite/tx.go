package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/mattn/go-sqlite3"

	"sesame/app"
)

// tx implements app.Tx on one SQL transaction.
type tx struct {
	ctx context.Context
	tx  *sql.Tx
}

var _ app.Tx = (*tx)(nil)

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	r, err := t.tx.ExecContext(t.ctx, query, args...)
	if err != nil {
		return nil, app.Internal(err)
	}
	return r, nil
}

// queryInt64 returns the single integer of a query, ok false when it has no row.
func (t *tx) queryInt64(query string, args ...any) (v int64, ok bool, err error) {
	err = t.tx.QueryRowContext(t.ctx, query, args...).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, app.Internal(err)
	}
	return v, true, nil
}

// checkTimes refuses times that cannot be stored exactly.
var checkTimes = app.CheckStoredTimes

// timeArg is the stored form of a time checked by checkTimes: NULL for the
// zero time, otherwise nanoseconds since the epoch.
func timeArg(v time.Time) any {
	if v.IsZero() {
		return nil
	}
	return v.UnixNano()
}

// timeCol scans the stored form of a time back into a time.Time, in UTC.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.Unix(0, v).UTC()
	default:
		return errors.New("data: a time column holds a value of the wrong type")
	}
	return nil
}

func isForeignKey(err error) bool {
	var e sqlite3.Error
	return errors.As(err, &e) && e.ExtendedCode == sqlite3.ErrConstraintForeignKey
}

// Users.

// userCols are the columns of a user read with its throttling state; the
// queries that select them name users u and throttle t.
const (
	userCols = `u.id, u.email, u.name, u.role, u.has_mailbox, u.recovery_email, u.disabled,
		u.password_hash, u.password_temporary, u.temporary_expires_at, u.password_changed_at,
		u.last_signin_at, u.created_at, u.updated_at, t.locked_until, u.sort_key`
	userJoin = `users u LEFT JOIN throttle t ON t.key = u.email_key`
)

// scanUser reads userCols into a user and its sort key.
func scanUser(s interface{ Scan(...any) error }) (app.User, string, error) {
	var u app.User
	var sortKey string
	err := s.Scan(&u.ID, &u.Email, &u.Name, (*string)(&u.Role), &u.HasMailbox, &u.RecoveryEmail, &u.Disabled,
		&u.PasswordHash, &u.PasswordTemporary, timeCol{&u.TemporaryExpiresAt}, timeCol{&u.PasswordChangedAt},
		timeCol{&u.LastSignInAt}, timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt}, timeCol{&u.LockedUntil}, &sortKey)
	return u, sortKey, err
}

// queryUsers runs a query selecting userCols.
func (t *tx) queryUsers(query string, args ...any) (users []app.User, sortKeys []string, err error) {
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, nil, app.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		u, k, err := scanUser(rows)
		if err != nil {
			return nil, nil, app.Internal(err)
		}
		users = append(users, u)
		sortKeys = append(sortKeys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, app.Internal(err)
	}
	return users, sortKeys, nil
}

func (t *tx) oneUser(notFound *app.Error, query string, args ...any) (app.User, error) {
	u, _, err := scanUser(t.tx.QueryRowContext(t.ctx, query, args...))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return app.User{}, notFound
	case err != nil:
		return app.User{}, app.Internal(err)
	}
	return u, nil
}

// UserByEmail returns the user whose login has the same EmailKey as email.
func (t *tx) UserByEmail(email string) (app.User, error) {
	return t.oneUser(app.ErrNoLogin(email), `SELECT `+userCols+` FROM `+userJoin+` WHERE u.email_key = ?`, app.EmailKey(email))
}

// UserByID returns the user with this ID.
func (t *tx) UserByID(id int64) (app.User, error) {
	return t.oneUser(app.ErrNoUser(id), `SELECT `+userCols+` FROM `+userJoin+` WHERE u.id = ?`, id)
}

// loginOwner returns the ID of the user whose login has this key, 0 if none.
func (t *tx) loginOwner(key string) (int64, error) {
	id, _, err := t.queryInt64(`SELECT id FROM users WHERE email_key = ?`, key)
	return id, err
}

// CreateUser stores u with a new ID, which it sets in u.
func (t *tx) CreateUser(u *app.User) error {
	if err := app.CheckStoredUser(u); err != nil {
		return err
	}
	key := app.EmailKey(u.Email)
	owner, err := t.loginOwner(key)
	if err != nil {
		return err
	}
	if owner != 0 {
		return app.ErrLoginTaken(u.Email)
	}
	// The ID is chosen here, as SQLite would, because the rank depends on it.
	last, _, err := t.queryInt64(`SELECT coalesce(max(id), 0) FROM users`)
	if err != nil {
		return err
	}
	id := last + 1
	sortKey, text := app.SortKey(u), app.SearchText(u)
	rank, err := t.place(sortKey, id)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO users (id, email, email_key, name, role, has_mailbox, recovery_email,
		disabled, password_hash, password_temporary, temporary_expires_at, password_changed_at, last_signin_at,
		created_at, updated_at, sort_key, search_text, rank) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, u.Email, key, u.Name, string(u.Role), u.HasMailbox, u.RecoveryEmail,
		u.Disabled, u.PasswordHash, u.PasswordTemporary, timeArg(u.TemporaryExpiresAt), timeArg(u.PasswordChangedAt),
		timeArg(u.LastSignInAt), timeArg(u.CreatedAt), timeArg(u.UpdatedAt), sortKey, text, rank)
	if err != nil {
		return err
	}
	if err := t.indexUser(rank, text); err != nil {
		return err
	}
	u.ID = id
	return nil
}

// UpdateUser stores every field of u, found by its ID.
func (t *tx) UpdateUser(u *app.User) error {
	if err := app.CheckStoredUser(u); err != nil {
		return err
	}
	var oldSortKey, oldText string
	var oldRank int64
	err := t.tx.QueryRowContext(t.ctx, `SELECT sort_key, search_text, rank FROM users WHERE id = ?`, u.ID).
		Scan(&oldSortKey, &oldText, &oldRank)
	if errors.Is(err, sql.ErrNoRows) {
		return app.ErrNoUser(u.ID)
	}
	if err != nil {
		return app.Internal(err)
	}
	key := app.EmailKey(u.Email)
	owner, err := t.loginOwner(key)
	if err != nil {
		return err
	}
	if owner != 0 && owner != u.ID {
		return app.ErrLoginTaken(u.Email)
	}
	sortKey, text := app.SortKey(u), app.SearchText(u)
	rank := oldRank
	if text != oldText || sortKey != oldSortKey {
		if err := t.unindexUser(oldRank); err != nil {
			return err
		}
	}
	if sortKey != oldSortKey {
		// Take the user out of the order before finding its new place,
		// which may renumber its neighbours.
		if _, err := t.exec(`UPDATE users SET rank = -id WHERE id = ?`, u.ID); err != nil {
			return err
		}
		if rank, err = t.place(sortKey, u.ID); err != nil {
			return err
		}
	}
	_, err = t.exec(`UPDATE users SET email = ?, email_key = ?, name = ?, role = ?, has_mailbox = ?, recovery_email = ?,
		disabled = ?, password_hash = ?, password_temporary = ?, temporary_expires_at = ?, password_changed_at = ?,
		last_signin_at = ?, created_at = ?, updated_at = ?, sort_key = ?, search_text = ?, rank = ? WHERE id = ?`,
		u.Email, key, u.Name, string(u.Role), u.HasMailbox, u.RecoveryEmail,
		u.Disabled, u.PasswordHash, u.PasswordTemporary, timeArg(u.TemporaryExpiresAt), timeArg(u.PasswordChangedAt),
		timeArg(u.LastSignInAt), timeArg(u.CreatedAt), timeArg(u.UpdatedAt), sortKey, text, rank, u.ID)
	if err != nil {
		return err
	}
	if text != oldText || sortKey != oldSortKey {
		return t.indexUser(rank, text)
	}
	return nil
}

// CountUsers returns the number of users.
func (t *tx) CountUsers() (int, error) {
	n, _, err := t.queryInt64(`SELECT count(*) FROM users`)
	return int(n), err
}

// ActiveAdmins lists the administrators who are not disabled, by name.
func (t *tx) ActiveAdmins() ([]app.User, error) {
	users, _, err := t.queryUsers(`SELECT ` + userCols + ` FROM ` + userJoin + `
		WHERE u.role = 'admin' AND u.disabled = 0 ORDER BY u.sort_key, u.id`)
	return users, err
}

// Password history.

// PasswordHistory returns up to limit previous hashes of the user, newest
// first; none when limit is 0 or less.
func (t *tx) PasswordHistory(userID int64, limit int) ([]string, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT hash FROM password_history WHERE user_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	var hashes []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, app.Internal(err)
		}
		hashes = append(hashes, h)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return hashes, nil
}

// AddPasswordHistory records a hash and keeps only the newest keep entries
// (none when keep is 0 or less).
func (t *tx) AddPasswordHistory(userID int64, hash string, at time.Time, keep int) error {
	if err := checkTimes(at); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO password_history (user_id, hash, created_at) VALUES (?, ?, ?)`,
		userID, hash, timeArg(at))
	if isForeignKey(err) {
		return app.ErrNoUser(userID)
	}
	if err != nil {
		return app.Internal(err)
	}
	_, err = t.exec(`DELETE FROM password_history WHERE user_id = ?1 AND id NOT IN (
		SELECT id FROM password_history WHERE user_id = ?1 ORDER BY created_at DESC, id DESC LIMIT max(?2, 0))`,
		userID, keep)
	return err
}

// Throttling.

// Throttle returns the failure record of a login key; when there is none,
// a record with only the key set.
func (t *tx) Throttle(key string) (app.Throttle, error) {
	th := app.Throttle{Key: key}
	err := t.tx.QueryRowContext(t.ctx, `SELECT failures, locked_until, last_failure FROM throttle WHERE key = ?`, key).
		Scan(&th.Failures, timeCol{&th.LockedUntil}, timeCol{&th.LastFailure})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return app.Throttle{Key: key}, nil
	case err != nil:
		return app.Throttle{}, app.Internal(err)
	}
	return th, nil
}

// PutThrottle stores the failure record of th.Key.
func (t *tx) PutThrottle(th app.Throttle) error {
	if th.Key == "" {
		return app.Errorf(app.EInvalid, "The e-mail address is empty.")
	}
	if err := checkTimes(th.LockedUntil, th.LastFailure); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO throttle (key, failures, locked_until, last_failure) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,
		last_failure = excluded.last_failure`,
		th.Key, th.Failures, timeArg(th.LockedUntil), timeArg(th.LastFailure))
	return err
}

// ClearThrottle forgets the failures of a login key.
func (t *tx) ClearThrottle(key string) error {
	_, err := t.exec(`DELETE FROM throttle WHERE key = ?`, key)
	return err
}

// PurgeThrottle deletes the failure records whose last failure is before
// the time given and that hold no lock running past it.
func (t *tx) PurgeThrottle(before time.Time) error {
	if err := checkTimes(before); err != nil {
		return err
	}
	_, err := t.exec(`DELETE FROM throttle WHERE last_failure < ? AND (locked_until IS NULL OR locked_until < ?)`,
		before.UnixNano(), before.UnixNano())
	return err
}

// Settings.

// SettingValues returns the stored settings, key → value.
func (t *tx) SettingValues() (map[string]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	values := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, app.Internal(err)
		}
		values[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return values, nil
}

// PutSetting stores the value of a setting.
func (t *tx) PutSetting(key, value string) error {
	_, err := t.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
