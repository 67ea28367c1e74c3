package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"sesame/app"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func ptr[T any](v T) *T { return &v }

func TestSetup(t *testing.T) {
	e := newEnv(t)
	if need, _ := e.svc.NeedsSetup(e.ctx); need {
		t.Error("NeedsSetup after setup")
	}
	_, _, err := e.svc.Setup(e.ctx, app.Actor{}, app.SetupRequest{Company: "Other", Email: "x@y.example", Name: "X"})
	wantCode(t, err, app.EConflict)
	st, _ := e.svc.Settings(e.ctx)
	if st.CompanyName != "Acme Industries" {
		t.Errorf("company %q", st.CompanyName)
	}
	if !e.admin.IsAdmin() || e.admin.State(e.clock.Now()) != app.StateActive {
		t.Errorf("first administrator: role %q state %q", e.admin.Role, e.admin.State(e.clock.Now()))
	}
}

func TestSetupRejectsAWeakPasswordAndGeneratesOne(t *testing.T) {
	e := emptyEnv(t)
	_, _, err := e.svc.Setup(e.ctx, app.Actor{}, app.SetupRequest{Company: "Acme", Email: "boss@acme.example", Name: "Big Boss", Password: "acme boss 12345678"})
	wantCode(t, err, app.EPolicy)
	if need, _ := e.svc.NeedsSetup(e.ctx); !need {
		t.Fatal("a refused setup saved something")
	}
	u, temp, err := e.svc.Setup(e.ctx, app.SystemActor("root"), app.SetupRequest{Company: "Acme", Email: "boss@acme.example", Name: "Big Boss"})
	if err != nil {
		t.Fatal(err)
	}
	if temp == nil || len(temp.Plaintext) != 16 || u.State(e.clock.Now()) != app.StateTemporary {
		t.Fatalf("no temporary password: %+v %v", temp, u.State(e.clock.Now()))
	}
	if r := e.signIn("boss@acme.example", temp.Plaintext); r.Outcome != app.OutcomeMustChange {
		t.Errorf("first sign-in: %v", r.Outcome)
	}
}

func TestCreateUser(t *testing.T) {
	e := newEnv(t)
	u, tp, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: " Gina@Acme.example ", Name: "  Gina   Lollo ", HasMailbox: false, RecoveryEmail: "gina@home.example"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "gina@acme.example" || u.Name != "Gina Lollo" || u.Role != app.RoleEmployee || u.HasMailbox || u.RecoveryEmail != "gina@home.example" {
		t.Errorf("created %+v", u)
	}
	if !tp.ExpiresAt.Equal(e.clock.Now().Add(24*time.Hour)) || len(tp.Plaintext) != 16 {
		t.Errorf("temporary password %d characters, expires %v", len(tp.Plaintext), tp.ExpiresAt)
	}
	_, _, err = e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "gina@acme.EXAMPLE", Name: "Other Gina"})
	wantCode(t, err, app.EConflict)
	for _, bad := range []app.NewUser{
		{Email: "not an email", Name: "X"},
		{Email: "x@acme.example", Name: "   "},
		{Email: "x@acme.example", Name: "X", Role: "boss"},
		{Email: "x@acme.example", Name: "X", RecoveryEmail: "X@acme.example"},
		{Email: "x@acme.example", Name: "X", RecoveryEmail: "nope"},
		{Email: "x@acme.example", Name: "X", TemporaryPassword: "short"},
		{Email: "x@acme.example", Name: "X", TemporaryPassword: "1qaz2wsx3edc4rfv"},
		// A typed temporary password passes the rules of a chosen one.
		{Email: "x@acme.example", Name: "X", TemporaryPassword: "               "},
		{Email: "x@acme.example", Name: "X", TemporaryPassword: "Bienvenue chez Acme 2026"},
		{Email: "x@acme.example", Name: "X", TemporaryPassword: "Bienvenue2026!!!"},
		{Email: "x@acme.example", Name: "X", TemporaryPassword: "azertyuiop123456"},
		{Email: "x@acme.example", Name: "X", TemporaryPassword: "thisismypassword"},
		{Email: "xavier@acme.example", Name: "Xavier Dubois", TemporaryPassword: "Xavier.Dubois.2026!"},
	} {
		if _, _, err := e.svc.CreateUser(e.ctx, e.actor(), bad); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
	if _, err := e.svc.User(e.ctx, "x@acme.example"); app.CodeOf(err) != app.ENotFound {
		t.Errorf("a refused creation saved the user: %v", err)
	}
	// A typed temporary password, then the setting that forbids it.
	_, tp2, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "hal@acme.example", Name: "Hal", TemporaryPassword: "lampion gravier tortue sabot"})
	if err != nil || tp2.Plaintext != "lampion gravier tortue sabot" {
		t.Fatalf("custom temporary: %v", err)
	}
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"temporary.custom_allowed": "off"}); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "ian@acme.example", Name: "Ian", TemporaryPassword: "lampion gravier tortue sabot"})
	wantCode(t, err, app.EForbidden)
	e.secrets = append(e.secrets, tp.Plaintext, tp2.Plaintext)
	e.assertNoSecretInAudit()
}

func TestUpdateUserIsOneStep(t *testing.T) {
	e := newEnv(t)
	e.addUser("jo@acme.example", "Jo March")
	// A bad recovery e-mail with other changes: nothing is saved.
	_, err := e.svc.UpdateUser(e.ctx, e.actor(), "jo@acme.example", app.UserChange{Name: ptr("Josephine March"), RecoveryEmail: ptr("bad address")})
	wantCode(t, err, app.EInvalid)
	if u := e.user("jo@acme.example"); u.Name != "Jo March" {
		t.Errorf("the name was saved despite the error: %q", u.Name)
	}
	plain, err := e.svc.NewTemporaryPassword(e.ctx, "jo@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.UpdateUser(e.ctx, e.actor(), "jo@acme.example", app.UserChange{
		Name: ptr("Josephine March"), RecoveryEmail: ptr("jo@home.example"), TemporaryPassword: &plain, Role: ptr(app.RoleAdmin),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{app.ActionUserRename, app.ActionUserRole, app.ActionRecoverySet, app.ActionTemporaryGenerate}
	if !slices.Equal(res.Changed, want) {
		t.Errorf("changed %v, want %v", res.Changed, want)
	}
	if res.Temporary == nil || res.Temporary.Plaintext != plain || res.User.State(e.clock.Now()) != app.StateTemporary {
		t.Errorf("temporary password not set: %+v", res.Temporary)
	}
	if r := e.signIn("jo@acme.example", plain); r.Outcome != app.OutcomeMustChange {
		t.Errorf("sign-in with the new temporary password: %v", r.Outcome)
	}
	// Nothing changed: nothing recorded.
	res, err = e.svc.UpdateUser(e.ctx, e.actor(), "jo@acme.example", app.UserChange{Name: ptr("Josephine March")})
	if err != nil || len(res.Changed) != 0 {
		t.Errorf("a no-op update recorded %v (%v)", res.Changed, err)
	}
	res, err = e.svc.UpdateUser(e.ctx, e.actor(), "jo@acme.example", app.UserChange{RecoveryEmail: ptr("")})
	if err != nil || res.User.RecoveryEmail != "" || !slices.Equal(res.Changed, []string{app.ActionRecoveryClear}) {
		t.Errorf("clearing the recovery e-mail: %v %v", res.Changed, err)
	}
	_, err = e.svc.UpdateUser(e.ctx, e.actor(), "nobody@acme.example", app.UserChange{Unlock: true})
	wantCode(t, err, app.ENotFound)
	e.secrets = append(e.secrets, plain)
	e.assertNoSecretInAudit()
}

func TestLastAdministratorGuard(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.UpdateUser(e.ctx, app.SystemActor("root"), "admin@acme.example", app.UserChange{Disabled: ptr(true)})
	wantCode(t, err, app.EForbidden)
	if !contains(err.Error(), "last active administrator") {
		t.Errorf("message %q", err)
	}
	_, err = e.svc.UpdateUser(e.ctx, e.actor(), "admin@acme.example", app.UserChange{Role: ptr(app.RoleEmployee)})
	wantCode(t, err, app.EForbidden)
	_, err = e.svc.UpdateUser(e.ctx, app.SystemActor("root"), "admin@acme.example", app.UserChange{Role: ptr(app.RoleEmployee)})
	wantCode(t, err, app.EForbidden)

	// With a second administrator, the first may step down.
	e.addUser("kim@acme.example", "Kim Deal")
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "kim@acme.example", app.UserChange{Role: ptr(app.RoleAdmin)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "admin@acme.example", app.UserChange{Role: ptr(app.RoleEmployee)}); err != nil {
		t.Errorf("demoting one of two administrators: %v", err)
	}
	// A disabled administrator does not count as active.
	_, err = e.svc.UpdateUser(e.ctx, app.SystemActor("root"), "kim@acme.example", app.UserChange{Disabled: ptr(true)})
	wantCode(t, err, app.EForbidden)
}

func TestOnlyAdministratorsAdminister(t *testing.T) {
	e := newEnv(t)
	e.addUser("lea@acme.example", "Lea Seydoux")
	lea := e.user("lea@acme.example")
	_, err := e.svc.UpdateUser(e.ctx, app.UserActor(lea), "admin@acme.example", app.UserChange{Name: ptr("Pwned")})
	wantCode(t, err, app.EForbidden)
	_, _, err = e.svc.CreateUser(e.ctx, app.UserActor(lea), app.NewUser{Email: "m@acme.example", Name: "M"})
	wantCode(t, err, app.EForbidden)
	_, err = e.svc.UpdateSettings(e.ctx, app.UserActor(lea), map[string]string{"password.min_length": "8"})
	wantCode(t, err, app.EForbidden)
	_, err = e.svc.UpdateUser(e.ctx, app.Actor{}, "lea@acme.example", app.UserChange{Name: ptr("Nobody")})
	wantCode(t, err, app.EForbidden)
}

func TestAdminPasswordManagementOff(t *testing.T) {
	e := newEnv(t)
	e.addUser("max@acme.example", "Max Planck")
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"company.admin_password_management": "off"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.ResetPassword(e.ctx, e.actor(), "max@acme.example", "", false)
	wantCode(t, err, app.EForbidden)
	if !contains(err.Error(), "password management is off") {
		t.Errorf("message %q", err)
	}
	_, err = e.svc.UpdateUser(e.ctx, e.actor(), "max@acme.example", app.UserChange{RecoveryEmail: ptr("max@home.example")})
	wantCode(t, err, app.EForbidden)
	// Other changes remain possible.
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "max@acme.example", app.UserChange{Name: ptr("Max K. Planck"), Unlock: true}); err != nil {
		t.Errorf("a name change with the option off: %v", err)
	}
}

func TestCustomTemporaryPassword(t *testing.T) {
	e := newEnv(t)
	e.addUser("ned@acme.example", "Ned Stark")
	_, err := e.svc.ResetPassword(e.ctx, e.actor(), "ned@acme.example", "too short", false)
	wantCode(t, err, app.EPolicy)
	tp, err := e.svc.ResetPassword(e.ctx, e.actor(), "ned@acme.example", "Rivière cobalt lanterne 2026", false)
	if err != nil {
		t.Fatal(err)
	}
	if r := e.signIn("ned@acme.example", tp.Plaintext); r.Outcome != app.OutcomeMustChange {
		t.Errorf("custom temporary password: %v", r.Outcome)
	}
	if !slices.Contains(e.auditActions(), app.ActionTemporaryCustom) {
		t.Error("a typed temporary password is not audited as such")
	}
	e.secrets = append(e.secrets, "Rivière cobalt lanterne 2026")
	e.assertNoSecretInAudit()
}

func TestUpdateSettings(t *testing.T) {
	e := newEnv(t)
	st, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"password.min_length": "20", "temporary.lifetime": "2h"})
	if err != nil {
		t.Fatal(err)
	}
	if st.MinLength != 20 || st.TemporaryLifetime != 2*time.Hour {
		t.Errorf("settings %+v", st)
	}
	_, err = e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"password.min_length": "7", "lockout.first": "2h", "nope": "1"})
	wantCode(t, err, app.EInvalid)
	if n := len(app.AsError(err).Reasons); n != 3 {
		t.Errorf("%d problems listed, want 3: %v", n, err)
	}
	st, _ = e.svc.Settings(e.ctx)
	if st.MinLength != 20 || st.LockoutFirst != time.Minute {
		t.Errorf("a refused update saved something: %+v", st)
	}
	_, tp, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "oz@acme.example", Name: "Oz"})
	if err != nil {
		t.Fatal(err)
	}
	if !tp.ExpiresAt.Equal(e.clock.Now().Add(2 * time.Hour)) {
		t.Errorf("the lifetime setting is not applied: %v", tp.ExpiresAt)
	}
	var changes int
	for _, ev := range e.store.Audit() {
		if ev.Action == app.ActionSettingChange {
			changes++
		}
	}
	if changes != 2 {
		t.Errorf("%d setting changes audited, want 2", changes)
	}
}

func TestAdministratorsAndSearch(t *testing.T) {
	e := newEnv(t)
	e.addUser("helene.dupre@acme.example", "Hélène Dupré")
	e.addUser("zoe@acme.example", "Zoé Zola")
	admins, total, err := e.svc.Administrators(e.ctx, 5)
	if err != nil || len(admins) != 1 || admins[0].Name != "Alice Admin" || total != 1 {
		t.Errorf("administrators %v (%d) %v", admins, total, err)
	}
	p, err := e.svc.SearchUsers(e.ctx, app.UserQuery{Text: "helene"})
	if err != nil || len(p.Users) != 1 || p.Users[0].Name != "Hélène Dupré" {
		t.Errorf("search: %v %v", p.Users, err)
	}
}

func TestCreateUserBeforeSetupIsRefused(t *testing.T) {
	e := emptyEnv(t)
	_, _, err := e.svc.CreateUser(e.ctx, app.SystemActor("root"), app.NewUser{Email: "a@b.example", Name: "A"})
	wantCode(t, err, app.EInvalid)
	if need, _ := e.svc.NeedsSetup(e.ctx); !need {
		t.Error("a user was created before the set-up")
	}
}

func TestUpdateSettingsChecksTiesOnceAllAreIn(t *testing.T) {
	e := newEnv(t)
	st, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"lockout.first": "2h", "lockout.max": "3h"})
	if err != nil || st.LockoutFirst != 2*time.Hour || st.LockoutMax != 3*time.Hour {
		t.Fatalf("raising both locks at once: %+v %v", st, err)
	}
	_, err = e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"lockout.max": "1h"})
	wantCode(t, err, app.EInvalid)
}

func TestCountUsers(t *testing.T) {
	e := newEnv(t)
	e.addUser("helene@acme.example", "Hélène Dupré")
	e.addUser("marc@acme.example", "Marc Dupont")
	for _, c := range []struct {
		text   string
		atMost int
		want   int
	}{{"", 10, 3}, {"dup", 10, 2}, {"HELENE", 10, 1}, {"dup", 1, 1}, {"zz", 10, 0}} {
		if n, err := e.svc.CountUsers(e.ctx, c.text, c.atMost); err != nil || n != c.want {
			t.Errorf("CountUsers(%q, %d) = %d, %v; want %d", c.text, c.atMost, n, err, c.want)
		}
	}
}

func TestOptionOffAtCreation(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"company.admin_password_management": "off"}); err != nil {
		t.Fatal(err)
	}
	_, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "t@acme.example", Name: "Typed", TemporaryPassword: "lampion gravier tortue sabot"})
	wantCode(t, err, app.EForbidden)
	// The generated first password remains, so that the account can sign in once.
	if _, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "g@acme.example", Name: "Generated"}); err != nil {
		t.Errorf("a generated first password with the option off: %v", err)
	}
}

// The temporary password cannot come back as the user's own password two
// changes later, and the refusal says that it was a temporary password.
func TestTemporaryPasswordJoinsTheHistory(t *testing.T) {
	e := newEnv(t)
	temp := e.addUser("una@acme.example", "Una Merkel")
	if _, err := e.svc.ChangePassword(e.ctx, "una@acme.example", temp, "violet tramway umbrella 1987"); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.ChangePassword(e.ctx, "una@acme.example", "violet tramway umbrella 1987", temp)
	if !hasReason(err, "It is a temporary password you were given") {
		t.Errorf("the temporary password came back: %v", err)
	}
}

// A typed reset is judged with the user's stored name, as a chosen
// password is: a strong phrase that holds it is refused, and says why.
func TestTypedResetKnowsTheUser(t *testing.T) {
	e := newEnv(t)
	e.addUser("jo@acme.example", "Jo Marchetti")
	_, err := e.svc.ResetPassword(e.ctx, e.actor(), "jo@acme.example", "gravier marchetti lampion tortue", false)
	wantCode(t, err, app.EPolicy)
	if !strings.Contains(err.Error(), "your name") {
		t.Errorf("reason %q does not name the cause", err)
	}
	a, err := e.svc.AssessTemporary(e.ctx, "jo@acme.example", "gravier marchetti lampion tortue")
	if err != nil || a.OK() {
		t.Errorf("live feedback accepts what the reset refuses: %v, %v", a.Reasons, err)
	}
}

// Generated temporary passwords always pass: the service draws again when
// one fails by chance (a false positive of the breached set, a name).
func TestGeneratedTemporaryAlwaysPasses(t *testing.T) {
	e := newEnv(t)
	e.addUser("dan.adam@acme.example", "Dan Adam")
	for range 300 {
		p, err := e.svc.NewTemporaryPassword(e.ctx, "dan.adam@acme.example")
		if err != nil {
			t.Fatal(err)
		}
		if a, err := e.svc.AssessTemporary(e.ctx, "dan.adam@acme.example", p); err != nil || !a.OK() {
			t.Fatalf("generated %q refused: %v %v", p, a.Reasons, err)
		}
	}
}
