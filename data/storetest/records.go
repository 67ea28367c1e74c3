package storetest

import (
	"reflect"
	"testing"
	"time"

	"sesame/app"
)

// TestThrottle: an unknown key gives a record with only its key; records
// are replaced and cleared; an empty key is refused.
func TestThrottle(t *testing.T, newStore NewStore) {
	s := newStore(t)
	key := "ana@example.com"
	read(t, s, func(tx app.Tx) error {
		got, err := tx.Throttle(key)
		if got != (app.Throttle{Key: key}) {
			t.Errorf("Throttle of an unknown key = %+v", got)
		}
		return err
	})
	first := app.Throttle{Key: key, Failures: 3, LastFailure: time.Date(2025, 1, 1, 0, 0, 0, 1, time.UTC)}
	second := app.Throttle{Key: key, Failures: 5, LockedUntil: time.Date(2025, 1, 1, 0, 1, 0, 0, time.UTC),
		LastFailure: time.Date(2025, 1, 1, 0, 0, 30, 0, time.UTC), Refused: 3}
	for _, want := range []app.Throttle{first, second} {
		write(t, s, func(tx app.Tx) error { return tx.PutThrottle(want) })
		read(t, s, func(tx app.Tx) error {
			got, err := tx.Throttle(key)
			sameFields(t, "throttle", got, want)
			return err
		})
	}
	write(t, s, func(tx app.Tx) error {
		if err := tx.ClearThrottle(key); err != nil {
			return err
		}
		return tx.ClearThrottle("never@example.com")
	})
	read(t, s, func(tx app.Tx) error {
		got, err := tx.Throttle(key)
		if got != (app.Throttle{Key: key}) {
			t.Errorf("Throttle after ClearThrottle = %+v", got)
		}
		return err
	})
	err := s.Write(t.Context(), func(tx app.Tx) error { return tx.PutThrottle(app.Throttle{Failures: 1}) })
	wantCode(t, err, app.EInvalid)
}

// TestPurgeThrottle: records whose last failure is before the cut go,
// unless their lock runs past it; those that counted refused attempts are
// handed back.
func TestPurgeThrottle(t *testing.T, newStore NewStore) {
	s := newStore(t)
	cut := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	records := []app.Throttle{
		{Key: "old@example.com", Failures: 2, LastFailure: cut.Add(-time.Hour)},
		{Key: "old-lock-ended@example.com", Failures: 6, LastFailure: cut.Add(-2 * time.Hour), LockedUntil: cut.Add(-time.Hour)},
		{Key: "old-lock-running@example.com", Failures: 9, LastFailure: cut.Add(-2 * time.Hour), LockedUntil: cut.Add(time.Hour)},
		{Key: "recent@example.com", Failures: 1, LastFailure: cut.Add(time.Minute)},
		{Key: "at-the-cut@example.com", Failures: 1, LastFailure: cut},
		{Key: "refused@example.com", Failures: 5, LastFailure: cut.Add(-3 * time.Hour), LockedUntil: cut.Add(-2 * time.Hour), Refused: 40},
	}
	write(t, s, func(tx app.Tx) error {
		for _, r := range records {
			if err := tx.PutThrottle(r); err != nil {
				return err
			}
		}
		refused, err := tx.PurgeThrottle(cut)
		if len(refused) != 1 {
			t.Errorf("PurgeThrottle returned %+v, want the record with 40 refused attempts", refused)
		} else {
			sameFields(t, "refused", refused[0], records[len(records)-1])
		}
		return err
	})
	read(t, s, func(tx app.Tx) error {
		for _, r := range records {
			got, err := tx.Throttle(r.Key)
			if err != nil {
				return err
			}
			kept := got.Failures > 0
			want := r.Key == "old-lock-running@example.com" || r.Key == "recent@example.com" || r.Key == "at-the-cut@example.com"
			if kept != want {
				t.Errorf("%s kept %v, want %v", r.Key, kept, want)
			}
		}
		return nil
	})
}

// TestSettings: values are stored, replaced and listed.
func TestSettings(t *testing.T, newStore NewStore) {
	s := newStore(t)
	read(t, s, func(tx app.Tx) error {
		got, err := tx.SettingValues()
		if len(got) != 0 {
			t.Errorf("a new store has settings %v", got)
		}
		return err
	})
	write(t, s, func(tx app.Tx) error {
		for k, v := range map[string]string{"company.name": "ACME", "password.min_length": "12", "smtp.from": ""} {
			if err := tx.PutSetting(k, v); err != nil {
				return err
			}
		}
		return tx.PutSetting("company.name", "ACME « Sésame »")
	})
	read(t, s, func(tx app.Tx) error {
		got, err := tx.SettingValues()
		want := map[string]string{"company.name": "ACME « Sésame »", "password.min_length": "12", "smtp.from": ""}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("SettingValues() = %v, want %v", got, want)
		}
		return err
	})
}

// TestAudit: events come back newest first, exactly; the filters (a
// fragment of the actor or the subject, whatever its case and accents, an
// action, an ID to page before) combine.
func TestAudit(t *testing.T, newStore NewStore) {
	s := newStore(t)
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	events := []app.AuditEvent{
		{At: at, Actor: "system:root", Action: app.ActionSetup},
		{At: at.Add(1), Actor: "Admin@Example.com", Subject: "ana@example.com", Action: app.ActionUserCreate, Details: "Ana"},
		{At: at.Add(2), Actor: "admin@example.com", Subject: "bob@example.com", Action: app.ActionUserCreate},
		{At: at.Add(3), Actor: "ana@example.com", Action: app.ActionSignIn},
		{At: at.Add(4), Actor: "ANA@example.com", Subject: "ana@example.com", Action: app.ActionPasswordChange},
		{At: at.Add(5), Actor: "admin@example.com", Subject: "Bob@Example.com", Action: app.ActionUserDisable},
		{Actor: "x%_\"'*@example.com", Subject: "élise@exemple.fr", Action: app.ActionSignInFailure},
	}
	write(t, s, func(tx app.Tx) error {
		for _, e := range events {
			if err := tx.AddAudit(e); err != nil {
				return err
			}
		}
		return nil
	})
	var all []app.AuditEvent
	read(t, s, func(tx app.Tx) error {
		var err error
		all, err = tx.ListAudit(app.AuditQuery{})
		return err
	})
	if len(all) != len(events) {
		t.Fatalf("%d events, want %d", len(all), len(events))
	}
	for i, got := range all {
		want := events[len(events)-1-i]
		want.ID = got.ID
		sameFields(t, "event", got, want)
		if i > 0 && got.ID >= all[i-1].ID {
			t.Errorf("events not newest first: %d after %d", got.ID, all[i-1].ID)
		}
	}
	idx := func(is ...int) []int64 {
		var ids []int64
		for _, i := range is {
			ids = append(ids, all[len(events)-1-i].ID)
		}
		return ids
	}
	for _, c := range []struct {
		name string
		q    app.AuditQuery
		want []int64
	}{
		{"limit", app.AuditQuery{Limit: 2}, idx(6, 5)},
		{"before", app.AuditQuery{BeforeID: idx(4)[0], Limit: 2}, idx(3, 2)},
		{"action", app.AuditQuery{Action: app.ActionUserCreate}, idx(2, 1)},
		{"subject or actor, any case", app.AuditQuery{Subject: "ANA@EXAMPLE"}, idx(4, 3, 1)},
		{"fragment", app.AuditQuery{Subject: "bob"}, idx(5, 2)},
		{"short fragment", app.AuditQuery{Subject: "bo"}, idx(5, 2)},
		{"one letter", app.AuditQuery{Subject: "y"}, idx(0)},
		{"accented", app.AuditQuery{Subject: "ÉLISE"}, idx(6)},
		{"special characters", app.AuditQuery{Subject: `%_"'*`}, idx(6)},
		{"like wildcards match themselves only", app.AuditQuery{Subject: "a%e"}, nil},
		{"fragment and action", app.AuditQuery{Subject: "admin", Action: app.ActionUserDisable}, idx(5)},
		{"fragment and before", app.AuditQuery{Subject: "admin", BeforeID: idx(5)[0]}, idx(2, 1)},
		{"fragment across actor and subject", app.AuditQuery{Subject: "admin@example.comana"}, nil},
		{"fragment across actor and subject with a space", app.AuditQuery{Subject: "com ana"}, nil},
		{"miss", app.AuditQuery{Subject: "nobody"}, nil},
	} {
		read(t, s, func(tx app.Tx) error {
			got, err := tx.ListAudit(c.q)
			var ids []int64
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if !reflect.DeepEqual(ids, c.want) {
				t.Errorf("%s: ListAudit(%+v) = %v, want %v", c.name, c.q, ids, c.want)
			}
			return err
		})
	}
}

// TestOutbox: messages come back exactly; DueMail takes the due ones,
// oldest due first, not those claimed; ListMail is newest first.
func TestOutbox(t *testing.T, newStore NewStore) {
	s := newStore(t)
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 123, time.UTC)
	msgs := []app.OutboxMessage{
		{Kind: app.MailRecoveryCode, To: "a@home.example", Subject: "Code", Text: "1234 5678", HTML: "<p>1234 5678</p>", UserEmail: "a@acme.example",
			State: app.MailQueued, NextAttemptAt: t0, CreatedAt: t0, SecretUntil: t0.Add(15 * time.Minute)},
		{Kind: app.MailPasswordChanged, To: "b@acme.example", Subject: "Changed", Text: "t", UserEmail: "b@acme.example",
			State: app.MailFailed, Attempts: 2, LastError: "421 try later", NextAttemptAt: t0.Add(time.Minute), CreatedAt: t0},
		{Kind: app.MailTest, To: "c@acme.example", Subject: "Test", Text: "t", State: app.MailSent, CreatedAt: t0, SentAt: t0},
		// Queued later but due earlier: due first.
		{Kind: app.MailTest, To: "d@acme.example", Subject: "Early", Text: "t", State: app.MailQueued, NextAttemptAt: t0.Add(-time.Hour), CreatedAt: t0},
	}
	write(t, s, func(tx app.Tx) error {
		for i := range msgs {
			if err := tx.EnqueueMail(&msgs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	ids := func(ms []app.OutboxMessage) []int64 {
		var out []int64
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	read(t, s, func(tx app.Tx) error {
		due, err := tx.DueMail(t0, 10)
		if err != nil {
			return err
		}
		if want := ids([]app.OutboxMessage{msgs[3], msgs[0]}); !reflect.DeepEqual(ids(due), want) {
			t.Errorf("due at t0: %v, want %v", ids(due), want)
		} else {
			sameFields(t, "due message", due[1], msgs[0])
		}
		due, err = tx.DueMail(t0.Add(time.Hour), 10)
		if err != nil {
			return err
		}
		if want := ids([]app.OutboxMessage{msgs[3], msgs[0], msgs[1]}); !reflect.DeepEqual(ids(due), want) {
			t.Errorf("due an hour later: %v, want %v", ids(due), want)
		}
		if due, _ := tx.DueMail(t0.Add(time.Hour), 1); len(due) != 1 || due[0].ID != msgs[3].ID {
			t.Errorf("limit 1: %v", ids(due))
		}
		list, err := tx.ListMail(app.MailQuery{})
		if err != nil {
			return err
		}
		if want := []int64{msgs[3].ID, msgs[2].ID, msgs[1].ID, msgs[0].ID}; !reflect.DeepEqual(ids(list), want) {
			t.Errorf("list newest first: %v, want %v", ids(list), want)
		} else {
			sameFields(t, "listed message", list[2], msgs[1])
		}
		if list, _ := tx.ListMail(app.MailQuery{Limit: 2}); len(list) != 2 {
			t.Errorf("limit 2: %d messages", len(list))
		}
		failed, _ := tx.ListMail(app.MailQuery{State: app.MailFailed})
		if len(failed) != 1 || failed[0].LastError != "421 try later" {
			t.Errorf("failed: %+v", failed)
		}
		counts, err := tx.MailCounts()
		if err != nil {
			return err
		}
		if want := (app.MailCounts{app.MailQueued: 2, app.MailFailed: 1, app.MailSent: 1}); !reflect.DeepEqual(counts, want) {
			t.Errorf("counts %v, want %v", counts, want)
		}
		return nil
	})
	// A claimed message whose claim has not run out is not due.
	msgs[0].State, msgs[0].NextAttemptAt, msgs[0].Attempts = app.MailSending, t0.Add(2*time.Minute), 1
	write(t, s, func(tx app.Tx) error { return tx.UpdateMail(&msgs[0]) })
	read(t, s, func(tx app.Tx) error {
		if due, _ := tx.DueMail(t0.Add(time.Minute), 10); !reflect.DeepEqual(ids(due), []int64{msgs[3].ID, msgs[1].ID}) {
			t.Errorf("a claimed message is due again too soon: %v", ids(due))
		}
		if due, _ := tx.DueMail(t0.Add(3*time.Minute), 10); len(due) != 3 {
			t.Errorf("a claim that ran out is not due again: %v", ids(due))
		}
		return nil
	})
	err := s.Write(t.Context(), func(tx app.Tx) error { return tx.UpdateMail(&app.OutboxMessage{ID: 999}) })
	wantCode(t, err, app.ENotFound)
}

// TestRecoveryCodesSent: the codes sent for a user are counted since a
// time, the last one is told, those a day older than a new one are
// forgotten, and a user who does not exist gives ENotFound.
func TestRecoveryCodesSent(t *testing.T, newStore NewStore) {
	s := newStore(t)
	users := createUsers(t, s, Employee("Paul", "paul@acme.example"), Employee("Rita", "rita@acme.example"))
	paul, rita := users[0].ID, users[1].ID
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 7, time.UTC)
	write(t, s, func(tx app.Tx) error {
		for _, at := range []time.Time{t0, t0.Add(time.Hour), t0.Add(2 * time.Hour)} {
			if err := tx.NoteRecoveryCodeSent(paul, at); err != nil {
				return err
			}
		}
		return tx.NoteRecoveryCodeSent(rita, t0)
	})
	read(t, s, func(tx app.Tx) error {
		for _, c := range []struct {
			user  int64
			since time.Time
			n     int
			last  time.Time
		}{
			{paul, t0, 3, t0.Add(2 * time.Hour)},
			{paul, t0.Add(time.Minute), 2, t0.Add(2 * time.Hour)},
			{paul, t0.Add(3 * time.Hour), 0, t0.Add(2 * time.Hour)},
			{rita, time.Time{}, 1, t0},
			{999, time.Time{}, 0, time.Time{}},
		} {
			n, last, err := tx.RecoveryCodesSent(c.user, c.since)
			if err != nil {
				return err
			}
			if n != c.n || !last.Equal(c.last) || last.IsZero() != c.last.IsZero() {
				t.Errorf("RecoveryCodesSent(%d, %v) = %d, %v; want %d, %v", c.user, c.since, n, last, c.n, c.last)
			}
		}
		return nil
	})
	// A day and a half later, the first two are forgotten.
	write(t, s, func(tx app.Tx) error { return tx.NoteRecoveryCodeSent(paul, t0.Add(25*time.Hour+30*time.Minute)) })
	read(t, s, func(tx app.Tx) error {
		n, _, err := tx.RecoveryCodesSent(paul, time.Time{})
		if n != 2 {
			t.Errorf("%d codes remembered, want the last two", n)
		}
		return err
	})
	err := s.Write(t.Context(), func(tx app.Tx) error { return tx.NoteRecoveryCodeSent(999, t0) })
	wantCode(t, err, app.ENotFound)
}

// TestRecoveryCodes: one code a user, replaced by the next, deleted, and
// ENotFound for a user who does not exist.
func TestRecoveryCodes(t *testing.T, newStore NewStore) {
	s := newStore(t)
	u := createUsers(t, s, Employee("Paul Klee", "paul@acme.example"))[0]
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	read(t, s, func(tx app.Tx) error {
		_, err := tx.RecoveryCode(u.ID)
		wantCode(t, err, app.ENotFound)
		return nil
	})
	first := app.RecoveryCode{UserID: u.ID, Hash: "$argon2id$first", SentTo: "paul@home.example", ExpiresAt: t0.Add(15 * time.Minute), CreatedAt: t0}
	second := first
	second.Hash, second.Tries, second.CreatedAt = "$argon2id$second", 2, t0.Add(time.Minute)
	write(t, s, func(tx app.Tx) error {
		if err := tx.PutRecoveryCode(first); err != nil {
			return err
		}
		return tx.PutRecoveryCode(second)
	})
	read(t, s, func(tx app.Tx) error {
		got, err := tx.RecoveryCode(u.ID)
		if err != nil {
			return err
		}
		sameFields(t, "code", got, second)
		return nil
	})
	write(t, s, func(tx app.Tx) error {
		if err := tx.DeleteRecoveryCode(u.ID); err != nil {
			return err
		}
		return tx.DeleteRecoveryCode(u.ID) // deleting nothing is fine
	})
	read(t, s, func(tx app.Tx) error {
		_, err := tx.RecoveryCode(u.ID)
		wantCode(t, err, app.ENotFound)
		return nil
	})
	err := s.Write(t.Context(), func(tx app.Tx) error { return tx.PutRecoveryCode(app.RecoveryCode{UserID: 999, Hash: "h"}) })
	wantCode(t, err, app.ENotFound)
}
