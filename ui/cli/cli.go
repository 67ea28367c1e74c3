// Package cli is Sésame's command line: the administrator's actions on
// users, sign-in and password change, the audit trail and the company's
// settings, run on the same app.Service as the window. It reads the
// arguments, calls the service and turns its answers into output and an
// exit status that scripts can rely on. Passwords come from standard
// input, never from arguments, which other users of the machine can see.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"sesame/app"
	"sesame/assets"
	"sesame/ui/i18n"
)

// Env is what a command runs with.
type Env struct {
	Service *app.Service
	Actor   app.Actor // whom the audit trail names for the command line's actions
	Stdin   io.Reader // passwords, one a line
	Stdout  io.Writer // results: a value alone on a line, a table or JSON
	Stderr  io.Writer // errors and notes for the person at the terminal
	// Generate fills the store with n fake users drawn from seed, for tests
	// and benchmarks (sesame dev generate).
	Generate func(ctx context.Context, n int, seed int64) error
	// Delivery delivers the outbox: sesame mail flush, and, as the
	// Service's Deliver hook, right after an action that queued a message.
	Delivery *Delivery
	// Copy copies the whole directory of one database into another, empty
	// one, each a file or a postgres:// URL (sesame db copy), and returns
	// the counts copied. Service is nil when it runs.
	Copy func(ctx context.Context, from, to string) (app.DirectoryCounts, error)
	// Language is the language of what the command line says: "en" or
	// "fr" (--lang, else the system's: see ui/locale).
	Language string
}

// Exit statuses. Scripts tell the outcomes of a sign-in or a password
// change apart by these alone.
const (
	exitOK         = 0
	exitError      = 1 // bad input, unknown user, refused action, failure
	exitAuth       = 2 // invalid credentials
	exitMustChange = 3 // right temporary password: it must be changed
	exitLocked     = 4 // too many failed attempts
	exitExpired    = 5 // the temporary password has expired
	exitPolicy     = 6 // the password policy rejected a password
	exitDisabled   = 7 // the account is disabled
	// ExitNoDisplay: the window cannot open, for want of a display.
	ExitNoDisplay = 8
)

// command is one action of the command line.
type command struct {
	name    string // the words that select it: "users add"
	args    string // what follows the name in a synopsis
	summary string
	run     func(c *call) error
}

func (cmd *command) synopsis() string {
	s := "sesame " + cmd.name
	if cmd.args != "" {
		s += " " + cmd.args
	}
	return s
}

// commands is in the order of the usage text.
var commands = []*command{
	{
		"init", "--company NAME --admin EMAIL --name NAME",
		"create the company and its first administrator; print the administrator's temporary password", runInit,
	},
	{
		"users add", "EMAIL --name NAME [--admin] [--no-mailbox] [--recovery ADDR] [--password-stdin] [--send] [--allow-similar]",
		"create a user; print the generated temporary password, unless --password-stdin gives one or --send mails it to ADDR", runUsersAdd,
	},
	{
		"users list", "[FILTERS] [--sort COLUMN] [--desc] [--offset N] [--limit N] [--count] [--json]",
		"list the users (or count them) in any order, from any position; FILTERS: --query TEXT, --status S (repeatable), --role R, --mailbox | --no-mailbox, --recovery | --no-recovery, --stale 90d", runUsersList,
	},
	{
		"users import", "FILE [--format F] [--dry-run] [--send] [--handout FILE] [--yes] [--no-mailbox] [--allow-similar]",
		"create and update users from a CSV file (Sésame's export, Google Workspace, Microsoft Entra, Okta, a spreadsheet from HR): a preview of every row, then, once confirmed (or --yes), the writes; the new temporary passwords are mailed (--send) or saved as a hand-out (--handout: .pdf, .csv, or - for standard output)", runUsersImport,
	},
	{
		"users export", "[--format sesame|google|entra|okta] [FILTERS] [FILE|-]",
		"write the users (those that FILTERS select, as in users list) as CSV for a spreadsheet or another directory, without any secret; FILE is made readable by you only", runUsersExport,
	},
	{"users show", "EMAIL [--json]", "show a user and the state of the password", runUsersShow},
	{
		"users reset", "(EMAIL [--password-stdin] | FILTERS | --from FILE | --all) [--send] [--yes]",
		"give a new temporary password, generated (printed, or mailed to the recovery address with --send) or read from stdin; to be changed at the next sign-in. With FILTERS, --from FILE (one login a line, - for stdin) or --all: every user selected, after a confirmation (or --yes); the passwords are printed as CSV", runUsersResetMany,
	},
	{"users set-recovery", "EMAIL (ADDR | --clear) [--allow-similar]", "set or clear the recovery e-mail", runUsersSetRecovery},
	{"users unlock", "(EMAIL | FILTERS | --from FILE | --all) [--yes]", "lift a lock after too many failed sign-ins", runUsersUnlockMany},
	{"users disable", "(EMAIL | FILTERS | --from FILE | --all) [--yes]", "forbid sign-in to an account", runUsersDisableMany},
	{"users enable", "(EMAIL | FILTERS | --from FILE | --all) [--yes]", "allow sign-in again", runUsersEnableMany},
	{"users role", "(EMAIL (admin|employee) | (admin|employee) (FILTERS | --from FILE | --all)) [--yes]", "change the role of a user, or of every user selected", runUsersRoleMany},
	{"signin", "EMAIL", "check a password (first line of stdin); print the outcome", runSignIn},
	{"passwd", "EMAIL", "change a password: the current one, then the new one, on two lines of stdin", runPasswd},
	{"audit", "[--user TEXT] [--action ACTION] [--limit N] [--json]", "show the audit trail, newest first", runAudit},
	{"settings", "[KEY [VALUE]]", "show every setting, show one value, or set one (smtp.password: give - to read it from stdin)", runSettings},
	{"mail status", "[--state STATE] [--limit N] [--json]", "show the outbox: messages queued, sent, failed (with the server's answer)", runMailStatus},
	{"mail flush", "", "deliver now every message waiting in the outbox, failed ones included", runMailFlush},
	{"mail test", "ADDR", "send a test message to ADDR through the SMTP settings", runMailTest},
	{"recover request", "EMAIL", "send a recovery code to the account's recovery address (says the same whether or not it exists)", runRecoverRequest},
	{"recover complete", "EMAIL", "set a new password with a recovery code: the code, then the new password, on two lines of stdin", runRecoverComplete},
	{
		"db copy", "--from PATH_OR_URL --to PATH_OR_URL",
		"copy a whole directory (users, history, throttling, audit, outbox, recovery codes, settings) into an empty database: a file, or a PostgreSQL server's database; the counts are checked at the end", runDBCopy,
	},
	{
		"dev generate", "N [--seed S]",
		"for testing only: add N realistic fake users (a large directory for the window, benchmarks)", runDevGenerate,
	},
}

// groups are the first words of commands that take a second one.
var groups = map[string]bool{"users": true, "dev": true, "mail": true, "recover": true, "db": true}

// readCommands only read the database (settings does too, without a value).
var readCommands = map[string]bool{"users list": true, "users export": true, "users show": true, "audit": true, "mail status": true}

// ReadOnly reports whether a command line (without the program's own
// flags) only reads the database, so that it can be opened without the
// write lock: users list and show, audit, mail status, settings without a
// value, and whatever runs no command (help, a usage error).
func ReadOnly(args []string) bool {
	if len(args) == 0 || IsHelp(args[0]) {
		return true
	}
	cmd, rest, err := lookup(args)
	if err != nil {
		return true
	}
	if cmd.name == "settings" {
		values, help := settingsArgs(rest)
		return help || len(values) < 2
	}
	return readCommands[cmd.name]
}

// Creates reports whether a command line makes a database where there is
// none: sesame init alone (and the window, which runs no command).
func Creates(args []string) bool {
	cmd, _, err := lookup(args)
	return len(args) > 0 && err == nil && cmd.name == "init"
}

// IsHelp reports whether an argument asks for the usage.
func IsHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

// Usage writes the command line's usage in a language ("en" or "fr").
func Usage(w io.Writer, lang string) { usage(w, catalog(lang)) }

func usage(w io.Writer, t *i18n.Catalog) {
	fmt.Fprint(w, t.L("Sésame manages the passwords of a company's employees. With no command it\nopens the window; with one, it runs that action on the same database."))
	fmt.Fprintf(w, "\n\n%s sesame [--db PATH|URL] [--lang en|fr] [COMMAND [ARGS]]\n\n%s\n", t.L("usage:"), t.L("Commands:"))
	for _, cmd := range commands {
		fmt.Fprintf(w, "  %s\n        %s\n", strings.TrimPrefix(cmd.synopsis(), "sesame "), t.L(cmd.summary))
	}
	fmt.Fprintf(w, "  help\n        %s\n\n", t.L("show this text; \"sesame COMMAND --help\" tells more about one command"))
	fmt.Fprintln(w, t.L(`Options (before the command):
  --db PATH|URL  the database: a file (default: $SESAME_DB, else the
                 configuration's, else sesame/sesame.db in your configuration
                 folder: ~/.config on Linux), or a PostgreSQL server's database
                 shared by several workstations,
                 postgres://USER@HOST/DATABASE?sslmode=verify-full (the
                 password from ~/.pgpass or PGPASSFILE rather than the URL)
  --lang en|fr   the language of the window and of the command line (default:
                 the configuration's, else the system's, from $LANGUAGE,
                 $LC_ALL, $LC_MESSAGES or $LANG)
  --kiosk        open the window full screen for a shared workstation: an
                 employee cannot close it (--kiosk=false overrides the
                 configuration)

Configuration files (TOML; the second wins, flags and environment win over
both): /etc/sesame/sesame.toml, then sesame/sesame.toml in your
configuration folder. Keys: database = "PATH|URL", language = "en|fr",
kiosk = true|false.

Passwords are read from standard input, one a line, and are not hidden as you
type: pipe them in. A password that Sésame makes is printed alone on one line
of standard output; notes go to standard error. The audit trail names the
command line's actions as done by system:<your login>.

Environment:
  SESAME_DB      the database file or URL, when --db is not given
  SESAME_SYSTEM_CONFIG  the workstation's configuration file, instead of
                 /etc/sesame/sesame.toml

Exit status:
  0  success
  1  error: bad input, unknown user, refused action
  2  invalid credentials
  3  the password is temporary and must be changed (sesame passwd)
  4  locked after too many failed attempts
  5  the temporary password has expired
  6  password rejected by the policy
  7  account disabled
  8  the window cannot open: no display`))
}

// catalog returns the translations of a language, English when it has
// none: the translation files are part of the binary, checked by tests.
func catalog(lang string) *i18n.Catalog {
	t, err := i18n.Load(assets.Translations, lang)
	if err != nil {
		t, _ = i18n.Load(assets.Translations, "en")
	}
	return t
}

// Run runs the command that args name (without the program's own flags)
// and returns the exit status. Everything it writes goes through Visible.
func Run(ctx context.Context, env Env, args []string) int {
	stdout, stderr := Visible(env.Stdout), Visible(env.Stderr)
	defer stdout.Flush()
	defer stderr.Flush()
	env.Stdout, env.Stderr = stdout, stderr
	t := catalog(env.Language)
	if len(args) == 0 || IsHelp(args[0]) || groups[args[0]] && len(args) > 1 && IsHelp(args[1]) {
		usage(env.Stdout, t)
		return exitOK
	}
	cmd, rest, err := lookup(args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "sesame: %s\n\n", t.Message(err.(*usageError).msg))
		usage(env.Stderr, t)
		return exitError
	}
	err = cmd.run(&call{ctx: ctx, env: env, cmd: cmd, args: rest, t: t})
	return report(env.Stderr, t, cmd, err)
}

// lookup finds the command that args name and returns it with the
// arguments that follow its name.
func lookup(args []string) (*command, []string, error) {
	name, n := args[0], 1
	if groups[args[0]] {
		if len(args) < 2 {
			return nil, nil, usagef("\"{{.Command}}\" needs a sub-command.", "Command", args[0])
		}
		name, n = args[0]+" "+args[1], 2
	}
	for _, cmd := range commands {
		if cmd.name == name {
			return cmd, args[n:], nil
		}
	}
	return nil, nil, usagef("Unknown command \"{{.Command}}\".", "Command", name)
}

// report prints what ended a command and returns its exit status.
func report(stderr io.Writer, t *i18n.Catalog, cmd *command, err error) int {
	var (
		usage  *usageError
		status exitStatus
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &status):
		return int(status)
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "sesame: %s\n%s %s\n%s\n", t.Message(usage.msg), t.L("usage:"), cmd.synopsis(),
			t.L("Run \"sesame {{.Command}} --help\" for details.", "Command", cmd.name))
		return exitError
	}
	return Report(stderr, t.Language(), err)
}

// Report prints an error as the command line does, in a language, and
// returns the exit status that goes with it.
func Report(stderr io.Writer, lang string, err error) int {
	w := Visible(stderr)
	defer w.Flush()
	t := catalog(lang)
	var usage *usageError
	if errors.As(err, &usage) {
		fmt.Fprintf(w, "sesame: %s\n", t.Message(usage.msg))
		return exitError
	}
	fmt.Fprintf(w, "sesame: %s\n", message(t, err))
	return exitCode(err)
}

// Notes prints notes for the person (what opening the database found), in
// a language, on standard error.
func Notes(stderr io.Writer, lang string, notes []app.Message) {
	w := Visible(stderr)
	defer w.Flush()
	t := catalog(lang)
	for _, n := range notes {
		fmt.Fprintf(w, "sesame: %s %s\n", t.L("note:"), t.Message(humanMessage(t, n)))
	}
}

// FlagError turns an error of the flag package into a usage error, said
// in words that translate.
func FlagError(err error) error { return flagError(err, "") }

// exitCode maps an error of the domain to an exit status.
func exitCode(err error) int {
	switch app.CodeOf(err) {
	case "":
		return exitOK
	case app.EAuth:
		return exitAuth
	case app.ELocked:
		return exitLocked
	case app.EExpired:
		return exitExpired
	case app.EPolicy:
		return exitPolicy
	case app.EDisabled:
		return exitDisabled
	}
	return exitError
}

// outcomeStatus maps a sign-in outcome to an exit status.
func outcomeStatus(o app.Outcome) int {
	switch o {
	case app.OutcomeSignedIn:
		return exitOK
	case app.OutcomeMustChange:
		return exitMustChange
	case app.OutcomeLocked:
		return exitLocked
	case app.OutcomeExpired:
		return exitExpired
	case app.OutcomeDisabled:
		return exitDisabled
	}
	return exitAuth
}

// exitStatus ends a command whose output has already said everything.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// call is one run of a command.
type call struct {
	ctx  context.Context
	env  Env
	cmd  *command
	args []string
	t    *i18n.Catalog // the language of what it says
}

func (c *call) svc() *app.Service { return c.env.Service }

// table writes aligned columns on standard output; flush it when done.
func (c *call) table() *tabwriter.Writer {
	return tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', 0)
}

// header writes the translated headings of a table's columns.
func (c *call) header(tw io.Writer, columns ...string) {
	for i, col := range columns {
		columns[i] = c.t.L(col)
	}
	fmt.Fprintln(tw, strings.Join(columns, "\t"))
}

// say writes a result on standard output, translated and filled with
// data given as key, value pairs, on a line of its own.
func (c *call) say(text string, kv ...any) { fmt.Fprintln(c.env.Stdout, c.t.L(text, shownAll(kv)...)) }

// note writes a note for the person on standard error, so that standard
// output holds the result alone.
func (c *call) note(text string, kv ...any) { fmt.Fprintln(c.env.Stderr, c.t.L(text, shownAll(kv)...)) }

// sayN and noteN are say and note for a text whose form depends on the
// count n, which the template reads as {{.N}}.
func (c *call) sayN(text string, n int, kv ...any) {
	fmt.Fprintln(c.env.Stdout, c.t.N(text, n, shownAll(kv)...))
}

func (c *call) noteN(text string, n int, kv ...any) {
	fmt.Fprintln(c.env.Stderr, c.t.N(text, n, shownAll(kv)...))
}

// printRaw writes a value as it is (a password, a setting's value) on a
// line of standard output.
func (c *call) printRaw(v string) { fmt.Fprintln(c.env.Stdout, v) }
