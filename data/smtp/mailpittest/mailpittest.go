// Package mailpittest starts a real SMTP server, mailpit, for the tests of
// Sésame's e-mail: on loopback ports, with its own store, stopped when the
// test ends. Tests read what was delivered through mailpit's HTTP API.
package mailpittest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Binary finds mailpit: $SESAME_MAILPIT (set by the Makefile, which
// installs it), else bin/mailpit above the working folder, else the PATH.
// Without it the test is skipped, unless SESAME_MAILPIT is set: then it
// fails, so that a broken install never passes silently.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SESAME_MAILPIT"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("SESAME_MAILPIT=%s: %v", p, err)
		}
		return p
	}
	for dir, _ := os.Getwd(); dir != "/" && dir != "."; dir = filepath.Dir(dir) {
		if p := filepath.Join(dir, "bin", "mailpit"); fileExists(p) {
			return p
		}
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	t.Skip("mailpit not found: `make test` installs it (go install github.com/axllent/mailpit@v1.27.11)")
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Server is a running mailpit.
type Server struct {
	SMTPPort int
	HTTPPort int
	cmd      *exec.Cmd
	bin      string
	args     []string
	t        testing.TB
}

// FreePort returns a loopback TCP port that nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start runs mailpit on the given SMTP port (0 for a free one) with extra
// flags (TLS, authentication), and stops it at the end of the test.
func Start(t testing.TB, smtpPort int, extra ...string) *Server {
	t.Helper()
	if smtpPort == 0 {
		smtpPort = FreePort(t)
	}
	s := &Server{SMTPPort: smtpPort, HTTPPort: FreePort(t), bin: Binary(t), t: t}
	s.args = append([]string{
		"--smtp", "127.0.0.1:" + strconv.Itoa(s.SMTPPort),
		"--listen", "127.0.0.1:" + strconv.Itoa(s.HTTPPort),
		"--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--disable-version-check", "--smtp-disable-rdns", "--quiet",
	}, extra...)
	s.start()
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, s.args...)
	s.cmd.Stdout, s.cmd.Stderr = os.Stderr, os.Stderr
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("starting mailpit: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.url("/api/v1/messages")); err == nil {
			resp.Body.Close()
			if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.SMTPPort)); err == nil {
				c.Close()
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Stop()
	s.t.Fatal("mailpit did not start within 20 s")
}

// Stop ends mailpit.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

func (s *Server) url(path string) string {
	return "http://127.0.0.1:" + strconv.Itoa(s.HTTPPort) + path
}

// Address is a mailbox in mailpit's answers.
type Address struct {
	Name    string
	Address string
}

// Message is a delivered message as mailpit shows it.
type Message struct {
	ID        string
	MessageID string
	From      Address
	To        []Address
	Subject   string
	Text      string
	HTML      string
}

// Messages returns every message mailpit received, newest first, with
// their text and HTML bodies.
func (s *Server) Messages() []Message {
	s.t.Helper()
	var list struct {
		Messages []struct{ ID string }
	}
	s.get("/api/v1/messages?limit=500", &list)
	out := make([]Message, 0, len(list.Messages))
	for _, m := range list.Messages {
		var full Message
		s.get("/api/v1/message/"+m.ID, &full)
		out = append(out, full)
	}
	return out
}

// To returns the messages sent to one address, newest first.
func (s *Server) To(addr string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		for _, a := range m.To {
			if a.Address == addr {
				out = append(out, m)
			}
		}
	}
	return out
}

func (s *Server) get(path string, v any) {
	s.t.Helper()
	resp, err := http.Get(s.url(path))
	if err != nil {
		s.t.Fatalf("mailpit API: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("mailpit API %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		s.t.Fatalf("mailpit API %s: %v", path, err)
	}
}

// String names the server for messages.
func (s *Server) String() string { return fmt.Sprintf("mailpit on 127.0.0.1:%d", s.SMTPPort) }
