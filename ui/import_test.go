package ui

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sesame/app"
)

// openFixture makes the window's file dialog give a file of
// app/userfile's test data.
func (h *harness) openFixture(name string) {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "app", "userfile", "testdata", name))
	if err != nil {
		h.t.Fatal(err)
	}
	h.openData(name, b)
}

// openData makes the window's file dialog give a file named name that
// holds b.
func (h *harness) openData(name string, b []byte) {
	h.s.openFile = func(open func(r io.ReadCloser, path string), _ func()) {
		open(io.NopCloser(bytes.NewReader(b)), "/home/alice/"+name)
	}
}

// openImport opens Administration → Users → Import.
func (h *harness) openImport() *importView {
	h.t.Helper()
	h.signInAdmin()
	u := h.s.admin.users
	h.tapEnabled(u.importB)
	v, ok := u.panel.(*importView)
	if !ok {
		h.t.Fatalf("the panel is %T, want the import", u.panel)
	}
	return v
}

// TestImportPreviewThenApply: the preview says what was detected and what
// each row will do, and writes nothing; confirmed, the rows are written,
// the result said, and the hand-out saved.
func TestImportPreviewThenApply(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.openFixture("google-upload.csv")
	v := h.openImport()
	h.tapEnabled(v.choose)
	h.settle()
	h.assertShows("google-upload.csv: Google Workspace, UTF-8, separated by comma (,); column names on row 1.",
		"6 rows: 4 to create, 0 to update, 0 unchanged, 2 with errors.")
	if len(v.lines) != 6 || !strings.Contains(v.lines[0], "Row 2 · create · elodie.garnier@acme.example · Élodie Garnier") ||
		!strings.Contains(v.lines[2], "Row 4 · error · sophie.bernard@acme.example · Password Hash Function [UPLOAD ONLY]: The password is given hashed with SHA-1") {
		t.Fatalf("preview rows %q", v.lines)
	}
	if _, err := h.svc.User(h.ctx, "elodie.garnier@acme.example"); app.CodeOf(err) != app.ENotFound {
		t.Fatalf("the preview wrote: %v", err)
	}
	// Confirm first: "Not now" writes nothing.
	h.tapEnabled(v.confirm)
	h.assertShows("Create 4 users? 2 rows with errors are left out.")
	h.tap(v.question.no)
	if _, err := h.svc.User(h.ctx, "elodie.garnier@acme.example"); app.CodeOf(err) != app.ENotFound {
		t.Fatalf("not now wrote: %v", err)
	}
	h.tapEnabled(v.confirm)
	h.tap(v.question.yes)
	h.settle()
	h.assertShows("4 created, 0 updated, 0 unchanged, 2 with errors; recorded in the audit log as import ",
		"4 new temporary passwords to hand out: save them now, they are not kept.")
	if v.progress.Value != 4 || v.progress.Max != 4 {
		t.Errorf("progress %v of %v", v.progress.Value, v.progress.Max)
	}
	if u := h.user("marc.lefevre@acme.example"); u.Name != "Marc Lefèvre" || u.RecoveryEmail != "marc.l@mail.example" {
		t.Errorf("marc: %+v", u)
	}
	if !v.dirty() {
		t.Error("passwords not handed out: closing should ask")
	}
	h.tapEnabled(v.saveCSV)
	if h.saved == nil || !strings.HasSuffix(h.saved.name, ".csv") || !h.saved.closed {
		t.Fatalf("saved %+v", h.saved)
	}
	csv := h.saved.data.String()
	if strings.Count(csv, "@acme.example") != 4 || !strings.Contains(csv, "Tulipe-Rouge-Sur-Le-Toit") {
		t.Errorf("hand-out %q", csv)
	}
	h.assertShows("Saved in /home/alice/handout-2026-11-25-0900.csv, readable by you only. Delete it once the passwords are handed out.")
	if v.dirty() {
		t.Error("saved: closing need not ask")
	}
	h.tapEnabled(v.savePDF)
	if !bytes.HasPrefix(h.saved.data.Bytes(), []byte("%PDF-")) {
		t.Errorf("the PDF hand-out is not a PDF")
	}

	// The same file again: nothing to do, one audit row.
	before := h.auditCount()
	h.tapEnabled(v.again)
	h.settle()
	h.assertShows("6 rows: 0 to create, 0 to update, 4 unchanged, 2 with errors.", "Record that there is nothing to do")
	h.tapEnabled(v.confirm)
	h.settle()
	if n := h.auditCount(); n != before+1 {
		t.Errorf("re-import: %d audit rows", n-before)
	}
	if v.handedOut.Visible() {
		t.Error("a hand-out offered with no new password")
	}
}

func (h *harness) auditCount() int {
	h.t.Helper()
	page, err := h.svc.AuditPage(h.ctx, app.AuditQuery{Limit: 1000})
	if err != nil {
		h.t.Fatal(err)
	}
	return len(page.Events)
}

// TestImportProgressAndCancel: the progress bar follows the batches, and
// cancel stops between two: the rows written are kept, the result says it.
func TestImportProgressAndCancel(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	var b strings.Builder
	b.WriteString("login;name\n")
	for i := range 300 {
		b.WriteString("user" + strings.Repeat("x", i%3) + strconv.Itoa(i) + "@acme.example;User " + strconv.Itoa(i) + "\n")
	}
	data := []byte(b.String())
	h.s.openFile = func(open func(r io.ReadCloser, path string), _ func()) {
		open(io.NopCloser(bytes.NewReader(data)), "/home/alice/people.csv")
	}
	v := h.openImport()
	h.tapEnabled(v.choose)
	h.settle()
	h.assertShows("300 rows: 300 to create")
	// The first batch's progress cancels, as the button would.
	first := true
	v.shown = func() {
		if first {
			first = false
			v.onCancel()
		}
	}
	h.tapEnabled(v.confirm)
	h.tap(v.question.yes)
	h.settle()
	if first {
		t.Fatal("no progress shown")
	}
	h.assertShows("Cancelled: the rows not reached are unchanged; import the same file again to finish.")
	done := int(v.progress.Value)
	if done == 0 || done >= 300 {
		t.Fatalf("progress %d of 300", done)
	}
	if len(v.slips) != done {
		t.Errorf("%d slips for %d written", len(v.slips), done)
	}
	v.close()
	if len(v.slips) != 0 {
		t.Error("the passwords outlive the panel")
	}
}

// TestImportInFrench: the preview in French.
func TestImportInFrench(t *testing.T) {
	h := newHarnessIn(t, "fr", withStaff)
	h.openFixture("hr-fr-cp1252.csv")
	v := h.openImport()
	h.tapEnabled(v.choose)
	h.settle()
	h.assertShows("Tableur RH", "Windows-1252", "point-virgule (;)", "5 lignes : à créer : 3, à modifier : 0, inchangées : 0, en erreur : 2.")
	if !strings.Contains(v.lines[3], "Rôle\u00a0: Rôle «\u00a0chef\u00a0» inconnu") {
		t.Errorf("French row %q", v.lines[3])
	}
}

// TestImportLookAlikesConfirmed: rows of the file that look like each
// other are refused in the preview, naming the row; the check box judges
// the file again with them imported, the confirmation says how many, and
// each one's audit says it was confirmed.
func TestImportLookAlikesConfirmed(t *testing.T) {
	h := newHarnessIn(t, "en", withStaff)
	h.openData("people.csv", []byte("login,name,recovery_email\n"+
		"claire.leroy@acme.example,Claire Leroy,\n"+
		"c1aire.leroy@acme.example,Claire Bis,\n"+
		"marc@acme.example,Marc Vert,c1aire.ler0y@acme.example\n"))
	v := h.openImport()
	h.tapEnabled(v.choose)
	h.settle()
	h.assertShows("3 rows: 1 to create, 0 to update, 0 unchanged, 2 with errors.",
		"2 rows are refused only because an address looks like another login.")
	if !strings.Contains(v.lines[1], "c1aire.leroy@acme.example looks like the login claire.leroy@acme.example of row 2") {
		t.Fatalf("preview rows %q", v.lines)
	}
	if !v.similarR.Visible() || v.similar.Checked {
		t.Fatal("no check box to import the look-alikes")
	}
	v.similar.SetChecked(true)
	h.settle()
	h.assertShows("3 rows: 3 to create, 0 to update, 0 unchanged, 0 with errors.",
		"2 rows look like other logins: imported as confirmed, and the audit log says so.")
	if !strings.Contains(v.lines[2], "Row 4 · create · marc@acme.example · Marc Vert · looks like claire.leroy@acme.example (confirmed)") {
		t.Errorf("preview rows %q", v.lines)
	}
	h.tapEnabled(v.confirm)
	h.assertShows("Create 3 users? 2 of them look like other logins.")
	h.tap(v.question.yes)
	h.settle()
	h.assertShows("3 created, 0 updated, 0 unchanged, 0 with errors")
	page, err := h.svc.AuditPage(h.ctx, app.AuditQuery{Subject: "c1aire.leroy@acme.example", Action: app.ActionUserCreate, Limit: 10})
	if err != nil || len(page.Events) != 1 || !strings.Contains(page.Events[0].Details, "looks like claire.leroy@acme.example (confirmed)") {
		t.Errorf("audit: %+v %v", page.Events, err)
	}
}
