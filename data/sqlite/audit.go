package sqlite

import (
	"strings"

	"sesame/app"
)

// AddAudit records an event.
func (t *tx) AddAudit(e app.AuditEvent) error {
	if err := checkTimes(e.At); err != nil {
		return err
	}
	// Lower-cased copies, for filtering without regard to case.
	actorKey, subjectKey := app.AuditKey(e.Actor), app.AuditKey(e.Subject)
	r, err := t.exec(`INSERT INTO audit (at, actor, subject, action, details, actor_key, subject_key)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, timeArg(e.At), e.Actor, e.Subject, e.Action, e.Details, actorKey, subjectKey)
	if err != nil {
		return err
	}
	id, err := r.LastInsertId()
	if err != nil {
		return app.Internal(err)
	}
	// Held back until the transaction commits or reads the log, as the
	// users' index is (see flushGrams).
	t.auditGrams = append(t.auditGrams, auditGram{id, gramDoc(actorKey) + " " + gramDoc(subjectKey)})
	return nil
}

// auditGram is an event's row of audit_grams, not yet written.
type auditGram struct {
	id  int64
	doc string
}

// ListAudit returns events newest first. A subject fragment is looked up in
// the audit_grams index, which yields ids newest first, and checked against
// the actor and subject of each candidate.
func (t *tx) ListAudit(q app.AuditQuery) ([]app.AuditEvent, error) {
	if err := t.flushGrams(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	var where []string
	var args []any
	from, id := `audit a`, `a.id`
	if frag := app.AuditKey(q.Subject); frag != "" {
		// The index yields ids in order: the join then stops at the limit.
		from, id = `audit_grams g CROSS JOIN audit a ON a.id = g.rowid`, `g.rowid`
		where = append(where, `audit_grams MATCH ?`, `(instr(a.actor_key, ?) > 0 OR instr(a.subject_key, ?) > 0)`)
		args = append(args, gramMatch(frag), frag, frag)
	}
	if q.BeforeID > 0 {
		where = append(where, id+` < ?`)
		args = append(args, q.BeforeID)
	}
	if q.Action != "" {
		where = append(where, `a.action = ?`)
		args = append(args, q.Action)
	}
	query := `SELECT a.id, a.at, a.actor, a.subject, a.action, a.details FROM ` + from
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY ` + id + ` DESC LIMIT ?`
	args = append(args, limit)
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	var events []app.AuditEvent
	for rows.Next() {
		var e app.AuditEvent
		if err := rows.Scan(&e.ID, timeCol{&e.At}, &e.Actor, &e.Subject, &e.Action, &e.Details); err != nil {
			return nil, app.Internal(err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return events, nil
}
