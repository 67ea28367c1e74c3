package ui

import (
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"sesame/app"
)

// pagesOf serves events as next would, a page at a time, then none.
func pagesOf(pages ...[]app.AuditEvent) func() ([]app.AuditEvent, error) {
	return func() ([]app.AuditEvent, error) {
		if len(pages) == 0 {
			return nil, nil
		}
		p := pages[0]
		pages = pages[1:]
		return p, nil
	}
}

func TestWriteAuditCSV(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
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
		{"3", "2026-11-25T09:30:00Z", "admin@acme.example", "password.temporary.generated", "jeanne@acme.example",
			"temporary password generated, expires 2026-11-26T09:30:00Z"},
		{"2", "2026-11-25T09:00:00Z", "system:root", "settings.change", "", "company.name: Acme, \"the\" best → Acme\nInc"},
		{"1", "2026-11-24T08:00:00Z", "'=HYPERLINK(\"http://evil\")", "signin.failure", "'+33 6 12", "'-2+3"},
		{"0", "2026-11-24T08:00:00Z", "'@SUM(A1)", "", "'\tcmd", "'\r=1"},
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
	if _, err := writeAuditCSV(&b, func() ([]app.AuditEvent, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("a failing read: %v", err)
	}
}
