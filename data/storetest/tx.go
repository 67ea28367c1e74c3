package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"sesame/app"
)

// TestWriteRollsBackOnError: the function's error undoes everything it did
// and comes back as it is.
func TestWriteRollsBackOnError(t *testing.T, newStore NewStore) {
	s := newStore(t)
	boom := errors.New("boom")
	err := s.Write(t.Context(), func(tx app.Tx) error {
		if err := fillEveryTable(tx); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Write returned %v, want the function's error as it is", err)
	}
	checkEmpty(t, s)
}

// TestWriteRollsBackOnPanic: a panic goes through Write, undoes everything
// and leaves the store usable.
func TestWriteRollsBackOnPanic(t *testing.T, newStore NewStore) {
	s := newStore(t)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not go through Write")
			}
		}()
		_ = s.Write(t.Context(), func(tx app.Tx) error {
			if err := fillEveryTable(tx); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	checkEmpty(t, s)
	createUsers(t, s, Employee("Ana", "ana@example.com"))
}

// TestReadCannotWrite: a change attempted in a read transaction fails
// (EInternal) and changes nothing.
func TestReadCannotWrite(t *testing.T, newStore NewStore) {
	s := newStore(t)
	for name, change := range map[string]func(app.Tx) error{
		"setting": func(tx app.Tx) error { return tx.PutSetting("company.name", "ACME") },
		"user": func(tx app.Tx) error {
			u := Employee("Ana", "ana@example.com")
			return tx.CreateUser(&u)
		},
		"audit": func(tx app.Tx) error {
			return tx.AddAudit(app.AuditEvent{Actor: "x@example.com", Action: app.ActionSignIn})
		},
		"throttle": func(tx app.Tx) error { return tx.PutThrottle(app.Throttle{Key: "a@example.com", Failures: 1}) },
		"outbox": func(tx app.Tx) error {
			return tx.EnqueueMail(&app.OutboxMessage{Kind: app.MailTest, State: app.MailQueued})
		},
	} {
		err := s.Read(t.Context(), change)
		if app.CodeOf(err) != app.EInternal {
			t.Errorf("%s in a read transaction: %v, want an internal error", name, err)
		}
	}
	checkEmpty(t, s)
}

// TestCanceledContext: a transaction asked with a canceled context does
// not run.
func TestCanceledContext(t *testing.T, newStore NewStore) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for name, run := range map[string]func(context.Context, func(app.Tx) error) error{"Write": s.Write, "Read": s.Read} {
		called := false
		err := run(ctx, func(tx app.Tx) error { called = true; return nil })
		if app.CodeOf(err) != app.EInternal {
			t.Errorf("%s with a canceled context: %v, want an internal error", name, err)
		}
		if called {
			t.Errorf("%s ran the function although the context was canceled", name)
		}
	}
}

// fillEveryTable writes a row in every table.
func fillEveryTable(tx app.Tx) error {
	u := Employee("Ana", "ana@example.com")
	if err := tx.CreateUser(&u); err != nil {
		return err
	}
	if err := tx.AddPasswordHistory(u.ID, "h", u.CreatedAt, false, 3); err != nil {
		return err
	}
	if err := tx.PutSetting("company.name", "ACME"); err != nil {
		return err
	}
	if err := tx.PutThrottle(app.Throttle{Key: "ana@example.com", Failures: 1}); err != nil {
		return err
	}
	if err := tx.AddAudit(app.AuditEvent{Actor: "x@example.com", Action: app.ActionUserCreate}); err != nil {
		return err
	}
	if err := tx.EnqueueMail(&app.OutboxMessage{Kind: app.MailTest, To: "ana@example.com", State: app.MailQueued}); err != nil {
		return err
	}
	if err := tx.NoteRecoveryCodeSent(u.ID, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		return err
	}
	return tx.PutRecoveryCode(app.RecoveryCode{UserID: u.ID, Hash: "h"})
}

// checkEmpty fails the test unless every table is empty.
func checkEmpty(t *testing.T, s app.Store) {
	t.Helper()
	read(t, s, func(tx app.Tx) error {
		some, err := tx.HasUsers()
		if err != nil {
			return err
		}
		settings, err := tx.SettingValues()
		if err != nil {
			return err
		}
		events, err := tx.ListAudit(app.AuditQuery{})
		if err != nil {
			return err
		}
		page, err := tx.SearchUsers(app.UserQuery{Text: "ana"})
		if err != nil {
			return err
		}
		th, err := tx.Throttle("ana@example.com")
		if err != nil {
			return err
		}
		mail, err := tx.ListMail(app.MailQuery{})
		if err != nil {
			return err
		}
		if some || len(settings) != 0 || len(events) != 0 || len(page.Users) != 0 || th.Failures != 0 || len(mail) != 0 {
			t.Errorf("not empty: users %v, %d settings, %d events, %d found, %d failures, %d messages",
				some, len(settings), len(events), len(page.Users), th.Failures, len(mail))
		}
		return nil
	})
	if a, ok := s.(app.Archive); ok {
		c, err := a.Counts(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if c != (app.DirectoryCounts{}) {
			t.Errorf("not empty: %+v", c)
		}
	}
	checkIndex(t, s)
}
