package userfile

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"sesame/app"
)

// FuzzRead feeds the reader anything: it never panics, refuses only with
// an invalid-input error that says something, and what it reads holds
// together (rows in order, below the header, problems on their own row,
// logins unique once compared as logins are).
func FuzzRead(f *testing.F) {
	names, err := filepath.Glob("testdata/*.csv")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("\xff\xfeE\x00-\x00m\x00a\x00i\x00l\x00\n\x00a\x00@\x00b\x00"))
	f.Add([]byte("sep=\t\nE-mail\tNom\n\"a\"\"@b\"\t\"x\ny\"\n"))
	f.Add([]byte("version:v1.0\nName [displayName] Required,User name [userPrincipalName] Required\nExample: x,y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read(bytes.NewReader(data), Options{})
		if err != nil {
			if app.CodeOf(err) != app.EInvalid || err.Error() == "" {
				t.Fatalf("refused with %#v", err)
			}
			return
		}
		again, err := Read(bytes.NewReader(data), Options{})
		if err != nil || !reflect.DeepEqual(again, file) {
			t.Fatalf("a second read differs: %v", err)
		}
		switch file.Delimiter {
		case ',', ';', '\t', '|':
		default:
			t.Fatalf("delimiter %q", file.Delimiter)
		}
		if file.HeaderRow < 1 {
			t.Fatalf("header row %d", file.HeaderRow)
		}
		last := file.HeaderRow
		seen := map[string]bool{}
		for _, r := range file.Records {
			if r.Row <= last || r.Line < r.Row {
				t.Fatalf("row %d (line %d) after row %d", r.Row, r.Line, last)
			}
			last = r.Row
			for _, p := range r.Problems {
				if p.Row != r.Row || p.Message.String() == "" {
					t.Fatalf("problem %+v on row %d", p, r.Row)
				}
			}
			if key := app.EmailKey(r.Login); key != "" && len(r.Problems) == 0 {
				if seen[key] {
					t.Fatalf("login %q twice without a problem", r.Login)
				}
				seen[key] = true
			}
			if r.Has(FieldRole) && r.Role != app.RoleAdmin && r.Role != app.RoleEmployee {
				t.Fatalf("role %q", r.Role)
			}
		}
		for _, row := range file.ExampleRows {
			if row <= file.HeaderRow {
				t.Fatalf("example row %d above the header %d", row, file.HeaderRow)
			}
		}
	})
}
