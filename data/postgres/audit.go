package postgres

import (
	"strconv"
	"strings"

	"sesame/app"
)

// AddAudit records an event.
func (t *tx) AddAudit(e app.AuditEvent) error {
	if err := checkTimes(e.At); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO audit (at, actor, subject, action, details, actor_key, subject_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, auditArgs(&e)...)
	return err
}

// auditArgs are the stored columns of e after its ID.
func auditArgs(e *app.AuditEvent) []any {
	return []any{timeArg(e.At), e.Actor, e.Subject, e.Action, e.Details, app.AuditKey(e.Actor), app.AuditKey(e.Subject)}
}

// ListAudit returns events newest first. A fragment is looked up in the
// audit_grams index, whose candidates are checked against each key.
func (t *tx) ListAudit(q app.AuditQuery) ([]app.AuditEvent, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if frag := app.AuditKey(q.Subject); frag != "" {
		g, f := arg(queryGrams(frag)), arg(frag)
		where = append(where, `((strpos(actor_key, `+f+`) > 0 AND sesame_grams(actor_key) @> `+g+`) OR
			(strpos(subject_key, `+f+`) > 0 AND sesame_grams(subject_key) @> `+g+`))`)
	}
	if q.BeforeID > 0 {
		where = append(where, `id < `+arg(q.BeforeID))
	}
	if q.Action != "" {
		where = append(where, `action = `+arg(q.Action))
	}
	query := `SELECT id, at, actor, subject, action, details FROM audit`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY id DESC LIMIT ` + arg(limit)
	rows, err := t.tx.Query(t.ctx, query, args...)
	if err != nil {
		return nil, t.fail(err)
	}
	defer rows.Close()
	var events []app.AuditEvent
	for rows.Next() {
		var e app.AuditEvent
		if err := rows.Scan(&e.ID, timeCol{&e.At}, &e.Actor, &e.Subject, &e.Action, &e.Details); err != nil {
			return nil, t.fail(err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err)
	}
	return events, nil
}
