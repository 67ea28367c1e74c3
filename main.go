// Command sesame is Sésame: with no sub-command it opens the desktop
// window; with one, it runs that command line action on the same database.
// main wires the parts together and does nothing else.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"time"

	fyneapp "fyne.io/fyne/v2/app"

	"sesame/app"
	"sesame/assets"
	"sesame/data/breach"
	"sesame/data/sample"
	"sesame/data/smtp"
	"sesame/data/sqlite"
	"sesame/ui"
	"sesame/ui/cli"
	// ui/locale also keeps Fyne's lang package from logging on a
	// command's output under LANG=C.UTF-8 while the packages start.
	"sesame/ui/locale"
)

// buildProblem says why this binary cannot open a database, if it cannot
// (see nofts5.go).
var buildProblem error

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	locale.Started()
	visibleOut, visibleErr := cli.Visible(stdout), cli.Visible(stderr)
	defer visibleOut.Flush()
	defer visibleErr.Flush()
	stdout, stderr = visibleOut, visibleErr
	fs := flag.NewFlagSet("sesame", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbPath := fs.String("db", "", "database file (default $SESAME_DB, else the user's config folder)")
	language := fs.String("lang", "", "language of the window and the command line: en or fr (default: the system's)")
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
	switch *language {
	case "":
	case "en", "fr":
		lang = *language
	default:
		return cli.Report(stderr, lang, app.Errorf(app.EInvalid, "Unknown language \"{{.Lang}}\": use en or fr.", "Lang", *language))
	}
	if len(rest) > 0 && cli.IsHelp(rest[0]) {
		cli.Usage(stdout, lang)
		return 0
	}
	if buildProblem != nil {
		return cli.Report(stderr, lang, buildProblem)
	}

	dbGiven := false
	fs.Visit(func(f *flag.Flag) { dbGiven = dbGiven || f.Name == "db" })
	if dbGiven && *dbPath == "" {
		cli.Report(stderr, lang, app.Errorf(app.EInvalid, "--db needs the path of a database file."))
		cli.Usage(stderr, lang)
		return 1
	}
	path, err := databasePath(*dbPath)
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

	if len(rest) == 0 {
		db, err := sqlite.Open(path)
		if err != nil {
			return cli.Report(stderr, lang, err)
		}
		defer db.Close()
		notes(stderr, db.Notes())
		svc := app.NewService(app.Config{Store: db, Blocklist: blocklist})
		// The window gives feedback at each keystroke: read the lists now.
		go blocklist.Prepare()
		// The outbox is delivered in the background while the window is open.
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		kick := make(chan struct{}, 1)
		go svc.DeliverMailEvery(ctx, smtp.Sender{}, 30*time.Second, kick)
		sendNow := func() {
			select {
			case kick <- struct{}{}:
			default: // a round is already asked for
			}
		}
		a := fyneapp.NewWithID("app.sesame.desktop")
		ui.Start(a, svc, ui.Options{Language: *language, DatabasePath: path, SendMailNow: sendNow})
		a.Run()
		return 0
	}
	// The database is opened when a command first needs it: a usage error
	// creates nothing, and a command that only reads takes no lock.
	db := sqlite.OpenLazily(path, cli.ReadOnly(rest))
	defer db.Close()
	svc := app.NewService(app.Config{Store: db, Blocklist: blocklist})
	status := cli.Run(context.Background(), cli.Env{
		Service: svc,
		Actor:   app.SystemActor(osUser()),
		Stdin:   stdin,
		Stdout:  stdout,
		Stderr:  stderr,
		Generate: func(ctx context.Context, n int, seed int64) error {
			_, err := sample.Load(ctx, db, n, seed)
			return err
		},
		Mailer:   smtp.Sender{},
		Language: lang,
	}, rest)
	notes(stderr, db.Notes())
	return status
}

// notes prints what opening the database found for a person to know.
func notes(stderr io.Writer, found []string) {
	for _, n := range found {
		fmt.Fprintln(stderr, "sesame: note:", n)
	}
}

// databasePath is --db, else $SESAME_DB (when not empty), else the default file.
func databasePath(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if env := os.Getenv("SESAME_DB"); env != "" {
		return env, nil
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
