package app

import (
	"context"
	"errors"
	"strings"
	"time"
)

// TemporaryPassword is a password made by an administrator, returned once
// to be shown, copied or sent; only its hash is stored.
type TemporaryPassword struct {
	Plaintext string
	ExpiresAt time.Time
}

// NewUser is what an administrator enters to create a user.
type NewUser struct {
	Email         string
	Name          string
	Role          Role // RoleEmployee when ""
	HasMailbox    bool
	RecoveryEmail string // "" for none
	// TemporaryPassword typed by the administrator; "" to generate one.
	TemporaryPassword string
	// SendToRecovery mails the temporary password to RecoveryEmail.
	SendToRecovery bool
	// AllowSimilar creates the user although the login or the recovery
	// address looks like an existing login (ELookAlike), as confirmed by
	// the administrator.
	AllowSimilar bool
}

// UserChange is what the user card saves in one step; nil fields are left
// as they are.
type UserChange struct {
	Name          *string
	Role          *Role
	HasMailbox    *bool
	Disabled      *bool
	RecoveryEmail *string // "" clears it
	// TemporaryPassword gives the user a new temporary password (generated
	// by NewTemporaryPassword, or typed when Custom). It also unlocks.
	TemporaryPassword *string
	Custom            bool
	// SendToRecovery mails the temporary password to the recovery address
	// (through the outbox, in the same transaction) instead of only
	// returning it.
	SendToRecovery bool
	Unlock         bool
	// AllowSimilar saves a recovery address that looks like a login
	// (ELookAlike), as confirmed by the administrator.
	AllowSimilar bool
}

// UpdateResult says what UpdateUser did.
type UpdateResult struct {
	User      User
	Temporary *TemporaryPassword // when a temporary password was set
	Changed   []string           // the audit actions recorded, in order; empty when nothing changed
}

// NewTemporaryPassword generates a temporary password of the configured
// length for the user with that login. Nothing is saved: UpdateUser does
// that.
func (s *Service) NewTemporaryPassword(ctx context.Context, email string) (string, error) {
	st, c, err := s.temporaryRules(ctx, email)
	if err != nil {
		return "", err
	}
	return s.generateTemporary(st, c)
}

// AssessTemporary checks a temporary password that an administrator types
// for the user with that login ("" for one not yet created), for live
// feedback on the card: the rules of a chosen password.
func (s *Service) AssessTemporary(ctx context.Context, email, password string) (Assessment, error) {
	st, c, err := s.temporaryRules(ctx, email)
	if err != nil {
		return Assessment{}, err
	}
	return s.policy(st).Assess(password, c), nil
}

// temporaryRules returns the settings and the policy context of a
// temporary password for the user with that login, if there is one.
func (s *Service) temporaryRules(ctx context.Context, email string) (Settings, PolicyContext, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return Settings{}, PolicyContext{}, err
	}
	c := PolicyContext{Login: email, Company: st.CompanyName}
	if email != "" {
		_, uc, err := s.PasswordRules(ctx, email)
		switch {
		case err == nil:
			c = uc
		case CodeOf(err) != ENotFound:
			return Settings{}, PolicyContext{}, err
		}
	}
	return st, c, nil
}

// generateTemporary draws temporary passwords until one passes the policy:
// a random one fails only by chance (a false positive of the breached set,
// a name or a word that happens to appear in it).
func (s *Service) generateTemporary(st Settings, c PolicyContext) (string, error) {
	for range 20 {
		p, err := GeneratePassword(st.GeneratedPasswordLength())
		if err != nil {
			return "", Internal(err)
		}
		if s.policy(st).Assess(p, c).OK() {
			return p, nil
		}
	}
	return "", Internal(errors.New("no generated password passes the policy"))
}

// User returns the user with that login.
func (s *Service) User(ctx context.Context, email string) (User, error) {
	var u User
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		u, err = tx.UserByEmail(email)
		return err
	})
	return u, err
}

// SearchUsers returns a page of users in name order. A whole address is
// looked for in its canonical form, however it is typed.
func (s *Service) SearchUsers(ctx context.Context, q UserQuery) (UserPage, error) {
	var p UserPage
	q.Text = searchText(q.Text)
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		p, err = tx.SearchUsers(q)
		return err
	})
	return p, err
}

// CountUsers counts the users whose name, login or recovery e-mail holds
// text, stopping at atMost (a window shows "10,000+" past that).
func (s *Service) CountUsers(ctx context.Context, text string, atMost int) (int, error) {
	var n int
	text = searchText(text)
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		n, err = tx.CountMatching(text, atMost)
		return err
	})
	return n, err
}

// searchText is the text of a search: the canonical form of a whole
// address, else the text as typed.
func searchText(text string) string {
	if c, err := CheckEmail(text); err == nil {
		return c
	}
	return text
}

// LookAlikes lists up to limit users, other than the one with this login,
// whose login a person could not tell apart from it (LookAlikeKey).
func (s *Service) LookAlikes(ctx context.Context, email string, limit int) ([]User, error) {
	var out []User
	err := s.store.Read(ctx, func(tx Tx) error {
		u, err := tx.UserByEmail(email)
		if err != nil {
			return err
		}
		out, err = tx.LookAlikes(u.Email, u.ID, limit)
		return err
	})
	return out, err
}

// RecoveryLookAlikes tells, for each of the users given that has a
// recovery address, the logins (up to 4) that this address looks like
// without being one of them: a person could take mail meant for one for
// mail meant for the other. Users whose address looks like no login are
// not in the map.
func (s *Service) RecoveryLookAlikes(ctx context.Context, users []User) (map[int64][]string, error) {
	out := map[int64][]string{}
	err := s.store.Read(ctx, func(tx Tx) error {
		clear(out) // the store may run this again
		for _, u := range users {
			if u.RecoveryEmail == "" {
				continue
			}
			others, err := similarLogins(tx, u.RecoveryEmail, 0, 4)
			if err != nil {
				return err
			}
			for _, o := range others {
				out[u.ID] = append(out[u.ID], o.Email)
			}
		}
		return nil
	})
	return out, err
}

// similarLogins lists up to limit users other than except whose login
// looks like an address without being it: the very same address is not a
// look-alike, since a recovery address may be another user's login (a
// manager's, for a fictitious login).
func similarLogins(tx Tx, email string, except int64, limit int) ([]User, error) {
	found, err := tx.LookAlikes(email, except, limit)
	if err != nil {
		return nil, err
	}
	var others []User
	for _, o := range found {
		if o.Email != email {
			others = append(others, o)
		}
	}
	return others, nil
}

// lookAlikes refuses an address (a new login, a recovery address) that
// looks like the login of a user other than except, unless allow says that
// the administrator confirmed it; it returns the logins it looks like,
// after those given.
func lookAlikes(tx Tx, email string, except int64, allow bool, known ...string) ([]string, error) {
	others, err := similarLogins(tx, email, except, 4)
	if err != nil {
		return nil, err
	}
	if len(others) == 0 {
		return known, nil
	}
	if !allow {
		return nil, &Error{Code: ELookAlike, Message: Msg("{{.Email}} looks like the login {{.Other}}: a person could not tell them apart. Check the address, or confirm that it is right.",
			"Email", email, "Other", others[0].Email)}
	}
	for _, o := range others {
		known = append(known, o.Email)
	}
	return known, nil
}

// similarDetails tells the audit log which logins a confirmed address looks like.
func similarDetails(logins []string) string {
	if len(logins) == 0 {
		return ""
	}
	return "; looks like " + strings.Join(logins, ", ") + " (confirmed)"
}

// Audit lists audit events, newest first.
func (s *Service) Audit(ctx context.Context, q AuditQuery) ([]AuditEvent, error) {
	var out []AuditEvent
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ListAudit(q)
		return err
	})
	return out, err
}

// optionOff is the refusal of a password action while the company option
// is off.
func optionOff() *Error {
	return Errorf(EForbidden, "Administrator password management is off for this company: turn it on in Settings to set temporary passwords and recovery e-mails.")
}

// hashTemporary validates and hashes a temporary password outside any
// transaction: typed or generated, it passes the policy of a chosen one.
// custom says that the administrator typed it.
func (s *Service) hashTemporary(st Settings, plain string, custom bool, c PolicyContext) (string, error) {
	if custom && !st.CustomTemporaryAllowed {
		return "", Errorf(EForbidden, "Typed temporary passwords are not allowed by the settings: generate one instead.")
	}
	if a := s.policy(st).Assess(plain, c); !a.OK() {
		return "", rejected(a.Reasons)
	}
	h, err := s.hasher.Hash(NormalizePassword(plain))
	if err != nil {
		return "", Internal(err)
	}
	return h, nil
}

// CreateUser creates a user with a temporary password, generated unless
// the administrator typed one. The plaintext is returned once.
func (s *Service) CreateUser(ctx context.Context, actor Actor, n NewUser) (User, TemporaryPassword, error) {
	email, err := CheckEmail(n.Email)
	if err != nil {
		return User{}, TemporaryPassword{}, err
	}
	name, err := CheckName(n.Name)
	if err != nil {
		return User{}, TemporaryPassword{}, err
	}
	role := n.Role
	if role == "" {
		role = RoleEmployee
	}
	if role, err = ParseRole(string(role)); err != nil {
		return User{}, TemporaryPassword{}, err
	}
	recovery, err := checkRecovery(n.RecoveryEmail, email)
	if err != nil {
		return User{}, TemporaryPassword{}, err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return User{}, TemporaryPassword{}, err
	}
	plain, custom := n.TemporaryPassword, n.TemporaryPassword != ""
	c := PolicyContext{Login: email, Name: name, Company: st.CompanyName}
	if !custom {
		if plain, err = s.generateTemporary(st, c); err != nil {
			return User{}, TemporaryPassword{}, err
		}
	}
	hash, err := s.hashTemporary(st, plain, custom, c)
	if err != nil {
		return User{}, TemporaryPassword{}, err
	}
	now := s.now()
	u := User{Email: email, Name: name, Role: role, HasMailbox: n.HasMailbox, RecoveryEmail: recovery,
		PasswordHash: hash, PasswordTemporary: true, CreatedAt: now, UpdatedAt: now}
	err = s.store.Write(ctx, func(tx Tx) error {
		if err := requireAdmin(tx, actor); err != nil {
			return err
		}
		if some, err := tx.HasUsers(); err != nil || !some {
			if err != nil {
				return err
			}
			return Errorf(EInvalid, "Sésame is not set up yet: create the company and its first administrator first.")
		}
		st, err := loadSettings(tx)
		if err != nil {
			return err
		}
		if custom && !st.CustomTemporaryAllowed {
			return Errorf(EForbidden, "Typed temporary passwords are not allowed by the settings: generate one instead.")
		}
		if (recovery != "" || custom || n.SendToRecovery) && !st.AdminPasswordManagement {
			// Only the generated first password remains: the account must
			// be able to sign in once.
			return optionOff()
		}
		u.TemporaryExpiresAt = now.Add(st.TemporaryLifetime)
		if err := tx.CreateUser(&u); err != nil {
			return err
		}
		similar, err := lookAlikes(tx, u.Email, u.ID, n.AllowSimilar)
		if err != nil {
			return err
		}
		if u.RecoveryEmail != "" {
			// Its own login counts: mail meant for bob@acme.example must not
			// go to bob@acrne.example.
			if similar, err = lookAlikes(tx, u.RecoveryEmail, 0, n.AllowSimilar, similar...); err != nil {
				return err
			}
		}
		if st.HistoryDepth > 0 { // see UpdateUser: a temporary password never becomes the user's own
			if err := tx.AddPasswordHistory(u.ID, u.PasswordHash, now, true, st.HistoryDepth); err != nil {
				return err
			}
		}
		if _, err := clearThrottle(tx, EmailKey(email), now); err != nil {
			return err
		}
		details := "role: " + string(role) + "; " + temporaryDetails(custom, u.TemporaryExpiresAt) + similarDetails(similar)
		if !u.HasMailbox {
			details += "; no mailbox"
		}
		if n.SendToRecovery {
			if err := sendTemporary(tx, st, u, plain, now); err != nil {
				return err
			}
			details += "; sent to " + u.RecoveryEmail
		}
		return tx.AddAudit(AuditEvent{At: now, Actor: actor.Name, Subject: u.Email, Action: ActionUserCreate, Details: details})
	})
	if err != nil {
		return User{}, TemporaryPassword{}, err
	}
	return u, TemporaryPassword{Plaintext: plain, ExpiresAt: u.TemporaryExpiresAt}, nil
}

func temporaryDetails(custom bool, expires time.Time) string {
	kind := "generated"
	if custom {
		kind = "typed by the administrator"
	}
	return "temporary password " + kind + ", expires " + expires.UTC().Format(time.RFC3339)
}

// checkRecovery validates a recovery e-mail: a valid address that is not
// the login itself; "" means none.
func checkRecovery(recovery, login string) (string, error) {
	if strings.TrimSpace(recovery) == "" {
		return "", nil
	}
	r, err := CheckEmail(recovery)
	if err != nil {
		return "", err
	}
	if EmailKey(r) == EmailKey(login) {
		return "", Errorf(EInvalid, "The recovery e-mail must be another address than the login.")
	}
	return r, nil
}

// UpdateUser saves the changes of the user card in one transaction:
// identity, role, disabled, recovery e-mail, a temporary password, unlock.
// Invalid input or a refused change saves nothing.
func (s *Service) UpdateUser(ctx context.Context, actor Actor, email string, ch UserChange) (UpdateResult, error) {
	var (
		name    string
		role    Role
		err     error
		newHash string
	)
	if ch.Name != nil {
		if name, err = CheckName(*ch.Name); err != nil {
			return UpdateResult{}, err
		}
	}
	if ch.Role != nil {
		if role, err = ParseRole(string(*ch.Role)); err != nil {
			return UpdateResult{}, err
		}
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return UpdateResult{}, err
	}
	if (ch.TemporaryPassword != nil || ch.RecoveryEmail != nil) && !st.AdminPasswordManagement {
		return UpdateResult{}, optionOff()
	}
	if ch.TemporaryPassword != nil {
		_, c, err := s.temporaryRules(ctx, email)
		if err != nil {
			return UpdateResult{}, err
		}
		if ch.Name != nil {
			c.Name = name
		}
		if newHash, err = s.hashTemporary(st, *ch.TemporaryPassword, ch.Custom, c); err != nil {
			return UpdateResult{}, err
		}
	}
	now := s.now()
	var res UpdateResult
	err = s.store.Write(ctx, func(tx Tx) error {
		res = UpdateResult{} // the store may run this again
		if err := requireAdmin(tx, actor); err != nil {
			return err
		}
		st, err := loadSettings(tx) // again: the option may have changed meanwhile
		if err != nil {
			return err
		}
		if (ch.TemporaryPassword != nil || ch.RecoveryEmail != nil) && !st.AdminPasswordManagement {
			return optionOff()
		}
		u, err := tx.UserByEmail(email)
		if err != nil {
			return err
		}
		before := u
		var events []AuditEvent
		add := func(action, details string) {
			events = append(events, AuditEvent{At: now, Actor: actor.Name, Subject: u.Email, Action: action, Details: details})
		}
		if ch.Name != nil && name != u.Name {
			add(ActionUserRename, u.Name+" → "+name)
			u.Name = name
		}
		if ch.HasMailbox != nil && *ch.HasMailbox != u.HasMailbox {
			add(ActionUserMailbox, map[bool]string{true: "has a mailbox", false: "no mailbox (fictitious address)"}[*ch.HasMailbox])
			u.HasMailbox = *ch.HasMailbox
		}
		demote := ch.Role != nil && role != u.Role && u.IsAdmin()
		disable := ch.Disabled != nil && *ch.Disabled && !u.Disabled
		if (demote || disable) && u.IsAdmin() && !u.Disabled {
			if err := guardLastAdmin(tx, u); err != nil {
				return err
			}
		}
		if ch.Role != nil && role != u.Role {
			add(ActionUserRole, string(u.Role)+" → "+string(role))
			u.Role = role
		}
		if ch.Disabled != nil && *ch.Disabled != u.Disabled {
			if *ch.Disabled {
				add(ActionUserDisable, "")
			} else {
				add(ActionUserEnable, "")
			}
			u.Disabled = *ch.Disabled
		}
		if ch.RecoveryEmail != nil {
			r, err := checkRecovery(*ch.RecoveryEmail, u.Email)
			if err != nil {
				return err
			}
			if r != u.RecoveryEmail {
				if r == "" {
					add(ActionRecoveryClear, "was "+u.RecoveryEmail)
				} else {
					similar, err := lookAlikes(tx, r, 0, ch.AllowSimilar)
					if err != nil {
						return err
					}
					add(ActionRecoverySet, r+similarDetails(similar))
				}
				u.RecoveryEmail = r
			}
		}
		unlock := ch.Unlock || newHash != ""
		if newHash != "" || u.Disabled || (ch.RecoveryEmail != nil && u.RecoveryEmail != before.RecoveryEmail) {
			// A pending recovery code was sent for the account as it was:
			// a new password, a disabled account or another recovery
			// address ends it.
			if err := tx.DeleteRecoveryCode(u.ID); err != nil {
				return err
			}
		}
		if newHash != "" {
			u.PasswordHash, u.PasswordTemporary = newHash, true
			u.TemporaryExpiresAt = now.Add(st.TemporaryLifetime)
			// The temporary password joins the history, so that it cannot
			// come back as the user's own two changes later.
			if st.HistoryDepth > 0 {
				if err := tx.AddPasswordHistory(u.ID, newHash, now, true, st.HistoryDepth); err != nil {
					return err
				}
			}
			action := ActionTemporaryGenerate
			if ch.Custom {
				action = ActionTemporaryCustom
			}
			details := temporaryDetails(ch.Custom, u.TemporaryExpiresAt)
			except := ""
			if ch.SendToRecovery {
				if err := sendTemporary(tx, st, u, *ch.TemporaryPassword, now); err != nil {
					return err
				}
				details += "; sent to " + u.RecoveryEmail
				except = u.RecoveryEmail
			}
			add(action, details)
			if err := notifyPasswordChanged(tx, st, u, true, now, except); err != nil {
				return err
			}
			res.Temporary = &TemporaryPassword{Plaintext: *ch.TemporaryPassword, ExpiresAt: u.TemporaryExpiresAt}
		} else if ch.SendToRecovery {
			return Errorf(EInvalid, "There is no new temporary password to send: generate or type one first.")
		}
		if unlock {
			th, err := clearThrottle(tx, EmailKey(u.Email), now)
			if err != nil {
				return err
			}
			if th.Failures > 0 || !th.LockedUntil.IsZero() {
				details := "after " + itoa(th.Failures) + " failed sign-ins"
				if now.Before(th.LockedUntil) {
					details += ", was locked until " + th.LockedUntil.UTC().Format(time.RFC3339)
				}
				add(ActionUserUnlock, details)
			}
			u.LockedUntil = time.Time{}
		}
		if len(events) == 0 {
			res.User = u
			return nil
		}
		u.UpdatedAt = now
		if err := tx.UpdateUser(&u); err != nil {
			return err
		}
		for _, e := range events {
			if err := tx.AddAudit(e); err != nil {
				return err
			}
			res.Changed = append(res.Changed, e.Action)
		}
		res.User = u
		return nil
	})
	if err != nil {
		return UpdateResult{}, err
	}
	return res, nil
}

// guardLastAdmin refuses to demote or disable the last active administrator.
// It asks only whether another one exists, whatever their number.
func guardLastAdmin(tx Tx, u User) error {
	admins, err := tx.ActiveAdmins(2)
	if err != nil {
		return err
	}
	for _, a := range admins {
		if a.ID != u.ID {
			return nil
		}
	}
	return Errorf(EForbidden, "{{.Name}} is the last active administrator: make another user an administrator first.", "Name", u.Name)
}

// ResetPassword gives a user a new temporary password, generated when
// custom is "", and unlocks the account. The plaintext is returned once;
// with send, it is also mailed to the recovery address.
func (s *Service) ResetPassword(ctx context.Context, actor Actor, email, custom string, send bool) (TemporaryPassword, error) {
	plain := custom
	if plain == "" {
		var err error
		if plain, err = s.NewTemporaryPassword(ctx, email); err != nil {
			return TemporaryPassword{}, err
		}
	}
	res, err := s.UpdateUser(ctx, actor, email, UserChange{TemporaryPassword: &plain, Custom: custom != "", SendToRecovery: send})
	if err != nil {
		return TemporaryPassword{}, err
	}
	return *res.Temporary, nil
}

// sendTemporary queues the message that hands a temporary password over to
// the user's recovery address. The body holds the secret only until it is
// delivered or the password expires.
func sendTemporary(tx Tx, st Settings, u User, plain string, now time.Time) error {
	if !st.SMTP.Configured() {
		return errMailOff()
	}
	if u.RecoveryEmail == "" {
		return Errorf(EInvalid, "{{.Name}} has no recovery e-mail to send the password to.", "Name", u.Name)
	}
	msg := compose(st, MailTemporaryPassword, u.RecoveryEmail, u.Email, map[string]any{
		"Name": u.Name, "Login": u.Email, "Password": plain, "Until": mailDate(u.TemporaryExpiresAt, st.Language),
	})
	msg.SecretUntil = u.TemporaryExpiresAt
	return enqueue(tx, msg, now)
}
