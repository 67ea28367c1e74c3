package app

import (
	"context"
	"strings"
)

// UserCard is what a user's card shows, read in one transaction: the user
// as stored now, the company's settings (which decide what the section
// Others offers), and what the actor may not change on this user, with the
// reason, so that a window can say it before anything is tried.
type UserCard struct {
	User     User
	Settings Settings
	// KeepRole says why the user cannot stop being an administrator
	// (the last active one); nil when the role may change.
	KeepRole *Error
	// KeepEnabled says why the actor may not disable the account (their
	// own, or the last active administrator's); nil when they may.
	KeepEnabled *Error
}

// UserCard reads what the card of the user with that login needs, for
// actor.
func (s *Service) UserCard(ctx context.Context, actor Actor, email string) (UserCard, error) {
	var c UserCard
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if c.Settings, err = loadSettings(tx); err != nil {
			return err
		}
		if c.User, err = tx.UserByEmail(email); err != nil {
			return err
		}
		if err := mayDemote(tx, c.User); err != nil {
			if CodeOf(err) != EForbidden {
				return err
			}
			c.KeepRole = AsError(err)
		}
		if err := mayDisable(tx, actor, c.User); err != nil {
			if CodeOf(err) != EForbidden {
				return err
			}
			c.KeepEnabled = AsError(err)
		}
		return nil
	})
	return c, err
}

// mayDemote refuses to take the role away from the last active
// administrator: the company would have nobody left to administer it.
func mayDemote(tx Tx, u User) error {
	last, err := lastActiveAdmin(tx, u)
	if err != nil || !last {
		return err
	}
	return Errorf(EForbidden, "{{.Name}} is the last active administrator: make another user an administrator first.", "Name", u.Name)
}

// mayDisable refuses to disable one's own account (the session in use
// would end, with nobody signed in to undo it) or the last active
// administrator.
func mayDisable(tx Tx, actor Actor, u User) error {
	if actor.UserID != 0 && actor.UserID == u.ID {
		return Errorf(EForbidden, "You cannot disable your own account: another administrator can.")
	}
	return mayDemote(tx, u)
}

// lastActiveAdmin reports whether u is an active administrator and no
// other is.
func lastActiveAdmin(tx Tx, u User) (bool, error) {
	if !u.IsAdmin() || u.Disabled {
		return false, nil
	}
	admins, err := tx.ActiveAdmins(2) // whether another one exists, whatever their number
	if err != nil {
		return false, err
	}
	for _, a := range admins {
		if a.ID != u.ID {
			return false, nil
		}
	}
	return true, nil
}

// CheckRecoveryEmail validates a recovery e-mail for the account whose
// login is login, and returns it trimmed; "" means none. It must be a
// mailbox that can receive a message: a valid address (RFC 5322) whose
// domain has a dot (a name on the Internet, not a machine's local one), and
// another address than the login, which the recovery is there to stand in
// for.
func CheckRecoveryEmail(recovery, login string) (string, error) {
	if strings.TrimSpace(recovery) == "" {
		return "", nil
	}
	r, err := CheckEmail(recovery)
	if err != nil {
		return "", err
	}
	if domain := r[strings.LastIndexByte(r, '@')+1:]; !strings.Contains(domain, ".") {
		return "", Errorf(EInvalid, "\"{{.Email}}\" cannot receive e-mail from outside: a recovery e-mail needs a domain with a dot, as in name@example.com.", "Email", r)
	}
	if EmailKey(r) == EmailKey(login) {
		return "", Errorf(EInvalid, "The recovery e-mail must be another address than the login.")
	}
	return r, nil
}
