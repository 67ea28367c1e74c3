package app_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sesame/app"
)

// spellings of bob@acme.example that a person or a keyboard may type.
var bobSpellings = []string{
	"bob＠acme.example",  // U+FF20 FULLWIDTH COMMERCIAL AT
	"bob﹫acme.example",  // U+FE6B SMALL COMMERCIAL AT
	"BOB@ACME.EXAMPLE",  // upper case
	"bob@acme.example.", // a fully qualified domain
	"ｂｏｂ@ａｃｍｅ.example",  // full-width letters
	"bob@acme。example",  // U+3002 IDEOGRAPHIC FULL STOP
	" Bob@Acme.Example ",
}

// TestOneLoginOneLock is the example and its kind: a lock holds
// whatever spelling of the login is typed, and failures through any
// spelling share one budget, which an unlock clears.
func TestOneLoginOneLock(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("bob@acme.example", "Bob Builder")
	for range 5 {
		e.signIn("bob@acme.example", "wrong wrong wrong")
	}
	for _, s := range bobSpellings {
		if r := e.signIn(s, temp); r.Outcome != app.OutcomeLocked {
			t.Errorf("locked bob@acme.example, signed in as %q with the right password: %v", s, r.Outcome)
		}
	}
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "bob＠acme.example", app.UserChange{Unlock: true}); err != nil {
		t.Fatal(err)
	}
	if r := e.signIn("bob＠acme.example", temp); r.Outcome != app.OutcomeMustChange || r.User.Email != "bob@acme.example" {
		t.Fatalf("after unlock: %v as %q", r.Outcome, r.User.Email)
	}
	// One budget: five failures through five spellings lock the account.
	for i, s := range bobSpellings[:5] {
		r := e.signIn(s, "wrong wrong wrong")
		if want := app.OutcomeInvalid; i == 4 {
			if r.Outcome != app.OutcomeLocked {
				t.Fatalf("the fifth failure, through %q: %v, want locked", s, r.Outcome)
			}
		} else if r.Outcome != want {
			t.Fatalf("failure %d through %q: %v", i+1, s, r.Outcome)
		}
	}
	if r := e.signIn("bob@acme.example", temp); r.Outcome != app.OutcomeLocked {
		t.Errorf("the canonical login is not locked by failures of other spellings: %v", r.Outcome)
	}
	if u := e.user("BOB@acme.example"); !u.Locked(e.clock.Now()) {
		t.Error("the user is not shown as locked")
	}
	// The audit names the account in its canonical form, however typed.
	for _, ev := range e.store.Audit() {
		if ev.Action == app.ActionSignInFailure && ev.Subject != "bob@acme.example" {
			t.Errorf("failure audited for subject %q", ev.Subject)
		}
	}
}

// TestTextThatIsNotAnAccountHasItsOwnBudget: a login with an invisible
// character is not bob's login, so it cannot be used to guess bob's
// password and its failures do not lock bob.
func TestTextThatIsNotAnAccountHasItsOwnBudget(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("bob@acme.example", "Bob Builder")
	for range 10 {
		if r := e.signIn("b\u200bob@acme.example", temp); r.Outcome == app.OutcomeMustChange || r.Outcome == app.OutcomeSignedIn {
			t.Fatal("a login with a zero-width space signed in as bob")
		}
	}
	if r := e.signIn("bob@acme.example", temp); r.Outcome != app.OutcomeMustChange {
		t.Errorf("bob is locked by another text's failures: %v", r.Outcome)
	}
}

// TestOneLoginIsUnique: another spelling of an existing login is the same
// login.
func TestOneLoginIsUnique(t *testing.T) {
	e := newEnv(t)
	e.addUser("bob@acme.example", "Bob Builder")
	e.addUser("jo@café.example", "Jo Café")
	for _, s := range append(slices.Clone(bobSpellings), "jo@xn--caf-dma.example", "JO@CAFÉ.EXAMPLE", "jo@cafe\u0301.example") {
		_, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: s, Name: "Someone Else"})
		wantCode(t, err, app.EConflict)
	}
	u := e.user("jo@xn--caf-dma.example")
	if u.Email != "jo@café.example" {
		t.Errorf("stored and shown as %q, want the canonical jo@café.example", u.Email)
	}
	for _, q := range []string{"BOB＠ACME.EXAMPLE.", "bob@acme。example"} {
		p, err := e.svc.SearchUsers(e.ctx, app.UserQuery{Text: q})
		if err != nil || len(p.Users) != 1 || p.Users[0].Email != "bob@acme.example" {
			t.Errorf("search %q: %v %v", q, p.Users, err)
		}
		if n, err := e.svc.CountUsers(e.ctx, q, 10); err != nil || n != 1 {
			t.Errorf("count %q: %d %v", q, n, err)
		}
	}
}

// TestInvisibleCharactersAreRefused in logins and recovery addresses.
func TestInvisibleCharactersAreRefused(t *testing.T) {
	e := newEnv(t)
	for _, s := range []string{"b\u200bob@acme.example", "bob@acme.example\u202e", "\u2066bob@acme.example", "bob\u00ad@acme.example"} {
		_, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: s, Name: "Bob"})
		wantCode(t, err, app.EInvalid)
		_, _, err = e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "carl@acme.example", Name: "Carl", RecoveryEmail: s})
		wantCode(t, err, app.EInvalid)
	}
}

// TestLookAlikeLoginsAreConfirmed: a login that a person cannot tell from
// an existing one is refused unless confirmed, and then shown and audited.
func TestLookAlikeLoginsAreConfirmed(t *testing.T) {
	e := newEnv(t)
	e.addUser("bob.martin@acme.example", "Bob Martin")
	e.addUser("alice@acme.example", "Alice Liddell")
	e.addUser("olga@acme.example", "Olga Korbut")
	for _, similar := range []string{
		"bob.rnartin@acme.example", // rn for m
		"b0b.martin@acme.example",  // zero for o
		"bob.martin@acme.examp1e",  // one for l, in the domain
		"аlice@acme.example",       // U+0430 CYRILLIC SMALL LETTER A
		"a1ice@acme.example",
		"alice@acrne.example",
		"οlga@acme.example", // U+03BF GREEK SMALL LETTER OMICRON
		"olga@αcme.example", // U+03B1 GREEK SMALL LETTER ALPHA
	} {
		_, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: similar, Name: "Look Alike"})
		wantCode(t, err, app.ELookAlike)
		if !strings.Contains(err.Error(), "looks like") {
			t.Errorf("%s: %v", similar, err)
		}
	}
	_, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "bob.rnartin@acme.example", Name: "Bob Rnartin"})
	if app.AsError(err).Message.Data["Other"] != "bob.martin@acme.example" {
		t.Errorf("the refusal does not name the login it looks like: %v", err)
	}
	u, tp, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "bob.rnartin@acme.example", Name: "Bob Rnartin", AllowSimilar: true})
	if err != nil {
		t.Fatalf("confirmed: %v", err)
	}
	e.secrets = append(e.secrets, tp.Plaintext)
	if !u.HasLookAlike && !e.user("bob.rnartin@acme.example").HasLookAlike {
		t.Error("the new user is not shown as having a look-alike")
	}
	if !e.user("bob.martin@acme.example").HasLookAlike || e.user("alice@acme.example").HasLookAlike {
		t.Error("HasLookAlike is wrong for the existing users")
	}
	others, err := e.svc.LookAlikes(e.ctx, "bob.martin@acme.example", 10)
	if err != nil || len(others) != 1 || others[0].Email != "bob.rnartin@acme.example" {
		t.Errorf("LookAlikes: %v %v", others, err)
	}
	audit := e.store.Audit()
	last := audit[len(audit)-1]
	if last.Action != app.ActionUserCreate || !strings.Contains(last.Details, "looks like bob.martin@acme.example (confirmed)") {
		t.Errorf("the audit does not record the confirmed look-alike: %+v", last)
	}
	// Distinct enough.
	for _, fine := range []string{"bob.marten@acme.example", "alicia@acme.example", "olga@acme.fr"} {
		if _, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: fine, Name: "Different"}); err != nil {
			t.Errorf("%s refused: %v", fine, err)
		}
	}
}

// TestLookAlikeRecoveryAddresses: a recovery address that looks like a
// login, its own included, is refused unless confirmed; the very address
// of another user is not a look-alike.
func TestLookAlikeRecoveryAddresses(t *testing.T) {
	e := newEnv(t)
	e.addUser("manager@acme.example", "Manny Ager")
	_, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "bob@acme.example", Name: "Bob", RecoveryEmail: "bob@acrne.example"})
	wantCode(t, err, app.ELookAlike)
	_, _, err = e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "bob@acme.example", Name: "Bob", RecoveryEmail: "rnanager@acme.example"})
	wantCode(t, err, app.ELookAlike)
	if _, err := e.svc.User(e.ctx, "bob@acme.example"); app.CodeOf(err) != app.ENotFound {
		t.Fatal("a refused creation left the user behind")
	}
	_, tp, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "bob@acme.example", Name: "Bob", RecoveryEmail: "manager@acme.example"})
	if err != nil {
		t.Fatalf("another user's own address as recovery: %v", err)
	}
	e.secrets = append(e.secrets, tp.Plaintext)
	similar := "rnanager@acme.example"
	_, err = e.svc.UpdateUser(e.ctx, e.actor(), "bob@acme.example", app.UserChange{RecoveryEmail: &similar})
	wantCode(t, err, app.ELookAlike)
	res, err := e.svc.UpdateUser(e.ctx, e.actor(), "bob@acme.example", app.UserChange{RecoveryEmail: &similar, AllowSimilar: true})
	if err != nil || res.User.RecoveryEmail != similar {
		t.Fatalf("confirmed: %+v %v", res.User, err)
	}
	audit := e.store.Audit()
	if last := audit[len(audit)-1]; !strings.Contains(last.Details, "looks like manager@acme.example (confirmed)") {
		t.Errorf("audit: %+v", last)
	}
}

// A recovery address that is one user's very login and looks like
// another's is refused naming both users: whose login was typed, and whose
// it could be taken for; on creation and on a change alike. Confirmed, it
// is saved. A user's login that looks like no other stays accepted.
func TestRecoveryAddressThatIsALoginSaysWhose(t *testing.T) {
	e := newEnv(t)
	e.addUser("bob@acme.example", "Bob Martin")
	_, tp, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "b\u043eb@acme.example", Name: "Bob Cyrillic", AllowSimilar: true})
	if err != nil {
		t.Fatal(err)
	}
	e.secrets = append(e.secrets, tp.Plaintext)
	e.addUser("rn@acme.example", "Ron Newman")
	e.addUser("manager@acme.example", "Manny Ager")
	for _, recovery := range []string{"bob@acme.example", "b\u043eb@acme.example", "BOB@ACME.example"} {
		r := recovery
		_, err := e.svc.UpdateUser(e.ctx, e.actor(), "rn@acme.example", app.UserChange{RecoveryEmail: &r})
		wantCode(t, err, app.ELookAlike)
		owner, other := "Bob Martin", "Bob Cyrillic"
		if strings.Contains(recovery, "\u043e") {
			owner, other = other, owner
		}
		if msg := err.Error(); !strings.Contains(msg, "is the login of "+owner) || !strings.Contains(msg, "of "+other) {
			t.Errorf("recovery %q: %q, want it to name %s's login and %s's", recovery, msg, owner, other)
		}
		_, _, err = e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "new@acme.example", Name: "New", RecoveryEmail: recovery})
		if err == nil || !strings.Contains(err.Error(), "is the login of "+owner) {
			t.Errorf("new user with recovery %q: %v", recovery, err)
		}
	}
	r := "bob@acme.example"
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "rn@acme.example", app.UserChange{RecoveryEmail: &r, AllowSimilar: true}); err != nil {
		t.Errorf("confirmed: %v", err)
	}
	m := "manager@acme.example"
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "rn@acme.example", app.UserChange{RecoveryEmail: &m}); err != nil {
		t.Errorf("another user's login that looks like no other: %v", err)
	}
}

// TestLockoutHoldsUnderConcurrency: twelve sign-ins at the same moment
// check at most lockout.threshold passwords (each wrong check is one
// failure in the audit log).
func TestLockoutHoldsUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	e.addUser("carl@acme.example", "Carl Sagan")
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			if _, err := e.svc.SignIn(e.ctx, "carl@acme.example", "wrong wrong wrong"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := countActions(e, app.ActionSignInFailure); n > 5 {
		t.Errorf("%d passwords checked by 12 simultaneous sign-ins, want at most 5", n)
	}
	if u := e.user("carl@acme.example"); !u.Locked(e.clock.Now()) {
		t.Error("not locked")
	}
}

func countActions(e *env, action string) int {
	n := 0
	for _, ev := range e.store.Audit() {
		if ev.Action == action {
			n++
		}
	}
	return n
}

// TestRightPasswordGivesItsTryBack: a right password, even one that does
// not sign in (disabled, expired), costs no try.
func TestRightPasswordGivesItsTryBack(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("dora@acme.example", "Dora Maar")
	for range 4 {
		e.signIn("dora@acme.example", "wrong wrong wrong")
	}
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "dora@acme.example", app.UserChange{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if r := e.signIn("dora@acme.example", temp); r.Outcome != app.OutcomeDisabled {
			t.Fatalf("disabled account, right password: %v", r.Outcome)
		}
	}
	if u := e.user("dora@acme.example"); u.Locked(e.clock.Now()) {
		t.Error("right passwords locked the account")
	}
}

// TestRefusalsWhileLockedAreSummarised: 300 tries during a lock leave one
// audit event with their count, not 300.
func TestRefusalsWhileLockedAreSummarised(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("eve@acme.example", "Eve Arden")
	for range 5 {
		e.signIn("eve@acme.example", "wrong wrong wrong")
	}
	before := len(e.store.Audit())
	for i := range 300 {
		if r := e.signIn(bobSpellings[i%2], "guess guess guess"); r.Outcome == app.OutcomeSignedIn {
			t.Fatal("signed in")
		}
		if r := e.signIn("EVE@acme.example", "guess guess guess"); r.Outcome != app.OutcomeLocked {
			t.Fatalf("try %d: %v", i, r.Outcome)
		}
	}
	// bob@acme.example is unknown here: its text locks after 5, and its
	// 295 refusals wait for the end of their own lock.
	if grown := len(e.store.Audit()) - before; grown > 10 {
		t.Errorf("600 tries during locks added %d audit events", grown)
	}
	e.clock.Advance(time.Hour)
	if r := e.signIn("eve@acme.example", temp); r.Outcome != app.OutcomeMustChange {
		t.Fatalf("after the lock: %v", r.Outcome)
	}
	var summary []app.AuditEvent
	for _, ev := range e.store.Audit() {
		if ev.Action == app.ActionSignInRefused {
			summary = append(summary, ev)
		}
	}
	if len(summary) != 1 || !strings.HasPrefix(summary[0].Details, "300 attempts refused while locked until") || summary[0].Subject != "eve@acme.example" {
		t.Errorf("summary of the refusals: %+v", summary)
	}
	// An unlock sums up the refusals of a lock that still runs.
	for range 5 {
		e.signIn("eve@acme.example", "wrong wrong wrong")
	}
	for range 7 {
		e.signIn("eve@acme.example", "wrong wrong wrong")
	}
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "eve@acme.example", app.UserChange{Unlock: true}); err != nil {
		t.Fatal(err)
	}
	audit := e.store.Audit()
	found := false
	for _, ev := range audit {
		found = found || ev.Action == app.ActionSignInRefused && strings.HasPrefix(ev.Details, "7 attempts")
	}
	if !found {
		t.Errorf("the unlock did not sum up 7 refusals")
	}
}

// TestTemporaryPasswordsDoNotPushOwnOut is the example: five
// administrator resets do not push the user's own passwords out of the
// five-deep history, yet no temporary password may become the user's own.
func TestTemporaryPasswordsDoNotPushOwnOut(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("fay@acme.example", "Fay Wray")
	own := []string{"violet tramway umbrella 1987", "quartz meadow lantern 55"}
	e.secrets = append(e.secrets, own...)
	current := temp
	for _, p := range own {
		if _, err := e.svc.ChangePassword(e.ctx, "fay@acme.example", current, p); err != nil {
			t.Fatal(err)
		}
		current = p
	}
	var temps []string
	for range 5 {
		tp, err := e.svc.ResetPassword(e.ctx, e.actor(), "fay@acme.example", "", false)
		if err != nil {
			t.Fatal(err)
		}
		temps = append(temps, tp.Plaintext)
		e.secrets = append(e.secrets, tp.Plaintext)
	}
	last := temps[len(temps)-1]
	for _, p := range own {
		_, err := e.svc.ChangePassword(e.ctx, "fay@acme.example", last, p)
		if !hasReason(err, "used this password recently") {
			t.Errorf("the own password %q, reset away five times, is accepted again: %v", p, err)
		}
	}
	_, err := e.svc.ChangePassword(e.ctx, "fay@acme.example", last, last)
	if !hasReason(err, "temporary password you were given") {
		t.Errorf("the current temporary password became the user's own: %v", err)
	}
	_, err = e.svc.ChangePassword(e.ctx, "fay@acme.example", last, temps[1])
	if !hasReason(err, "It is a temporary password you were given") {
		t.Errorf("an earlier temporary password became the user's own: %v", err)
	}
}

// TestRecoveryCodesAreSpacedWhateverEndedThem is the example: a
// code ended by five wrong tries does not let another be sent at once;
// and a day holds at most recovery.codes_per_day codes.
func TestRecoveryCodesAreSpacedWhateverEndedThem(t *testing.T) {
	e, m := mailEnv(t)
	code := e.requestCode(m, "paul@acme.example", "paul@home.example")
	wrong := wrongCode(code)
	for range 5 {
		wantCode(t, e.svc.VerifyRecoveryCode(e.ctx, "paul@acme.example", wrong), app.EAuth)
	}
	if err := e.svc.RequestRecovery(e.ctx, "paul＠acme.example"); err != nil {
		t.Fatal(err)
	}
	if r := e.deliver(m); r.Sent != 0 {
		t.Fatal("a new code was sent at once after the previous one was ended by wrong tries")
	}
	// A code used up by a new password does not open the gap either.
	e.clock.Advance(time.Minute)
	code = e.requestCode(m, "paul@acme.example", "paul@home.example")
	if _, err := e.svc.CompleteRecovery(e.ctx, "paul@acme.example", code, "violet tramway umbrella 1987"); err != nil {
		t.Fatal(err)
	}
	e.secrets = append(e.secrets, "violet tramway umbrella 1987")
	e.deliver(m) // the notices of the password change
	if err := e.svc.RequestRecovery(e.ctx, "paul@acme.example"); err != nil {
		t.Fatal(err)
	}
	if r := e.deliver(m); r.Sent != 0 {
		t.Fatal("a new code was sent at once after the previous one was used")
	}
	// The daily cap (5 by default): two sent so far.
	for range 3 {
		e.clock.Advance(2 * time.Minute)
		e.requestCode(m, "paul@acme.example", "paul@home.example")
	}
	e.clock.Advance(2 * time.Minute)
	if err := e.svc.RequestRecovery(e.ctx, "paul@acme.example"); err != nil {
		t.Fatal(err)
	}
	if r := e.deliver(m); r.Sent != 0 {
		t.Fatal("a sixth code in a day was sent")
	}
	audit := e.store.Audit()
	if last := audit[len(audit)-1]; !strings.Contains(last.Details, "recovery.codes_per_day") {
		t.Errorf("the refusal is not audited with its reason: %+v", last)
	}
	e.clock.Advance(24 * time.Hour)
	e.requestCode(m, "paul@acme.example", "paul@home.example")
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"recovery.codes_per_day": "1"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Minute)
	if err := e.svc.RequestRecovery(e.ctx, "paul@acme.example"); err != nil {
		t.Fatal(err)
	}
	if r := e.deliver(m); r.Sent != 0 {
		t.Fatal("recovery.codes_per_day 1 let a second code go")
	}
	e.assertNoSecretInAudit()
}

// TestLastAdministratorGuardAsksForAnother: with many administrators,
// demoting one is allowed; the last one is still kept.
func TestLastAdministratorGuardAsksForAnother(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"b", "c", "d"} {
		if _, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: n + "@acme.example", Name: strings.ToUpper(n) + " Admin", Role: app.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
	}
	employee := app.RoleEmployee
	for _, n := range []string{"b", "c", "d"} {
		if _, err := e.svc.UpdateUser(e.ctx, e.actor(), n+"@acme.example", app.UserChange{Role: &employee}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.svc.UpdateUser(e.ctx, e.actor(), "admin@acme.example", app.UserChange{Role: &employee})
	wantCode(t, err, app.EForbidden)
	admins, total, err := e.svc.Administrators(e.ctx, 5)
	if err != nil || len(admins) != 1 || total != 1 {
		t.Errorf("Administrators: %v %d %v", admins, total, err)
	}
}
