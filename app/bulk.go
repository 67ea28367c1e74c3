package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"runtime"
	"sync"
	"time"
)

// Acting on many users at once: reset their passwords, send new ones to
// their recovery addresses, unlock, disable, enable, change their role, on
// a selection given by a filter ("all N matching", however many, without
// listing them) or by a list of logins. A plan says first what will happen
// to how many and what will be refused; then the action runs in batches of
// transactions, each user's rules checked again as it is written, with the
// argon2id hashing of new passwords on every core outside the
// transactions; progress is reported after each batch and the context
// cancels between them: what finished is applied and audited, what did not
// is untouched.

// BulkKind is an action on many users.
type BulkKind string

// Bulk actions.
const (
	BulkReset   BulkKind = "reset"   // new temporary passwords, returned once to be handed out
	BulkSend    BulkKind = "send"    // new temporary passwords, sent to the recovery addresses
	BulkUnlock  BulkKind = "unlock"  // lift the locks after failed sign-ins
	BulkDisable BulkKind = "disable" // forbid sign-in
	BulkEnable  BulkKind = "enable"  // allow sign-in again
	BulkRole    BulkKind = "role"    // give every user a role
)

// newPasswords says whether the action gives new temporary passwords,
// hashed on every core outside the transactions.
func (k BulkKind) newPasswords() bool { return k == BulkReset || k == BulkSend }

// BulkAction is what a bulk action does.
type BulkAction struct {
	Kind BulkKind
	Role Role // the role given, for BulkRole
}

// Selection names the users of a bulk action: every user that Filter
// selects at the time of the plan, or the users of Logins (one of the two).
type Selection struct {
	Filter *UserFilter
	Logins []string
}

// BulkRequest is a bulk action on a selection.
type BulkRequest struct {
	Action    BulkAction
	Selection Selection
}

// BulkPlan says what a bulk action will do, before it runs: RunBulk takes
// it back to run it.
type BulkPlan struct {
	Request BulkRequest
	// At is the time at which the selection is judged: statuses and
	// staleness as they were then, whenever the plan runs.
	At       time.Time
	Selected int // users selected
	Change   int // users that the action will change
	// ChangeDisabled are those of Change who get a new password (a reset,
	// a send) while their account is disabled: it works once they are
	// enabled again.
	ChangeDisabled int
	Unchanged      int // users already so: not locked, already enabled…
	Refused        []BulkRefusal
	// NotFound are the logins of the list that no user has.
	NotFound []string
	// Expires is until when the new temporary passwords of a reset made
	// now would be valid.
	Expires time.Time

	ids []int64 // the users of a list of logins, in its order
}

// BulkRefusal is a reason why users of the selection will not be changed,
// and how many.
type BulkRefusal struct {
	Reason Message
	Count  int
}

// BulkStatus is what a bulk action did to one user.
type BulkStatus string

// Bulk outcomes of one user.
const (
	BulkDone      BulkStatus = "done"
	BulkUnchanged BulkStatus = "unchanged"
	BulkRefused   BulkStatus = "refused"
)

// BulkOutcome is what a bulk action did to one user.
type BulkOutcome struct {
	UserID int64
	Login  string
	Name   string
	Status BulkStatus
	Reason Message // why unchanged or refused
	// Temporary is the new temporary password of a reset, returned here
	// once and stored nowhere in plaintext.
	Temporary *TemporaryPassword
}

// BulkProgress is reported after each batch: how many of the selected
// users are done with, and the outcomes of the batch just committed.
type BulkProgress struct {
	Done, Total int
	Outcomes    []BulkOutcome
}

// BulkResult sums up a bulk action.
type BulkResult struct {
	ID                                 string // names the action in the audit log ("bulk 3fa2c1")
	Done, Unchanged, Refused, NotFound int
	Cancelled                          bool
}

// Reasons of refusals and of unchanged users.
var (
	msgOwnAccount  = Msg("You cannot disable your own account: another administrator can.")
	msgOwnRole     = Msg("You cannot change your own role: another administrator can.")
	msgOwnPassword = Msg("Your own password is not reset with the others: change it from your account.")
	msgLastAdmin   = Msg("The last active administrator cannot lose the role or be disabled: make another user an administrator first.")
	msgNoRecovery  = Msg("No recovery e-mail to send the password to.")
	msgNotLocked   = Msg("Not locked.")
	msgAlreadyOff  = Msg("Already disabled.")
	msgAlreadyOn   = Msg("Already enabled.")
	msgAlreadyRole = Msg("Already has this role.")
	msgChanged     = Msg("Changed during the action: run it again for this user.")
)

// checkBulk validates a request.
func checkBulk(r BulkRequest) (BulkRequest, error) {
	switch r.Action.Kind {
	case BulkReset, BulkSend, BulkUnlock, BulkDisable, BulkEnable:
	case BulkRole:
		role, err := ParseRole(string(r.Action.Role))
		if err != nil {
			return r, err
		}
		r.Action.Role = role
	default:
		return r, Errorf(EInvalid, "Unknown action \"{{.Action}}\".", "Action", string(r.Action.Kind))
	}
	if (r.Selection.Filter == nil) == (r.Selection.Logins == nil) {
		return r, Errorf(EInvalid, "Select users either by a filter or by a list of logins.")
	}
	if f := r.Selection.Filter; f != nil {
		if err := f.Check(); err != nil {
			return r, err
		}
	}
	return r, nil
}

// refusal says why the action would not change u (nil when it would, or
// when u is already so: see unchanged), for the rules that do not depend
// on the other users. Settings apply to the whole selection (see
// PlanBulk).
func (a BulkAction) refusal(actor Actor, u *User) *Message {
	if a.Kind == BulkSend && u.RecoveryEmail == "" {
		return &msgNoRecovery
	}
	if actor.UserID == 0 || actor.UserID != u.ID {
		return nil
	}
	// One's own account: the administrator acting would lose the right
	// to finish the action, or a password only its owner should know.
	switch a.Kind {
	case BulkDisable:
		if !u.Disabled {
			return &msgOwnAccount
		}
	case BulkRole:
		if u.Role != a.Role {
			return &msgOwnRole
		}
	case BulkReset, BulkSend:
		return &msgOwnPassword
	}
	return nil
}

// ownAccount reports whether m refuses an action on one's own account.
func ownAccount(m *Message) bool {
	return m == &msgOwnAccount || m == &msgOwnRole || m == &msgOwnPassword
}

// unchanged says why the action would leave u as it is, at time now (nil
// when it would change it).
func (a BulkAction) unchanged(u *User, now time.Time) *Message {
	switch a.Kind {
	case BulkUnlock:
		if !u.Locked(now) {
			return &msgNotLocked
		}
	case BulkDisable:
		if u.Disabled {
			return &msgAlreadyOff
		}
	case BulkEnable:
		if !u.Disabled {
			return &msgAlreadyOn
		}
	case BulkRole:
		if u.Role == a.Role {
			return &msgAlreadyRole
		}
	}
	return nil
}

// judge says what the action would do to u at time now, by the rules that
// do not depend on the other users: BulkDone when it would change it, else
// why not.
func (a BulkAction) judge(actor Actor, u *User, now time.Time) (BulkStatus, *Message) {
	if m := a.unchanged(u, now); m != nil {
		return BulkUnchanged, m
	}
	if m := a.refusal(actor, u); m != nil {
		return BulkRefused, m
	}
	return BulkDone, nil
}

// removesAdmin reports whether the action takes an active administrator
// away: the rule of the last one applies.
func (a BulkAction) removesAdmin(u *User) bool {
	return u.IsAdmin() && !u.Disabled && (a.Kind == BulkDisable || a.Kind == BulkRole && a.Role != RoleAdmin)
}

// mayRun checks, in a transaction, that the actor may run the action under
// the settings, which it returns.
func (a BulkAction) mayRun(tx Tx, actor Actor) (Settings, error) {
	if err := requireAdmin(tx, actor); err != nil {
		return Settings{}, err
	}
	st, err := loadSettings(tx)
	if err != nil {
		return st, err
	}
	if err := a.settingsRefusal(st); err != nil {
		return st, err
	}
	return st, nil
}

// settingsRefusal is why the settings refuse the action to every user.
func (a BulkAction) settingsRefusal(st Settings) *Error {
	switch {
	case a.Kind.newPasswords() && !st.AdminPasswordManagement:
		return optionOff()
	case a.Kind == BulkSend && !st.SMTP.Configured():
		return errMailOff()
	}
	return nil
}

// PlanBulk says what a bulk action would do, and refuses a request that
// cannot run at all (not an administrator, an option off).
func (s *Service) PlanBulk(ctx context.Context, actor Actor, r BulkRequest) (BulkPlan, error) {
	r, err := checkBulk(r)
	if err != nil {
		return BulkPlan{}, err
	}
	p := BulkPlan{Request: r, At: s.now()}
	err = s.store.Read(ctx, func(tx Tx) error {
		st, err := r.Action.mayRun(tx, actor)
		if err != nil {
			return err
		}
		p.Expires = p.At.Add(st.TemporaryLifetime)
		var self *User
		if actor.UserID != 0 {
			u, err := tx.UserByID(actor.UserID)
			if err != nil {
				return err
			}
			self = &u
		}
		if f := r.Selection.Filter; f != nil {
			return p.planFilter(tx, actor, self, *f)
		}
		return p.planList(tx, actor)
	})
	return p, err
}

// planFilter counts the outcomes of a filter's users by cell.
func (p *BulkPlan) planFilter(tx Tx, actor Actor, self *User, f UserFilter) error {
	set := f.Set(p.At)
	cells, err := tx.CountCells(set)
	if err != nil {
		return err
	}
	a := p.Request.Action
	refused := map[*Message]int{}
	admins := 0                      // active administrators the action would take away
	now := p.At.Add(time.Nanosecond) // a cell's example user is judged just after the plan's time
	for i, n := range cells {
		if n == 0 {
			continue
		}
		u := Cell(i).example(now)
		p.Selected += n
		switch status, why := a.judge(actor, &u, now); status {
		case BulkUnchanged:
			p.Unchanged += n
		case BulkRefused:
			refused[why] += n
		default:
			p.Change += n
			if u.Disabled && a.Kind.newPasswords() {
				p.ChangeDisabled += n
			}
			if a.removesAdmin(&u) {
				admins += n
			}
		}
	}
	// One's own account is refused rather than changed.
	if self != nil && set.Holds(self) && a.unchanged(self, p.At) == nil {
		if m := a.refusal(actor, self); ownAccount(m) {
			p.Change--
			refused[m]++
			if a.removesAdmin(self) {
				admins--
			}
		}
	}
	return p.lastAdmin(tx, admins, refused)
}

// planList judges each user of a list of logins.
func (p *BulkPlan) planList(tx Tx, actor Actor) error {
	a := p.Request.Action
	refused := map[*Message]int{}
	admins := 0
	seen := map[int64]bool{}
	for _, login := range p.Request.Selection.Logins {
		u, err := tx.UserByEmail(login)
		if CodeOf(err) == ENotFound {
			p.NotFound = append(p.NotFound, login)
			continue
		}
		if err != nil {
			return err
		}
		if seen[u.ID] { // the same user twice: once
			continue
		}
		seen[u.ID] = true
		p.ids = append(p.ids, u.ID)
		p.Selected++
		switch status, why := a.judge(actor, &u, p.At); status {
		case BulkUnchanged:
			p.Unchanged++
		case BulkRefused:
			refused[why]++
		default:
			p.Change++
			if u.Disabled && a.Kind.newPasswords() {
				p.ChangeDisabled++
			}
			if a.removesAdmin(&u) {
				admins++
			}
		}
	}
	return p.lastAdmin(tx, admins, refused)
}

// lastAdmin applies the rule of the last active administrator to a plan
// that would take admins of them away, and lists the refusals.
func (p *BulkPlan) lastAdmin(tx Tx, admins int, refused map[*Message]int) error {
	if admins > 0 {
		var active CellSet
		for c := range Cell(NumCells) {
			if c&CellAdmin != 0 && c&CellDisabled == 0 {
				active.Add(c)
			}
		}
		n, err := tx.CountCells(UserSet{Cells: active, Now: p.At})
		if err != nil {
			return err
		}
		if n.Sum(active) <= admins {
			p.Change--
			refused[&msgLastAdmin]++
		}
	}
	for _, m := range []*Message{&msgOwnAccount, &msgOwnRole, &msgOwnPassword, &msgLastAdmin, &msgNoRecovery} {
		if refused[m] > 0 {
			p.Refused = append(p.Refused, BulkRefusal{Reason: *m, Count: refused[m]})
		}
	}
	return nil
}

// bulkBatch is how many users the next transaction of a bulk action
// writes, left of them being still to read: fewer when each needs a
// password hashed, so that progress comes every second or two (64 hashes
// a worker; at a million users a transaction costs about 30 ms besides
// its users, which smaller ones would pay more often). The last batches of a
// hashing action are ever smaller (half of what is left, down to 4 hashes
// a worker): the last one is written once every hash is made, while the
// cores wait. Cancelling does not wait for a batch to be hashed: the
// hashes under way are dropped.
func (s *Service) bulkBatch(k BulkKind, left int) int {
	if !k.newPasswords() {
		return 500
	}
	w := s.hashWorkers()
	return max(4*w, min(64*w, left/2))
}

// hashWorkers is how many passwords are hashed at once (Config.Workers).
func (s *Service) hashWorkers() int {
	if s.workers > 0 {
		return s.workers
	}
	return runtime.GOMAXPROCS(0)
}

// RunBulk runs a plan made by PlanBulk. Each batch of users is one
// transaction; progress (may be nil) is called after each, from the
// caller's goroutine. Cancelling ctx stops the action after the batch under
// way: the result says so, and what was done is applied and audited. The
// new temporary passwords of a reset come through progress only.
func (s *Service) RunBulk(ctx context.Context, actor Actor, plan BulkPlan, progress func(BulkProgress)) (BulkResult, error) {
	r, err := checkBulk(plan.Request)
	if err != nil {
		return BulkResult{}, err
	}
	id := make([]byte, 3)
	if _, err := rand.Read(id); err != nil {
		return BulkResult{}, Internal(err)
	}
	hexID := hex.EncodeToString(id)
	res := BulkResult{ID: detail(detailBulkNote, "ID", hexID), NotFound: len(plan.NotFound)}
	run := bulkRun{s: s, actor: actor, action: r.Action, note: res.ID, at: plan.At}
	if f := r.Selection.Filter; f != nil {
		set := f.Set(plan.At)
		run.set = &set
	} else {
		run.ids = plan.ids
	}
	hashing := r.Action.Kind.newPasswords()
	done, asked := 0, 0
	runErr := run.drain(ctx, s, hashing, func(ctx context.Context) (*batch, error) {
		size := s.bulkBatch(r.Action.Kind, plan.Selected-asked)
		asked += size
		return run.next(ctx, size)
	}, func(ctx context.Context, b *batch) error {
		outcomes, err := run.write(ctx, b)
		if err != nil {
			return err
		}
		for _, o := range outcomes {
			switch o.Status {
			case BulkDone:
				res.Done++
			case BulkUnchanged:
				res.Unchanged++
			case BulkRefused:
				res.Refused++
			}
		}
		done += len(outcomes)
		if progress != nil {
			progress(BulkProgress{Done: done, Total: plan.Selected, Outcomes: outcomes})
		}
		return nil
	})
	res.Cancelled = runErr == nil && ctx.Err() != nil
	// The batch is audited as a whole too, even when it stopped early.
	parts := []string{r.Action.detail(hexID, plan.Selected)}
	if res.NotFound > 0 {
		parts = append(parts, detail(detailBulkNotFound, "Done", res.Done, "Unchanged", res.Unchanged, "Refused", res.Refused, "NotFound", res.NotFound))
	} else {
		parts = append(parts, detail(detailBulkOutcome, "Done", res.Done, "Unchanged", res.Unchanged, "Refused", res.Refused))
	}
	details := joinDetails(append(parts, stopDetails(res.Cancelled, runErr != nil)...)...)
	if err := s.store.Write(context.WithoutCancel(ctx), func(tx Tx) error {
		return tx.AddAudit(AuditEvent{At: s.now(), Actor: actor.Name, Action: ActionBulk, Details: details})
	}); err != nil && runErr == nil {
		runErr = err
	}
	if res.Done > 0 { // the passwords sent, the notices of changes
		s.deliverQueued(context.WithoutCancel(ctx))
	}
	return res, runErr
}

// detail writes the first part of the audit details of a batch: its ID
// (hex), the action and how many users were selected.
func (a BulkAction) detail(id string, selected int) string {
	t := map[BulkKind]string{BulkReset: detailBulkReset, BulkSend: detailBulkSend, BulkUnlock: detailBulkUnlock,
		BulkDisable: detailBulkDisable, BulkEnable: detailBulkEnable}[a.Kind]
	if a.Kind == BulkRole {
		return detail(detailBulkRole, "ID", id, "Role", string(a.Role), "N", selected)
	}
	return detail(t, "ID", id, "N", selected)
}

// stopDetails are the parts of a batch's audit details that say why it
// stopped before its end.
func stopDetails(cancelled, failed bool) []string {
	var parts []string
	if cancelled {
		parts = append(parts, detail(detailCancelled))
	}
	if failed {
		parts = append(parts, detail(detailStopped))
	}
	return parts
}

// bulkRun is a bulk action under way.
type bulkRun struct {
	pipeline
	s      *Service
	actor  Actor
	action BulkAction
	note   string
	at     time.Time
	set    *UserSet // the filter's users, walked by ID
	ids    []int64  // or the list's
	after  int64    // the last ID read of the filter's users
	pos    int      // the next position of the list
}

// next reads the next batch of users and marks those that get a new
// password.
func (r *bulkRun) next(ctx context.Context, size int) (*batch, error) {
	users, err := r.read(ctx, size)
	b := &batch{users: users}
	if err != nil || !r.action.Kind.newPasswords() {
		return b, err
	}
	for i := range b.users {
		if status, _ := r.action.judge(r.actor, &b.users[i], r.at); status == BulkDone {
			b.todo = append(b.todo, i)
		}
	}
	return b, nil
}

// pipeline runs the writes of a bulk action or an import in batches of
// one transaction each: it reads (or builds) batches ahead of the writes
// on other goroutines and makes their new passwords (generated, or given
// and hashed) with argon2id on every core, outside any transaction.
type pipeline struct {
	quit        chan struct{}
	wg          sync.WaitGroup // the goroutines of prepare
	feeders     sync.WaitGroup // those that hand out hashing jobs
	stopHashers func()         // nil: nothing to stop
}

// batch is a batch of users, read or to be created, with the new passwords
// of those that get one, made outside any transaction.
type batch struct {
	users []User
	todo  []int // the users that get a new password
	// given holds, by user, a password that an import's row gives ("" to
	// generate one); nil when every new password is generated.
	given   []string
	rows    []int    // an import's: the plan's row of each user
	plain   []string // by user; "" when the user gets none
	hashes  []string
	err     error
	done    sync.WaitGroup // the hashes under way
	mu      sync.Mutex
	hashErr error
}

func (b *batch) fail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.hashErr == nil {
		b.hashErr = err
	}
}

func (b *batch) firstErr() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.hashErr
}

// drain prepares batches with next (an empty batch ends them) and writes
// each with write, on the caller's goroutine, until they run out, write
// fails or ctx is cancelled: then the batch under way is written whole (its
// context no longer cancels), the others are not. It returns the error that
// stopped it; a cancellation is not one.
func (p *pipeline) drain(ctx context.Context, s *Service, hashing bool, next func(context.Context) (*batch, error), write func(context.Context, *batch) error) error {
	batches := p.prepare(ctx, s, hashing, next)
	defer p.stop()
	for b := range batches {
		if b.err != nil {
			if ctx.Err() == nil { // else: cancelled while it was read or hashed
				return b.err
			}
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		// A batch whose passwords are made is written whole, even if ctx
		// ends meanwhile: the transaction is short.
		if err := write(context.WithoutCancel(ctx), b); err != nil {
			return err
		}
	}
	return nil
}

// prepare makes batches ahead of the writes, on other goroutines, until
// next returns an empty one or stop is called. New passwords are made by
// one worker a core, fed from two batches at a time, so that no core
// waits at the end of a batch for the last hash of another.
func (p *pipeline) prepare(ctx context.Context, s *Service, hashing bool, next func(context.Context) (*batch, error)) <-chan *batch {
	out := make(chan *batch, 1)
	p.quit = make(chan struct{})
	var st Settings
	jobs := make(chan hashJob)
	if hashing {
		var err error
		if st, err = s.Settings(ctx); err != nil {
			out <- &batch{err: err}
			close(out)
			return out
		}
		hashers, stop := s.startHashers()
		p.stopHashers = stop
		for _, h := range hashers {
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				for j := range jobs {
					j.run(ctx, s, st, h)
				}
			}()
		}
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer close(out)
		defer func() {
			p.feeders.Wait() // no feeder sends any more
			close(jobs)
		}()
		var queue []*batch // hashing, oldest first
		send := func(b *batch) bool {
			b.done.Wait()
			if b.err == nil {
				b.err = b.firstErr()
			}
			if b.err == nil && ctx.Err() != nil {
				b.err = ctx.Err()
			}
			select {
			case out <- b:
				return b.err == nil
			case <-p.quit:
				return false
			}
		}
		for ctx.Err() == nil {
			b, err := next(ctx)
			if b == nil {
				b = &batch{}
			}
			b.err = err
			if b.err == nil && len(b.users) == 0 {
				break
			}
			if b.err == nil && hashing {
				p.feed(ctx, b, jobs)
			}
			queue = append(queue, b)
			if b.err != nil || len(queue) == 2 {
				if !send(queue[0]) {
					return
				}
				queue = queue[1:]
			}
		}
		for _, b := range queue {
			if !send(b) {
				return
			}
		}
	}()
	return out
}

// hashJob is a new password to make for user i of a batch.
type hashJob struct {
	b *batch
	i int
}

func (j hashJob) run(ctx context.Context, s *Service, st Settings, h PasswordHasher) {
	defer j.b.done.Done()
	if ctx.Err() != nil {
		return
	}
	u := &j.b.users[j.i]
	plain := ""
	if j.b.given != nil {
		plain = j.b.given[j.i] // judged by the policy when the import was planned
	}
	var err error
	if plain == "" {
		// A generated password has passed the policy: hashTemporary would
		// assess it again.
		plain, err = s.generateTemporary(st, PolicyContext{Login: u.Email, Name: u.Name, Company: st.CompanyName})
	}
	if err == nil {
		j.b.hashes[j.i], err = h.Hash(NormalizePassword(plain))
	}
	if err != nil {
		j.b.fail(AsError(err))
		return
	}
	j.b.plain[j.i] = plain
}

// feed hands the workers a job for each user of the batch that gets a new
// password, from a goroutine of its own.
func (p *pipeline) feed(ctx context.Context, b *batch, jobs chan<- hashJob) {
	b.plain, b.hashes = make([]string, len(b.users)), make([]string, len(b.users))
	todo := b.todo
	b.done.Add(len(todo))
	p.feeders.Add(1)
	go func() {
		defer p.feeders.Done()
		for k, i := range todo {
			select {
			case jobs <- hashJob{b, i}:
			case <-ctx.Done():
				b.done.Add(-(len(todo) - k))
				return
			case <-p.quit:
				b.done.Add(-(len(todo) - k))
				return
			}
		}
	}()
}

// stop ends the preparation of batches and waits for it.
func (p *pipeline) stop() {
	close(p.quit)
	p.wg.Wait()
	if p.stopHashers != nil {
		p.stopHashers()
	}
}

// startHashers returns the hashers of a pipeline's workers, one a worker,
// and what stops them (nil when nothing needs it): Config.HashWorkers',
// given the parameters in full, else this process's.
func (s *Service) startHashers() ([]PasswordHasher, func()) {
	n := s.hashWorkers()
	if s.hashWorkersStart != nil {
		if hs, stop, err := s.hashWorkersStart(n, Hasher{Params: s.hasher.params()}); err == nil {
			return hs, stop
		}
	}
	hs := make([]PasswordHasher, n)
	for i := range hs {
		hs[i] = s.hasher
	}
	return hs, nil
}

// read reads the next batch of users: of the filter, after the last ID
// read; of the list, from the next position.
func (r *bulkRun) read(ctx context.Context, size int) ([]User, error) {
	var users []User
	err := r.s.store.Read(ctx, func(tx Tx) error {
		users = users[:0]
		if r.set != nil {
			var err error
			users, err = tx.UsersAfter(*r.set, r.after, size)
			return err
		}
		for _, id := range r.ids[r.pos:min(len(r.ids), r.pos+size)] {
			u, err := tx.UserByID(id)
			if CodeOf(err) == ENotFound { // gone since the plan
				continue
			}
			if err != nil {
				return err
			}
			users = append(users, u)
		}
		return nil
	})
	if r.set != nil && len(users) > 0 {
		r.after = users[len(users)-1].ID
	}
	r.pos = min(len(r.ids), r.pos+size)
	return users, err
}

// write applies the action to a batch in one transaction, each user's rules
// checked again on the user as stored now.
func (r *bulkRun) write(ctx context.Context, b *batch) ([]BulkOutcome, error) {
	now := r.s.now()
	var outcomes []BulkOutcome
	err := r.s.store.Write(ctx, func(tx Tx) error {
		outcomes = outcomes[:0]
		st, err := r.action.mayRun(tx, r.actor)
		if err != nil {
			return err
		}
		for i, read := range b.users {
			u, err := tx.UserByID(read.ID)
			if CodeOf(err) == ENotFound {
				continue
			}
			if err != nil {
				return err
			}
			o := BulkOutcome{UserID: u.ID, Login: u.Email, Name: u.Name}
			if status, why := r.action.judge(r.actor, &u, now); status != BulkDone {
				o.Status, o.Reason = status, *why
				outcomes = append(outcomes, o)
				continue
			}
			if r.action.removesAdmin(&u) {
				if last, err := lastActiveAdmin(tx, u); err != nil {
					return err
				} else if last {
					o.Status, o.Reason = BulkRefused, msgLastAdmin
					outcomes = append(outcomes, o)
					continue
				}
			}
			var in checkedChange
			var ch UserChange
			switch r.action.Kind {
			case BulkReset, BulkSend:
				if b.hashes == nil || b.hashes[i] == "" {
					// Changed since it was read: judged unchanged or
					// refused then; it is left for another run.
					o.Status, o.Reason = BulkRefused, msgChanged
					outcomes = append(outcomes, o)
					continue
				}
				plain := b.plain[i]
				ch.TemporaryPassword, ch.SendToRecovery, in.hash = &plain, r.action.Kind == BulkSend, b.hashes[i]
			case BulkUnlock:
				ch.Unlock = true
			case BulkDisable, BulkEnable:
				off := r.action.Kind == BulkDisable
				ch.Disabled = &off
			case BulkRole:
				role := r.action.Role
				ch.Role, in.role = &role, &role
			}
			res, err := applyChange(tx, st, r.actor, u, in, ch, now, r.note)
			if err != nil {
				return err
			}
			o.Status = BulkDone
			if r.action.Kind == BulkReset {
				o.Temporary = res.Temporary
			}
			outcomes = append(outcomes, o)
		}
		return nil
	})
	return outcomes, err
}
