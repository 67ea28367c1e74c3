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
	"os/user"
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
	if *language != "" {
		if _, err := app.ParseLanguage(*language); err != nil {
			fmt.Fprintln(stderr, "sesame:", app.AsError(err).Error())
			return 1
		}
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
	config := app.Config{Blocklist: blocklist}

	if len(rest) == 0 {
		db, err := sqlite.Open(path)
		if err != nil {
			fmt.Fprintln(stderr, "sesame:", app.AsError(err).Error())
			return 1
		}
		defer db.Close()
		notes(stderr, db.Notes())
		// The outbox is delivered in the background while the window is
		// open, and at once after an action that queued a message; the
		// delivery ends, a message under way included, before the database
		// closes.
		var delivery *app.MailDelivery
		config.Store = db
		config.Deliver = func(context.Context, *app.Service) { delivery.Kick() }
		svc := app.NewService(config)
		delivery = svc.StartMailDelivery(smtp.Sender{}, 30*time.Second, func(err error) {
			fmt.Fprintln(stderr, "sesame: delivering e-mail:", app.AsError(err).Error())
		})
		defer delivery.Stop()
		a := fyneapp.NewWithID("app.sesame.desktop")
		ui.Start(a, svc, ui.Options{Language: *language, DatabasePath: path})
		a.Run()
		return 0
	}
	// The database is opened when a command first needs it: a usage error
	// creates nothing, and a command that only reads takes no lock. A
	// command delivers what it queued before it ends.
	db := sqlite.OpenLazily(path, cli.ReadOnly(rest))
	defer db.Close()
	delivery := &cli.Delivery{Mailer: smtp.Sender{}}
	config.Store, config.Deliver = db, delivery.Deliver
	status := cli.Run(context.Background(), cli.Env{
		Service:  app.NewService(config),
		Actor:    app.SystemActor(osUser()),
		Stdin:    stdin,
		Stdout:   stdout,
		Stderr:   stderr,
		Delivery: delivery,
		Generate: func(ctx context.Context, n int, seed int64) error {
			_, err := sample.Load(ctx, db, n, seed)
			return err
		},
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
