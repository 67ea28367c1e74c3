// Package pgtest runs throwaway PostgreSQL servers for tests: initdb in a
// temporary folder (as the postgres user when the tests run as root, since
// initdb refuses root), the server on a free loopback port with TLS on
// (a certificate authority made for the run), password authentication
// over TCP, stopped and removed at the end.
//
// A package's tests share one server: call Main from TestMain and Shared
// from the tests; each test takes a database of its own with NewDatabase.
//
// Without PostgreSQL installed, tests are skipped, unless SESAME_POSTGRES
// is set (make test sets it to the server's bin folder): then they fail,
// so that a broken install never passes silently.
package pgtest

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
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Password is the superuser's password on every test server.
const Password = "pgtest-Secret-4711"

// Server is a running throwaway server.
type Server struct {
	Dir    string // the temporary folder: data, socket, log, certificates
	Port   int
	CAFile string // the certificate authority that signed the server's certificate (PEM)

	bin   string
	owner *user.User   // who runs the server when the tests run as root; nil otherwise
	next  atomic.Int64 // database names
}

// BinDir finds the server's programs: $SESAME_POSTGRES, else pg_config
// --bindir, else /usr/lib/postgresql/*/bin. It returns an error saying how
// to install PostgreSQL when there are none.
func BinDir() (string, error) {
	if dir := os.Getenv("SESAME_POSTGRES"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
			return "", fmt.Errorf("PostgreSQL's server programs are not in SESAME_POSTGRES=%s: `make test` installs Debian's postgresql package (%w)", dir, err)
		}
		return dir, nil
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	if found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb"); len(found) > 0 {
		return filepath.Dir(found[len(found)-1]), nil
	}
	return "", errors.New("PostgreSQL is not installed: `make test` installs it (Debian: apt-get install postgresql postgresql-contrib)")
}

// Options change how a server starts.
type Options struct {
	Config map[string]string // extra postgresql.conf settings
}

// Start initialises and starts a server in a new temporary folder. Stop it
// with Stop.
func Start(o Options) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	reap(bin)
	dir, err := os.MkdirTemp("", "sesame-pg-")
	if err != nil {
		return nil, err
	}
	// The test binary that started the server, so that a later run can stop
	// the server of one that died before stopping it (a panic).
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{Dir: dir, bin: bin}
	if err := s.init(o); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	for range 5 { // a free port may be taken between the check and the start
		s.Port = freePort()
		if err = s.start(); err == nil {
			return s, nil
		}
	}
	os.RemoveAll(dir)
	return nil, err
}

// reap stops and removes the servers left by test binaries that are gone.
func reap(bin string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "sesame-pg-*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(string(b))
		if err != nil || pid == os.Getpid() || alive(pid) {
			continue
		}
		s := &Server{Dir: dir, bin: bin}
		if info, err := os.Stat(filepath.Join(dir, "data")); err == nil && os.Geteuid() == 0 {
			if u, err := user.LookupId(strconv.Itoa(int(ownerUID(info)))); err == nil {
				s.owner = u
			}
		}
		_ = s.Stop()
	}
}

// alive reports whether a process exists.
func alive(pid int) bool {
	return syscall.Kill(pid, 0) == nil || errors.Is(syscall.Kill(pid, 0), syscall.EPERM)
}

func ownerUID(info os.FileInfo) uint32 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Uid
	}
	return 0
}

// StartT starts a server of its own for one test, stopped at its end; the
// test is skipped or fails as BinDir and SESAME_POSTGRES say.
func StartT(t testing.TB, o Options) *Server {
	t.Helper()
	s, err := Start(o)
	if err != nil {
		skipOrFail(t, err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if _, found := BinDir(); found != nil && os.Getenv("SESAME_POSTGRES") == "" {
		t.Skip(err)
	}
	t.Fatal(err)
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// run runs a server program, as the postgres user when root.
func (s *Server) run(name string, args ...string) error {
	prog := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.owner != nil {
		cmd = exec.Command("runuser", append([]string{"-u", s.owner.Username, "--", prog}, args...)...)
	} else {
		cmd = exec.Command(prog, args...)
	}
	cmd.Dir = s.Dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, out)
	}
	return nil
}

func (s *Server) data() string { return filepath.Join(s.Dir, "data") }

func (s *Server) init(o Options) error {
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("initdb refuses root and there is no postgres user: %w", err)
		}
		s.owner = u
	}
	if err := s.makeCertificates(); err != nil {
		return err
	}
	pwfile := filepath.Join(s.Dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(Password+"\n"), 0o600); err != nil {
		return err
	}
	if err := s.chown(); err != nil {
		return err
	}
	if err := s.run("initdb", "-D", s.data(), "--no-locale", "-E", "UTF8", "-U", "postgres", "--pwfile", pwfile,
		"--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"); err != nil {
		return err
	}
	settings := map[string]string{
		"listen_addresses":        "'127.0.0.1'",
		"unix_socket_directories": "'" + s.Dir + "'",
		"ssl":                     "on",
		"ssl_cert_file":           "'" + filepath.Join(s.Dir, "server.crt") + "'",
		"ssl_key_file":            "'" + filepath.Join(s.Dir, "server.key") + "'",
		"fsync":                   "off", // a throwaway server: speed over durability
		"full_page_writes":        "off",
		"max_connections":         "200",
	}
	for k, v := range o.Config {
		settings[k] = v
	}
	var conf strings.Builder
	for k, v := range settings {
		fmt.Fprintf(&conf, "%s = %s\n", k, v)
	}
	f, err := os.OpenFile(filepath.Join(s.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(conf.String()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// chown gives the folder and what is in it to the server's user.
func (s *Server) chown() error {
	if s.owner == nil {
		return nil
	}
	uid, _ := strconv.Atoi(s.owner.Uid)
	gid, _ := strconv.Atoi(s.owner.Gid)
	return filepath.Walk(s.Dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(p, uid, gid)
	})
}

func (s *Server) start() error {
	conf := fmt.Sprintf("-p %d", s.Port)
	return s.run("pg_ctl", "-D", s.data(), "-l", filepath.Join(s.Dir, "server.log"), "-o", conf, "-w", "-t", "60", "start")
}

// Stop stops the server and removes its folder.
func (s *Server) Stop() error {
	err := s.run("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop")
	return errors.Join(err, os.RemoveAll(s.Dir))
}

// Kill stops the server as a crash would, cutting every connection;
// StartAgain brings it back.
func (s *Server) Kill() error {
	return s.run("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop")
}

// StartAgain starts a server stopped by Kill, on the same port.
func (s *Server) StartAgain() error { return s.start() }

// URL returns a connection URL for a database as the superuser, with the
// password in it, TLS required but not verified.
func (s *Server) URL(database string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword("postgres", Password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)), Path: "/" + database, RawQuery: "sslmode=require"}
	return u.String()
}

// Exec runs statements on a database as the superuser.
func (s *Server) Exec(ctx context.Context, database string, sql ...string) error {
	conn, err := pgx.Connect(ctx, s.URL(database))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, q := range sql {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// NewDatabase creates an empty database for one test (from template, when
// not ""), dropped at its end, and returns its URL.
func (s *Server) NewDatabase(t testing.TB, template string) string {
	t.Helper()
	name := fmt.Sprintf("test_%d_%d", os.Getpid(), s.next.Add(1))
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if err := s.Exec(context.Background(), "postgres", create); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Exec(context.Background(), "postgres", "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Error(err)
		}
	})
	return s.URL(name)
}

var (
	shared    *Server
	sharedErr error
	once      sync.Once
)

// Shared returns the server of this test binary, started at the first call
// and stopped by Main.
func Shared(t testing.TB) *Server {
	t.Helper()
	once.Do(func() { shared, sharedErr = Start(Options{}) })
	if sharedErr != nil {
		skipOrFail(t, sharedErr)
	}
	return shared
}

// Main runs the tests and stops the shared server, if one was started.
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	return code
}

// makeCertificates makes a certificate authority and, signed by it, the
// server's certificate for localhost and 127.0.0.1.
func (s *Server) makeCertificates() error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Sésame test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	s.CAFile = filepath.Join(s.Dir, "ca.crt")
	for name, block := range map[string]*pem.Block{
		s.CAFile:                           {Type: "CERTIFICATE", Bytes: caDER},
		filepath.Join(s.Dir, "server.crt"): {Type: "CERTIFICATE", Bytes: der},
		filepath.Join(s.Dir, "server.key"): {Type: "EC PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(name, pem.EncodeToMemory(block), 0o600); err != nil {
			return err
		}
	}
	return nil
}
