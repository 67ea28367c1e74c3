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
	// Version is the User.Version that the change was made from (the card
	// as read): when the stored user has changed since, nothing is saved
	// and the error is EStale. 0 applies the change to the user as stored,
	// whatever changed before (the command line).
	Version int64
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
// after those given. An address that is a user's very login and looks
// like another's is refused naming both users, so that the administrator
// sees whose login was typed.
func lookAlikes(tx Tx, email string, except int64, allow bool, known ...string) ([]string, error) {
	found, err := tx.LookAlikes(email, except, maxLookAlikes+1)
	if err != nil {
		return nil, err
	}
	return confirmedLookAlikes(email, found, allow, known)
}

// confirmedLookAlikes is lookAlikes on the users found already under the
// look-alike key of the address, the excepted user left out (a preview
// looks many up at once).
func confirmedLookAlikes(email string, found []User, allow bool, known []string) ([]string, error) {
	var owner *User
	var others []User
	for k := range found {
		switch {
		case found[k].Email == email:
			owner = &found[k]
		case len(others) < maxLookAlikes:
			others = append(others, found[k])
		}
	}
	if len(others) == 0 {
		return known, nil
	}
	if !allow {
		if owner != nil {
			return nil, &Error{Code: ELookAlike, Message: Msg("{{.Email}} is the login of {{.Name}}, and it looks like the login {{.Other}} of {{.OtherName}}: a person could not tell them apart. Check the address, or confirm that it is right.",
				"Email", email, "Name", owner.Name, "Other", others[0].Email, "OtherName", others[0].Name)}
		}
		return nil, &Error{Code: ELookAlike, Message: Msg("{{.Email}} looks like the login {{.Other}}: a person could not tell them apart. Check the address, or confirm that it is right.",
			"Email", email, "Other", others[0].Email)}
	}
	for _, o := range others {
		known = append(known, o.Email)
	}
	return known, nil
}

// maxLookAlikes is the most look-alike logins named for one address.
const maxLookAlikes = 4

// similarDetails tells the audit log which logins a confirmed address looks like.
func similarDetails(logins []string) string {
	if len(logins) == 0 {
		return ""
	}
	return "; " + detail(detailLooksLike, "Logins", strings.Join(logins, ", "))
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
	recovery, err := CheckRecoveryEmail(n.RecoveryEmail, email)
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
		PasswordHash: hash, PasswordTemporary: true, CreatedAt: now, UpdatedAt: now, UpdatedBy: actor.Name}
	err = s.store.Write(ctx, func(tx Tx) error {
		st, err := setUpFor(tx, actor)
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
		return createUser(tx, st, actor, &u, plain, custom, n.SendToRecovery, n.AllowSimilar, now, "")
	})
	if err != nil {
		return User{}, TemporaryPassword{}, err
	}
	if n.SendToRecovery {
		s.deliverQueued(ctx)
	}
	return u, TemporaryPassword{Plaintext: plain, ExpiresAt: u.TemporaryExpiresAt}, nil
}

// setUpFor checks, in a transaction, that Sésame is set up and that
// actor administers it, and returns the settings.
func setUpFor(tx Tx, actor Actor) (Settings, error) {
	if err := requireAdmin(tx, actor); err != nil {
		return Settings{}, err
	}
	if some, err := tx.HasUsers(); err != nil || !some {
		if err != nil {
			return Settings{}, err
		}
		return Settings{}, Errorf(EInvalid, "Sésame is not set up yet: create the company and its first administrator first.")
	}
	return loadSettings(tx)
}

// createUser stores a new user u, whose temporary password (plain, typed
// by the administrator when custom) is hashed already, with the rules of a
// creation that need the directory (look-alike logins and recovery
// address), and records it; note, when not empty, ends the audit details
// (an import names itself there).
func createUser(tx Tx, st Settings, actor Actor, u *User, plain string, custom, send, allowSimilar bool, now time.Time, note string) error {
	u.TemporaryExpiresAt = now.Add(st.TemporaryLifetime)
	if err := tx.CreateUser(u); err != nil {
		return err
	}
	similar, err := lookAlikes(tx, u.Email, u.ID, allowSimilar)
	if err != nil {
		return err
	}
	if u.RecoveryEmail != "" {
		// Its own login counts: mail meant for bob@acme.example must not
		// go to bob@acrne.example.
		if similar, err = lookAlikes(tx, u.RecoveryEmail, 0, allowSimilar, similar...); err != nil {
			return err
		}
	}
	if st.HistoryDepth > 0 { // see UpdateUser: a temporary password never becomes the user's own
		if err := tx.AddPasswordHistory(u.ID, u.PasswordHash, now, true, st.HistoryDepth); err != nil {
			return err
		}
	}
	if _, err := clearThrottle(tx, EmailKey(u.Email), now); err != nil {
		return err
	}
	details := joinDetails(detail(detailRole, "Role", u.Role), temporaryDetails(custom, u.TemporaryExpiresAt)) + similarDetails(similar)
	if !u.HasMailbox {
		details += "; " + detailNoMailbox
	}
	if send {
		if err := sendTemporary(tx, st, *u, plain, now); err != nil {
			return err
		}
		details += "; " + detail(detailSentTo, "Email", u.RecoveryEmail)
	}
	if note != "" {
		details += "; " + note
	}
	return tx.AddAudit(AuditEvent{At: now, Actor: actor.Name, Subject: u.Email, Action: ActionUserCreate, Details: details})
}

func temporaryDetails(custom bool, expires time.Time) string {
	if custom {
		return detail(detailTyped, "Expires", expires)
	}
	return detail(detailGenerated, "Expires", expires)
}

// UpdateUser saves the changes of the user card in one transaction:
// identity, role, disabled, recovery e-mail, a temporary password, unlock.
// Invalid input or a refused change saves nothing. Each part of the change
// is one step below, which returns the audit events it records.
func (s *Service) UpdateUser(ctx context.Context, actor Actor, email string, ch UserChange) (UpdateResult, error) {
	in, err := s.checkChange(ctx, email, ch)
	if err != nil {
		return UpdateResult{}, err
	}
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
		if ch.Version != 0 && ch.Version != u.Version {
			return ChangedElsewhere(u)
		}
		res, err = applyChange(tx, st, actor, u, in, ch, s.now(), "")
		return err
	})
	if err != nil {
		return UpdateResult{}, err
	}
	if res.Temporary != nil { // the notices that the password changed, the password sent
		s.deliverQueued(ctx)
	}
	return res, nil
}

// ChangedElsewhere is the error of a change made from a user as it was
// before its last change, u: who made that change, and when.
func ChangedElsewhere(u User) *Error {
	if u.UpdatedBy == "" {
		return Errorf(EStale, "{{.Name}} was changed elsewhere on {{.Time}}: nothing was saved.", "Name", u.Name, "Time", u.UpdatedAt)
	}
	return Errorf(EStale, "{{.Name}} was changed elsewhere by {{.Actor}} on {{.Time}}: nothing was saved.",
		"Name", u.Name, "Actor", u.UpdatedBy, "Time", u.UpdatedAt)
}

// applyChange applies a checked change to u inside a transaction, each
// step with the rules of the card, and records it; note, when not empty, is
// added to the details of each audit event (a bulk action names itself
// there).
func applyChange(tx Tx, st Settings, actor Actor, u User, in checkedChange, ch UserChange, now time.Time, note string) (UpdateResult, error) {
	var res UpdateResult
	e := &userEdit{tx: tx, st: st, actor: actor, now: now, u: u, before: u}
	var events []AuditEvent
	for _, step := range []func() ([]AuditEvent, error){
		func() ([]AuditEvent, error) { return e.rename(in.name), nil },
		func() ([]AuditEvent, error) { return e.mailbox(ch.HasMailbox), nil },
		func() ([]AuditEvent, error) { return e.role(in.role) },
		func() ([]AuditEvent, error) { return e.disable(ch.Disabled) },
		func() ([]AuditEvent, error) { return e.recovery(ch.RecoveryEmail, ch.AllowSimilar) },
		func() ([]AuditEvent, error) { return e.temporary(in, ch) },
		func() ([]AuditEvent, error) { return e.endRecoveryCode() },
		func() ([]AuditEvent, error) { return e.unlock(ch.Unlock || in.hash != "") },
	} {
		more, err := step()
		if err != nil {
			return res, err
		}
		events = append(events, more...)
	}
	res.User, res.Temporary = e.u, e.temp
	if len(events) == 0 {
		return res, nil
	}
	e.u.UpdatedAt, e.u.UpdatedBy = e.now, actor.Name
	if err := tx.UpdateUser(&e.u); err != nil {
		return res, err
	}
	for _, ev := range events {
		if note != "" {
			ev.Details = strings.TrimPrefix(ev.Details+"; "+note, "; ")
		}
		if err := tx.AddAudit(ev); err != nil {
			return res, err
		}
		res.Changed = append(res.Changed, ev.Action)
	}
	res.User = e.u
	return res, nil
}

// checkedChange is a UserChange checked outside the transaction: the name
// and role read, the temporary password judged and hashed (slow work that
// must not hold the store's lock).
type checkedChange struct {
	name *string
	role *Role
	hash string // of the new temporary password, "" when none
}

func (s *Service) checkChange(ctx context.Context, email string, ch UserChange) (checkedChange, error) {
	var in checkedChange
	if ch.Name != nil {
		name, err := CheckName(*ch.Name)
		if err != nil {
			return in, err
		}
		in.name = &name
	}
	if ch.Role != nil {
		role, err := ParseRole(string(*ch.Role))
		if err != nil {
			return in, err
		}
		in.role = &role
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return in, err
	}
	if (ch.TemporaryPassword != nil || ch.RecoveryEmail != nil) && !st.AdminPasswordManagement {
		return in, optionOff()
	}
	if ch.SendToRecovery && ch.TemporaryPassword == nil {
		return in, Errorf(EInvalid, "There is no new temporary password to send: generate or type one first.")
	}
	if ch.TemporaryPassword != nil {
		_, c, err := s.temporaryRules(ctx, email)
		if err != nil {
			return in, err
		}
		if in.name != nil { // the password must not hold the new name either
			c.Name = *in.name
		}
		if in.hash, err = s.hashTemporary(st, *ch.TemporaryPassword, ch.Custom, c); err != nil {
			return in, err
		}
	}
	return in, nil
}

// userEdit is one UpdateUser under way, inside its transaction: u is the
// user as changed so far, before as it was read.
type userEdit struct {
	tx        Tx
	st        Settings
	actor     Actor
	now       time.Time
	u, before User
	temp      *TemporaryPassword // the temporary password set, if any
}

// event is an audit event about the user edited.
func (e *userEdit) event(action, details string) AuditEvent {
	return AuditEvent{At: e.now, Actor: e.actor.Name, Subject: e.u.Email, Action: action, Details: details}
}

func (e *userEdit) rename(name *string) []AuditEvent {
	if name == nil || *name == e.u.Name {
		return nil
	}
	ev := e.event(ActionUserRename, detail(detailFromTo, "Before", e.u.Name, "After", *name))
	e.u.Name = *name
	return []AuditEvent{ev}
}

func (e *userEdit) mailbox(has *bool) []AuditEvent {
	if has == nil || *has == e.u.HasMailbox {
		return nil
	}
	e.u.HasMailbox = *has
	if *has {
		return []AuditEvent{e.event(ActionUserMailbox, detailHasMailbox)}
	}
	return []AuditEvent{e.event(ActionUserMailbox, detailFictitious)}
}

func (e *userEdit) role(role *Role) ([]AuditEvent, error) {
	if role == nil || *role == e.u.Role {
		return nil, nil
	}
	if e.u.IsAdmin() {
		if err := mayDemote(e.tx, e.u); err != nil {
			return nil, err
		}
	}
	ev := e.event(ActionUserRole, detail(detailFromTo, "Before", e.u.Role, "After", *role))
	e.u.Role = *role
	return []AuditEvent{ev}, nil
}

func (e *userEdit) disable(disabled *bool) ([]AuditEvent, error) {
	if disabled == nil || *disabled == e.u.Disabled {
		return nil, nil
	}
	e.u.Disabled = *disabled
	if !*disabled {
		return []AuditEvent{e.event(ActionUserEnable, "")}, nil
	}
	if err := mayDisable(e.tx, e.actor, e.before); err != nil {
		return nil, err
	}
	return []AuditEvent{e.event(ActionUserDisable, "")}, nil
}

func (e *userEdit) recovery(addr *string, allowSimilar bool) ([]AuditEvent, error) {
	if addr == nil {
		return nil, nil
	}
	r, err := CheckRecoveryEmail(*addr, e.u.Email)
	if err != nil || r == e.u.RecoveryEmail {
		return nil, err
	}
	var ev AuditEvent
	if r == "" {
		ev = e.event(ActionRecoveryClear, detail(detailWas, "Email", e.u.RecoveryEmail))
	} else {
		similar, err := lookAlikes(e.tx, r, 0, allowSimilar)
		if err != nil {
			return nil, err
		}
		ev = e.event(ActionRecoverySet, detail(detailAddress, "Email", r)+similarDetails(similar))
	}
	e.u.RecoveryEmail = r
	return []AuditEvent{ev}, nil
}

// temporary gives the user the new temporary password, sends it when
// asked, and tells the user's addresses that the password changed.
func (e *userEdit) temporary(in checkedChange, ch UserChange) ([]AuditEvent, error) {
	if in.hash == "" {
		return nil, nil
	}
	u := &e.u
	u.PasswordHash, u.PasswordTemporary = in.hash, true
	u.TemporaryExpiresAt = e.now.Add(e.st.TemporaryLifetime)
	// The temporary password joins the history, so that it cannot come
	// back as the user's own two changes later.
	if e.st.HistoryDepth > 0 {
		if err := e.tx.AddPasswordHistory(u.ID, in.hash, e.now, true, e.st.HistoryDepth); err != nil {
			return nil, err
		}
	}
	action := ActionTemporaryGenerate
	if ch.Custom {
		action = ActionTemporaryCustom
	}
	details := temporaryDetails(ch.Custom, u.TemporaryExpiresAt)
	except := ""
	if ch.SendToRecovery {
		if err := sendTemporary(e.tx, e.st, *u, *ch.TemporaryPassword, e.now); err != nil {
			return nil, err
		}
		details += "; " + detail(detailSentTo, "Email", u.RecoveryEmail)
		except = u.RecoveryEmail
	}
	if err := notifyPasswordChanged(e.tx, e.st, *u, true, e.now, except); err != nil {
		return nil, err
	}
	e.temp = &TemporaryPassword{Plaintext: *ch.TemporaryPassword, ExpiresAt: u.TemporaryExpiresAt}
	return []AuditEvent{e.event(action, details)}, nil
}

// endRecoveryCode ends a pending recovery code, which was sent for the
// account as it was: a new password, a disabled account or another
// recovery address ends it.
func (e *userEdit) endRecoveryCode() ([]AuditEvent, error) {
	if e.temp != nil || e.u.Disabled || e.u.RecoveryEmail != e.before.RecoveryEmail {
		return nil, e.tx.DeleteRecoveryCode(e.u.ID)
	}
	return nil, nil
}

// unlock forgets the failed sign-ins of the login, when asked or when a
// new temporary password is set.
func (e *userEdit) unlock(asked bool) ([]AuditEvent, error) {
	if !asked {
		return nil, nil
	}
	e.u.LockedUntil = time.Time{}
	th, err := clearThrottle(e.tx, EmailKey(e.u.Email), e.now)
	if err != nil || (th.Failures == 0 && th.LockedUntil.IsZero()) {
		return nil, err
	}
	details := detail(detailUnlocked, "N", th.Failures)
	if e.now.Before(th.LockedUntil) {
		details = detail(detailUnlockedLock, "N", th.Failures, "Until", th.LockedUntil)
	}
	return []AuditEvent{e.event(ActionUserUnlock, details)}, nil
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
