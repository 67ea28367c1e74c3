package ui

import (
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"sesame/app"
	"sesame/data/sample"
	"sesame/data/sqlite"
)

// fakeMailer records the messages that it is given, or refuses them with
// fail as the server's answer.
type fakeMailer struct {
	mu   sync.Mutex
	sent []app.OutboxMessage
	fail error
}

func (m *fakeMailer) Send(_ context.Context, _ app.SMTPSettings, msg app.OutboxMessage) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.sent = append(m.sent, msg)
	return nil
}

// to returns the messages sent to an address, of a kind.
func (m *fakeMailer) to(addr, kind string) []app.OutboxMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []app.OutboxMessage
	for _, msg := range m.sent {
		if msg.To == addr && msg.Kind == kind {
			out = append(out, msg)
		}
	}
	return out
}

// withMail sets e-mail up.
func withMail(h *harness) {
	h.t.Helper()
	if _, err := h.svc.UpdateSettings(h.ctx, app.SystemActor("test"), map[string]string{
		"smtp.host": "smtp.acme.example", "smtp.from": "sesame@acme.example",
	}); err != nil {
		h.t.Fatal(err)
	}
}

// withRecovery sets up the company, e-mail, Jeanne with a recovery
// e-mail and Marc without one.
func withRecovery(h *harness) {
	h.t.Helper()
	withCompany(h)
	withMail(h)
	for _, n := range []app.NewUser{
		{Email: "jeanne@acme.example", Name: "Jeanne Martin", HasMailbox: true, RecoveryEmail: "jeanne@home.example"},
		{Email: "marc@acme.example", Name: "Marc Petit", HasMailbox: true},
	} {
		_, tp, err := h.svc.CreateUser(h.ctx, app.SystemActor("test"), n)
		if err != nil {
			h.t.Fatal(err)
		}
		if _, err := h.svc.ChangePassword(h.ctx, n.Email, tp.Plaintext, goodPassword); err != nil {
			h.t.Fatal(err)
		}
	}
}

// withDelivery makes the service's Deliver hook deliver the outbox at
// once through m, as the window's background delivery does soon after; it
// counts from 0 the runs of the hook.
func (h *harness) withDelivery(m *fakeMailer) *atomic.Int32 {
	h.mailer.Store(m)
	h.kicks.Store(0)
	return &h.kicks
}

var codePattern = regexp.MustCompile(`\b\d{4} \d{4}\b`)

// codeIn reads the recovery code from the last message sent to addr.
func (h *harness) codeIn(m *fakeMailer, addr string) string {
	h.t.Helper()
	msgs := m.to(addr, app.MailRecoveryCode)
	if len(msgs) == 0 {
		h.t.Fatalf("no recovery code sent to %s", addr)
	}
	code := codePattern.FindString(msgs[len(msgs)-1].Text)
	if code == "" {
		h.t.Fatalf("no code in %q", msgs[len(msgs)-1].Text)
	}
	return code
}

// askCode goes from the sign-in to the code, for email.
func (h *harness) askCode(email string) *codeScreen {
	h.t.Helper()
	in := screen[*signInScreen](h)
	in.email.SetText(email)
	h.settle()
	h.tap(in.forgot)
	f := screen[*forgotScreen](h)
	if f.address.Text != email || h.focused() != f.send {
		h.t.Errorf("forgot: e-mail %q, focus on %T", f.address.Text, h.focused())
	}
	h.tapEnabled(f.send)
	return screen[*codeScreen](h)
}

const newPassword = "orange kettle lighthouse 2031"

func TestRecoveryByEmail(t *testing.T) {
	h := newHarnessIn(t, "en", withRecovery)
	m := &fakeMailer{}
	kicks := h.withDelivery(m)
	c := h.askCode("jeanne@acme.example")
	if kicks.Load() != 1 {
		t.Errorf("the Deliver hook ran %d times", kicks.Load())
	}
	h.assertShows("If an account with a recovery e-mail exists for this e-mail, a code was sent to it; it is valid for 15 minutes.",
		"Ask your administrator: Alice Admin.", "Send a new code")
	if h.focused() != c.code {
		t.Errorf("focus on %T, want the code", h.focused())
	}
	code := h.codeIn(m, "jeanne@home.example")
	if got := m.to("jeanne@acme.example", app.MailRecoveryCode); len(got) != 0 {
		t.Error("the code went to the login too")
	}

	// A wrong code: the domain's message, the code selected to type again.
	c.code.SetText("0000 0000")
	h.settle()
	h.tapEnabled(c.next)
	h.assertShows("This code is wrong or no longer valid.")
	screen[*codeScreen](h)

	c.code.SetText(code)
	h.settle()
	h.press(fyne.KeyReturn)
	r := h.page(pageRecover)
	h.assertShows("Choose a new password", "Your password needs:")
	if !r.submit.Disabled() {
		t.Error("Set the password enabled before anything is typed")
	}
	r.form.password.SetText("short")
	h.settle()
	h.assertShows("Length: 5 characters (at least 15)")
	r.form.password.SetText(newPassword)
	h.settle()
	r.form.confirm.SetText(newPassword)
	h.settle()
	h.advance(wholeCheckDelay) // the check of every rule, once the typing pauses
	h.assertShows("This password can be used.")
	h.tapEnabled(r.submit)

	in := screen[*signInScreen](h)
	if in.email.Text != "jeanne@acme.example" || h.focused() != in.password {
		t.Errorf("sign-in with %q, focus on %T", in.email.Text, h.focused())
	}
	h.assertShows("Your password is set: sign in with it.")
	if r.held != "" {
		t.Error("the code is still held")
	}
	h.signIn("jeanne@acme.example", newPassword)
	screen[*accountScreen](h)
	if len(m.to("jeanne@home.example", app.MailPasswordChanged)) == 0 {
		t.Error("no notice that the password changed")
	}

	// The code is spent.
	if err := h.svc.VerifyRecoveryCode(h.ctx, "jeanne@acme.example", code); err == nil {
		t.Error("the code still works")
	}
}

func TestRecoveryTellsNothingAboutTheAccount(t *testing.T) {
	h := newHarnessIn(t, "en", withRecovery)
	h.withDelivery(&fakeMailer{})
	var said []string
	for _, email := range []string{"jeanne@acme.example", "nobody@acme.example", "marc@acme.example"} {
		h.askCode(email)
		said = append(said, strings.ReplaceAll(h.visibleText(), email, "EMAIL"))
		h.assertShows("Ask your administrator: Alice Admin.")
		h.press(fyne.KeyEscape) // back to the request
		h.press(fyne.KeyEscape) // back to the sign-in
		screen[*signInScreen](h)
	}
	if said[0] != said[1] || said[1] != said[2] {
		t.Errorf("the answer depends on the account:\n%s", strings.Join(said, "\n"))
	}
	// A code typed for an unknown account gets the domain's message.
	c := h.askCode("nobody@acme.example")
	c.code.SetText("1234 5678")
	h.settle()
	h.press(fyne.KeyReturn)
	h.assertShows("This code is wrong or no longer valid.")
}

func TestRecoverySendANewCode(t *testing.T) {
	h := newHarnessIn(t, "en", withRecovery)
	m := &fakeMailer{}
	h.withDelivery(m)
	c := h.askCode("jeanne@acme.example")
	first := h.codeIn(m, "jeanne@home.example")
	h.advance(2 * time.Minute)
	h.tapEnabled(c.resend)
	h.assertShows("only the newest code is valid")
	second := h.codeIn(m, "jeanne@home.example")
	if len(m.to("jeanne@home.example", app.MailRecoveryCode)) != 2 {
		t.Fatal("no second code")
	}
	if first != second {
		c.code.SetText(first)
		h.settle()
		h.press(fyne.KeyReturn)
		h.assertShows("This code is wrong or no longer valid.")
	}
	c.code.SetText(second)
	h.settle()
	h.press(fyne.KeyReturn)
	h.page(pageRecover)
	// Escape goes back to the code, which stays valid.
	h.press(fyne.KeyEscape)
	if got := screen[*codeScreen](h).code.Text; got != second {
		t.Errorf("back with the code %q", got)
	}
}

func TestRecoveryKeyboardOnly(t *testing.T) {
	h := newHarnessIn(t, "en", withRecovery)
	m := &fakeMailer{}
	h.withDelivery(m)
	in := screen[*signInScreen](h)
	h.typeText("jeanne@acme.example")
	for h.focused() != in.forgot {
		h.press(fyne.KeyTab)
	}
	h.press(fyne.KeyReturn)
	screen[*forgotScreen](h)
	h.press(fyne.KeyReturn) // Send me a code
	screen[*codeScreen](h)
	h.typeText(h.codeIn(m, "jeanne@home.example"))
	h.press(fyne.KeyReturn)
	h.page(pageRecover)
	h.typeText(newPassword)
	h.press(fyne.KeyReturn) // on to the confirmation
	h.typeText(newPassword)
	h.press(fyne.KeyReturn)
	screen[*signInScreen](h)
	h.typeText(newPassword)
	h.press(fyne.KeyReturn)
	screen[*accountScreen](h)
}

func TestRecoveryRequestByKeyboardFromAnEmptyField(t *testing.T) {
	h := newHarnessIn(t, "en", withRecovery)
	h.tap(screen[*signInScreen](h).forgot)
	f := screen[*forgotScreen](h)
	if h.focused() != f.address {
		t.Fatalf("focus on %T, want the e-mail", h.focused())
	}
	h.press(fyne.KeyReturn)
	h.assertShows("Enter your e-mail address.")
	h.typeText("marc@acme.example")
	h.press(fyne.KeyEscape)
	if got := screen[*signInScreen](h).email.Text; got != "marc@acme.example" {
		t.Errorf("back on the sign-in with %q", got)
	}
}

func TestRecoveryCodeInFrench(t *testing.T) {
	h := newHarnessIn(t, "fr", withRecovery)
	h.withDelivery(&fakeMailer{})
	h.askCode("jeanne@acme.example")
	h.assertShows("Saisissez le code", "valable 15 min", "Envoyer un nouveau code")
}

func TestCardSendsThePasswordToTheRecoveryEmail(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		withMail(h)
	})
	m := &fakeMailer{}
	kicks := h.withDelivery(m)
	h.signInAdmin()
	c := h.openCard("jeanne")
	if !c.send.Disabled() {
		t.Error("Send enabled without a password or a recovery e-mail")
	}
	h.tapEnabled(c.generate)
	if !c.send.Disabled() {
		t.Error("Send enabled without a recovery e-mail")
	}
	c.recovery.SetText("jeanne@home.example")
	h.settle()
	if c.send.Disabled() {
		t.Fatal("Send disabled with a password and a recovery e-mail")
	}
	c.send.SetChecked(true)
	h.settle()
	plain := c.secret.text
	h.tapEnabled(c.update)
	h.assertShows("The temporary password is queued to be sent to jeanne@home.example.")
	if kicks.Load() == 0 {
		t.Error("the Deliver hook did not run")
	}
	msgs := m.to("jeanne@home.example", app.MailTemporaryPassword)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, plain) {
		t.Fatalf("sent %d messages to the recovery e-mail: %+v", len(msgs), msgs)
	}
	if res, err := h.svc.SignIn(h.ctx, "jeanne.martin@acme.example", plain); err != nil || res.Outcome != app.OutcomeMustChange {
		t.Errorf("signing in with the password sent: %v %v", res.Outcome, err)
	}
	// Cleared with the password.
	c = h.s.admin.users.panel.(*cardView)
	if c.send.Checked || !c.send.Disabled() {
		t.Error("Send stays on after Update")
	}
}

// TestCardSendWithoutMailSaysWhy: without e-mail set up, what would fail
// after Update cannot be chosen, and the reason stands beside it; the
// rest of the card saves.
func TestCardSendWithoutMailSaysWhy(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	c := h.openCard("jeanne")
	c.recovery.SetText("jeanne@home.example")
	h.settle()
	h.tapEnabled(c.generate)
	if !c.send.Disabled() {
		t.Fatal("Send it to the recovery e-mail can be ticked without e-mail set up")
	}
	h.assertShows("E-mail is not set up (Settings → E-mail): the password can only be handed over.")
	c.send.SetChecked(true) // as if ticked anyway: nothing is sent
	h.settle()
	if ch, _ := c.change(); ch.SendToRecovery {
		t.Error("the card would ask to send it")
	}
	h.tapEnabled(c.update)
	if u := h.user("jeanne.martin@acme.example"); u.RecoveryEmail != "jeanne@home.example" {
		t.Error("the card was not saved")
	}
	h.assertHides("queued to be sent")

	// In the new user form as well.
	h.tap(h.s.admin.users.add)
	v := h.s.admin.users.panel.(*addUserView)
	v.recovery.SetText("kim@home.example")
	h.settle()
	if !v.send.Disabled() || shown(v.sendWhy) == "" {
		t.Error("the new user form offers to send without e-mail set up")
	}
}

func TestAddUserSendsThePassword(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withStaff(h)
		withMail(h)
	})
	m := &fakeMailer{}
	h.withDelivery(m)
	a := h.signInAdmin()
	h.tap(a.users.add)
	v := a.users.panel.(*addUserView)
	v.email.SetText("zoe@acme.example")
	h.settle()
	v.name.SetText("Zoé Roux")
	h.settle()
	if !v.send.Disabled() {
		t.Error("Send enabled without a recovery e-mail")
	}
	v.recovery.SetText("zoe@home.example")
	h.settle()
	v.send.SetChecked(true)
	h.settle()
	h.tapEnabled(v.create)
	h.assertShows("Zoé Roux is added. The temporary password is queued to be sent to zoe@home.example.")
	if v.secret.content.Visible() {
		t.Error("the password is shown though it was sent")
	}
	if len(m.to("zoe@home.example", app.MailTemporaryPassword)) != 1 {
		t.Error("no message to the recovery e-mail")
	}
}

func TestSettingsSendATestMessage(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		withMail(h)
	})
	m := &fakeMailer{}
	h.withDelivery(m)
	h.signInAdmin()
	v := h.settingsOf()
	if v.testTo.Text != "admin@acme.example" {
		t.Errorf("test address %q", v.testTo.Text)
	}
	h.tapEnabled(v.test)
	h.assertShows("A test message to admin@acme.example is queued. Administration → E-mails shows whether it left")
	if len(m.to("admin@acme.example", app.MailTest)) != 1 {
		t.Error("no test message sent")
	}
	v.testTo.SetText("not an address")
	h.settle()
	h.tapEnabled(v.test)
	h.assertShows("is not a valid e-mail address")
}

func TestOutboxShowsAFailureAndRetries(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		withMail(h)
	})
	m := &fakeMailer{fail: errors.New("550 5.1.1 mailbox unavailable")}
	h.withDelivery(m)
	a := h.signInAdmin()
	h.tapEnabled(h.settingsOf().test)
	h.tap(a.nav[sectionMail])
	v := a.mail
	if v == nil || h.focused() != v.reload {
		t.Fatalf("the outbox is not on view with the focus on Refresh")
	}
	h.assertShows("Queued: 0 · Sending: 0 · Sent: 0 · Failed: 1 · Expired: 0", "Failed", "Test message",
		"admin@acme.example", "550 5.1.1 mailbox unavailable")
	h.assertHides("This is a test") // never the body
	h.canvas().Focus(v.table)
	h.press(fyne.KeyReturn)
	h.assertShows("Server's answer: 550 5.1.1 mailbox unavailable", "Next attempt:")

	m.fail = nil
	h.tapEnabled(v.retry)
	h.assertShows("Queued: 0 · Sending: 0 · Sent: 1 · Failed: 0 · Expired: 0", "Sent")
	h.assertHides("550 5.1.1")
	if len(m.to("admin@acme.example", app.MailTest)) != 1 {
		t.Error("not sent after Retry now")
	}
	if !v.retry.Disabled() {
		t.Error("Retry now enabled with nothing failed")
	}
}

// TestOutboxWithoutMail: with e-mail not set up, the outbox says only
// what is true (nothing waits, or so many messages wait), Retry now is
// disabled with the reason beside it, a failed message's next attempt is
// not a time gone by, and the test message cannot be sent.
func TestOutboxWithoutMail(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	a := h.signInAdmin()
	h.tap(a.nav[sectionMail])
	v := a.mail
	h.assertShows("E-mail is not set up: Sésame sends nothing until the SMTP server and the sender address are saved in Settings.", "Queued: 0")
	h.assertHides("messages wait")
	if !v.retry.Disabled() {
		t.Error("Retry now is enabled with e-mail not set up")
	}
	h.assertShows("Nothing can be sent before e-mail is set up.")
	h.assertLaidOut()

	// A message failed while e-mail was set up, and e-mail then unset: it
	// waits, said as such; its next attempt is not a time gone by.
	h.mailer.Store(&fakeMailer{fail: errors.New("421 try later")})
	withMail(h)
	if err := h.svc.SendTestMail(h.ctx, a.actor, "admin@acme.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.UpdateSettings(h.ctx, a.actor, map[string]string{"smtp.host": ""}); err != nil {
		t.Fatal(err)
	}
	h.advance(time.Minute)
	h.tap(v.reload)
	h.assertShows("E-mail is not set up: 1 message waits here until the SMTP server and the sender address are saved in Settings.",
		"Failed: 1")
	if !v.retry.Disabled() {
		t.Error("Retry now is enabled with e-mail not set up")
	}
	h.tap(v.retry) // as if it could be pressed anyway: nothing is claimed
	h.assertHides("being sent")
	h.canvas().Focus(v.table)
	h.press(fyne.KeyReturn)
	h.assertShows("It leaves once e-mail is set up.")
	h.assertHides("Next attempt:")

	// The settings say why the test message cannot be sent.
	s := h.settingsOf()
	if !s.test.Disabled() {
		t.Error("Send a test message is enabled with e-mail not set up")
	}
	h.assertShows("Save an SMTP server and a sender address first.")
}

// TestOutboxNextAttemptIsNeverPast: a failed message due again (its wait
// over) says it goes at the next delivery, not at a time gone by.
func TestOutboxNextAttemptIsNeverPast(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		withMail(h)
	})
	h.withDelivery(&fakeMailer{fail: errors.New("421 try later")})
	a := h.signInAdmin()
	h.tapEnabled(h.settingsOf().test)
	h.tap(a.nav[sectionMail])
	v := a.mail
	h.canvas().Focus(v.table)
	h.press(fyne.KeyReturn)
	h.assertShows("Next attempt: Nov 25, 2026, 09:00") // 30 s after the failure: in the future
	h.mailer.Store(nil)
	h.advance(time.Minute)
	h.tap(v.reload)
	h.canvas().Focus(v.table)
	h.press(fyne.KeyReturn)
	h.assertShows("Next attempt: at the next delivery, within a minute.")
	h.assertHides("Next attempt: Nov 25, 2026, 09:00")
}

func TestAuditNamesTheMailActions(t *testing.T) {
	useLanguage("en", t.Setenv) // lang's choice outlives the test that made it
	for action, want := range map[string]string{
		app.ActionRecoveryRequest: "Recovery code asked for",
		app.ActionRecoveryFailure: "Recovery code refused",
		app.ActionMailTest:        "Test message queued",
	} {
		if got := actionName(action); got != want {
			t.Errorf("%s: %q", action, got)
		}
	}
}

func TestUsersCountIsExactBeyondTenThousand(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	if _, err := sample.Load(h.ctx, h.store.(*sqlite.DB), 10_500, 3); err != nil {
		t.Fatal(err)
	}
	u := h.signInAdmin().users
	if got := u.count.Text; got != "10,501 users" {
		t.Errorf("count %q", got)
	}
	u = h.search("admin")
	if got := u.count.Text; got != "1 match" {
		t.Errorf("count %q", got)
	}
	if got := groupDigits(12345); got != "12,345" {
		t.Errorf("groupDigits: %q", got)
	}
}

// TestRecoveryScreenshots renders the recovery's screens with Fyne's test
// driver, which draws real text, into SESAME_SHOTS (docs/screenshots).
func TestRecoveryScreenshots(t *testing.T) {
	dir := os.Getenv("SESAME_SHOTS")
	if dir == "" {
		t.Skip("set SESAME_SHOTS to a folder to write the screenshots of the recovery")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(h *harness, name string) {
		t.Helper()
		h.assertLaidOut()
		f, err := os.Create(filepath.Join(dir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, h.canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
	for _, language := range []string{"en", "fr"} {
		h := newHarnessIn(t, language, withRecovery)
		m := &fakeMailer{}
		h.withDelivery(m)
		h.s.win.Resize(fyne.NewSize(520, 720))
		h.askCode("jeanne@acme.example")
		h.typeText(h.codeIn(m, "jeanne@home.example"))
		shot(h, "recovery-code-"+language)
		if language != "en" {
			continue
		}
		h.press(fyne.KeyReturn)
		h.typeText("orange kettle")
		shot(h, "recovery-new-password-"+language)
	}
}
