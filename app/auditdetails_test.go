package app_test

import (
	"strings"
	"testing"
	"time"

	"sesame/app"
)

// Every audit event that the use cases write has details of known forms,
// which the interfaces translate, and the forms read back to the very
// details that were stored.
func TestAuditDetailsHaveKnownForms(t *testing.T) {
	e, m := mailEnv(t)
	if _, _, err := e.svc.CreateUser(e.ctx, e.actor(), app.NewUser{Email: "zoe@acme.example", Name: "Zoé", HasMailbox: false,
		TemporaryPassword: "lampion gravier tortue sabot"}); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []app.UserChange{
		{Name: ptr("Zoé Martin")}, {Role: ptr(app.RoleAdmin)}, {Role: ptr(app.RoleEmployee)}, {Disabled: ptr(true)}, {Disabled: ptr(false)},
		{RecoveryEmail: ptr("zoe@home.example")}, {HasMailbox: ptr(true)}, {RecoveryEmail: ptr("")},
	} {
		if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "zoe@acme.example", ch); err != nil {
			t.Fatal(err)
		}
	}
	temp, err := e.svc.ResetPassword(e.ctx, e.actor(), "paul@acme.example", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if r := e.signIn("paul@acme.example", temp.Plaintext); r.Outcome != app.OutcomeMustChange {
		t.Fatalf("sign-in: %v", r.Outcome)
	}
	if _, err := e.svc.ChangePassword(e.ctx, "paul@acme.example", temp.Plaintext, "cobalt meadow lantern sparrow"); err != nil {
		t.Fatal(err)
	}
	for range 7 {
		e.signIn("paul@acme.example", "wrong")
		e.signIn("nobody@acme.example", "wrong")
	}
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "paul@acme.example", app.UserChange{Unlock: true}); err != nil {
		t.Fatal(err)
	}
	e.deliver(m)
	code := e.requestCode(m, "paul@acme.example", "paul@home.example")
	e.svc.RequestRecovery(e.ctx, "paul@acme.example") // less than a minute later
	e.svc.RequestRecovery(e.ctx, "nobody@acme.example")
	e.svc.CompleteRecovery(e.ctx, "paul@acme.example", "0000 0000", "harbor pepper quartz violet")
	if _, err := e.svc.CompleteRecovery(e.ctx, "paul@acme.example", code, "harbor pepper quartz violet"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"password.min_length": "16", "smtp.password": "s3cret"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SendTestMail(e.ctx, e.actor(), "it@acme.example"); err != nil {
		t.Fatal(err)
	}
	for _, a := range []app.BulkAction{{Kind: app.BulkRole, Role: app.RoleAdmin}, {Kind: app.BulkDisable}, {Kind: app.BulkUnlock}} {
		plan, err := e.svc.PlanBulk(e.ctx, e.actor(), app.BulkRequest{Action: a,
			Selection: app.Selection{Logins: []string{"zoe@acme.example", "nobody@acme.example"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RunBulk(e.ctx, e.actor(), plan, nil); err != nil {
			t.Fatal(err)
		}
	}

	seen := 0
	for _, ev := range e.store.Audit() {
		if ev.Details == "" {
			continue
		}
		var back []string
		for _, m := range ev.DetailMessages() {
			seen++
			if m.Text == "{{.Details}}" {
				t.Errorf("%s: details %q are of no known form", ev.Action, ev.Details)
				continue
			}
			data := map[string]any{}
			for k, v := range m.Data {
				if tm, ok := v.(time.Time); ok {
					v = tm.UTC().Format(time.RFC3339)
				}
				data[k] = v
			}
			back = append(back, app.Render(m.Text, data))
		}
		if got := strings.Join(back, "; "); got != ev.Details {
			t.Errorf("%s: %q reads back as %q", ev.Action, ev.Details, got)
		}
	}
	if seen < 20 {
		t.Errorf("only %d details: the flow wrote too little", seen)
	}
}

func TestAuditDetailsOfSeveralParts(t *testing.T) {
	ms := app.AuditEvent{Action: app.ActionUserCreate,
		Details: "role: employee; temporary password generated, expires 2026-11-26T14:00:00Z; no mailbox; sent to a@b.example"}.DetailMessages()
	var texts []string
	for _, m := range ms {
		texts = append(texts, m.Text)
	}
	want := []string{"role: {{.Role}}", "temporary password generated, expires {{.Expires}}", "no mailbox", "sent to {{.Email}}"}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("forms %q, want %q", texts, want)
	}
	if exp, ok := ms[1].Data["Expires"].(time.Time); !ok || !exp.Equal(time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("expiry %#v", ms[1].Data["Expires"])
	}
	if ms[0].Data["Role"] != app.RoleEmployee {
		t.Errorf("role %#v", ms[0].Data["Role"])
	}
	for _, details := range []string{"something new", "something new; with two parts"} {
		got := app.AuditEvent{Action: app.ActionUserCreate, Details: details}.DetailMessages()
		var back []string
		for _, m := range got {
			back = append(back, app.Render(m.Text, m.Data))
		}
		if strings.Join(back, "; ") != details {
			t.Errorf("unknown details: %v", got)
		}
	}
	// A part of no known form is said as it is, the others translated.
	got := app.AuditEvent{Action: app.ActionUserCreate, Details: "something new; no mailbox"}.DetailMessages()
	if len(got) != 2 || got[0].Text != "{{.Details}}" || got[1].Text != "no mailbox" {
		t.Errorf("a known and an unknown part: %v", got)
	}
	// A batch and an import, stopped early: each part in its form.
	for _, ev := range []app.AuditEvent{
		{Action: app.ActionBulk, Details: "bulk 1a2b3c role admin: 3 selected; 1 done, 1 unchanged, 0 refused, 1 logins not found; cancelled"},
		{Action: app.ActionImport, Details: "import 1a2b3c of staff.csv: 12 rows; 3 created, 1 updated, 6 unchanged, 2 with errors, 1 refused; stopped by an error"},
		{Action: app.ActionImport, Details: "import 4d5e6f of staff.csv: nothing to do; 10 rows unchanged, 2 with errors"},
	} {
		for _, m := range ev.DetailMessages() {
			if m.Text == "{{.Details}}" {
				t.Errorf("%s: %q has a part of no known form", ev.Action, ev.Details)
			}
		}
	}
	// A name holding "; " is one value, not two parts.
	got = app.AuditEvent{Action: app.ActionUserRename, Details: "Jo; March → Jo March"}.DetailMessages()
	if len(got) != 1 || got[0].Data["Before"] != "Jo; March" {
		t.Errorf("a rename: %v", got)
	}
}

// TestNoteMessage: the name of a batch or an import reads back as its
// template, so that it is said in the reader's language.
func TestNoteMessage(t *testing.T) {
	for id, want := range map[string]string{"bulk 1a2b3c": "bulk {{.ID}}", "import 4d5e6f": "import {{.ID}}", "something else": "{{.Details}}"} {
		m := app.NoteMessage(id)
		if m.Text != want || m.String() != id {
			t.Errorf("%q: %q, says %q", id, m.Text, m.String())
		}
	}
}
