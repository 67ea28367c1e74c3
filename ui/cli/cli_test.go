package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"sesame/app"
	"sesame/data/memstore"
)

func TestMain(m *testing.M) {
	time.Local = time.UTC // human output shows local times: make them the same everywhere
	os.Exit(m.Run())
}

// start is the fake clock's first reading.
var start = time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)

// harness runs commands on a service over the in-memory store, with a
// clock that the test moves and a cheap hash: no SQLite here, the real
// binary's tests in the main package have it.
type harness struct {
	t         *testing.T
	now       time.Time
	svc       *app.Service
	generated []string
	lang      string // of the command line; "" for English
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	bl := app.NewBlocklist(app.BlocklistSources{Common: []byte("qwertyuiop\n1qaz2wsx3edc4rfv\n")})
	h := &harness{t: t, now: start}
	h.svc = app.NewService(app.Config{
		Store:     memstore.New(),
		Blocklist: bl,
		Now:       func() time.Time { return h.now },
		Hasher:    app.Hasher{Params: app.HashParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}},
	})
	return h
}

type result struct {
	code           int
	stdout, stderr string
}

func (h *harness) run(stdin string, args ...string) result {
	h.t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), Env{
		Service: h.svc,
		Actor:   app.SystemActor("tester"),
		Stdin:   strings.NewReader(stdin),
		Stdout:  &out,
		Stderr:  &errOut,
		Generate: func(_ context.Context, n int, seed int64) error {
			h.generated = append(h.generated, fmt.Sprintf("%d/%d", n, seed))
			return nil
		},
		Language: h.lang,
	}, args)
	return result{code, out.String(), errOut.String()}
}

// must runs a command that must succeed and returns its standard output.
func (h *harness) must(stdin string, args ...string) string {
	h.t.Helper()
	r := h.run(stdin, args...)
	if r.code != 0 {
		h.t.Fatalf("%v: exit %d, stderr %q", args, r.code, r.stderr)
	}
	return r.stdout
}

// setUp creates the company and returns the administrator's temporary password.
func (h *harness) setUp() string {
	h.t.Helper()
	out := h.must("", "init", "--company", "Acme", "--admin", "boss@acme.test", "--name", "Ada Boss")
	return strings.TrimSuffix(out, "\n")
}

func TestIntersperse(t *testing.T) {
	tests := []struct {
		args    []string
		pos     []string
		name    string
		admin   bool
		wantErr string
	}{
		{args: []string{"a@b.c", "--name", "Ann"}, pos: []string{"a@b.c"}, name: "Ann"},
		{args: []string{"--name", "Ann", "a@b.c"}, pos: []string{"a@b.c"}, name: "Ann"},
		{args: []string{"--name=Ann", "a@b.c", "--admin"}, pos: []string{"a@b.c"}, name: "Ann", admin: true},
		{args: []string{"-admin", "x", "y", "-name", "N"}, pos: []string{"x", "y"}, name: "N", admin: true},
		{args: []string{"--name", "N", "--", "--admin"}, pos: []string{"--admin"}, name: "N"},
		{args: []string{"a", "--", "-x", "b"}, pos: []string{"a", "-x", "b"}},
		{args: nil, pos: nil},
		{args: []string{"a", "--nope"}, wantErr: "flag provided but not defined: -nope"},
		{args: []string{"a", "--name"}, wantErr: "flag needs an argument: -name"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(&bytes.Buffer{})
			name := fs.String("name", "", "")
			admin := fs.Bool("admin", false, "")
			pos, err := intersperse(fs, tt.args)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(pos, tt.pos) || *name != tt.name || *admin != tt.admin {
				t.Errorf("got %q name=%q admin=%v, want %q name=%q admin=%v", pos, *name, *admin, tt.pos, tt.name, tt.admin)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		args    []string
		name    string
		rest    []string
		wantErr string
	}{
		{args: []string{"users", "add", "a@b.c", "--name", "A"}, name: "users add", rest: []string{"a@b.c", "--name", "A"}},
		{args: []string{"settings"}, name: "settings"},
		{args: []string{"settings", "password.min_length", "20"}, name: "settings", rest: []string{"password.min_length", "20"}},
		{args: []string{"dev", "generate", "10"}, name: "dev generate", rest: []string{"10"}},
		{args: []string{"users"}, wantErr: `"users" needs a sub-command.`},
		{args: []string{"users", "frobnicate"}, wantErr: `Unknown command "users frobnicate".`},
		{args: []string{"frobnicate"}, wantErr: `Unknown command "frobnicate".`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			cmd, rest, err := lookup(tt.args)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cmd.name != tt.name || !slices.Equal(rest, tt.rest) {
				t.Errorf("got %q %q, want %q %q", cmd.name, rest, tt.name, tt.rest)
			}
		})
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{app.Errorf(app.EInvalid, "x"), 1},
		{app.Errorf(app.ENotFound, "x"), 1},
		{app.Errorf(app.EConflict, "x"), 1},
		{app.Errorf(app.EForbidden, "x"), 1},
		{app.Errorf(app.EInternal, "x"), 1},
		{errors.New("foreign"), 1},
		{app.Errorf(app.EAuth, "x"), 2},
		{app.Errorf(app.ELocked, "x"), 4},
		{app.Errorf(app.EExpired, "x"), 5},
		{app.Errorf(app.EPolicy, "x"), 6},
		{fmt.Errorf("wrapped: %w", app.Errorf(app.EPolicy, "x")), 6},
		{app.Errorf(app.EDisabled, "x"), 7},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v [%s]) = %d, want %d", tt.err, app.CodeOf(tt.err), got, tt.want)
		}
	}
}

// TestOutcomeStatus checks that a sign-in outcome and the error that a
// flow stops with for it end with the same status.
func TestOutcomeStatus(t *testing.T) {
	tests := []struct {
		o    app.Outcome
		want int
	}{
		{app.OutcomeSignedIn, 0},
		{app.OutcomeInvalid, 2},
		{app.OutcomeMustChange, 3},
		{app.OutcomeLocked, 4},
		{app.OutcomeExpired, 5},
		{app.OutcomeDisabled, 7},
	}
	for _, tt := range tests {
		if got := outcomeStatus(tt.o); got != tt.want {
			t.Errorf("outcomeStatus(%v) = %d, want %d", tt.o, got, tt.want)
		}
		if err := app.OutcomeError(app.SignInResult{Outcome: tt.o}); err != nil && exitCode(err) != tt.want {
			t.Errorf("exitCode(OutcomeError(%v)) = %d, want %d", tt.o, exitCode(err), tt.want)
		}
	}
}

func TestReport(t *testing.T) {
	cmd := &command{name: "users show", args: "EMAIL [--json]"}
	tests := []struct {
		err        error
		code       int
		wantStderr string
	}{
		{nil, 0, ""},
		{errHelp, 0, ""},
		{exitStatus(3), 3, ""},
		{usagef("missing EMAIL"), 1, "sesame: missing EMAIL\nusage: sesame users show EMAIL [--json]\nRun \"sesame users show --help\" for details.\n"},
		{app.Errorf(app.ENotFound, "No user."), 1, "sesame: No user.\n"},
		{
			&app.Error{Code: app.EPolicy, Message: app.Msg("This password cannot be used:"), Reasons: []app.Message{app.Msg("Short."), app.Msg("Common.")}},
			6, "sesame: This password cannot be used:\n- Short.\n- Common.\n",
		},
		{
			app.Errorf(app.ELocked, "Too many failed attempts: locked until {{.Until}}.", "Until", start.Add(90*time.Second)),
			4, "sesame: Too many failed attempts: locked until 2026-11-25 14:01:30 UTC.\n",
		},
		{app.Errorf(app.EInvalid, "Expired {{.At}}.", "At", start), 1, "sesame: Expired 2026-11-25 14:00 UTC.\n"},
		{errors.New("disk on fire"), 1, "sesame: Something went wrong while saving or reading data. Nothing was changed.\n"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		if code := report(&stderr, catalog("en"), cmd, tt.err); code != tt.code || stderr.String() != tt.wantStderr {
			t.Errorf("report(%v) = %d, %q; want %d, %q", tt.err, code, stderr.String(), tt.code, tt.wantStderr)
		}
	}
}

func TestReadSecrets(t *testing.T) {
	tests := []struct {
		stdin   string
		n       int
		want    []string
		wantErr string
	}{
		{stdin: "secret\n", n: 1, want: []string{"secret"}},
		{stdin: "secret\r\n", n: 1, want: []string{"secret"}},
		{stdin: "secret", n: 1, want: []string{"secret"}},
		{stdin: "  two words  \n", n: 1, want: []string{"  two words  "}},
		{stdin: "first\nsecond\nthird\n", n: 1, want: []string{"first"}},
		{stdin: "old one\r\nnew one\r\n", n: 2, want: []string{"old one", "new one"}},
		{stdin: "old\nnew", n: 2, want: []string{"old", "new"}},
		{stdin: "", n: 1, wantErr: "Standard input ended before p1 (line 1)"},
		{stdin: "old\n", n: 2, wantErr: "Standard input ended before p2 (line 2)"},
		{stdin: "\n", n: 1, wantErr: "Line 1 of standard input, p1, is empty."},
		{stdin: "\r\n", n: 1, wantErr: "Line 1 of standard input, p1, is empty."},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		c := &call{env: Env{Stdin: strings.NewReader(tt.stdin), Stderr: &stderr}}
		got, err := c.readSecrets([]string{"p1", "p2"}[:tt.n]...)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || app.CodeOf(err) != app.EInvalid {
				t.Errorf("%q: error %v, want one with %q", tt.stdin, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, %v; want %q", tt.stdin, got, err, tt.want)
		}
		if stderr.Len() != 0 {
			t.Errorf("%q: prompt %q written for a pipe", tt.stdin, stderr.String())
		}
	}
}

func TestUserJSON(t *testing.T) {
	base := app.User{
		Email: "ann@acme.test", Name: "Ann", Role: app.RoleEmployee, HasMailbox: true,
		PasswordHash: "h", CreatedAt: start.Add(-48 * time.Hour),
	}
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		edit func(u *app.User)
		want map[string]any
	}{
		{"active", func(u *app.User) {
			u.PasswordChangedAt = start.Add(-time.Hour).In(paris)
			u.LastSignInAt = start.Add(-time.Minute)
			u.RecoveryEmail = "ann@home.test"
		}, map[string]any{
			"state": "active", "status": "active", "recovery_email": "ann@home.test", "password_changed_at": "2026-11-25T13:00:00Z",
			"last_signin_at": "2026-11-25T13:59:00Z", "temporary_expires_at": nil,
		}},
		{"temporary", func(u *app.User) {
			u.PasswordTemporary, u.TemporaryExpiresAt = true, start.Add(24*time.Hour)
		}, map[string]any{"state": "temporary", "status": "must_change", "temporary_expires_at": "2026-11-26T14:00:00Z", "recovery_email": nil}},
		{"expired", func(u *app.User) {
			u.PasswordTemporary, u.TemporaryExpiresAt = true, start
		}, map[string]any{"state": "expired", "status": "expired", "temporary_expires_at": "2026-11-25T14:00:00Z"}},
		{"none", func(u *app.User) { u.PasswordHash = "" }, map[string]any{"state": "none", "status": "no_password", "password_changed_at": nil}},
		{
			"locked", func(u *app.User) { u.LockedUntil = start.Add(time.Minute) },
			map[string]any{"locked": true, "status": "locked", "locked_until": "2026-11-25T14:01:00Z"},
		},
		{
			"lock over", func(u *app.User) { u.LockedUntil = start.Add(-time.Minute) },
			map[string]any{"locked": false, "locked_until": nil},
		},
		{
			"disabled admin without mailbox", func(u *app.User) { u.Disabled, u.Role, u.HasMailbox = true, app.RoleAdmin, false },
			map[string]any{"disabled": true, "status": "disabled", "role": "admin", "mailbox": false},
		},
	}
	keys := []string{
		"created_at", "disabled", "email", "last_signin_at", "locked", "locked_until", "login_at_fault", "look_alike", "mailbox", "name",
		"password_changed_at", "recovery_email", "recovery_look_alike", "role", "state", "status", "temporary_expires_at",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := base
			tt.edit(&u)
			var buf bytes.Buffer
			if err := writeJSON(&buf, toJSON(u, start)); err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if k := slices.Sorted(mapKeys(got)); !slices.Equal(k, keys) {
				t.Errorf("keys %q, want %q", k, keys)
			}
			for k, want := range tt.want {
				if got[k] != want {
					t.Errorf("%s = %#v, want %#v", k, got[k], want)
				}
			}
			if got["email"] != "ann@acme.test" || got["created_at"] != "2026-11-23T14:00:00Z" {
				t.Errorf("email, created_at = %v, %v", got["email"], got["created_at"])
			}
		})
	}
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestStateWords(t *testing.T) {
	tests := []struct {
		name string
		u    app.User
		want string
	}{
		{"active", app.User{PasswordHash: "h"}, "active"},
		{"none", app.User{}, "no password"},
		{
			"temporary",
			app.User{PasswordHash: "h", PasswordTemporary: true, TemporaryExpiresAt: start.Add(24 * time.Hour)},
			"must change, expires 2026-11-26 14:00 UTC",
		},
		{
			"expired",
			app.User{PasswordHash: "h", PasswordTemporary: true, TemporaryExpiresAt: start.Add(-time.Hour)},
			"temporary password expired 2026-11-25 13:00 UTC",
		},
		{"locked", app.User{PasswordHash: "h", LockedUntil: start.Add(90 * time.Second)}, "locked until 2026-11-25 14:01:30 UTC"},
		{"locked temporary", app.User{
			PasswordHash: "h", PasswordTemporary: true, TemporaryExpiresAt: start.Add(time.Hour),
			LockedUntil: start.Add(time.Minute),
		}, "locked until 2026-11-25 14:01:00 UTC; must change, expires 2026-11-25 15:00 UTC"},
		{"disabled", app.User{PasswordHash: "h", Disabled: true, LockedUntil: start.Add(time.Minute)}, "disabled"},
	}
	for _, tt := range tests {
		if got := (&call{t: catalog("en")}).stateWords(tt.u, start); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestUsage(t *testing.T) {
	var buf bytes.Buffer
	Usage(&buf, "en")
	text := buf.String()
	for _, cmd := range commands {
		if !strings.Contains(text, "  "+cmd.name+" ") && !strings.Contains(text, "  "+cmd.name+"\n") {
			t.Errorf("usage lacks %q", cmd.name)
		}
	}
	for _, s := range []string{"SESAME_DB", "--db PATH", "for testing only", "  7  account disabled", "  3  the password is temporary"} {
		if !strings.Contains(text, s) {
			t.Errorf("usage lacks %q", s)
		}
	}
	for _, arg := range []string{"help", "-h", "--help", "-help"} {
		if !IsHelp(arg) {
			t.Errorf("IsHelp(%q) = false", arg)
		}
	}
	if IsHelp("users") {
		t.Error(`IsHelp("users") = true`)
	}
}

// TestRunErrors covers command lines that are refused before any use case.
func TestRunErrors(t *testing.T) {
	h := newHarness(t)
	h.setUp()
	tests := []struct {
		args       []string
		stdin      string
		wantStdout string
		wantStderr string
		code       int
	}{
		{args: []string{"help"}, wantStdout: "usage: sesame [--db PATH|URL]"},
		{args: []string{"frobnicate"}, wantStderr: "sesame: Unknown command \"frobnicate\".\n\nSésame manages", code: 1},
		{args: []string{"users"}, wantStderr: "\"users\" needs a sub-command.", code: 1},
		{args: []string{"users", "add", "--help"}, wantStdout: "usage: sesame users add EMAIL --name NAME"},
		{args: []string{"users", "add", "-h"}, wantStdout: "  --recovery ADDR   a recovery e-mail ADDR"},
		{args: []string{"settings", "--help"}, wantStdout: "usage: sesame settings [KEY [VALUE]]"},
		{args: []string{"users", "add", "a@acme.test"}, wantStderr: "sesame: --name NAME is required.\nusage: sesame users add", code: 1},
		{args: []string{"users", "add", "--name", "A"}, wantStderr: "sesame: Missing EMAIL.\n", code: 1},
		{args: []string{"users", "show", "a@acme.test", "b@acme.test"}, wantStderr: `Unexpected argument "b@acme.test".`, code: 1},
		{args: []string{"users", "show", "a@acme.test", "--bogus"}, wantStderr: "Unknown option --bogus.", code: 1},
		{args: []string{"users", "list", "--db", "x.db"}, wantStderr: "Unknown option --db: it goes before the command (sesame --db … users list …).", code: 1},
		{args: []string{"users", "--help"}, wantStdout: "Commands:\n"},
		{args: []string{"users", "list", "--limit", "-1"}, wantStderr: "--limit must be 0 (all) or more", code: 1},
		{args: []string{"users", "list", "--limit", "x"}, wantStderr: `"x" is not a valid value for --limit.`, code: 1},
		{args: []string{"users", "role", "boss@acme.test"}, wantStderr: "Missing ROLE.", code: 1},
		{args: []string{"users", "role", "boss@acme.test", "king"}, wantStderr: `Unknown role "king": use admin or employee.`, code: 1},
		{args: []string{"users", "set-recovery", "boss@acme.test"}, wantStderr: "Give the recovery address ADDR, or --clear.", code: 1},
		{args: []string{"users", "set-recovery", "boss@acme.test", "x@y.z", "--clear"}, wantStderr: "not both", code: 1},
		{args: []string{"users", "set-recovery", "boss@acme.test", ""}, wantStderr: "use --clear", code: 1},
		{args: []string{"users", "show", "ghost@acme.test"}, wantStderr: "ghost@acme.test", code: 1},
		{args: []string{"users", "add", "not-an-email", "--name", "X"}, wantStderr: `"not-an-email" is not a valid e-mail address`, code: 1},
		{args: []string{"users", "add", "x@acme.test", "--name", "X", "--password-stdin"}, wantStderr: "Standard input ended", code: 1},
		{args: []string{"signin", "boss@acme.test"}, stdin: "\n", wantStderr: "is empty", code: 1},
		{args: []string{"passwd", "boss@acme.test"}, stdin: "only one\n", wantStderr: "Standard input ended before the new password (line 2)", code: 1},
		{args: []string{"audit", "--action", "login"}, wantStderr: `Unknown action "login"; the actions are: setup, user.create`, code: 1},
		{args: []string{"audit", "--limit", "0"}, wantStderr: "--limit must be 1 or more", code: 1},
		{args: []string{"settings", "a", "b", "c"}, wantStderr: `Unexpected argument "c" (quote a value that has spaces).`, code: 1},
		{args: []string{"settings", "nope"}, wantStderr: `Unknown setting "nope". Known settings: clipboard.clear, company.admin_password_management,`, code: 1},
		{args: []string{"settings", "password.min_length", "-1"}, wantStderr: "password.min_length must be a whole number from 8 to 64.", code: 1},
		{args: []string{"dev", "generate", "0"}, wantStderr: `N must be a whole number from 1 to 1000000, not "0"`, code: 1},
		{args: []string{"dev", "generate", "many"}, wantStderr: `not "many"`, code: 1},
		{args: []string{"init", "--company", "Acme", "--admin", "b@acme.test"}, wantStderr: "--name NAME is required", code: 1},
		{args: []string{"init", "--company", "Acme", "--admin", "b@acme.test", "--name", "B"}, wantStderr: "already set up", code: 1},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := h.run(tt.stdin, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.wantStdout) || !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
					r.code, r.stdout, r.stderr, tt.code, tt.wantStdout, tt.wantStderr)
			}
			if tt.wantStderr == "" && r.stderr != "" {
				t.Errorf("stderr %q", r.stderr)
			}
		})
	}
}

// TestLifecycle follows a user from creation to sign-in, lock and
// disabling, with the exit status of each step.
func TestLifecycle(t *testing.T) {
	h := newHarness(t)
	h.setUp()
	// steps run in order on the same store; each names the exit status and
	// a part of standard output (or error) that it must give.
	type step struct {
		args   []string
		stdin  string
		code   int
		stdout string
		stderr string
	}
	var temp string
	steps := []step{
		{
			args: []string{"users", "add", "jo@acme.test", "--name", "Joséphine Rivière", "--password-stdin"}, stdin: "short\n",
			code: 6, stderr: "sesame: This password cannot be used:\n- It is too short: at least 15 characters, this one has 5.\n",
		},
		{
			args: []string{"users", "add", "--password-stdin", "jo@acme.test", "--name", "Joséphine Rivière"}, stdin: "qwertyuiop\n",
			code: 6, stderr: "- It is a common password",
		},
		{args: []string{"users", "add", "jo@acme.test", "--name", "Joséphine Rivière", "--recovery", "jo@home.test"}},
		{args: []string{"users", "add", "JO@acme.test", "--name", "Again"}, code: 1},
		{args: []string{"users", "list", "--query", "riviere"}, stdout: "Joséphine Rivière  jo@acme.test  employee  must change, expires 2026-11-26 14:00 UTC\n"},
		{args: []string{"users", "list", "--query", "nobody"}, stdout: "NAME  EMAIL  ROLE  STATE\n", stderr: "No user matches."},
		{args: []string{"users", "list", "--limit", "1"}, stdout: "Ada Boss", stderr: "Showing the first 1; more match (raise --limit)."},
		{args: []string{"users", "show", "jo@acme.test"}, stdout: "password:          must change, expires 2026-11-26 14:00 UTC\n"},
		{args: []string{"signin", "jo@acme.test"}, stdin: "TEMP\n", code: 3, stdout: "must change password\n", stderr: "sesame passwd jo@acme.test"},
		{args: []string{"passwd", "jo@acme.test"}, stdin: "TEMP\nTEMP\n", code: 6, stderr: "It is the temporary password you were given"},
		{args: []string{"passwd", "jo@acme.test"}, stdin: "TEMP\ncorrect horse battery staple 42\n", stdout: "password changed for jo@acme.test\n"},
		{args: []string{"signin", "jo@acme.test"}, stdin: "correct horse battery staple 42\r\n", stdout: "signed in as Joséphine Rivière (employee)\n"},
		{args: []string{"signin", "jo@acme.test"}, stdin: "TEMP\n", code: 2, stderr: "sesame: The e-mail or the password is wrong.\n"},
		{args: []string{"signin", "jo@acme.test"}, stdin: "wrong 2\n", code: 2},
		{args: []string{"signin", "jo@acme.test"}, stdin: "wrong 3\n", code: 2},
		{args: []string{"signin", "jo@acme.test"}, stdin: "wrong 4\n", code: 2},
		{args: []string{"signin", "jo@acme.test"}, stdin: "wrong 5\n", code: 4, stderr: "locked until 2026-11-25 14:01:00 UTC"},
		{args: []string{"signin", "jo@acme.test"}, stdin: "correct horse battery staple 42\n", code: 4, stderr: "locked until"},
		{args: []string{"users", "list", "--query", "jo@"}, stdout: "locked until 2026-11-25 14:01:00 UTC\n"},
		{args: []string{"users", "unlock", "jo@acme.test"}, stdout: "jo@acme.test unlocked\n"},
		{args: []string{"users", "unlock", "jo@acme.test"}, stdout: "jo@acme.test was not locked\n"},
		{args: []string{"signin", "jo@acme.test"}, stdin: "correct horse battery staple 42\n", stdout: "signed in as"},
		{args: []string{"users", "set-recovery", "jo@acme.test", "jo@acme.test"}, code: 1, stderr: "must be another address than the login"},
		{args: []string{"users", "set-recovery", "jo@acme.test", "not mail"}, code: 1, stderr: "is not a valid e-mail address"},
		{args: []string{"users", "set-recovery", "jo@acme.test", "jo@other.test"}, stdout: "recovery e-mail of jo@acme.test set to jo@other.test\n"},
		{args: []string{"users", "set-recovery", "--clear", "jo@acme.test"}, stdout: "recovery e-mail of jo@acme.test removed\n"},
		{args: []string{"users", "set-recovery", "jo@acme.test", "--clear"}, stdout: "jo@acme.test has no recovery e-mail\n"},
		{args: []string{"users", "disable", "jo@acme.test"}, stdout: "jo@acme.test disabled\n"},
		{args: []string{"users", "disable", "jo@acme.test"}, stdout: "jo@acme.test is already disabled\n"},
		{args: []string{"users", "list", "--query", "jo@"}, stdout: "employee  disabled\n"},
		{args: []string{"signin", "jo@acme.test"}, stdin: "correct horse battery staple 42\n", code: 7, stderr: "This account is disabled"},
		{args: []string{"users", "enable", "jo@acme.test"}, stdout: "jo@acme.test enabled\n"},
		{args: []string{"users", "disable", "boss@acme.test"}, code: 1, stderr: "Ada Boss is the last active administrator"},
		{args: []string{"users", "role", "boss@acme.test", "employee"}, code: 1, stderr: "last active administrator"},
		{args: []string{"users", "role", "jo@acme.test", "ADMIN"}, stdout: "jo@acme.test is now admin\n"},
		{args: []string{"users", "role", "boss@acme.test", "employee"}, stdout: "boss@acme.test is now employee\n"},
		{args: []string{"users", "reset", "jo@acme.test", "--password-stdin"}, stdin: "a typed temporary one\n", stderr: "New temporary password for jo@acme.test"},
		{args: []string{"signin", "jo@acme.test"}, stdin: "a typed temporary one\n", code: 3},
		{args: []string{"settings", "temporary.custom_allowed", "off"}, stdout: "temporary.custom_allowed: on → off\n"},
		{args: []string{"users", "reset", "jo@acme.test", "--password-stdin"}, stdin: "another typed temporary\n", code: 1, stderr: "not allowed by the settings"},
		{args: []string{"settings", "company.admin_password_management", "off"}},
		{args: []string{"users", "reset", "jo@acme.test"}, code: 1, stderr: "Administrator password management is off"},
	}
	for i, s := range steps {
		stdin := strings.ReplaceAll(s.stdin, "TEMP", temp)
		r := h.run(stdin, s.args...)
		if r.code != s.code || !strings.Contains(r.stdout, s.stdout) || !strings.Contains(r.stderr, s.stderr) {
			t.Fatalf("step %d %q: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
				i, s.args, r.code, r.stdout, r.stderr, s.code, s.stdout, s.stderr)
		}
		if slices.Equal(s.args[:2], []string{"users", "add"}) && s.code == 0 {
			temp = strings.TrimSuffix(r.stdout, "\n")
			if len(temp) < 12 || strings.ContainsAny(temp, " \n") {
				t.Fatalf("temporary password %q: want at least 12 characters on one line", temp)
			}
		}
	}
	h.now = h.now.Add(25 * time.Hour)
	r := h.run("a typed temporary one\n", "signin", "jo@acme.test")
	if r.code != 5 || !strings.Contains(r.stderr, "expired") {
		t.Errorf("signin with an expired temporary password: exit %d, stderr %q", r.code, r.stderr)
	}
	if out := h.must("", "users", "show", "jo@acme.test"); !strings.Contains(out, "password:          temporary password expired 2026-11-26 14:00 UTC") {
		t.Errorf("show after expiry:\n%s", out)
	}
}

func TestShowJSON(t *testing.T) {
	h := newHarness(t)
	h.setUp()
	h.must("", "users", "add", "jo@acme.test", "--name", "Jo", "--no-mailbox", "--recovery", "jo@home.test")
	var u map[string]any
	if err := json.Unmarshal([]byte(h.must("", "users", "show", "--json", "JO@ACME.TEST")), &u); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"email": "jo@acme.test", "name": "Jo", "role": "employee", "mailbox": false,
		"recovery_email": "jo@home.test", "state": "temporary", "temporary_expires_at": "2026-11-26T14:00:00Z",
		"locked_until": nil, "disabled": false, "last_signin_at": nil, "created_at": "2026-11-25T14:00:00Z",
	}
	for k, v := range want {
		if u[k] != v {
			t.Errorf("%s = %#v, want %#v", k, u[k], v)
		}
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(h.must("", "users", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0]["email"] != "boss@acme.test" || list[1]["email"] != "jo@acme.test" || list[0]["role"] != "admin" {
		t.Errorf("list --json = %v", list)
	}
	if out := h.must("", "users", "list", "--json", "--query", "nobody"); out != "[]\n" {
		t.Errorf("empty list --json = %q, want []", out)
	}
}

func TestListPages(t *testing.T) {
	h := newHarness(t)
	h.setUp()
	defer func(n int) { listPage = n }(listPage)
	listPage = 200
	for i := range listPage + 5 {
		u := app.NewUser{Email: fmt.Sprintf("u%03d@acme.test", i), Name: fmt.Sprintf("User %03d", i), TemporaryPassword: "a long enough temporary"}
		if _, _, err := h.svc.CreateUser(context.Background(), app.SystemActor("t"), u); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		args []string
		rows int
	}{
		{[]string{"users", "list"}, listPage + 6},
		{[]string{"users", "list", "--limit", "3"}, 3},
		{[]string{"users", "list", "--limit", "203"}, 203},
		{[]string{"users", "list", "--offset", "200"}, 6},
		{[]string{"users", "list", "--offset", "190", "--limit", "30"}, 16},
		{[]string{"users", "list", "--query", "user 20"}, 5}, // User 200 to 204
	}
	for _, tt := range tests {
		out := h.must("", tt.args...)
		if rows := strings.Count(out, "\n") - 1; rows != tt.rows {
			t.Errorf("%q: %d rows, want %d", tt.args, rows, tt.rows)
		}
	}
}

func TestAudit(t *testing.T) {
	h := newHarness(t)
	temp := h.setUp()
	h.must("", "settings", "password.min_length", "20")
	h.run("wrong\n", "signin", "boss@acme.test")
	var events []map[string]any
	if err := json.Unmarshal([]byte(h.must("", "audit", "--json")), &events); err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 {
		t.Fatalf("%d events, want 3: %v", len(events), events)
	}
	want := []map[string]any{
		{"actor": "boss@acme.test", "action": "signin.failure", "subject": "boss@acme.test"},
		{"actor": "system:tester", "action": "settings.change", "subject": nil, "details": "password.min_length: 15 → 20"},
		{"actor": "system:tester", "action": "setup", "subject": "boss@acme.test", "at": "2026-11-25T14:00:00Z"},
	}
	for i, w := range want {
		for k, v := range w {
			if events[i][k] != v {
				t.Errorf("event %d: %s = %#v, want %#v", i, k, events[i][k], v)
			}
		}
	}
	tests := []struct {
		args []string
		rows int
	}{
		{[]string{"audit"}, 3},
		{[]string{"audit", "--limit", "2"}, 2},
		{[]string{"audit", "--action", "setup"}, 1},
		{[]string{"audit", "--user", "boss@"}, 2},
		{[]string{"audit", "--user", "nobody"}, 0},
	}
	for _, tt := range tests {
		out := h.must("", tt.args...)
		if rows := strings.Count(out, "\n") - 1; rows != tt.rows {
			t.Errorf("%q: %d rows, want %d:\n%s", tt.args, rows, tt.rows, out)
		}
	}
	if all := h.must("", "audit", "--json"); strings.Contains(all, temp) {
		t.Error("the audit trail shows the temporary password")
	}
}

func TestSettings(t *testing.T) {
	h := newHarness(t)
	h.setUp()
	all := h.must("", "settings")
	for _, d := range app.SettingDefs() {
		if !strings.Contains(all, d.Key) || !strings.Contains(all, d.Label) {
			t.Errorf("settings lacks %s (%s):\n%s", d.Key, d.Label, all)
		}
	}
	spaced := strings.Join(strings.Fields(all), " ") // column widths change as settings are added
	for _, s := range []string{"password.min_length 15 8–64", "company.name", "Acme", "on | off", "1h–30d", "smtp.password (not set)"} {
		if !strings.Contains(spaced, s) {
			t.Errorf("settings lacks %q:\n%s", s, all)
		}
	}
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"settings", "password.min_length"}, 0, "15\n", ""},
		{[]string{"settings", "temporary.lifetime"}, 0, app.FormatDuration(24*time.Hour) + "\n", ""},
		{[]string{"settings", "password.min_length", "20"}, 0, "password.min_length: 15 → 20\n", ""},
		{[]string{"settings", "password.min_length", "20"}, 0, "password.min_length is already 20\n", ""},
		{[]string{"settings", "password.min_length"}, 0, "20\n", ""},
		{[]string{"settings", "password.min_length", "65"}, 1, "", "sesame: password.min_length must be a whole number from 8 to 64.\n"},
		{[]string{"settings", "lockout.max", "10s"}, 1, "", "cannot be shorter than the first lock"},
		{[]string{"settings", "temporary.lifetime", "7d"}, 0, "temporary.lifetime: " + app.FormatDuration(24*time.Hour) + " → 7d\n", ""},
		{[]string{"settings", "company.name", "Acme  Europe"}, 0, "company.name: Acme → Acme Europe\n", ""},
		{[]string{"settings", "company.name"}, 0, "Acme Europe\n", ""},
		{[]string{"settings", "--", "company.name", "--help"}, 0, "company.name: Acme Europe → --help\n", ""},
	}
	for _, tt := range tests {
		r := h.run("", tt.args...)
		if r.code != tt.code || r.stdout != tt.stdout || !strings.Contains(r.stderr, tt.stderr) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
		}
	}
}

func TestInitAndGenerate(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{{"users", "add", "jo@acme.test", "--name", "Jo"}, {"dev", "generate", "10"}} {
		if r := h.run("", args...); r.code != 1 || !strings.Contains(r.stderr, "This database is not set up yet: run \"sesame init") {
			t.Errorf("%q before init: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
	r := h.run("", "init", "--company", "Acme", "--admin", "boss@acme.test", "--name", "Ada Boss")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 1 || len(r.stdout) < 13 {
		t.Fatalf("init: exit %d, stdout %q", r.code, r.stdout)
	}
	if strings.Contains(r.stderr, strings.TrimSpace(r.stdout)) || !strings.Contains(r.stderr, "Sésame is set up for Acme") {
		t.Errorf("init stderr %q", r.stderr)
	}
	if out := h.must("", "dev", "generate", "25", "--seed", "7"); out != "added 25 fake users (seed 7)\n" {
		t.Errorf("dev generate: %q", out)
	}
	h.must("", "dev", "generate", "3")
	if !slices.Equal(h.generated, []string{"25/7", "3/1"}) {
		t.Errorf("Generate called with %q", h.generated)
	}
}

// TestDevNullIsNoTerminal: a command run with standard input from
// /dev/null (cron) cannot be confirmed by anybody: it is no terminal,
// although it is a character device.
func TestDevNullIsNoTerminal(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("/dev/null is taken for a terminal")
	}
}
