package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"sesame/app"
	"sesame/assets"
	"sesame/data/breach"
	"sesame/data/memstore"
)

// clock is a settable clock, so that expiry and locks are tested without sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fastHash keeps the argon2id format with a cost small enough for many
// hashes per test.
var fastHash = app.Hasher{Params: app.HashParams{Memory: 256, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}

// blocklist is the one that Sésame ships.
var blocklist = app.NewBlocklist(app.BlocklistSources{
	Common:    assets.CommonPasswords,
	Words:     assets.Words,
	Keyboards: assets.Keyboards,
	Breached:  breach.Load(assets.BreachedPasswords),
})

type env struct {
	t     *testing.T
	ctx   context.Context
	svc   *app.Service
	store *memstore.Store
	clock *clock
	admin app.User
	// secrets are every plaintext password the test saw, to check that
	// none reaches the audit trail.
	secrets []string
}

const goodPassword = "violet tramway umbrella 1987"

// emptyEnv returns a service on an empty in-memory store.
func emptyEnv(t *testing.T) *env {
	e := &env{t: t, ctx: context.Background(), store: memstore.New(), clock: newClock()}
	// Two hash workers whatever the machine: bulk actions batch alike everywhere.
	e.svc = app.NewService(app.Config{Store: e.store, Blocklist: blocklist, Now: e.clock.Now, Hasher: fastHash, Workers: 2})
	return e
}

// newEnv returns a service on an empty in-memory store with one company
// and one administrator whose password is goodPassword.
func newEnv(t *testing.T) *env {
	t.Helper()
	e := emptyEnv(t)
	admin, temp, err := e.svc.Setup(e.ctx, app.Actor{}, app.SetupRequest{Company: "Acme Industries", Email: "Admin@Acme.example", Name: "Alice Admin", Password: goodPassword})
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	if temp != nil {
		t.Fatalf("setup with a chosen password returned a temporary one")
	}
	e.admin = admin
	e.secrets = append(e.secrets, goodPassword)
	return e
}

func (e *env) actor() app.Actor { return app.UserActor(e.admin) }

// addUser creates an employee and returns the temporary password.
func (e *env) addUser(email, name string) string {
	e.t.Helper()
	_, tp, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: email, Name: name, HasMailbox: true})
	if err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	e.secrets = append(e.secrets, tp.Plaintext)
	return tp.Plaintext
}

func (e *env) signIn(email, password string) app.SignInResult {
	e.t.Helper()
	r, err := e.svc.SignIn(e.ctx, email, password)
	if err != nil {
		e.t.Fatalf("sign in %s: %v", email, err)
	}
	return r
}

func (e *env) user(email string) app.User {
	e.t.Helper()
	u, err := e.svc.User(e.ctx, email)
	if err != nil {
		e.t.Fatalf("user %s: %v", email, err)
	}
	return u
}

// assertNoSecretInAudit fails when any password the test used appears in
// any field of any audit event.
func (e *env) assertNoSecretInAudit() {
	e.t.Helper()
	for _, ev := range e.store.Audit() {
		all := strings.Join([]string{ev.Actor, ev.Subject, ev.Action, ev.Details}, "\n")
		for _, s := range e.secrets {
			if s != "" && strings.Contains(all, s) {
				e.t.Errorf("audit event %q holds a password", ev.Action)
			}
		}
		if strings.Contains(all, "$argon2id$") {
			e.t.Errorf("audit event %q holds a hash", ev.Action)
		}
	}
}

func (e *env) auditActions() []string {
	var out []string
	for _, ev := range e.store.Audit() {
		out = append(out, ev.Action)
	}
	return out
}

func wantCode(t *testing.T, err error, code app.ErrorCode) {
	t.Helper()
	if got := app.CodeOf(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}
