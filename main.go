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
	"iter"
	"os"
	"os/user"
	"path/filepath"
	"time"

	fyneapp "fyne.io/fyne/v2/app"

	"sesame/app"
	"sesame/assets"
	"sesame/data/postgres"
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
	dbFlag := fs.String("db", "", "database file or postgres:// URL (default $SESAME_DB, else a file in the user's config folder)")
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

	env := cli.Env{Actor: app.SystemActor(osUser()), Stdin: stdin, Stdout: stdout, Stderr: stderr, Copy: copyDirectory}
	if !cli.NeedsStore(rest) {
		return cli.Run(context.Background(), env, rest)
	}
	where, err := database(*dbFlag)
	if err != nil {
		fmt.Fprintln(stderr, "sesame:", err)
		return 1
	}
	db, err := openStore(where)
	if err != nil {
		fmt.Fprintln(stderr, "sesame:", app.AsError(err).Error())
		return 1
	}
	defer db.Close()
	blocklist, err := app.ReadBlocklist(bytes.NewReader(assets.CommonPasswords))
	if err != nil {
		fmt.Fprintln(stderr, "sesame: reading the common passwords:", err)
		return 1
	}
	svc := app.NewService(app.Config{Store: db, Blocklist: blocklist})

	if len(rest) == 0 {
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
		ui.Start(a, svc, ui.Options{Language: *language, DatabasePath: shown(where), SendMailNow: sendNow})
		a.Run()
		return 0
	}
	env.Service, env.Mailer = svc, smtp.Sender{}
	env.Generate = func(ctx context.Context, n int, seed int64) error {
		_, err := sample.Load(ctx, db, n, seed)
		return err
	}
	return cli.Run(context.Background(), env, rest)
}

// store is what main needs of a store: the domain's Store, the bulk load of
// the generator and the copy of a whole directory.
type store interface {
	app.Store
	app.Archive
	LoadUsers(ctx context.Context, users iter.Seq[app.User], n int) (int, error)
	Close() error
}

// openStore opens the database that where names: a PostgreSQL server's for
// a postgres:// or postgresql:// URL, else a SQLite file.
func openStore(where string) (store, error) {
	if postgres.IsURL(where) {
		return postgres.Open(where)
	}
	return sqlite.Open(where)
}

// shown is where, fit to show: without a password.
func shown(where string) string {
	if postgres.IsURL(where) {
		return postgres.Redact(where)
	}
	return where
}

// copyDirectory copies the whole directory of one database into another,
// empty one (sesame db copy). The source must exist: no file is made for it.
func copyDirectory(ctx context.Context, from, to string) (app.DirectoryCounts, error) {
	if !postgres.IsURL(from) {
		if _, err := os.Stat(from); err != nil {
			return app.DirectoryCounts{}, app.Errorf(app.EInvalid, "There is no database {{.Path}} to copy.", "Path", from)
		}
	}
	if sameDatabase(from, to) {
		return app.DirectoryCounts{}, app.Errorf(app.EInvalid, "The source and the target are the same database.")
	}
	src, err := openStore(from)
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

// database is --db, else $SESAME_DB, else the default file.
func database(flagValue string) (string, error) {
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
