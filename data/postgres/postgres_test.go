package postgres_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/postgres"
	"sesame/data/postgres/pgtest"
	"sesame/data/sample"
	"sesame/data/sqlite"
	"sesame/data/storetest"
)

func TestIsURL(t *testing.T) {
	for s, want := range map[string]bool{
		"postgres://h/db": true, "postgresql://u@h:5432/db?sslmode=verify-full": true, "POSTGRES://h/db": true,
		"/home/ana/sesame.db": false, "sesame.db": false, "postgres.db": false, "host=h dbname=db": false, "": false,
	} {
		if got := postgres.IsURL(s); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://ana:S3cret@db.example:5432/sesame?sslmode=verify-full": "postgres://ana:xxxxx@db.example:5432/sesame?sslmode=verify-full",
		"postgres://ana@db.example/sesame?password=S3cret&sslmode=require": "postgres://ana@db.example/sesame?password=xxxxx&sslmode=require",
		"postgres://db.example/sesame":                                     "postgres://db.example/sesame",
		"host=db.example password=S3cret dbname=sesame":                    "host=db.example password=xxxxx dbname=sesame",
		"host=db.example password='S3 cr\\'et' dbname=sesame":              "host=db.example password=xxxxx dbname=sesame",
	} {
		if got := postgres.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// noSecret fails the test if err, its causes or their details show the
// password in any form.
func noSecret(t *testing.T, err error, password string) {
	t.Helper()
	forms := []string{password, url.QueryEscape(password), url.PathEscape(password)}
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, text := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
			for _, f := range forms {
				if strings.Contains(text, f) {
					t.Errorf("the password shows in an error: %s", text)
				}
			}
		}
	}
}

// TestOpenErrorsHideThePassword: whatever goes wrong when connecting, the
// error names the database and the cause, never the password.
func TestOpenErrorsHideThePassword(t *testing.T) {
	srv := pgtest.Shared(t)
	const secret = "Sup3r/Secret:p@ss%word"
	userinfo := url.UserPassword("postgres", secret).String()
	port := strconv.Itoa(srv.Port)
	for name, c := range map[string]struct{ conn, cause string }{
		"wrong port":     {"postgres://" + userinfo + "@127.0.0.1:1/sesame?connect_timeout=5", "cannot be reached"},
		"wrong host":     {"postgres://" + userinfo + "@nohost.invalid:5432/sesame?connect_timeout=5", "cannot be reached"},
		"wrong database": {"postgres://postgres:" + url.QueryEscape(pgtest.Password) + "@127.0.0.1:" + port + "/nosuchdb?password=" + url.QueryEscape(secret), "refused"},
		"wrong password": {"postgres://" + userinfo + "@127.0.0.1:" + port + "/postgres", "refused the user or the password"},
		"key=value form": {"host=127.0.0.1 port=" + port + " user=postgres password='" + secret + "' dbname=postgres", "refused the user or the password"},
		"bad URL":        {"postgres://" + userinfo + "@127.0.0.1:" + port + "/db?sslmode=sometimes", "not valid"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := postgres.Open(c.conn)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if app.CodeOf(err) != app.EInternal || !strings.Contains(err.Error(), c.cause) {
				t.Errorf("error %q (%s), want the cause %q", err, app.CodeOf(err), c.cause)
			}
			if !strings.Contains(err.Error(), "xxxxx") && strings.Contains(c.conn, "postgres://") {
				t.Errorf("error %q does not name the database", err)
			}
			noSecret(t, err, secret)
		})
	}
}

// TestVerifyFull: with sslmode=verify-full the server's certificate is
// checked against the authority given, and a server that another
// authority vouches for is refused.
func TestVerifyFull(t *testing.T) {
	srv := pgtest.Shared(t)
	base := newURL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"localhost", "127.0.0.1"} {
		u.Host = host + ":" + strconv.Itoa(srv.Port)
		u.RawQuery = url.Values{"sslmode": {"verify-full"}, "sslrootcert": {srv.CAFile}}.Encode()
		db, err := postgres.Open(u.String())
		if err != nil {
			t.Fatalf("verify-full against %s: %v", host, err)
		}
		write(t, db, func(tx app.Tx) error { return tx.PutSetting("company.name", "ACME") })
		db.Close()
	}
	other := filepath.Join(t.TempDir(), "other-ca.crt")
	writeCA(t, other)
	u.RawQuery = url.Values{"sslmode": {"verify-full"}, "sslrootcert": {other}}.Encode()
	_, err = postgres.Open(u.String())
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a server signed by another authority: %v", err)
	}
	noSecret(t, err, pgtest.Password)
}

// writeCA writes the certificate of a new authority, which signed nothing.
func writeCA(t *testing.T, path string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "Another CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPasswordFiles: with no password in the URL, PGPASSFILE, then
// ~/.pgpass, give it.
func TestPasswordFiles(t *testing.T) {
	srv := pgtest.Shared(t)
	u, err := url.Parse(newURL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User("postgres")
	line := fmt.Sprintf("127.0.0.1:%d:*:postgres:%s\n", srv.Port, pgtest.Password)
	t.Run("PGPASSFILE", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "passwords")
		if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PGPASSFILE", path)
		db, err := postgres.Open(u.String())
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	})
	t.Run("~/.pgpass", func(t *testing.T) {
		home := t.TempDir()
		if err := os.WriteFile(filepath.Join(home, ".pgpass"), []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("HOME", home)
		t.Setenv("PGPASSFILE", "")
		db, err := postgres.Open(u.String())
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	})
	t.Run("none", func(t *testing.T) {
		t.Setenv("HOME", t.TempDir())
		t.Setenv("PGPASSFILE", "")
		if _, err := postgres.Open(u.String()); err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("no password anywhere: %v", err)
		}
	})
}

// TestMigrationsOnceWhenStartingTogether: workstations opening a new
// database at the same moment migrate it once, and all open it.
func TestMigrationsOnceWhenStartingTogether(t *testing.T) {
	srv := pgtest.Shared(t)
	conn := srv.NewDatabase(t, "")
	errs := make([]error, 6)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			db, err := postgres.Open(conn)
			if err == nil {
				err = db.Write(context.Background(), func(tx app.Tx) error {
					u := storetest.Employee("Ana", fmt.Sprintf("ana%d@example.com", i))
					return tx.CreateUser(&u)
				})
				db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(conn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countUsers(t, db); n != len(errs) {
		t.Errorf("%d users, want %d", n, len(errs))
	}
	if err := srv.Exec(t.Context(), databaseOf(t, conn), `DO $$ BEGIN
		IF (SELECT count(*) <> count(DISTINCT name) OR count(*) = 0 FROM migrations) THEN
			RAISE EXCEPTION 'migrations recorded twice or not at all';
		END IF; END $$`); err != nil {
		t.Error(err)
	}
}

// TestOpenRefusesNewerDatabase: a database that a newer version migrated
// further is refused with SQLite's message.
func TestOpenRefusesNewerDatabase(t *testing.T) {
	srv := pgtest.Shared(t)
	conn := newURL(t)
	if err := srv.Exec(t.Context(), databaseOf(t, conn),
		`INSERT INTO migrations (name, applied_at) VALUES ('9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	_, err := postgres.Open(conn)
	if app.CodeOf(err) != app.EInternal {
		t.Fatalf("error %v, want an internal error", err)
	}
	want := app.Msg("The database {{.Path}} was written by a newer version of Sésame: use that version.", "Path", postgres.Redact(conn))
	if got := app.AsError(err).Message; got.String() != want.String() {
		t.Errorf("message %q, want %q", got, want)
	}
}

// databaseOf returns the name of the database of a URL.
func databaseOf(t testing.TB, conn string) string {
	t.Helper()
	u, err := url.Parse(conn)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

func countUsers(t testing.TB, db app.Store) int {
	t.Helper()
	var n int
	read(t, db, func(tx app.Tx) error {
		var err error
		n, err = tx.CountMatching("", math.MaxInt32)
		return err
	})
	return n
}

// TestConflictsRunAgain: two transactions that read the same row and write
// it both at once collide; the store runs the loser again, and no update
// is lost.
func TestConflictsRunAgain(t *testing.T) {
	db := openDB(t)
	write(t, db, func(tx app.Tx) error { return tx.PutSetting("counter", "0") })
	var runs atomic.Int32
	var bothRead sync.WaitGroup
	bothRead.Add(2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			first := true
			errs[i] = db.Write(context.Background(), func(tx app.Tx) error {
				runs.Add(1)
				v, err := tx.SettingValues()
				if err != nil {
					return err
				}
				if first { // both read before either writes
					first = false
					bothRead.Done()
					bothRead.Wait()
				}
				k, _ := strconv.Atoi(v["counter"])
				return tx.PutSetting("counter", strconv.Itoa(k+1))
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	read(t, db, func(tx app.Tx) error {
		v, err := tx.SettingValues()
		if v["counter"] != "2" {
			t.Errorf("counter %s after two increments", v["counter"])
		}
		return err
	})
	if runs.Load() < 3 {
		t.Errorf("%d runs: the collision was not run again", runs.Load())
	}
}

// TestTerminatedMidTransaction: the server ends the session in the middle
// of a write: the error says so plainly, nothing of the transaction is
// kept, and the next transaction works on a new connection.
func TestTerminatedMidTransaction(t *testing.T) {
	srv := pgtest.Shared(t)
	conn := newURL(t)
	db, err := postgres.Open(conn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ana := storetest.Employee("Ana", "ana@example.com")
	write(t, db, func(tx app.Tx) error { return tx.CreateUser(&ana) })
	name := databaseOf(t, conn)
	err = db.Write(t.Context(), func(tx app.Tx) error {
		renamed := ana
		renamed.Name = "Ana Half-Way"
		if err := tx.UpdateUser(&renamed); err != nil {
			return err
		}
		if err := srv.Exec(context.Background(), "postgres", `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = '`+name+`' AND application_name = 'sesame'`); err != nil {
			t.Error(err)
		}
		return tx.AddAudit(app.AuditEvent{At: time.Now(), Actor: "admin@example.com", Action: app.ActionUserRename})
	})
	if app.CodeOf(err) != app.EInternal || !strings.Contains(err.Error(), "connection to the database server was lost: nothing was changed") {
		t.Fatalf("error %v, want a lost connection", err)
	}
	read(t, db, func(tx app.Tx) error {
		got, err := tx.UserByID(ana.ID)
		if got.Name != "Ana" {
			t.Errorf("half a transaction was kept: %q", got.Name)
		}
		events, _ := tx.ListAudit(app.AuditQuery{})
		if len(events) != 0 {
			t.Errorf("half a transaction was kept: %d events", len(events))
		}
		return err
	})
}

// TestServerRestart: while the server is down, transactions fail with a
// clear error and change nothing; once it is back, the same store works
// again without being reopened.
func TestServerRestart(t *testing.T) {
	srv := pgtest.StartT(t, pgtest.Options{})
	if err := srv.Exec(t.Context(), "postgres", "CREATE DATABASE sesame"); err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(srv.URL("sesame"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	write(t, db, func(tx app.Tx) error { return tx.PutSetting("company.name", "ACME") })
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	err = db.Write(t.Context(), func(tx app.Tx) error { return tx.PutSetting("company.name", "Changed") })
	if app.CodeOf(err) != app.EInternal || !strings.Contains(err.Error(), "database server cannot be reached") {
		t.Errorf("error %v, want the server unreachable", err)
	}
	if err := srv.StartAgain(); err != nil {
		t.Fatal(err)
	}
	err = db.Read(t.Context(), func(tx app.Tx) error {
		v, err := tx.SettingValues()
		if v["company.name"] != "ACME" {
			t.Errorf("company.name = %q after the restart", v["company.name"])
		}
		return err
	})
	if err != nil {
		t.Fatalf("%v: %v", err, errors.Unwrap(err))
	}
	write(t, db, func(tx app.Tx) error { return tx.PutSetting("company.name", "ACME 2") })
}

// TestSearchSameAsSQLite: on one generated directory, every query of the
// benchmark mix and a few more gives the same pages, users and counts on
// PostgreSQL as on SQLite.
func TestSearchSameAsSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("generates two directories")
	}
	const n, seed = 30000, 5
	pg := openDB(t)
	lite, err := sqlite.Open(filepath.Join(t.TempDir(), "sesame.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	now := time.Now()
	if _, err := lite.LoadUsers(t.Context(), sample.Users(seed, now), n); err != nil {
		t.Fatal(err)
	}
	if _, err := pg.LoadUsers(t.Context(), sample.Users(seed, now), n); err != nil {
		t.Fatal(err)
	}
	if err := pg.CheckIndex(t.Context()); err != nil {
		t.Fatal(err)
	}
	queries := []string{"", " ", "@", "é", "Hélène", "œ", "nomail", "-", "o'", "ß", "zoë", "1980", "company.example dupont"}
	for _, q := range sample.Queries {
		queries = append(queries, q.Text)
	}
	for _, text := range queries {
		q := app.UserQuery{Text: text, Limit: 50}
		for page := 0; page < 12; page++ {
			want, got := searchPage(t, lite, q), searchPage(t, pg, q)
			if !slices.Equal(pageIDs(got), pageIDs(want)) || got.More != want.More || got.Next != want.Next {
				t.Fatalf("search %q, page %d: PostgreSQL %v (more %v), SQLite %v (more %v)", text, page,
					pageIDs(got), got.More, pageIDs(want), want.More)
			}
			if !want.More {
				break
			}
			q.After = want.Next
		}
		for _, atMost := range []int{1, 50, 10001, n + 1} {
			if got, want := countOf(t, pg, text, atMost), countOf(t, lite, text, atMost); got != want {
				t.Errorf("CountMatching(%q, %d): PostgreSQL %d, SQLite %d", text, atMost, got, want)
			}
		}
	}
}

func searchPage(t *testing.T, db app.Store, q app.UserQuery) app.UserPage {
	t.Helper()
	var p app.UserPage
	read(t, db, func(tx app.Tx) error {
		var err error
		p, err = tx.SearchUsers(q)
		return err
	})
	return p
}

func pageIDs(p app.UserPage) []int64 {
	var ids []int64
	for _, u := range p.Users {
		ids = append(ids, u.ID)
	}
	return ids
}

func countOf(t *testing.T, db app.Store, text string, atMost int) int {
	t.Helper()
	var n int
	read(t, db, func(tx app.Tx) error {
		var err error
		n, err = tx.CountMatching(text, atMost)
		return err
	})
	return n
}

// workerEnv names the database that TestWorkerProcess works on when this
// test binary runs as a second process.
const workerEnv = "SESAME_TEST_PG_WORKER"

// work makes n transactions on db as worker w: each creates a user, counts
// a failure of one shared login and adds one to a shared counter.
func work(db app.Store, w string, n int) error {
	for i := range n {
		err := db.Write(context.Background(), func(tx app.Tx) error {
			u := storetest.Employee(fmt.Sprintf("Worker %s %03d", w, i), fmt.Sprintf("%s.%03d@example.com", w, i))
			if err := tx.CreateUser(&u); err != nil {
				return err
			}
			th, err := tx.Throttle("shared@example.com")
			if err != nil {
				return err
			}
			th.Failures++
			th.LastFailure = time.Now()
			if err := tx.PutThrottle(th); err != nil {
				return err
			}
			v, err := tx.SettingValues()
			if err != nil {
				return err
			}
			k, _ := strconv.Atoi(v["counter"])
			return tx.PutSetting("counter", strconv.Itoa(k+1))
		})
		if err != nil {
			return fmt.Errorf("worker %s, transaction %d: %w", w, i, err)
		}
	}
	return nil
}

// TestWorkerProcess is the second process of TestTwoProcesses.
func TestWorkerProcess(t *testing.T) {
	conn := os.Getenv(workerEnv)
	if conn == "" {
		t.Skip("run by TestTwoProcesses")
	}
	db, err := postgres.Open(conn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := work(db, "child", 150); err != nil {
		t.Fatal(err)
	}
}

// TestTwoProcesses runs this test binary again as a second workstation
// working on the same database at the same time: no update is lost.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	conn := newURL(t)
	db, err := postgres.Open(conn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestWorkerProcess$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), workerEnv+"="+conn)
	done := make(chan error, 1)
	var output []byte
	go func() {
		var err error
		output, err = cmd.CombinedOutput()
		done <- err
	}()
	errParent := work(db, "parent", 150)
	if err := <-done; err != nil {
		t.Fatalf("second process: %v\n%s", err, output)
	}
	if errParent != nil {
		t.Fatal(errParent)
	}
	if n := countUsers(t, db); n != 300 {
		t.Errorf("%d users, want 300", n)
	}
	read(t, db, func(tx app.Tx) error {
		th, err := tx.Throttle("shared@example.com")
		if err != nil {
			return err
		}
		v, err := tx.SettingValues()
		if th.Failures != 300 || v["counter"] != "300" {
			t.Errorf("after 300 transactions: %d failures, counter %s", th.Failures, v["counter"])
		}
		return err
	})
	for _, w := range []string{"parent", "child"} {
		if got := len(storetest.SearchAll(t, db, "worker "+w+" ", 100)); got != 150 {
			t.Errorf("search finds %d users of worker %s, want 150", got, w)
		}
	}
	if err := db.CheckIndex(t.Context()); err != nil {
		t.Fatal(err)
	}
}
