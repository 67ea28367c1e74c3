package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Outcome is the result of a sign-in.
type Outcome int

// Sign-in outcomes.
const (
	OutcomeInvalid    Outcome = iota // unknown login or wrong password: the same answer for both
	OutcomeSignedIn                  // the user's own password: go on
	OutcomeMustChange                // a temporary password: the reset form, and nothing else
	OutcomeExpired                   // a temporary password past its time: ask an administrator
	OutcomeLocked                    // too many failures: try again at LockedUntil
	OutcomeDisabled                  // the account is disabled
)

var outcomeNames = [...]string{"invalid credentials", "signed in", "must change password", "temporary password expired", "locked", "account disabled"}

func (o Outcome) String() string { return outcomeNames[o] }

// SignInResult is what a sign-in attempt gives.
type SignInResult struct {
	Outcome     Outcome
	User        User      // filled when the password was right
	LockedUntil time.Time // when Outcome is OutcomeLocked
}

// SignIn checks a login and password. An unknown login costs the same time
// as a known one and gives the same answer as a wrong password. Whatever
// text resolves to an account (EmailKey) is throttled as that account;
// other text is throttled by itself, whether or not it is an address. A
// success clears the count.
func (s *Service) SignIn(ctx context.Context, email, password string) (SignInResult, error) {
	res, err := s.authenticate(ctx, email, password)
	if err != nil || (res.Outcome != OutcomeSignedIn && res.Outcome != OutcomeMustChange) {
		return res, err
	}
	now := s.now()
	var rehash string
	if s.hasher.NeedsRehash(res.User.PasswordHash) {
		if h, err := s.hasher.Hash(NormalizePassword(password)); err == nil {
			rehash = h
		}
	}
	checked := res.User.PasswordHash // the hash that the password matched
	err = s.store.Write(ctx, func(tx Tx) error {
		u, err := tx.UserByID(res.User.ID)
		if err != nil {
			return err
		}
		if u.PasswordHash != checked {
			return Errorf(EConflict, "The password was changed meanwhile: sign in again.")
		}
		if rehash != "" {
			u.PasswordHash = rehash
		}
		u.LastSignInAt, u.UpdatedAt, u.UpdatedBy = now, now, u.Email
		if err := tx.UpdateUser(&u); err != nil {
			return err
		}
		if _, err := clearThrottle(tx, EmailKey(u.Email), now); err != nil {
			return err
		}
		details := ""
		if res.Outcome == OutcomeMustChange {
			details = detailMustChange
		}
		res.User = u
		res.User.LockedUntil = time.Time{}
		return tx.AddAudit(AuditEvent{At: now, Actor: u.Email, Subject: u.Email, Action: ActionSignIn, Details: details})
	})
	return res, err
}

// attempt is a password check reserved by reserveAttempt.
type attempt struct {
	user   User
	found  bool
	key    string   // the throttling key: the account's, else the text's
	before Throttle // the record before the reservation
	after  Throttle // the record as reserved
}

// authenticate checks the credentials and records a failure; it does not
// record a success (SignIn and ChangePassword do, each their own way).
//
// The check is reserved before the slow hash (reserveAttempt) and given back
// when the password is right, so that at most lockout.threshold checks run
// per run of failures, however many attempts arrive at the same moment, from
// one process or several.
func (s *Service) authenticate(ctx context.Context, email, password string) (SignInResult, error) {
	now := s.now()
	a, res, err := s.reserveAttempt(ctx, email, now)
	if err != nil || res.Outcome == OutcomeLocked {
		return res, err
	}
	hash := s.dummyHash
	if a.found && a.user.PasswordHash != "" {
		hash = a.user.PasswordHash
	}
	ok := s.hasher.Verify(hash, NormalizePassword(password)) && a.found && a.user.PasswordHash != ""
	if !ok {
		return s.recordFailure(ctx, a, email, now)
	}
	if err := s.giveBack(ctx, a); err != nil {
		return SignInResult{}, err
	}
	u := a.user
	res = SignInResult{User: u}
	switch {
	case u.Disabled:
		res.Outcome = OutcomeDisabled
	case u.State(now) == StateExpired:
		res.Outcome = OutcomeExpired
	case u.State(now) == StateTemporary:
		res.Outcome = OutcomeMustChange
	default:
		res.Outcome = OutcomeSignedIn
	}
	if res.Outcome == OutcomeDisabled || res.Outcome == OutcomeExpired {
		return res, s.audit(ctx, AuditEvent{At: now, Actor: u.Email, Subject: u.Email, Action: ActionSignInFailure, Details: res.Outcome.String()})
	}
	return res, nil
}

// reserveAttempt resolves the login to its account and, in one write
// transaction, either refuses the attempt at once (a lock runs: counted in
// Throttle.Refused, not audited one by one) or counts it as a failure before
// it is checked. The check that reaches the threshold starts the lock
// itself: attempts arriving while it runs are refused, and a right password
// lifts it (giveBack).
func (s *Service) reserveAttempt(ctx context.Context, email string, now time.Time) (attempt, SignInResult, error) {
	var (
		a   attempt
		res SignInResult
	)
	err := s.store.Write(ctx, func(tx Tx) error {
		a, res = attempt{}, SignInResult{} // the store may run this again
		st, err := loadSettings(tx)
		if err != nil {
			return err
		}
		a.user, err = tx.UserByEmail(email)
		switch {
		case err == nil:
			a.found, a.key = true, EmailKey(a.user.Email)
		case CodeOf(err) == ENotFound:
			a.key = throttleKey(email)
		default:
			return err
		}
		th, err := tx.Throttle(a.key)
		if err != nil {
			return err
		}
		th.Key = a.key
		if now.Before(th.LockedUntil) {
			th.Refused++
			res = SignInResult{Outcome: OutcomeLocked, LockedUntil: th.LockedUntil}
			return tx.PutThrottle(th)
		}
		if th, err = endLock(tx, th, now); err != nil {
			return err
		}
		// Failures a day old with no lock left are forgotten, so that the
		// table stays as small as the logins tried of late, whatever a
		// stranger types.
		if err := purgeThrottle(tx, now); err != nil {
			return err
		}
		a.before = th
		th.Failures++
		th.LastFailure = now
		if th.Failures >= st.LockoutThreshold {
			th.LockedUntil = now.Add(lockDuration(st, th.Failures))
		}
		a.after = th
		return tx.PutThrottle(th)
	})
	return a, res, err
}

// giveBack returns a reserved check whose password was right: the failure
// it counted, and the lock it started unless others hold it too.
func (s *Service) giveBack(ctx context.Context, a attempt) error {
	return s.store.Write(ctx, func(tx Tx) error {
		th, err := tx.Throttle(a.key)
		if err != nil {
			return err
		}
		th.Key = a.key
		th.Failures = max(th.Failures-1, 0)
		if th.LockedUntil.Equal(a.after.LockedUntil) && th.Failures < a.after.Failures {
			th.LockedUntil = a.before.LockedUntil
		}
		if th.Failures == 0 && th.Refused == 0 {
			return tx.ClearThrottle(a.key)
		}
		return tx.PutThrottle(th)
	})
}

// recordFailure audits a wrong password, whose failure was counted when the
// check was reserved, and the lock that it started, if any. Those of a
// login that names no account, which a stranger can type without end, are
// audited once a day (auditOnce).
func (s *Service) recordFailure(ctx context.Context, a attempt, typed string, now time.Time) (SignInResult, error) {
	res := SignInResult{Outcome: OutcomeInvalid}
	err := s.store.Write(ctx, func(tx Tx) error {
		res = SignInResult{Outcome: OutcomeInvalid} // the store may run this again
		actor, subject := typedLogin(typed), subjectOf(a.user, a.found)
		audit := func(ev AuditEvent, reason string) error {
			if a.found {
				return tx.AddAudit(ev)
			}
			return auditOnce(tx, ev, reason, "")
		}
		if err := audit(AuditEvent{At: now, Actor: actor, Subject: subject, Action: ActionSignInFailure, Details: detailInvalid}, "invalid"); err != nil {
			return err
		}
		if a.after.LockedUntil.Equal(a.before.LockedUntil) {
			return nil
		}
		res = SignInResult{Outcome: OutcomeLocked, LockedUntil: a.after.LockedUntil}
		return audit(AuditEvent{At: now, Actor: actor, Subject: subject, Action: ActionSignInLocked,
			Details: detail(detailLocked, "N", a.after.Failures, "Until", a.after.LockedUntil)}, "locked")
	})
	return res, err
}

// endLock records, once a lock is over, how many attempts it refused: one
// audit event for the whole lock, whatever their number (once a day for
// the logins that name no account); for a tally, how many events it
// counted. It returns th with that count reset.
func endLock(tx Tx, th Throttle, now time.Time) (Throttle, error) {
	if th.Refused == 0 {
		return th, nil
	}
	if isTally(th) {
		err := summariseTally(tx, th, now)
		th.Refused = 0
		return th, err
	}
	who, subject := throttleActor(th.Key), th.Key
	if who != th.Key {
		subject = ""
	}
	ev := AuditEvent{At: now, Actor: who, Subject: subject, Action: ActionSignInRefused,
		Details: detail(detailRefusedWhileLocked, "N", th.Refused, "Until", th.LockedUntil)}
	th.Refused = 0
	if subject != "" {
		switch _, err := tx.UserByEmail(subject); {
		case err == nil:
			return th, tx.AddAudit(ev)
		case CodeOf(err) != ENotFound:
			return th, err
		}
	}
	ev.Subject = ""
	return th, auditOnce(tx, ev, "refused", "")
}

// clearThrottle forgets the failures of a login key, and returns the record
// it held, whose refused attempts it audits first.
func clearThrottle(tx Tx, key string, now time.Time) (Throttle, error) {
	th, err := tx.Throttle(key)
	if err != nil {
		return th, err
	}
	if th.Failures == 0 && th.LockedUntil.IsZero() && th.Refused == 0 {
		return th, nil
	}
	if _, err := endLock(tx, th, now); err != nil {
		return th, err
	}
	return th, tx.ClearThrottle(key)
}

// throttleMemory is how long a run of failures is remembered after its
// last failure (when it holds no lock).
const throttleMemory = 24 * time.Hour

// lockDuration is the lock that the failures-th failure starts: the first
// lasts LockoutFirst, and each further failure doubles it, up to LockoutMax.
func lockDuration(st Settings, failures int) time.Duration {
	d := st.LockoutFirst
	for i := st.LockoutThreshold; i < failures && d < st.LockoutMax; i++ {
		d *= 2
	}
	return min(d, st.LockoutMax)
}

// ChangePassword replaces a user's password (the forced reset after a
// temporary password, or a voluntary change). It needs the current or
// temporary password; failures count as failed sign-ins.
func (s *Service) ChangePassword(ctx context.Context, email, current, next string) (User, error) {
	res, err := s.authenticate(ctx, email, current)
	if err != nil {
		return User{}, err
	}
	if err := OutcomeError(res); err != nil {
		return User{}, err
	}
	u := res.User
	st, hash, err := s.acceptNewPassword(ctx, u, next)
	if err != nil {
		return User{}, err
	}
	now := s.now()
	checked := u.PasswordHash // the hash that the current password matched
	err = s.store.Write(ctx, func(tx Tx) error {
		cur, err := tx.UserByID(u.ID)
		if err != nil {
			return err
		}
		if cur.PasswordHash != checked {
			return Errorf(EConflict, "The password was changed meanwhile: sign in again.")
		}
		details := detailByUser
		if cur.PasswordTemporary {
			details = detailReplacingTemp
		}
		cur.LastSignInAt = now
		if err := s.setOwnPassword(tx, st, &cur, hash, now, details); err != nil {
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

// acceptNewPassword applies the whole policy to a password that u chooses,
// the checks against the current and previous hashes included, and returns
// its hash (made outside any transaction).
func (s *Service) acceptNewPassword(ctx context.Context, u User, next string) (Settings, string, error) {
	st, a, err := s.assessNewPassword(ctx, u, next)
	if err != nil {
		return st, "", err
	}
	if !a.OK() {
		return st, "", rejected(a.Reasons)
	}
	hash, err := s.hasher.Hash(NormalizePassword(next))
	if err != nil {
		return st, "", Internal(err)
	}
	return st, hash, nil
}

// AssessNewPassword judges a password that the user with that login would
// choose, by every rule that ChangePassword and CompleteRecovery apply,
// the stored hashes included (the current or temporary password, the
// previous ones), and saves nothing: the live feedback of a window, which
// asks it only for the person signed in, or whose recovery code was right.
// It costs a few argon2 verifications (some 50 ms each): ask it once the
// typing pauses, off the UI goroutine.
func (s *Service) AssessNewPassword(ctx context.Context, email, next string) (Assessment, error) {
	var u User
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		u, err = tx.UserByEmail(email)
		return err
	})
	if err != nil {
		return Assessment{}, err
	}
	_, a, err := s.assessNewPassword(ctx, u, next)
	return a, err
}

// assessNewPassword is the whole policy on a password that u chooses.
func (s *Service) assessNewPassword(ctx context.Context, u User, next string) (Settings, Assessment, error) {
	var (
		st      Settings
		history []PasswordHistoryEntry
	)
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if st, err = loadSettings(tx); err != nil {
			return err
		}
		if st.HistoryDepth > 0 {
			history, err = tx.PasswordHistory(u.ID, st.HistoryDepth)
		}
		return err
	})
	if err != nil {
		return st, Assessment{}, err
	}
	a := s.policy(st).Assess(next, PolicyContext{Login: u.Email, Name: u.Name, Company: st.CompanyName})
	pw := NormalizePassword(next)
	switch {
	case u.PasswordHash != "" && s.hasher.Verify(u.PasswordHash, pw) && u.PasswordTemporary:
		a.Reasons = append(a.Reasons, Msg("It is the temporary password you were given: choose your own."))
	case u.PasswordHash != "" && s.hasher.Verify(u.PasswordHash, pw):
		a.Reasons = append(a.Reasons, Msg("It is your current password: choose a new one."))
	default:
		for _, h := range history {
			if !s.hasher.Verify(h.Hash, pw) {
				continue
			}
			if h.Temporary {
				a.Reasons = append(a.Reasons, Msg("It is a temporary password you were given: choose your own."))
			} else {
				a.Reasons = append(a.Reasons, Msg("You used this password recently: choose one that is not among your last {{.N}}.", "N", st.HistoryDepth))
			}
			break
		}
	}
	return st, a, nil
}

// setOwnPassword makes hash the user's own password, inside a transaction:
// state active, history, lock cleared, audit, and the user told by e-mail.
func (s *Service) setOwnPassword(tx Tx, st Settings, u *User, hash string, now time.Time, details string) error {
	u.PasswordHash, u.PasswordTemporary, u.TemporaryExpiresAt = hash, false, time.Time{}
	u.PasswordChangedAt, u.UpdatedAt, u.UpdatedBy = now, now, u.Email
	if err := tx.UpdateUser(u); err != nil {
		return err
	}
	if st.HistoryDepth > 0 {
		if err := tx.AddPasswordHistory(u.ID, hash, now, false, st.HistoryDepth); err != nil {
			return err
		}
	}
	if _, err := clearThrottle(tx, EmailKey(u.Email), now); err != nil {
		return err
	}
	if err := tx.DeleteRecoveryCode(u.ID); err != nil { // a code asked for before is of no use now
		return err
	}
	u.LockedUntil = time.Time{}
	if err := tx.AddAudit(AuditEvent{At: now, Actor: u.Email, Subject: u.Email, Action: ActionPasswordChange, Details: details}); err != nil {
		return err
	}
	return notifyPasswordChanged(tx, st, *u, false, now, "")
}

// OutcomeError is the error a flow stops with for a sign-in outcome other
// than signed in or must change (nil for those).
func OutcomeError(r SignInResult) error {
	switch r.Outcome {
	case OutcomeInvalid:
		return Errorf(EAuth, "The e-mail or the password is wrong.")
	case OutcomeLocked:
		return Errorf(ELocked, "Too many failed attempts: locked until {{.Until}}.", "Until", r.LockedUntil)
	case OutcomeExpired:
		return Errorf(EExpired, "This temporary password has expired: ask your administrator for a new one.")
	case OutcomeDisabled:
		return Errorf(EDisabled, "This account is disabled: ask your administrator.")
	}
	return nil
}

// PasswordRules returns the policy and context with which a user's new
// password is judged, so that a window can give feedback at each keystroke
// without a database read. The checks that need stored hashes (current and
// previous passwords) are made by ChangePassword.
func (s *Service) PasswordRules(ctx context.Context, email string) (Policy, PolicyContext, error) {
	var (
		st Settings
		u  User
	)
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if st, err = loadSettings(tx); err != nil {
			return err
		}
		u, err = tx.UserByEmail(email)
		return err
	})
	if err != nil {
		return Policy{}, PolicyContext{}, err
	}
	return s.policy(st), PolicyContext{Login: u.Email, Name: u.Name, Company: st.CompanyName}, nil
}

// AdminCountLimit is where Administrators stops counting.
const AdminCountLimit = 1000

// Administrators names up to limit active administrators, in name order,
// and counts them all, stopping at AdminCountLimit: whom an employee who
// forgot a password must ask.
func (s *Service) Administrators(ctx context.Context, limit int) ([]User, int, error) {
	var (
		out   []User
		total int
	)
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if out, err = tx.ActiveAdmins(limit); err != nil {
			return err
		}
		total, err = tx.CountActiveAdmins(AdminCountLimit)
		return err
	})
	return out, total, err
}

func (s *Service) audit(ctx context.Context, e AuditEvent) error {
	return s.store.Write(ctx, func(tx Tx) error { return tx.AddAudit(e) })
}

func subjectOf(u User, found bool) string {
	if found {
		return u.Email
	}
	return ""
}

// typedLogin is how the audit names whoever typed a login: the login, when
// it is an e-mail address; otherwise not the text itself, which may be a
// password typed into the wrong field.
func typedLogin(typed string) string {
	if e, err := CheckEmail(typed); err == nil {
		return clip(e)
	}
	return "(not an e-mail address)"
}

// throttleKey is the key under which failures of a typed text that names
// no account are counted: its canonical form for an e-mail address; for
// anything else (perhaps a password typed into the wrong field) a hash, so
// that the text is not kept. An account is throttled under its own key.
func throttleKey(typed string) string {
	if c, err := CheckEmail(typed); err == nil {
		return c
	}
	sum := sha256.Sum256([]byte(EmailKey(typed)))
	return notAnAddress + hex.EncodeToString(sum[:])
}

// notAnAddress starts the throttling key of a text that is not an address.
const notAnAddress = "not-an-address:"

// throttleActor names in the audit log whoever tried a throttling key.
func throttleActor(key string) string {
	if strings.HasPrefix(key, notAnAddress) {
		return "(not an e-mail address)"
	}
	return key
}

// clip bounds what a stranger typed before it goes into the audit log.
func clip(s string) string {
	r := []rune(s)
	if len(r) > 254 {
		return string(r[:254])
	}
	return s
}
