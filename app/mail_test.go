package app_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sesame/app"
)

// fakeMailer records what it is asked to send; failing makes it refuse
// like a server that is down.
type fakeMailer struct {
	mu      sync.Mutex
	sent    []app.OutboxMessage
	failing bool
}

func (m *fakeMailer) Send(ctx context.Context, cfg app.SMTPSettings, msg app.OutboxMessage) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failing {
		return errors.New("dial tcp 127.0.0.1:2525: connect: connection refused")
	}
	m.sent = append(m.sent, msg)
	return nil
}

func (m *fakeMailer) to(addr string) []app.OutboxMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []app.OutboxMessage
	for _, s := range m.sent {
		if s.To == addr {
			out = append(out, s)
		}
	}
	return out
}

var codePattern = regexp.MustCompile(`\b\d{4} \d{4}\b`)

// mailEnv is an env with e-mail set up and a user who has a recovery address.
func mailEnv(t *testing.T) (*env, *fakeMailer) {
	e := newEnv(t)
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"smtp.host": "127.0.0.1", "smtp.from": "sesame@acme.example"}); err != nil {
		t.Fatal(err)
	}
	_, tp, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "paul@acme.example", Name: "Paul Klee", HasMailbox: true, RecoveryEmail: "paul@home.example"})
	if err != nil {
		t.Fatal(err)
	}
	e.secrets = append(e.secrets, tp.Plaintext)
	return e, &fakeMailer{}
}

func (e *env) deliver(m *fakeMailer) app.MailReport {
	e.t.Helper()
	r, err := e.svc.DeliverMail(e.ctx, m)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// requestCode asks for a code for email, delivers it and returns it.
func (e *env) requestCode(m *fakeMailer, email, to string) string {
	e.t.Helper()
	before := len(m.to(to))
	if err := e.svc.RequestRecovery(e.ctx, email); err != nil {
		e.t.Fatal(err)
	}
	e.deliver(m)
	got := m.to(to)
	if len(got) != before+1 {
		e.t.Fatalf("%d messages to %s, want %d", len(got), to, before+1)
	}
	code := codePattern.FindString(got[len(got)-1].Text)
	if code == "" {
		e.t.Fatalf("no code in %q", got[len(got)-1].Text)
	}
	e.secrets = append(e.secrets, code, strings.ReplaceAll(code, " ", ""))
	return code
}

func TestRecoveryByEmail(t *testing.T) {
	e, m := mailEnv(t)
	code := e.requestCode(m, "Paul@acme.example", "paul@home.example")
	msg := m.to("paul@home.example")[0]
	if msg.Kind != app.MailRecoveryCode || !strings.Contains(msg.Subject, "Acme Industries") || !strings.Contains(msg.HTML, code) {
		t.Errorf("message %+v", msg)
	}
	if strings.Contains(msg.Text, "http") {
		t.Error("the message holds a link")
	}
	if err := e.svc.VerifyRecoveryCode(e.ctx, "paul@acme.example", strings.ReplaceAll(code, " ", "")); err != nil {
		t.Fatalf("the right code, without its space: %v", err)
	}
	_, err := e.svc.CompleteRecovery(e.ctx, "paul@acme.example", code, "paul klee 1234567890")
	wantCode(t, err, app.EPolicy)
	u, err := e.svc.CompleteRecovery(e.ctx, "paul@acme.example", code, "violet tramway umbrella 1987")
	if err != nil {
		t.Fatal(err)
	}
	if u.State(e.clock.Now()) != app.StateActive {
		t.Errorf("state %q", u.State(e.clock.Now()))
	}
	if r := e.signIn("paul@acme.example", "violet tramway umbrella 1987"); r.Outcome != app.OutcomeSignedIn {
		t.Errorf("sign-in with the recovered password: %v", r.Outcome)
	}
	_, err = e.svc.CompleteRecovery(e.ctx, "paul@acme.example", code, "quartz meadow lantern 55")
	wantCode(t, err, app.EAuth) // a used code
	// The outbox no longer holds the code; the user is told at both addresses.
	for _, ob := range e.store.Mail() {
		if strings.Contains(ob.Text+ob.HTML, code) {
			t.Errorf("the outbox still holds the code in a %s message (%s)", ob.Kind, ob.State)
		}
	}
	e.deliver(m)
	for _, to := range []string{"paul@acme.example", "paul@home.example"} {
		if got := m.to(to); got[len(got)-1].Kind != app.MailPasswordChanged {
			t.Errorf("no change notice to %s", to)
		}
	}
	e.assertNoSecretInAudit()
}

func TestRecoveryWhereTheCodeGoes(t *testing.T) {
	e, m := mailEnv(t)
	mk := func(email string, mailbox bool, recovery string) {
		_, tp, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: email, Name: "Someone " + email[:1], HasMailbox: mailbox, RecoveryEmail: recovery})
		if err != nil {
			t.Fatal(err)
		}
		e.secrets = append(e.secrets, tp.Plaintext)
	}
	mk("quinn@acme.example", true, "")
	mk("fict@acme.example", false, "")
	for _, email := range []string{"quinn@acme.example", "fict@acme.example", "ghost@acme.example"} {
		if err := e.svc.RequestRecovery(e.ctx, email); err != nil {
			t.Fatalf("%s: %v", email, err)
		}
	}
	if r := e.deliver(m); r.Sent != 0 {
		t.Errorf("option on, no recovery address: %d messages sent", r.Sent)
	}
	// With the option off, the login's own mailbox receives it; a
	// fictitious login never does.
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"company.admin_password_management": "off"}); err != nil {
		t.Fatal(err)
	}
	e.requestCode(m, "quinn@acme.example", "quinn@acme.example")
	if err := e.svc.RequestRecovery(e.ctx, "fict@acme.example"); err != nil {
		t.Fatal(err)
	}
	if r := e.deliver(m); r.Sent != 0 || len(m.to("fict@acme.example")) != 0 {
		t.Error("a code was mailed to a fictitious address")
	}
	var reasons []string
	for _, ev := range e.store.Audit() {
		if ev.Action == app.ActionRecoveryRequest {
			reasons = append(reasons, ev.Details)
		}
	}
	// The second refusal for fict@acme.example, for the same reason, is
	// counted, not recorded: a stranger could repeat it without end.
	if len(reasons) != 4 || !strings.Contains(reasons[2], "no such account") {
		t.Errorf("recovery requests audited: %q", reasons)
	}
}

// wrongCode is a code other than the right one.
func wrongCode(right string) string {
	if right == "0000 0000" {
		return "1111 1111"
	}
	return "0000 0000"
}

func TestRecoveryCodeAttacks(t *testing.T) {
	e, m := mailEnv(t)
	code := e.requestCode(m, "paul@acme.example", "paul@home.example")
	wrong := wrongCode(code)
	// Four wrong codes, then the right one still works.
	for range 4 {
		wantCode(t, e.svc.VerifyRecoveryCode(e.ctx, "paul@acme.example", wrong), app.EAuth)
	}
	if err := e.svc.VerifyRecoveryCode(e.ctx, "paul@acme.example", code); err != nil {
		t.Fatalf("the right code after 4 tries: %v", err)
	}
	// The fifth wrong one ends the code.
	wantCode(t, e.svc.VerifyRecoveryCode(e.ctx, "paul@acme.example", wrong), app.EAuth)
	wantCode(t, e.svc.VerifyRecoveryCode(e.ctx, "paul@acme.example", code), app.EAuth)

	// A code for another account.
	_, tp, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "rita@acme.example", Name: "Rita Hayworth", RecoveryEmail: "rita@home.example"})
	if err != nil {
		t.Fatal(err)
	}
	e.secrets = append(e.secrets, tp.Plaintext)
	e.clock.Advance(2 * time.Minute)
	paulCode := e.requestCode(m, "paul@acme.example", "paul@home.example")
	e.requestCode(m, "rita@acme.example", "rita@home.example")
	wantCode(t, e.svc.VerifyRecoveryCode(e.ctx, "rita@acme.example", paulCode), app.EAuth)

	// A new request replaces the old code.
	e.clock.Advance(2 * time.Minute)
	newer := e.requestCode(m, "paul@acme.example", "paul@home.example")
	if newer != paulCode {
		wantCode(t, e.svc.VerifyRecoveryCode(e.ctx, "paul@acme.example", paulCode), app.EAuth)
	}
	// An expired code.
	e.clock.Advance(16 * time.Minute)
	wantCode(t, e.svc.VerifyRecoveryCode(e.ctx, "paul@acme.example", newer), app.EAuth)
	// A code for an unknown account.
	wantCode(t, e.svc.VerifyRecoveryCode(e.ctx, "ghost@acme.example", newer), app.EAuth)

	refused := 0
	for _, ev := range e.store.Audit() {
		if ev.Action == app.ActionRecoveryFailure {
			refused++
		}
	}
	if refused < 9 {
		t.Errorf("%d refused codes audited", refused)
	}
	e.assertNoSecretInAudit()
}

func TestRecoveryRequestsAreSpaced(t *testing.T) {
	e, m := mailEnv(t)
	e.requestCode(m, "paul@acme.example", "paul@home.example")
	if err := e.svc.RequestRecovery(e.ctx, "paul@acme.example"); err != nil {
		t.Fatal(err)
	}
	if r := e.deliver(m); r.Sent != 0 {
		t.Error("a second code within a minute was sent")
	}
}

func TestOutboxRetriesWithoutLossOrDuplicate(t *testing.T) {
	e, m := mailEnv(t)
	m.failing = true
	if err := e.svc.RequestRecovery(e.ctx, "paul@acme.example"); err != nil {
		t.Fatal(err)
	}
	if r := e.deliver(m); r.Failed != 1 {
		t.Fatalf("report %+v", r)
	}
	list, counts, err := e.svc.Outbox(e.ctx, app.MailQuery{})
	if err != nil || counts[app.MailFailed] != 1 || !strings.Contains(list[0].LastError, "connection refused") {
		t.Fatalf("outbox %v %v %v", list, counts, err)
	}
	m.failing = false
	if r := e.deliver(m); r.Sent != 0 {
		t.Error("retried before its time")
	}
	e.clock.Advance(30 * time.Second)
	if r := e.deliver(m); r.Sent != 1 {
		t.Errorf("not retried: %+v", r)
	}
	if r := e.deliver(m); r.Sent != 0 {
		t.Error("sent twice")
	}
	if n := len(m.to("paul@home.example")); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

func TestOutboxSecretExpires(t *testing.T) {
	e, m := mailEnv(t)
	m.failing = true
	if err := e.svc.RequestRecovery(e.ctx, "paul@acme.example"); err != nil {
		t.Fatal(err)
	}
	e.deliver(m)
	e.clock.Advance(16 * time.Minute)
	m.failing = false
	if r := e.deliver(m); r.Expired != 1 || r.Sent != 0 {
		t.Errorf("report %+v", r)
	}
	ob := e.store.Mail()[0]
	if ob.State != app.MailExpired || codePattern.MatchString(ob.Text) {
		t.Errorf("expired message %s still holds %q", ob.State, ob.Text)
	}
}

func TestSendTemporaryPassword(t *testing.T) {
	e, m := mailEnv(t)
	tp, err := e.svc.ResetPassword(e.ctx, e.actor(), "paul@acme.example", "", true)
	if err != nil {
		t.Fatal(err)
	}
	e.secrets = append(e.secrets, tp.Plaintext)
	e.deliver(m)
	home := m.to("paul@home.example")
	if len(home) != 1 || home[0].Kind != app.MailTemporaryPassword || !strings.Contains(home[0].Text, tp.Plaintext) {
		t.Fatalf("messages to the recovery address: %+v", home)
	}
	work := m.to("paul@acme.example")
	if len(work) != 1 || work[0].Kind != app.MailPasswordChanged || strings.Contains(work[0].Text, tp.Plaintext) {
		t.Errorf("notice to the mailbox: %+v", work)
	}
	for _, ob := range e.store.Mail() {
		if strings.Contains(ob.Text+ob.HTML, tp.Plaintext) {
			t.Error("the outbox keeps the temporary password after delivery")
		}
	}
	// Without a recovery address, or without e-mail, nothing is saved.
	e.addUser("sam@acme.example", "Sam Spade")
	before := e.user("sam@acme.example").PasswordHash
	_, err = e.svc.ResetPassword(e.ctx, e.actor(), "sam@acme.example", "", true)
	wantCode(t, err, app.EInvalid)
	if e.user("sam@acme.example").PasswordHash != before {
		t.Error("a refused send changed the password")
	}
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"smtp.host": ""}); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.ResetPassword(e.ctx, e.actor(), "paul@acme.example", "", true)
	wantCode(t, err, app.EForbidden)
	e.assertNoSecretInAudit()
}

func TestNoticeInFrenchAndNeverToFictitious(t *testing.T) {
	e, m := mailEnv(t)
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"company.language": "fr"}); err != nil {
		t.Fatal(err)
	}
	temp := e.addUser("fict@acme.example", "Fictif")
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "fict@acme.example", app.UserChange{HasMailbox: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ChangePassword(e.ctx, "fict@acme.example", temp, "violet tramway umbrella 1987"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ChangePassword(e.ctx, "admin@acme.example", goodPassword, "quartz meadow lantern 55"); err != nil {
		t.Fatal(err)
	}
	e.deliver(m)
	if len(m.to("fict@acme.example")) != 0 {
		t.Error("a notice went to a fictitious login")
	}
	got := m.to("admin@acme.example")
	if len(got) != 1 || !strings.Contains(got[0].Subject, "mot de passe") || !strings.Contains(got[0].Text, "Bonjour Alice Admin") {
		t.Errorf("French notice: %+v", got)
	}
}

func TestSendTestMail(t *testing.T) {
	e, m := mailEnv(t)
	if err := e.svc.SendTestMail(e.ctx, e.actor(), "it@acme.example"); err != nil {
		t.Fatal(err)
	}
	if r := e.deliver(m); r.Sent != 1 || len(m.to("it@acme.example")) != 1 {
		t.Errorf("test message not delivered: %+v", r)
	}
	wantCode(t, e.svc.SendTestMail(e.ctx, e.actor(), "not an address"), app.EInvalid)
}

// A code sent to a recovery address is of no use once the administrator
// changed that address, gave a new password or disabled the account.
func TestRecoveryCodeEndsWithTheAccountAsItWas(t *testing.T) {
	for _, change := range []struct {
		name string
		ch   app.UserChange
	}{
		{"recovery address cleared", app.UserChange{RecoveryEmail: ptr("")}},
		{"recovery address changed", app.UserChange{RecoveryEmail: ptr("paul@new.example")}},
		{"disabled", app.UserChange{Disabled: ptr(true)}},
		{"new temporary password", app.UserChange{TemporaryPassword: ptr("lampion gravier tortue sabot"), Custom: true}},
	} {
		t.Run(change.name, func(t *testing.T) {
			e, m := mailEnv(t)
			code := e.requestCode(m, "paul@acme.example", "paul@home.example")
			if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "paul@acme.example", change.ch); err != nil {
				t.Fatal(err)
			}
			_, err := e.svc.CompleteRecovery(e.ctx, "paul@acme.example", code, "violet tramway umbrella 1987")
			wantCode(t, err, app.EAuth)
		})
	}
	// Turning the option off moves recovery to the login's mailbox: a code
	// sent to the recovery address no longer serves.
	e, m := mailEnv(t)
	code := e.requestCode(m, "paul@acme.example", "paul@home.example")
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"company.admin_password_management": "off"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.CompleteRecovery(e.ctx, "paul@acme.example", code, "violet tramway umbrella 1987")
	wantCode(t, err, app.EAuth)
}

// A round stops at the first failure; the next one sends everything, once.
func TestOutboxRoundStopsAtTheFirstFailure(t *testing.T) {
	e, m := mailEnv(t)
	for _, to := range []string{"a@acme.example", "b@acme.example", "c@acme.example"} {
		if err := e.svc.SendTestMail(e.ctx, e.actor(), to); err != nil {
			t.Fatal(err)
		}
	}
	m.failing = true
	if r := e.deliver(m); r.Failed != 1 || r.Sent != 0 {
		t.Fatalf("down: %+v", r)
	}
	_, counts, _ := e.svc.Outbox(e.ctx, app.MailQuery{})
	if counts[app.MailQueued] != 2 || counts[app.MailFailed] != 1 {
		t.Errorf("counts while down: %v", counts)
	}
	m.failing = false
	if err := e.svc.RetryMailNow(e.ctx); err != nil {
		t.Fatal(err)
	}
	if r := e.deliver(m); r.Sent != 3 {
		t.Errorf("up: %+v", r)
	}
	if r := e.deliver(m); r.Sent != 0 {
		t.Errorf("sent again: %+v", r)
	}
}

// Guesses made at the same moment share the five tries: among twenty
// simultaneous guesses, the right code among them, at most five wrong ones
// are checked (the right one gives its try back, so a wrong one arriving
// after it may take that try).
func TestRecoveryTriesAreCountedBeforeTheCheck(t *testing.T) {
	e, m := mailEnv(t)
	code := e.requestCode(m, "paul@acme.example", "paul@home.example")
	var (
		wg       sync.WaitGroup
		accepted atomic.Int32
	)
	for i := range 20 {
		guess := fmt.Sprintf("%08d", 99000000+i)
		if i == 10 {
			guess = code
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if e.svc.VerifyRecoveryCode(e.ctx, "paul@acme.example", guess) == nil {
				accepted.Add(1)
			}
		}()
	}
	wg.Wait()
	wrong := 0
	for _, ev := range e.store.Audit() {
		if ev.Action == app.ActionRecoveryFailure && strings.HasPrefix(ev.Details, "wrong code") {
			wrong++
		}
	}
	// The right code's try is given back, so a wrong guess may take its
	// place: what is bounded is the number of wrong guesses checked.
	if wrong > app.RecoveryMaxTries || accepted.Load() > 1 {
		t.Errorf("%d wrong guesses were checked and %d right ones accepted; at most %d wrong may be", wrong, accepted.Load(), app.RecoveryMaxTries)
	}
}

// One recovery mailbox gets codes_per_day codes in 24 hours, and one a
// minute, whatever the number of accounts that point at it (the issue: ten
// accounts gave ten codes to one mailbox in seconds, fifty a day).
func TestRecoveryMailboxHasItsOwnLimits(t *testing.T) {
	e, m := mailEnv(t)
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"recovery.codes_per_day": "3"}); err != nil {
		t.Fatal(err)
	}
	var logins []string
	for i := range 6 {
		login := fmt.Sprintf("kiosk%d@acme.example", i)
		_, tp, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: login, Name: fmt.Sprintf("Kiosk %d", i), RecoveryEmail: "Manager@Home.example"})
		if err != nil {
			t.Fatal(err)
		}
		e.secrets = append(e.secrets, tp.Plaintext)
		logins = append(logins, login)
	}
	request := func(login string) {
		t.Helper()
		if err := e.svc.RequestRecovery(e.ctx, login); err != nil {
			t.Fatal(err)
		}
		e.deliver(m)
	}
	for _, l := range logins[:3] { // within a minute: one code
		request(l)
	}
	if n := len(m.to("manager@home.example")); n != 1 {
		t.Errorf("%d codes to one mailbox within a minute, want 1", n)
	}
	for _, l := range logins { // a minute apart: the day's cap
		e.clock.Advance(61 * time.Second)
		request(l)
	}
	if n := len(m.to("manager@home.example")); n != 3 {
		t.Errorf("%d codes to one mailbox within a day, want 3 (recovery.codes_per_day)", n)
	}
	var refused []string
	for _, ev := range e.store.Audit() {
		if strings.Contains(ev.Details, "codes sent to manager@home.example since") {
			refused = append(refused, ev.Details)
		}
	}
	if len(refused) == 0 {
		t.Error("the cap of the mailbox is not audited")
	}
	e.clock.Advance(24 * time.Hour)
	request(logins[5])
	if n := len(m.to("manager@home.example")); n != 4 {
		t.Errorf("a day later: %d codes in all, want 4", n)
	}
}

// What changes nothing and a stranger can repeat is audited once a day for
// each kind, then counted; the count is audited when the day is over.
func TestRefusalsAreAuditedOnceADay(t *testing.T) {
	e, _ := mailEnv(t)
	before := len(e.store.Audit())
	for i := range 50 {
		if err := e.svc.RequestRecovery(e.ctx, fmt.Sprintf("nobody%d@acme.example", i)); err != nil {
			t.Fatal(err)
		}
		e.svc.CompleteRecovery(e.ctx, "paul@acme.example", "1234 5678", "harbor pepper quartz violet")
		e.signIn(fmt.Sprintf("stranger%d@acme.example", i), "wrong")
	}
	// One of each kind: no such account, no code pending, a failed sign-in
	// of a login that has no account.
	if grown := len(e.store.Audit()) - before; grown != 3 {
		t.Errorf("150 refusals of strangers added %d events, want 3", grown)
	}
	e.clock.Advance(25 * time.Hour)
	if err := e.svc.RequestRecovery(e.ctx, "nobody@acme.example"); err != nil {
		t.Fatal(err)
	}
	var summary, again bool
	for _, ev := range e.store.Audit() {
		summary = summary || ev.Action == app.ActionRecoveryRequest && strings.HasPrefix(ev.Details, "49 more of the same kind until")
		again = again || ev.Actor == "nobody@acme.example"
	}
	if !summary || !again {
		t.Errorf("a day later: the count of the day (%v) and the new refusal (%v) are not audited", summary, again)
	}
}
