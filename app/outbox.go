package app

import (
	"context"
	"time"
)

// MailState is where an outbox message stands.
type MailState string

// Outbox message states. A failed message is retried (with growing
// waits) until it is sent: nothing is dropped. Only a message whose secret
// has run out (a recovery code, a temporary password past its time) ends
// expired, unsent, with its body wiped.
const (
	MailQueued  MailState = "queued"
	MailSending MailState = "sending"
	MailSent    MailState = "sent"
	MailFailed  MailState = "failed"
	MailExpired MailState = "expired"
)

// Kinds of message.
const (
	MailRecoveryCode      = "recovery_code"
	MailTemporaryPassword = "temporary_password"
	MailPasswordChanged   = "password_changed"
	MailTest              = "test"
)

// wipedBody replaces the body of a message that held a secret, once it is
// sent or no longer of use: the database keeps no secret longer than it must.
const wipedBody = "(removed: this message held a secret)"

// OutboxMessage is an e-mail waiting to leave, or the record that it left.
// It is written in the same transaction as the change that causes it.
type OutboxMessage struct {
	ID            int64
	Kind          string
	To            string
	Subject       string
	Text          string
	HTML          string
	UserEmail     string // the account it concerns, for the administrator's view
	State         MailState
	Attempts      int
	NextAttemptAt time.Time // when queued or failed: not before; when sending: the end of the claim
	LastError     string    // the server's answer to the last failed attempt
	CreatedAt     time.Time
	SentAt        time.Time
	// SecretUntil is set when the body holds a secret: past it the
	// message is not sent, and the body is wiped once sent or expired.
	SecretUntil time.Time
}

// MailQuery filters the outbox listing, newest first.
type MailQuery struct {
	State MailState // "" for all
	Limit int       // 100 when 0
}

// MailCounts counts outbox messages by state.
type MailCounts map[MailState]int

// Mailer delivers one message through the configured SMTP server. The
// error, when any, is the server's answer, fit to show an administrator.
type Mailer interface {
	Send(ctx context.Context, cfg SMTPSettings, m OutboxMessage) error
}

// MailReport says what a delivery round did.
type MailReport struct {
	Sent, Failed, Expired int
	NotConfigured         bool // no SMTP server is set: nothing was tried
}

const (
	mailClaim      = 2 * time.Minute // a message being sent is not taken by another process meanwhile
	mailFirstRetry = 30 * time.Second
	mailMaxRetry   = time.Hour
)

// mailBackoff is the wait after the n-th failed attempt: 30 s, doubling, at
// most an hour.
func mailBackoff(attempts int) time.Duration {
	d := mailFirstRetry
	for i := 1; i < attempts && d < mailMaxRetry; i++ {
		d *= 2
	}
	return min(d, mailMaxRetry)
}

// DeliverMail sends every message that is due, one at a time: each is
// claimed in a transaction just before it is sent, so that two processes
// on one database (the window and the command line) never send the same
// message twice, and a claim never runs out while its message waits behind
// others. A round stops at the first failure: the server is likely down
// for the rest too, and they are tried at the next round.
func (s *Service) DeliverMail(ctx context.Context, m Mailer) (MailReport, error) {
	var report MailReport
	for ctx.Err() == nil {
		msg, smtp, ok, err := s.claimMail(ctx, &report)
		if err != nil || !ok {
			return report, err
		}
		sendErr := m.Send(ctx, smtp, msg)
		done := s.now()
		if sendErr == nil {
			msg.State, msg.SentAt, msg.LastError = MailSent, done, ""
			if !msg.SecretUntil.IsZero() {
				msg.Text, msg.HTML = wipedBody, ""
			}
			report.Sent++
		} else {
			msg.State, msg.LastError = MailFailed, clip(sendErr.Error())
			msg.NextAttemptAt = done.Add(mailBackoff(msg.Attempts))
			report.Failed++
		}
		if err := s.store.Write(ctx, func(tx Tx) error { return tx.UpdateMail(&msg) }); err != nil {
			return report, err
		}
		if sendErr != nil {
			return report, nil
		}
	}
	return report, ctx.Err()
}

// claimMail takes the next message due, if any: it marks it as being sent
// for mailClaim. Messages whose secret ran out on the way are marked
// expired, wiped and counted in report.
func (s *Service) claimMail(ctx context.Context, report *MailReport) (OutboxMessage, SMTPSettings, bool, error) {
	var (
		claimed OutboxMessage
		smtp    SMTPSettings
		ok      bool
		expired int
	)
	now := s.now()
	err := s.store.Write(ctx, func(tx Tx) error {
		claimed, ok, expired = OutboxMessage{}, false, 0 // the store may run this again
		st, err := loadSettings(tx)
		if err != nil {
			return err
		}
		smtp = st.SMTP
		if !smtp.Configured() {
			report.NotConfigured = true
			return nil
		}
		for {
			due, err := tx.DueMail(now, 1)
			if err != nil || len(due) == 0 {
				return err
			}
			msg := due[0]
			if !msg.SecretUntil.IsZero() && !now.Before(msg.SecretUntil) {
				msg.State, msg.Text, msg.HTML = MailExpired, wipedBody, ""
				expired++
				if err := tx.UpdateMail(&msg); err != nil {
					return err
				}
				continue
			}
			msg.State, msg.NextAttemptAt = MailSending, now.Add(mailClaim)
			msg.Attempts++
			claimed, ok = msg, true
			return tx.UpdateMail(&msg)
		}
	})
	if err == nil {
		report.Expired += expired
	}
	return claimed, smtp, ok, err
}

// RetryMailNow makes every failed message due at once, for an
// administrator who has just fixed the mail server and will not wait for
// the next retry.
func (s *Service) RetryMailNow(ctx context.Context) error {
	now := s.now()
	err := s.store.Write(ctx, func(tx Tx) error {
		failed, err := tx.ListMail(MailQuery{State: MailFailed, Limit: 10000})
		if err != nil {
			return err
		}
		for _, m := range failed {
			if m.NextAttemptAt.After(now) {
				m.NextAttemptAt = now
				if err := tx.UpdateMail(&m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.deliverQueued(ctx)
	return nil
}

// Outbox lists outbox messages, newest first, with the counts by state.
func (s *Service) Outbox(ctx context.Context, q MailQuery) ([]OutboxMessage, MailCounts, error) {
	var (
		list   []OutboxMessage
		counts MailCounts
	)
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if list, err = tx.ListMail(q); err != nil {
			return err
		}
		counts, err = tx.MailCounts()
		return err
	})
	return list, counts, err
}

// SendTestMail queues a test message to an address.
func (s *Service) SendTestMail(ctx context.Context, actor Actor, to string) error {
	to, err := CheckEmail(to)
	if err != nil {
		return err
	}
	err = s.store.Write(ctx, func(tx Tx) error {
		if err := requireAdmin(tx, actor); err != nil {
			return err
		}
		st, err := loadSettings(tx)
		if err != nil {
			return err
		}
		if !st.SMTP.Configured() {
			return errMailOff()
		}
		now := s.now()
		if err := enqueue(tx, composeTest(st, to, now), now); err != nil {
			return err
		}
		return tx.AddAudit(AuditEvent{At: now, Actor: actor.Name, Action: ActionMailTest, Details: detail(detailTestTo, "Email", to)})
	})
	if err != nil {
		return err
	}
	s.deliverQueued(ctx)
	return nil
}

func errMailOff() *Error {
	return Errorf(EForbidden, "E-mail is not set up: fill in the SMTP server and the sender address in Settings first.")
}

// enqueue writes a message to the outbox, due now.
func enqueue(tx Tx, msg OutboxMessage, now time.Time) error {
	msg.State, msg.CreatedAt, msg.NextAttemptAt = MailQueued, now, now
	return tx.EnqueueMail(&msg)
}

// MailDelivery delivers the outbox in the background while a window is
// open: at every interval, and at once when kicked (the Deliver hook of
// the window's Service, after an action that queued a message). A failed
// round is tried again at the next one; messages are never lost.
type MailDelivery struct {
	kick   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// StartMailDelivery starts delivering the outbox through m every interval,
// until Stop. A round that fails (the store, not a refused message, which
// the outbox keeps with the server's answer) is reported to report, from
// the delivery's goroutine.
func (s *Service) StartMailDelivery(m Mailer, interval time.Duration, report func(error)) *MailDelivery {
	ctx, cancel := context.WithCancel(context.Background())
	d := &MailDelivery{kick: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if _, err := s.DeliverMail(ctx, m); err != nil && ctx.Err() == nil {
				report(err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-d.kick:
			}
		}
	}()
	return d
}

// Kick asks for a round at once, without waiting for it; a round already
// asked for covers this one. It may be called from any goroutine.
func (d *MailDelivery) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Stop ends the delivery and waits for a round under way to end, so that
// the store can be closed after it.
func (d *MailDelivery) Stop() {
	d.cancel()
	<-d.done
}
