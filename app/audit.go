package app

import "context"

// MaxAuditPage is the most events that one page of the audit log holds.
const MaxAuditPage = 1000

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Events []AuditEvent
	// Next is the BeforeID that asks for the page after this one.
	Next int64
	// More reports whether older events match the query.
	More bool
}

// AuditPage reads one page of the events that q matches, newest first:
// q.Limit of them (100 when 0, at most MaxAuditPage), older than
// q.BeforeID when it is set. Whether more follow is known exactly: the
// page after is asked for with Next.
func (s *Service) AuditPage(ctx context.Context, q AuditQuery) (AuditPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, MaxAuditPage)
	q.Limit = limit + 1 // one more says whether more follow
	var p AuditPage
	err := s.store.Read(ctx, func(tx Tx) error {
		events, err := tx.ListAudit(q)
		if err != nil {
			return err
		}
		if p.More = len(events) > limit; p.More {
			events = events[:limit]
		}
		p.Events = events
		if len(events) > 0 {
			p.Next = events[len(events)-1].ID
		}
		return nil
	})
	return p, err
}

// EachAuditPage reads the events that q matches, newest first, a page of
// size events at a time (MaxAuditPage when 0), and gives each page to fn,
// until there is no more, fn fails, or atMost events were given (all when
// 0): the way to export or list the log whatever its length, each page
// read in a transaction of its own.
func (s *Service) EachAuditPage(ctx context.Context, q AuditQuery, size, atMost int, fn func([]AuditEvent) error) error {
	if size <= 0 {
		size = MaxAuditPage
	}
	q.BeforeID = 0
	for n := 0; atMost == 0 || n < atMost; {
		q.Limit = size
		if atMost > 0 {
			q.Limit = min(size, atMost-n)
		}
		p, err := s.AuditPage(ctx, q)
		if err != nil {
			return err
		}
		if len(p.Events) > 0 {
			if err := fn(p.Events); err != nil {
				return err
			}
		}
		n += len(p.Events)
		if !p.More {
			return nil
		}
		q.BeforeID = p.Next
	}
	return nil
}
