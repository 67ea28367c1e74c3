package sqlite

import (
	"database/sql"
	"errors"
	"time"

	"sesame/app"
)

const outboxColumns = `id, kind, recipient, subject, body_text, body_html, user_email, state, attempts,
	next_attempt_at, last_error, created_at, sent_at, secret_until`

func scanMail(s interface{ Scan(...any) error }) (app.OutboxMessage, error) {
	var m app.OutboxMessage
	var state string
	err := s.Scan(&m.ID, &m.Kind, &m.To, &m.Subject, &m.Text, &m.HTML, &m.UserEmail, &state, &m.Attempts,
		timeCol{&m.NextAttemptAt}, &m.LastError, timeCol{&m.CreatedAt}, timeCol{&m.SentAt}, timeCol{&m.SecretUntil})
	m.State = app.MailState(state)
	return m, err
}

func (t *tx) queryMail(query string, args ...any) ([]app.OutboxMessage, error) {
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	var out []app.OutboxMessage
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, app.Internal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return out, nil
}

// EnqueueMail stores a new outbox message.
func (t *tx) EnqueueMail(m *app.OutboxMessage) error {
	if err := checkTimes(m.NextAttemptAt, m.CreatedAt, m.SentAt, m.SecretUntil); err != nil {
		return err
	}
	r, err := t.exec(`INSERT INTO outbox (kind, recipient, subject, body_text, body_html, user_email, state, attempts,
		next_attempt_at, last_error, created_at, sent_at, secret_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.Kind, m.To, m.Subject, m.Text, m.HTML, m.UserEmail, string(m.State), m.Attempts,
		timeArg(m.NextAttemptAt), m.LastError, timeArg(m.CreatedAt), timeArg(m.SentAt), timeArg(m.SecretUntil))
	if err != nil {
		return err
	}
	if m.ID, err = r.LastInsertId(); err != nil {
		return app.Internal(err)
	}
	t.changed |= app.ChangedMail
	return nil
}

// DueMail returns the messages to try at now, oldest first.
func (t *tx) DueMail(now time.Time, limit int) ([]app.OutboxMessage, error) {
	return t.queryMail(`SELECT `+outboxColumns+` FROM outbox
		WHERE state IN ('queued', 'sending', 'failed') AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id LIMIT ?`, now.UnixNano(), limit)
}

// UpdateMail stores every field of m.
func (t *tx) UpdateMail(m *app.OutboxMessage) error {
	if err := checkTimes(m.NextAttemptAt, m.CreatedAt, m.SentAt, m.SecretUntil); err != nil {
		return err
	}
	r, err := t.exec(`UPDATE outbox SET kind = ?, recipient = ?, subject = ?, body_text = ?, body_html = ?, user_email = ?,
		state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, created_at = ?, sent_at = ?, secret_until = ?
		WHERE id = ?`,
		m.Kind, m.To, m.Subject, m.Text, m.HTML, m.UserEmail, string(m.State), m.Attempts, timeArg(m.NextAttemptAt),
		m.LastError, timeArg(m.CreatedAt), timeArg(m.SentAt), timeArg(m.SecretUntil), m.ID)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return app.Errorf(app.ENotFound, "No such message in the outbox.")
	}
	t.changed |= app.ChangedMail
	// A message that held a secret is wiped once sent or expired.
	t.wiped = t.wiped || !m.SecretUntil.IsZero() && (m.State == app.MailSent || m.State == app.MailExpired)
	return nil
}

// ListMail returns outbox messages newest first.
func (t *tx) ListMail(q app.MailQuery) ([]app.OutboxMessage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	if q.State != "" {
		return t.queryMail(`SELECT `+outboxColumns+` FROM outbox WHERE state = ? ORDER BY id DESC LIMIT ?`, string(q.State), limit)
	}
	return t.queryMail(`SELECT `+outboxColumns+` FROM outbox ORDER BY id DESC LIMIT ?`, limit)
}

// MailCounts counts messages by state.
func (t *tx) MailCounts() (app.MailCounts, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT state, count(*) FROM outbox GROUP BY state`)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	c := app.MailCounts{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, app.Internal(err)
		}
		c[app.MailState(state)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return c, nil
}

// RecoveryCode returns the user's pending code.
func (t *tx) RecoveryCode(userID int64) (app.RecoveryCode, error) {
	c := app.RecoveryCode{UserID: userID}
	err := t.tx.QueryRowContext(t.ctx, `SELECT hash, sent_to, expires_at, tries, created_at FROM recovery_codes WHERE user_id = ?`, userID).
		Scan(&c.Hash, &c.SentTo, timeCol{&c.ExpiresAt}, &c.Tries, timeCol{&c.CreatedAt})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return app.RecoveryCode{}, app.Errorf(app.ENotFound, "No recovery code is pending.")
	case err != nil:
		return app.RecoveryCode{}, app.Internal(err)
	}
	return c, nil
}

// PutRecoveryCode stores the user's code, replacing any other.
func (t *tx) PutRecoveryCode(c app.RecoveryCode) error {
	if err := checkTimes(c.ExpiresAt, c.CreatedAt); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO recovery_codes (user_id, hash, sent_to, expires_at, tries, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, sent_to = excluded.sent_to,
		expires_at = excluded.expires_at, tries = excluded.tries, created_at = excluded.created_at`,
		c.UserID, c.Hash, c.SentTo, timeArg(c.ExpiresAt), c.Tries, timeArg(c.CreatedAt))
	if isForeignKey(err) {
		return app.ErrNoUser(c.UserID)
	}
	return err
}

// DeleteRecoveryCode removes the user's code, if any.
func (t *tx) DeleteRecoveryCode(userID int64) error {
	_, err := t.exec(`DELETE FROM recovery_codes WHERE user_id = ?`, userID)
	return err
}

// RecoveryCodesSent counts the codes sent for the user since a time, and
// gives the time of the last one.
func (t *tx) RecoveryCodesSent(userID int64, since time.Time) (int, time.Time, error) {
	var (
		n    int
		last time.Time
	)
	err := t.tx.QueryRowContext(t.ctx, `SELECT (SELECT count(*) FROM recovery_sends WHERE user_id = ?1 AND sent_at >= ?2),
		(SELECT max(sent_at) FROM recovery_sends WHERE user_id = ?1)`, userID, since.UnixNano()).Scan(&n, timeCol{&last})
	if err != nil {
		return 0, time.Time{}, app.Internal(err)
	}
	return n, last, nil
}

// NoteRecoveryCodeSent records a code sent for the user, and forgets those
// sent more than a day before it, so that the table holds a day at most.
func (t *tx) NoteRecoveryCodeSent(userID int64, at time.Time) error {
	if err := checkTimes(at); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM recovery_sends WHERE user_id = ? AND sent_at < ?`, userID, at.Add(-24*time.Hour).UnixNano()); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO recovery_sends (user_id, sent_at) VALUES (?, ?)`, userID, at.UnixNano())
	if isForeignKey(err) {
		return app.ErrNoUser(userID)
	}
	if err != nil {
		return app.Internal(err)
	}
	return nil
}
