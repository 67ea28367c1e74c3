package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
// as a known one and gives the same answer as a wrong password. Failures
// are counted by the login as typed (normalised), whether or not such an
// account exists; a success clears the count.
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
	err = s.store.Write(ctx, func(tx Tx) error {
		u, err := tx.UserByID(res.User.ID)
		if err != nil {
			return err
		}
		if u.PasswordHash != res.User.PasswordHash {
			return Errorf(EConflict, "The password was changed meanwhile: sign in again.")
		}
		if rehash != "" {
			u.PasswordHash = rehash
		}
		u.LastSignInAt, u.UpdatedAt = now, now
		if err := tx.UpdateUser(&u); err != nil {
			return err
		}
		if err := tx.ClearThrottle(throttleKey(email)); err != nil {
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

// authenticate checks the credentials and records a failure; it does not
// record a success (SignIn and ChangePassword do, each their own way).
func (s *Service) authenticate(ctx context.Context, email, password string) (SignInResult, error) {
	key := throttleKey(email)
	now := s.now()
	var (
		u     User
		found bool
		th    Throttle
	)
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if th, err = tx.Throttle(key); err != nil {
			return err
		}
		u, err = tx.UserByEmail(email)
		if CodeOf(err) == ENotFound {
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return SignInResult{}, err
	}
	if now.Before(th.LockedUntil) {
		return SignInResult{Outcome: OutcomeLocked, LockedUntil: th.LockedUntil},
			s.audit(ctx, AuditEvent{At: now, Actor: typedLogin(email), Subject: subjectOf(u, found), Action: ActionSignInFailure,
				Details: detail(detailRefusedLocked, "Until", th.LockedUntil)})
	}
	hash := s.dummyHash
	if found && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok := s.hasher.Verify(hash, NormalizePassword(password)) && found && u.PasswordHash != ""
	if !ok {
		return s.recordFailure(ctx, key, email, subjectOf(u, found))
	}
	res := SignInResult{User: u}
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

// recordFailure counts a failed attempt and locks the login when the count
// reaches the threshold: the first lock lasts LockoutFirst, and each further
// failure doubles it, up to LockoutMax.
func (s *Service) recordFailure(ctx context.Context, key, typed, subject string) (SignInResult, error) {
	now := s.now()
	res := SignInResult{Outcome: OutcomeInvalid}
	err := s.store.Write(ctx, func(tx Tx) error {
		st, err := loadSettings(tx)
		if err != nil {
			return err
		}
		// Failures a day old with no lock left are forgotten, so that the
		// table stays as small as the logins tried of late, whatever a
		// stranger types.
		if err := tx.PurgeThrottle(now.Add(-throttleMemory)); err != nil {
			return err
		}
		th, err := tx.Throttle(key)
		if err != nil {
			return err
		}
		th.Key = key
		th.Failures++
		th.LastFailure = now
		if err := tx.AddAudit(AuditEvent{At: now, Actor: typedLogin(typed), Subject: subject, Action: ActionSignInFailure, Details: detailInvalid}); err != nil {
			return err
		}
		if th.Failures >= st.LockoutThreshold {
			th.LockedUntil = now.Add(lockDuration(st, th.Failures))
			res = SignInResult{Outcome: OutcomeLocked, LockedUntil: th.LockedUntil}
			if err := tx.AddAudit(AuditEvent{At: now, Actor: typedLogin(typed), Subject: subject, Action: ActionSignInLocked,
				Details: detail(detailLocked, "N", th.Failures, "Until", th.LockedUntil)}); err != nil {
				return err
			}
		}
		return tx.PutThrottle(th)
	})
	return res, err
}

// throttleMemory is how long a run of failures is remembered after its
// last failure (when it holds no lock).
const throttleMemory = 24 * time.Hour

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
	err = s.store.Write(ctx, func(tx Tx) error {
		cur, err := tx.UserByID(u.ID)
		if err != nil {
			return err
		}
		if cur.PasswordHash != u.PasswordHash {
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
		history []string
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
			if s.hasher.Verify(h, pw) {
				a.Reasons = append(a.Reasons, Msg("You used this password recently: choose one that is not among your last {{.N}}.", "N", st.HistoryDepth))
				break
			}
		}
	}
	return st, a, nil
}

// setOwnPassword makes hash the user's own password, inside a transaction:
// state active, history, lock cleared, audit, and the user told by e-mail.
func (s *Service) setOwnPassword(tx Tx, st Settings, u *User, hash string, now time.Time, details string) error {
	u.PasswordHash, u.PasswordTemporary, u.TemporaryExpiresAt = hash, false, time.Time{}
	u.PasswordChangedAt, u.UpdatedAt = now, now
	if err := tx.UpdateUser(u); err != nil {
		return err
	}
	if st.HistoryDepth > 0 {
		if err := tx.AddPasswordHistory(u.ID, hash, now, st.HistoryDepth); err != nil {
			return err
		}
	}
	if err := tx.ClearThrottle(EmailKey(u.Email)); err != nil {
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

// Administrators lists up to limit of the active administrators, by name,
// whom an employee who forgot a password must ask, and reports whether
// there are more.
func (s *Service) Administrators(ctx context.Context, limit int) ([]User, bool, error) {
	var out []User
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ActiveAdmins()
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
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

// throttleKey is the key under which failures of a typed login are
// counted: its EmailKey for an e-mail address; for anything else (perhaps
// a password typed into the wrong field) a hash, so that the text is not
// kept. No account has such a login, so no lock is lost.
func throttleKey(typed string) string {
	if _, err := CheckEmail(typed); err == nil {
		return EmailKey(typed)
	}
	sum := sha256.Sum256([]byte(EmailKey(typed)))
	return "not-an-address:" + hex.EncodeToString(sum[:])
}

// clip bounds what a stranger typed before it goes into the audit log.
func clip(s string) string {
	r := []rune(s)
	if len(r) > 254 {
		return string(r[:254])
	}
	return s
}
