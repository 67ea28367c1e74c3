package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// RecoveryCode is a one-time code sent by e-mail to let a user choose a new
// password. Only its hash is stored; a new request replaces it.
type RecoveryCode struct {
	UserID    int64
	Hash      string
	SentTo    string
	ExpiresAt time.Time
	Tries     int // wrong codes typed so far
	CreatedAt time.Time
}

// RecoveryMaxTries is how many wrong codes end a code.
const RecoveryMaxTries = 5

// recoveryRequestGap is the least time between two codes for one account,
// and between two codes to one mailbox, whatever ended the previous one, so
// that the form cannot be used to flood a mailbox; recovery.codes_per_day
// caps them over a day, for each account and for each mailbox, however
// many accounts point at it.
const recoveryRequestGap = time.Minute

// mailboxKey is the throttling key under which the recovery codes sent to
// a mailbox are counted: Failures codes since LockedUntil less a day, the
// last at LastFailure.
func mailboxKey(address string) string { return "mailbox:" + EmailKey(address) }

// newRecoveryCode draws 8 random digits, shown as "1234 5678".
func newRecoveryCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		return "", err
	}
	s := fmt.Sprintf("%08d", n.Int64())
	return s[:4] + " " + s[4:], nil
}

// normalizeCode keeps the digits of what a person typed or pasted.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return -1
	}, code)
}

// recoveryAddress says where a code for u may go: the recovery address
// when administrators manage passwords; the login, when they don't and it
// has a mailbox; nowhere else (never to a fictitious login).
func recoveryAddress(st Settings, u User) string {
	switch {
	case u.Disabled:
		return ""
	case st.AdminPasswordManagement:
		return u.RecoveryEmail
	case u.HasMailbox:
		return u.Email
	}
	return u.RecoveryEmail
}

// RequestRecovery sends a recovery code to the account's recovery address
// when it may have one. Its answer is the same whether or not the account
// exists or a code was sent, so that the form tells a stranger nothing;
// the audit log says what happened.
func (s *Service) RequestRecovery(ctx context.Context, email string) error {
	code, err := newRecoveryCode()
	if err != nil {
		return Internal(err)
	}
	hash, err := s.hasher.Hash(normalizeCode(code)) // always, so that every answer takes as long
	if err != nil {
		return Internal(err)
	}
	now := s.now()
	err = s.store.Write(ctx, func(tx Tx) error {
		st, err := loadSettings(tx)
		if err != nil {
			return err
		}
		if err := purgeThrottle(tx, now); err != nil {
			return err
		}
		ev := AuditEvent{At: now, Actor: typedLogin(email), Action: ActionRecoveryRequest}
		u, err := tx.UserByEmail(email)
		switch {
		case CodeOf(err) == ENotFound:
			ev.Details = detailNoSuchAccount
			return auditOnce(tx, ev, "unknown", "")
		case err != nil:
			return err
		}
		ev.Actor, ev.Subject = u.Email, u.Email
		refuse := func(reason, details string) error {
			ev.Details = details
			return auditOnce(tx, ev, reason, EmailKey(u.Email))
		}
		to := recoveryAddress(st, u)
		sent, last, err := tx.RecoveryCodesSent(u.ID, now.Add(-24*time.Hour))
		if err != nil {
			return err
		}
		switch {
		case !last.IsZero() && now.Sub(last) < recoveryRequestGap:
			return refuse("soon", detailTooSoon)
		case sent >= st.RecoveryCodesPerDay:
			return refuse("cap", detail(detailTooMany, "N", sent))
		case to == "":
			return refuse("nowhere", detailNoAddress)
		case !st.SMTP.Configured():
			return refuse("nomail", detailMailOff)
		}
		box, err := tx.Throttle(mailboxKey(to))
		if err != nil {
			return err
		}
		if !now.Before(box.LockedUntil) { // a new day for this mailbox
			box = Throttle{LockedUntil: now.Add(24 * time.Hour)}
		}
		switch {
		case !box.LastFailure.IsZero() && now.Sub(box.LastFailure) < recoveryRequestGap:
			return refuse("mailbox-soon", detail(detailMailboxTooSoon, "Email", to))
		case box.Failures >= st.RecoveryCodesPerDay:
			return refuse("mailbox-cap", detail(detailMailboxTooMany, "N", box.Failures, "Email", to, "Since", box.LockedUntil.Add(-24*time.Hour)))
		}
		box.Key, box.Failures, box.LastFailure = mailboxKey(to), box.Failures+1, now
		if err := tx.PutThrottle(box); err != nil {
			return err
		}
		rc := RecoveryCode{UserID: u.ID, Hash: hash, SentTo: to, ExpiresAt: now.Add(st.RecoveryCodeLifetime), CreatedAt: now}
		if err := tx.PutRecoveryCode(rc); err != nil {
			return err
		}
		if err := tx.NoteRecoveryCodeSent(u.ID, now); err != nil {
			return err
		}
		msg := compose(st, MailRecoveryCode, to, u.Email, map[string]any{
			"Name": u.Name, "Login": u.Email, "Code": code, "Until": mailDate(rc.ExpiresAt, st.Language),
		})
		msg.SecretUntil = rc.ExpiresAt
		if err := enqueue(tx, msg, now); err != nil {
			return err
		}
		ev.Details = detail(detailCodeSent, "Email", to, "Until", rc.ExpiresAt)
		return tx.AddAudit(ev)
	})
	if err != nil {
		return err
	}
	// Whether or not a code was queued, so that the time the answer
	// takes tells nothing either.
	s.deliverQueued(ctx)
	return nil
}

func errBadCode() *Error {
	return Errorf(EAuth, "This code is wrong or no longer valid. Check the last message you received, or ask for a new code.")
}

// VerifyRecoveryCode checks a code without using it, so that the window
// can ask for the new password only after a right code. A wrong code
// counts as a try; the fifth ends the code.
func (s *Service) VerifyRecoveryCode(ctx context.Context, email, code string) error {
	_, err := s.checkRecoveryCode(ctx, email, code)
	return err
}

// checkRecoveryCode verifies a code. A try is counted in a write
// transaction before the (slow) verification and given back when the code
// is right, so that guesses made at the same moment from several processes
// cannot exceed RecoveryMaxTries between them.
func (s *Service) checkRecoveryCode(ctx context.Context, email, code string) (User, error) {
	now := s.now()
	var (
		u       User
		rc      RecoveryCode
		found   bool // an account and a code
		usable  bool
		refusal string
	)
	err := s.store.Write(ctx, func(tx Tx) error {
		found, usable, refusal = false, false, "" // the store may run this again
		var err error
		if u, err = tx.UserByEmail(email); CodeOf(err) == ENotFound {
			refusal = detailRefusedNoAccount
			return nil
		} else if err != nil {
			return err
		}
		if rc, err = tx.RecoveryCode(u.ID); CodeOf(err) == ENotFound {
			refusal = detailNoCode
			return nil
		} else if err != nil {
			return err
		}
		found = true
		if !now.Before(rc.ExpiresAt) || rc.Tries >= RecoveryMaxTries || u.Disabled {
			refusal = detailCodeEnded
			return nil
		}
		usable = true
		rc.Tries++
		return tx.PutRecoveryCode(rc)
	})
	if err != nil {
		return User{}, err
	}
	hash := s.dummyHash // so that every answer takes as long
	if found {
		hash = rc.Hash
	}
	ok := s.hasher.Verify(hash, normalizeCode(code)) && usable
	accepted := false
	err = s.store.Write(ctx, func(tx Tx) error {
		accepted = false // the store may run this again
		cur, err := tx.RecoveryCode(u.ID)
		same := err == nil && found && cur.Hash == rc.Hash // not replaced or ended meanwhile
		if ok && same {
			accepted = true
			cur.Tries-- // a right code costs no try
			return tx.PutRecoveryCode(cur)
		}
		ev := AuditEvent{At: now, Actor: typedLogin(email), Subject: subjectOf(u, u.ID != 0), Action: ActionRecoveryFailure}
		if !ok && usable {
			// A wrong code, numbered by the try it reserved, whatever
			// the order in which simultaneous tries end; the last try
			// ends the code.
			ev.Details = detail(detailWrongCode, "N", rc.Tries, "Max", RecoveryMaxTries)
			if rc.Tries >= RecoveryMaxTries {
				ev.Details = detail(detailWrongCodeEnded, "N", rc.Tries, "Max", RecoveryMaxTries)
				if same {
					if err := tx.DeleteRecoveryCode(u.ID); err != nil {
						return err
					}
				}
			}
			return tx.AddAudit(ev)
		}
		// What changes nothing, and a stranger may repeat without end, is
		// audited once a day for each account (for every text that names
		// none together).
		reason := refusal
		if reason == "" {
			reason = detailCodeReplaced
		}
		ev.Details = reason
		return auditOnce(tx, ev, reason, EmailKey(ev.Subject))
	})
	if err != nil {
		return User{}, err
	}
	if !accepted {
		return User{}, errBadCode()
	}
	return u, nil
}

// CompleteRecovery uses a recovery code to set a new password chosen under
// the policy. The code is spent only when the password is accepted.
func (s *Service) CompleteRecovery(ctx context.Context, email, code, next string) (User, error) {
	u, err := s.checkRecoveryCode(ctx, email, code)
	if err != nil {
		return User{}, err
	}
	_, hash, err := s.acceptNewPassword(ctx, u, next)
	if err != nil {
		return User{}, err
	}
	now := s.now()
	err = s.store.Write(ctx, func(tx Tx) error {
		cur, err := tx.UserByID(u.ID)
		if err != nil {
			return err
		}
		rc, err := tx.RecoveryCode(u.ID)
		if err != nil || rc.Hash == "" {
			return errBadCode() // used meanwhile by another window
		}
		st, err := loadSettings(tx)
		if err != nil {
			return err
		}
		if rc.SentTo != recoveryAddress(st, cur) {
			// The address it went to is no longer one that may recover
			// the account (changed, cleared, option switched).
			return errBadCode()
		}
		if err := tx.DeleteRecoveryCode(u.ID); err != nil {
			return err
		}
		if err := s.setOwnPassword(tx, st, &cur, hash, now, detail(detailWithCode, "Email", rc.SentTo)); err != nil {
			return err
		}
		u = cur
		return nil
	})
	if err != nil {
		return User{}, err
	}
	s.deliverQueued(ctx) // the notice that the password changed
	return u, nil
}
