package sqlite_test

import (
	"testing"
	"time"

	"sesame/app"
)

func TestOutboxRoundTripAndDue(t *testing.T) {
	db := openDB(t)
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 123, time.UTC)
	msgs := []app.OutboxMessage{
		{Kind: app.MailRecoveryCode, To: "a@home.example", Subject: "Code", Text: "1234 5678", HTML: "<p>1234 5678</p>", UserEmail: "a@acme.example",
			State: app.MailQueued, NextAttemptAt: t0, CreatedAt: t0, SecretUntil: t0.Add(15 * time.Minute)},
		{Kind: app.MailPasswordChanged, To: "b@acme.example", Subject: "Changed", Text: "t", UserEmail: "b@acme.example",
			State: app.MailFailed, Attempts: 2, LastError: "421 try later", NextAttemptAt: t0.Add(time.Minute), CreatedAt: t0},
		{Kind: app.MailTest, To: "c@acme.example", Subject: "Test", Text: "t", State: app.MailSent, CreatedAt: t0, SentAt: t0},
	}
	write(t, db, func(tx app.Tx) error {
		for i := range msgs {
			if err := tx.EnqueueMail(&msgs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, db, func(tx app.Tx) error {
		due, err := tx.DueMail(t0, 10)
		if err != nil {
			return err
		}
		if len(due) != 1 || due[0] != msgs[0] {
			t.Errorf("due at t0: %+v, want exactly %+v", due, msgs[0])
		}
		due, err = tx.DueMail(t0.Add(time.Hour), 10)
		if err != nil {
			return err
		}
		if len(due) != 2 || due[1].ID != msgs[1].ID {
			t.Errorf("due an hour later: %+v", due)
		}
		if due, _ := tx.DueMail(t0.Add(time.Hour), 1); len(due) != 1 {
			t.Errorf("limit ignored: %d", len(due))
		}
		list, err := tx.ListMail(app.MailQuery{})
		if err != nil {
			return err
		}
		if len(list) != 3 || list[0].ID != msgs[2].ID || list[1] != msgs[1] {
			t.Errorf("list newest first: %+v", list)
		}
		failed, _ := tx.ListMail(app.MailQuery{State: app.MailFailed})
		if len(failed) != 1 || failed[0].LastError != "421 try later" {
			t.Errorf("failed: %+v", failed)
		}
		counts, err := tx.MailCounts()
		if err != nil {
			return err
		}
		if counts[app.MailQueued] != 1 || counts[app.MailFailed] != 1 || counts[app.MailSent] != 1 {
			t.Errorf("counts %v", counts)
		}
		return nil
	})
	// A claimed message whose claim has not run out is not due.
	msgs[0].State, msgs[0].NextAttemptAt = app.MailSending, t0.Add(2*time.Minute)
	write(t, db, func(tx app.Tx) error { return tx.UpdateMail(&msgs[0]) })
	read(t, db, func(tx app.Tx) error {
		if due, _ := tx.DueMail(t0.Add(time.Minute), 10); len(due) != 1 || due[0].ID != msgs[1].ID {
			t.Errorf("a claimed message is due again too soon: %+v", due)
		}
		return nil
	})
	err := db.Write(t.Context(), func(tx app.Tx) error { return tx.UpdateMail(&app.OutboxMessage{ID: 999}) })
	if app.CodeOf(err) != app.ENotFound {
		t.Errorf("update of a missing message: %v", err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	db := openDB(t)
	u := createUsers(t, db, employee("Paul Klee", "paul@acme.example"))[0]
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	read(t, db, func(tx app.Tx) error {
		if _, err := tx.RecoveryCode(u.ID); app.CodeOf(err) != app.ENotFound {
			t.Errorf("no code yet: %v", err)
		}
		return nil
	})
	first := app.RecoveryCode{UserID: u.ID, Hash: "$argon2id$first", SentTo: "paul@home.example", ExpiresAt: t0.Add(15 * time.Minute), CreatedAt: t0}
	second := first
	second.Hash, second.Tries, second.CreatedAt = "$argon2id$second", 2, t0.Add(time.Minute)
	write(t, db, func(tx app.Tx) error {
		if err := tx.PutRecoveryCode(first); err != nil {
			return err
		}
		return tx.PutRecoveryCode(second)
	})
	read(t, db, func(tx app.Tx) error {
		got, err := tx.RecoveryCode(u.ID)
		if err != nil || got != second {
			t.Errorf("code %+v %v, want the second replacing the first", got, err)
		}
		return nil
	})
	write(t, db, func(tx app.Tx) error { return tx.DeleteRecoveryCode(u.ID) })
	read(t, db, func(tx app.Tx) error {
		if _, err := tx.RecoveryCode(u.ID); app.CodeOf(err) != app.ENotFound {
			t.Errorf("deleted code still there: %v", err)
		}
		return nil
	})
	err := db.Write(t.Context(), func(tx app.Tx) error { return tx.PutRecoveryCode(app.RecoveryCode{UserID: 999, Hash: "h"}) })
	if app.CodeOf(err) != app.ENotFound {
		t.Errorf("a code for a missing user: %v", err)
	}
}
