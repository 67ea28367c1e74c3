package app_test

import (
	"slices"
	"testing"
	"time"

	"sesame/app"
)

func TestSignInOutcomes(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("jeanne.martin@acme.example", "Jeanne Martin")

	if r := e.signIn("nobody@acme.example", temp); r.Outcome != app.OutcomeInvalid {
		t.Errorf("unknown login: %v", r.Outcome)
	}
	if r := e.signIn("jeanne.martin@acme.example", "wrong password here!"); r.Outcome != app.OutcomeInvalid {
		t.Errorf("wrong password: %v", r.Outcome)
	}
	r := e.signIn("  JEANNE.Martin@acme.example ", temp)
	if r.Outcome != app.OutcomeMustChange || r.User.Name != "Jeanne Martin" {
		t.Errorf("temporary password: %v %q", r.Outcome, r.User.Name)
	}
	if r := e.signIn("admin@acme.example", goodPassword); r.Outcome != app.OutcomeSignedIn || r.User.LastSignInAt.IsZero() {
		t.Errorf("own password: %v, last sign-in %v", r.Outcome, r.User.LastSignInAt)
	}

	e.clock.Advance(24 * time.Hour)
	if r := e.signIn("jeanne.martin@acme.example", temp); r.Outcome != app.OutcomeExpired {
		t.Errorf("temporary password after its lifetime: %v", r.Outcome)
	}
	if s := e.user("jeanne.martin@acme.example").State(e.clock.Now()); s != app.StateExpired {
		t.Errorf("state %q, want expired", s)
	}

	disabled := true
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "jeanne.martin@acme.example", app.UserChange{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	tp, err := e.svc.ResetPassword(e.ctx, e.actor(), "jeanne.martin@acme.example", "", false)
	if err != nil {
		t.Fatal(err)
	}
	e.secrets = append(e.secrets, tp.Plaintext)
	if r := e.signIn("jeanne.martin@acme.example", tp.Plaintext); r.Outcome != app.OutcomeDisabled {
		t.Errorf("disabled account, right password: %v", r.Outcome)
	}
	if r := e.signIn("jeanne.martin@acme.example", "not the password!!"); r.Outcome != app.OutcomeInvalid {
		t.Errorf("disabled account, wrong password must not tell it is disabled: %v", r.Outcome)
	}
	e.assertNoSecretInAudit()
}

func TestThrottlingLocksAndDoubles(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("bob@acme.example", "Bob Builder")
	fail := func() app.SignInResult { return e.signIn("Bob@Acme.example", "wrong wrong wrong") }

	for i := 1; i <= 4; i++ {
		if r := fail(); r.Outcome != app.OutcomeInvalid {
			t.Fatalf("failure %d: %v", i, r.Outcome)
		}
	}
	start := e.clock.Now()
	r := fail()
	if r.Outcome != app.OutcomeLocked || !r.LockedUntil.Equal(start.Add(time.Minute)) {
		t.Fatalf("5th failure: %v until %v, want locked until %v", r.Outcome, r.LockedUntil, start.Add(time.Minute))
	}
	if r := e.signIn("bob@acme.example", temp); r.Outcome != app.OutcomeLocked {
		t.Errorf("the right password during a lock: %v", r.Outcome)
	}
	if u := e.user("bob@acme.example"); !u.Locked(e.clock.Now()) {
		t.Error("the user is not shown as locked")
	}
	// Each further failure doubles the lock: 2, 4, 8, 16, 32 min, then the 1 h cap.
	for _, want := range []time.Duration{2, 4, 8, 16, 32, 60, 60} {
		e.clock.Advance(time.Hour)
		r := fail()
		if r.Outcome != app.OutcomeLocked || r.LockedUntil.Sub(e.clock.Now()) != want*time.Minute {
			t.Fatalf("lock of %v, want %v", r.LockedUntil.Sub(e.clock.Now()), want*time.Minute)
		}
	}
	e.clock.Advance(time.Hour)
	if r := e.signIn("bob@acme.example", temp); r.Outcome != app.OutcomeMustChange {
		t.Fatalf("after the lock: %v", r.Outcome)
	}
	// A success clears the count: four failures do not lock again.
	for range 4 {
		if r := fail(); r.Outcome != app.OutcomeInvalid {
			t.Fatalf("count not cleared by a success: %v", r.Outcome)
		}
	}
	actions := e.auditActions()
	if !slices.Contains(actions, app.ActionSignInLocked) || !slices.Contains(actions, app.ActionSignInFailure) {
		t.Errorf("locks and failures not audited: %v", actions)
	}
	e.assertNoSecretInAudit()
}

func TestThrottlingUnknownLoginLooksTheSame(t *testing.T) {
	e := newEnv(t)
	var last app.SignInResult
	for range 5 {
		last = e.signIn("ghost@acme.example", "whatever it is, 123")
	}
	if last.Outcome != app.OutcomeLocked || last.LockedUntil.IsZero() {
		t.Errorf("an unknown login is not throttled like a known one: %v", last.Outcome)
	}
	if r := e.signIn("admin@acme.example", goodPassword); r.Outcome != app.OutcomeSignedIn {
		t.Errorf("another login is locked by someone else's failures: %v", r.Outcome)
	}
}

func TestUnlockAndResetClearTheLock(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("carl@acme.example", "Carl Sagan")
	for range 5 {
		e.signIn("carl@acme.example", "nope nope nope")
	}
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "carl@acme.example", app.UserChange{Unlock: true}); err != nil {
		t.Fatal(err)
	}
	if r := e.signIn("carl@acme.example", temp); r.Outcome != app.OutcomeMustChange {
		t.Fatalf("after unlock: %v", r.Outcome)
	}
	for range 5 {
		e.signIn("carl@acme.example", "nope nope nope")
	}
	tp, err := e.svc.ResetPassword(e.ctx, e.actor(), "carl@acme.example", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if r := e.signIn("carl@acme.example", tp.Plaintext); r.Outcome != app.OutcomeMustChange {
		t.Fatalf("a new temporary password does not unlock: %v", r.Outcome)
	}
	if r := e.signIn("carl@acme.example", temp); r.Outcome != app.OutcomeInvalid {
		t.Errorf("the old temporary password still works: %v", r.Outcome)
	}
	if !slices.Contains(e.auditActions(), app.ActionUserUnlock) {
		t.Error("unlock not audited")
	}
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("dora@acme.example", "Dora Explorer")

	_, err := e.svc.ChangePassword(e.ctx, "dora@acme.example", temp, temp)
	wantCode(t, err, app.EPolicy)
	if !hasReason(err, "temporary password you were given") {
		t.Errorf("reusing the temporary password: %v", err)
	}
	_, err = e.svc.ChangePassword(e.ctx, "dora@acme.example", temp, "dora explorer 12345")
	wantCode(t, err, app.EPolicy)
	if !hasReason(err, "your name") {
		t.Errorf("a password with the name: %v", err)
	}
	_, err = e.svc.ChangePassword(e.ctx, "dora@acme.example", "not the temporary one", "violet tramway umbrella 1987")
	wantCode(t, err, app.EAuth)

	pw := []string{"violet tramway umbrella 1987", "quartz meadow lantern 55", "cobalt sparrow harbor 77"}
	e.secrets = append(e.secrets, pw...)
	u, err := e.svc.ChangePassword(e.ctx, "dora@acme.example", temp, pw[0])
	if err != nil {
		t.Fatal(err)
	}
	if u.State(e.clock.Now()) != app.StateActive || u.PasswordChangedAt.IsZero() {
		t.Errorf("after the change: state %q, changed at %v", u.State(e.clock.Now()), u.PasswordChangedAt)
	}
	if r := e.signIn("dora@acme.example", pw[0]); r.Outcome != app.OutcomeSignedIn {
		t.Errorf("sign-in with the new password: %v", r.Outcome)
	}
	if r := e.signIn("dora@acme.example", temp); r.Outcome != app.OutcomeInvalid {
		t.Errorf("the temporary password still works: %v", r.Outcome)
	}
	_, err = e.svc.ChangePassword(e.ctx, "dora@acme.example", pw[0], pw[0])
	if !hasReason(err, "current password") {
		t.Errorf("the current password again: %v", err)
	}
	if _, err := e.svc.ChangePassword(e.ctx, "dora@acme.example", pw[0], pw[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ChangePassword(e.ctx, "dora@acme.example", pw[1], pw[2]); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.ChangePassword(e.ctx, "dora@acme.example", pw[2], pw[0])
	if !hasReason(err, "used this password recently") {
		t.Errorf("a password from the history: %v", err)
	}
	// With a history of one, the oldest may come back.
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"password.history": "1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ChangePassword(e.ctx, "dora@acme.example", pw[2], pw[0]); err != nil {
		t.Errorf("history of 1: %v", err)
	}
	e.assertNoSecretInAudit()
}

func TestChangePasswordFailuresCount(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("eve@acme.example", "Eve Online")
	for range 5 {
		_, err := e.svc.ChangePassword(e.ctx, "eve@acme.example", "guess guess guess", "violet tramway umbrella 1987")
		if c := app.CodeOf(err); c != app.EAuth && c != app.ELocked {
			t.Fatalf("code %q", c)
		}
	}
	_, err := e.svc.ChangePassword(e.ctx, "eve@acme.example", temp, "violet tramway umbrella 1987")
	wantCode(t, err, app.ELocked)
}

func TestExpiredTemporaryCannotBeChanged(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("fay@acme.example", "Fay Wray")
	e.clock.Advance(25 * time.Hour)
	_, err := e.svc.ChangePassword(e.ctx, "fay@acme.example", temp, "violet tramway umbrella 1987")
	wantCode(t, err, app.EExpired)
}

func TestRehashOnSignIn(t *testing.T) {
	// The store holds a hash made with weaker parameters; the service
	// uses stronger ones: the next successful sign-in replaces it.
	store := newEnv(t)
	weak := app.Hasher{Params: app.HashParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}
	svcWeak := app.NewService(app.Config{Store: store.store, Blocklist: blocklist, Now: store.clock.Now, Hasher: weak})
	if _, err := svcWeak.ChangePassword(store.ctx, "admin@acme.example", goodPassword, "quartz meadow lantern 55"); err != nil {
		t.Fatal(err)
	}
	before := store.user("admin@acme.example").PasswordHash
	if !fastHash.NeedsRehash(before) {
		t.Fatal("test set-up: the hash is not weaker")
	}
	if r := store.signIn("admin@acme.example", "quartz meadow lantern 55"); r.Outcome != app.OutcomeSignedIn {
		t.Fatal(r.Outcome)
	}
	after := store.user("admin@acme.example").PasswordHash
	if after == before || fastHash.NeedsRehash(after) {
		t.Errorf("the weak hash was not replaced: %s", after)
	}
	if r := store.signIn("admin@acme.example", "quartz meadow lantern 55"); r.Outcome != app.OutcomeSignedIn {
		t.Errorf("sign-in after the rehash: %v", r.Outcome)
	}
}

func hasReason(err error, fragment string) bool {
	e := app.AsError(err)
	if e == nil {
		return false
	}
	for _, r := range e.Reasons {
		if contains(r.String(), fragment) {
			return true
		}
	}
	return contains(e.Message.String(), fragment)
}

// A password typed into the e-mail field is kept nowhere: not in the audit,
// not as a throttling key.
func TestTextThatIsNotALoginIsNotKept(t *testing.T) {
	e := newEnv(t)
	const typo = "MySecretPass!2024"
	for range 5 {
		e.signIn(typo, "whatever")
	}
	if r := e.signIn(typo, "whatever"); r.Outcome != app.OutcomeLocked {
		t.Errorf("not throttled: %v", r.Outcome)
	}
	e.secrets = append(e.secrets, typo, "mysecretpass!2024")
	e.assertNoSecretInAudit()
	var found bool
	for _, ev := range e.store.Audit() {
		found = found || ev.Actor == "(not an e-mail address)"
	}
	if !found {
		t.Error("the failures are not audited")
	}
}

// A run of failures is forgotten a day after the last one (when no lock
// remains), so the throttling records stay few whatever strangers type.
func TestOldFailuresAreForgotten(t *testing.T) {
	e := newEnv(t)
	e.addUser("vic@acme.example", "Vic Morrow")
	for range 4 {
		e.signIn("vic@acme.example", "wrong wrong wrong")
	}
	e.clock.Advance(25 * time.Hour)
	e.signIn("someone.else@acme.example", "wrong") // any failure purges the old records
	if r := e.signIn("vic@acme.example", "wrong wrong wrong"); r.Outcome != app.OutcomeInvalid {
		t.Errorf("a failure after a day counts from one again, got %v", r.Outcome)
	}
	// Within the day, the count goes on.
	for range 3 {
		e.signIn("vic@acme.example", "wrong wrong wrong")
	}
	if r := e.signIn("vic@acme.example", "wrong wrong wrong"); r.Outcome != app.OutcomeLocked {
		t.Errorf("the fifth failure within a day: %v", r.Outcome)
	}
}
