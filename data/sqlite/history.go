package sqlite

import (
	"time"

	"sesame/app"
)

// PasswordHistory returns up to limit previous hashes of each kind (own,
// temporary) of the user, newest first; none when limit is 0 or less.
func (t *tx) PasswordHistory(userID int64, limit int) ([]app.PasswordHistoryEntry, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, hash, created_at, temporary FROM (
			SELECT id, hash, created_at, temporary FROM (SELECT * FROM password_history WHERE user_id = ?1 AND temporary = 0
				ORDER BY created_at DESC, id DESC LIMIT ?2)
			UNION ALL
			SELECT id, hash, created_at, temporary FROM (SELECT * FROM password_history WHERE user_id = ?1 AND temporary = 1
				ORDER BY created_at DESC, id DESC LIMIT ?2))
		ORDER BY created_at DESC, id DESC`, userID, limit)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	var out []app.PasswordHistoryEntry
	for rows.Next() {
		h := app.PasswordHistoryEntry{UserID: userID}
		if err := rows.Scan(&h.ID, &h.Hash, timeCol{&h.At}, &h.Temporary); err != nil {
			return nil, app.Internal(err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return out, nil
}

// AddPasswordHistory records a hash, own or temporary, and keeps only the
// newest keep entries of its kind (none when keep is 0 or less).
func (t *tx) AddPasswordHistory(userID int64, hash string, at time.Time, temporary bool, keep int) error {
	if err := checkTimes(at); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO password_history (user_id, hash, created_at, temporary) VALUES (?, ?, ?, ?)`,
		userID, hash, timeArg(at), temporary)
	if isForeignKey(err) {
		return app.ErrNoUser(userID)
	}
	if err != nil {
		return app.Internal(err)
	}
	_, err = t.exec(`DELETE FROM password_history WHERE user_id = ?1 AND temporary = ?3 AND id NOT IN (
		SELECT id FROM password_history WHERE user_id = ?1 AND temporary = ?3 ORDER BY created_at DESC, id DESC LIMIT max(?2, 0))`,
		userID, keep, temporary)
	return err
}
