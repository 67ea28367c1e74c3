package smtp_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sesame/app"
	"sesame/assets"
	"sesame/data/memstore"
	"sesame/data/smtp"
	"sesame/data/smtp/mailpittest"
)

// flow is a service whose mail goes through the real sender to mailpit.
type flow struct {
	t     *testing.T
	ctx   context.Context
	svc   *app.Service
	now   time.Time
	admin app.Actor
}

func newFlow(t *testing.T, smtpPort int) *flow {
	bl := app.NewBlocklist(app.BlocklistSources{Common: assets.CommonPasswords})
	f := &flow{t: t, ctx: context.Background(), now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	f.svc = app.NewService(app.Config{Store: memstore.New(), Blocklist: bl, Now: func() time.Time { return f.now },
		Hasher: app.Hasher{Params: app.HashParams{Memory: 256, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}})
	admin, _, err := f.svc.Setup(f.ctx, app.Actor{}, app.SetupRequest{Company: "Acme", Email: "admin@acme.example", Name: "Alice Admin", Password: "violet tramway umbrella 1987"})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = app.UserActor(admin)
	if _, err := f.svc.UpdateSettings(f.ctx, f.admin, map[string]string{
		"smtp.host": "127.0.0.1", "smtp.port": strconv.Itoa(smtpPort), "smtp.security": "none", "smtp.from": "sesame@acme.example",
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.CreateUser(f.ctx, f.admin, app.NewUser{Email: "jeanne@acme.example", Name: "Jeanne Martin", HasMailbox: true, RecoveryEmail: "jeanne@home.example"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *flow) deliver() app.MailReport {
	f.t.Helper()
	r, err := f.svc.DeliverMail(f.ctx, smtp.Sender{Timeout: 5 * time.Second})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

var code = regexp.MustCompile(`\b\d{4} \d{4}\b`)

// TestForgotPasswordEndToEnd is the path of a user who forgot a password:
// ask for a code, read it in the recovery mailbox, use it, sign in.
func TestForgotPasswordEndToEnd(t *testing.T) {
	srv := mailpittest.Start(t, 0)
	f := newFlow(t, srv.SMTPPort)
	if err := f.svc.RequestRecovery(f.ctx, "jeanne@acme.example"); err != nil {
		t.Fatal(err)
	}
	if r := f.deliver(); r.Sent != 1 {
		t.Fatalf("report %+v", r)
	}
	got := srv.To("jeanne@home.example")
	if len(got) != 1 {
		t.Fatalf("%d messages in the recovery mailbox", len(got))
	}
	c := code.FindString(got[0].Text)
	if c == "" || !strings.Contains(got[0].HTML, c) {
		t.Fatalf("no code in the message: %q", got[0].Text)
	}
	if _, err := f.svc.CompleteRecovery(f.ctx, "jeanne@acme.example", c, "quartz meadow lantern 55"); err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.SignIn(f.ctx, "jeanne@acme.example", "quartz meadow lantern 55")
	if err != nil || r.Outcome != app.OutcomeSignedIn {
		t.Fatalf("sign-in with the new password: %v %v", r.Outcome, err)
	}
	f.deliver()
	for _, to := range []string{"jeanne@acme.example", "jeanne@home.example"} {
		msgs := srv.To(to)
		if len(msgs) == 0 || !strings.Contains(msgs[0].Subject, "was changed") || code.MatchString(msgs[0].Text) {
			t.Errorf("change notice to %s: %+v", to, msgs)
		}
	}
}

// TestSentTemporaryPasswordSignsIn: the administrator sends the temporary
// password to the recovery address; the user reads it there and signs in.
func TestSentTemporaryPasswordSignsIn(t *testing.T) {
	srv := mailpittest.Start(t, 0)
	f := newFlow(t, srv.SMTPPort)
	if _, err := f.svc.ResetPassword(f.ctx, f.admin, "jeanne@acme.example", "", true); err != nil {
		t.Fatal(err)
	}
	f.deliver()
	got := srv.To("jeanne@home.example")
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	// The password stands alone on its line: the generator's alphabet, 16 long.
	password := regexp.MustCompile(`(?m)^[A-Za-z0-9#%+=?@*]{16}\r?$`).FindString(got[0].Text)
	password = strings.TrimSpace(password)
	r, err := f.svc.SignIn(f.ctx, "jeanne@acme.example", password)
	if err != nil || r.Outcome != app.OutcomeMustChange {
		t.Fatalf("sign-in with the mailed password %q: %v %v", password, r.Outcome, err)
	}
}

// TestServerDownThenUp: a message queued while the server is down is kept,
// retried, and delivered once when it comes back.
func TestServerDownThenUp(t *testing.T) {
	port := mailpittest.FreePort(t)
	f := newFlow(t, port)
	if err := f.svc.RequestRecovery(f.ctx, "jeanne@acme.example"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if r := f.deliver(); r.Failed != 1 {
			t.Fatalf("with the server down: %+v", r)
		}
		f.now = f.now.Add(2 * time.Minute)
	}
	list, _, err := f.svc.Outbox(f.ctx, app.MailQuery{})
	if err != nil || list[0].State != app.MailFailed || list[0].Attempts != 3 || list[0].LastError == "" {
		t.Fatalf("outbox while down: %+v %v", list, err)
	}
	srv := mailpittest.Start(t, port)
	f.now = f.now.Add(5 * time.Minute)
	if r := f.deliver(); r.Sent != 1 {
		t.Fatalf("with the server up: %+v", r)
	}
	f.now = f.now.Add(time.Hour)
	f.deliver()
	if n := len(srv.To("jeanne@home.example")); n != 1 {
		t.Errorf("%d messages delivered, want exactly 1", n)
	}
}
