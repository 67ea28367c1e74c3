package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"
)

// Service holds Sésame's use cases. The windows and the command line call
// it; it calls the Store, one transaction per use case. Slow work (argon2)
// is done outside write transactions so that it never holds the lock.
type Service struct {
	store     Store
	now       func() time.Time
	hasher    Hasher
	blocklist *Blocklist
	deliver   func(ctx context.Context, s *Service)
	dummyHash string // verified against when a login is unknown, so that it costs the same time
	workers   int    // see Config.Workers
	// hashWorkersStart is Config.HashWorkers.
	hashWorkersStart func(n int, h Hasher) ([]PasswordHasher, func(), error)
}

// Config is what a Service is built from.
type Config struct {
	Store     Store
	Blocklist *Blocklist       // common and breached passwords
	Now       func() time.Time // time.Now when nil
	Hasher    Hasher           // DefaultHashParams when zero
	// Deliver is run after an action that queued e-mail (a temporary
	// password sent, the notice that a password changed, a recovery code,
	// a test message), once its transaction is committed, on the
	// action's goroutine and with its context: the window wakes its
	// background delivery, the command line delivers at once, before its
	// process ends. Nil leaves the messages to the next delivery.
	Deliver func(ctx context.Context, s *Service)
	// Workers is how many passwords bulk actions and imports hash at
	// once: one a processor (runtime.GOMAXPROCS) when 0.
	Workers int
	// HashWorkers, when set, starts the n hashers on which bulk actions
	// and imports hash their new passwords with h's parameters (given in
	// full, never zero), each used
	// by one goroutine at a time, and returns them with a function that
	// stops them (the window's: child processes of lowest priority, see
	// package hashproc). When nil, or when it fails, they are hashed in
	// this process.
	HashWorkers func(n int, h Hasher) ([]PasswordHasher, func(), error)
}

// PasswordHasher makes the PHC string of a password, as Hasher.Hash does.
type PasswordHasher interface {
	Hash(password string) (string, error)
}

// NewService builds a Service.
func NewService(c Config) *Service {
	s := &Service{store: c.Store, now: c.Now, hasher: c.Hasher, blocklist: c.Blocklist, deliver: c.Deliver, workers: c.Workers, hashWorkersStart: c.HashWorkers}
	if s.now == nil {
		s.now = time.Now
	}
	p := s.hasher.params()
	zero := base64.RawStdEncoding.EncodeToString(make([]byte, p.KeyLen))
	s.dummyHash = fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s",
		p.Memory, p.Time, p.Threads, base64.RawStdEncoding.EncodeToString(make([]byte, p.SaltLen)), zero)
	return s
}

// deliverQueued runs the Deliver hook after an action that queued e-mail.
func (s *Service) deliverQueued(ctx context.Context) {
	if s.deliver != nil {
		s.deliver(ctx, s)
	}
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Actor is who performs an action, as the audit names them.
type Actor struct {
	UserID int64  // 0 for the system (the command line, run by whoever can open the database file)
	Name   string // the user's e-mail, or "system:<os user>"
}

// SystemActor is the command line run by an operating-system user.
func SystemActor(osUser string) Actor { return Actor{Name: "system:" + osUser} }

// UserActor is a signed-in user.
func UserActor(u User) Actor { return Actor{UserID: u.ID, Name: u.Email} }

// requireAdmin checks, inside a transaction, that the actor may administer.
func requireAdmin(tx Tx, a Actor) error {
	if a.UserID == 0 {
		if a.Name == "" {
			return Errorf(EForbidden, "Only an administrator can do this.")
		}
		return nil
	}
	u, err := tx.UserByID(a.UserID)
	if err != nil || !u.IsAdmin() || u.Disabled {
		return Errorf(EForbidden, "Only an administrator can do this.")
	}
	return nil
}

// Settings returns the company's settings.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	var st Settings
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		st, err = loadSettings(tx)
		return err
	})
	return st, err
}

func loadSettings(tx Tx) (Settings, error) {
	v, err := tx.SettingValues()
	if err != nil {
		return Settings{}, err
	}
	return SettingsFrom(v), nil
}

// Policy returns the policy of the current settings.
func (s *Service) policy(st Settings) Policy {
	return Policy{MinLength: st.MinLength, Blocklist: s.blocklist}
}

// SetupRules returns the policy under which the first administrator's
// password is judged, for live feedback before there is any user.
func (s *Service) SetupRules() Policy { return s.policy(DefaultSettings()) }

// UpdateSettings validates every value and saves them together; on any
// error nothing is saved and every problem is listed.
func (s *Service) UpdateSettings(ctx context.Context, actor Actor, values map[string]string) (Settings, error) {
	var out Settings
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := requireAdmin(tx, actor); err != nil {
			return err
		}
		cur, err := loadSettings(tx)
		if err != nil {
			return err
		}
		next := cur
		var problems []Message
		for _, d := range settingDefs {
			v, ok := values[d.Key]
			if !ok {
				continue
			}
			// Each value on its own first; the rules that tie settings
			// together are checked once all are in, so that one call may
			// raise both the first and the longest lock.
			if err := d.set(&next, v); err != nil {
				problems = append(problems, AsError(err).Message)
			}
		}
		if err := next.check(); err != nil {
			problems = append(problems, AsError(err).Message)
		}
		for k := range values {
			if _, err := LookupSetting(k); err != nil {
				problems = append(problems, AsError(err).Message)
			}
		}
		if len(problems) == 1 {
			return &Error{Code: EInvalid, Message: problems[0]}
		}
		if len(problems) > 1 {
			return &Error{Code: EInvalid, Message: Msg("Some settings are not valid; nothing was saved."), Reasons: problems}
		}
		before, after := cur.Values(), next.Values()
		now := s.now()
		for _, d := range settingDefs {
			if before[d.Key] == after[d.Key] {
				continue
			}
			if err := tx.PutSetting(d.Key, after[d.Key]); err != nil {
				return err
			}
			details := detail(detailSetting, "Key", d.Key, "Before", before[d.Key], "After", after[d.Key])
			if d.Secret {
				details = detail(detailSecretSetting, "Key", d.Key)
			}
			if err := tx.AddAudit(AuditEvent{At: now, Actor: actor.Name, Action: ActionSettingChange, Details: details}); err != nil {
				return err
			}
		}
		out = next
		return nil
	})
	return out, err
}

// SetupRequest creates the company and its first administrator.
type SetupRequest struct {
	Company  string
	Email    string
	Name     string
	Password string // chosen under the policy; "" to generate a temporary one
}

// NeedsSetup reports whether the database has no user yet.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	var some bool
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		some, err = tx.HasUsers()
		return err
	})
	return !some, err
}

// Setup creates the company and its first administrator, once. With no
// password given, the administrator gets a temporary one, returned here
// and nowhere else.
func (s *Service) Setup(ctx context.Context, actor Actor, r SetupRequest) (User, *TemporaryPassword, error) {
	st := DefaultSettings()
	if err := st.Set("company.name", r.Company); err != nil {
		return User{}, nil, err
	}
	email, err := CheckEmail(r.Email)
	if err != nil {
		return User{}, nil, err
	}
	name, err := CheckName(r.Name)
	if err != nil {
		return User{}, nil, err
	}
	now := s.now()
	u := User{Email: email, Name: name, Role: RoleAdmin, HasMailbox: true, CreatedAt: now, UpdatedAt: now}
	var temp *TemporaryPassword
	if r.Password != "" {
		a := s.policy(st).Assess(r.Password, PolicyContext{Login: email, Name: name, Company: st.CompanyName})
		if !a.OK() {
			return User{}, nil, rejected(a.Reasons)
		}
		if u.PasswordHash, err = s.hasher.Hash(NormalizePassword(r.Password)); err != nil {
			return User{}, nil, Internal(err)
		}
		u.PasswordChangedAt = now
	} else {
		plain, err := s.generateTemporary(st, PolicyContext{Login: email, Name: name, Company: st.CompanyName})
		if err != nil {
			return User{}, nil, err
		}
		if u.PasswordHash, err = s.hasher.Hash(plain); err != nil {
			return User{}, nil, Internal(err)
		}
		u.PasswordTemporary, u.TemporaryExpiresAt = true, now.Add(st.TemporaryLifetime)
		temp = &TemporaryPassword{Plaintext: plain, ExpiresAt: u.TemporaryExpiresAt}
	}
	if actor.Name == "" {
		actor.Name = email
	}
	u.UpdatedBy = actor.Name
	err = s.store.Write(ctx, func(tx Tx) error {
		some, err := tx.HasUsers()
		if err != nil {
			return err
		}
		if some {
			return Errorf(EConflict, "This database is already set up: it has users.")
		}
		if err := tx.PutSetting("company.name", st.CompanyName); err != nil {
			return err
		}
		if err := tx.CreateUser(&u); err != nil {
			return err
		}
		if !u.PasswordTemporary && st.HistoryDepth > 0 {
			if err := tx.AddPasswordHistory(u.ID, u.PasswordHash, now, false, st.HistoryDepth); err != nil {
				return err
			}
		}
		return tx.AddAudit(AuditEvent{At: now, Actor: actor.Name, Subject: u.Email, Action: ActionSetup,
			Details: detail(detailCompany, "Company", st.CompanyName)})
	})
	if err != nil {
		return User{}, nil, err
	}
	return u, temp, nil
}

// rejected is the error of a password that the policy refuses.
func rejected(reasons []Message) *Error {
	return &Error{Code: EPolicy, Message: Msg("This password cannot be used:"), Reasons: reasons}
}
