package app

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"time"
)

// The directory: the users an administrator lists, counts, sorts, filters
// and selects, at any scale.

// StatusKinds lists the kinds of status in the order of sorting by status:
// from nothing to do to sign-in forbidden.
func StatusKinds() []StatusKind {
	return []StatusKind{StatusActive, StatusMustChange, StatusExpired, StatusNoPassword, StatusLocked, StatusDisabled}
}

// NumStatusKinds is len(StatusKinds()).
const NumStatusKinds = 6

// statusIndex is the place of each kind in StatusKinds.
func statusIndex(k StatusKind) int {
	for i, x := range StatusKinds() {
		if x == k {
			return i
		}
	}
	return -1
}

// ParseStatusKind reads a kind of status from its name; case, spaces,
// hyphens and underscores do not matter ("must change", "MUST-CHANGE").
func ParseStatusKind(s string) (StatusKind, error) {
	key := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	names := make([]string, 0, NumStatusKinds)
	for _, k := range StatusKinds() {
		if string(k) == key {
			return k, nil
		}
		names = append(names, string(k))
	}
	return "", Errorf(EInvalid, "Unknown status \"{{.Status}}\": use one of {{.Choices}}.", "Status", s, "Choices", strings.Join(names, ", "))
}

// StatusSet is a set of kinds of status; the empty set stands for every
// kind in a filter.
type StatusSet uint8

// Statuses returns the set of the kinds given.
func Statuses(kinds ...StatusKind) StatusSet {
	var set StatusSet
	for _, k := range kinds {
		if i := statusIndex(k); i >= 0 {
			set |= 1 << i
		}
	}
	return set
}

// Has reports whether k is in the set.
func (set StatusSet) Has(k StatusKind) bool {
	i := statusIndex(k)
	return i >= 0 && set&(1<<i) != 0
}

// List returns the kinds of the set, in sorting order.
func (set StatusSet) List() []StatusKind {
	var out []StatusKind
	for _, k := range StatusKinds() {
		if set.Has(k) {
			out = append(out, k)
		}
	}
	return out
}

// Cell is a class of users that the directory's filters cannot tell apart:
// the bits of what is stored with a user (role, mailbox, recovery e-mail,
// disabled, kind of password: the "static" bits, below StaticCells) and of
// what depends on the time of the question (expiry of a temporary password,
// a lock, staleness). Stores count and select users by cell, so that a
// filter of any combination is a set of cells (see UserFilter.Cells), and
// the rule of statuses (User.Status) stays the only one: a cell's kind is
// what that rule says of a user of the cell.
type Cell uint16

// The bits of a Cell.
const (
	CellAdmin     Cell = 1 << 0 // role admin
	CellNoMailbox Cell = 1 << 1 // a fictitious login
	CellRecovery  Cell = 1 << 2 // a recovery e-mail is set
	CellDisabled  Cell = 1 << 3
	// Two bits for the kind of password: none (0), own, or temporary.
	CellOwnPassword  Cell = 1 << 4
	CellTemporary    Cell = 2 << 4
	CellPasswordBits Cell = 3 << 4
	CellExpired      Cell = 1 << 6 // temporary and past its expiry at the time asked
	CellLocked       Cell = 1 << 7 // locked at the time asked
	CellStale        Cell = 1 << 8 // idle since before the cut-off asked (see User.IdleSince)

	// StaticCells bounds the static bits: c & (StaticCells-1) is what a
	// store keeps with each user.
	StaticCells = 1 << 6
	// NumCells bounds every cell.
	NumCells = 1 << 9
)

// StaticCell returns the static bits of a user's cell.
func (u User) StaticCell() Cell {
	var c Cell
	if u.IsAdmin() {
		c |= CellAdmin
	}
	if !u.HasMailbox {
		c |= CellNoMailbox
	}
	if u.RecoveryEmail != "" {
		c |= CellRecovery
	}
	if u.Disabled {
		c |= CellDisabled
	}
	switch {
	case u.PasswordHash == "":
	case u.PasswordTemporary:
		c |= CellTemporary
	default:
		c |= CellOwnPassword
	}
	return c
}

// Cell returns the user's cell at time now, with CellStale set when the
// user has been idle since before idleBefore (never when it is zero).
func (u User) Cell(now, idleBefore time.Time) Cell {
	c := u.StaticCell()
	if c&CellPasswordBits == CellTemporary && !now.Before(u.TemporaryExpiresAt) {
		c |= CellExpired
	}
	if u.Locked(now) {
		c |= CellLocked
	}
	if !idleBefore.IsZero() && u.IdleSince().Before(idleBefore) {
		c |= CellStale
	}
	return c
}

// IdleSince is the time of the user's last sign-in or, for a user who never
// signed in, of the account's creation: an account made yesterday and not
// used yet is not stale.
func (u User) IdleSince() time.Time {
	if u.LastSignInAt.IsZero() {
		return u.CreatedAt
	}
	return u.LastSignInAt
}

// Kind returns the kind of status of the users of the cell, by the one rule
// of User.Status.
func (c Cell) Kind() StatusKind { return cellKinds[c] }

// cellKinds is the kind of each cell, asked of User.Status about a user of
// that cell.
var cellKinds = func() (kinds [NumCells]StatusKind) {
	now := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for c := range Cell(NumCells) {
		if c.Valid() {
			kinds[c] = c.example(now).Status(now).Kind
		}
	}
	return kinds
}()

// example returns a user whose cell is c at time now (stale aside).
func (c Cell) example(now time.Time) User {
	u := User{Role: RoleEmployee, HasMailbox: c&CellNoMailbox == 0, Disabled: c&CellDisabled != 0}
	if c&CellAdmin != 0 {
		u.Role = RoleAdmin
	}
	if c&CellRecovery != 0 {
		u.RecoveryEmail = "recovery@example.com"
	}
	switch c & CellPasswordBits {
	case CellOwnPassword:
		u.PasswordHash = "hash"
	case CellTemporary:
		u.PasswordHash, u.PasswordTemporary, u.TemporaryExpiresAt = "hash", true, now.Add(time.Hour)
		if c&CellExpired != 0 {
			u.TemporaryExpiresAt = now
		}
	}
	if c&CellLocked != 0 {
		u.LockedUntil = now.Add(time.Hour)
	}
	return u
}

// Valid reports whether a cell can be a user's: no fourth kind of
// password, expiry only for a temporary password.
func (c Cell) Valid() bool {
	kind := c & CellPasswordBits
	return c < NumCells && kind != CellPasswordBits && (c&CellExpired == 0 || kind == CellTemporary)
}

// CellSet is a set of cells.
type CellSet [NumCells / 64]uint64

// AllCells is the set of every cell.
func AllCells() CellSet {
	var s CellSet
	for i := range s {
		s[i] = ^uint64(0)
	}
	return s
}

// Has reports whether c is in the set.
func (s *CellSet) Has(c Cell) bool { return c < NumCells && s[c/64]&(1<<(c%64)) != 0 }

// Add puts c in the set.
func (s *CellSet) Add(c Cell) { s[c/64] |= 1 << (c % 64) }

// Depends reports whether membership in the set changes with the bit b
// for some cell: a store that cannot tell that bit cheaply need not when
// it does not.
func (s *CellSet) Depends(b Cell) bool {
	for c := range Cell(NumCells) {
		if c&b == 0 && s.Has(c) != s.Has(c|b) && c.Valid() && (c | b).Valid() {
			return true
		}
	}
	return false
}

// CellCounts counts users by cell.
type CellCounts [NumCells]int

// Sum is how many users of the set are counted.
func (n *CellCounts) Sum(set CellSet) int {
	total := 0
	for c, k := range n {
		if k != 0 && set.Has(Cell(c)) {
			total += k
		}
	}
	return total
}

// Tri is a filter on a yes-or-no property: either, only yes, only no.
type Tri uint8

// Tri values.
const (
	Either Tri = iota
	OnlyYes
	OnlyNo
)

// allows reports whether a user with the property (or without) passes.
func (t Tri) allows(yes bool) bool { return t == Either || (t == OnlyYes) == yes }

// DefaultStaleAfter is how long an account may go without a sign-in before
// the directory calls it stale, when a filter does not say.
const DefaultStaleAfter = 90 * 24 * time.Hour

// UserFilter selects users of the directory; its fields combine (all must
// hold). The zero filter selects everyone.
type UserFilter struct {
	Text     string    // a fragment of name, login or recovery e-mail, compared with FoldForSearch; "" for all
	Statuses StatusSet // any of these statuses; empty for all
	Role     Role      // "" for all
	Mailbox  Tri       // OnlyNo: fictitious logins (no mailbox) only
	Recovery Tri       // OnlyYes: users with a recovery e-mail only
	// Stale: OnlyYes keeps the users idle (no sign-in, or never signed in
	// since creation) for StaleAfter or longer; OnlyNo the others.
	Stale      Tri
	StaleAfter time.Duration // DefaultStaleAfter when 0
}

// staleAfter is the filter's idle time that makes an account stale.
func (f UserFilter) staleAfter() time.Duration { return cmp.Or(f.StaleAfter, DefaultStaleAfter) }

// idleBefore is the cut-off of staleness at time now.
func (f UserFilter) idleBefore(now time.Time) time.Time { return now.Add(-f.staleAfter()) }

// Check validates a filter.
func (f UserFilter) Check() error {
	if f.Role != "" {
		if _, err := ParseRole(string(f.Role)); err != nil {
			return err
		}
	}
	if f.Mailbox > OnlyNo || f.Recovery > OnlyNo || f.Stale > OnlyNo || f.Statuses >= 1<<NumStatusKinds {
		return Errorf(EInvalid, "This filter is not valid.")
	}
	if f.StaleAfter < 0 {
		return Errorf(EInvalid, "The idle time of stale accounts must be positive.")
	}
	return nil
}

// passes reports whether a user of cell c passes every part of the filter
// but the text, leaving out the facet skip (see UserCounts).
func (f UserFilter) passes(c Cell, skip facet) bool {
	return (skip == facetStatus || f.Statuses == 0 || f.Statuses.Has(c.Kind())) &&
		(skip == facetRole || f.Role == "" || (f.Role == RoleAdmin) == (c&CellAdmin != 0)) &&
		(skip == facetMailbox || f.Mailbox.allows(c&CellNoMailbox == 0)) &&
		(skip == facetRecovery || f.Recovery.allows(c&CellRecovery != 0)) &&
		(skip == facetStale || f.Stale.allows(c&CellStale != 0))
}

// facet names a part of a filter, for counts by facet.
type facet uint8

const (
	facetNone facet = iota
	facetStatus
	facetRole
	facetMailbox
	facetRecovery
	facetStale
)

// Cells returns the cells of the users that pass the filter (its text
// aside).
func (f UserFilter) Cells() CellSet {
	var s CellSet
	for c := range Cell(NumCells) {
		if c.Valid() && f.passes(c, facetNone) {
			s.Add(c)
		}
	}
	return s
}

// Set returns what a store selects for the filter at time now.
func (f UserFilter) Set(now time.Time) UserSet {
	s := UserSet{Text: f.Text, Cells: f.Cells(), Now: now}
	if f.Stale != Either {
		s.IdleBefore = f.idleBefore(now)
	}
	return s
}

// UserSet is what a store selects: the users whose search text holds Text
// (compared with FoldForSearch) and whose cell at Now is in Cells.
type UserSet struct {
	Text  string
	Cells CellSet
	// Now is the time at which temporary passwords have expired or not
	// (CellExpired) and locks hold or not (CellLocked).
	Now time.Time
	// IdleBefore is the cut-off of CellStale: users idle since before it
	// are stale (see User.IdleSince); zero: no one is.
	IdleBefore time.Time
}

// Holds reports whether the user belongs to the set: the meaning of a
// UserSet, which every store must agree with.
func (s *UserSet) Holds(u *User) bool {
	return s.Cells.Has(u.Cell(s.Now, s.IdleBefore)) && MatchesText(u, s.Text)
}

// MatchesText reports whether the user's search text holds the text (see
// SearchText and SearchFragment).
func MatchesText(u *User, text string) bool {
	return strings.Contains(SearchText(u), SearchFragment(text))
}

// SortColumn is what the directory can be sorted by.
type SortColumn uint8

// Sort columns. Ties are broken by name, then login, for role and status
// (users of one role or status are listed by name), and by the order of
// creation for the times (several users created or signed in at the same
// instant, or never). A store sorts by the key columns (SortName to
// SortCreated); the service builds the others from them.
const (
	SortName            SortColumn = iota // folded name, then login (SortKey)
	SortLogin                             // EmailKey
	SortLastSignIn                        // never first
	SortPasswordChanged                   // never first
	SortCreated
	SortRole   // administrators first
	SortStatus // in the order of StatusKinds
	numSortColumns
)

var sortNames = [numSortColumns]string{"name", "login", "last-sign-in", "password-changed", "created", "role", "status"}

func (c SortColumn) String() string {
	if c < numSortColumns {
		return sortNames[c]
	}
	return "unknown"
}

// ParseSortColumn reads a sort column from its name (as String writes it;
// case, spaces and underscores do not matter; "email" is the login).
func ParseSortColumn(s string) (SortColumn, error) {
	key := strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(strings.TrimSpace(s)))
	if key == "email" {
		return SortLogin, nil
	}
	for i, n := range sortNames {
		if n == key {
			return SortColumn(i), nil
		}
	}
	return 0, Errorf(EInvalid, "Unknown column \"{{.Value}}\": use one of {{.Choices}}.", "Value", s, "Choices", strings.Join(sortNames[:], ", "))
}

// IsKey reports whether a store sorts by the column itself.
func (c SortColumn) IsKey() bool { return c <= SortCreated }

// UserSort is an order of the directory; Desc is the exact reverse of the
// ascending order, ties included.
type UserSort struct {
	By   SortColumn
	Desc bool
}

// CompareUsers compares two users in the ascending order of a key column
// (SortName to SortCreated): the meaning of the store's orders.
func CompareUsers(a, b *User, by SortColumn) int {
	var c int
	switch by {
	case SortName:
		c = strings.Compare(SortKey(a), SortKey(b))
	case SortLogin:
		c = strings.Compare(EmailKey(a.Email), EmailKey(b.Email))
	case SortLastSignIn:
		c = cmp.Compare(TimeOrderKey(a.LastSignInAt), TimeOrderKey(b.LastSignInAt))
	case SortPasswordChanged:
		c = cmp.Compare(TimeOrderKey(a.PasswordChangedAt), TimeOrderKey(b.PasswordChangedAt))
	case SortCreated:
		c = cmp.Compare(TimeOrderKey(a.CreatedAt), TimeOrderKey(b.CreatedAt))
	}
	return cmp.Or(c, cmp.Compare(a.ID, b.ID))
}

// TimeOrderKey is a time as the orders by time sort it, an int64 that a
// store can index: never (the zero time) first, as math.MinInt64, then
// nanoseconds since the epoch, the earliest instant a store keeps
// (CheckStoredTimes) counted as never (it is 1677).
func TimeOrderKey(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}

// MaxPage is the most users one page may hold.
const MaxPage = 1000

// UserListQuery asks for one page of the directory: the users at positions
// Offset to Offset+Limit-1 (0 is the first) of the users that Filter
// selects, in the order Sort.
type UserListQuery struct {
	Filter UserFilter
	Sort   UserSort
	Offset int
	Limit  int // 50 when 0; at most MaxPage
}

// UserListPage is one page of the directory.
type UserListPage struct {
	Users  []User
	Offset int       // the position of Users[0]
	More   bool      // whether users follow the page
	Now    time.Time // the time at which statuses were judged: show u.Status(Now)
}

// ListUsers returns one page of the directory. A page at any position
// costs about what the first costs (see the store's design); the count of
// the users selected comes from UserCounts, which may take longer.
func (s *Service) ListUsers(ctx context.Context, q UserListQuery) (UserListPage, error) {
	if err := q.Filter.Check(); err != nil {
		return UserListPage{}, err
	}
	if q.Sort.By >= numSortColumns {
		return UserListPage{}, Errorf(EInvalid, "This sort order is not valid.")
	}
	if q.Offset < 0 {
		return UserListPage{}, Errorf(EInvalid, "A position in the list cannot be negative.")
	}
	limit := cmp.Or(q.Limit, 50)
	if limit < 0 || limit > MaxPage {
		return UserListPage{}, Errorf(EInvalid, "A page holds from 1 to {{.Max}} users.", "Max", MaxPage)
	}
	page := UserListPage{Offset: q.Offset, Now: s.now()}
	set := q.Filter.Set(page.Now)
	err := s.store.Read(ctx, func(tx Tx) error {
		users, err := listUsers(tx, set, q.Sort, q.Offset, limit+1)
		if err != nil {
			return err
		}
		if len(users) > limit {
			users, page.More = users[:limit], true
		}
		page.Users = users
		return nil
	})
	return page, err
}

// listUsers lists a set in any order: key columns by the store; role and
// status as segments (one role, one status), each in name order, laid end
// to end. A segment is counted only when the page lies past it, so that a
// first page never waits for a count.
func listUsers(tx Tx, set UserSet, sort UserSort, offset, limit int) ([]User, error) {
	if sort.By.IsKey() {
		return tx.ListUsers(set, sort, offset, limit)
	}
	segments := sortSegments(set.Cells, sort.By)
	if sort.Desc {
		slices.Reverse(segments)
	}
	var out []User
	var counts *CellCounts // of the whole set, read once if a page lies past a segment
	for _, seg := range segments {
		part := set
		part.Cells = seg
		users, err := tx.ListUsers(part, UserSort{By: SortName, Desc: sort.Desc}, offset, limit-len(out))
		if err != nil {
			return nil, err
		}
		if len(users) > 0 {
			out, offset = append(out, users...), 0
			if len(out) == limit {
				break
			}
			continue
		}
		if offset > 0 { // the page starts past this segment: by how much
			if counts == nil {
				n, err := tx.CountCells(set)
				if err != nil {
					return nil, err
				}
				counts = &n
			}
			offset -= counts.Sum(seg)
		}
	}
	return out, nil
}

// sortSegments splits the cells of a set by role or status, in ascending
// order; empty segments are left out.
func sortSegments(cells CellSet, by SortColumn) []CellSet {
	n := 2
	key := func(c Cell) int {
		if c&CellAdmin != 0 {
			return 0
		}
		return 1
	}
	if by == SortStatus {
		n = NumStatusKinds
		key = func(c Cell) int { return statusIndex(c.Kind()) }
	}
	segs := make([]CellSet, n)
	for c := range Cell(NumCells) {
		if cells.Has(c) && c.Valid() {
			segs[key(c)].Add(c)
		}
	}
	out := segs[:0]
	for _, s := range segs {
		if s != (CellSet{}) {
			out = append(out, s)
		}
	}
	return out
}

// UserCounts are the counts of the directory for a filter: the users it
// selects, and for each value of each of its parts (facets), the users
// that the filter would select with that value instead, the other parts
// kept: what each filter control shows beside its choices.
type UserCounts struct {
	Total                int
	Statuses             [NumStatusKinds]int // in the order of StatusKinds
	Admins, Employees    int
	Mailbox, NoMailbox   int
	Recovery, NoRecovery int
	Stale, Fresh         int // idle for the filter's StaleAfter or more, or not
	StaleAfter           time.Duration
	Now                  time.Time
	// Until is when the counts, and the statuses of the users counted,
	// next change with no write (Tx.NextChange: a lock ends, a temporary
	// password expires); zero when nothing will. Staleness moves on with
	// time too, by the day: it is not in Until.
	Until time.Time
}

// MatchCount counts the users that the filter selects, exactly: the count
// of the table, which a store answers faster than UserCounts (it asks of
// staleness only when the filter does, and of the filter's own cells
// only).
func (s *Service) MatchCount(ctx context.Context, f UserFilter) (int, error) {
	if err := f.Check(); err != nil {
		return 0, err
	}
	set := f.Set(s.now())
	var n int
	err := s.store.Read(ctx, func(tx Tx) error {
		cells, err := tx.CountCells(set)
		n = cells.Sum(set.Cells)
		return err
	})
	return n, err
}

// UserCounts counts the users of the directory for a filter, exactly: the
// count of every facet asks of every cell, staleness included.
func (s *Service) UserCounts(ctx context.Context, f UserFilter) (UserCounts, error) {
	if err := f.Check(); err != nil {
		return UserCounts{}, err
	}
	now := s.now()
	set := UserSet{Text: f.Text, Cells: AllCells(), Now: now, IdleBefore: f.idleBefore(now)}
	var cells CellCounts
	var until time.Time
	if err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if cells, err = tx.CountCells(set); err != nil {
			return err
		}
		until, err = tx.NextChange(now)
		return err
	}); err != nil {
		return UserCounts{}, err
	}
	if !until.IsZero() {
		until = until.In(now.Location()) // as Now, whatever the store's
	}
	out := UserCounts{StaleAfter: f.staleAfter(), Now: now, Until: until}
	for i, n := range cells {
		c := Cell(i)
		if n == 0 {
			continue
		}
		if f.passes(c, facetNone) {
			out.Total += n
		}
		if f.passes(c, facetStatus) {
			out.Statuses[statusIndex(c.Kind())] += n
		}
		if f.passes(c, facetRole) {
			if c&CellAdmin != 0 {
				out.Admins += n
			} else {
				out.Employees += n
			}
		}
		if f.passes(c, facetMailbox) {
			if c&CellNoMailbox != 0 {
				out.NoMailbox += n
			} else {
				out.Mailbox += n
			}
		}
		if f.passes(c, facetRecovery) {
			if c&CellRecovery != 0 {
				out.Recovery += n
			} else {
				out.NoRecovery += n
			}
		}
		if f.passes(c, facetStale) {
			if c&CellStale != 0 {
				out.Stale += n
			} else {
				out.Fresh += n
			}
		}
	}
	return out, nil
}
