package app

import (
	"context"
	"strings"
	"time"
)

// Store keeps Sésame's data. Each use case of the domain runs in one
// transaction: Read for what only looks, Write for what changes anything.
// The function's error rolls the transaction back and is returned as it is.
//
// Transactions are serializable: whatever runs at the same time, in this
// process or on another workstation, each one sees and leaves the data as
// if it ran alone. A store may run fn again, in a new transaction, when it
// collided with another one (a server database does after a serialization
// failure): fn must therefore set, not accumulate, what it hands back
// through variables outside it.
type Store interface {
	Read(ctx context.Context, fn func(Tx) error) error
	Write(ctx context.Context, fn func(Tx) error) error
}

// Tx is what the domain may do inside one transaction.
//
// Lookups of a missing row return an *Error with code ENotFound. Users read
// through Tx have LockedUntil filled from the throttling state of their
// login, and HasLookAlike from the logins of the other users.
//
// Stores keep each user's login under EmailKey (unique) and under
// LookAlikeKey (indexed), which they compute themselves.
type Tx interface {
	UserByEmail(email string) (User, error) // compared by EmailKey
	UserByID(id int64) (User, error)
	// CreateUser stores u and sets its ID, and its Version to 1; a login
	// already taken gives EConflict.
	CreateUser(u *User) error
	// UpdateUser stores every field of u (found by ID) and adds one to its
	// Version, in u too. A u whose Version is not the stored one (read
	// before another change) gives EStale and changes nothing.
	UpdateUser(u *User) error
	// HasUsers reports whether there is any user, at a cost that does
	// not grow with their number.
	HasUsers() (bool, error)
	// ActiveAdmins lists up to limit of the administrators who are not
	// disabled, in name order.
	ActiveAdmins(limit int) ([]User, error)
	// CountActiveAdmins counts the administrators who are not disabled,
	// stopping at atMost.
	CountActiveAdmins(atMost int) (int, error)
	// LookAlikes lists up to limit users other than exceptID whose login
	// has the LookAlikeKey of email, in name order.
	LookAlikes(email string, exceptID int64, limit int) ([]User, error)
	// LookAlikeKey is the key under which the store files the login email
	// (LookAlikeKey with the data of Unicode's confusables.txt).
	LookAlikeKey(email string) string
	// LookAlikesOf is LookAlikes, no user excepted, for many addresses at
	// once (an import's rows), given by their keys (LookAlikeKey, which an
	// import also compares its rows with): for each key, up to limit users
	// whose login has it (the address's very login included), in name
	// order, in a few queries whatever their number.
	LookAlikesOf(keys []string, limit int) ([][]User, error)
	// SearchUsers returns one page of the users whose SearchText contains
	// SearchFragment(q.Text), in name order (SortKey, then ID).
	SearchUsers(q UserQuery) (UserPage, error)
	// CountMatching counts the users that SearchUsers would find for
	// text, stopping at atMost.
	CountMatching(text string, atMost int) (int, error)

	// The directory (see userlist.go). Each holds to UserSet.Holds and
	// CompareUsers, whatever the size of the directory: the window calls
	// them on every keystroke and scroll.

	// ListUsers returns up to limit users of the set, from position offset
	// (0 is the first) of the order, whose column is a key column
	// (SortColumn.IsKey).
	ListUsers(s UserSet, o UserSort, offset, limit int) ([]User, error)
	// CountCells counts the users of the set in each cell; the cells
	// outside s.Cells count 0.
	CountCells(s UserSet) (CellCounts, error)
	// UsersAfter returns up to limit users of the set whose ID is above
	// after, by ID: a walk through a set that the walker changes.
	UsersAfter(s UserSet, after int64, limit int) ([]User, error)
	// NextChange returns the first time after now at which a user's cell
	// changes with no write: a lock ends (a login's, whether or not an
	// account has it) or a temporary password expires; zero when none
	// will. Two index reads, whatever the number of users.
	NextChange(now time.Time) (time.Time, error)

	// PasswordHistory returns the user's previous password hashes, own and
	// temporary, newest first: up to limit of each kind.
	PasswordHistory(userID int64, limit int) ([]PasswordHistoryEntry, error)
	// AddPasswordHistory records a hash, own or temporary, and keeps only
	// the newest keep entries of that kind: temporary passwords never push
	// the user's own out of the history.
	AddPasswordHistory(userID int64, hash string, at time.Time, temporary bool, keep int) error

	// Throttle returns the failure record of a login key (zero when none).
	Throttle(key string) (Throttle, error)
	PutThrottle(t Throttle) error
	ClearThrottle(key string) error
	// PurgeThrottle deletes the records whose last failure is before the
	// time given and whose lock, if any, has ended by then, and returns
	// those of them that counted refused attempts (Refused > 0).
	PurgeThrottle(before time.Time) ([]Throttle, error)

	// SettingValues returns the stored settings, key → value.
	SettingValues() (map[string]string, error)
	PutSetting(key, value string) error

	AddAudit(e AuditEvent) error
	ListAudit(q AuditQuery) ([]AuditEvent, error)

	MailTx
}

// MailTx is the part of a transaction that keeps the outbox and the
// recovery codes.
type MailTx interface {
	// EnqueueMail stores a new outbox message and sets its ID.
	EnqueueMail(m *OutboxMessage) error
	// DueMail returns the messages to send at now: queued or failed ones
	// whose NextAttemptAt has come, and sending ones whose claim has run
	// out; oldest first.
	DueMail(now time.Time, limit int) ([]OutboxMessage, error)
	// UpdateMail stores every field of m (found by ID).
	UpdateMail(m *OutboxMessage) error
	ListMail(q MailQuery) ([]OutboxMessage, error)
	MailCounts() (MailCounts, error)

	// RecoveryCode returns the user's pending code (ENotFound when none).
	RecoveryCode(userID int64) (RecoveryCode, error)
	// PutRecoveryCode stores the user's code, replacing any other.
	PutRecoveryCode(c RecoveryCode) error
	DeleteRecoveryCode(userID int64) error
	// RecoveryCodesSent counts the codes sent for the user since a time
	// and gives when the last of them was sent (zero when none).
	RecoveryCodesSent(userID int64, since time.Time) (int, time.Time, error)
	// NoteRecoveryCodeSent records that a code was sent for the user at a
	// time, and forgets those sent more than a day before it.
	NoteRecoveryCodeSent(userID int64, at time.Time) error
}

// UserQuery asks for one page of a user search.
type UserQuery struct {
	Text  string // a fragment of name, login or recovery e-mail; "" for all
	Limit int    // page size; 50 when 0
	// After continues a previous page: the Cursor of its last row.
	After Cursor
}

// Cursor marks a place in name order.
type Cursor struct {
	SortKey string
	ID      int64
}

// UserPage is one page of search results.
type UserPage struct {
	Users []User
	Next  Cursor // the cursor of the last row, for the next page
	More  bool   // whether another page follows
}

// PageOf makes the page of a search from up to limit+1 users found in name
// order and their sort keys: the first limit, and whether more follow.
func PageOf(users []User, sortKeys []string, limit int) UserPage {
	page := UserPage{Users: users}
	if len(users) > limit {
		page.Users, page.More = users[:limit], true
	}
	if n := len(page.Users); n > 0 {
		page.Next = Cursor{SortKey: sortKeys[n-1], ID: page.Users[n-1].ID}
	}
	return page
}

// SortKey is the key by which users are listed: folded name (words kept
// apart), then login. Stores compare sort keys byte by byte.
func SortKey(u *User) string { return Fold(u.Name) + "\x00" + EmailKey(u.Email) }

// SearchText is what a user search looks in: the name, login and recovery
// e-mail, each folded by FoldForSearch, separated by spaces (which a folded
// query never holds, so that a match never spans two of them), with what no
// index can hold (NUL, invalid UTF-8) taken out. A user matches a query
// when SearchFragment(query) is a substring of it.
func SearchText(u *User) string {
	return searchable(FoldForSearch(u.Name) + " " + FoldForSearch(u.Email) + " " + FoldForSearch(u.RecoveryEmail))
}

// SearchFragment is the form of a query that SearchText is searched for;
// "" lists every user.
func SearchFragment(query string) string { return searchable(FoldForSearch(query)) }

// AuditKey is the form under which the audit log's actor and subject are
// filtered: an AuditQuery.Subject matches an event when AuditKey(Subject)
// is a substring of AuditKey of its actor or of its subject.
func AuditKey(email string) string { return searchable(EmailKey(email)) }

// searchable replaces invalid UTF-8 and drops NUL.
func searchable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// Throttle counts a login's consecutive failed sign-ins, whether or not an
// account has that login. Failures include the password checks under way:
// each is counted before the check and given back when right. Two other
// kinds of count share the table, under keys that no login can have (a
// colon is not allowed in one): the recovery codes sent to a mailbox
// (mailboxKey), and the events counted rather than audited one by one
// (tallyPrefix); stores keep them as they keep the others.
type Throttle struct {
	Key         string // the account's EmailKey; for text that names no account, see throttleKey
	Failures    int
	LockedUntil time.Time
	LastFailure time.Time
	// Refused counts the attempts refused during the current lock, which
	// the audit log records as one event when the lock is over.
	Refused int
}

// AuditEvent records something that happened: who did what to whom, when.
// Details never hold a password or a hash.
type AuditEvent struct {
	ID      int64
	At      time.Time
	Actor   string // the e-mail of the user who acted, or "system:<os user>" for the command line
	Subject string // the e-mail concerned, "" when none
	Action  string
	Details string
}

// AuditQuery filters the audit log; results are newest first.
type AuditQuery struct {
	Subject  string // a fragment of the actor or subject e-mail (see AuditKey), "" for all
	Action   string // exact action, "" for all
	Limit    int    // 100 when 0
	BeforeID int64  // only events older than this one, 0 for the newest
}

// AuditActions lists every audit action, for filters.
func AuditActions() []string {
	return []string{ActionSetup, ActionUserCreate, ActionUserRename, ActionUserRole, ActionUserMailbox,
		ActionUserDisable, ActionUserEnable, ActionUserUnlock, ActionRecoverySet, ActionRecoveryClear,
		ActionTemporaryGenerate, ActionTemporaryCustom, ActionPasswordChange, ActionSignIn,
		ActionSignInFailure, ActionSignInLocked, ActionSettingChange, ActionRecoveryRequest,
		ActionRecoveryFailure, ActionMailTest, ActionSignInRefused, ActionLoginCollision, ActionLoginAtFault, ActionBulk, ActionImport}
}

// Audit actions.
const (
	ActionSetup             = "setup"
	ActionUserCreate        = "user.create"
	ActionUserRename        = "user.rename"
	ActionUserRole          = "user.role"
	ActionUserMailbox       = "user.mailbox"
	ActionUserDisable       = "user.disable"
	ActionUserEnable        = "user.enable"
	ActionUserUnlock        = "user.unlock"
	ActionRecoverySet       = "recovery.set"
	ActionRecoveryClear     = "recovery.clear"
	ActionTemporaryGenerate = "password.temporary.generated"
	ActionTemporaryCustom   = "password.temporary.custom"
	ActionPasswordChange    = "password.change"
	ActionSignIn            = "signin.success"
	ActionSignInFailure     = "signin.failure"
	ActionSignInLocked      = "signin.locked"
	ActionSettingChange     = "settings.change"
	ActionRecoveryRequest   = "recovery.code_requested"
	ActionRecoveryFailure   = "recovery.code_refused"
	ActionMailTest          = "mail.test"
	// ActionSignInRefused sums up the attempts refused during one lock.
	ActionSignInRefused = "signin.refused_while_locked"
	// ActionLoginCollision reports two logins of an older database that
	// are one login under the rules of CheckEmail: neither is merged.
	ActionLoginCollision = "user.login_collision"
	// ActionLoginAtFault reports a login of an older database that does not
	// follow the rules of CheckEmail: it is kept, and marked.
	ActionLoginAtFault = "user.login_at_fault"
	// ActionBulk sums up a bulk action; each user it changed has its own
	// events, whose details name it.
	ActionBulk = "bulk"
	// ActionImport sums up an import of a file of users (its name, the
	// counts); each user it created or changed has its own events, whose
	// details name it.
	ActionImport = "import"
)
