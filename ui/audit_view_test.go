package ui

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"sesame/app"
)

// auditOf opens Administration → Audit log.
func (h *harness) auditOf() *auditView {
	h.t.Helper()
	a := h.s.admin
	h.tap(a.nav[sectionAudit])
	if a.current != sectionAudit || a.audit == nil {
		h.t.Fatal("Audit log not on view")
	}
	return a.audit
}

// actions lists the actions of the events on view, newest first.
func (v *auditView) actionsShown() []string {
	var out []string
	for i := 0; i < v.list.known(); i++ {
		if e, ok := v.list.at(i); ok {
			out = append(out, e.Action)
		}
	}
	return out
}

func TestAuditNewestFirstAndFiltered(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.signInAdmin()
	v := h.auditOf()
	got := v.actionsShown()
	want := []string{app.ActionSignIn, app.ActionPasswordChange, app.ActionUserCreate,
		app.ActionUserCreate, app.ActionUserCreate, app.ActionSetup}
	if !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	h.assertShows("When", "Action", "User", "By", "Details", "6 events", "Signed in", "User created", "Company set up",
		"Nov 25, 2026, 09:00", "paul.durand@acme.example", "system:test")
	if h.focused() != v.who {
		t.Errorf("focus on %T", h.focused())
	}

	// By action.
	v.action.SetSelected("User created")
	h.settle()
	if got := v.actionsShown(); len(got) != 3 || got[0] != app.ActionUserCreate {
		t.Errorf("user.create only: %v", got)
	}
	// By user, once the typing pauses.
	h.canvas().Focus(v.who)
	h.typeText("paul")
	h.advance(searchDelay)
	if got := v.actionsShown(); !slices.Equal(got, []string{app.ActionUserCreate}) {
		t.Errorf("paul's user.create: %v", got)
	}
	v.action.SetSelectedIndex(0)
	h.settle()
	if got := v.actionsShown(); !slices.Equal(got, []string{app.ActionPasswordChange, app.ActionUserCreate}) {
		t.Errorf("paul's events: %v", got)
	}

	// Opening an event shows the whole of it.
	h.canvas().Focus(v.table)
	h.press(fyne.KeyEnd)
	h.press(fyne.KeyReturn)
	h.assertShows("Nov 25, 2026, 09:00 · User created · User: paul.durand@acme.example · By: system:test",
		"role: Employee; temporary password generated, expires Nov 26, 2026, 09:00")
}

// The details are shown in the window's language, their times written for
// a person; the export keeps them as stored.
func TestAuditDetailsInFrench(t *testing.T) {
	h := newHarnessIn(t, "fr", withStaff)
	h.signInAdmin()
	h.auditOf()
	h.assertShows("rôle\u00a0: Employé\u00a0; mot de passe te", "par l'utilisateur, en remplacement d'", "entreprise\u00a0: Acme")
}

// The events that the migration of logins writes (two logins that became
// one, a login at fault kept) are named and their details read back and
// said in the window's language, as every other event's.
func TestMigrationEventsInFrench(t *testing.T) {
	h := newHarnessIn(t, "fr", func(h *harness) {
		withStaff(h)
		err := h.store.Write(h.ctx, func(tx app.Tx) error {
			for _, e := range []app.AuditEvent{
				{Action: app.ActionLoginCollision, Details: app.LoginCollisionNote("bob@acme\u3002example", 2, "bob@acme.example", 1).String()},
				{Action: app.ActionLoginAtFault, Details: app.LoginAtFaultNote("bo\u200bb@acme.example", 3).String()},
			} {
				e.At, e.Actor = h.clock.Now(), "system:sesame"
				if err := tx.AddAudit(e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			h.t.Fatal(err)
		}
	})
	h.signInAdmin()
	v := h.auditOf()
	h.assertShows("Identifiants devenus un s", "Identifiant fautif conservé") // the first cut, whole in its tooltip
	h.assertHides(app.ActionLoginCollision, app.ActionLoginAtFault)
	// The newest first: the administrator's sign-in, then the two.
	h.canvas().Focus(v.table)
	h.press(fyne.KeyHome)
	h.press(fyne.KeyDown)
	h.press(fyne.KeyReturn)
	h.assertShows("ne suit pas les règles des identifiants de cette version : conservé")
	h.press(fyne.KeyEscape)
	h.canvas().Focus(v.table)
	h.press(fyne.KeyDown)
	h.press(fyne.KeyReturn)
	h.assertShows("est le même identifiant que bob@acme.example", "selon les règles de cette version : pas de fusion")
}

// failedSignIns writes n events of failed sign-ins into the audit log,
// straight through the store: the domain audits those of logins that have
// no account once a day, so that strangers cannot grow the log without end.
func failedSignIns(h *harness, login string, n int) {
	h.t.Helper()
	err := h.store.Write(h.ctx, func(tx app.Tx) error {
		for i := range n {
			if err := tx.AddAudit(app.AuditEvent{At: h.clock.Now(), Actor: fmt.Sprintf(login, i), Action: app.ActionSignInFailure,
				Details: "invalid credentials"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func TestAuditPagesAndExport(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		failedSignIns(h, "=cmd%d@nowhere.example", 260)
	})
	h.signInAdmin()
	v := h.auditOf()
	if n := v.list.known(); n != auditPage {
		t.Fatalf("%d events read at first, want one page", n)
	}
	if got := v.count.Text; got != "More than 100 events" {
		t.Errorf("count %q", got)
	}
	h.canvas().Focus(v.table)
	for range 5 {
		h.press(fyne.KeyEnd)
	}
	if !v.list.complete() || v.list.known() != 262 {
		t.Fatalf("after End: %d events, complete %v", v.list.known(), v.list.complete())
	}
	h.assertShows("262 events", "Company set up")

	// The export writes every event of the filter, and says so.
	v.action.SetSelected("Sign-in failed")
	h.settle()
	h.tap(v.export)
	if h.saved == nil || h.saved.name != "sesame-audit-2026-11-25-0900.csv" || !h.saved.closed {
		t.Fatalf("saved %+v", h.saved)
	}
	records, err := csv.NewReader(strings.NewReader(h.saved.data.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 261 || records[0][1] != "time" || records[1][3] != app.ActionSignInFailure {
		t.Fatalf("%d records; first %q", len(records), records[:2])
	}
	if got := records[1][2]; !strings.HasPrefix(got, "'=cmd259") {
		t.Errorf("a formula-like login is not made inert: %q", got)
	}
	if got := records[1][1]; got != "2026-11-25T09:00:00Z" {
		t.Errorf("time %q", got)
	}
	h.assertShows("260 events exported to /home/alice/sesame-audit-2026-11-25-0900.csv.")
}

// A save dialog left open when the session ends is closed, and a file
// chosen in it afterwards receives nothing: the next person at the
// workstation cannot export the audit.
func TestAuditExportEndsWithTheSession(t *testing.T) {
	h := newHarnessIn(t, "en", withCompany)
	h.signInAdmin()
	v := h.auditOf()
	var pending func()
	h.s.saveFile = func(name string, save func(w io.WriteCloser, path string), _ func()) {
		h.saved = &savedFile{name: name}
		dialog.ShowInformation("Save", name, h.s.win) // stands for the file dialog
		pending = func() { save(h.saved, name) }
	}
	h.tap(v.export)
	if h.s.win.Canvas().Overlays().Top() == nil {
		t.Fatal("test set-up: no dialog open")
	}
	h.s.signOut("")
	if o := h.s.win.Canvas().Overlays().Top(); o != nil {
		t.Errorf("a dialog outlives the session: %T", o)
	}
	pending()
	if h.saved.data.Len() != 0 || !h.saved.closed {
		t.Errorf("the export after sign-out wrote %d bytes (closed %v)", h.saved.data.Len(), h.saved.closed)
	}
}

// TestAuditPagesReadAtOnce: the pager reads several pages of the log at
// the same moment (pages read again where they start, after a jump): each
// read keeps its own cursor, and gives the page that a read alone gives.
func TestAuditPagesReadAtOnce(t *testing.T) {
	h := newHarnessIn(t, "en", func(h *harness) {
		withCompany(h)
		failedSignIns(h, "user%d@nowhere.example", 260)
	})
	h.signInAdmin()
	v := h.auditOf()
	fetch := v.list.fetch
	first, next, _, err := fetch(h.ctx, 0, auditPage)
	if err != nil || len(first) != auditPage {
		t.Fatalf("the first page: %d events, %v", len(first), err)
	}
	second, _, _, err := fetch(h.ctx, next, auditPage)
	if err != nil || len(second) != auditPage {
		t.Fatalf("the second page: %d events, %v", len(second), err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		cursor, want := int64(0), first
		if i%2 == 1 {
			cursor, want = next, second
		}
		wg.Go(func() {
			got, _, _, err := fetch(context.Background(), cursor, auditPage)
			if err != nil || len(got) != len(want) || got[0].ID != want[0].ID || got[len(got)-1].ID != want[len(want)-1].ID {
				t.Errorf("a page read at the same time as others, after %d: %d events from %d (%v), want from %d", cursor, len(got), got[0].ID, err, want[0].ID)
			}
		})
	}
	wg.Wait()
}

// TestAuditInFrench: the details of events are said in French too, times
// in the one format of the window, settings by their label; the action
// filter names its choices whole.
func TestAuditInFrench(t *testing.T) {
	h := newHarnessIn(t, "fr", func(h *harness) {
		withStaff(h)
		if _, err := h.svc.UpdateSettings(h.ctx, app.SystemActor("test"), map[string]string{"password.min_length": "16"}); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signInAdmin()
	v := h.auditOf()
	h.canvas().Focus(v.table)
	h.press(fyne.KeyReturn) // the newest: the administrator's sign-in
	h.press(fyne.KeyDown)
	h.press(fyne.KeyReturn) // the setting changed
	h.assertShows("«\u00a0Longueur minimale des mots de passe\u00a0»\u00a0: 15 → 16")
	h.press(fyne.KeyEnd)
	h.press(fyne.KeyUp)
	h.press(fyne.KeyReturn) // a user created
	h.assertShows("rôle\u00a0: Employé\u00a0; mot de passe temporaire généré, expire le 26 nov. 2026, 09:00")
	h.assertHides("temporary password generated", "2026-11-26T09:00:00Z")
	for i, name := range v.action.Options {
		if i > 0 && strings.HasSuffix(name, "…") {
			t.Errorf("the action %q is cut", name)
		}
	}
}
