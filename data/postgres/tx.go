package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/mtibben/confusables"

	"sesame/app"
)

// tx implements app.Tx on one transaction.
type tx struct {
	ctx context.Context
	tx  pgx.Tx

	changed    app.Changes // what the transaction changed, told to the watches at its commit
	began      bool        // BEGIN went through
	committing bool        // the failure came at COMMIT
	conflict   bool        // the server aborted the transaction for a conflict: run it again
	lost       bool        // the connection was lost
}

var _ app.Tx = (*tx)(nil)

// note records what a failure means for the transaction.
func (t *tx) note(err error) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01") {
		t.conflict = true
	}
	if lostConnection(err) {
		t.lost = true
	}
}

// retry says whether the transaction that ended with err may run again:
// after a conflict, or when the connection was found dead before anything
// was sent (a pool's connection to a server that restarted).
func (t *tx) retry(err error) bool {
	if t.conflict {
		return true
	}
	return t.lost && !t.began && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// lostConnection reports whether err means that the connection is gone:
// the server stopped, restarted, ended the session or cannot be reached.
func lostConnection(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:2] {
		case "08", "57": // connection exception, operator intervention (terminated, shutting down)
			return pgErr.Code != "57014" // a canceled statement is not a lost connection
		}
		return false
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &netErr) ||
		errors.As(err, &connectErr) || pgconn.SafeToRetry(err) || (err != nil && err.Error() == "conn closed")
}

// fail turns a failure of the server or the driver into the domain's error.
func (t *tx) fail(err error) error {
	t.note(err)
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return app.Internal(err)
	case t.lost && !t.began:
		return &app.Error{Code: app.EInternal, Err: err,
			Message: app.Msg("The database server cannot be reached: nothing was changed. Sésame connects again by itself: try again in a moment.")}
	case t.lost && t.committing:
		return &app.Error{Code: app.EInternal, Err: err,
			Message: app.Msg("The connection to the database server was lost while saving: the change may or may not have been made. Check before trying again.")}
	case t.lost:
		return &app.Error{Code: app.EInternal, Err: err,
			Message: app.Msg("The connection to the database server was lost: nothing was changed. Sésame connects again by itself: try again in a moment.")}
	case errors.As(err, &pgErr) && (pgErr.Code == "22021" || pgErr.Code == "22P05"):
		return &app.Error{Code: app.EInvalid, Err: err, Message: app.Msg("The text holds a character that cannot be stored.")}
	}
	return app.Internal(err)
}

func (t *tx) exec(query string, args ...any) (pgconn.CommandTag, error) {
	tag, err := t.tx.Exec(t.ctx, query, args...)
	if err != nil {
		return tag, t.fail(err)
	}
	return tag, nil
}

// queryInt64 returns the single integer of a query, ok false when it has no row.
func (t *tx) queryInt64(query string, args ...any) (v int64, ok bool, err error) {
	err = t.tx.QueryRow(t.ctx, query, args...).Scan(&v)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, t.fail(err)
	}
	return v, true, nil
}

// constraint returns the name of the constraint that err violates, "" if none.
func constraint(err error, code string) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == code {
		return pgErr.ConstraintName
	}
	return ""
}

// Times.

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

func (c timeCol) ScanInt64(v pgtype.Int8) error {
	if !v.Valid {
		*c.t = time.Time{}
		return nil
	}
	*c.t = time.Unix(0, v.Int64).UTC()
	return nil
}

// Users.

// userCols are the columns of a user read with its throttling state and
// whether another login looks like it (one probe of an index); the queries
// that select them name users u and throttle t.
const (
	userCols = `u.id, u.email, u.name, u.role, u.has_mailbox, u.recovery_email, u.disabled,
		u.password_hash, u.password_temporary, u.temporary_expires_at, u.password_changed_at,
		u.last_signin_at, u.created_at, u.updated_at, u.updated_by, u.version, t.locked_until,
		EXISTS (SELECT 1 FROM users o WHERE o.look_alike_key = u.look_alike_key AND o.id <> u.id), u.sort_key`
	userJoin = `users u LEFT JOIN throttle t ON t.key = u.email_key`
)

// scanUser reads userCols into a user and its sort key.
func scanUser(s pgx.Row) (app.User, string, error) {
	var u app.User
	var sortKey []byte
	var role string
	err := s.Scan(&u.ID, &u.Email, &u.Name, &role, &u.HasMailbox, &u.RecoveryEmail, &u.Disabled,
		&u.PasswordHash, &u.PasswordTemporary, timeCol{&u.TemporaryExpiresAt}, timeCol{&u.PasswordChangedAt},
		timeCol{&u.LastSignInAt}, timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt}, &u.UpdatedBy, &u.Version, timeCol{&u.LockedUntil}, &u.HasLookAlike, &sortKey)
	u.Role = app.Role(role)
	return u, string(sortKey), err
}

// queryUsers runs a query selecting userCols.
func (t *tx) queryUsers(query string, args ...any) (users []app.User, sortKeys []string, err error) {
	rows, err := t.tx.Query(t.ctx, query, args...)
	if err != nil {
		return nil, nil, t.fail(err)
	}
	defer rows.Close()
	for rows.Next() {
		u, k, err := scanUser(rows)
		if err != nil {
			return nil, nil, t.fail(err)
		}
		users = append(users, u)
		sortKeys = append(sortKeys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, t.fail(err)
	}
	return users, sortKeys, nil
}

func (t *tx) oneUser(notFound *app.Error, query string, args ...any) (app.User, error) {
	u, _, err := scanUser(t.tx.QueryRow(t.ctx, query, args...))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return app.User{}, notFound
	case err != nil:
		return app.User{}, t.fail(err)
	}
	return u, nil
}

// UserByEmail returns the user whose login has the same EmailKey as email.
func (t *tx) UserByEmail(email string) (app.User, error) {
	return t.oneUser(app.ErrNoLogin(email), `SELECT `+userCols+` FROM `+userJoin+` WHERE u.email_key = $1`, app.EmailKey(email))
}

// UserByID returns the user with this ID.
func (t *tx) UserByID(id int64) (app.User, error) {
	return t.oneUser(app.ErrNoUser(id), `SELECT `+userCols+` FROM `+userJoin+` WHERE u.id = $1`, id)
}

// loginOwner returns the ID of the user whose login has this key, 0 if none.
func (t *tx) loginOwner(key string) (int64, error) {
	id, _, err := t.queryInt64(`SELECT id FROM users WHERE email_key = $1`, key)
	return id, err
}

// userArgs are the stored columns of u after its ID, in the order of
// userColumns. A version below 1 (a user not yet stored) is stored as 1.
func userArgs(u *app.User) []any {
	return []any{u.Email, app.EmailKey(u.Email), u.Name, string(u.Role), u.HasMailbox, u.RecoveryEmail,
		u.Disabled, u.PasswordHash, u.PasswordTemporary, timeArg(u.TemporaryExpiresAt), timeArg(u.PasswordChangedAt),
		timeArg(u.LastSignInAt), timeArg(u.CreatedAt), timeArg(u.UpdatedAt), []byte(app.SortKey(u)), app.SearchText(u),
		lookAlikeKey(u.Email), u.UpdatedBy, max(u.Version, 1)}
}

// lookAlikeKey is the key under which logins that look alike meet, with the
// data of Unicode's confusables.txt.
func lookAlikeKey(email string) string { return app.LookAlikeKey(confusables.Skeleton, email) }

const userColumns = `email, email_key, name, role, has_mailbox, recovery_email, disabled, password_hash,
	password_temporary, temporary_expires_at, password_changed_at, last_signin_at, created_at, updated_at,
	sort_key, search_text, look_alike_key, updated_by, version`

// CreateUser stores u with a new ID, which it sets in u.
func (t *tx) CreateUser(u *app.User) error {
	if err := app.CheckStoredUser(u); err != nil {
		return err
	}
	owner, err := t.loginOwner(app.EmailKey(u.Email))
	if err != nil {
		return err
	}
	if owner != 0 {
		return app.ErrLoginTaken(u.Email)
	}
	var id int64
	created := *u
	created.Version = 1
	err = t.tx.QueryRow(t.ctx, `INSERT INTO users (`+userColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
		userArgs(&created)...).Scan(&id)
	if constraint(err, "23505") == "users_email_key_key" {
		return app.ErrLoginTaken(u.Email)
	}
	if err != nil {
		return t.fail(err)
	}
	if err := t.countGrams("", app.SearchText(u), true); err != nil {
		return err
	}
	t.changed |= app.ChangedUsers
	u.ID, u.Version = id, 1
	return nil
}

// UpdateUser stores every field of u, found by its ID, if u.Version is the
// stored one, and counts the change in both.
func (t *tx) UpdateUser(u *app.User) error {
	if err := app.CheckStoredUser(u); err != nil {
		return err
	}
	var oldText, oldEmail string
	var version int64
	err := t.tx.QueryRow(t.ctx, `SELECT search_text, email, version FROM users WHERE id = $1`, u.ID).Scan(&oldText, &oldEmail, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		return app.ErrNoUser(u.ID)
	}
	if err != nil {
		return t.fail(err)
	}
	if version != u.Version {
		return app.ErrStale(oldEmail)
	}
	next := *u
	next.Version++
	owner, err := t.loginOwner(app.EmailKey(u.Email))
	if err != nil {
		return err
	}
	if owner != 0 && owner != u.ID {
		return app.ErrLoginTaken(u.Email)
	}
	_, err = t.tx.Exec(t.ctx, `UPDATE users SET (`+userColumns+`) =
		($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) WHERE id = $1`,
		append([]any{u.ID}, userArgs(&next)...)...)
	if constraint(err, "23505") == "users_email_key_key" {
		return app.ErrLoginTaken(u.Email)
	}
	if err != nil {
		return t.fail(err)
	}
	if err := t.countGrams(oldText, app.SearchText(u), false); err != nil {
		return err
	}
	t.changed |= app.ChangedUsers
	u.Version = next.Version
	return nil
}

// HasUsers reports whether there is any user: one row read, however many.
func (t *tx) HasUsers() (bool, error) {
	_, ok, err := t.queryInt64(`SELECT 1 FROM users LIMIT 1`)
	return ok, err
}

// ActiveAdmins lists up to limit administrators who are not disabled, by
// name, through the index of active administrators.
func (t *tx) ActiveAdmins(limit int) ([]app.User, error) {
	users, _, err := t.queryUsers(`SELECT `+userCols+` FROM `+userJoin+`
		WHERE u.role = 'admin' AND NOT u.disabled ORDER BY u.sort_key, u.id LIMIT $1`, max(limit, 0))
	return users, err
}

// CountActiveAdmins counts the administrators who are not disabled,
// stopping at atMost.
func (t *tx) CountActiveAdmins(atMost int) (int, error) {
	n, _, err := t.queryInt64(`SELECT count(*) FROM (SELECT 1 FROM users
		WHERE role = 'admin' AND NOT disabled LIMIT $1) a`, max(atMost, 0))
	return int(n), err
}

// LookAlikeKey is the key under which the login email is filed.
func (t *tx) LookAlikeKey(email string) string { return lookAlikeKey(email) }

// LookAlikes lists up to limit users other than exceptID whose login has
// the look-alike key of email, by name, through its index.
func (t *tx) LookAlikes(email string, exceptID int64, limit int) ([]app.User, error) {
	users, _, err := t.queryUsers(`SELECT `+userCols+` FROM `+userJoin+`
		WHERE u.look_alike_key = $1 AND u.id <> $2 ORDER BY u.sort_key, u.id LIMIT $3`, lookAlikeKey(email), exceptID, max(limit, 0))
	return users, err
}

// LookAlikesOf looks many look-alike keys up in one query, through the
// index, up to limit users a key.
func (t *tx) LookAlikesOf(wanted []string, limit int) ([][]app.User, error) {
	out := make([][]app.User, len(wanted))
	at := map[string][]int{}
	var keys []string
	for i, k := range wanted {
		if _, ok := at[k]; !ok {
			keys = append(keys, k)
		}
		at[k] = append(at[k], i)
	}
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := t.tx.Query(t.ctx, `SELECT `+userCols+`, u.look_alike_key
		FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY look_alike_key ORDER BY sort_key, id) AS n
			FROM users WHERE look_alike_key = ANY($1)) w
		JOIN users u ON u.id = w.id LEFT JOIN throttle t ON t.key = u.email_key
		WHERE w.n <= $2 ORDER BY u.sort_key, u.id`, keys, max(limit, 0))
	if err != nil {
		return nil, t.fail(err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		u, _, err := scanUser(withKey{rows, &key})
		if err != nil {
			return nil, t.fail(err)
		}
		for _, i := range at[key] {
			out[i] = append(out[i], u)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err)
	}
	return out, nil
}

// withKey scans a user's columns followed by the look-alike key.
type withKey struct {
	rows pgx.Rows
	key  *string
}

func (w withKey) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.key)...) }

// Password history.

// PasswordHistory returns up to limit previous hashes of each kind (own,
// temporary) of the user, newest first; none when limit is 0 or less.
func (t *tx) PasswordHistory(userID int64, limit int) ([]app.PasswordHistoryEntry, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := t.tx.Query(t.ctx, `SELECT id, hash, created_at, temporary FROM (
			(SELECT id, hash, created_at, temporary FROM password_history WHERE user_id = $1 AND NOT temporary
				ORDER BY created_at DESC, id DESC LIMIT $2)
			UNION ALL
			(SELECT id, hash, created_at, temporary FROM password_history WHERE user_id = $1 AND temporary
				ORDER BY created_at DESC, id DESC LIMIT $2)
		) h ORDER BY created_at DESC, id DESC`, userID, limit)
	if err != nil {
		return nil, t.fail(err)
	}
	var out []app.PasswordHistoryEntry
	for rows.Next() {
		h := app.PasswordHistoryEntry{UserID: userID}
		if err := rows.Scan(&h.ID, &h.Hash, timeCol{&h.At}, &h.Temporary); err != nil {
			rows.Close()
			return nil, t.fail(err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err)
	}
	return out, nil
}

// AddPasswordHistory records a hash, own or temporary, and keeps only the
// newest keep entries of its kind (none when keep is 0 or less).
func (t *tx) AddPasswordHistory(userID int64, hash string, at time.Time, temporary bool, keep int) error {
	if err := checkTimes(at); err != nil {
		return err
	}
	_, err := t.tx.Exec(t.ctx, `INSERT INTO password_history (user_id, hash, created_at, temporary) VALUES ($1, $2, $3, $4)`,
		userID, hash, timeArg(at), temporary)
	if constraint(err, "23503") != "" {
		return app.ErrNoUser(userID)
	}
	if err != nil {
		return t.fail(err)
	}
	_, err = t.exec(`DELETE FROM password_history WHERE user_id = $1 AND temporary = $3 AND id NOT IN (
		SELECT id FROM password_history WHERE user_id = $1 AND temporary = $3
		ORDER BY created_at DESC, id DESC LIMIT greatest($2, 0))`, userID, keep, temporary)
	return err
}

// Throttling.

// Throttle returns the failure record of a login key; when there is none,
// a record with only the key set.
func (t *tx) Throttle(key string) (app.Throttle, error) {
	th := app.Throttle{Key: key}
	err := t.tx.QueryRow(t.ctx, `SELECT failures, locked_until, last_failure, refused FROM throttle WHERE key = $1`, key).
		Scan(&th.Failures, timeCol{&th.LockedUntil}, timeCol{&th.LastFailure}, &th.Refused)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return app.Throttle{Key: key}, nil
	case err != nil:
		return app.Throttle{}, t.fail(err)
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
	_, err := t.exec(`INSERT INTO throttle (key, failures, locked_until, last_failure, refused) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,
		last_failure = excluded.last_failure, refused = excluded.refused`,
		th.Key, th.Failures, timeArg(th.LockedUntil), timeArg(th.LastFailure), th.Refused)
	t.changed |= app.ChangedUsers // a lock shows on the user
	return err
}

// ClearThrottle forgets the failures of a login key.
func (t *tx) ClearThrottle(key string) error {
	tag, err := t.exec(`DELETE FROM throttle WHERE key = $1`, key)
	if err != nil {
		return err
	}
	if tag.RowsAffected() > 0 {
		t.changed |= app.ChangedUsers
	}
	return nil
}

// PurgeThrottle deletes the failure records whose last failure is before
// the time given and that hold no lock running past it, and returns those
// of them that counted refused attempts.
func (t *tx) PurgeThrottle(before time.Time) ([]app.Throttle, error) {
	if err := checkTimes(before); err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(t.ctx, `DELETE FROM throttle
		WHERE last_failure < $1 AND (locked_until IS NULL OR locked_until < $1)
		RETURNING key, failures, locked_until, last_failure, refused`, before.UnixNano())
	if err != nil {
		return nil, t.fail(err)
	}
	defer rows.Close()
	var refused []app.Throttle
	for rows.Next() {
		var th app.Throttle
		if err := rows.Scan(&th.Key, &th.Failures, timeCol{&th.LockedUntil}, timeCol{&th.LastFailure}, &th.Refused); err != nil {
			return nil, t.fail(err)
		}
		if th.Refused > 0 {
			refused = append(refused, th)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err)
	}
	slices.SortFunc(refused, func(a, b app.Throttle) int { return strings.Compare(a.Key, b.Key) })
	return refused, nil
}

// Settings.

// SettingValues returns the stored settings, key → value.
func (t *tx) SettingValues() (map[string]string, error) {
	rows, err := t.tx.Query(t.ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, t.fail(err)
	}
	defer rows.Close()
	values := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, t.fail(err)
		}
		values[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err)
	}
	return values, nil
}

// PutSetting stores the value of a setting.
func (t *tx) PutSetting(key, value string) error {
	_, err := t.exec(`INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	t.changed |= app.ChangedSettings
	return err
}
