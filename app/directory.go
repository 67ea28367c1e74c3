package app

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// PasswordHistoryEntry is one previous password hash of a user, as stored.
type PasswordHistoryEntry struct {
	ID        int64
	UserID    int64
	Hash      string
	At        time.Time
	Temporary bool // the hash of a temporary password
}

// RecoverySend records that a recovery code was sent for a user, for the
// limits on codes a day (see RecoveryCodesSent).
type RecoverySend struct {
	ID     int64
	UserID int64
	SentAt time.Time
}

// DirectoryCounts counts the rows of each table of a directory.
type DirectoryCounts struct {
	Settings, Users, PasswordHistory, Throttle, Audit, Outbox, RecoveryCodes, RecoverySends int
}

// DirectoryWriter takes the rows of a whole directory as they are stored:
// table by table in the order of these methods, each table in the order
// of its IDs (settings and throttling by key, recovery codes by user).
type DirectoryWriter interface {
	Setting(key, value string) error
	User(u User) error // without LockedUntil and HasLookAlike, which reads join
	PasswordHistory(h PasswordHistoryEntry) error
	Throttle(t Throttle) error
	Audit(e AuditEvent) error
	Mail(m OutboxMessage) error
	RecoveryCode(c RecoveryCode) error
	RecoverySend(r RecoverySend) error
}

// Archive is a store whose whole directory can be copied out of it and into
// another store exactly: IDs, times, hashes, throttling, the audit log, the
// outbox and the recovery codes as they are. What a store derives from
// them (search and look-alike keys) it makes again. It is no use case: no rule of the domain is
// applied and nothing is audited (sesame db copy).
type Archive interface {
	// Export hands every row to w, read in one consistent snapshot, and
	// returns how many of each table it handed.
	Export(ctx context.Context, w DirectoryWriter) (DirectoryCounts, error)
	// Import runs fill in one write transaction with a DirectoryWriter that
	// stores rows as they are, and commits only if fill succeeds and the
	// tables then hold exactly the counts fill returns (see CheckCopied).
	// It refuses a store that holds anything already (EConflict).
	Import(ctx context.Context, fill func(DirectoryWriter) (DirectoryCounts, error)) error
	// Counts counts the rows of each table.
	Counts(ctx context.Context) (DirectoryCounts, error)
}

// CopyDirectory copies the whole directory of from into to, which must be
// empty, in one transaction of to; the counts of every table are checked
// before it commits and once more after. It returns the counts copied.
func CopyDirectory(ctx context.Context, from, to Archive) (DirectoryCounts, error) {
	var read DirectoryCounts
	err := to.Import(ctx, func(w DirectoryWriter) (DirectoryCounts, error) {
		var err error
		read, err = from.Export(ctx, w)
		return read, err
	})
	if err != nil {
		return DirectoryCounts{}, err
	}
	got, err := to.Counts(ctx)
	if err != nil {
		return DirectoryCounts{}, err
	}
	if err := CheckCopied(read, got); err != nil {
		return DirectoryCounts{}, err
	}
	return read, nil
}

// CheckCopied compares the rows read from a directory with those that its
// copy holds, table by table.
func CheckCopied(read, copied DirectoryCounts) error {
	for _, t := range []struct {
		name       string
		read, have int
	}{
		{"settings", read.Settings, copied.Settings},
		{"users", read.Users, copied.Users},
		{"password history", read.PasswordHistory, copied.PasswordHistory},
		{"throttling", read.Throttle, copied.Throttle},
		{"audit log", read.Audit, copied.Audit},
		{"outbox", read.Outbox, copied.Outbox},
		{"recovery codes", read.RecoveryCodes, copied.RecoveryCodes},
		{"recovery codes sent", read.RecoverySends, copied.RecoverySends},
	} {
		if t.read != t.have {
			return Errorf(EInternal, "The copy does not match the original: {{.Table}} holds {{.Copied}} rows where {{.Read}} were read.",
				"Table", t.name, "Copied", t.have, "Read", t.read)
		}
	}
	return nil
}

// ErrNotEmpty is the error of a copy into a store that holds data already.
func ErrNotEmpty() *Error {
	return Errorf(EConflict, "The target database is not empty: a directory is only copied into an empty one.")
}

// ErrNoLogin is a store's error for a login that no user has.
func ErrNoLogin(email string) *Error {
	return Errorf(ENotFound, "No user has the login {{.Email}}.", "Email", strings.TrimSpace(email))
}

// ErrNoUser is a store's error for a user ID that no user has.
func ErrNoUser(id int64) *Error {
	return Errorf(ENotFound, "No user has the number {{.ID}}.", "ID", id)
}

// ErrLoginTaken is a store's error for a login that another user has,
// compared by EmailKey.
func ErrLoginTaken(email string) *Error {
	return Errorf(EConflict, "A user with the login {{.Email}} already exists.", "Email", strings.TrimSpace(email))
}

// ErrStale is a store's error for an UpdateUser whose Version is no
// longer the stored one.
func ErrStale(email string) *Error {
	return Errorf(EStale, "The user {{.Email}} was changed meanwhile: nothing was saved. Read it again before changing it.", "Email", strings.TrimSpace(email))
}

// CheckStoredUser refuses, as invalid, a user that no store keeps: an
// empty login, a time out of range (CheckStoredTimes).
func CheckStoredUser(u *User) error {
	if EmailKey(u.Email) == "" {
		return Errorf(EInvalid, "The e-mail address is empty.")
	}
	return CheckStoredTimes(u.TemporaryExpiresAt, u.PasswordChangedAt, u.LastSignInAt, u.CreatedAt, u.UpdatedAt)
}

// Stores keep times as int64 nanoseconds since the Unix epoch, exactly.
var (
	minStoredTime = time.Unix(0, math.MinInt64)
	maxStoredTime = time.Unix(0, math.MaxInt64)
)

// CheckStoredTimes refuses, as invalid, times that a store cannot keep to
// the nanosecond: before 1677-09-21 or after 2262-04-11 (int64
// nanoseconds since 1970). The zero time stands for "none" and is kept.
func CheckStoredTimes(ts ...time.Time) error {
	for _, v := range ts {
		if !v.IsZero() && (v.Before(minStoredTime) || v.After(maxStoredTime)) {
			return Errorf(EInvalid, "The date {{.Date}} is out of range.", "Date", v.UTC().Format(time.DateOnly))
		}
	}
	return nil
}

// ErrDuplicateRow is the error of a copied row whose ID or key the target
// holds already.
func ErrDuplicateRow(table string, id any) *Error {
	return Errorf(EInvalid, "Row {{.ID}} of the {{.Table}} comes twice or out of order.", "ID", fmt.Sprint(id), "Table", table)
}

// ErrOrphanRow is the error of a copied row that refers to a user that the
// copy does not hold.
func ErrOrphanRow(table string, id any) *Error {
	return Errorf(EInvalid, "Row {{.ID}} of the {{.Table}} refers to no user.", "ID", fmt.Sprint(id), "Table", table)
}
