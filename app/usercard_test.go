package app_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sesame/app"
)

func TestStatusPrecedence(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	for _, c := range []struct {
		name string
		u    app.User
		want app.StatusKind
	}{
		{"never given a password", app.User{}, app.StatusNoPassword},
		{"own password", app.User{PasswordHash: "h"}, app.StatusActive},
		{"temporary", app.User{PasswordHash: "h", PasswordTemporary: true, TemporaryExpiresAt: later}, app.StatusMustChange},
		{"temporary past its time", app.User{PasswordHash: "h", PasswordTemporary: true, TemporaryExpiresAt: earlier}, app.StatusExpired},
		{"a lock over", app.User{PasswordHash: "h", LockedUntil: earlier}, app.StatusActive},
		{"locked beats the password", app.User{PasswordHash: "h", PasswordTemporary: true, TemporaryExpiresAt: earlier, LockedUntil: later}, app.StatusLocked},
		{"locked without a password", app.User{LockedUntil: later}, app.StatusLocked},
		{"disabled beats a lock", app.User{PasswordHash: "h", Disabled: true, LockedUntil: later}, app.StatusDisabled},
		{"disabled beats no password", app.User{Disabled: true}, app.StatusDisabled},
	} {
		st := c.u.Status(now)
		if st.Kind != c.want {
			t.Errorf("%s: %s, want %s", c.name, st.Kind, c.want)
		}
		if st.Password != c.u.State(now) {
			t.Errorf("%s: the password's state %s, want %s", c.name, st.Password, c.u.State(now))
		}
		if locked := !st.LockedUntil.IsZero(); locked != c.u.Locked(now) {
			t.Errorf("%s: LockedUntil %v while locked is %v", c.name, st.LockedUntil, c.u.Locked(now))
		}
	}
}

func TestCheckRecoveryEmail(t *testing.T) {
	for _, c := range []struct {
		recovery, login, want string
		code                  app.ErrorCode
	}{
		{"", "jo@acme.example", "", ""},
		{"  ", "jo@acme.example", "", ""},
		{" jo@home.example ", "jo@acme.example", "jo@home.example", ""},
		{"jo@home", "jo@acme.example", "", app.EInvalid},      // no dot: a machine's name, not a mail domain
		{"jo@localhost", "jo@acme.example", "", app.EInvalid}, // the same kind
		{"root@intranet", "jo@acme.example", "", app.EInvalid},
		{"JO@Acme.example", "jo@acme.example", "", app.EInvalid}, // the login itself, in another case
		{"not an address", "jo@acme.example", "", app.EInvalid},
		{"jo@home.example.", "jo@acme.example", "jo@home.example", ""}, // the canonical form
	} {
		got, err := app.CheckRecoveryEmail(c.recovery, c.login)
		if app.CodeOf(err) != c.code || got != c.want {
			t.Errorf("CheckRecoveryEmail(%q, %q) = %q, %v; want %q, code %q", c.recovery, c.login, got, err, c.want, c.code)
		}
	}
	// Every way in applies it: creation and the card.
	e := newEnv(t)
	_, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "kim@acme.example", Name: "Kim Deal", RecoveryEmail: "kim@home"})
	wantCode(t, err, app.EInvalid)
	e.addUser("jo@acme.example", "Jo March")
	_, err = e.svc.UpdateUser(e.ctx, e.actor(), "jo@acme.example", app.UserChange{RecoveryEmail: ptr("jo@laptop")})
	wantCode(t, err, app.EInvalid)
	if !strings.Contains(err.Error(), "jo@laptop") {
		t.Errorf("the refusal does not name the address: %v", err)
	}
}

func TestUserCardSaysWhatCannotChange(t *testing.T) {
	e := newEnv(t)
	e.addUser("jo@acme.example", "Jo March")
	me := e.actor()

	// Alone, the administrator can neither step down nor be disabled; and
	// nobody disables their own account.
	c, err := e.svc.UserCard(e.ctx, me, "admin@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	if c.KeepRole == nil || !strings.Contains(c.KeepRole.Error(), "last active administrator") {
		t.Errorf("the last administrator's role: %v", c.KeepRole)
	}
	if c.KeepEnabled == nil || !strings.Contains(c.KeepEnabled.Error(), "your own account") {
		t.Errorf("one's own account: %v", c.KeepEnabled)
	}
	if c.User.Email != "admin@acme.example" || c.Settings.CompanyName != "Acme Industries" {
		t.Errorf("card of %q for %q", c.User.Email, c.Settings.CompanyName)
	}
	c, err = e.svc.UserCard(e.ctx, app.SystemActor("root"), "admin@acme.example")
	if err != nil || c.KeepEnabled == nil || !strings.Contains(c.KeepEnabled.Error(), "last active administrator") {
		t.Errorf("the last administrator, for the command line: %v %v", c.KeepEnabled, err)
	}
	// An employee's card: anything goes.
	if c, err := e.svc.UserCard(e.ctx, me, "jo@acme.example"); err != nil || c.KeepRole != nil || c.KeepEnabled != nil {
		t.Errorf("an employee's card: %v %v %v", c.KeepRole, c.KeepEnabled, err)
	}
	// With a second administrator, the first may step down, but still not
	// disable their own account; the card says what UpdateUser does.
	if _, err := e.svc.UpdateUser(e.ctx, me, "jo@acme.example", app.UserChange{Role: ptr(app.RoleAdmin)}); err != nil {
		t.Fatal(err)
	}
	c, err = e.svc.UserCard(e.ctx, me, "admin@acme.example")
	if err != nil || c.KeepRole != nil || c.KeepEnabled == nil {
		t.Errorf("one of two administrators: role %v, enabled %v (%v)", c.KeepRole, c.KeepEnabled, err)
	}
	_, err = e.svc.UpdateUser(e.ctx, me, "admin@acme.example", app.UserChange{Disabled: ptr(true)})
	wantCode(t, err, app.EForbidden)
	if u := e.user("admin@acme.example"); u.Disabled {
		t.Error("the administrator disabled their own account")
	}
	// Another administrator may.
	jo := app.UserActor(e.user("jo@acme.example"))
	if _, err := e.svc.UpdateUser(e.ctx, jo, "admin@acme.example", app.UserChange{Disabled: ptr(true)}); err != nil {
		t.Errorf("another administrator disabling: %v", err)
	}
	_, err = e.svc.UserCard(e.ctx, me, "nobody@acme.example")
	wantCode(t, err, app.ENotFound)
}

func TestAuditPages(t *testing.T) {
	e := newEnv(t)
	for i := range 25 {
		e.addUser("user"+strings.Repeat("x", i)+"@acme.example", "User "+strings.Repeat("X", i))
	}
	q := app.AuditQuery{Action: app.ActionUserCreate, Limit: 10}
	var ids []int64
	for {
		p, err := e.svc.AuditPage(e.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range p.Events {
			ids = append(ids, ev.ID)
		}
		if !p.More {
			if len(p.Events) != 5 {
				t.Errorf("the last page holds %d events, want 5", len(p.Events))
			}
			break
		}
		if len(p.Events) != 10 || p.Next != p.Events[9].ID {
			t.Fatalf("a page of %d events, next %d", len(p.Events), p.Next)
		}
		q.BeforeID = p.Next
	}
	if len(ids) != 25 || !slices.IsSortedFunc(ids, func(a, b int64) int { return int(b - a) }) {
		t.Errorf("%d events, newest first: %v", len(ids), ids)
	}
	// An exact page: More is false, nothing is left to read.
	if p, err := e.svc.AuditPage(e.ctx, app.AuditQuery{Action: app.ActionUserCreate, Limit: 25}); err != nil || p.More || len(p.Events) != 25 {
		t.Errorf("exactly one page: %d events, more %v (%v)", len(p.Events), p.More, err)
	}

	var pages, n int
	err := e.svc.EachAuditPage(e.ctx, app.AuditQuery{Action: app.ActionUserCreate}, 7, 0, func(evs []app.AuditEvent) error {
		pages++
		n += len(evs)
		return nil
	})
	if err != nil || pages != 4 || n != 25 {
		t.Errorf("every page: %d pages, %d events (%v)", pages, n, err)
	}
	n = 0
	err = e.svc.EachAuditPage(e.ctx, app.AuditQuery{}, 7, 12, func(evs []app.AuditEvent) error {
		n += len(evs)
		return nil
	})
	if err != nil || n != 12 {
		t.Errorf("at most 12: %d (%v)", n, err)
	}
}

// deliveries counts the runs of the Deliver hook.
type deliveries struct {
	mu sync.Mutex
	n  int
}

func (d *deliveries) hook(context.Context, *app.Service) {
	d.mu.Lock()
	d.n++
	d.mu.Unlock()
}

func (d *deliveries) take() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := d.n
	d.n = 0
	return n
}

func TestDeliverHookRunsAfterEveryActionThatQueuesMail(t *testing.T) {
	d := &deliveries{}
	e := emptyEnv(t)
	e.svc = app.NewService(app.Config{Store: e.store, Blocklist: blocklist, Now: e.clock.Now, Hasher: fastHash, Deliver: d.hook})
	admin, _, err := e.svc.Setup(e.ctx, app.Actor{}, app.SetupRequest{Company: "Acme", Email: "admin@acme.example", Name: "Alice Admin", Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	e.admin = admin
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"smtp.host": "127.0.0.1", "smtp.from": "sesame@acme.example"}); err != nil {
		t.Fatal(err)
	}
	if n := d.take(); n != 0 {
		t.Errorf("setup and settings delivered %d times", n)
	}
	_, tp, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "jo@acme.example", Name: "Jo March", RecoveryEmail: "jo@home.example", SendToRecovery: true})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   func() error
	}{
		{"a password chosen", func() error {
			_, err := e.svc.ChangePassword(e.ctx, "jo@acme.example", tp.Plaintext, goodPassword)
			return err
		}},
		{"a reset by an administrator", func() error {
			_, err := e.svc.ResetPassword(e.ctx, app.SystemActor("root"), "jo@acme.example", "", false)
			return err
		}},
		{"a recovery code asked for", func() error { return e.svc.RequestRecovery(e.ctx, "jo@acme.example") }},
		{"a recovery code for nobody", func() error { return e.svc.RequestRecovery(e.ctx, "nobody@acme.example") }},
		{"a test message", func() error { return e.svc.SendTestMail(e.ctx, e.actor(), "it@acme.example") }},
		{"failed messages retried", func() error { return e.svc.RetryMailNow(e.ctx) }},
	}
	if n := d.take(); n != 1 {
		t.Errorf("a user created with the password sent: %d deliveries, want 1", n)
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if n := d.take(); n != 1 {
			t.Errorf("%s: %d deliveries, want 1", s.name, n)
		}
	}
	// What queues nothing delivers nothing; a refused action neither.
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "jo@acme.example", app.UserChange{Name: ptr("Josephine March")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ChangePassword(e.ctx, "jo@acme.example", "wrong", goodPassword); err == nil {
		t.Fatal("a wrong password changed the password")
	}
	if n := d.take(); n != 0 {
		t.Errorf("%d deliveries without a message queued", n)
	}
}

// blockingMailer holds every message until released.
type blockingMailer struct {
	started chan struct{}
	release chan struct{}
	sent    chan struct{}
}

func (m *blockingMailer) Send(ctx context.Context, _ app.SMTPSettings, _ app.OutboxMessage) error {
	m.started <- struct{}{}
	<-m.release
	close(m.sent)
	return nil
}

func TestMailDeliveryStopWaitsForTheRoundUnderWay(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"smtp.host": "127.0.0.1", "smtp.from": "sesame@acme.example"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SendTestMail(e.ctx, e.actor(), "it@acme.example"); err != nil {
		t.Fatal(err)
	}
	m := &blockingMailer{started: make(chan struct{}), release: make(chan struct{}), sent: make(chan struct{})}
	d := e.svc.StartMailDelivery(m, time.Hour, func(err error) { t.Errorf("reported: %v", err) })
	<-m.started
	stopped := make(chan struct{})
	go func() {
		d.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
		t.Fatal("Stop returned while a message was being sent")
	case <-time.After(50 * time.Millisecond):
	}
	close(m.release)
	<-stopped
	select {
	case <-m.sent:
	default:
		t.Error("Stop returned before the send ended")
	}
}

// failingStore fails every transaction.
type failingStore struct{}

func (failingStore) Read(context.Context, func(app.Tx) error) error {
	return app.Internal(context.DeadlineExceeded)
}

func (failingStore) Write(context.Context, func(app.Tx) error) error {
	return app.Internal(context.DeadlineExceeded)
}

func TestMailDeliveryReportsItsErrors(t *testing.T) {
	svc := app.NewService(app.Config{Store: failingStore{}, Blocklist: blocklist, Hasher: fastHash})
	errs := make(chan error, 10)
	d := svc.StartMailDelivery(&blockingMailer{}, time.Hour, func(err error) { errs <- err })
	defer d.Stop()
	select {
	case err := <-errs:
		if app.CodeOf(err) != app.EInternal {
			t.Errorf("reported %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a failed round was not reported")
	}
	d.Kick() // a round asked for at once is reported as well
	select {
	case <-errs:
	case <-time.After(5 * time.Second):
		t.Fatal("a kicked round was not reported")
	}
}

func TestAssessNewPasswordAppliesEveryRule(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("jo@acme.example", "Jo March")
	// Live, the temporary password is refused as the submit refuses it.
	a, err := e.svc.AssessNewPassword(e.ctx, "jo@acme.example", temp)
	if err != nil || a.OK() {
		t.Fatalf("the temporary password assessed as %+v (%v)", a, err)
	}
	_, err = e.svc.ChangePassword(e.ctx, "jo@acme.example", temp, temp)
	wantCode(t, err, app.EPolicy)
	if !reflect.DeepEqual(a.Reasons, app.AsError(err).Reasons) {
		t.Errorf("live reasons %v, submit's %v", a.Reasons, app.AsError(err).Reasons)
	}
	if _, err := e.svc.ChangePassword(e.ctx, "jo@acme.example", temp, goodPassword); err != nil {
		t.Fatal(err)
	}
	// The current one, then one of the last ones.
	if a, _ := e.svc.AssessNewPassword(e.ctx, "jo@acme.example", goodPassword); a.OK() || !strings.Contains(a.Reasons[0].Text, "current password") {
		t.Errorf("the current password: %+v", a)
	}
	next := "orange bicycle harbour 2031"
	if _, err := e.svc.ChangePassword(e.ctx, "jo@acme.example", goodPassword, next); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.svc.AssessNewPassword(e.ctx, "jo@acme.example", goodPassword); a.OK() || !strings.Contains(a.Reasons[0].Text, "recently") {
		t.Errorf("a recent password: %+v", a)
	}
	if a, err := e.svc.AssessNewPassword(e.ctx, "jo@acme.example", "quiet lantern meadow 1954"); err != nil || !a.OK() {
		t.Errorf("a new password: %+v (%v)", a, err)
	}
}

func TestSettingErrorsNameTheSetting(t *testing.T) {
	var st app.Settings
	err := st.Set("clipboard.clear", "2s")
	e := app.AsError(err)
	name, ok := e.Message.Data["Key"].(app.SettingName)
	if !ok || name.Key != "clipboard.clear" || name.Label != "Clear a copied password after" {
		t.Fatalf("the error names %#v", e.Message.Data["Key"])
	}
	if !strings.HasPrefix(err.Error(), "clipboard.clear must be a duration") {
		t.Errorf("in text, the key: %q", err)
	}
	labelled := e.Message.WithData(func(v any) any {
		if n, ok := v.(app.SettingName); ok {
			return n.Label
		}
		return v
	})
	if !strings.HasPrefix(labelled.String(), "Clear a copied password after must be") || e.Message.Data["Key"] != name {
		t.Errorf("WithData: %q, the original left as it was: %v", labelled, e.Message.Data["Key"])
	}
	for _, d := range app.SettingDefs() {
		if !slices.Contains(app.SettingGroups(), d.Group) {
			t.Errorf("%s is in no group (%q)", d.Key, d.Group)
		}
	}
}

func TestEveryAuditDetailReadsBack(t *testing.T) {
	e := newEnv(t)
	me := e.actor()
	if _, err := e.svc.UpdateSettings(e.ctx, me, map[string]string{
		"smtp.host": "127.0.0.1", "smtp.from": "sesame@acme.example", "smtp.password": "relay secret", "lockout.threshold": "2",
	}); err != nil {
		t.Fatal(err)
	}
	_, tp, err := e.svc.CreateUser(e.ctx, me, app.NewUser{Email: "jo@acme.example", Name: "Jo March", RecoveryEmail: "jo@home.example", SendToRecovery: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.CreateUser(e.ctx, me, app.NewUser{Email: "kim@acme.example", Name: "Kim Deal", TemporaryPassword: "a typed temporary one"}); err != nil {
		t.Fatal(err)
	}
	e.signIn("jo@acme.example", tp.Plaintext)
	if _, err := e.svc.ChangePassword(e.ctx, "jo@acme.example", tp.Plaintext, goodPassword); err != nil {
		t.Fatal(err)
	}
	e.signIn("jo@acme.example", "wrong")
	e.signIn("jo@acme.example", "wrong again")
	e.signIn("jo@acme.example", "and again")
	plain := "a typed temporary one"
	for _, ch := range []app.UserChange{
		{Name: ptr("Josephine March"), Role: ptr(app.RoleAdmin), HasMailbox: ptr(false), Unlock: true},
		{HasMailbox: ptr(true), Role: ptr(app.RoleEmployee), Disabled: ptr(true)},
		{Disabled: ptr(false), RecoveryEmail: ptr("jo@other.example")},
		{TemporaryPassword: &plain, Custom: true, SendToRecovery: true},
		{RecoveryEmail: ptr("")},
	} {
		if _, err := e.svc.UpdateUser(e.ctx, me, "jo@acme.example", ch); err != nil {
			t.Fatalf("%+v: %v", ch, err)
		}
	}
	if _, err := e.svc.ResetPassword(e.ctx, me, "jo@acme.example", "", false); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"kim@acme.example", "kim@acme.example", "nobody@acme.example", "admin@acme.example"} {
		if err := e.svc.RequestRecovery(e.ctx, email); err != nil {
			t.Fatal(err)
		}
	}
	for range 6 {
		_ = e.svc.VerifyRecoveryCode(e.ctx, "kim@acme.example", "0000 0000")
	}
	_ = e.svc.VerifyRecoveryCode(e.ctx, "nobody@acme.example", "0000 0000")
	if err := e.svc.SendTestMail(e.ctx, me, "it@acme.example"); err != nil {
		t.Fatal(err)
	}

	seen := map[string]bool{}
	for _, ev := range e.store.Audit() {
		ms := ev.DetailMessages()
		for _, m := range ms {
			if m.Text == "{{.Details}}" {
				t.Errorf("%s: %q is read back by no template", ev.Action, ev.Details)
			}
			for k, v := range m.Data {
				if s, ok := v.(string); ok && strings.Contains(s, "T") && strings.HasSuffix(s, "Z") {
					t.Errorf("%s: %s = %q is a time left as text", ev.Action, k, s)
				}
			}
		}
		var rendered []string
		for _, m := range ms {
			rendered = append(rendered, m.WithData(func(v any) any {
				if t, ok := v.(time.Time); ok {
					return t.Format(time.RFC3339)
				}
				return v
			}).String())
		}
		if got := strings.Join(rendered, "; "); got != ev.Details {
			t.Errorf("%s: read back as %q, written %q", ev.Action, got, ev.Details)
		}
		seen[ev.Action] = true
	}
	for _, a := range []string{app.ActionUserCreate, app.ActionUserRename, app.ActionUserRole, app.ActionUserMailbox,
		app.ActionUserDisable, app.ActionUserUnlock, app.ActionRecoverySet, app.ActionRecoveryClear,
		app.ActionTemporaryGenerate, app.ActionTemporaryCustom, app.ActionPasswordChange, app.ActionSignIn,
		app.ActionSignInFailure, app.ActionSignInLocked, app.ActionSettingChange, app.ActionRecoveryRequest,
		app.ActionRecoveryFailure, app.ActionMailTest} {
		if !seen[a] {
			t.Errorf("no %s event was written: the test does not cover it", a)
		}
	}
}

// TestChangesFromAnOlderCardAreRefused: two administrators open the same
// card; the second Update, made from the card as it was before the first,
// is refused with who changed it and when, and saves nothing; confirmed
// (the version read again), it goes through and keeps what the first one
// changed that the second did not touch. Every change says who made it.
func TestChangesFromAnOlderCardAreRefused(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("jeanne@acme.example", "Jeanne Martin")
	other, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "bob@acme.example", Name: "Bob Admin", Role: app.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	card := e.user("jeanne@acme.example")
	if card.UpdatedBy != e.admin.Email || card.Version != 1 {
		t.Errorf("created by %q, version %d", card.UpdatedBy, card.Version)
	}

	e.clock.Advance(time.Minute)
	name, off := "Jeanne Dupont", true
	if _, err := e.svc.UpdateUser(e.ctx, app.UserActor(other), card.Email, app.UserChange{Name: &name, Version: card.Version}); err != nil {
		t.Fatal(err)
	}
	audits := len(e.store.Audit())
	_, err = e.svc.UpdateUser(e.ctx, e.actor(), card.Email, app.UserChange{Disabled: &off, Version: card.Version})
	if app.CodeOf(err) != app.EStale {
		t.Fatalf("an update from an older card: %v, want EStale", err)
	}
	m := app.AsError(err).Message
	if m.Data["Actor"] != "bob@acme.example" || !m.Data["Time"].(time.Time).Equal(e.clock.Now()) || m.Data["Name"] != "Jeanne Dupont" {
		t.Errorf("the refusal says %v", m)
	}
	if u := e.user(card.Email); u.Disabled || len(e.store.Audit()) != audits {
		t.Errorf("a refused update saved something: disabled %v, %d audit events", u.Disabled, len(e.store.Audit())-audits)
	}

	fresh := e.user(card.Email)
	res, err := e.svc.UpdateUser(e.ctx, e.actor(), card.Email, app.UserChange{Disabled: &off, Version: fresh.Version})
	if err != nil {
		t.Fatal(err)
	}
	if u := res.User; !u.Disabled || u.Name != "Jeanne Dupont" || u.UpdatedBy != e.admin.Email || u.Version != fresh.Version+1 {
		t.Errorf("after the confirmed update: %+v", u)
	}

	// The user's own actions count as changes by them.
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), card.Email, app.UserChange{Disabled: new(bool)}); err != nil {
		t.Fatal(err)
	}
	e.signIn(card.Email, temp)
	if u := e.user(card.Email); u.UpdatedBy != card.Email {
		t.Errorf("after signing in, changed by %q", u.UpdatedBy)
	}
}
