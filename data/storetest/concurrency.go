package storetest

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"sesame/app"
)

// parallel runs fn n times at once and returns the errors.
func parallel(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = fn(i) })
	}
	wg.Wait()
	return errs
}

// TestConcurrentWritesAreSerializable: read-modify-write transactions run
// at once lose no update: a counter in the settings, a throttling record and
// the tries of a recovery code each end at the number of transactions.
func TestConcurrentWritesAreSerializable(t *testing.T, newStore NewStore) {
	s := newStore(t)
	u := createUsers(t, s, Employee("Ana", "ana@example.com"))[0]
	write(t, s, func(tx app.Tx) error { return tx.PutRecoveryCode(app.RecoveryCode{UserID: u.ID, Hash: "h"}) })
	const n = 16
	errs := parallel(n, func(int) error {
		return s.Write(context.Background(), func(tx app.Tx) error {
			values, err := tx.SettingValues()
			if err != nil {
				return err
			}
			k, _ := strconv.Atoi(values["counter"])
			if err := tx.PutSetting("counter", strconv.Itoa(k+1)); err != nil {
				return err
			}
			th, err := tx.Throttle("stranger@example.com")
			if err != nil {
				return err
			}
			th.Failures++
			th.LastFailure = time.Now()
			if err := tx.PutThrottle(th); err != nil {
				return err
			}
			rc, err := tx.RecoveryCode(u.ID)
			if err != nil {
				return err
			}
			rc.Tries++
			return tx.PutRecoveryCode(rc)
		})
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	read(t, s, func(tx app.Tx) error {
		values, err := tx.SettingValues()
		if err != nil {
			return err
		}
		th, err := tx.Throttle("stranger@example.com")
		if err != nil {
			return err
		}
		rc, err := tx.RecoveryCode(u.ID)
		if err != nil {
			return err
		}
		if values["counter"] != strconv.Itoa(n) || th.Failures != n || rc.Tries != n {
			t.Errorf("after %d increments: counter %s, failures %d, tries %d", n, values["counter"], th.Failures, rc.Tries)
		}
		return nil
	})
}

// TestConcurrentLastAdministrator: administrators who each disable another
// one at the same moment, when more than one is left, never leave none.
func TestConcurrentLastAdministrator(t *testing.T, newStore NewStore) {
	s := newStore(t)
	const n = 6
	var admins []app.User
	for i := range n {
		u := Employee(fmt.Sprintf("Admin %d", i), fmt.Sprintf("admin%d@example.com", i))
		u.Role = app.RoleAdmin
		admins = append(admins, u)
	}
	admins = createUsers(t, s, admins...)
	parallel(n, func(i int) error {
		return s.Write(context.Background(), func(tx app.Tx) error {
			active, err := tx.ActiveAdmins(2)
			if err != nil || len(active) < 2 {
				return err
			}
			u, err := tx.UserByID(admins[i].ID)
			if err != nil || u.Disabled {
				return err
			}
			u.Disabled = true
			return tx.UpdateUser(&u)
		})
	})
	read(t, s, func(tx app.Tx) error {
		active, err := tx.ActiveAdmins(2)
		if len(active) != 1 {
			t.Errorf("%d active administrators left, want 1", len(active))
		}
		return err
	})
}

// TestConcurrentOutboxClaims: senders claiming due messages at the same
// moment never claim one message twice.
func TestConcurrentOutboxClaims(t *testing.T, newStore NewStore) {
	s := newStore(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const messages, senders = 12, 6
	write(t, s, func(tx app.Tx) error {
		for i := range messages {
			m := app.OutboxMessage{Kind: app.MailTest, To: fmt.Sprintf("m%d@example.com", i), State: app.MailQueued, NextAttemptAt: now, CreatedAt: now}
			if err := tx.EnqueueMail(&m); err != nil {
				return err
			}
		}
		return nil
	})
	var mu sync.Mutex
	claims := map[int64]int{}
	errs := parallel(senders, func(int) error {
		for {
			var claimed app.OutboxMessage
			err := s.Write(context.Background(), func(tx app.Tx) error {
				claimed = app.OutboxMessage{}
				due, err := tx.DueMail(now, 1)
				if err != nil || len(due) == 0 {
					return err
				}
				m := due[0]
				m.State, m.NextAttemptAt, m.Attempts = app.MailSending, now.Add(time.Hour), m.Attempts+1
				claimed = m
				return tx.UpdateMail(&m)
			})
			if err != nil || claimed.ID == 0 {
				return err
			}
			mu.Lock()
			claims[claimed.ID]++
			mu.Unlock()
		}
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(claims) != messages {
		t.Errorf("%d messages claimed, want %d", len(claims), messages)
	}
	for id, k := range claims {
		if k != 1 {
			t.Errorf("message %d claimed %d times", id, k)
		}
	}
}
