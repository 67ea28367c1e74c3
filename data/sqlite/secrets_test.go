package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sesame/app"
	"sesame/data/sqlite"
)

// sink is a mailer that takes every message.
type sink struct{ sent []app.OutboxMessage }

func (s *sink) Send(ctx context.Context, cfg app.SMTPSettings, m app.OutboxMessage) error {
	s.sent = append(s.sent, m)
	return nil
}

// TestWipedSecretLeavesNoCopy is the example: a temporary password
// mailed and wiped from the outbox leaves no copy in the -wal file or the
// database while the store is still open; nor does a recovery code.
func TestWipedSecretLeavesNoCopy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc, actor := mailingCompany(t, db)
	ctx := t.Context()
	var secrets []string
	for range 3 { // several versions of the message's page go through the log
		tp, err := svc.ResetPassword(ctx, actor, "bob@acme.example", "", true)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, tp.Plaintext)
	}
	m := &sink{}
	if _, err := svc.DeliverMail(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := svc.RequestRecovery(ctx, "bob@acme.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DeliverMail(ctx, m); err != nil {
		t.Fatal(err)
	}
	code := codeIn(t, m.sent)
	secrets = append(secrets, code, strings.ReplaceAll(code, " ", ""))
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a delivered secret", filepath.Base(f))
			}
		}
	}
}

// mailingCompany sets a company up on db, with e-mail and a user, Bob, who
// has a recovery address, and returns its service and administrator.
func mailingCompany(t *testing.T, db *sqlite.DB) (*app.Service, app.Actor) {
	t.Helper()
	svc := newService(t, db)
	ctx := t.Context()
	admin, _, err := svc.Setup(ctx, app.Actor{}, app.SetupRequest{Company: "Acme", Email: "alice@acme.example", Name: "Alice Admin", Password: lockoutPassword})
	if err != nil {
		t.Fatal(err)
	}
	actor := app.UserActor(admin)
	if _, err := svc.UpdateSettings(ctx, actor, map[string]string{"smtp.host": "127.0.0.1", "smtp.from": "sesame@acme.example"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.CreateUser(ctx, actor, app.NewUser{Email: "bob@acme.example", Name: "Bob", RecoveryEmail: "bob@home.example"}); err != nil {
		t.Fatal(err)
	}
	return svc, actor
}

// codeIn finds the recovery code in the last message of a list.
func codeIn(t *testing.T, sent []app.OutboxMessage) string {
	t.Helper()
	m := sent[len(sent)-1]
	if m.Kind != app.MailRecoveryCode {
		t.Fatalf("the last message is a %s", m.Kind)
	}
	code := regexp.MustCompile(`\b\d{4} \d{4}\b`).FindString(m.Text)
	if code == "" {
		t.Fatalf("no code in %q", m.Text)
	}
	return code
}

// TestSecretLeavesTheLogOnceReadersAreDone is the example: another
// program holds a read transaction on an older snapshot while a mailed
// temporary password is wiped, so that the -wal file cannot be emptied at
// once. Once that reader is done, the copies go at the end of the next
// transaction of the process that wiped; when that process has closed, at
// the next write or opening of another (the window, a command), whichever
// process wiped.
func TestSecretLeavesTheLogOnceReadersAreDone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sesame.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	svc, actor := mailingCompany(t, db)
	ctx := t.Context()
	reader := rawDB(t, path)
	hold := func() *sql.Tx { // a read transaction on the snapshot of now
		t.Helper()
		tx, err := reader.Begin()
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	inLog := func(secret string) bool {
		b, err := os.ReadFile(path + "-wal")
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		return bytes.Contains(b, []byte(secret))
	}
	// sendWhileRead mails a temporary password and wipes it while a reader
	// holds an older snapshot, which done ends.
	sendWhileRead := func(s *app.Service) (secret string, done func()) {
		t.Helper()
		snapshot := hold()
		tp, err := s.ResetPassword(ctx, actor, "bob@acme.example", "", true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeliverMail(ctx, &sink{}); err != nil {
			t.Fatal(err)
		}
		if !inLog(tp.Plaintext) {
			t.Fatal("the reader did not keep the secret in the log: the test shows nothing")
		}
		return tp.Plaintext, func() {
			if err := snapshot.Rollback(); err != nil {
				t.Fatal(err)
			}
		}
	}

	// The process that wiped: its next transaction, a read.
	secret, done := sendWhileRead(svc)
	done()
	if _, err := svc.User(ctx, "bob@acme.example"); err != nil {
		t.Fatal(err)
	}
	if inLog(secret) {
		t.Error("the -wal file holds the secret after the reader was done and a transaction ended")
	}

	// Another process already open, as the window is: its next write.
	window, err := sqlite.OpenExisting(path)
	if err != nil {
		t.Fatal(err)
	}
	secret, done = sendWhileRead(svc)
	db.Close() // the reader still holds its snapshot
	if !inLog(secret) {
		t.Fatal("closing emptied the log: the test shows nothing")
	}
	done()
	if err := window.Write(ctx, func(tx app.Tx) error { return tx.PutSetting("company.name", "Acme") }); err != nil {
		t.Fatal(err)
	}
	if inLog(secret) {
		t.Error("the -wal file holds the secret after another process's write")
	}

	// A process opened afterwards, as a command is.
	secret, done = sendWhileRead(newService(t, window))
	window.Close()
	done()
	other, err := sqlite.OpenExisting(path)
	if err != nil {
		t.Fatal(err)
	}
	other.Close()
	if inLog(secret) {
		t.Error("the -wal file holds the secret after another process opened the database")
	}
}
