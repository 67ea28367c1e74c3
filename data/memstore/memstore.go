// Package memstore is an in-memory app.Store for the tests of the layers
// above the store: the domain's rules and the windows' behaviour. It keeps
// the whole contract of the store (data/storetest runs against it as
// against SQLite and PostgreSQL) but none of its speed: search scans every
// user. Its directory (ListUsers, CountCells, UsersAfter) is the brute
// force that the other stores are checked against.
package memstore

import (
	"cmp"
	"context"
	"iter"
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
	mu       sync.Mutex
	state    state
	watchers map[*watcher]bool // guarded by mu
}

type state struct {
	users    map[int64]app.User
	nextID   int64
	history  []app.PasswordHistoryEntry // by ID
	throttle map[string]app.Throttle
	settings map[string]string
	audit    []app.AuditEvent    // by ID
	mail     []app.OutboxMessage // by ID
	codes    map[int64]app.RecoveryCode
	sends    []app.RecoverySend // recovery codes sent, by ID
	looks    map[int64]string   // user ID → LookAlikeKey of the login
	keys     map[int64]userKeys // user ID → what search compares
}

// userKeys are what a search and the orders compare of a user, and the
// key of its login, made once a write.
type userKeys struct{ sort, text, login string }

var (
	_ app.Store   = (*Store)(nil)
	_ app.Archive = (*Store)(nil)
	_ app.Watcher = (*Store)(nil)
)

// New returns an empty store.
func New() *Store {
	return &Store{state: state{
		users: map[int64]app.User{}, nextID: 1,
		throttle: map[string]app.Throttle{}, settings: map[string]string{}, codes: map[int64]app.RecoveryCode{},
		looks: map[int64]string{}, keys: map[int64]userKeys{},
	}}
}

func (s state) clone() state {
	c := s
	c.users = maps.Clone(s.users)
	c.history = slices.Clone(s.history)
	c.throttle = maps.Clone(s.throttle)
	c.settings = maps.Clone(s.settings)
	c.audit = slices.Clone(s.audit)
	c.mail = slices.Clone(s.mail)
	c.codes = maps.Clone(s.codes)
	c.sends = slices.Clone(s.sends)
	c.looks = maps.Clone(s.looks)
	c.keys = maps.Clone(s.keys)
	return c
}

// Read runs fn on a snapshot; changes are refused.
func (s *Store) Read(ctx context.Context, fn func(app.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return app.Internal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state.clone()
	return fn(&tx{st: &st, readOnly: true})
}

// Write runs fn on a copy and keeps it only when fn succeeds. Writes run
// one at a time.
func (s *Store) Write(ctx context.Context, fn func(app.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return app.Internal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state.clone()
	t := &tx{st: &st}
	if err := fn(t); err != nil {
		return err
	}
	s.state = st
	for w := range s.watchers {
		w.add(t.changed)
	}
	return nil
}

// watcher is one Watch under way: what was changed since it last
// reported, and a signal that there is some.
type watcher struct {
	mu      sync.Mutex
	pending app.Changes
	wake    chan struct{}
}

func (w *watcher) add(c app.Changes) {
	if c == 0 {
		return
	}
	w.mu.Lock()
	w.pending |= c
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *watcher) take() app.Changes {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.pending
	w.pending = 0
	return c
}

// Watch reports what committed writes change, as soon as they commit,
// until ctx ends (app.Watcher). Only this process sees the store.
func (s *Store) Watch(ctx context.Context, notify func(app.StoreEvent)) error {
	w := &watcher{wake: make(chan struct{}, 1)}
	s.mu.Lock()
	if s.watchers == nil {
		s.watchers = map[*watcher]bool{}
	}
	s.watchers[w] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.watchers, w)
		s.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
			if c := w.take(); c != 0 {
				notify(app.StoreEvent{Changed: c})
			}
		}
	}
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

type tx struct {
	st       *state
	readOnly bool
	changed  app.Changes // what the transaction changed, for the watches
}

// change refuses a change in a read transaction, as the other stores do,
// and notes the kind of change for the watches.
func (t *tx) change(kind app.Changes) error {
	if t.readOnly {
		return app.Internal(errReadOnly)
	}
	t.changed |= kind
	return nil
}

type readOnlyError struct{}

func (readOnlyError) Error() string { return "memstore: change in a read transaction" }

var errReadOnly error = readOnlyError{}

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

// owner returns the ID of the user whose login has this key, 0 if none.
func (t *tx) owner(key string) int64 {
	for id, u := range t.st.users {
		if app.EmailKey(u.Email) == key {
			return id
		}
	}
	return 0
}

func (t *tx) UserByEmail(email string) (app.User, error) {
	if id := t.owner(app.EmailKey(email)); id != 0 {
		return t.withLock(t.st.users[id]), nil
	}
	return app.User{}, app.ErrNoLogin(email)
}

func (t *tx) UserByID(id int64) (app.User, error) {
	u, ok := t.st.users[id]
	if !ok {
		return app.User{}, app.ErrNoUser(id)
	}
	return t.withLock(u), nil
}

// putUser stores u as it is, under its ID, refusing a login taken by
// another user.
func (t *tx) putUser(u app.User) error {
	if err := app.CheckStoredUser(&u); err != nil {
		return err
	}
	if id := t.owner(app.EmailKey(u.Email)); id != 0 && id != u.ID {
		return app.ErrLoginTaken(u.Email)
	}
	u.LockedUntil, u.HasLookAlike = time.Time{}, false
	utc(&u.TemporaryExpiresAt, &u.PasswordChangedAt, &u.LastSignInAt, &u.CreatedAt, &u.UpdatedAt)
	t.st.users[u.ID] = u
	t.st.looks[u.ID] = lookAlikeKey(u.Email)
	t.st.keys[u.ID] = userKeys{sort: app.SortKey(&u), text: app.SearchText(&u), login: app.EmailKey(u.Email)}
	t.st.nextID = max(t.st.nextID, u.ID+1)
	return nil
}

func (t *tx) CreateUser(u *app.User) error {
	if err := t.change(app.ChangedUsers); err != nil {
		return err
	}
	stored := *u
	stored.ID, stored.Version = t.st.nextID, 1
	if err := t.putUser(stored); err != nil {
		return err
	}
	u.ID, u.Version = stored.ID, stored.Version
	return nil
}

func (t *tx) UpdateUser(u *app.User) error {
	if err := t.change(app.ChangedUsers); err != nil {
		return err
	}
	old, ok := t.st.users[u.ID]
	switch {
	case !ok:
		return app.ErrNoUser(u.ID)
	case old.Version != u.Version:
		return app.ErrStale(old.Email)
	}
	stored := *u
	stored.Version++
	if err := t.putUser(stored); err != nil {
		return err
	}
	u.Version = stored.Version
	return nil
}

func (t *tx) HasUsers() (bool, error) { return len(t.st.users) > 0, nil }

// utc puts times in UTC, as the other stores give them back.
func utc(ts ...*time.Time) {
	for _, v := range ts {
		if !v.IsZero() {
			*v = v.UTC()
		}
	}
}

// sorted returns every user in name order, with their locks.
func (t *tx) sorted() []app.User {
	type keyed struct {
		key string
		u   app.User
	}
	all := make([]keyed, 0, len(t.st.users))
	for _, u := range t.st.users {
		all = append(all, keyed{t.st.keys[u.ID].sort, u})
	}
	slices.SortFunc(all, func(a, b keyed) int { return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.u.ID, b.u.ID)) })
	holders := map[string]int{} // look-alike key → users
	for _, key := range t.st.looks {
		holders[key]++
	}
	out := make([]app.User, len(all))
	for i, k := range all {
		u := k.u
		u.LockedUntil = t.st.throttle[t.st.keys[u.ID].login].LockedUntil
		u.HasLookAlike = holders[t.st.looks[u.ID]] > 1
		out[i] = u
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

// LookAlikeKey is the key under which the login email is filed.
func (t *tx) LookAlikeKey(email string) string { return lookAlikeKey(email) }

func (t *tx) LookAlikes(email string, exceptID int64, limit int) ([]app.User, error) {
	return t.underKey(lookAlikeKey(email), exceptID, limit), nil
}

// underKey lists up to limit users other than exceptID whose login has the
// look-alike key.
func (t *tx) underKey(key string, exceptID int64, limit int) []app.User {
	var out []app.User
	for _, u := range t.sorted() {
		if u.ID != exceptID && t.st.looks[u.ID] == key && len(out) < limit {
			out = append(out, u)
		}
	}
	return out
}

func (t *tx) LookAlikesOf(keys []string, limit int) ([][]app.User, error) {
	out := make([][]app.User, len(keys))
	for i, k := range keys {
		out[i] = t.underKey(k, 0, limit)
	}
	return out, nil
}

// matching yields the users whose search text holds the query, in name
// order, after the cursor.
func (t *tx) matching(text string, after app.Cursor) iter.Seq[app.User] {
	frag := app.SearchFragment(text)
	return func(yield func(app.User) bool) {
		for _, u := range t.sorted() {
			k := t.st.keys[u.ID]
			if after != (app.Cursor{}) && cmp.Or(strings.Compare(k.sort, after.SortKey), cmp.Compare(u.ID, after.ID)) <= 0 {
				continue
			}
			if strings.Contains(k.text, frag) && !yield(u) {
				return
			}
		}
	}
}

func (t *tx) SearchUsers(q app.UserQuery) (app.UserPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	var page app.UserPage
	for u := range t.matching(q.Text, q.After) {
		if len(page.Users) == limit {
			page.More = true
			break
		}
		page.Users = append(page.Users, u)
		page.Next = app.Cursor{SortKey: t.st.keys[u.ID].sort, ID: u.ID}
	}
	return page, nil
}

// inSet returns the users of the set, with their locks, in name order: the
// meaning of app.UserSet.Holds, checked user by user.
func (t *tx) inSet(s app.UserSet) []app.User {
	var out []app.User
	for u := range t.matching(s.Text, app.Cursor{}) {
		if s.Cells.Has(u.Cell(s.Now, s.IdleBefore)) {
			out = append(out, u)
		}
	}
	return out
}

func (t *tx) ListUsers(s app.UserSet, o app.UserSort, offset, limit int) ([]app.User, error) {
	if !o.By.IsKey() {
		return nil, app.Errorf(app.EInvalid, "This sort order is not valid.")
	}
	users := t.inSet(s)
	slices.SortFunc(users, func(a, b app.User) int {
		var c int
		switch o.By { // app.CompareUsers, with the keys made once a write
		case app.SortName:
			c = cmp.Or(strings.Compare(t.st.keys[a.ID].sort, t.st.keys[b.ID].sort), cmp.Compare(a.ID, b.ID))
		case app.SortLogin:
			c = cmp.Or(strings.Compare(t.st.keys[a.ID].login, t.st.keys[b.ID].login), cmp.Compare(a.ID, b.ID))
		default:
			c = app.CompareUsers(&a, &b, o.By)
		}
		if o.Desc {
			return -c
		}
		return c
	})
	if offset >= len(users) || limit <= 0 {
		return nil, nil
	}
	return users[offset:min(len(users), offset+limit)], nil
}

func (t *tx) CountCells(s app.UserSet) (app.CellCounts, error) {
	var n app.CellCounts
	for _, u := range t.inSet(s) {
		n[u.Cell(s.Now, s.IdleBefore)]++
	}
	return n, nil
}

func (t *tx) NextChange(now time.Time) (time.Time, error) {
	var first time.Time
	earlier := func(at time.Time) {
		if at.After(now) && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	for _, th := range t.st.throttle {
		earlier(th.LockedUntil)
	}
	for _, u := range t.st.users {
		if u.StaticCell()&app.CellPasswordBits == app.CellTemporary {
			earlier(u.TemporaryExpiresAt)
		}
	}
	return first, nil
}

func (t *tx) UsersAfter(s app.UserSet, after int64, limit int) ([]app.User, error) {
	var out []app.User
	for _, u := range t.inSet(s) {
		if u.ID > after {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b app.User) int { return cmp.Compare(a.ID, b.ID) })
	return out[:min(len(out), max(limit, 0))], nil
}

func (t *tx) CountMatching(text string, atMost int) (int, error) {
	n := 0
	for range t.matching(text, app.Cursor{}) {
		if n >= atMost {
			break
		}
		n++
	}
	return n, nil
}

// historyOf returns the user's entries of one kind, newest first.
func (t *tx) historyOf(userID int64, temporary bool) []app.PasswordHistoryEntry {
	var out []app.PasswordHistoryEntry
	for _, h := range t.st.history {
		if h.UserID == userID && h.Temporary == temporary {
			out = append(out, h)
		}
	}
	slices.SortFunc(out, newestFirst)
	return out
}

func newestFirst(a, b app.PasswordHistoryEntry) int {
	return cmp.Or(b.At.Compare(a.At), cmp.Compare(b.ID, a.ID))
}

func (t *tx) PasswordHistory(userID int64, limit int) ([]app.PasswordHistoryEntry, error) {
	var both []app.PasswordHistoryEntry
	for _, temporary := range []bool{false, true} {
		h := t.historyOf(userID, temporary)
		both = append(both, h[:min(max(limit, 0), len(h))]...)
	}
	slices.SortFunc(both, newestFirst)
	return both, nil
}

func (t *tx) AddPasswordHistory(userID int64, hash string, at time.Time, temporary bool, keep int) error {
	if err := t.change(0); err != nil {
		return err
	}
	if _, ok := t.st.users[userID]; !ok {
		return app.ErrNoUser(userID)
	}
	if err := app.CheckStoredTimes(at); err != nil {
		return err
	}
	utc(&at)
	t.st.history = append(t.st.history, app.PasswordHistoryEntry{ID: nextID(t.st.history, historyID), UserID: userID,
		Hash: hash, At: at, Temporary: temporary})
	drop := map[int64]bool{}
	for i, h := range t.historyOf(userID, temporary) {
		if i >= keep {
			drop[h.ID] = true
		}
	}
	t.st.history = slices.DeleteFunc(t.st.history, func(h app.PasswordHistoryEntry) bool { return drop[h.ID] })
	return nil
}

func (t *tx) Throttle(key string) (app.Throttle, error) {
	th, ok := t.st.throttle[key]
	if !ok {
		return app.Throttle{Key: key}, nil
	}
	return th, nil
}

func (t *tx) PutThrottle(th app.Throttle) error {
	if err := t.change(app.ChangedUsers); err != nil {
		return err
	}
	if th.Key == "" {
		return app.Errorf(app.EInvalid, "The e-mail address is empty.")
	}
	if err := app.CheckStoredTimes(th.LockedUntil, th.LastFailure); err != nil {
		return err
	}
	utc(&th.LockedUntil, &th.LastFailure)
	t.st.throttle[th.Key] = th
	return nil
}

func (t *tx) ClearThrottle(key string) error {
	if err := t.change(app.ChangedUsers); err != nil {
		return err
	}
	delete(t.st.throttle, key)
	return nil
}

func (t *tx) PurgeThrottle(before time.Time) ([]app.Throttle, error) {
	if err := t.change(app.ChangedUsers); err != nil {
		return nil, err
	}
	var refused []app.Throttle
	for _, k := range slices.Sorted(maps.Keys(t.st.throttle)) {
		th := t.st.throttle[k]
		if !th.LastFailure.IsZero() && th.LastFailure.Before(before) && th.LockedUntil.Before(before) {
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
	if err := t.change(app.ChangedSettings); err != nil {
		return err
	}
	t.st.settings[key] = value
	return nil
}

// nextID returns the ID after the last of rows kept in ID order.
func nextID[T any](rows []T, id func(T) int64) int64 {
	if len(rows) == 0 {
		return 1
	}
	return id(rows[len(rows)-1]) + 1
}

func historyID(h app.PasswordHistoryEntry) int64 { return h.ID }
func auditID(e app.AuditEvent) int64             { return e.ID }
func mailID(m app.OutboxMessage) int64           { return m.ID }
func sendID(r app.RecoverySend) int64            { return r.ID }

func (t *tx) AddAudit(e app.AuditEvent) error {
	if err := t.change(0); err != nil {
		return err
	}
	if err := app.CheckStoredTimes(e.At); err != nil {
		return err
	}
	utc(&e.At)
	e.ID = nextID(t.st.audit, auditID)
	t.st.audit = append(t.st.audit, e)
	return nil
}

func (t *tx) ListAudit(q app.AuditQuery) ([]app.AuditEvent, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	frag := app.AuditKey(q.Subject)
	var out []app.AuditEvent
	for i := len(t.st.audit) - 1; i >= 0 && len(out) < limit; i-- {
		e := t.st.audit[i]
		if q.BeforeID > 0 && e.ID >= q.BeforeID {
			continue
		}
		if q.Action != "" && e.Action != q.Action {
			continue
		}
		if !strings.Contains(app.AuditKey(e.Actor), frag) && !strings.Contains(app.AuditKey(e.Subject), frag) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// checkMail checks the times of m and puts them in UTC.
func checkMail(m *app.OutboxMessage) error {
	utc(&m.NextAttemptAt, &m.CreatedAt, &m.SentAt, &m.SecretUntil)
	return app.CheckStoredTimes(m.NextAttemptAt, m.CreatedAt, m.SentAt, m.SecretUntil)
}

func (t *tx) EnqueueMail(m *app.OutboxMessage) error {
	if err := t.change(app.ChangedMail); err != nil {
		return err
	}
	if err := checkMail(m); err != nil {
		return err
	}
	m.ID = nextID(t.st.mail, mailID)
	t.st.mail = append(t.st.mail, *m)
	return nil
}

func (t *tx) DueMail(now time.Time, limit int) ([]app.OutboxMessage, error) {
	var due []app.OutboxMessage
	for _, m := range t.st.mail {
		waiting := m.State == app.MailQueued || m.State == app.MailFailed || m.State == app.MailSending
		if waiting && !m.NextAttemptAt.IsZero() && !now.Before(m.NextAttemptAt) {
			due = append(due, m)
		}
	}
	slices.SortStableFunc(due, func(a, b app.OutboxMessage) int { return a.NextAttemptAt.Compare(b.NextAttemptAt) })
	return due[:min(max(limit, 0), len(due))], nil
}

func (t *tx) UpdateMail(m *app.OutboxMessage) error {
	if err := t.change(app.ChangedMail); err != nil {
		return err
	}
	if err := checkMail(m); err != nil {
		return err
	}
	i, ok := slices.BinarySearchFunc(t.st.mail, m.ID, func(x app.OutboxMessage, id int64) int { return cmp.Compare(x.ID, id) })
	if !ok {
		return app.Errorf(app.ENotFound, "No such message in the outbox.")
	}
	t.st.mail[i] = *m
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
	if err := t.change(0); err != nil {
		return err
	}
	if _, ok := t.st.users[c.UserID]; !ok {
		return app.ErrNoUser(c.UserID)
	}
	if err := app.CheckStoredTimes(c.ExpiresAt, c.CreatedAt); err != nil {
		return err
	}
	utc(&c.ExpiresAt, &c.CreatedAt)
	t.st.codes[c.UserID] = c
	return nil
}

func (t *tx) DeleteRecoveryCode(userID int64) error {
	if err := t.change(0); err != nil {
		return err
	}
	delete(t.st.codes, userID)
	return nil
}

func (t *tx) RecoveryCodesSent(userID int64, since time.Time) (int, time.Time, error) {
	n, last := 0, time.Time{}
	for _, r := range t.st.sends {
		if r.UserID != userID {
			continue
		}
		if !r.SentAt.Before(since) {
			n++
		}
		if r.SentAt.After(last) {
			last = r.SentAt
		}
	}
	return n, last, nil
}

func (t *tx) NoteRecoveryCodeSent(userID int64, at time.Time) error {
	if err := t.change(0); err != nil {
		return err
	}
	if _, ok := t.st.users[userID]; !ok {
		return app.ErrNoUser(userID)
	}
	if err := app.CheckStoredTimes(at); err != nil {
		return err
	}
	utc(&at)
	dayBefore := at.Add(-24 * time.Hour)
	t.st.sends = slices.DeleteFunc(t.st.sends, func(r app.RecoverySend) bool {
		return r.UserID == userID && r.SentAt.Before(dayBefore)
	})
	t.st.sends = append(t.st.sends, app.RecoverySend{ID: nextID(t.st.sends, sendID), UserID: userID, SentAt: at})
	return nil
}
