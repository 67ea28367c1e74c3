package sqlite

import (
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/mtibben/confusables"

	"sesame/app"
)

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

// lookAlikeKey is the key under which logins that look alike meet, with the
// data of Unicode's confusables.txt.
func lookAlikeKey(email string) string { return app.LookAlikeKey(confusables.Skeleton, email) }

// scanUser reads userCols into a user and its sort key.
func scanUser(s interface{ Scan(...any) error }) (app.User, string, error) {
	var u app.User
	var sortKey string
	err := s.Scan(&u.ID, &u.Email, &u.Name, (*string)(&u.Role), &u.HasMailbox, &u.RecoveryEmail, &u.Disabled,
		&u.PasswordHash, &u.PasswordTemporary, timeCol{&u.TemporaryExpiresAt}, timeCol{&u.PasswordChangedAt},
		timeCol{&u.LastSignInAt}, timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt}, &u.UpdatedBy, &u.Version, timeCol{&u.LockedUntil}, &u.HasLookAlike, &sortKey)
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
		created_at, updated_at, sort_key, search_text, rank, look_alike_key, `+storedCols+`, updated_by, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		append([]any{id, u.Email, key, u.Name, string(u.Role), u.HasMailbox, u.RecoveryEmail,
			u.Disabled, u.PasswordHash, u.PasswordTemporary, timeArg(u.TemporaryExpiresAt), timeArg(u.PasswordChangedAt),
			timeArg(u.LastSignInAt), timeArg(u.CreatedAt), timeArg(u.UpdatedAt), sortKey, text, rank, lookAlikeKey(u.Email)},
			append(storedOf(u).args(), u.UpdatedBy)...)...)
	if err != nil {
		return err
	}
	keys := keysOf(sortKey, key, storedOf(u))
	if err := t.indexUser(keys.ftsRowid(rank), text); err != nil {
		return err
	}
	if err := t.moveInBlocks(id, nil, &keys); err != nil {
		return err
	}
	t.moveGrams("", nil, text, keys.attrs)
	t.changed |= app.ChangedUsers
	t.written++
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
	var oldRank, version int64
	var before userKeys
	err := t.tx.QueryRowContext(t.ctx, `SELECT search_text, rank, email, version, `+keyCols+` FROM users WHERE id = ?`, u.ID).
		Scan(append([]any{&oldText, &oldRank, &oldEmail, &version}, before.args()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return app.ErrNoUser(u.ID)
	}
	if err != nil {
		return app.Internal(err)
	}
	if version != u.Version {
		return app.ErrStale(oldEmail)
	}
	key := app.EmailKey(u.Email)
	if key != before.keys[ordLogin] { // a new login: nobody else's
		owner, err := t.loginOwner(key)
		if err != nil {
			return err
		}
		if owner != 0 && owner != u.ID {
			return app.ErrLoginTaken(u.Email)
		}
	}
	oldSortKey := before.keys[ordName].(string)
	oldRowid := before.ftsRowid(oldRank)
	sortKey, text := app.SortKey(u), app.SearchText(u)
	rank := oldRank
	// The index row goes before the user leaves its place in the order:
	// the renumbering of its neighbours may give its rank to another.
	unindexed := text != oldText || sortKey != oldSortKey
	if unindexed {
		if err := t.unindexUser(oldRowid); err != nil {
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
		last_signin_at = ?, created_at = ?, updated_at = ?, updated_by = ?, version = version + 1, sort_key = ?, search_text = ?, rank = ?, look_alike_key = ?,
		attrs = ?, signin_key = ?, changed_key = ?, created_key = ?, idle_key = ?, expiry_key = ? WHERE id = ?`,
		append(append([]any{u.Email, key, u.Name, string(u.Role), u.HasMailbox, u.RecoveryEmail,
			u.Disabled, u.PasswordHash, u.PasswordTemporary, timeArg(u.TemporaryExpiresAt), timeArg(u.PasswordChangedAt),
			timeArg(u.LastSignInAt), timeArg(u.CreatedAt), timeArg(u.UpdatedAt), u.UpdatedBy, sortKey, text, rank, lookAlikeKey(u.Email)},
			storedOf(u).args()...), u.ID)...)
	if err != nil {
		return err
	}
	after := keysOf(sortKey, key, storedOf(u))
	// A new cell or idle day moves the user's row of the index too.
	if newRowid := after.ftsRowid(rank); unindexed || newRowid != oldRowid {
		if !unindexed {
			if err := t.unindexUser(oldRowid); err != nil {
				return err
			}
		}
		if err := t.indexUser(newRowid, text); err != nil {
			return err
		}
	}
	if err := t.moveInBlocks(u.ID, &before, &after); err != nil {
		return err
	}
	t.moveGrams(oldText, &before.attrs, text, after.attrs)
	t.changed |= app.ChangedUsers
	t.written++
	u.Version++
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
	users, _, err := t.queryUsers(`SELECT `+userCols+` FROM users u INDEXED BY users_active_admins
		LEFT JOIN throttle t ON t.key = u.email_key
		WHERE u.role = 'admin' AND u.disabled = 0 ORDER BY u.sort_key, u.id LIMIT ?`, limit)
	return users, err
}

// CountActiveAdmins counts the administrators who are not disabled,
// stopping at atMost.
func (t *tx) CountActiveAdmins(atMost int) (int, error) {
	n, _, err := t.queryInt64(`SELECT count(*) FROM (SELECT 1 FROM users INDEXED BY users_active_admins
		WHERE role = 'admin' AND disabled = 0 LIMIT ?)`, atMost)
	return int(n), err
}

// LookAlikeKey is the key under which the login email is filed.
func (t *tx) LookAlikeKey(email string) string { return lookAlikeKey(email) }

// LookAlikes lists up to limit users other than exceptID whose login has
// the look-alike key of email, by name, through its index.
func (t *tx) LookAlikes(email string, exceptID int64, limit int) ([]app.User, error) {
	users, _, err := t.queryUsers(`SELECT `+userCols+` FROM `+userJoin+`
		WHERE u.look_alike_key = ? AND u.id <> ? ORDER BY u.sort_key, u.id LIMIT ?`, lookAlikeKey(email), exceptID, limit)
	return users, err
}

// LookAlikesOf looks many look-alike keys up in queries of lookAlikeChunk
// keys each, through the index, up to limit users a key.
func (t *tx) LookAlikesOf(wanted []string, limit int) ([][]app.User, error) {
	out := make([][]app.User, len(wanted))
	at, keys := distinctKeys(wanted)
	for chunk := range slices.Chunk(keys, lookAlikeChunk) {
		args := make([]any, 0, len(chunk)+1)
		for _, k := range chunk {
			args = append(args, k)
		}
		args = append(args, limit)
		rows, err := t.tx.QueryContext(t.ctx, `SELECT `+userCols+`, u.look_alike_key
			FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY look_alike_key ORDER BY sort_key, id) AS n
				FROM users WHERE look_alike_key IN (?`+strings.Repeat(",?", len(chunk)-1)+`)) w
			JOIN users u ON u.id = w.id LEFT JOIN throttle t ON t.key = u.email_key
			WHERE w.n <= ? ORDER BY u.sort_key, u.id`, args...)
		if err != nil {
			return nil, app.Internal(err)
		}
		for rows.Next() {
			var key string
			u, _, err := scanUser(withKey{rows, &key})
			if err != nil {
				rows.Close()
				return nil, app.Internal(err)
			}
			for _, i := range at[key] {
				out[i] = append(out[i], u)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, app.Internal(err)
		}
	}
	return out, nil
}

// lookAlikeChunk is how many keys one query of LookAlikesOf asks for,
// well below SQLite's limit of bound parameters.
const lookAlikeChunk = 500

// distinctKeys returns the positions of each key of wanted, and the keys in
// the order first met, each once.
func distinctKeys(wanted []string) (map[string][]int, []string) {
	at := map[string][]int{}
	var keys []string
	for i, k := range wanted {
		if _, ok := at[k]; !ok {
			keys = append(keys, k)
		}
		at[k] = append(at[k], i)
	}
	return at, keys
}

// withKey scans a user's columns followed by the look-alike key.
type withKey struct {
	rows *sql.Rows
	key  *string
}

func (w withKey) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.key)...) }
