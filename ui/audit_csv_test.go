package ui

import (
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sesame/app"
)

// pagesOf serves events as the service's reader would, a page at a time.
func pagesOf(pages ...[]app.AuditEvent) func(func([]app.AuditEvent) error) error {
	return func(each func([]app.AuditEvent) error) error {
		for _, p := range pages {
			if err := each(p); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestWriteAuditCSV checks the export's CSV: times in ISO 8601 with the
// zone's offset (the machine's zone: here a fixed one, an hour east), and
// cells that a spreadsheet would run kept as text.
func TestWriteAuditCSV(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	local := time.Local
	time.Local = paris
	t.Cleanup(func() { time.Local = local })
	events := []app.AuditEvent{
		{ID: 3, At: time.Date(2026, 11, 25, 10, 30, 0, 0, paris), Actor: "admin@acme.example", Subject: "jeanne@acme.example",
			Action: app.ActionTemporaryGenerate, Details: "temporary password generated, expires 2026-11-26T09:30:00Z"},
		{ID: 2, At: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), Actor: "system:root", Action: app.ActionSettingChange,
			Details: "company.name: Acme, \"the\" best → Acme\nInc"},
	}
	attacks := []app.AuditEvent{
		{ID: 1, At: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC), Actor: "=HYPERLINK(\"http://evil\")",
			Subject: "+33 6 12", Action: app.ActionSignInFailure, Details: "-2+3"},
		{ID: 0, At: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC), Actor: "@SUM(A1)", Subject: "\tcmd", Details: "\r=1"},
	}
	var b strings.Builder
	n, err := writeAuditCSV(&b, pagesOf(events, attacks))
	if err != nil || n != 4 {
		t.Fatalf("wrote %d events: %v", n, err)
	}
	records, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, b.String())
	}
	want := [][]string{
		{"id", "time", "actor", "action", "subject", "details"},
		{"3", "2026-11-25T10:30:00+01:00", "admin@acme.example", "password.temporary.generated", "jeanne@acme.example",
			"temporary password generated, expires 2026-11-26T09:30:00Z"},
		{"2", "2026-11-25T10:00:00+01:00", "system:root", "settings.change", "", "company.name: Acme, \"the\" best → Acme\nInc"},
		{"1", "2026-11-24T09:00:00+01:00", "'=HYPERLINK(\"http://evil\")", "signin.failure", "'+33 6 12", "'-2+3"},
		{"0", "2026-11-24T09:00:00+01:00", "'@SUM(A1)", "", "'\tcmd", "'\r=1"},
	}
	for i := range max(len(want), len(records)) {
		if i >= len(records) || i >= len(want) || !slices.Equal(records[i], want[i]) {
			t.Errorf("record %d:\n got %q\nwant %q", i, at(records, i), at(want, i))
		}
	}
}

func at(rs [][]string, i int) []string {
	if i < len(rs) {
		return rs[i]
	}
	return nil
}

func TestWriteAuditCSVEmptyAndFailing(t *testing.T) {
	var b strings.Builder
	if n, err := writeAuditCSV(&b, pagesOf()); n != 0 || err != nil || b.String() != "id,time,actor,action,subject,details\n" {
		t.Errorf("no events: %d %v %q", n, err, b.String())
	}
	boom := errors.New("disk gone")
	if _, err := writeAuditCSV(&b, func(func([]app.AuditEvent) error) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("a failing read: %v", err)
	}
}

// TestExportIsPrivate: the file that an export writes is made new,
// readable by its owner only; a file or a link already under that name is
// refused and left as it was.
func TestExportIsPrivate(t *testing.T) {
	dir := t.TempDir()
	taken, link := filepath.Join(dir, "taken.csv"), filepath.Join(dir, "link.csv")
	if err := os.WriteFile(taken, []byte("someone's file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(taken, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{taken, link} {
		if f, err := openPrivate(p); !errors.Is(err, fs.ErrExist) {
			f.Close()
			t.Errorf("%s: %v", p, err)
		}
	}
	if b, err := os.ReadFile(taken); err != nil || string(b) != "someone's file" {
		t.Errorf("the file already there: %q, %v", b, err)
	}
	path := filepath.Join(dir, "sesame-audit.csv")
	f, err := openPrivate(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("id,time\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the export: %v, %v", fi, err)
	}
}
