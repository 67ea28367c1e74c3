package spreadsheet

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestInert(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Jeanne", "Jeanne"},
		{"=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"},
		{"+33 6 12", "'+33 6 12"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\r=1", "'\r=1"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
		{"Ève", "Ève"},
	} {
		if got := Inert(tc.in); got != tc.want {
			t.Errorf("Inert(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Restore(Inert(tc.in)); got != tc.in {
			t.Errorf("Restore(Inert(%q)) = %q", tc.in, got)
		}
	}
	// An apostrophe that Inert did not write stays.
	for _, s := range []string{"'", "'a", "''=", "l'=x"} {
		if got := Restore(s); got != s {
			t.Errorf("Restore(%q) = %q", s, got)
		}
	}
}

func TestNewWriter(t *testing.T) {
	for _, tc := range []struct {
		language string
		want     string
	}{
		{"fr", BOM + "nom;ville\r\n\"Dupont; Jean\";Paris\r\n"},
		{"en", BOM + "nom,ville\r\n\"Dupont, Jean\",Paris\r\n"},
	} {
		var b bytes.Buffer
		cw, err := NewWriter(&b, Delimiter(tc.language))
		if err != nil {
			t.Fatal(err)
		}
		sep := string(Delimiter(tc.language))
		cw.Write([]string{"nom", "ville"})
		cw.Write([]string{"Dupont" + sep + " Jean", "Paris"})
		cw.Flush()
		if err := cw.Error(); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s: %q, want %q", tc.language, b.String(), tc.want)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), BOM)))
		r.Comma = Delimiter(tc.language)
		if recs, err := r.ReadAll(); err != nil || len(recs) != 2 || recs[1][0] != "Dupont"+sep+" Jean" {
			t.Errorf("%s: read back %q, %v", tc.language, recs, err)
		}
	}
}
