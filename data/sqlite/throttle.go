package sqlite

import (
	"database/sql"
	"errors"
	"time"

	"sesame/app"
)

// Throttle returns the failure record of a login key; when there is none,
// a record with only the key set.
func (t *tx) Throttle(key string) (app.Throttle, error) {
	th := app.Throttle{Key: key}
	err := t.tx.QueryRowContext(t.ctx, `SELECT failures, locked_until, last_failure, refused FROM throttle WHERE key = ?`, key).
		Scan(&th.Failures, timeCol{&th.LockedUntil}, timeCol{&th.LastFailure}, &th.Refused)
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
	_, err := t.exec(`INSERT INTO throttle (key, failures, locked_until, last_failure, refused) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,
		last_failure = excluded.last_failure, refused = excluded.refused`,
		th.Key, th.Failures, timeArg(th.LockedUntil), timeArg(th.LastFailure), th.Refused)
	t.changed |= app.ChangedUsers // a lock shows on the user
	return err
}

// ClearThrottle forgets the failures of a login key.
func (t *tx) ClearThrottle(key string) error {
	r, err := t.exec(`DELETE FROM throttle WHERE key = ?`, key)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n > 0 {
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
	rows, err := t.tx.QueryContext(t.ctx, `DELETE FROM throttle
		WHERE last_failure < ?1 AND (locked_until IS NULL OR locked_until < ?1)
		RETURNING key, failures, locked_until, last_failure, refused`, before.UnixNano())
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	var refused []app.Throttle
	for rows.Next() {
		var th app.Throttle
		if err := rows.Scan(&th.Key, &th.Failures, timeCol{&th.LockedUntil}, timeCol{&th.LastFailure}, &th.Refused); err != nil {
			return nil, app.Internal(err)
		}
		if th.Refused > 0 {
			refused = append(refused, th)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return refused, nil
}
