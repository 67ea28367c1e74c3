package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Importing a file of users in two steps. PlanImport judges every row of
// the file by the rules of a single creation or of the user card (address,
// canonical login and look-alikes, name, the company option, the policy of
// a typed password) against the directory as it is, and says what each row
// would do: create, update which fields, leave unchanged, or nothing
// because of an error (row, column, reason). Nothing is written. ApplyImport
// then writes the rows to create or update in batches of one transaction
// each, with the machinery of the bulk actions (passwords made with argon2id
// on every core outside the transactions, cancel between batches): what
// finished is whole and audited, the rest untouched, and the same import run
// again completes it, since the rows already written are then unchanged.

// ImportField is a bit set of the fields of a user that a row of a file
// gives, or that an import changes.
type ImportField uint8

// Fields of a row. The login is always given.
const (
	ImportName ImportField = 1 << iota
	ImportRole
	ImportMailbox
	ImportRecoveryEmail
	ImportDisabled
	// ImportPassword: the row asks for a new temporary password (given,
	// or generated when the row gives none).
	ImportPassword
)

// ImportFields lists the fields in the order of the user card.
var ImportFields = []ImportField{ImportName, ImportRole, ImportMailbox, ImportRecoveryEmail, ImportDisabled, ImportPassword}

// Message names a field for a person.
func (f ImportField) Message() Message {
	switch f {
	case ImportName:
		return Msg("name")
	case ImportRole:
		return Msg("role")
	case ImportMailbox:
		return Msg("mailbox")
	case ImportRecoveryEmail:
		return Msg("recovery e-mail")
	case ImportDisabled:
		return Msg("disabled")
	}
	return Msg("temporary password")
}

// Has reports whether the set holds f.
func (f ImportField) Has(g ImportField) bool { return f&g != 0 }

// ImportRecord is one data row of a file, mapped to the fields of a user
// (by app/userfile). A field that the row leaves empty, or that the file
// has no column for, is not given: an import leaves it as it is (or at its
// default for a new user).
type ImportRecord struct {
	Row  int // the row as a spreadsheet numbers it (1 is the file's first line)
	Line int // the line of the text file where the row starts

	Login         string // trimmed, as written
	Name          string // the display name, else first name and last name
	Role          Role   // when ImportRole
	HasMailbox    bool   // when ImportMailbox; false: a fictitious login
	RecoveryEmail string // when ImportRecoveryEmail
	Disabled      bool   // when ImportDisabled
	// Password is a temporary password that the row gives; "" with
	// ImportPassword means "generate one". Every password that an
	// administrator sets is temporary: it is changed at the first sign-in.
	Password string
	Given    ImportField

	// Columns names the file's columns, for the problems that the import
	// finds; shared by every record of a file.
	Columns  *ImportColumns
	Problems []ImportProblem // what the reading found wrong: the row is not imported
}

// Has reports whether the row gives field f.
func (r *ImportRecord) Has(f ImportField) bool { return r.Given&f != 0 }

// ImportColumns are the names of a file's columns that give each field.
type ImportColumns struct {
	Login, Name, Recovery, Role, Mailbox, Disabled, Password string
}

func (c *ImportColumns) of(f ImportField) string {
	if c == nil {
		return ""
	}
	switch f {
	case ImportName:
		return c.Name
	case ImportRole:
		return c.Role
	case ImportMailbox:
		return c.Mailbox
	case ImportRecoveryEmail:
		return c.Recovery
	case ImportDisabled:
		return c.Disabled
	case ImportPassword:
		return c.Password
	}
	return c.Login
}

// ImportProblem is what is wrong with a row, for a person to fix in the file.
type ImportProblem struct {
	Row     int
	Column  string // the column as the file names it; "" for the whole row
	Message Message
}

// ImportAction is what an import does with a row.
type ImportAction string

// What an import does with a row.
const (
	ImportCreate    ImportAction = "create"
	ImportUpdate    ImportAction = "update"
	ImportUnchanged ImportAction = "unchanged"
	ImportError     ImportAction = "error" // the row is not imported: see its problems
)

// ImportRequest is a file to import.
type ImportRequest struct {
	FileName string // named in the audit log
	Records  []ImportRecord
	// Send mails each new temporary password to the user's recovery
	// address, where there is one; the others are to be handed out.
	Send bool
	// AllowSimilar imports the rows whose login or recovery address looks
	// like another login (of the directory, or of a row before it in the
	// file), as NewUser.AllowSimilar creates one user: each user's audit
	// names the logins it looks like, confirmed.
	AllowSimilar bool
}

// ImportRow is what an import will do with one row of the file.
type ImportRow struct {
	Record ImportRecord
	Action ImportAction
	Login  string // the canonical login; "" when it is not valid
	// Changes are, for an update, the fields that change; for a creation,
	// those that the row gives.
	Changes  ImportField
	Problems []ImportProblem // when Action is ImportError
	Before   *User           // the user as stored, for an update
	// LooksLike are the logins that the row's login or recovery address
	// looks like (UTS #39), imported so because of AllowSimilar.
	LooksLike []string
	// Reissue: the user's temporary password, generated by an import that
	// was interrupted before its hand-out was saved, is in no hand-out;
	// the row gives the user a new one (see pendingHandouts).
	Reissue bool

	name, recovery string // checked
	role           Role
	custom         bool // the row gives the temporary password
	creates        bool // the row's login is new (the row may have errors)
	// lookLogin, lookRecovery: the address was refused as a look-alike;
	// lookProblems counts those refusals among Problems.
	lookLogin, lookRecovery bool
	lookProblems            int
	look                    *rowLook // what judgeRow had of the directory: its keys serve judgeFile
}

// ImportPlan says what an import will do, before it runs: ApplyImport takes
// it back to run it.
type ImportPlan struct {
	Request                              ImportRequest
	At                                   time.Time
	Rows                                 []ImportRow // in file order
	Create, Update, Unchanged, ErrorRows int
	// LookAlike counts the rows that look like other logins: refused for
	// that alone, or, with AllowSimilar, imported nevertheless.
	LookAlike    int
	NewPasswords int // rows that get a new temporary password
	Mailed       int // of which, with Send, mailed to a recovery address
	// Expires is until when the new temporary passwords of an import run
	// now would be valid.
	Expires  time.Time
	settings Settings
	pending  pendingHandouts
}

// Writes reports how many rows the import would write.
func (p *ImportPlan) Writes() int { return p.Create + p.Update }

// ImportOutcome is what an import did with one row that it meant to write.
type ImportOutcome struct {
	Row    int // in the file
	Login  string
	Name   string
	Action ImportAction // ImportCreate or ImportUpdate when done, ImportError when refused
	Reason Message      // why refused
	// Temporary is the new temporary password of the user, returned here
	// once and stored nowhere in plaintext; Sent when it was mailed to the
	// recovery address.
	Temporary  *TemporaryPassword
	Sent       bool
	HasMailbox bool
}

// ImportProgress is reported after each batch.
type ImportProgress struct {
	Done, Total int
	Outcomes    []ImportOutcome
}

// ImportResult sums up an import.
type ImportResult struct {
	ID                                     string // names the import in the audit log ("import 3fa2c1")
	Created, Updated, Unchanged, ErrorRows int
	Refused                                int // rows refused as they were written (the directory changed meanwhile)
	Cancelled                              bool
}

// planWorkers is how many read transactions judge the rows of a plan at
// once: each row costs a few look-ups.
func planWorkers(rows int) int { return max(1, min(runtime.GOMAXPROCS(0), rows/2000)) }

// PlanImport says what importing the records would do, and refuses an
// import that cannot run at all (not an administrator; Send while the
// option or e-mail is off).
func (s *Service) PlanImport(ctx context.Context, actor Actor, r ImportRequest) (ImportPlan, error) {
	p := ImportPlan{Request: r, At: s.now(), Rows: make([]ImportRow, len(r.Records))}
	err := s.store.Read(ctx, func(tx Tx) error {
		st, err := setUpFor(tx, actor)
		if err != nil {
			return err
		}
		if r.Send && !st.AdminPasswordManagement {
			return optionOff()
		}
		if r.Send && !st.SMTP.Configured() {
			return errMailOff()
		}
		p.settings = st
		v, err := tx.SettingValues()
		p.pending = parsePendingHandouts(v[settingHandouts]).live(p.At, st.TemporaryLifetime)
		return err
	})
	if err != nil {
		return p, err
	}
	p.Expires = p.At.Add(p.settings.TemporaryLifetime)
	// The rows are judged in chunks, each in a read transaction of its own,
	// on every core: a preview of Google's 150,000 rows stays short.
	workers := planWorkers(len(r.Records))
	chunk := (len(r.Records) + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*chunk, min(len(r.Records), (w+1)*chunk)
		wg.Go(func() {
			errs[w] = s.store.Read(ctx, func(tx Tx) error {
				for from := lo; from < hi; from += lookChunk {
					if err := ctx.Err(); err != nil {
						return err
					}
					recs := r.Records[from:min(hi, from+lookChunk)]
					looks, err := lookUp(tx, recs)
					if err != nil {
						return err
					}
					for k := range recs {
						row, err := s.judgeRow(tx, actor, &p, recs[k], looks[k])
						if err != nil {
							return err
						}
						p.Rows[from+k] = row
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return p, err
	}
	if err := s.judgeFile(ctx, &p); err != nil {
		return p, err
	}
	for i := range p.Rows {
		row := &p.Rows[i]
		if row.Action == ImportError && row.lookProblems == len(row.Problems) ||
			row.Action != ImportError && len(row.LooksLike) > 0 {
			p.LookAlike++
		}
		switch row.Action {
		case ImportCreate:
			p.Create++
		case ImportUpdate:
			p.Update++
		case ImportUnchanged:
			p.Unchanged++
		default:
			p.ErrorRows++
		}
		if row.Action == ImportCreate || row.Action == ImportUpdate && row.Changes.Has(ImportPassword) {
			p.NewPasswords++
			if r.Send && row.mailTo() != "" {
				p.Mailed++
			}
		}
	}
	return p, nil
}

// Name is the user's name after the import.
func (row *ImportRow) Name() string { return row.name }

// mailTo is the address to which the row's new temporary password would
// be mailed, "" when none.
func (row *ImportRow) mailTo() string {
	if row.Action == ImportUpdate && !row.Changes.Has(ImportRecoveryEmail) {
		return row.Before.RecoveryEmail
	}
	return row.recovery
}

// lookChunk is how many rows' addresses a plan looks up at once.
const lookChunk = 500

// lookLimit is how many users a plan reads under one look-alike key: the
// login itself and enough others to name one.
const lookLimit = 5

// rowLook is what the directory holds for a row's addresses: the users
// found under the look-alike key of its login and of its recovery address.
type rowLook struct {
	login, recovery string // canonical; "" when not valid
	loginErr        error
	logins, similar []User
	// The look-alike keys of login and recovery, by which judgeFile
	// compares the rows with each other.
	loginKey, recoveryKey string
}

// lookUp finds the users under the look-alike keys of the addresses of
// many rows at once, a few queries for them all.
func lookUp(tx Tx, recs []ImportRecord) ([]rowLook, error) {
	looks := make([]rowLook, len(recs))
	var logins, recoveries []string // their look-alike keys
	for i := range recs {
		l := &looks[i]
		if len(recs[i].Problems) > 0 {
			continue
		}
		if l.login, l.loginErr = CheckEmail(recs[i].Login); l.loginErr != nil {
			continue
		}
		l.loginKey = tx.LookAlikeKey(l.login)
		logins = append(logins, l.loginKey)
		if recs[i].Has(ImportRecoveryEmail) {
			if r, err := CheckRecoveryEmail(recs[i].RecoveryEmail, l.login); err == nil && r != "" {
				l.recovery, l.recoveryKey = r, tx.LookAlikeKey(r)
				recoveries = append(recoveries, l.recoveryKey)
			}
		}
	}
	found, err := tx.LookAlikesOf(logins, lookLimit)
	if err != nil {
		return nil, err
	}
	similar, err := tx.LookAlikesOf(recoveries, lookLimit)
	if err != nil {
		return nil, err
	}
	for i := range looks {
		l := &looks[i]
		if l.login != "" {
			l.logins, found = found[0], found[1:]
		}
		if l.recovery != "" {
			l.similar, similar = similar[0], similar[1:]
		}
	}
	return looks, nil
}

// user returns the user whose login is the row's, from those found under
// its look-alike key (or, when they were too many to hold it, the store).
func (l *rowLook) user(tx Tx) (User, error) {
	for _, u := range l.logins {
		if u.Email == l.login { // stored in canonical form
			return u, nil
		}
	}
	for _, u := range l.logins {
		if EmailKey(u.Email) == l.login { // kept from an older version
			return u, nil
		}
	}
	if len(l.logins) < lookLimit {
		return User{}, ErrNoLogin(l.login)
	}
	return tx.UserByEmail(l.login)
}

// judgeRow says what the import would do with one record, inside a read
// transaction, with what the directory holds for its addresses.
func (s *Service) judgeRow(tx Tx, actor Actor, p *ImportPlan, rec ImportRecord, look rowLook) (ImportRow, error) {
	st, allow := p.settings, p.Request.AllowSimilar
	row := ImportRow{Record: rec, Action: ImportError}
	problem := func(f ImportField, err error) {
		e := AsError(err)
		m := e.Message
		for _, r := range e.Reasons { // the policy's reasons: sentences, one after the other
			m = Msg("{{.Message}} {{.Reasons}}", "Message", m, "Reasons", r)
		}
		row.Problems = append(row.Problems, ImportProblem{Row: rec.Row, Column: rec.Columns.of(f), Message: m})
	}
	if len(rec.Problems) > 0 {
		row.Problems = append(row.Problems, rec.Problems...)
		return row, nil
	}
	if look.loginErr != nil {
		problem(0, look.loginErr)
		return row, nil
	}
	row.Login, row.look = look.login, &rowLook{loginKey: look.loginKey, recovery: look.recovery, recoveryKey: look.recoveryKey}
	u, err := look.user(tx)
	switch {
	case CodeOf(err) == ENotFound:
		s.judgeCreate(st, rec, &row, look, allow, problem)
		err = nil
	case err == nil:
		err = s.judgeUpdate(tx, actor, p, rec, &row, u, look, problem)
	}
	if err != nil {
		return row, err
	}
	if len(row.Problems) > 0 {
		row.Action = ImportError
	}
	return row, nil
}

// judgeCreate judges a row whose login is new by the rules of CreateUser.
func (s *Service) judgeCreate(st Settings, rec ImportRecord, row *ImportRow, look rowLook, allow bool, problem func(ImportField, error)) {
	row.Action, row.Changes, row.creates = ImportCreate, rec.Given|ImportPassword, true
	name, err := CheckName(rec.Name)
	if err != nil {
		problem(ImportName, err)
	}
	row.name, row.role = name, RoleEmployee
	if rec.Has(ImportRole) {
		row.role = rec.Role
	}
	if rec.Has(ImportRecoveryEmail) {
		if !st.AdminPasswordManagement {
			problem(ImportRecoveryEmail, optionOff())
		} else if row.recovery = look.recovery; row.recovery == "" { // not valid: why
			if _, err := CheckRecoveryEmail(rec.RecoveryEmail, row.Login); err != nil {
				problem(ImportRecoveryEmail, err)
			}
		}
	}
	if rec.Password != "" {
		s.judgePassword(st, rec, row, problem)
	}
	row.lookAlike(0, row.Login, look.logins, allow)
	if row.recovery != "" {
		row.lookAlike(ImportRecoveryEmail, row.recovery, look.similar, allow)
	}
}

// lookAlike judges the row's login (f 0) or recovery address against the
// users found under its look-alike key (confirmedLookAlikes).
func (row *ImportRow) lookAlike(f ImportField, addr string, found []User, allow bool) {
	logins, err := confirmedLookAlikes(addr, found, allow, nil)
	if err == nil {
		row.LooksLike = append(row.LooksLike, logins...)
		return
	}
	row.refuseLookAlike(f, err)
}

// refuseLookAlike adds the refusal of the row's login (f 0) or recovery
// address as a look-alike.
func (row *ImportRow) refuseLookAlike(f ImportField, err error) {
	if f == 0 {
		row.lookLogin = true
	} else {
		row.lookRecovery = true
	}
	row.lookProblems++
	row.Problems = append(row.Problems, ImportProblem{Row: row.Record.Row, Column: row.Record.Columns.of(f), Message: AsError(err).Message})
}

// judgeFile compares the rows of the file with each other as creating them
// one after another does (createUser, then the user card): a new login, or
// a new recovery address, that looks like the login of a user that a row
// before it creates is refused, naming that row, unless AllowSimilar; so is
// a recovery address that looks like the row's own new login. Logins are
// compared by the store's LookAlikeKey (UTS #39 skeletons).
func (s *Service) judgeFile(ctx context.Context, p *ImportPlan) error {
	allow := p.Request.AllowSimilar
	return s.store.Read(ctx, func(tx Tx) error {
		created := map[string][]int{} // look-alike key → the rows that create a login under it, in file order
		for i := range p.Rows {
			if i%lookChunk == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			row := &p.Rows[i]
			if row.Login == "" || !row.creates && !row.Changes.Has(ImportRecoveryEmail) {
				continue
			}
			key := row.look.loginKey
			if row.creates && !row.lookLogin {
				if j := firstOther(p.Rows, created[key], row.Login); j >= 0 {
					row.fileLookAlike(0, row.Login, &p.Rows[j], allow)
				}
			}
			if r := row.recovery; r != "" && !row.lookRecovery && (row.creates || row.Changes.Has(ImportRecoveryEmail)) {
				rkey := row.look.recoveryKey
				if r != row.look.recovery {
					rkey = tx.LookAlikeKey(r)
				}
				if j := firstOther(p.Rows, created[rkey], r); j >= 0 {
					row.fileLookAlike(ImportRecoveryEmail, r, &p.Rows[j], allow)
				} else if row.creates && rkey == key && r != row.Login {
					row.fileLookAlike(ImportRecoveryEmail, r, row, allow)
				}
			}
			if len(row.Problems) > 0 {
				row.Action = ImportError
			} else if row.creates {
				created[key] = append(created[key], i)
			}
		}
		return nil
	})
}

// firstOther returns the first of the rows whose login is not addr, -1
// when none.
func firstOther(rows []ImportRow, of []int, addr string) int {
	for _, j := range of {
		if rows[j].Login != addr {
			return j
		}
	}
	return -1
}

// fileLookAlike refuses an address of the row (its login, f 0, or its
// recovery address) that looks like the new login of row other (of the
// same file, or itself), unless allow: then it notes the login.
func (row *ImportRow) fileLookAlike(f ImportField, addr string, other *ImportRow, allow bool) {
	if allow {
		row.LooksLike = append(row.LooksLike, other.Login)
		return
	}
	m := Msg("{{.Email}} looks like the login {{.Other}} of row {{.Row}}: a person could not tell them apart. Check the address, or confirm that it is right.",
		"Email", addr, "Other", other.Login, "Row", other.Record.Row)
	if other == row {
		m = Msg("{{.Email}} looks like the row's own login {{.Other}}: a person could not tell them apart. Check the address, or confirm that it is right.",
			"Email", addr, "Other", other.Login)
	}
	row.refuseLookAlike(f, &Error{Code: ELookAlike, Message: m})
}

// judgePassword judges the temporary password that a row gives, by the
// rules of a typed one.
func (s *Service) judgePassword(st Settings, rec ImportRecord, row *ImportRow, problem func(ImportField, error)) {
	switch {
	case !st.AdminPasswordManagement:
		problem(ImportPassword, optionOff())
	case !st.CustomTemporaryAllowed:
		problem(ImportPassword, Errorf(EForbidden, "Typed temporary passwords are not allowed by the settings: leave the password empty to have one generated."))
	default:
		c := PolicyContext{Login: row.Login, Name: row.name, Company: st.CompanyName}
		if a := s.policy(st).Assess(rec.Password, c); !a.OK() {
			problem(ImportPassword, rejected(a.Reasons))
		}
		row.custom = true
	}
}

// judgeUpdate compares a row with the user who has its login, field by
// field, by the rules of the user card.
func (s *Service) judgeUpdate(tx Tx, actor Actor, p *ImportPlan, rec ImportRecord, row *ImportRow, u User, look rowLook, problem func(ImportField, error)) error {
	st, now, allow := p.settings, p.At, p.Request.AllowSimilar
	row.Before, row.name, row.role, row.recovery = &u, u.Name, u.Role, u.RecoveryEmail
	if rec.Has(ImportName) {
		if name, err := CheckName(rec.Name); err != nil {
			problem(ImportName, err)
		} else if name != u.Name {
			row.name, row.Changes = name, row.Changes|ImportName
		}
	}
	if rec.Has(ImportMailbox) && rec.HasMailbox != u.HasMailbox {
		row.Changes |= ImportMailbox
	}
	if rec.Has(ImportRole) && rec.Role != u.Role {
		row.role, row.Changes = rec.Role, row.Changes|ImportRole
		if err := mayDemote(tx, u); err != nil {
			if CodeOf(err) != EForbidden {
				return err
			}
			problem(ImportRole, err)
		}
	}
	if rec.Has(ImportDisabled) && rec.Disabled != u.Disabled {
		row.Changes |= ImportDisabled
		if rec.Disabled {
			if err := mayDisable(tx, actor, u); err != nil {
				if CodeOf(err) != EForbidden {
					return err
				}
				problem(ImportDisabled, err)
			}
		}
	}
	if rec.Has(ImportRecoveryEmail) {
		r, err := CheckRecoveryEmail(rec.RecoveryEmail, u.Email)
		switch {
		case err != nil:
			problem(ImportRecoveryEmail, err)
		case r == u.RecoveryEmail:
		case !st.AdminPasswordManagement:
			problem(ImportRecoveryEmail, optionOff())
		default:
			row.recovery, row.Changes = r, row.Changes|ImportRecoveryEmail
			row.lookAlike(ImportRecoveryEmail, r, look.similar, allow)
		}
	}
	if rec.Has(ImportPassword) && !s.samePassword(rec, u, now) {
		row.Changes |= ImportPassword
		if rec.Password != "" {
			s.judgePassword(st, rec, row, problem)
		} else if !st.AdminPasswordManagement {
			problem(ImportPassword, optionOff())
		}
	}
	if !row.Changes.Has(ImportPassword) && st.AdminPasswordManagement && len(p.pending) > 0 && u.State(now) == StateTemporary {
		lost, err := p.pending.holds(tx, u)
		if err != nil {
			return err
		}
		if lost {
			row.Changes |= ImportPassword
			row.Reissue = true
		}
	}
	if row.Changes == 0 {
		row.Action = ImportUnchanged
	} else {
		row.Action = ImportUpdate
	}
	return nil
}

// samePassword reports whether the new temporary password that a row asks
// for is there already, so that importing the same file again changes
// nothing: the password given is the user's temporary one; or, asked to be
// generated, the user has a temporary password not yet used nor expired.
func (s *Service) samePassword(rec ImportRecord, u User, now time.Time) bool {
	if u.State(now) != StateTemporary {
		return false
	}
	if rec.Password == "" {
		return true
	}
	return s.hasher.Verify(u.PasswordHash, NormalizePassword(rec.Password))
}

// importBatch is how many rows one transaction of an import writes.
func importBatch() int { return 16 * runtime.GOMAXPROCS(0) }

// ApplyImport writes the rows of a plan made by PlanImport that create or
// update users, in batches of one transaction each, each row's rules
// checked again as it is written; progress (may be nil) is called after
// each batch, from the caller's goroutine, with the new temporary passwords
// of the batch (returned there only). Cancelling ctx stops after the batch
// under way. Each user's changes are audited as the user card audits them,
// naming the import, and the import itself once, also when it has nothing
// to do.
func (s *Service) ApplyImport(ctx context.Context, actor Actor, plan ImportPlan, progress func(ImportProgress)) (ImportResult, error) {
	id := make([]byte, 3)
	if _, err := rand.Read(id); err != nil {
		return ImportResult{}, Internal(err)
	}
	hexID := hex.EncodeToString(id)
	res := ImportResult{ID: detail(detailImportNote, "ID", hexID), Unchanged: plan.Unchanged, ErrorRows: plan.ErrorRows}
	var todo []int // the plan's rows to write
	for i := range plan.Rows {
		if a := plan.Rows[i].Action; a == ImportCreate || a == ImportUpdate {
			todo = append(todo, i)
		}
	}
	run := importRun{s: s, actor: actor, plan: &plan, note: res.ID, handout: plan.NewPasswords > plan.Mailed}
	size, pos, done := importBatch(), 0, 0
	var runErr error
	if len(todo) > 0 {
		runErr = run.drain(ctx, s, true, func(context.Context) (*batch, error) {
			b := run.next(todo[pos:min(len(todo), pos+size)])
			pos = min(len(todo), pos+size)
			return b, nil
		}, func(ctx context.Context, b *batch) error {
			outcomes, err := run.write(ctx, b)
			if err != nil {
				return err
			}
			for _, o := range outcomes {
				switch o.Action {
				case ImportCreate:
					res.Created++
				case ImportUpdate:
					res.Updated++
				default:
					res.Refused++
				}
			}
			done += len(outcomes)
			if progress != nil {
				progress(ImportProgress{Done: done, Total: len(todo), Outcomes: outcomes})
			}
			return nil
		})
	}
	res.Cancelled = runErr == nil && ctx.Err() != nil
	file := plan.Request.FileName
	parts := []string{detail(detailImport, "ID", hexID, "File", file, "N", len(plan.Rows)),
		detail(detailImportOutcome, "Created", res.Created, "Updated", res.Updated, "Unchanged", res.Unchanged, "Errors", res.ErrorRows)}
	switch {
	case len(todo) == 0:
		parts = []string{detail(detailImportNothing, "ID", hexID, "File", file),
			detail(detailImportUnchanged, "Unchanged", res.Unchanged, "Errors", res.ErrorRows)}
	case res.Refused > 0:
		parts[1] = detail(detailImportRefused, "Created", res.Created, "Updated", res.Updated, "Unchanged", res.Unchanged,
			"Errors", res.ErrorRows, "Refused", res.Refused)
	}
	details := joinDetails(append(parts, stopDetails(res.Cancelled, runErr != nil)...)...)
	if err := s.store.Write(context.WithoutCancel(ctx), func(tx Tx) error {
		return tx.AddAudit(AuditEvent{At: s.now(), Actor: actor.Name, Action: ActionImport, Details: details})
	}); err != nil && runErr == nil {
		runErr = err
	}
	if res.Created+res.Updated > 0 {
		s.deliverQueued(context.WithoutCancel(ctx))
	}
	return res, runErr
}

// importRun is an import under way.
type importRun struct {
	pipeline
	s     *Service
	actor Actor
	plan  *ImportPlan
	note  string
	// handout: new temporary passwords are to be handed out; noted: the
	// import is noted among the pending hand-outs.
	handout, noted bool
}

// next makes the batch of the plan's rows given: the users as they will
// be, with the passwords to hash.
func (r *importRun) next(rows []int) *batch {
	b := &batch{rows: rows, users: make([]User, len(rows)), given: make([]string, len(rows))}
	for k, i := range rows {
		row := &r.plan.Rows[i]
		b.users[k] = User{Email: row.Login, Name: row.name}
		if row.Action == ImportCreate || row.Changes.Has(ImportPassword) {
			b.todo = append(b.todo, k)
			if row.custom {
				b.given[k] = row.Record.Password
			}
		}
	}
	return b
}

// refusedRow is a row that its rules refused inside a batch's
// transaction: the batch is written again without it.
type refusedRow struct {
	k   int
	err error
}

func (e *refusedRow) Error() string { return e.err.Error() }

// write writes a batch in one transaction. A row that its rules refuse now
// (the directory changed since the plan) rolls the transaction back, and
// the batch is written again without it: what one row had written is never
// kept.
func (r *importRun) write(ctx context.Context, b *batch) ([]ImportOutcome, error) {
	refused := map[int]Message{}
	for {
		outcomes, err := r.writeOnce(ctx, b, refused)
		var rr *refusedRow
		if !errors.As(err, &rr) {
			return outcomes, err
		}
		refused[rr.k] = AsError(rr.err).Message
	}
}

func (r *importRun) writeOnce(ctx context.Context, b *batch, refused map[int]Message) ([]ImportOutcome, error) {
	now := r.s.now()
	var outcomes []ImportOutcome
	err := r.s.store.Write(ctx, func(tx Tx) error {
		outcomes = outcomes[:0]
		if err := requireAdmin(tx, r.actor); err != nil {
			return err
		}
		st, err := loadSettings(tx)
		if err != nil {
			return err
		}
		if r.handout && !r.noted {
			if err := notePendingHandout(tx, r.note, now, st.TemporaryLifetime); err != nil {
				return err
			}
		}
		for k, i := range b.rows {
			row := &r.plan.Rows[i]
			o := ImportOutcome{Row: row.Record.Row, Login: row.Login, Name: row.name, Action: row.Action}
			if m, ok := refused[k]; ok {
				o.Action, o.Reason = ImportError, m
				outcomes = append(outcomes, o)
				continue
			}
			err := r.writeRow(tx, st, row, b, k, now, &o)
			if err != nil {
				if c := CodeOf(err); c == EInternal || c == "" {
					return err
				}
				return &refusedRow{k: k, err: err}
			}
			outcomes = append(outcomes, o)
		}
		return nil
	})
	if err == nil && r.handout {
		r.noted = true
	}
	return outcomes, err
}

// send reports whether the row's new password is mailed: with Send, when
// the user has a recovery address.
func (r *importRun) send(recovery string) bool { return r.plan.Request.Send && recovery != "" }

// writeRow creates or updates the user of one row.
func (r *importRun) writeRow(tx Tx, st Settings, row *ImportRow, b *batch, k int, now time.Time, o *ImportOutcome) error {
	plain, hash := b.plain[k], b.hashes[k]
	rec := &row.Record
	if row.Action == ImportCreate {
		if row.custom && !st.CustomTemporaryAllowed || (row.recovery != "" || row.custom || r.plan.Request.Send) && !st.AdminPasswordManagement {
			return optionOff()
		}
		if _, err := tx.UserByEmail(row.Login); err == nil {
			return Errorf(EConflict, "The login {{.Email}} was created meanwhile: import the file again to update it.", "Email", row.Login)
		} else if CodeOf(err) != ENotFound {
			return err
		}
		u := User{Email: row.Login, Name: row.name, Role: row.role, HasMailbox: !rec.Has(ImportMailbox) || rec.HasMailbox,
			RecoveryEmail: row.recovery, Disabled: rec.Has(ImportDisabled) && rec.Disabled,
			PasswordHash: hash, PasswordTemporary: true, CreatedAt: now, UpdatedAt: now, UpdatedBy: r.actor.Name}
		send, note := r.send(u.RecoveryEmail), r.note
		if u.Disabled {
			note = joinDetails(detailDisabled, note)
		}
		if err := createUser(tx, st, r.actor, &u, plain, row.custom, send, r.plan.Request.AllowSimilar, now, note); err != nil {
			return err
		}
		o.Temporary, o.Sent, o.HasMailbox = &TemporaryPassword{Plaintext: plain, ExpiresAt: u.TemporaryExpiresAt}, send, u.HasMailbox
		return nil
	}
	u, err := tx.UserByID(row.Before.ID)
	if err != nil {
		return err
	}
	if u.Version != row.Before.Version {
		// Changed since the preview: what the preview said is no longer
		// what the import would do.
		return ChangedElsewhere(u)
	}
	var in checkedChange
	var ch UserChange
	if row.Changes.Has(ImportName) {
		in.name, ch.Name = &row.name, &row.name
	}
	if row.Changes.Has(ImportRole) {
		in.role, ch.Role = &row.role, &row.role
	}
	if row.Changes.Has(ImportMailbox) {
		ch.HasMailbox = &rec.HasMailbox
	}
	if row.Changes.Has(ImportDisabled) {
		ch.Disabled = &rec.Disabled
	}
	if row.Changes.Has(ImportRecoveryEmail) {
		ch.RecoveryEmail, ch.AllowSimilar = &row.recovery, r.plan.Request.AllowSimilar
	}
	if row.Changes.Has(ImportPassword) {
		if !st.AdminPasswordManagement || row.custom && !st.CustomTemporaryAllowed {
			return optionOff()
		}
		in.hash, ch.TemporaryPassword, ch.Custom = hash, &plain, row.custom
		ch.SendToRecovery = r.send(row.mailTo())
	}
	if ch.RecoveryEmail != nil && !st.AdminPasswordManagement {
		return optionOff()
	}
	res, err := applyChange(tx, st, r.actor, u, in, ch, now, r.note)
	if err != nil {
		return err
	}
	o.Temporary, o.Sent, o.HasMailbox = res.Temporary, ch.SendToRecovery, res.User.HasMailbox
	return nil
}

// ImportDetail describes the changes of an update for a person: "name,
// role".
func ImportDetail(f ImportField, write func(Message) string) string {
	var parts []string
	for _, g := range ImportFields {
		if f.Has(g) {
			parts = append(parts, write(g.Message()))
		}
	}
	return strings.Join(parts, ", ")
}

// The hand-out after an interruption. An import whose new temporary
// passwords are to be handed out notes its ID among the pending hand-outs
// (a setting) in the transaction of its first batch, and the caller
// forgets it once the hand-out is saved (HandoutSaved). Killed before, the
// users that it wrote have temporary passwords that no hand-out holds:
// importing the file again gives each of them, while that password is
// unused and valid, a new temporary password, in the new hand-out. A
// password mailed to a recovery address, or typed in the file, is not
// reissued: it is known already.

// settingHandouts is the setting of the pending hand-outs: one import a
// line, its ID and when it started (Unix nanoseconds), tab separated.
const settingHandouts = "import.pending_handouts"

// pendingHandouts are the imports whose hand-out was not saved, by ID
// ("import 3fa2c1"), with when each started.
type pendingHandouts map[string]time.Time

func parsePendingHandouts(v string) pendingHandouts {
	p := pendingHandouts{}
	for line := range strings.Lines(v) {
		id, at, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		if n, err := strconv.ParseInt(at, 10, 64); ok && err == nil {
			p[id] = time.Unix(0, n)
		}
	}
	return p
}

func (p pendingHandouts) String() string {
	ids := slices.Sorted(maps.Keys(p))
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "%s\t%d\n", id, p[id].UnixNano())
	}
	return b.String()
}

// live leaves out the imports whose passwords have all expired at now.
func (p pendingHandouts) live(now time.Time, lifetime time.Duration) pendingHandouts {
	maps.DeleteFunc(p, func(_ string, at time.Time) bool { return at.Add(lifetime).Before(now) })
	return p
}

// notePendingHandout notes the import id, started at now, among the
// pending hand-outs, inside the transaction of its first batch.
func notePendingHandout(tx Tx, id string, now time.Time, lifetime time.Duration) error {
	v, err := tx.SettingValues()
	if err != nil {
		return err
	}
	p := parsePendingHandouts(v[settingHandouts]).live(now, lifetime)
	p[id] = now
	return tx.PutSetting(settingHandouts, p.String())
}

// HandoutSaved records that the new temporary passwords of the import id
// (ImportResult.ID) are saved in a hand-out, or shown: importing the file
// again no longer reissues them. Call it once the hand-out is written and
// synced.
func (s *Service) HandoutSaved(ctx context.Context, actor Actor, id string) error {
	return s.store.Write(ctx, func(tx Tx) error {
		if err := requireAdmin(tx, actor); err != nil {
			return err
		}
		v, err := tx.SettingValues()
		if err != nil {
			return err
		}
		p := parsePendingHandouts(v[settingHandouts])
		if _, ok := p[id]; !ok {
			return nil
		}
		delete(p, id)
		return tx.PutSetting(settingHandouts, p.String())
	})
}

// handoutPages bounds how many pages of the user's audit events holds
// reads to find the one that set the password in place.
const handoutPages, handoutPage = 4, 50

// holds reports whether u's temporary password is one that a pending
// import generated and did not mail: the last event of the audit log that
// set u's password says so.
func (p pendingHandouts) holds(tx Tx, u User) (bool, error) {
	started := time.Time{}
	for _, at := range p {
		if started.IsZero() || at.Before(started) {
			started = at
		}
	}
	if u.UpdatedAt.Before(started) { // set before any of them started
		return false, nil
	}
	q := AuditQuery{Subject: u.Email, Limit: handoutPage}
	for range handoutPages {
		events, err := tx.ListAudit(q)
		if err != nil {
			return false, err
		}
		for _, e := range events {
			if EmailKey(e.Subject) != EmailKey(u.Email) {
				continue
			}
			switch e.Action {
			case ActionUserCreate, ActionTemporaryGenerate:
				return p.generatedBy(e.Details), nil
			case ActionTemporaryCustom, ActionPasswordChange, ActionSetup:
				return false, nil
			}
		}
		if len(events) < handoutPage {
			break
		}
		q.BeforeID = events[len(events)-1].ID
	}
	return false, nil
}

// generatedBy reports whether the details of a password's event say that
// a pending import generated it, not mailed.
func (p pendingHandouts) generatedBy(details string) bool {
	generated, pending := false, false
	for part := range strings.SplitSeq(details, "; ") {
		switch {
		case strings.HasPrefix(part, "sent to "):
			return false
		case strings.HasPrefix(part, "temporary password generated"):
			generated = true
		}
		if _, ok := p[part]; ok {
			pending = true
		}
	}
	return generated && pending
}
