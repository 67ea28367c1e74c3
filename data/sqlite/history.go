package sqlite

import (
	"time"

	"sesame/app"
)

// PasswordHistory returns up to limit previous hashes of each kind (own,
// temporary) of the user, newest first; none when limit is 0 or less.
func (t *tx) PasswordHistory(userID int64, limit int) ([]string, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT hash FROM (
			SELECT hash, created_at, id FROM (SELECT * FROM password_history WHERE user_id = ?1 AND temporary = 0
				ORDER BY created_at DESC, id DESC LIMIT ?2)
			UNION ALL
			SELECT hash, created_at, id FROM (SELECT * FROM password_history WHERE user_id = ?1 AND temporary = 1
				ORDER BY created_at DESC, id DESC LIMIT ?2))
		ORDER BY created_at DESC, id DESC`, userID, limit)
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
