package memstore

import (
	"context"
	"maps"
	"slices"

	"sesame/app"
)

// Export hands the whole directory to w, from one snapshot.
func (s *Store) Export(ctx context.Context, w app.DirectoryWriter) (app.DirectoryCounts, error) {
	var n app.DirectoryCounts
	err := s.Read(ctx, func(atx app.Tx) error {
		st := atx.(*tx).st
		for _, k := range slices.Sorted(maps.Keys(st.settings)) {
			if err := w.Setting(k, st.settings[k]); err != nil {
				return err
			}
			n.Settings++
		}
		for _, id := range slices.Sorted(maps.Keys(st.users)) {
			if err := w.User(st.users[id]); err != nil {
				return err
			}
			n.Users++
		}
		for _, h := range st.history {
			if err := w.PasswordHistory(h); err != nil {
				return err
			}
			n.PasswordHistory++
		}
		for _, k := range slices.Sorted(maps.Keys(st.throttle)) {
			if err := w.Throttle(st.throttle[k]); err != nil {
				return err
			}
			n.Throttle++
		}
		for _, e := range st.audit {
			if err := w.Audit(e); err != nil {
				return err
			}
			n.Audit++
		}
		for _, m := range st.mail {
			if err := w.Mail(m); err != nil {
				return err
			}
			n.Outbox++
		}
		for _, id := range slices.Sorted(maps.Keys(st.codes)) {
			if err := w.RecoveryCode(st.codes[id]); err != nil {
				return err
			}
			n.RecoveryCodes++
		}
		for _, r := range st.sends {
			if err := w.RecoverySend(r); err != nil {
				return err
			}
			n.RecoverySends++
		}
		return nil
	})
	return n, err
}

// Import fills an empty store with the rows fill hands, all or nothing.
func (s *Store) Import(ctx context.Context, fill func(app.DirectoryWriter) (app.DirectoryCounts, error)) error {
	return s.Write(ctx, func(atx app.Tx) error {
		t := atx.(*tx)
		if counts(t.st) != (app.DirectoryCounts{}) {
			return app.ErrNotEmpty()
		}
		want, err := fill(importer{t})
		if err != nil {
			return err
		}
		return app.CheckCopied(want, counts(t.st))
	})
}

// Counts counts the rows of each table.
func (s *Store) Counts(ctx context.Context) (app.DirectoryCounts, error) {
	var n app.DirectoryCounts
	err := s.Read(ctx, func(atx app.Tx) error {
		n = counts(atx.(*tx).st)
		return nil
	})
	return n, err
}

func counts(st *state) app.DirectoryCounts {
	return app.DirectoryCounts{Settings: len(st.settings), Users: len(st.users), PasswordHistory: len(st.history),
		Throttle: len(st.throttle), Audit: len(st.audit), Outbox: len(st.mail), RecoveryCodes: len(st.codes),
		RecoverySends: len(st.sends)}
}

// importer stores rows as they are, IDs included, each table in ID order.
type importer struct{ t *tx }

func (im importer) Setting(k, v string) error { return im.t.PutSetting(k, v) }

func (im importer) User(u app.User) error {
	if _, ok := im.t.st.users[u.ID]; ok || u.ID <= 0 {
		return app.ErrDuplicateRow("user", u.ID)
	}
	im.t.changed |= app.ChangedUsers
	return im.t.putUser(u)
}

func (im importer) PasswordHistory(h app.PasswordHistoryEntry) error {
	if _, ok := im.t.st.users[h.UserID]; !ok {
		return app.ErrOrphanRow("password history", h.ID)
	}
	if h.ID < nextID(im.t.st.history, historyID) {
		return app.ErrDuplicateRow("password history", h.ID)
	}
	if err := app.CheckStoredTimes(h.At); err != nil {
		return err
	}
	utc(&h.At)
	im.t.st.history = append(im.t.st.history, h)
	return nil
}

func (im importer) Throttle(th app.Throttle) error { return im.t.PutThrottle(th) }

func (im importer) Audit(e app.AuditEvent) error {
	if e.ID < nextID(im.t.st.audit, auditID) {
		return app.ErrDuplicateRow("audit log", e.ID)
	}
	if err := app.CheckStoredTimes(e.At); err != nil {
		return err
	}
	utc(&e.At)
	im.t.st.audit = append(im.t.st.audit, e)
	return nil
}

func (im importer) Mail(m app.OutboxMessage) error {
	if m.ID < nextID(im.t.st.mail, mailID) {
		return app.ErrDuplicateRow("outbox", m.ID)
	}
	if err := checkMail(&m); err != nil {
		return err
	}
	im.t.st.mail = append(im.t.st.mail, m)
	return nil
}

func (im importer) RecoveryCode(c app.RecoveryCode) error {
	if _, ok := im.t.st.users[c.UserID]; !ok {
		return app.ErrOrphanRow("recovery codes", c.UserID)
	}
	return im.t.PutRecoveryCode(c)
}

func (im importer) RecoverySend(r app.RecoverySend) error {
	if _, ok := im.t.st.users[r.UserID]; !ok {
		return app.ErrOrphanRow("recovery codes sent", r.ID)
	}
	if r.ID < nextID(im.t.st.sends, sendID) {
		return app.ErrDuplicateRow("recovery codes sent", r.ID)
	}
	if err := app.CheckStoredTimes(r.SentAt); err != nil {
		return err
	}
	utc(&r.SentAt)
	im.t.st.sends = append(im.t.st.sends, r)
	return nil
}
