// Package memstore is an in-memory app.Store for the tests of the layers
// above the store: the domain's rules and the windows' behaviour. It keeps
// the store's contract (transactions that roll back, not-found and conflict
// errors, name order) but none of its speed: search scans every user.
package memstore

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mtibben/confusables"

	"sesame/app"
)

// Store is an in-memory app.Store. The zero value is not usable: use New.
type Store struct {
	mu    sync.Mutex
	state state
}

type state struct {
	users    map[int64]app.User
	nextID   int64
	history  map[int64][]entry // newest first
	throttle map[string]app.Throttle
	settings map[string]string
	audit    []app.AuditEvent
	mail     []app.OutboxMessage // index = ID-1
	codes    map[int64]app.RecoveryCode
	sends    map[int64][]time.Time // recovery codes sent, oldest first
	looks    map[int64]string      // user ID → LookAlikeKey of the login
}

// entry is a hash of the password history.
type entry struct {
	hash      string
	temporary bool
}

var _ app.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{state: state{
		users: map[int64]app.User{}, nextID: 1, history: map[int64][]entry{},
		throttle: map[string]app.Throttle{}, settings: map[string]string{}, codes: map[int64]app.RecoveryCode{},
		sends: map[int64][]time.Time{}, looks: map[int64]string{},
	}}
}

func (s state) clone() state {
	c := s
	c.users = maps.Clone(s.users)
	c.history = make(map[int64][]entry, len(s.history))
	for k, v := range s.history {
		c.history[k] = slices.Clone(v)
	}
	c.looks = maps.Clone(s.looks)
	c.sends = make(map[int64][]time.Time, len(s.sends))
	for k, v := range s.sends {
		c.sends[k] = slices.Clone(v)
	}
	c.throttle = maps.Clone(s.throttle)
	c.settings = maps.Clone(s.settings)
	c.audit = slices.Clone(s.audit)
	c.mail = slices.Clone(s.mail)
	c.codes = maps.Clone(s.codes)
	return c
}

// Read runs fn on a snapshot.
func (s *Store) Read(ctx context.Context, fn func(app.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state.clone()
	return fn(&tx{st: &st})
}

// Write runs fn on a copy and keeps it only when fn succeeds.
func (s *Store) Write(ctx context.Context, fn func(app.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state.clone()
	if err := fn(&tx{st: &st}); err != nil {
		return err
	}
	s.state = st
	return nil
}

// Mail returns every outbox message, oldest first (for assertions).
func (s *Store) Mail() []app.OutboxMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.state.mail)
}

// Audit returns every audit event, oldest first (for assertions).
func (s *Store) Audit() []app.AuditEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.state.audit)
}

type tx struct{ st *state }

func notFound(email string) error {
	return app.Errorf(app.ENotFound, "No user has the login {{.Email}}.", "Email", email)
}

// lookAlikeKey is the key under which logins that look alike meet.
func lookAlikeKey(email string) string { return app.LookAlikeKey(confusables.Skeleton, email) }

// withLock fills what reads of a user join: its lock and its look-alikes.
func (t *tx) withLock(u app.User) app.User {
	u.LockedUntil = t.st.throttle[app.EmailKey(u.Email)].LockedUntil
	u.HasLookAlike = false
	for id, key := range t.st.looks {
		if id != u.ID && key == t.st.looks[u.ID] {
			u.HasLookAlike = true
			break
		}
	}
	return u
}

func (t *tx) UserByEmail(email string) (app.User, error) {
	key := app.EmailKey(email)
	for _, u := range t.st.users {
		if app.EmailKey(u.Email) == key {
			return t.withLock(u), nil
		}
	}
	return app.User{}, notFound(email)
}

func (t *tx) UserByID(id int64) (app.User, error) {
	u, ok := t.st.users[id]
	if !ok {
		return app.User{}, app.Errorf(app.ENotFound, "No such user.")
	}
	return t.withLock(u), nil
}

func (t *tx) CreateUser(u *app.User) error {
	if _, err := t.UserByEmail(u.Email); err == nil {
		return app.Errorf(app.EConflict, "A user with the login {{.Email}} already exists.", "Email", u.Email)
	}
	u.ID = t.st.nextID
	t.st.nextID++
	stored := *u
	stored.LockedUntil, stored.HasLookAlike = time.Time{}, false
	t.st.users[u.ID] = stored
	t.st.looks[u.ID] = lookAlikeKey(u.Email)
	return nil
}

func (t *tx) UpdateUser(u *app.User) error {
	if _, ok := t.st.users[u.ID]; !ok {
		return app.Errorf(app.ENotFound, "No such user.")
	}
	stored := *u
	stored.LockedUntil, stored.HasLookAlike = time.Time{}, false
	t.st.users[u.ID] = stored
	t.st.looks[u.ID] = lookAlikeKey(u.Email)
	return nil
}

func (t *tx) HasUsers() (bool, error) { return len(t.st.users) > 0, nil }

func (t *tx) sorted() []app.User {
	out := slices.Collect(maps.Values(t.st.users))
	slices.SortFunc(out, func(a, b app.User) int {
		if c := strings.Compare(app.SortKey(&a), app.SortKey(&b)); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	for i := range out {
		out[i] = t.withLock(out[i])
	}
	return out
}

func (t *tx) ActiveAdmins(limit int) ([]app.User, error) {
	var out []app.User
	for _, u := range t.sorted() {
		if u.IsAdmin() && !u.Disabled && len(out) < limit {
			out = append(out, u)
		}
	}
	return out, nil
}

func (t *tx) CountActiveAdmins(atMost int) (int, error) {
	admins, err := t.ActiveAdmins(atMost)
	return len(admins), err
}

func (t *tx) LookAlikes(email string, exceptID int64, limit int) ([]app.User, error) {
	key := lookAlikeKey(email)
	var out []app.User
	for _, u := range t.sorted() {
		if u.ID != exceptID && t.st.looks[u.ID] == key && len(out) < limit {
			out = append(out, u)
		}
	}
	return out, nil
}

func (t *tx) SearchUsers(q app.UserQuery) (app.UserPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	text := app.FoldForSearch(q.Text)
	var page app.UserPage
	for _, u := range t.sorted() {
		c := app.Cursor{SortKey: app.SortKey(&u), ID: u.ID}
		if q.After != (app.Cursor{}) && (c.SortKey < q.After.SortKey || (c.SortKey == q.After.SortKey && c.ID <= q.After.ID)) {
			continue
		}
		if !strings.Contains(app.FoldForSearch(u.Name+" "+u.Email+" "+u.RecoveryEmail), text) {
			continue
		}
		if len(page.Users) == limit {
			page.More = true
			break
		}
		page.Users = append(page.Users, u)
		page.Next = c
	}
	return page, nil
}

func (t *tx) CountMatching(text string, atMost int) (int, error) {
	text = app.FoldForSearch(text)
	n := 0
	for _, u := range t.st.users {
		if n < atMost && strings.Contains(app.FoldForSearch(u.Name+" "+u.Email+" "+u.RecoveryEmail), text) {
			n++
		}
	}
	return n, nil
}

func (t *tx) PasswordHistory(userID int64, limit int) ([]string, error) {
	var out []string
	kept := map[bool]int{}
	for _, e := range t.st.history[userID] {
		if kept[e.temporary] < limit {
			kept[e.temporary]++
			out = append(out, e.hash)
		}
	}
	return out, nil
}

func (t *tx) AddPasswordHistory(userID int64, hash string, at time.Time, temporary bool, keep int) error {
	h := append([]entry{{hash, temporary}}, t.st.history[userID]...)
	var out []entry
	n := 0
	for _, e := range h {
		if e.temporary == temporary {
			if n++; n > keep {
				continue
			}
		}
		out = append(out, e)
	}
	t.st.history[userID] = out
	return nil
}

func (t *tx) Throttle(key string) (app.Throttle, error) { return t.st.throttle[key], nil }

func (t *tx) PutThrottle(th app.Throttle) error {
	t.st.throttle[th.Key] = th
	return nil
}

func (t *tx) ClearThrottle(key string) error {
	delete(t.st.throttle, key)
	return nil
}

func (t *tx) PurgeThrottle(before time.Time) ([]app.Throttle, error) {
	var refused []app.Throttle
	for k, th := range t.st.throttle {
		if th.LastFailure.Before(before) && th.LockedUntil.Before(before) {
			if th.Refused > 0 {
				refused = append(refused, th)
			}
			delete(t.st.throttle, k)
		}
	}
	return refused, nil
}

func (t *tx) SettingValues() (map[string]string, error) { return maps.Clone(t.st.settings), nil }

func (t *tx) PutSetting(key, value string) error {
	t.st.settings[key] = value
	return nil
}

func (t *tx) AddAudit(e app.AuditEvent) error {
	e.ID = int64(len(t.st.audit) + 1)
	t.st.audit = append(t.st.audit, e)
	return nil
}

func (t *tx) ListAudit(q app.AuditQuery) ([]app.AuditEvent, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	var out []app.AuditEvent
	for i := len(t.st.audit) - 1; i >= 0 && len(out) < limit; i-- {
		e := t.st.audit[i]
		if q.BeforeID != 0 && e.ID >= q.BeforeID {
			continue
		}
		if q.Action != "" && e.Action != q.Action {
			continue
		}
		if q.Subject != "" && !strings.Contains(strings.ToLower(e.Actor+" "+e.Subject), strings.ToLower(q.Subject)) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

func (t *tx) EnqueueMail(m *app.OutboxMessage) error {
	m.ID = int64(len(t.st.mail) + 1)
	t.st.mail = append(t.st.mail, *m)
	return nil
}

func (t *tx) DueMail(now time.Time, limit int) ([]app.OutboxMessage, error) {
	var out []app.OutboxMessage
	for _, m := range t.st.mail {
		due := (m.State == app.MailQueued || m.State == app.MailFailed || m.State == app.MailSending) && !now.Before(m.NextAttemptAt)
		if due && len(out) < limit {
			out = append(out, m)
		}
	}
	return out, nil
}

func (t *tx) UpdateMail(m *app.OutboxMessage) error {
	if m.ID < 1 || int(m.ID) > len(t.st.mail) {
		return app.Errorf(app.ENotFound, "No such message.")
	}
	t.st.mail[m.ID-1] = *m
	return nil
}

func (t *tx) ListMail(q app.MailQuery) ([]app.OutboxMessage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	var out []app.OutboxMessage
	for i := len(t.st.mail) - 1; i >= 0 && len(out) < limit; i-- {
		if q.State == "" || t.st.mail[i].State == q.State {
			out = append(out, t.st.mail[i])
		}
	}
	return out, nil
}

func (t *tx) MailCounts() (app.MailCounts, error) {
	c := app.MailCounts{}
	for _, m := range t.st.mail {
		c[m.State]++
	}
	return c, nil
}

func (t *tx) RecoveryCode(userID int64) (app.RecoveryCode, error) {
	c, ok := t.st.codes[userID]
	if !ok {
		return app.RecoveryCode{}, app.Errorf(app.ENotFound, "No recovery code is pending.")
	}
	return c, nil
}

func (t *tx) PutRecoveryCode(c app.RecoveryCode) error {
	t.st.codes[c.UserID] = c
	return nil
}

func (t *tx) DeleteRecoveryCode(userID int64) error {
	delete(t.st.codes, userID)
	return nil
}

func (t *tx) RecoveryCodesSent(userID int64, since time.Time) (int, time.Time, error) {
	n, last := 0, time.Time{}
	for _, at := range t.st.sends[userID] {
		if !at.Before(since) {
			n++
		}
		last = at
	}
	return n, last, nil
}

func (t *tx) NoteRecoveryCodeSent(userID int64, at time.Time) error {
	var kept []time.Time
	for _, s := range t.st.sends[userID] {
		if !s.Before(at.Add(-24 * time.Hour)) {
			kept = append(kept, s)
		}
	}
	t.st.sends[userID] = append(kept, at)
	return nil
}
