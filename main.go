// Command sesame is Sésame: with no sub-command it opens the desktop
// window; with one, it runs that command line action on the same database.
// main wires the parts together and does nothing else.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"syscall"
	"time"

	fyneapp "fyne.io/fyne/v2/app"

	"sesame/app"
	"sesame/assets"
	"sesame/data/sample"
	"sesame/data/smtp"
	"sesame/data/sqlite"
	"sesame/ui"
	"sesame/ui/cli"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sesame", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "database file (default $SESAME_DB, else the user's config folder)")
	language := fs.String("lang", "", "language of the window: en or fr (default: the system's)")
	fs.Usage = func() {} // printed below: on stdout when asked for, on stderr after a mistake
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			cli.Usage(stdout)
			return 0
		}
		cli.Usage(stderr)
		return 1
	}
	rest := fs.Args()
	if len(rest) > 0 && cli.IsHelp(rest[0]) {
		cli.Usage(stdout)
		return 0
	}
	if *language != "" && *language != "en" && *language != "fr" {
		fmt.Fprintf(stderr, "sesame: unknown language %q: use en or fr\n", *language)
		return 1
	}

	dbGiven := false
	fs.Visit(func(f *flag.Flag) { dbGiven = dbGiven || f.Name == "db" })
	if dbGiven && *dbPath == "" {
		fmt.Fprintln(stderr, "sesame: --db needs the path of a database file")
		cli.Usage(stderr)
		return 1
	}
	path, err := databasePath(*dbPath)
	if err != nil {
		fmt.Fprintln(stderr, "sesame:", err)
		return 1
	}
	blocklist, err := app.ReadBlocklist(bytes.NewReader(assets.CommonPasswords))
	if err != nil {
		fmt.Fprintln(stderr, "sesame: reading the common passwords:", err)
		return 1
	}

	if len(rest) == 0 {
		db, err := sqlite.Open(path)
		if err != nil {
			fmt.Fprintln(stderr, "sesame:", app.AsError(err).Error())
			return 1
		}
		defer db.Close()
		notes(stderr, db.Notes())
		svc := app.NewService(app.Config{Store: db, Blocklist: blocklist})
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
	// Ctrl+C stops a long command between two of its transactions: a bulk
	// action keeps what it finished and says so.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	status := cli.Run(ctx, cli.Env{
		Service: svc,
		Actor:   app.SystemActor(osUser()),
		Stdin:   stdin,
		Stdout:  stdout,
		Stderr:  stderr,
		Generate: func(ctx context.Context, n int, seed int64) error {
			_, err := sample.Load(ctx, db, n, seed)
			return err
		},
		Mailer: smtp.Sender{},
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
