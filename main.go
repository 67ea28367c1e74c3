// Command sesame is Sésame: with no sub-command it opens the desktop
// window; with one, it runs that command line action on the same database.
// main wires the parts together and does nothing else.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"sesame/app"
	"sesame/app/hashproc"
	"sesame/assets"
	"sesame/data/breach"
	"sesame/data/postgres"
	"sesame/data/sample"
	"sesame/data/smtp"
	"sesame/data/sqlite"
	"sesame/ui"
	"sesame/ui/cli"
	"sesame/ui/config"
	"sesame/ui/display"
	// ui/locale also keeps Fyne's lang package from logging on a
	// command's output under LANG=C.UTF-8 while the packages start.
	"sesame/ui/locale"
)

// buildProblem says why this binary cannot open a database, if it cannot
// (see nofts5.go).
var buildProblem error

// meterFrames, set in a build with the tag framemeter (framemeter.go),
// records the window's frames.
var meterFrames func(fyne.App)

func main() {
	if len(os.Args) > 1 && os.Args[1] == hashproc.Arg { // a child of the window's
		os.Exit(hashproc.Serve(os.Args[2:], os.Stdin, os.Stdout))
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	locale.Started()
	visibleOut, visibleErr := cli.Visible(stdout), cli.Visible(stderr)
	defer visibleOut.Flush()
	defer visibleErr.Flush()
	stdout, stderr = visibleOut, visibleErr
	fs := flag.NewFlagSet("sesame", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbPath := fs.String("db", "", "database file or postgres:// URL (default $SESAME_DB, else a file in the user's config folder)")
	language := fs.String("lang", "", "language of the window and the command line: en or fr (default: the system's)")
	kiosk := fs.Bool("kiosk", false, "open the sign-in full screen for a shared workstation, which an employee cannot close")
	fs.Usage = func() {} // printed below: on stdout when asked for, on stderr after a mistake
	lang := locale.Language()
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			cli.Usage(stdout, lang)
			return 0
		}
		cli.Report(stderr, lang, cli.FlagError(err))
		cli.Usage(stderr, lang)
		return 1
	}
	rest := fs.Args()
	if *language != "" {
		l, err := app.ParseLanguage(*language)
		if err != nil {
			return cli.Report(stderr, lang, err)
		}
		lang = l.Code
	}
	if len(rest) > 0 && cli.IsHelp(rest[0]) {
		cli.Usage(stdout, lang)
		return 0
	}
	// The configuration files come under the flags and the environment.
	cfg, err := config.Load(config.Paths())
	if err != nil {
		return cli.Report(stderr, lang, err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if cfg.Language != "" && !given["lang"] {
		lang = cfg.Language
	}
	if !given["kiosk"] {
		*kiosk = cfg.Kiosk
	}
	if buildProblem != nil {
		return cli.Report(stderr, lang, buildProblem)
	}

	env := cli.Env{Actor: app.SystemActor(osUser()), Stdin: stdin, Stdout: stdout, Stderr: stderr, Copy: copyDirectory, Language: lang}
	if !cli.NeedsStore(rest) {
		return cli.Run(context.Background(), env, rest)
	}
	if given["db"] && *dbPath == "" {
		cli.Report(stderr, lang, app.Errorf(app.EInvalid, "--db needs the path of a database file or a postgres:// URL."))
		cli.Usage(stderr, lang)
		return 1
	}
	path, err := databasePath(*dbPath, cfg.Database)
	if err != nil {
		fmt.Fprintln(stderr, "sesame:", err)
		return 1
	}
	// The policy's lists are read when a password is first judged: a
	// command that judges none never reads them.
	blocklist := app.NewBlocklist(app.BlocklistSources{
		Common:    assets.CommonPasswords,
		Words:     assets.Words,
		Keyboards: assets.Keyboards,
		Breached:  breach.Load(assets.BreachedPasswords),
	})
	config := app.Config{Blocklist: blocklist}

	if len(rest) == 0 {
		if err := display.Check(); err != nil {
			cli.Report(stderr, lang, noDisplay(err))
			return cli.ExitNoDisplay
		}
		db, err := openStore(path)
		if err != nil {
			return cli.Report(stderr, lang, err)
		}
		defer db.Close()
		notes(stderr, lang, db)
		// The window gives feedback at each keystroke: read the lists now.
		go blocklist.Prepare()
		// The outbox is delivered in the background while the window is
		// open, and at once after an action that queued a message; the
		// delivery ends, a message under way included, before the database
		// closes.
		var delivery *app.MailDelivery
		config.Store = db
		config.Deliver = func(context.Context, *app.Service) { delivery.Kick() }
		// Bulk actions and imports hash in child processes of lowest
		// priority, so that the window stays responsive while they use
		// every core (package hashproc).
		config.HashWorkers = hashproc.Start
		svc := app.NewService(config)
		delivery = svc.StartMailDelivery(smtp.Sender{}, 30*time.Second, func(err error) {
			fmt.Fprintln(stderr, "sesame: delivering e-mail:", app.AsError(err).Error())
		})
		defer delivery.Stop()
		a := fyneapp.NewWithID("app.sesame.desktop")
		// The language is always given, so that Fyne reads a locale it
		// understands (see ui/locale).
		stopWindow := ui.Start(a, svc, ui.Options{Language: lang, DatabasePath: shown(path), Kiosk: *kiosk})
		if meterFrames != nil {
			meterFrames(a)
		}
		a.Run()
		stopWindow()
		return 0
	}
	db, err := openForCommand(path, access(rest))
	if err != nil {
		return cli.Report(stderr, lang, err)
	}
	defer db.Close()
	// A command delivers what it queued before it ends.
	delivery := &cli.Delivery{Mailer: smtp.Sender{}}
	config.Store, config.Deliver = db, delivery.Deliver
	env.Service, env.Delivery = app.NewService(config), delivery
	env.Generate = func(ctx context.Context, n int, seed int64) error {
		_, err := sample.Load(ctx, db, n, seed)
		return err
	}
	// Ctrl+C stops a long command between two of its transactions: a bulk
	// action keeps what it finished and says so.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	status := cli.Run(ctx, env, rest)
	notes(stderr, lang, db)
	return status
}

// noDisplay says in words why the window cannot open.
func noDisplay(err error) error {
	if errors.Is(err, display.ErrNone) {
		return app.Errorf(app.EInvalid, "There is no display to open the window on ($DISPLAY is not set): run Sésame in a graphical session, or give it a command (sesame help lists them).")
	}
	e := app.Errorf(app.EInvalid, "The display {{.Display}} does not answer, so the window cannot open: run Sésame in a graphical session, or give it a command (sesame help lists them).",
		"Display", os.Getenv("DISPLAY"))
	e.Err = err
	return e
}

// notes prints what opening the database found for a person to know.
func notes(stderr io.Writer, lang string, db any) {
	if n, ok := db.(interface{ Notes() []app.Message }); ok {
		cli.Notes(stderr, lang, n.Notes())
	}
}

// commandStore is what a command needs of a store: the domain's Store and
// the bulk load of the generator.
type commandStore interface {
	app.Store
	LoadUsers(ctx context.Context, users iter.Seq[app.User], n int) (int, error)
	Close() error
}

// store is a whole store, that a directory can be copied out of and into.
type store interface {
	commandStore
	app.Archive
}

// openStore opens the database that where names: a PostgreSQL server's for
// a postgres:// or postgresql:// URL, else a SQLite file.
func openStore(where string) (store, error) {
	if postgres.IsURL(where) {
		return postgres.Open(where)
	}
	return sqlite.Open(where)
}

// openForCommand opens the database of a command: a SQLite file when the
// command first needs it (a usage error creates nothing; a command that
// only reads takes no lock; only init makes a database), a PostgreSQL
// server's at once.
func openForCommand(where string, access sqlite.Access) (commandStore, error) {
	if postgres.IsURL(where) {
		return postgres.Open(where)
	}
	return sqlite.OpenLazily(where, access), nil
}

// access is what the command that args name may do with a database file.
func access(args []string) sqlite.Access {
	switch {
	case cli.ReadOnly(args):
		return sqlite.ReadOnly
	case cli.Creates(args):
		return sqlite.Create
	}
	return sqlite.ReadWrite
}

// shown is where, fit to show: without a password.
func shown(where string) string {
	if postgres.IsURL(where) {
		return postgres.Redact(where)
	}
	return where
}

// copyDirectory copies the whole directory of one database into another,
// empty one (sesame db copy). A source file is opened read-only: nothing is
// made or changed there.
func copyDirectory(ctx context.Context, from, to string) (app.DirectoryCounts, error) {
	if sameDatabase(from, to) {
		return app.DirectoryCounts{}, app.Errorf(app.EInvalid, "The source and the target are the same database.")
	}
	var src store
	var err error
	if postgres.IsURL(from) {
		src, err = postgres.Open(from)
	} else {
		src, err = sqlite.OpenReadOnly(from)
	}
	if err != nil {
		return app.DirectoryCounts{}, err
	}
	defer src.Close()
	dst, err := openStore(to)
	if err != nil {
		return app.DirectoryCounts{}, err
	}
	defer dst.Close()
	return app.CopyDirectory(ctx, src, dst)
}

// sameDatabase reports whether two --db values name one database.
func sameDatabase(a, b string) bool {
	if postgres.IsURL(a) || postgres.IsURL(b) {
		return a == b
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// databasePath is --db, else $SESAME_DB (when not empty), else the
// configuration files' database, else the default file.
func databasePath(flagValue, configured string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if env := os.Getenv("SESAME_DB"); env != "" {
		return env, nil
	}
	if configured != "" {
		return configured, nil
	}
	return sqlite.DefaultPath()
}

// osUser names the operating-system user for the audit of command line actions.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return n
	}
	return "unknown"
}
