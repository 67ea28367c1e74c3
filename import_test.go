package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sesame/app/spreadsheet"
)

// fixture is a file of users of app/userfile's test data.
func fixture(name string) string { return filepath.Join("app", "userfile", "testdata", name) }

// handout reads a CSV hand-out (as Sésame writes it: BOM, the delimiter of
// the language) and remembers its passwords.
func (s *sesame) handout(path string) [][]string {
	s.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		s.t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		s.t.Errorf("hand-out mode %v", fi.Mode())
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.Comma = ','
	if bytes.Contains(b[:min(len(b), 200)], []byte(";")) {
		r.Comma = ';'
	}
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		s.t.Fatalf("hand-out %s: %v", path, err)
	}
	for _, row := range rows[1:] {
		for i := range row {
			row[i] = spreadsheet.Restore(row[i])
		}
		s.secret(row[2])
	}
	return rows[1:]
}

// TestImportFixturesEndToEnd imports each format's fixture through the
// real binary: the preview names what was detected and writes nothing, the
// import writes what the preview said, the hand-out's passwords sign in,
// and the same file again changes nothing but one audit row.
func TestImportFixturesEndToEnd(t *testing.T) { forEachStore(t, importFixtures) }

func importFixtures(t *testing.T, s *sesame) {
	s.password(s.expect(0, "", "", "", "init", "--company", "Acme", "--admin", "ada@acme.test", "--name", "Ada Lovelace"))
	dir := t.TempDir()
	for _, c := range []struct {
		file, detected string
		create         int
		absent         string // a login that must not be imported
	}{
		{"google-upload.csv", "Google Workspace, UTF-8, separated by comma (,)", 4, "sophie.bernard@acme.example"},
		{"google-download.csv", "Google Workspace", 2, ""},
		{"entra-template.csv", "Microsoft Entra bulk create, UTF-8 with a byte-order mark", 0, "chris@contoso.com"},
		{"okta.csv", "Okta import", 0, ""},
		{"hr-fr-cp1252.csv", "HR spreadsheet, Windows-1252 (Excel's \"CSV\" in Western Europe), separated by semicolon (;)", 0, "francoise.muller@acme.example"},
		{"hr-fr-utf8bom.csv", "HR spreadsheet, UTF-8 with a byte-order mark", 0, ""},
		{"hr-en.csv", "HR spreadsheet", 0, ""},
		{"sesame-fr.csv", "Sésame export", 0, ""},
	} {
		audit := s.auditCount()
		dry := s.run("", "users", "import", fixture(c.file), "--dry-run")
		if !strings.Contains(dry.stdout, c.detected) || !strings.Contains(dry.stderr, "Dry run: nothing was written.") {
			t.Errorf("%s: preview %q %q, want %q", c.file, dry.stdout, dry.stderr, c.detected)
		}
		if c.file == "entra-template.csv" && !strings.Contains(dry.stdout, "Row 3 is the template's example: skipped.") {
			t.Errorf("entra: the example row is not said skipped:\n%s", dry.stdout)
		}
		if n := s.auditCount(); n != audit {
			t.Fatalf("%s: a dry run wrote %d audit rows", c.file, n-audit)
		}
		toCreate := countIn(t, dry.stdout, "to create")
		if c.create > 0 && toCreate != c.create {
			t.Errorf("%s: %d to create, want %d\n%s", c.file, toCreate, c.create, dry.stdout)
		}
		toUpdate, errs := countIn(t, dry.stdout, "to update"), countIn(t, dry.stdout, "with errors")
		if errs > 0 != (dry.code == 1) {
			t.Errorf("%s: exit %d with %d errors", c.file, dry.code, errs)
		}
		// No hand-out named: nothing is written.
		if toCreate > 0 {
			s.expect(1, "", "--handout FILE", "", "users", "import", fixture(c.file), "--yes")
		}
		out := filepath.Join(dir, strings.TrimSuffix(c.file, ".csv")+"-handout.csv")
		r := s.run("", "users", "import", fixture(c.file), "--yes", "--handout", out)
		want := fmt.Sprintf("%d created, %d updated", toCreate, toUpdate)
		if toCreate+toUpdate == 0 {
			want = "Nothing to do"
		}
		if !strings.Contains(r.stderr, want) {
			t.Fatalf("%s: %q, want %q", c.file, r.stderr, want)
		}
		if toCreate > 0 {
			for _, row := range s.handout(out) {
				// Signed in, to change the password; or a disabled account.
				if r := s.run(row[2]+"\n", "signin", row[0]); r.code != 3 && (r.code != 7 || !s.showJSON(row[0])["disabled"].(bool)) {
					t.Errorf("%s: sign-in with the hand-out's password: exit %d %s", row[0], r.code, r.stderr)
				}
			}
		}
		if c.absent != "" {
			s.expect(1, "", "", "", "users", "show", c.absent)
		}
		// Again: every row unchanged, one audit row.
		audit = s.auditCount()
		again := s.run("", "users", "import", fixture(c.file), "--yes", "--handout", strings.TrimSuffix(out, ".csv")+"-again.csv")
		if !strings.Contains(again.stdout, "0 to create, 0 to update") || !strings.Contains(again.stderr, "Nothing to do") {
			t.Errorf("%s again: %q %q", c.file, again.stdout, again.stderr)
		}
		if n := s.auditCount(); n != audit+1 {
			t.Errorf("%s again: %d audit rows", c.file, n-audit)
		}
		if _, err := os.Stat(strings.TrimSuffix(out, ".csv") + "-again.csv"); err == nil {
			t.Errorf("%s again: a hand-out was written", c.file)
		}
	}
	// Windows-1252 read as such: the accents are the names' own.
	if u := s.showJSON("zoe.loevenbruck@acme.example"); u["name"] != "Zoé Lœvenbruck" || u["role"] != "admin" {
		t.Errorf("from the French HR file: %v", u)
	}
	if u := s.showJSON("accueil.atelier@acme.example"); u["mailbox"] != false {
		t.Errorf("fictitious login: %v", u)
	}
}

// countIn reads the number before a phrase of the preview's counts.
func countIn(t *testing.T, text, phrase string) int {
	t.Helper()
	i := strings.Index(text, " "+phrase)
	if i < 0 {
		t.Fatalf("no %q in %q", phrase, text)
	}
	j := strings.LastIndexAny(text[:i], " \n") + 1
	n, err := strconv.Atoi(text[j:i])
	if err != nil {
		t.Fatalf("count before %q in %q: %v", phrase, text, err)
	}
	return n
}

// TestExportImportRoundTripEndToEnd: each format exported from one
// directory and imported into an empty one gives the same users.
func TestExportImportRoundTripEndToEnd(t *testing.T) {
	src := newSesame(t, "sqlite")
	src.password(src.expect(0, "", "", "", "init", "--company", "Acme", "--admin", "ada@acme.test", "--name", "Ada Lovelace"))
	src.expect(0, "added 60 fake users", "", "", "dev", "generate", "60", "--seed", "3")
	list := func(s *sesame, keys ...string) []string {
		t.Helper()
		var users []map[string]any
		if err := json.Unmarshal([]byte(s.expect(0, "", "", "", "users", "list", "--json", "--sort", "login").stdout), &users); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range users {
			var parts []string
			for _, k := range keys {
				parts = append(parts, fmt.Sprint(u[k]))
			}
			out = append(out, strings.Join(parts, "|"))
		}
		return out
	}
	dir := t.TempDir()
	for _, c := range []struct {
		format string
		keys   []string // what the format carries
	}{
		{"sesame", []string{"email", "name", "role", "mailbox", "recovery_email", "disabled"}},
		{"google", []string{"email", "name", "recovery_email", "disabled"}},
		{"entra", []string{"email", "name", "disabled"}},
		{"okta", []string{"email", "name", "recovery_email"}},
	} {
		file := filepath.Join(dir, c.format+".csv")
		src.expect(0, "", "61 users written to", "", "users", "export", "--format", c.format, file)
		if fi, err := os.Lstat(file); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", file, fi, err)
		}
		src.expect(1, "", "already exists", "", "users", "export", "--format", c.format, file)
		dst := newSesame(t, "sqlite")
		dst.password(dst.expect(0, "", "", "", "init", "--company", "Acme", "--admin", "ada@acme.test", "--name", "Ada Lovelace"))
		dst.expect(0, "", "60 created, 0 updated, 1 unchanged", "", "users", "import", file, "--yes", "--handout", filepath.Join(dir, c.format+"-handout.csv"))
		if a, b := list(src, c.keys...), list(dst, c.keys...); !slices.Equal(a, b) {
			t.Errorf("%s: the directory differs after the round trip:\n%v\n%v", c.format, a, b)
		}
	}
	// Standard output, with a filter.
	r := src.expect(0, "login,name,role", "", "", "users", "export", "--role", "admin", "-")
	if !strings.HasPrefix(r.stdout, "\ufeff") || strings.Count(r.stdout, "\r\n") < 2 {
		t.Errorf("export to standard output: %q", r.stdout)
	}
}

// TestImportKilledMidwayEndToEnd: an import killed (SIGKILL) while it
// writes leaves whole users, each audited; the same import run again
// finishes the rest, and gives the users written before the kill, whose
// temporary passwords no hand-out holds, new ones: every user is in the
// second hand-out, with a password that signs in. A third run has nothing
// to do.
func TestImportKilledMidwayEndToEnd(t *testing.T) { forEachStore(t, importKilledMidway) }

func importKilledMidway(t *testing.T, s *sesame) {
	s.password(s.expect(0, "", "", "", "init", "--company", "Acme", "--admin", "ada@acme.test", "--name", "Ada Lovelace"))
	const n = 150
	var b strings.Builder
	b.WriteString("login,name,recovery_email,mailbox\n")
	for i := range n {
		fmt.Fprintf(&b, "user%04d@acme.example,User %04d,user%04d@perso.example,yes\n", i, i, i)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	written, _ := stopImportMidway(t, s, file, filepath.Join(dir, "first.csv"), syscall.SIGKILL)
	if written == 0 || written >= n {
		t.Fatalf("killed after %d of %d: not midway", written, n)
	}
	if _, err := os.Stat(filepath.Join(dir, "first.csv")); err == nil {
		t.Fatal("the killed import wrote its hand-out")
	}
	var events []map[string]any
	if err := json.Unmarshal([]byte(s.expect(0, "", "", "", "audit", "--json", "--action", "user.create", "--limit", "100000").stdout), &events); err != nil {
		t.Fatal(err)
	}
	if len(events) != written {
		t.Errorf("%d users written, %d audited", written, len(events))
	}
	before := map[string]bool{} // the users written before the kill
	for _, ev := range events {
		if !strings.Contains(fmt.Sprint(ev["details"]), "import ") {
			t.Errorf("creation not naming the import: %v", ev)
		}
		before[fmt.Sprint(ev["subject"])] = true
	}
	dry := s.expect(0, "the last one, from an interrupted import, is in no hand-out", "", "", "users", "import", file, "--dry-run")
	if want := fmt.Sprintf("%d to create, %d to update, 0 unchanged", n-written, written); !strings.Contains(dry.stdout, want) {
		t.Errorf("preview of the re-run: %q, want %q", dry.stdout, want)
	}
	r := s.run("", "users", "import", file, "--yes", "--handout", filepath.Join(dir, "second.csv"))
	if want := fmt.Sprintf("%d created, %d updated, 0 unchanged", n-written, written); r.code != 0 || !strings.Contains(r.stderr, want) {
		t.Fatalf("re-run: exit %d, %q, want %q", r.code, r.stderr, want)
	}
	if s.countUsers() != n {
		t.Errorf("%d users after the re-run, want %d", s.countUsers(), n)
	}
	rows := s.handout(filepath.Join(dir, "second.csv"))
	handed := map[string]string{}
	for _, row := range rows {
		handed[row[0]] = row[2]
	}
	if len(rows) != n || len(handed) != n {
		t.Errorf("second hand-out: %d rows, %d logins, want %d", len(rows), len(handed), n)
	}
	// Every user written before the kill, and a few after, sign in with
	// the hand-out's password (and must change it).
	tried := 0
	for i := range n {
		login := fmt.Sprintf("user%04d@acme.example", i)
		if !before[login] && i%30 != 0 {
			continue
		}
		tried++
		if r := s.run(handed[login]+"\n", "signin", login); r.code != 3 {
			t.Errorf("%s: sign-in with the hand-out's password: exit %d %s", login, r.code, r.stderr)
		}
	}
	if tried <= written {
		t.Errorf("%d sign-ins tried", tried)
	}
	// Handed out: nothing more to do.
	s.expect(0, "", "Nothing to do", "", "users", "import", file, "--yes", "--handout", filepath.Join(dir, "third.csv"))
	if _, err := os.Stat(filepath.Join(dir, "third.csv")); err == nil {
		t.Error("a third hand-out was written")
	}
}

// TestImportRefusalsEndToEnd: bad input is said, changes nothing.
func TestImportRefusalsEndToEnd(t *testing.T) {
	s := newSesame(t, "sqlite")
	s.expect(1, "", "There is no Sésame database", "", "users", "import", fixture("okta.csv"), "--dry-run")
	s.password(s.expect(0, "", "", "", "init", "--company", "Acme", "--admin", "ada@acme.test", "--name", "Ada Lovelace"))
	s.expect(1, "", "Unknown file format \"xls\"", "", "users", "import", fixture("okta.csv"), "--format", "xls")
	s.expect(1, "", "There is no file /nonexistent/people.csv.", "", "users", "import", "/nonexistent/people.csv")
	s.expect(1, "", "standard input is not a terminal", "", "users", "import", fixture("google-upload.csv"), "--handout", filepath.Join(t.TempDir(), "h.pdf"))
	existing := filepath.Join(t.TempDir(), "h.pdf")
	os.WriteFile(existing, []byte("mine"), 0o644)
	s.expect(1, "", "already exists", "", "users", "import", fixture("google-upload.csv"), "--handout", existing, "--yes")
	if b, _ := os.ReadFile(existing); string(b) != "mine" {
		t.Errorf("an existing file was touched")
	}
	s.expect(1, "", "No column of the file gives the login", "name,role\nx,y\n", "users", "import", "-", "--dry-run")
	if n := s.auditCount(); n != 1 {
		t.Errorf("refusals wrote %d audit rows", n-1)
	}
	s.expect(1, "", "not \"hr\"", "", "users", "export", "--format", "hr")
	// An empty file and a file of column names only: said, with the file.
	empty, head := filepath.Join(t.TempDir(), "empty.csv"), filepath.Join(t.TempDir(), "head.csv")
	os.WriteFile(empty, nil, 0o600)
	os.WriteFile(head, []byte("login,name\r\n"), 0o600)
	s.expect(1, "", empty+": The file is empty.", "", "users", "import", empty, "--dry-run")
	s.expect(1, "", head+" has column names but no row of users", "", "users", "import", head, "--dry-run")
	// A hand-out of a kind Sésame does not write is refused before the
	// import writes anything.
	one := filepath.Join(t.TempDir(), "one.csv")
	if err := os.WriteFile(one, []byte("login,name\nkind@acme.example,Kind Person\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.expect(1, "", "must be a .pdf or a .csv file", "", "users", "import", one, "--yes", "--handout", filepath.Join(t.TempDir(), "slips.txt"))
	s.expect(1, "", "", "", "users", "show", "kind@acme.example")
	s.expect(1, "", "writes the formats sesame, google, entra and okta, not \"xml\"", "", "users", "export", "--format", "xml")
}

// TestImportSendEndToEnd: with --send, the new temporary passwords go to
// the recovery e-mails through a real SMTP server, never to a login; the
// users without one are in the hand-out.
func TestImportSendEndToEnd(t *testing.T) {
	s := newSesame(t, "sqlite")
	s.password(s.expect(0, "", "", "", "init", "--company", "Acme", "--admin", "ada@acme.test", "--name", "Ada Lovelace"))
	s.expect(1, "", "E-mail is not set up", "", "users", "import", fixture("okta.csv"), "--send", "--dry-run")
	srv := mailSetUp(t, s)
	dir := t.TempDir()
	file := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(file, []byte("login,name,recovery_email,mailbox\n"+
		"jeanne@acme.example,Jeanne Martin,jeanne@home.example,yes\n"+
		"kiosk@acme.example,Kiosk Accueil,,no\n"+
		"paul@acme.example,Paul Durand,,yes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := s.expect(0, "3 new temporary passwords", "3 created", "", "users", "import", file, "--send", "--yes", "--handout", filepath.Join(dir, "h.csv"))
	if !strings.Contains(r.stdout, "1 mailed to recovery e-mails") {
		t.Errorf("preview %q", r.stdout)
	}
	mailed := srv.To("jeanne@home.example")
	if len(mailed) != 1 {
		t.Fatalf("%d messages to the recovery address", len(mailed))
	}
	for _, m := range srv.Messages() {
		for _, login := range []string{"kiosk@acme.example", "paul@acme.example"} {
			if strings.Contains(fmt.Sprint(m), "To:"+login) || len(srv.To(login)) > 0 {
				t.Errorf("a message to the login %s", login)
			}
		}
	}
	rows := s.handout(filepath.Join(dir, "h.csv"))
	if len(rows) != 2 || rows[0][0] == "jeanne@acme.example" || rows[1][0] == "jeanne@acme.example" {
		t.Errorf("hand-out %v", rows)
	}
}

// TestImportLookAlikesEndToEnd: rows of one file whose addresses look
// alike each other are refused by the preview, naming the row they look
// like, as creating them one by one would; --allow-similar imports them,
// audited as confirmed.
func TestImportLookAlikesEndToEnd(t *testing.T) { forEachStore(t, importLookAlikes) }

func importLookAlikes(t *testing.T, s *sesame) {
	s.password(s.expect(0, "", "", "", "init", "--company", "Acme", "--admin", "ada@acme.test", "--name", "Ada Lovelace"))
	dir := t.TempDir()
	file := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(file, []byte("login,name,recovery_email,mailbox\n"+
		"claire.leroy@acme.example,Claire Leroy,,yes\n"+
		"paul@acme.example,Paul Blanc,,yes\n"+
		"c1aire.leroy@acme.example,Claire Bis,,yes\n"+ // like row 2's login
		"marc@acme.example,Marc Vert,pau1@acme.example,yes\n"), 0o600); err != nil { // like row 3's login
		t.Fatal(err)
	}
	dry := s.expect(1, "", "2 rows are refused only because an address looks like another login", "", "users", "import", file, "--dry-run")
	for _, want := range []string{"c1aire.leroy@acme.example looks like the login claire.leroy@acme.example of row 2",
		"recovery_email: pau1@acme.example looks like the login paul@acme.example of row 3", "2 to create, 0 to update, 0 unchanged, 2 with errors"} {
		if !strings.Contains(dry.stdout, want) {
			t.Errorf("preview without %q:\n%s", want, dry.stdout)
		}
	}
	// What the preview accepts is written; the others are not refused
	// midway but before.
	s.expect(1, "", "2 created, 0 updated, 0 unchanged, 2 with errors", "", "users", "import", file, "--yes", "--handout", filepath.Join(dir, "h1.csv"))
	s.expect(1, "", "", "", "users", "show", "c1aire.leroy@acme.example")
	r := s.expect(0, "looks like claire.leroy@acme.example (confirmed)", "2 created, 0 updated, 2 unchanged, 0 with errors", "",
		"users", "import", file, "--yes", "--allow-similar", "--handout", filepath.Join(dir, "h2.csv"))
	if !strings.Contains(r.stdout, "looks like paul@acme.example (confirmed)") {
		t.Errorf("preview with --allow-similar:\n%s", r.stdout)
	}
	if rows := s.handout(filepath.Join(dir, "h2.csv")); len(rows) != 2 {
		t.Errorf("hand-out: %v", rows)
	}
	for login, like := range map[string]string{"c1aire.leroy@acme.example": "claire.leroy@acme.example", "marc@acme.example": "paul@acme.example"} {
		var events []map[string]any
		if err := json.Unmarshal([]byte(s.expect(0, "", "", "", "audit", "--json", "--user", login, "--action", "user.create").stdout), &events); err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || !strings.Contains(fmt.Sprint(events[0]["details"]), "looks like "+like+" (confirmed)") {
			t.Errorf("audit of %s: %v", login, events)
		}
	}
}

// TestImportInterruptedEndToEnd: Ctrl+C stops an import between two
// batches; what was written is whole, and its temporary passwords are in
// the hand-out, saved although the import was interrupted.
func TestImportInterruptedEndToEnd(t *testing.T) {
	s := newSesame(t, "sqlite")
	s.password(s.expect(0, "", "", "", "init", "--company", "Acme", "--admin", "ada@acme.test", "--name", "Ada Lovelace"))
	const n = 400
	var b strings.Builder
	b.WriteString("login,name\n")
	for i := range n {
		fmt.Fprintf(&b, "user%04d@acme.example,User %04d\n", i, i)
	}
	dir := t.TempDir()
	file, handout := filepath.Join(dir, "people.csv"), filepath.Join(dir, "slips.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	written, stderr := stopImportMidway(t, s, file, handout, syscall.SIGINT)
	if written == 0 || written >= n {
		t.Skipf("interrupted after %d of %d: not midway", written, n)
	}
	if !strings.Contains(stderr, "Interrupted") || strings.Contains(stderr, "Nothing was changed") {
		t.Errorf("the interrupted import says: %s", stderr)
	}
	rows := s.handout(handout)
	if len(rows) != written {
		t.Fatalf("%d users written, %d in the hand-out", written, len(rows))
	}
	for _, row := range rows[:3] {
		if r := s.run(row[2]+"\n", "signin", row[0]); r.code != 3 {
			t.Errorf("%s: sign-in with the hand-out's password: exit %d %s", row[0], r.code, r.stderr)
		}
	}
}

// stopImportMidway starts an import of file with its hand-out to handout,
// sends sig once it has written a user, and returns how many users (the
// administrator aside) it wrote and what it said on standard error.
func stopImportMidway(t *testing.T, s *sesame, file, handout string, sig os.Signal) (written int, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var errs strings.Builder
	cmd := exec.CommandContext(ctx, sesameBin, "--db", s.db, "users", "import", file, "--yes", "--handout", handout)
	cmd.Stderr = &errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for s.countUsers() == 0 {
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	return s.countUsers(), errs.String()
}

// countUsers is the number of users, the administrator aside.
func (s *sesame) countUsers() int {
	r := s.expect(0, "", "", "", "users", "list", "--count")
	c, _ := strconv.Atoi(strings.TrimSpace(r.stdout))
	return c - 1
}
