package userfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"sesame/app"
)

// rec is a record as the tests write it: its fields, and its problems as
// "column: message" in English.
type rec struct {
	Row, Line int
	Login     string
	Name      string
	Role      app.Role
	Mailbox   string // "yes", "no", "" when not given
	Recovery  string
	Disabled  string // "yes", "no", "" when not given
	Password  string // "(generate)" when asked for without a value, "" when not asked for
	Problems  []string
}

func (r rec) String() string {
	type plain rec // without this method
	return fmt.Sprintf("%+v", plain(r))
}

func simplify(r Record) rec {
	out := rec{Row: r.Row, Line: r.Line, Login: r.Login, Name: r.Name, Role: r.Role, Recovery: r.RecoveryEmail}
	if !r.Has(FieldName) && r.Name != "" {
		out.Name = "(not given) " + r.Name
	}
	if r.Has(FieldMailbox) {
		out.Mailbox = pick(r.HasMailbox, "yes", "no")
	}
	if r.Has(FieldDisabled) {
		out.Disabled = pick(r.Disabled, "yes", "no")
	}
	if r.Has(FieldPassword) {
		out.Password = r.Password
		if r.Password == "" {
			out.Password = "(generate)"
		}
	}
	for _, p := range r.Problems {
		if p.Row != r.Row {
			out.Problems = append(out.Problems, fmt.Sprintf("row %d instead of %d", p.Row, r.Row))
		}
		out.Problems = append(out.Problems, p.Column+": "+p.Message.String())
	}
	return out
}

func readFixture(t *testing.T, name string, opts Options) *File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Read(bytes.NewReader(b), opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

func checkRecords(t *testing.T, name string, f *File, want []rec) {
	t.Helper()
	for i := range max(len(want), len(f.Records)) {
		var got rec
		if i < len(f.Records) {
			got = simplify(f.Records[i])
		}
		var w rec
		if i < len(want) {
			w = want[i]
		}
		if got.String() != w.String() {
			t.Errorf("%s, record %d:\n got %v\nwant %v", name, i, got, w)
		}
	}
}

type facts struct {
	Format      Format
	Encoding    Encoding
	Delimiter   rune
	HeaderRow   int
	Ignored     []string
	ExampleRows []int
}

func (f facts) String() string {
	return fmt.Sprintf("%s %s %q header %d ignored %q examples %v", f.Format, f.Encoding, f.Delimiter, f.HeaderRow, f.Ignored, f.ExampleRows)
}

func checkFacts(t *testing.T, name string, f *File, want facts) {
	t.Helper()
	got := facts{f.Format, f.Encoding, f.Delimiter, f.HeaderRow, f.Ignored, f.ExampleRows}
	if got.String() != want.String() {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
}

func TestReadSesame(t *testing.T) {
	f := readFixture(t, "sesame-fr.csv", Options{})
	checkFacts(t, "sesame-fr.csv", f, facts{Sesame, UTF8BOM, ';', 1, []string{"status", "last_sign_in", "created"}, nil})
	checkRecords(t, "sesame-fr.csv", f, []rec{
		{Row: 2, Line: 2, Login: "alice.martin@acme.example", Name: "Alice Martin", Role: app.RoleAdmin, Mailbox: "yes", Disabled: "no"},
		{Row: 3, Line: 3, Login: "jeanne.dupont@acme.example", Name: "Jeanne Dupont", Role: app.RoleEmployee, Mailbox: "yes",
			Recovery: "jeanne.perso@mail.example", Disabled: "no"},
		{Row: 4, Line: 4, Login: "accueil@acme.example", Name: "Accueil, rez-de-chaussée", Role: app.RoleEmployee, Mailbox: "no", Disabled: "yes"},
		// Cells that the export guarded against formulas read back as they were.
		{Row: 5, Line: 5, Login: "=cmd@acme.example", Name: "-Moins", Role: app.RoleEmployee, Mailbox: "no", Disabled: "no"},
	})
}

func TestReadGoogle(t *testing.T) {
	f := readFixture(t, "google-upload.csv", Options{})
	checkFacts(t, "google-upload.csv", f, facts{Google, UTF8, ',', 1, []string{"Org Unit Path [Required]",
		"New Primary Email [UPLOAD ONLY]", "Home Secondary Email", "Work Secondary Email",
		"Recovery Phone [MUST BE IN THE E.164 FORMAT]", "Work Phone", "Home Phone", "Mobile Phone", "Work Address",
		"Home Address", "Employee ID", "Employee Type", "Employee Title", "Manager Email", "Department", "Cost Center",
		"Building ID", "Floor Name", "Floor Section", "Advanced Protection Program enrollment"}, nil})
	checkRecords(t, "google-upload.csv", f, []rec{
		{Row: 2, Line: 2, Login: "elodie.garnier@acme.example", Name: "Élodie Garnier", Password: "Tulipe-Rouge-Sur-Le-Toit"},
		// "****": the password stays as it is.
		{Row: 3, Line: 3, Login: "marc.lefevre@acme.example", Name: "Marc Lefèvre", Recovery: "marc.l@mail.example", Disabled: "no"},
		{Row: 4, Line: 4, Login: "sophie.bernard@acme.example", Name: "Sophie Bernard", Problems: []string{
			"Password Hash Function [UPLOAD ONLY]: The password is given hashed with SHA-1, which Sésame cannot use: give it in clear, or leave it empty to have a temporary password generated."}},
		{Row: 5, Line: 5, Login: "paul.roux@acme.example", Name: "Paul Roux", Disabled: "yes"},
		// Change at next sign-in with "****": a new temporary password, generated.
		{Row: 6, Line: 6, Login: "ines.moreau@acme.example", Name: "Inès Moreau", Password: "(generate)"},
		{Row: 7, Line: 7, Login: "luc.petit@acme.example", Name: "Luc Petit", Problems: []string{
			"New Status [UPLOAD ONLY]: \"Archived\" is not a status: use Active or Suspended."}},
	})

	f = readFixture(t, "google-download.csv", Options{})
	checkFacts(t, "google-download.csv", f, facts{Google, UTF8, ',', 1, []string{"Org Unit Path [Required]",
		"New Primary Email [UPLOAD ONLY]", "Last Sign In [READ ONLY]", "Email Usage [READ ONLY]"}, nil})
	checkRecords(t, "google-download.csv", f, []rec{
		{Row: 2, Line: 2, Login: "claire.fontaine@acme.example", Name: "Claire Fontaine", Recovery: "claire.f@mail.example", Disabled: "no"},
		{Row: 3, Line: 3, Login: "hugo.lambert@acme.example", Name: "Hugo Lambert", Disabled: "yes"},
	})
}

func TestReadEntra(t *testing.T) {
	f := readFixture(t, "entra-template.csv", Options{})
	checkFacts(t, "entra-template.csv", f, facts{Entra, UTF8BOM, ',', 2, []string{"Job title [jobTitle]",
		"Department [department]", "Usage location [usageLocation]", "Street address [streetAddress]",
		"State or province [state]", "Country or region [country]", "Office [physicalDeliveryOfficeName]",
		"City [city]", "ZIP or postal code [postalCode]", "Office phone [telephoneNumber]", "Mobile phone [mobile]"}, []int{3}})
	checkRecords(t, "entra-template.csv", f, []rec{
		{Row: 4, Line: 4, Login: "nathalie.roussel@acme.example", Name: "Nathalie Roussel", Disabled: "no", Password: "Pivoine-Grise-Au-Jardin"},
		// Spaces around values, as people type them after a comma; no display name: first and last.
		{Row: 5, Line: 5, Login: "thomas.girard@acme.example", Name: "Thomas Girard", Disabled: "no", Password: "Lampadaire-Violet-Du-Port"},
		{Row: 6, Line: 6, Login: "ancien@acme.example", Name: "Ancien Compte", Disabled: "yes", Password: "Ardoise-Bleue-Sous-La-Pluie"},
	})

	f = readFixture(t, "entra-old-template.csv", Options{})
	checkFacts(t, "entra-old-template.csv", f, facts{Entra, UTF8, ',', 2, nil, []int{3}})
	checkRecords(t, "entra-old-template.csv", f, []rec{
		{Row: 4, Line: 4, Login: "olivier.blanc@acme.example", Name: "Olivier Blanc", Disabled: "no"},
	})
}

func TestReadOkta(t *testing.T) {
	f := readFixture(t, "okta.csv", Options{})
	checkFacts(t, "okta.csv", f, facts{Okta, UTF8, ',', 1, []string{"middleName", "honorificPrefix",
		"honorificSuffix", "title", "nickName", "profileUrl", "mobilePhone", "primaryPhone", "streetAddress", "city",
		"state", "zipCode", "countryCode", "postalAddress", "preferredLanguage", "locale", "timezone", "userType",
		"employeeNumber", "costCenter", "organization", "division", "department", "managerId", "manager"}, nil})
	checkRecords(t, "okta.csv", f, []rec{
		{Row: 2, Line: 2, Login: "camille.faure@acme.example", Name: "Camille Faure", Recovery: "camille@mail.example"},
		{Row: 3, Line: 3, Login: "bruno.chevalier@acme.example", Name: "Bruno Chevalier (RH)"},
		// No login: the primary e-mail stands in.
		{Row: 4, Line: 4, Login: "sans.login@acme.example", Name: "Sans Login"},
	})
}

// hrFrench is what both French Excel files hold.
var hrFrench = []rec{
	{Row: 3, Line: 3, Login: "zoe.loevenbruck@acme.example", Name: "Zoé Lœvenbruck", Role: app.RoleAdmin, Mailbox: "yes",
		Recovery: "zoe@mail.example", Disabled: "no"},
	{Row: 4, Line: 4, Login: "mai.nguyen@acme.example", Name: "Thi Mai Nguyen", Role: app.RoleEmployee, Mailbox: "yes", Disabled: "no"},
	// The quoted value above spans two lines of the file but one row.
	{Row: 5, Line: 6, Login: "accueil.atelier@acme.example", Name: "Jean-Noël Dubois", Role: app.RoleEmployee, Mailbox: "no"},
	{Row: 7, Line: 8, Login: "francoise.muller@acme.example", Name: "Françoise Müller", Disabled: "yes", Problems: []string{
		"Rôle: Unknown role \"chef\": write admin, administrator or administrateur; employee, employé, salarié or user.",
		"Fictif: \"peut-être\" is neither yes nor no."}},
	{Row: 8, Line: 9, Login: "ZOE.LOEVENBRUCK@ACME.EXAMPLE", Name: "Jean DUPONT", Problems: []string{
		"Adresse e-mail: The same login is already on row 3."}},
}

func TestReadFrenchExcel(t *testing.T) {
	for name, enc := range map[string]Encoding{"hr-fr-cp1252.csv": Windows1252, "hr-fr-utf8bom.csv": UTF8BOM} {
		f := readFixture(t, name, Options{})
		checkFacts(t, name, f, facts{HR, enc, ';', 2, []string{"Matricule", "Service"}, nil})
		checkRecords(t, name, f, hrFrench)
	}
}

func TestReadEnglishSheet(t *testing.T) {
	f := readFixture(t, "hr-en.csv", Options{})
	checkFacts(t, "hr-en.csv", f, facts{HR, UTF8, ',', 1, nil, nil})
	checkRecords(t, "hr-en.csv", f, []rec{
		{Row: 2, Line: 2, Login: "oliver.smith@acme.example", Name: "Oliver Smith", Role: app.RoleAdmin,
			Recovery: "oliver@mail.example", Disabled: "no"},
		{Row: 3, Line: 3, Login: "amelia.obrien@acme.example", Name: "Amelia O'Brien, Jr.", Role: app.RoleEmployee, Disabled: "yes",
			Password: "Cheval-Agrafe-Batterie-Correct"},
	})
}

func TestReadBrokenQuotes(t *testing.T) {
	f := readFixture(t, "broken-quotes.csv", Options{})
	checkRecords(t, "broken-quotes.csv", f, []rec{
		{Row: 2, Line: 2, Login: "ok.one@acme.example", Name: "Un", Role: app.RoleEmployee},
		{Row: 3, Line: 3, Problems: []string{": A quote stands inside a value that does not start with one: put the whole value in quotes and double the quote."}},
		{Row: 4, Line: 4, Login: "ok.two@acme.example", Name: "Deux", Role: app.RoleEmployee},
		{Row: 5, Line: 5, Problems: []string{": A value opens a quote that is not closed, or holds a quote that is not doubled."}},
	})
}

// Excel's "Unicode text" is UTF-16 (little-endian, with a byte-order
// mark), tab-separated.
func TestReadUnicodeText(t *testing.T) {
	b, err := os.ReadFile("testdata/hr-fr-utf8bom.csv")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(strings.TrimPrefix(string(b), "\uFEFF"), ";", "\t")
	for _, order := range []unicode.Endianness{unicode.LittleEndian, unicode.BigEndian} {
		u16, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().String(text)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Read(strings.NewReader(u16), Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[unicode.Endianness]Encoding{unicode.LittleEndian: UTF16LE, unicode.BigEndian: UTF16BE}[order]
		checkFacts(t, string(want), f, facts{HR, want, '\t', 2, []string{"Matricule", "Service"}, nil})
		checkRecords(t, string(want), f, hrFrench)
	}
}

func TestReadForcedFormat(t *testing.T) {
	// Okta's columns read as an HR sheet: "email" is a login there.
	f := readFixture(t, "okta.csv", Options{Format: HR})
	if f.Format != HR || len(f.Records) != 3 || f.Records[2].Login != "" {
		t.Errorf("forced HR: %s, %d records, %+v", f.Format, len(f.Records), f.Records)
	}
	if !slices.Contains(f.Ignored, "secondEmail") {
		t.Errorf("forced HR ignores %q", f.Ignored)
	}
	// A format whose login column the file lacks.
	_, err := Read(strings.NewReader("Nom;Prénom;E-mail\nDupont;Jean;j@acme.example\n"), Options{Format: Google})
	if app.CodeOf(err) != app.EInvalid || !strings.Contains(err.Error(), "Email Address [Required]") ||
		!strings.Contains(err.Error(), "Nom | Prénom | E-mail") {
		t.Errorf("Google forced on an HR sheet: %v", err)
	}
}

func TestReadNoMailboxOption(t *testing.T) {
	f := readFixture(t, "hr-fr-utf8bom.csv", Options{NoMailbox: true})
	for _, r := range f.Records {
		if r.Row == 3 && (!r.Has(FieldMailbox) || !r.HasMailbox) {
			t.Errorf("row 3 says it has a mailbox: %+v", r)
		}
		if r.Row == 8 && (!r.Has(FieldMailbox) || r.HasMailbox) {
			t.Errorf("row 8 says nothing: the option makes it fictitious: %+v", r)
		}
	}
}

func TestReadDetails(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		delim    rune
		format   Format
		want     []rec
	}{
		{"sep line", "sep=;\r\nlogin;name\r\na@acme.example;A, B\r\n", ';', HR,
			[]rec{{Row: 3, Line: 3, Login: "a@acme.example", Name: "A, B"}}},
		{"one column", "E-mail\na@acme.example\nb@acme.example\n", ',', HR,
			[]rec{{Row: 2, Line: 2, Login: "a@acme.example"}, {Row: 3, Line: 3, Login: "b@acme.example"}}},
		{"quoted header with delimiters", "\"Nom, usage\";E-mail;Prénom\nDurand;d@acme.example;Léa\n", ';', HR,
			[]rec{{Row: 2, Line: 2, Login: "d@acme.example", Name: "Léa"}}},
		{"no final line break", "Courriel;Nom complet\r\nc@acme.example;Chloé Martin", ';', HR,
			[]rec{{Row: 2, Line: 2, Login: "c@acme.example", Name: "Chloé Martin"}}},
		{"empty lines count as rows", "E-mail\n\n\na@acme.example\n", ',', HR,
			[]rec{{Row: 4, Line: 4, Login: "a@acme.example"}}},
		{"more values than columns", "E-mail,Nom\na@acme.example,Dupont, Jean\n", ',', HR,
			[]rec{{Row: 2, Line: 2, Login: "a@acme.example", Name: "Dupont", Problems: []string{
				": This row has more values than there are column names: a value that holds the delimiter must be in quotes."}}}},
		{"fewer values than columns", "E-mail,Nom,Prénom,Rôle\na@acme.example\n", ',', HR,
			[]rec{{Row: 2, Line: 2, Login: "a@acme.example"}}},
		{"empty login", "E-mail;Nom\n;Dupont\n", ';', HR,
			[]rec{{Row: 2, Line: 2, Name: "Dupont", Problems: []string{"E-mail: The login is empty."}}}},
		{"duplicate compared as logins", "login,name,role\nA@Acme.example,A,admin\n a@acme.example ,B,employee\n", ',', Sesame,
			[]rec{{Row: 2, Line: 2, Login: "A@Acme.example", Name: "A", Role: app.RoleAdmin},
				{Row: 3, Line: 3, Login: "a@acme.example", Name: "B", Role: app.RoleEmployee, Problems: []string{
					"login: The same login is already on row 2."}}}},
		{"a column named twice", "E-mail;E-mail;Nom\na@acme.example;b@acme.example;X\n", ';', HR,
			[]rec{{Row: 2, Line: 2, Login: "a@acme.example", Name: "X"}}},
		{"yes and no in words", "E-mail;Désactivé;Boîte aux lettres\na@acme.example;VRAI;Non\nb@acme.example;0;x\n", ';', HR,
			[]rec{{Row: 2, Line: 2, Login: "a@acme.example", Mailbox: "no", Disabled: "yes"},
				{Row: 3, Line: 3, Login: "b@acme.example", Mailbox: "yes", Disabled: "no"}}},
	} {
		f, err := Read(strings.NewReader(tc.in), Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if f.Delimiter != tc.delim || f.Format != tc.format {
			t.Errorf("%s: delimiter %q format %s, want %q %s", tc.name, f.Delimiter, f.Format, tc.delim, tc.format)
		}
		checkRecords(t, tc.name, f, tc.want)
	}
}

func TestReadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "The file is empty."},
		{"blank", []byte(" \r\n\r\n"), "The file is empty."},
		{"workbook", []byte("PK\x03\x04\x14\x00\x06\x00"), "spreadsheet workbook"},
		{"old workbook", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), "spreadsheet workbook"},
		{"broken UTF-8", []byte("E-mail;Nom\na@acme.example;Zoé\nb@acme.example;Zo\xe9\n"), "Line 3 is not valid UTF-8 text"},
		{"broken UTF-8 after a BOM", []byte("\xef\xbb\xbfE-mail;Nom\na@acme.example;Zo\xe9\n"), "Line 2 is not valid UTF-8 text"},
		{"undefined in Windows-1252", []byte("E-mail;Nom\na@acme.example;Zo\xe9\nb@acme.example;\x81\n"), "Line 3 is not valid Windows-1252 text"},
		{"UTF-16 without BOM", []byte("E\x00-\x00m\x00a\x00i\x00l\x00\n\x00"), "NUL character"},
		{"odd UTF-16", []byte("\xff\xfeE\x00m\x00a"), "cut in the middle"},
		{"no header", []byte(";;;\n;;;\n"), "no row of column names"},
		{"no login column", []byte("Nom;Prénom\nDupont;Jean\n"), "Its first row reads: Nom | Prénom."},
		{"eleven title rows", []byte(strings.Repeat("Titre\n", 10) + "E-mail\na@acme.example\n"), "Its first row reads: Titre."},
	} {
		_, err := Read(bytes.NewReader(tc.in), Options{})
		if app.CodeOf(err) != app.EInvalid || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestReadTooLarge(t *testing.T) {
	_, err := Read(endless{}, Options{})
	if app.CodeOf(err) != app.EInvalid || !strings.Contains(err.Error(), "larger than 128 MiB") {
		t.Errorf("%v", err)
	}
}

// endless reads zero bytes without end.
type endless struct{}

func (endless) Read(p []byte) (int, error) { return len(p), nil }
