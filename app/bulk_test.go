package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sesame/app"
)

// bulkEnv is a directory of n employees (some with a recovery e-mail, some
// without a mailbox, some locked) beside the administrator of newEnv.
func bulkEnv(t *testing.T, n int) *env {
	e := newEnv(t)
	for i := range n {
		nu := app.NewUser{Email: fmt.Sprintf("emp%03d@acme.example", i), Name: fmt.Sprintf("Employee %03d", i), HasMailbox: i%5 != 0}
		if i%2 == 0 {
			nu.RecoveryEmail = fmt.Sprintf("emp%03d@perso.example", i)
		}
		if _, tp, err := e.svc.CreateUser(e.ctx, e.actor(), nu); err != nil {
			t.Fatal(err)
		} else {
			e.secrets = append(e.secrets, tp.Plaintext)
		}
	}
	// Lock a few by failed sign-ins.
	for i := 0; i < n; i += 7 {
		for range 6 {
			e.signIn(fmt.Sprintf("emp%03d@acme.example", i), "not the password at all")
		}
	}
	return e
}

func (e *env) plan(r app.BulkRequest) app.BulkPlan {
	e.t.Helper()
	p, err := e.svc.PlanBulk(e.ctx, e.actor(), r)
	if err != nil {
		e.t.Fatalf("plan %+v: %v", r, err)
	}
	return p
}

// run runs a plan and returns every outcome reported.
func (e *env) run(ctx context.Context, p app.BulkPlan) (app.BulkResult, []app.BulkOutcome) {
	e.t.Helper()
	var out []app.BulkOutcome
	last := 0
	res, err := e.svc.RunBulk(ctx, e.actor(), p, func(pr app.BulkProgress) {
		if pr.Done < last || pr.Total != p.Selected {
			e.t.Errorf("progress %d of %d after %d", pr.Done, pr.Total, last)
		}
		last = pr.Done
		out = append(out, pr.Outcomes...)
	})
	if err != nil {
		e.t.Fatalf("run: %v", err)
	}
	for _, o := range out {
		if o.Temporary != nil {
			e.secrets = append(e.secrets, o.Temporary.Plaintext)
		}
	}
	return res, out
}

func TestBulkResetByFilter(t *testing.T) {
	e := bulkEnv(t, 40)
	locked := app.UserFilter{Statuses: app.Statuses(app.StatusLocked)}
	p := e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkReset}, Selection: app.Selection{Filter: &locked}})
	if p.Selected != 6 || p.Change != 6 || p.Unchanged != 0 || len(p.Refused) != 0 {
		t.Fatalf("plan: %+v", p)
	}
	res, out := e.run(e.ctx, p)
	if res.Done != 6 || len(out) != 6 || res.Cancelled {
		t.Fatalf("result %+v, %d outcomes", res, len(out))
	}
	for _, o := range out {
		if o.Status != app.BulkDone || o.Temporary == nil || o.Temporary.ExpiresAt != e.clock.Now().Add(24*time.Hour) {
			t.Fatalf("outcome %+v", o)
		}
		// Unlocked, and the new password signs in to the reset form.
		if r := e.signIn(o.Login, o.Temporary.Plaintext); r.Outcome != app.OutcomeMustChange {
			t.Fatalf("sign-in of %s with its new password: %v", o.Login, r.Outcome)
		}
	}
	// One event per change of each user, naming the bulk action, and one
	// for the action.
	var perUser, batch int
	for _, ev := range e.store.Audit() {
		switch {
		case ev.Action == app.ActionBulk:
			batch++
			if !strings.Contains(ev.Details, res.ID) || !strings.Contains(ev.Details, "6 done") {
				t.Errorf("bulk event %q", ev.Details)
			}
		case ev.Action == app.ActionTemporaryGenerate && strings.Contains(ev.Details, res.ID):
			perUser++
		}
	}
	if perUser != 6 || batch != 1 {
		t.Errorf("%d events of users, %d of the action", perUser, batch)
	}
	e.assertNoSecretInAudit()
	// Nobody is locked any more: the same filter selects no one.
	if p := e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkReset}, Selection: app.Selection{Filter: &locked}}); p.Selected != 0 {
		t.Errorf("locked after the reset: %d", p.Selected)
	}
}

func TestBulkByListOfLogins(t *testing.T) {
	e := bulkEnv(t, 10)
	logins := []string{"EMP001@acme.example", "emp002@acme.example", "nobody@acme.example", "emp001@acme.example", " emp003@acme.example "}
	p := e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkDisable}, Selection: app.Selection{Logins: logins}})
	if p.Selected != 3 || p.Change != 3 || !slices.Equal(p.NotFound, []string{"nobody@acme.example"}) {
		t.Fatalf("plan: %+v", p)
	}
	res, out := e.run(e.ctx, p)
	if res.Done != 3 || res.NotFound != 1 {
		t.Fatalf("result %+v", res)
	}
	for _, o := range out {
		if !e.user(o.Login).Disabled {
			t.Errorf("%s not disabled", o.Login)
		}
	}
	// Again: already disabled.
	p = e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkDisable}, Selection: app.Selection{Logins: logins}})
	if p.Unchanged != 3 || p.Change != 0 {
		t.Fatalf("plan again: %+v", p)
	}
	if res, _ := e.run(e.ctx, p); res.Unchanged != 3 || res.Done != 0 {
		t.Fatalf("run again: %+v", res)
	}
}

// TestBulkKeepsAnAdministrator: disabling or demoting every administrator
// leaves the last one, and no one disables their own account.
func TestBulkKeepsAnAdministrator(t *testing.T) {
	e := bulkEnv(t, 6)
	admin := app.RoleAdmin
	for _, login := range []string{"emp001@acme.example", "emp002@acme.example"} {
		if _, err := e.svc.UpdateUser(e.ctx, e.actor(), login, app.UserChange{Role: &admin}); err != nil {
			t.Fatal(err)
		}
	}
	admins := app.UserFilter{Role: app.RoleAdmin}
	// Disabling every administrator: the actor's own account is refused.
	p := e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkDisable}, Selection: app.Selection{Filter: &admins}})
	if p.Selected != 3 || p.Change != 2 || len(p.Refused) != 1 || p.Refused[0].Count != 1 {
		t.Fatalf("plan: %+v", p)
	}
	res, _ := e.run(e.ctx, p)
	if res.Done != 2 || res.Refused != 1 || e.user(e.admin.Email).Disabled {
		t.Fatalf("result %+v", res)
	}
	// Demoting every active administrator: the last one stays.
	p = e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkEnable}, Selection: app.Selection{Filter: &admins}})
	e.run(e.ctx, p)
	p = e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkRole, Role: app.RoleEmployee}, Selection: app.Selection{Filter: &admins}})
	if p.Change != 2 || len(p.Refused) != 1 {
		t.Fatalf("plan of demotion: %+v", p)
	}
	res, out := e.run(e.ctx, p)
	if res.Done != 2 || res.Refused != 1 {
		t.Fatalf("demotion: %+v", res)
	}
	n, err := e.svc.UserCounts(e.ctx, app.UserFilter{Role: app.RoleAdmin, Statuses: app.Statuses(app.StatusActive, app.StatusMustChange, app.StatusExpired, app.StatusLocked, app.StatusNoPassword)})
	if err != nil || n.Total != 1 {
		t.Fatalf("active administrators left: %d (%v); outcomes %+v", n.Total, err, out)
	}
}

func TestBulkSend(t *testing.T) {
	e := bulkEnv(t, 10)
	all := app.UserFilter{Role: app.RoleEmployee}
	if _, err := e.svc.PlanBulk(e.ctx, e.actor(), app.BulkRequest{Action: app.BulkAction{Kind: app.BulkSend}, Selection: app.Selection{Filter: &all}}); app.CodeOf(err) != app.EForbidden {
		t.Fatalf("send without e-mail set up: %v", err)
	}
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"smtp.host": "127.0.0.1", "smtp.from": "sesame@acme.example"}); err != nil {
		t.Fatal(err)
	}
	p := e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkSend}, Selection: app.Selection{Filter: &all}})
	if p.Selected != 10 || p.Change != 5 || len(p.Refused) != 1 || p.Refused[0].Count != 5 {
		t.Fatalf("plan: %+v", p)
	}
	res, out := e.run(e.ctx, p)
	if res.Done != 5 || res.Refused != 5 {
		t.Fatalf("result %+v", res)
	}
	sent := map[string]bool{}
	for _, m := range e.store.Mail() {
		if m.Kind == app.MailTemporaryPassword {
			sent[m.To] = true
		}
	}
	for _, o := range out {
		if o.Temporary != nil {
			t.Errorf("%s: a sent password is also returned", o.Login)
		}
		u := e.user(o.Login)
		if want := o.Status == app.BulkDone; sent[u.RecoveryEmail] != want || (want && u.RecoveryEmail == "") {
			t.Errorf("%s (%s): sent %v, want %v", o.Login, o.Status, sent[u.RecoveryEmail], want)
		}
		if sent[u.Email] {
			t.Errorf("a temporary password mailed to the login %s", u.Email)
		}
	}
}

// TestBulkCancelledHalfway: what finished is applied and audited, what did
// not is untouched.
func TestBulkCancelledHalfway(t *testing.T) {
	e := bulkEnv(t, 300) // five batches
	before := map[string]string{}
	all := app.UserFilter{Role: app.RoleEmployee}
	p := e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkReset}, Selection: app.Selection{Filter: &all}})
	if err := e.store.Read(e.ctx, func(tx app.Tx) error {
		users, err := tx.UsersAfter(app.UserSet{Cells: app.AllCells(), Now: e.clock.Now()}, 0, 1000)
		for _, u := range users {
			before[u.Email] = u.PasswordHash
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	var done []app.BulkOutcome
	res, err := e.svc.RunBulk(ctx, e.actor(), p, func(pr app.BulkProgress) {
		done = append(done, pr.Outcomes...)
		cancel() // after the first batch
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Cancelled || res.Done == 0 || res.Done >= p.Selected || res.Done != len(done) {
		t.Fatalf("result %+v, %d outcomes reported, %d selected", res, len(done), p.Selected)
	}
	changed := map[string]bool{}
	for _, o := range done {
		changed[o.Login] = true
	}
	audited := map[string]bool{}
	for _, ev := range e.store.Audit() {
		if ev.Action == app.ActionTemporaryGenerate && strings.Contains(ev.Details, res.ID) {
			audited[ev.Subject] = true
		}
		if ev.Action == app.ActionBulk && !strings.Contains(ev.Details, "cancelled") {
			t.Errorf("bulk event %q does not say it was cancelled", ev.Details)
		}
	}
	for login, hash := range before {
		u := e.user(login)
		if changed[login] != (u.PasswordHash != hash) || changed[login] != audited[login] {
			t.Errorf("%s: reported %v, hash changed %v, audited %v", login, changed[login], u.PasswordHash != hash, audited[login])
		}
	}
}

func TestBulkRefusals(t *testing.T) {
	e := bulkEnv(t, 3)
	all := app.UserFilter{}
	for _, r := range []app.BulkRequest{
		{Action: app.BulkAction{Kind: "explode"}, Selection: app.Selection{Filter: &all}},
		{Action: app.BulkAction{Kind: app.BulkRole, Role: "boss"}, Selection: app.Selection{Filter: &all}},
		{Action: app.BulkAction{Kind: app.BulkReset}},
		{Action: app.BulkAction{Kind: app.BulkReset}, Selection: app.Selection{Filter: &all, Logins: []string{"a@b.c"}}},
	} {
		if _, err := e.svc.PlanBulk(e.ctx, e.actor(), r); app.CodeOf(err) != app.EInvalid {
			t.Errorf("plan %+v: %v, want invalid", r, err)
		}
	}
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"company.admin_password_management": "off"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.PlanBulk(e.ctx, e.actor(), app.BulkRequest{Action: app.BulkAction{Kind: app.BulkReset}, Selection: app.Selection{Filter: &all}}); app.CodeOf(err) != app.EForbidden {
		t.Errorf("reset with the option off: %v", err)
	}
	employee, err := e.svc.User(e.ctx, "emp001@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.PlanBulk(e.ctx, app.UserActor(employee), app.BulkRequest{Action: app.BulkAction{Kind: app.BulkUnlock}, Selection: app.Selection{Filter: &all}}); app.CodeOf(err) != app.EForbidden {
		t.Errorf("an employee's bulk action: %v", err)
	}
}

// TestBulkLeavesOnesOwnAccount: an administrator acting on a selection that
// holds their own account does not reset its password, demote it or
// disable it (each refused with its reason, by filter or by list), and the
// rest of the action runs to its end.
func TestBulkLeavesOnesOwnAccount(t *testing.T) {
	e := bulkEnv(t, 4)
	everyone := app.UserFilter{}
	for _, tc := range []struct {
		action app.BulkAction
		reason string
	}{
		{app.BulkAction{Kind: app.BulkReset}, "Your own password"},
		{app.BulkAction{Kind: app.BulkRole, Role: app.RoleEmployee}, "your own role"},
		{app.BulkAction{Kind: app.BulkDisable}, "your own account"},
	} {
		for _, sel := range []app.Selection{{Filter: &everyone}, {Logins: []string{e.admin.Email, "emp001@acme.example"}}} {
			before := e.user(e.admin.Email)
			p := e.plan(app.BulkRequest{Action: tc.action, Selection: sel})
			if len(p.Refused) != 1 || p.Refused[0].Count != 1 || !strings.Contains(p.Refused[0].Reason.String(), tc.reason) {
				t.Fatalf("%s on %+v: refused %+v", tc.action.Kind, sel, p.Refused)
			}
			res, _ := e.run(e.ctx, p)
			if res.Refused != 1 || res.Done+res.Unchanged != p.Selected-1 {
				t.Fatalf("%s: %+v", tc.action.Kind, res)
			}
			after := e.user(e.admin.Email)
			if after.Role != app.RoleAdmin || after.Disabled || after.PasswordHash != before.PasswordHash {
				t.Fatalf("%s changed the actor's own account", tc.action.Kind)
			}
		}
	}
}

// A reset's plan says how many of the users who get a new password are
// disabled, by a filter and by a list.
func TestBulkPlanCountsTheDisabled(t *testing.T) {
	e := bulkEnv(t, 30)
	off := e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkDisable},
		Selection: app.Selection{Logins: []string{"emp001@acme.example", "emp002@acme.example"}}})
	if res, err := e.svc.RunBulk(e.ctx, e.actor(), off, nil); err != nil || res.Done != 2 {
		t.Fatalf("disable: %+v, %v", res, err)
	}
	employees := app.UserFilter{Role: app.RoleEmployee}
	for _, c := range []struct {
		sel  app.Selection
		want int
	}{
		{app.Selection{Filter: &employees}, 2},
		{app.Selection{Logins: []string{"emp001@acme.example", "emp003@acme.example"}}, 1},
		{app.Selection{Logins: []string{"emp003@acme.example"}}, 0},
	} {
		p := e.plan(app.BulkRequest{Action: app.BulkAction{Kind: app.BulkReset}, Selection: c.sel})
		if p.ChangeDisabled != c.want {
			t.Errorf("%+v: %d disabled among those reset, want %d", c.sel, p.ChangeDisabled, c.want)
		}
	}
}
