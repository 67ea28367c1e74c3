package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"sesame/app"
)

var testColumns = &app.ImportColumns{Login: "E-mail", Name: "Nom", Recovery: "E-mail de récupération", Role: "Rôle",
	Mailbox: "Fictif", Disabled: "Désactivé", Password: "Mot de passe"}

// rec is a row of a file that gives a login and a name.
func rec(row int, login, name string) app.ImportRecord {
	return app.ImportRecord{Row: row, Line: row, Login: login, Name: name, Given: app.ImportName, Columns: testColumns}
}

func (e *env) planImport(recs ...app.ImportRecord) app.ImportPlan {
	e.t.Helper()
	p, err := e.svc.PlanImport(e.ctx, e.actor(), app.ImportRequest{FileName: "people.csv", Records: recs})
	if err != nil {
		e.t.Fatalf("plan: %v", err)
	}
	return p
}

// applyImport runs an import, keeps its new temporary passwords as a
// hand-out and records that they are (HandoutSaved).
func (e *env) applyImport(ctx context.Context, p app.ImportPlan, each func(app.ImportProgress)) (app.ImportResult, []app.ImportOutcome) {
	e.t.Helper()
	res, out := e.applyImportNoHandout(ctx, p, each)
	if err := e.svc.HandoutSaved(e.ctx, e.actor(), res.ID); err != nil {
		e.t.Fatalf("hand-out saved: %v", err)
	}
	return res, out
}

// applyImportNoHandout runs an import whose hand-out is never saved.
func (e *env) applyImportNoHandout(ctx context.Context, p app.ImportPlan, each func(app.ImportProgress)) (app.ImportResult, []app.ImportOutcome) {
	e.t.Helper()
	var out []app.ImportOutcome
	res, err := e.svc.ApplyImport(ctx, e.actor(), p, func(pr app.ImportProgress) {
		out = append(out, pr.Outcomes...)
		for _, o := range pr.Outcomes {
			if o.Temporary != nil {
				e.secrets = append(e.secrets, o.Temporary.Plaintext)
			}
		}
		if each != nil {
			each(pr)
		}
	})
	if err != nil {
		e.t.Fatalf("apply: %v", err)
	}
	return res, out
}

func (e *env) countAudit(action string) int {
	n := 0
	for _, ev := range e.store.Audit() {
		if ev.Action == action {
			n++
		}
	}
	return n
}

// TestImportPlanJudgesEveryRow: each row is judged by the rules of a single
// creation or of the card, and says why it is refused, by column.
func TestImportPlanJudgesEveryRow(t *testing.T) {
	e := newEnv(t)
	e.addUser("bob@acme.example", "Bob Martin")
	e.addUser("carol@acme.example", "Carol Petit")
	admin2 := rec(12, "admin@acme.example", "Alice Admin")
	admin2.Role, admin2.Given = app.RoleEmployee, admin2.Given|app.ImportRole
	weak := rec(9, "weak@acme.example", "Weak Pass")
	weak.Password, weak.Given = "password123", weak.Given|app.ImportPassword
	good := rec(10, "typed@acme.example", "Typed Pass")
	good.Password, good.Given = "orbit lantern cactus 4417", good.Given|app.ImportPassword
	self := rec(13, "ADMIN@acme.example", "")
	self.Given, self.Disabled = app.ImportDisabled, true
	recovery := rec(14, "carol@acme.example", "Carol Petit")
	recovery.RecoveryEmail, recovery.Given = "carol@acme.example", recovery.Given|app.ImportRecoveryEmail
	read := rec(15, "", "")
	read.Problems = []app.ImportProblem{{Row: 15, Column: "Password Hash Function [UPLOAD ONLY]", Message: app.Msg("hashed")}}
	p := e.planImport(
		rec(2, "new@acme.example", "New Person"),
		rec(3, "BOB@Acme.Example", "Bob Martin"),     // the same login, typed otherwise: unchanged
		rec(4, "carol@acme.example", "Carol Durand"), // renamed
		rec(5, "not an address", "X"),
		rec(6, "noname@acme.example", " "),
		rec(7, "b0b@acme.example", "Look Alike"), // looks like bob@
		rec(8, "ghost@acme.example", "Ghost\u200bName"),
		weak, good, admin2, self, recovery, read,
	)
	want := map[int]struct {
		action  app.ImportAction
		changes app.ImportField
		column  string
		reason  string
	}{
		2:  {app.ImportCreate, app.ImportName | app.ImportPassword, "", ""},
		3:  {app.ImportUnchanged, 0, "", ""},
		4:  {app.ImportUpdate, app.ImportName, "", ""},
		5:  {app.ImportError, 0, "E-mail", "is not a valid e-mail address"},
		6:  {app.ImportError, 0, "Nom", "The name is empty."},
		7:  {app.ImportError, 0, "E-mail", "looks like the login bob@acme.example"},
		8:  {app.ImportError, 0, "Nom", "U+200B"},
		9:  {app.ImportError, 0, "Mot de passe", "password"},
		10: {app.ImportCreate, app.ImportName | app.ImportPassword, "", ""},
		12: {app.ImportError, 0, "Rôle", "last active administrator"},
		13: {app.ImportError, 0, "Désactivé", "your own account"},
		14: {app.ImportError, 0, "E-mail de récupération", "another address than the login"},
		15: {app.ImportError, 0, "Password Hash Function [UPLOAD ONLY]", "hashed"},
	}
	for _, row := range p.Rows {
		w, ok := want[row.Record.Row]
		if !ok {
			t.Fatalf("row %d unexpected", row.Record.Row)
		}
		if row.Action != w.action || w.action != app.ImportError && row.Changes != w.changes {
			t.Errorf("row %d: %s %v %v, want %s %v", row.Record.Row, row.Action, row.Changes, row.Problems, w.action, w.changes)
			continue
		}
		if w.action == app.ImportError {
			if len(row.Problems) == 0 || row.Problems[0].Column != w.column || row.Problems[0].Row != row.Record.Row ||
				!strings.Contains(row.Problems[0].Message.String(), w.reason) {
				t.Errorf("row %d: problems %+v, want %q in column %q", row.Record.Row, row.Problems, w.reason, w.column)
			}
		}
	}
	// A password refused for several reasons: each its own sentence.
	for _, row := range p.Rows {
		if row.Record.Row == 9 {
			m := row.Problems[0].Message.String()
			if strings.Contains(m, ". and") || strings.Count(m, ".") < 3 {
				t.Errorf("the weak password's reasons: %q", m)
			}
		}
	}
	if p.Create != 2 || p.Update != 1 || p.Unchanged != 1 || p.ErrorRows != 9 || p.NewPasswords != 2 {
		t.Errorf("counts %+v", p)
	}
	if n := e.countAudit(app.ActionImport); n != 0 {
		t.Errorf("a plan wrote %d import events", n)
	}
	if _, err := e.svc.User(e.ctx, "new@acme.example"); app.CodeOf(err) != app.ENotFound {
		t.Errorf("a plan created a user: %v", err)
	}
}

// TestImportAppliesAndReimportChangesNothing: the rows are written with
// one audit row each and one for the import; the same file again changes
// nothing and adds one audit row only.
func TestImportAppliesAndReimportChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.addUser("bob@acme.example", "Bob Martin")
	var recs []app.ImportRecord
	for i := range 100 {
		r := rec(i+2, fmt.Sprintf("user%03d@acme.example", i), fmt.Sprintf("User %03d", i))
		if i%3 == 0 {
			r.HasMailbox, r.Given = false, r.Given|app.ImportMailbox
		}
		if i%4 == 0 {
			r.RecoveryEmail, r.Given = fmt.Sprintf("user%03d@perso.example", i), r.Given|app.ImportRecoveryEmail
		}
		if i == 7 {
			r.Disabled, r.Given = true, r.Given|app.ImportDisabled
		}
		recs = append(recs, r)
	}
	bob := rec(200, "bob@acme.example", "Robert Martin")
	bob.Role, bob.Given = app.RoleAdmin, bob.Given|app.ImportRole
	recs = append(recs, bob)
	typed := rec(201, "typed@acme.example", "Typed Pass")
	typed.Password, typed.Given = "orbit lantern cactus 4417", typed.Given|app.ImportPassword
	e.secrets = append(e.secrets, typed.Password)
	recs = append(recs, typed)

	p := e.planImport(recs...)
	if p.Create != 101 || p.Update != 1 {
		t.Fatalf("plan: %d create, %d update", p.Create, p.Update)
	}
	audit := len(e.store.Audit())
	res, out := e.applyImport(e.ctx, p, nil)
	if res.Created != 101 || res.Updated != 1 || res.Refused != 0 || len(out) != 102 {
		t.Fatalf("result %+v, %d outcomes", res, len(out))
	}
	for _, o := range out {
		if o.Action == app.ImportCreate && (o.Temporary == nil || o.Temporary.Plaintext == "") {
			t.Errorf("%s created without a temporary password returned", o.Login)
		}
		if o.Login == "typed@acme.example" && o.Temporary.Plaintext != typed.Password {
			t.Errorf("the typed password was not the one set")
		}
	}
	if u := e.user("user007@acme.example"); !u.Disabled || u.Name != "User 007" || !u.PasswordTemporary {
		t.Errorf("user007: %+v", u)
	}
	if u := e.user("user003@acme.example"); u.HasMailbox {
		t.Errorf("user003 should be fictitious")
	}
	if u := e.user("user004@acme.example"); u.RecoveryEmail != "user004@perso.example" {
		t.Errorf("user004 recovery %q", u.RecoveryEmail)
	}
	if u := e.user("bob@acme.example"); u.Role != app.RoleAdmin || u.Name != "Robert Martin" {
		t.Errorf("bob: %+v", u)
	}
	added := e.store.Audit()[audit:]
	if e.signIn("typed@acme.example", typed.Password).Outcome != app.OutcomeMustChange {
		t.Errorf("the typed temporary password does not sign in")
	}
	perUser := map[string]int{}
	for _, ev := range added {
		if ev.Action == app.ActionImport {
			if !strings.Contains(ev.Details, res.ID+" of people.csv") || !strings.Contains(ev.Details, "101 created, 1 updated") {
				t.Errorf("import event %q", ev.Details)
			}
			continue
		}
		if !strings.Contains(ev.Details, res.ID) {
			t.Errorf("event %s %q does not name the import", ev.Action, ev.Details)
		}
		perUser[ev.Subject]++
	}
	if len(perUser) != 102 || perUser["user007@acme.example"] != 1 || e.countAudit(app.ActionImport) != 1 {
		t.Errorf("audit: %d users, user007 %d events, %d imports", len(perUser), perUser["user007@acme.example"], e.countAudit(app.ActionImport))
	}
	e.assertNoSecretInAudit()

	// The same file again: every row unchanged, one audit row.
	again := e.planImport(recs...)
	if again.Unchanged != 102 || again.Writes() != 0 {
		t.Fatalf("re-import plan: %+v", again)
	}
	before := len(e.store.Audit())
	res, out = e.applyImport(e.ctx, again, nil)
	if len(out) != 0 || res.Created+res.Updated != 0 || len(e.store.Audit()) != before+1 {
		t.Fatalf("re-import: %+v, %d outcomes, %d audit rows", res, len(out), len(e.store.Audit())-before)
	}
	if last := e.store.Audit()[before]; last.Action != app.ActionImport || !strings.Contains(last.Details, "nothing to do") {
		t.Errorf("re-import event %+v", last)
	}
}

// TestImportPasswordOnlyWhenAsked: an existing user's password is set only
// when the row asks, and not again while the one set is still unused.
func TestImportPasswordOnlyWhenAsked(t *testing.T) {
	e := newEnv(t)
	first := e.addUser("bob@acme.example", "Bob Martin")
	e.signIn("bob@acme.example", first)
	if _, err := e.svc.ChangePassword(e.ctx, "bob@acme.example", first, "quartz meadow lantern 5521"); err != nil {
		t.Fatal(err)
	}
	keep := rec(2, "bob@acme.example", "Bob Martin")
	if p := e.planImport(keep); p.Unchanged != 1 {
		t.Fatalf("no password asked: %+v", p.Rows[0])
	}
	ask := keep
	ask.Given |= app.ImportPassword
	p := e.planImport(ask)
	if p.Update != 1 || p.Rows[0].Changes != app.ImportPassword {
		t.Fatalf("password asked: %+v", p.Rows[0])
	}
	_, out := e.applyImport(e.ctx, p, nil)
	if len(out) != 1 || out[0].Temporary == nil || e.signIn("bob@acme.example", out[0].Temporary.Plaintext).Outcome != app.OutcomeMustChange {
		t.Fatalf("outcomes %+v", out)
	}
	// Still unused: the same row asks for nothing new.
	if p := e.planImport(ask); p.Unchanged != 1 {
		t.Errorf("asked again while unused: %+v", p.Rows[0])
	}
}

// TestImportOptionOff: with administrator password management off, rows
// that give a recovery e-mail or a password are refused; a new user still
// gets the generated first password.
func TestImportOptionOff(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"company.admin_password_management": "false"}); err != nil {
		t.Fatal(err)
	}
	r := rec(2, "rec@acme.example", "With Recovery")
	r.RecoveryEmail, r.Given = "rec@perso.example", r.Given|app.ImportRecoveryEmail
	pw := rec(3, "pw@acme.example", "With Password")
	pw.Password, pw.Given = "orbit lantern cactus 4417", pw.Given|app.ImportPassword
	p := e.planImport(r, pw, rec(4, "plain@acme.example", "Plain"))
	if p.Rows[0].Action != app.ImportError || p.Rows[1].Action != app.ImportError || p.Rows[2].Action != app.ImportCreate {
		t.Fatalf("rows %+v", p.Rows)
	}
	if !strings.Contains(p.Rows[0].Problems[0].Message.String(), "Administrator password management is off") {
		t.Errorf("reason %v", p.Rows[0].Problems)
	}
	if _, err := e.svc.PlanImport(e.ctx, e.actor(), app.ImportRequest{Records: []app.ImportRecord{rec(2, "x@acme.example", "X")}, Send: true}); app.CodeOf(err) != app.EForbidden {
		t.Errorf("send with the option off: %v", err)
	}
}

// TestImportCancelledThenCompleted: cancelled after the first batch, the
// rows written are whole and audited, the others untouched; the same
// import planned again completes it.
func TestImportCancelledThenCompleted(t *testing.T) {
	e := newEnv(t)
	var recs []app.ImportRecord
	for i := range 200 {
		recs = append(recs, rec(i+2, fmt.Sprintf("user%03d@acme.example", i), fmt.Sprintf("User %03d", i)))
	}
	p := e.planImport(recs...)
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	res, out := e.applyImportNoHandout(ctx, p, func(app.ImportProgress) { cancel() })
	if !res.Cancelled || res.Created == 0 || res.Created >= 200 || res.Created != len(out) {
		t.Fatalf("result %+v, %d outcomes", res, len(out))
	}
	created := map[string]bool{}
	for _, o := range out {
		created[o.Login] = true
	}
	for _, ev := range e.store.Audit() {
		if ev.Action == app.ActionUserCreate && strings.Contains(ev.Details, res.ID) && !created[ev.Subject] {
			t.Errorf("%s audited, not reported", ev.Subject)
		}
		if ev.Action == app.ActionImport && !strings.Contains(ev.Details, "cancelled") {
			t.Errorf("import event %q", ev.Details)
		}
	}
	for _, r := range recs {
		_, err := e.svc.User(e.ctx, r.Login)
		if (err == nil) != created[r.Login] {
			t.Errorf("%s: stored %v, reported %v", r.Login, err == nil, created[r.Login])
		}
	}
	// The hand-out of the first run was not saved: its users, their
	// passwords unused, get new ones; one whose password the
	// administrator reset meanwhile keeps it.
	reset := out[0].Login
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), reset, app.UserChange{TemporaryPassword: ptr("orbit lantern cactus 4417"), Custom: true}); err != nil {
		t.Fatal(err)
	}
	rest := e.planImport(recs...)
	if rest.Create != 200-res.Created || rest.Update != res.Created-1 || rest.Unchanged != 1 || rest.NewPasswords != 199 {
		t.Fatalf("second plan: %d create, %d update, %d unchanged", rest.Create, rest.Update, rest.Unchanged)
	}
	for _, row := range rest.Rows {
		if want := created[row.Login] && row.Login != reset; row.Reissue != want || want && row.Changes != app.ImportPassword {
			t.Errorf("%s: reissue %v, changes %v", row.Login, row.Reissue, row.Changes)
		}
	}
	// Saved, the hand-out is not reissued.
	if err := e.svc.HandoutSaved(e.ctx, e.actor(), res.ID); err != nil {
		t.Fatal(err)
	}
	rest = e.planImport(recs...)
	if rest.Create != 200-res.Created || rest.Unchanged != res.Created {
		t.Fatalf("second plan: %d create, %d unchanged", rest.Create, rest.Unchanged)
	}
	res2, out2 := e.applyImport(e.ctx, rest, nil)
	if res2.Created != rest.Create || res2.Cancelled || len(out2) != rest.Create {
		t.Fatalf("second run %+v", res2)
	}
	if again := e.planImport(recs...); again.Unchanged != 200 {
		t.Errorf("third plan: %+v", again)
	}
}

// TestImportRefusedAtWriteKeepsTheRest: a row whose rules refuse it when it
// is written (here, a login taken after the plan) is refused alone; the
// other rows of its batch are written.
func TestImportRefusedAtWriteKeepsTheRest(t *testing.T) {
	e := newEnv(t)
	p := e.planImport(rec(2, "a@acme.example", "A"), rec(3, "b@acme.example", "B"), rec(4, "c@acme.example", "C"))
	e.addUser("b@acme.example", "B meanwhile")
	res, out := e.applyImport(e.ctx, p, nil)
	if res.Created != 2 || res.Refused != 1 || len(out) != 3 {
		t.Fatalf("result %+v %+v", res, out)
	}
	if out[1].Action != app.ImportError || !strings.Contains(out[1].Reason.String(), "created meanwhile") {
		t.Errorf("outcome %+v", out[1])
	}
	if u := e.user("b@acme.example"); u.Name != "B meanwhile" {
		t.Errorf("b changed: %+v", u)
	}
	e.user("c@acme.example")
}

// TestImportStaleRowRefused: a user changed between the preview and the
// writes is left as the other change made it.
func TestImportStaleRowRefused(t *testing.T) {
	e := newEnv(t)
	e.addUser("bob@acme.example", "Bob Martin")
	p := e.planImport(rec(2, "bob@acme.example", "Robert Martin"), rec(3, "new@acme.example", "New Person"))
	name := "Bobby Martin"
	if _, err := e.svc.UpdateUser(e.ctx, e.actor(), "bob@acme.example", app.UserChange{Name: &name}); err != nil {
		t.Fatal(err)
	}
	res, out := e.applyImport(e.ctx, p, nil)
	if res.Refused != 1 || res.Created != 1 || out[0].Action != app.ImportError || !strings.Contains(out[0].Reason.String(), "was changed elsewhere") {
		t.Fatalf("result %+v %+v", res, out)
	}
	if u := e.user("bob@acme.example"); u.Name != name {
		t.Errorf("the other change was overwritten: %q", u.Name)
	}
}

// TestImportSendsWhereItCan: with Send, new passwords go to recovery
// addresses; the users without one get theirs back to hand out.
func TestImportSendsWhereItCan(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.UpdateSettings(e.ctx, e.actor(), map[string]string{"smtp.host": "127.0.0.1", "smtp.from": "sesame@acme.example"}); err != nil {
		t.Fatal(err)
	}
	withRec := rec(2, "a@acme.example", "A Person")
	withRec.RecoveryEmail, withRec.Given = "a@perso.example", withRec.Given|app.ImportRecoveryEmail
	fict := rec(3, "kiosk@acme.example", "Kiosk Person")
	fict.HasMailbox, fict.Given = false, fict.Given|app.ImportMailbox
	p, err := e.svc.PlanImport(e.ctx, e.actor(), app.ImportRequest{FileName: "f.csv", Records: []app.ImportRecord{withRec, fict}, Send: true})
	if err != nil || p.Mailed != 1 || p.NewPasswords != 2 {
		t.Fatalf("plan %+v %v", p, err)
	}
	_, out := e.applyImport(e.ctx, p, nil)
	if !out[0].Sent || out[1].Sent || out[1].HasMailbox || out[1].Temporary == nil {
		t.Fatalf("outcomes %+v", out)
	}
	msgs, _, err := e.svc.Outbox(e.ctx, app.MailQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.To == "kiosk@acme.example" {
			t.Errorf("mail to a fictitious login")
		}
	}
	if len(msgs) != 1 || msgs[0].To != "a@perso.example" {
		t.Errorf("outbox %+v", msgs)
	}
}

// TestImportRowsLookAlikeEachOther: rows of one file are judged against
// each other as creating them one after another would: a new login, or a
// recovery address (new or changed), that looks like the new login of a
// row before it, or its own, is refused naming that row; an exact address
// is not a look-alike, nor a login that a refused row would have created.
// AllowSimilar imports them, each audited with the logins it looks like.
func TestImportRowsLookAlikeEachOther(t *testing.T) {
	withRecovery := func(r app.ImportRecord, addr string) app.ImportRecord {
		r.RecoveryEmail, r.Given = addr, r.Given|app.ImportRecoveryEmail
		return r
	}
	recs := func() []app.ImportRecord {
		return []app.ImportRecord{
			rec(2, "claire.leroy@acme.example", "Claire Leroy"),
			rec(3, "paul@acme.example", "Paul Blanc"),
			rec(4, "claire.1eroy@acme.example", "Claire Other"),                         // 1 for l: like row 2
			withRecovery(rec(5, "marc@acme.example", "Marc Vert"), "pau1@acme.example"), // like row 3's login
			withRecovery(rec(6, "zoe@acme.example", "Zoé Noir"), "z0e@acme.example"),    // like its own login
			rec(7, "nina@acme.example", " "),                                            // refused: never created
			rec(8, "n1na@acme.example", "Nina Rose"),                                    // so no look-alike
			withRecovery(rec(9, "mia@acme.example", "Mia Gris"), "paul@acme.example"),   // row 3's very login
			withRecovery(rec(10, "bob@acme.example", "Bob Martin"), "c1aire.leroy@acme.example"),
			rec(11, "CLAIRE.LER0Y@acme.example", "Claire Third"), // like row 2, not row 4 (refused)
		}
	}
	e := newEnv(t)
	e.addUser("bob@acme.example", "Bob Martin")
	p := e.planImport(recs()...)
	want := map[int]struct{ column, reason string }{
		4:  {"E-mail", "claire.1eroy@acme.example looks like the login claire.leroy@acme.example of row 2"},
		5:  {"E-mail de récupération", "pau1@acme.example looks like the login paul@acme.example of row 3"},
		6:  {"E-mail de récupération", "z0e@acme.example looks like the row's own login zoe@acme.example"},
		7:  {"Nom", "The name is empty."},
		10: {"E-mail de récupération", "c1aire.leroy@acme.example looks like the login claire.leroy@acme.example of row 2"},
		11: {"E-mail", "claire.ler0y@acme.example looks like the login claire.leroy@acme.example of row 2"},
	}
	for _, row := range p.Rows {
		w, refused := want[row.Record.Row]
		if !refused {
			if row.Action == app.ImportError {
				t.Errorf("row %d refused: %+v", row.Record.Row, row.Problems)
			}
			continue
		}
		if row.Action != app.ImportError || len(row.Problems) != 1 || row.Problems[0].Column != w.column ||
			!strings.Contains(row.Problems[0].Message.String(), w.reason) {
			t.Errorf("row %d: %s %+v, want %q in column %q", row.Record.Row, row.Action, row.Problems, w.reason, w.column)
		}
	}
	if p.ErrorRows != 6 || p.LookAlike != 5 {
		t.Errorf("%d rows refused, %d look alike; want 6 and 5", p.ErrorRows, p.LookAlike)
	}
	// What the preview accepts is written: no row refused at write time.
	if res, _ := e.applyImport(e.ctx, p, nil); res.Refused != 0 || res.Created != 4 {
		t.Errorf("import: %+v", res)
	}

	// Confirmed, the same file is written whole, each look-alike audited.
	e = newEnv(t)
	e.addUser("bob@acme.example", "Bob Martin")
	p, err := e.svc.PlanImport(e.ctx, e.actor(), app.ImportRequest{FileName: "people.csv", Records: recs(), AllowSimilar: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.ErrorRows != 1 || p.LookAlike != 5 || p.Create != 8 || p.Update != 1 {
		t.Fatalf("allowed: %+v", p)
	}
	if res, _ := e.applyImport(e.ctx, p, nil); res.Refused != 0 || res.Created != 8 || res.Updated != 1 {
		t.Errorf("import: %+v", res)
	}
	audited := map[string]string{}
	for _, ev := range e.store.Audit() {
		if strings.Contains(ev.Details, "(confirmed)") {
			audited[ev.Subject] = ev.Details
		}
	}
	for login, like := range map[string]string{"claire.1eroy@acme.example": "claire.leroy@acme.example",
		"marc@acme.example": "paul@acme.example", "zoe@acme.example": "zoe@acme.example",
		"bob@acme.example": "claire.leroy@acme.example", "claire.ler0y@acme.example": "claire.leroy@acme.example"} {
		if !strings.Contains(audited[login], "looks like "+like) {
			t.Errorf("audit of %s: %q, want it to look like %s", login, audited[login], like)
		}
	}
	if len(audited) != 5 {
		t.Errorf("audited as look-alikes: %v", audited)
	}
}
