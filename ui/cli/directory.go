package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"sesame/app"
	"sesame/app/spreadsheet"
)

// The directory on the command line: users list with filters, sort and
// positions, and the actions on many users selected by the same filters or
// by a file of logins.

// statusList is the value of a --status flag given any number of times,
// each a status or several separated by commas: read by filter, whose
// error names the statuses (the flag package's would not).
type statusList []string

func (s *statusList) String() string { return "" }

func (s *statusList) Set(v string) error {
	*s = append(*s, strings.Split(v, ",")...)
	return nil
}

// selectFlags are the flags that select users: users list and the bulk
// actions share them.
type selectFlags struct {
	query, role, stale                       *string
	statuses                                 statusList
	mailbox, noMailbox, recovery, noRecovery *bool
	fromFile                                 *string // bulk actions only
	all                                      *bool   // bulk actions only
}

func addSelectFlags(fs *flag.FlagSet, bulk bool) *selectFlags {
	s := &selectFlags{}
	s.query = fs.String("query", "", "only users whose name, login or recovery e-mail contains `TEXT` (accents, case and separators ignored)")
	// --status may be given several times: a String for its usage, which
	// the help translates, then the value that adds each one.
	fs.String("status", "", "only users of this `STATUS`: active, must_change, expired, no_password, locked or disabled (give it several times, or separate with commas, for several)")
	fs.Lookup("status").Value = &s.statuses
	s.role = fs.String("role", "", "only users of this `ROLE`: admin or employee")
	s.mailbox = fs.Bool("mailbox", false, "only users whose login has a mailbox")
	s.noMailbox = fs.Bool("no-mailbox", false, "only users whose login is fictitious (no mailbox)")
	s.recovery = fs.Bool("recovery", false, "only users with a recovery e-mail")
	s.noRecovery = fs.Bool("no-recovery", false, "only users without a recovery e-mail")
	s.stale = fs.String("stale", "", "only users with no sign-in (or, never signed in, created) for `DAYS` or longer, as 90d (or weeks: 12w)")
	if bulk {
		s.fromFile = fs.String("from", "", "the users whose logins `FILE` lists, one a line (- for standard input; # starts a comment)")
		s.all = fs.Bool("all", false, "every user")
	}
	return s
}

// filter returns the filter that the flags give, and whether any flag
// selects users.
func (s *selectFlags) filter() (app.UserFilter, bool, error) {
	f := app.UserFilter{Text: *s.query}
	for _, word := range s.statuses {
		k, err := app.ParseStatusKind(word)
		if err != nil {
			return f, false, err
		}
		f.Statuses |= app.Statuses(k)
	}
	if *s.role != "" {
		r, err := app.ParseRole(*s.role)
		if err != nil {
			return f, false, err
		}
		f.Role = r
	}
	tri := func(yes, no bool, name string) (app.Tri, error) {
		switch {
		case yes && no:
			return 0, usagef("Give --{{.Name}} or --no-{{.Name}}, not both.", "Name", name)
		case yes:
			return app.OnlyYes, nil
		case no:
			return app.OnlyNo, nil
		}
		return app.Either, nil
	}
	var err error
	if f.Mailbox, err = tri(*s.mailbox, *s.noMailbox, "mailbox"); err != nil {
		return f, false, err
	}
	if f.Recovery, err = tri(*s.recovery, *s.noRecovery, "recovery"); err != nil {
		return f, false, err
	}
	if *s.stale != "" {
		d, err := parseStale(*s.stale)
		if err != nil {
			return f, false, err
		}
		f.Stale, f.StaleAfter = app.OnlyYes, d
	}
	return f, f != (app.UserFilter{}), nil
}

// maxStaleDays is the longest idle time --stale takes: a century.
const maxStaleDays = 36_500

// parseStale reads the idle time of --stale: whole days (90d) or weeks
// (12w), which is how staleness is counted; "6m" would read as minutes
// where an administrator may mean months, so other units are refused.
func parseStale(v string) (time.Duration, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	unit := v[max(len(v)-1, 0):]
	days := map[string]int{"d": 1, "w": 7}[unit]
	n, err := strconv.Atoi(strings.TrimSuffix(v, unit))
	switch {
	case days == 0 || err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, usagef("--stale counts in days (90d) or weeks (12w), not \"{{.Value}}\".", "Value", v)
	case err != nil || n > maxStaleDays/days:
		return 0, usagef("--stale {{.Value}} is too long: at most {{.Max}}d, a century.", "Value", v, "Max", maxStaleDays)
	case n < 1:
		return 0, usagef("--stale {{.Value}}: an account is stale after one day at least.", "Value", v)
	}
	return time.Duration(n*days) * 24 * time.Hour, nil
}

// describeFilter says in words what a filter selects.
func (c *call) describeFilter(f app.UserFilter) string {
	var parts []string
	if f.Text != "" {
		parts = append(parts, c.t.L("matching \"{{.Text}}\"", "Text", shown(f.Text)))
	}
	if ks := f.Statuses.List(); len(ks) > 0 {
		names := make([]string, len(ks))
		for i, k := range ks {
			names[i] = c.statusKind(k)
		}
		if len(ks) == 1 {
			parts = append(parts, c.t.L("whose status is {{.Status}}", "Status", names[0]))
		} else {
			parts = append(parts, c.t.L("whose status is one of {{.Choices}}", "Choices", strings.Join(names, ", ")))
		}
	}
	if f.Role != "" {
		parts = append(parts, c.t.L("with the role {{.Role}}", "Role", c.role(f.Role)))
	}
	switch f.Mailbox {
	case app.OnlyYes:
		parts = append(parts, c.t.L("with a mailbox"))
	case app.OnlyNo:
		parts = append(parts, c.t.L("without a mailbox (fictitious login)"))
	}
	switch f.Recovery {
	case app.OnlyYes:
		parts = append(parts, c.t.L("with a recovery e-mail"))
	case app.OnlyNo:
		parts = append(parts, c.t.L("without a recovery e-mail"))
	}
	if f.Stale == app.OnlyYes {
		parts = append(parts, c.t.L("idle for {{.Duration}} or longer", "Duration", app.FormatDuration(f.StaleAfter)))
	}
	if len(parts) == 0 {
		return c.t.L("every user")
	}
	return c.t.L("the users {{.Details}}", "Details", strings.Join(parts, ", "))
}

// listPage is how many users `users list` asks for at a time (tests make
// it small).
var listPage = app.MaxPage

func runUsersList(c *call) error {
	fs := c.flags()
	sel := addSelectFlags(fs, false)
	sortBy := fs.String("sort", "name", "the `COLUMN` to sort by: name, login, last-sign-in, password-changed, created, role or status")
	desc := fs.Bool("desc", false, "sort in descending order")
	offset := fs.Int("offset", 0, "start at position `N` (0 is the first user)")
	limit := fs.Int("limit", 0, "at most `N` users (0: all)")
	count := fs.Bool("count", false, "print how many users match instead of listing them (with --json: the count of each filter's choices too)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := c.parse(fs); err != nil {
		return err
	}
	f, _, err := sel.filter()
	if err != nil {
		return err
	}
	by, err := app.ParseSortColumn(*sortBy)
	if err != nil {
		return err
	}
	if *limit < 0 {
		return usagef("--limit must be 0 (all) or more.")
	}
	if *offset < 0 {
		return usagef("--offset must be 0 or more.")
	}
	if *count && *asJSON {
		counts, err := c.svc().UserCounts(c.ctx, f)
		if err != nil {
			return err
		}
		return writeJSON(c.env.Stdout, countsJSON(counts))
	}
	if *count {
		n, err := c.svc().MatchCount(c.ctx, f)
		if err != nil {
			return err
		}
		c.printRaw(strconv.Itoa(n))
		return nil
	}
	var (
		users []app.User
		now   time.Time
		more  = true
	)
	for more && (*limit == 0 || len(users) < *limit) {
		size := listPage
		if *limit > 0 {
			size = min(size, *limit-len(users))
		}
		page, err := c.svc().ListUsers(c.ctx, app.UserListQuery{Filter: f, Sort: app.UserSort{By: by, Desc: *desc},
			Offset: *offset + len(users), Limit: size})
		if err != nil {
			return err
		}
		if now.IsZero() {
			now = page.Now
		}
		users = append(users, page.Users...)
		more = page.More && len(page.Users) > 0
	}
	recovery, err := c.svc().RecoveryLookAlikes(c.ctx, users)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]userJSON, len(users))
		for i, u := range users {
			out[i] = toJSON(u, now)
			out[i].RecoveryLookAlike = len(recovery[u.ID]) > 0
		}
		return writeJSON(c.env.Stdout, out)
	}
	tw := c.table()
	c.header(tw, "NAME", "EMAIL", "ROLE", "STATE")
	for _, u := range users {
		// The marks come first; users show names the logins looked like.
		state := c.stateWords(u, now)
		if len(recovery[u.ID]) > 0 {
			state = c.t.L("recovery e-mail like a login; {{.State}}", "State", state)
		}
		if u.HasLookAlike {
			state = c.t.L("look-alike login; {{.State}}", "State", state)
		}
		if atFault(u.Email) {
			state = c.t.L("login at fault; {{.State}}", "State", state)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", oneLine(u.Name), login(oneLine(u.Email)), c.role(u.Role), state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	switch {
	case more && *offset == 0:
		c.noteN("Showing the first {{.N}}; more match (raise --limit).", len(users))
	case more:
		c.noteN("Showing {{.N}} from position {{.Row}}; more match (raise --limit).", len(users), "Row", *offset)
	case len(users) == 0 && *offset > 0:
		c.note("No user at position {{.Row}} or after.", "Row", *offset)
	case len(users) == 0:
		c.note("No user matches.")
	}
	return nil
}

// countsJSONShape is the shape of `users list --count --json`: the total,
// and for each choice of each filter, the users that the filter would
// select with that choice instead.
type countsJSONShape struct {
	Total    int            `json:"total"`
	Status   map[string]int `json:"status"`
	Role     map[string]int `json:"role"`
	Mailbox  map[string]int `json:"mailbox"`
	Recovery map[string]int `json:"recovery"`
	Stale    map[string]int `json:"stale"`
	StaleFor string         `json:"stale_after"`
}

func countsJSON(c app.UserCounts) countsJSONShape {
	out := countsJSONShape{Total: c.Total, Status: map[string]int{},
		Role:     map[string]int{"admin": c.Admins, "employee": c.Employees},
		Mailbox:  map[string]int{"yes": c.Mailbox, "no": c.NoMailbox},
		Recovery: map[string]int{"yes": c.Recovery, "no": c.NoRecovery},
		Stale:    map[string]int{"yes": c.Stale, "no": c.Fresh}, StaleFor: app.FormatDuration(c.StaleAfter)}
	for i, k := range app.StatusKinds() {
		out.Status[string(k)] = c.Statuses[i]
	}
	return out
}

// selectsMany reports whether the arguments of a users command select
// users by filter or file, rather than name one login.
func selectsMany(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name := strings.TrimLeft(a, "-")
		if name == a {
			continue
		}
		name, _, _ = strings.Cut(name, "=")
		switch name {
		case "query", "status", "role", "mailbox", "no-mailbox", "recovery", "no-recovery", "stale", "from", "all", "yes":
			return true
		}
	}
	return false
}

// many makes a users command that acts on one login act on many when the
// selection flags are given: with action, taking the role as its one
// argument when takesRole.
func many(one func(*call) error, action app.BulkAction, takesRole bool) func(*call) error {
	return func(c *call) error {
		if !selectsMany(c.args) {
			return one(c)
		}
		return c.bulk(action, takesRole)
	}
}

// The users commands that act on one login or on many.
var (
	runUsersResetMany   = many(runUsersReset, app.BulkAction{Kind: app.BulkReset}, false)
	runUsersUnlockMany  = many(runUsersUnlock, app.BulkAction{Kind: app.BulkUnlock}, false)
	runUsersDisableMany = many(runUsersDisable, app.BulkAction{Kind: app.BulkDisable}, false)
	runUsersEnableMany  = many(runUsersEnable, app.BulkAction{Kind: app.BulkEnable}, false)
	runUsersRoleMany    = many(runUsersRole, app.BulkAction{Kind: app.BulkRole}, true)
)

// failed ends a command with an error that it words itself, translated
// (the texts of the command line are ui/cli's, not the domain's).
func (c *call) failed(text string) error {
	fmt.Fprintf(c.env.Stderr, "sesame: %s\n", text)
	return exitStatus(exitError)
}

// bulk runs an action on the users selected by flags or by a file: it
// says what will happen, asks to confirm (unless --yes), then runs,
// printing the new temporary passwords of a reset as CSV on standard
// output as they are made.
func (c *call) bulk(action app.BulkAction, takesRole bool) error {
	fs := c.flags()
	sel := addSelectFlags(fs, true)
	yes := fs.Bool("yes", false, "run without asking to confirm")
	var send *bool
	if action.Kind == app.BulkReset {
		send = fs.Bool("send", false, "mail each new temporary password to the user's recovery e-mail instead of printing it")
	}
	pos, err := c.parseAny(fs)
	if err != nil {
		return err
	}
	switch want := map[bool]int{true: 1, false: 0}[takesRole]; {
	case len(pos) > want:
		return usagef("Give one EMAIL, or select users by filters, --from or --all, not both.")
	case len(pos) < want:
		return usagef("Missing {{.What}}.", "What", "ROLE")
	}
	if takesRole {
		role, err := app.ParseRole(pos[0])
		if err != nil {
			return err
		}
		action.Role = role
	}
	if send != nil && *send {
		action.Kind = app.BulkSend
	}
	f, filtered, err := sel.filter()
	if err != nil {
		return err
	}
	var selection app.Selection
	what := ""
	switch {
	case *sel.fromFile != "" && (filtered || *sel.all):
		return usagef("Select users by --from or by filters, not both.")
	case *sel.fromFile != "":
		logins, err := c.readLogins(*sel.fromFile)
		if err != nil {
			return err
		}
		selection.Logins = logins
		what = c.t.L("the logins of {{.Path}}", "Path", shown(*sel.fromFile))
		if *sel.fromFile == "-" {
			what = c.t.L("the logins of standard input")
		}
	case filtered && *sel.all:
		return usagef("--all selects every user: give it without filters.")
	case filtered || *sel.all:
		selection.Filter = &f
		what = c.describeFilter(f)
	default:
		return usagef("Select the users: an EMAIL, filters (--status, --query…), --from FILE or --all.")
	}
	if err := c.requireSetUp(); err != nil {
		return err
	}
	plan, err := c.svc().PlanBulk(c.ctx, c.env.Actor, app.BulkRequest{Action: action, Selection: selection})
	if err != nil {
		return err
	}
	c.describePlan(plan, what)
	if plan.Change == 0 {
		c.note("Nothing to do.")
		refused := 0
		for _, r := range plan.Refused {
			refused += r.Count
		}
		return c.bulkStatus(refused, len(plan.NotFound))
	}
	if !*yes {
		if err := c.confirm(*sel.fromFile == "-"); err != nil {
			return err
		}
	}
	return c.runBulk(plan)
}

// readLogins reads a file of logins, one a line; blank lines and lines that
// start with # are left out. A line that cannot be one login (a space, a
// comma, a semicolon, a tab inside) stops it: a list with names or
// several columns is not what the administrator meant to give.
func (c *call) readLogins(name string) ([]string, error) {
	var r io.Reader = c.env.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, c.cannotRead(name, err)
		}
		defer f.Close()
		r = f
	}
	var logins []string
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if strings.ContainsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
			return nil, c.failed(c.t.L("Line {{.Line}} of {{.Path}} is not one login: give one login a line.", "Line", line, "Path", c.fileName(name)))
		}
		logins = append(logins, s)
	}
	if err := sc.Err(); err != nil {
		return nil, c.cannotRead(name, err)
	}
	if len(logins) == 0 {
		return nil, c.failed(c.t.L("{{.Path}} lists no login.", "Path", c.fileName(name)))
	}
	return logins, nil
}

// fileName names a file given on the command line, - being standard input.
func (c *call) fileName(name string) string {
	if name == "-" {
		return c.t.L("standard input")
	}
	return shown(name)
}

// cannotRead says why the file name cannot be read, in words.
func (c *call) cannotRead(name string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return c.failed(c.t.L("There is no file {{.Path}}.", "Path", c.fileName(name)))
	case errors.Is(err, fs.ErrPermission):
		return c.failed(c.t.L("You may not read {{.Path}}.", "Path", c.fileName(name)))
	case errors.Is(err, syscall.EISDIR):
		return c.failed(c.t.L("{{.Path}} is a folder, not a file.", "Path", c.fileName(name)))
	}
	return c.failed(c.t.L("The file {{.Path}} cannot be read: {{.Reason}}", "Path", c.fileName(name), "Reason", err.Error()))
}

// describePlan says on standard error what the action will do.
func (c *call) describePlan(p app.BulkPlan, what string) {
	c.noteN("Selected: {{.What}} — {{.N}} users.", p.Selected, "What", fixed(what))
	switch a := p.Request.Action; a.Kind {
	case app.BulkReset:
		c.noteN("{{.N}} will get a new temporary password, valid until {{.Time}}.", p.Change, "Time", c.when(p.Expires))
	case app.BulkSend:
		c.noteN("{{.N}} will get a new temporary password, mailed to their recovery e-mail, valid until {{.Time}}.", p.Change, "Time", c.when(p.Expires))
	case app.BulkUnlock:
		c.noteN("{{.N}} will be unlocked.", p.Change)
	case app.BulkDisable:
		c.noteN("{{.N}} will be disabled.", p.Change)
	case app.BulkEnable:
		c.noteN("{{.N}} will be enabled.", p.Change)
	case app.BulkRole:
		c.noteN("{{.N}} will become {{.Role}}.", p.Change, "Role", string(a.Role))
	}
	if p.ChangeDisabled > 0 { // who get a new password that cannot sign in yet
		c.noteN("{{.N}} of them are disabled: their new passwords will work once they are enabled.", p.ChangeDisabled)
	}
	if p.Unchanged > 0 {
		c.noteN("{{.N}} are left as they are (already so).", p.Unchanged)
	}
	for _, r := range p.Refused {
		c.noteN("{{.N}} refused: {{.Reason}}", r.Count, "Reason", fixed(c.t.Message(humanMessage(c.t, r.Reason))))
	}
	if n := len(p.NotFound); n > 0 {
		shownLogins := make([]string, min(n, 10))
		for i := range shownLogins {
			shownLogins[i] = shown(p.NotFound[i])
		}
		list := strings.Join(shownLogins, ", ")
		if n > len(shownLogins) {
			list += ", " + c.t.N("and {{.N}} more", n-len(shownLogins))
		}
		c.noteN("{{.N}} logins name no user: {{.Logins}}.", n, "Logins", fixed(list))
	}
}

// confirm asks the person at the terminal to confirm; without a terminal
// (or when standard input holds the logins) it refuses, saying how to run
// anyway.
func (c *call) confirm(stdinUsed bool) error {
	switch {
	case stdinUsed:
		return c.failed(c.t.L("Nothing was changed: standard input holds the logins, so it cannot answer the confirmation. Add --yes to run without it."))
	case !isTerminal(c.env.Stdin):
		return c.failed(c.t.L("Nothing was changed: standard input is not a terminal, so nobody can confirm. Add --yes to run without confirmation."))
	}
	fmt.Fprint(c.env.Stderr, c.t.L("Proceed? [y/N] "))
	line, _ := bufio.NewReader(c.env.Stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes", "o", "oui":
		return nil
	}
	return c.failed(c.t.L("Cancelled: nothing was changed."))
}

// runBulk runs a plan: progress on standard error when it is a terminal,
// the new temporary passwords of a reset as CSV (RFC 4180, UTF-8) on
// standard output as each batch is written.
func (c *call) runBulk(p app.BulkPlan) error {
	var out *csv.Writer
	if p.Request.Action.Kind == app.BulkReset {
		// Often saved for a spreadsheet (> handout.csv): the byte-order
		// mark, and no cell that it would run as a formula.
		var err error
		if out, err = spreadsheet.NewWriter(c.env.Stdout, ','); err == nil {
			out.Write([]string{"login", "name", "temporary_password", "valid_until"})
			out.Flush()
			err = out.Error()
		}
		if err != nil {
			return c.failed(c.t.L("Nothing was changed: standard output cannot be written to (closed, or the disk full)."))
		}
	}
	tty, width := isTerminal(c.env.Stderr), 0
	var refused []app.BulkOutcome
	var writeErr error
	// Passwords that standard output cannot take stop the action after
	// the batch under way; a closed pipe (| head, a pager quit) too, which
	// would otherwise kill the program between a batch and its output.
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	defer signal.Stop(pipe)
	ctx, stop := context.WithCancel(c.ctx)
	defer stop()
	res, err := c.svc().RunBulk(ctx, c.env.Actor, p, func(pr app.BulkProgress) {
		for _, o := range pr.Outcomes {
			if o.Status == app.BulkRefused {
				refused = append(refused, o)
			}
			if out != nil && o.Temporary != nil && writeErr == nil {
				writeErr = out.Write([]string{spreadsheet.Inert(o.Login), spreadsheet.Inert(o.Name), spreadsheet.Inert(o.Temporary.Plaintext),
					o.Temporary.ExpiresAt.Local().Format(time.RFC3339)})
			}
		}
		if out != nil {
			out.Flush()
			if writeErr == nil {
				writeErr = out.Error()
			}
			if writeErr != nil {
				stop()
			}
		}
		if tty {
			width = c.progress(c.t.L("{{.N}} of {{.Total}}…", "N", pr.Done, "Total", pr.Total), width)
		}
	})
	if tty {
		c.progress("", width)
	}
	if writeErr != nil {
		return c.failed(c.t.N("Standard output could not take the temporary passwords (closed, or the disk full): the reset stopped after {{.N}} users, some of whose passwords are lost; reset those again. Recorded in the audit log as {{.ID}}.",
			res.Done, shownAll([]any{"ID", c.t.Message(app.NoteMessage(res.ID))})...))
	}
	for i, o := range refused {
		if i == 20 {
			c.noteN("… and {{.N}} more refused.", len(refused)-i)
			break
		}
		c.note("{{.Email}}: refused: {{.Reason}}", "Email", o.Login, "Reason", fixed(c.t.Message(humanMessage(c.t, o.Reason))))
	}
	if err != nil {
		c.noteN("Stopped by an error after {{.N}} done; what was done is recorded in the audit log ({{.ID}}).", res.Done,
			"ID", c.t.Message(app.NoteMessage(res.ID)))
		return err
	}
	n, id := res.Done, []any{"ID", c.t.Message(app.NoteMessage(res.ID))}
	switch a := p.Request.Action; a.Kind {
	case app.BulkReset:
		c.noteN("{{.N}} reset; recorded in the audit log as {{.ID}}.", n, id...)
	case app.BulkSend:
		c.noteN("{{.N}} reset and sent; recorded in the audit log as {{.ID}}.", n, id...)
	case app.BulkUnlock:
		c.noteN("{{.N}} unlocked; recorded in the audit log as {{.ID}}.", n, id...)
	case app.BulkDisable:
		c.noteN("{{.N}} disabled; recorded in the audit log as {{.ID}}.", n, id...)
	case app.BulkEnable:
		c.noteN("{{.N}} enabled; recorded in the audit log as {{.ID}}.", n, id...)
	case app.BulkRole:
		c.noteN("{{.N}} made {{.Role}}; recorded in the audit log as {{.ID}}.", n, append(id, "Role", string(a.Role))...)
	}
	if res.Unchanged > 0 {
		c.noteN("{{.N}} are left as they are (already so).", res.Unchanged)
	}
	if res.Refused > 0 {
		c.noteN("{{.N}} refused.", res.Refused)
	}
	if res.Cancelled {
		c.note("Interrupted: the users not reached are unchanged. To finish, select them alone: a selection that still holds those done (a list of logins, --all) would change them again.")
	}
	if p.Request.Action.Kind == app.BulkReset && res.Done > 0 {
		c.note("The temporary passwords are on standard output, once: hand them out, then delete any copy.")
	}
	if p.Request.Action.Kind == app.BulkSend && res.Done > 0 {
		if err := c.sendQueued(); err != nil {
			return err
		}
	}
	if res.Cancelled {
		return exitStatus(exitError)
	}
	return c.bulkStatus(res.Refused, res.NotFound)
}

// sendQueued delivers the messages that an action queued and says how
// many went now.
func (c *call) sendQueued() error {
	r, err := c.flush()
	if err != nil {
		return err
	}
	c.noteN("{{.N}} messages sent now; the others stay queued (see `sesame mail status`).", r.Sent)
	return nil
}

// progress writes text over the line of progress on the terminal, whose
// width was that of the last text, and returns its own; "" clears the line.
// The carriage returns go to the terminal itself, past Visible: the text is
// the command's own, numbers.
func (c *call) progress(text string, width int) int {
	w := c.env.Stderr
	if v, ok := w.(*VisibleWriter); ok {
		v.Flush()
		w = v.w
	}
	n := utf8.RuneCountInString(text)
	fmt.Fprint(w, "\r"+text+strings.Repeat(" ", max(0, width-n)))
	if text == "" {
		fmt.Fprint(w, "\r")
	}
	return n
}

// bulkStatus ends a bulk action or an import: an error status when users
// were refused, logins not found or rows had errors, which the output has
// said.
func (c *call) bulkStatus(refused, notFound int) error {
	if refused+notFound > 0 {
		return exitStatus(exitError)
	}
	return nil
}
