package userfile

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// googleLimit is the most rows that Google Workspace takes in one file.
const googleLimit = 150_000

var (
	firstNames = []string{"Zoé", "Jean-Noël", "Françoise", "Élodie", "Loïc", "Maëlle", "Hélène", "Benoît", "Cécile", "Jérôme"}
	lastNames  = []string{"Lœvenbruck", "Müller", "Lefèvre", "Dupont", "Garnier", "Bézier", "Rousseau", "Chevalier", "Faure", "Girard"}
)

// largeGoogle writes a Google Workspace upload of n users, with every
// column of Google's template, as the Admin console's largest file.
func largeGoogle(n int) []byte {
	var b bytes.Buffer
	b.WriteString(strings.Join(googleHeaderForTests, ",") + "\n")
	for i := range n {
		first, last := firstNames[i%len(firstNames)], lastNames[i/len(firstNames)%len(lastNames)]
		fmt.Fprintf(&b, "%s,%s,user%d@acme.example,****,,/Ventes/Région Ouest,,perso%d@mail.example,,,+33612%06d,,,,\"12, rue des Lilas\nBât. B\",,E%06d,CDI,Comptable,chef@acme.example,Finance,CC-%d,,,,%s,Active,\n",
			first, last, i, i, i, i, i%97, map[bool]string{true: "TRUE", false: ""}[i%10 == 0])
	}
	return b.Bytes()
}

// largeFrench writes an HR sheet of n users as French Excel saves it:
// Windows-1252, ';', CRLF.
func largeFrench(n int) []byte {
	var b strings.Builder
	b.WriteString("Matricule;Nom;Prénom;Adresse e-mail;E-mail de récupération;Rôle;Service;Fictif;Désactivé\r\n")
	for i := range n {
		first, last := firstNames[i%len(firstNames)], lastNames[i/len(firstNames)%len(lastNames)]
		fmt.Fprintf(&b, "%d;%s;%s;user%d@acme.example;perso%d@mail.example;employé;\"Comptabilité; paie\";non;non\r\n",
			1000+i, last, first, i, i)
	}
	out, err := charmap.Windows1252.NewEncoder().String(b.String())
	if err != nil {
		panic(err)
	}
	return []byte(out)
}

var googleHeaderForTests = []string{"First Name [Required]", "Last Name [Required]", "Email Address [Required]",
	"Password [Required]", "Password Hash Function [UPLOAD ONLY]", "Org Unit Path [Required]",
	"New Primary Email [UPLOAD ONLY]", "Recovery Email", "Home Secondary Email", "Work Secondary Email",
	"Recovery Phone [MUST BE IN THE E.164 FORMAT]", "Work Phone", "Home Phone", "Mobile Phone", "Work Address",
	"Home Address", "Employee ID", "Employee Type", "Employee Title", "Manager Email", "Department", "Cost Center",
	"Building ID", "Floor Name", "Floor Section", "Change Password at Next Sign-In", "New Status [UPLOAD ONLY]",
	"Advanced Protection Program enrollment"}

// A file of Google's largest size reads whole, each row numbered as a
// spreadsheet numbers it although every value of "Home Address" spans two
// lines.
func TestReadLargest(t *testing.T) {
	if testing.Short() {
		t.Skip("150,000 rows")
	}
	f, err := Read(bytes.NewReader(largeGoogle(googleLimit)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != Google || len(f.Records) != googleLimit || f.ProblemRows() != 0 {
		t.Fatalf("%s, %d records, %d with problems", f.Format, len(f.Records), f.ProblemRows())
	}
	for _, i := range []int{0, 1, 9, 10, googleLimit - 1} {
		r := f.Records[i]
		if r.Row != i+2 || r.Line != 2*i+2 || r.Login != fmt.Sprintf("user%d@acme.example", i) ||
			r.RecoveryEmail != fmt.Sprintf("perso%d@mail.example", i) || r.Has(FieldPassword) != (i%10 == 0) {
			t.Errorf("record %d: %+v", i, r)
		}
	}
	if last := f.Records[googleLimit-1]; last.Name != firstNames[(googleLimit-1)%10]+" "+lastNames[(googleLimit-1)/10%10] {
		t.Errorf("last name: %q", last.Name)
	}
}

// BenchmarkRead150k reads and maps a file of 150,000 rows, beside the
// peer: encoding/csv alone reading the same bytes, already UTF-8 (the
// least any reader must do).
func BenchmarkRead150k(b *testing.B) {
	google, french := largeGoogle(googleLimit), largeFrench(googleLimit)
	for _, bc := range []struct {
		name string
		data []byte
	}{{"google", google}, {"french-excel-cp1252", french}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				f, err := Read(bytes.NewReader(bc.data), Options{})
				if err != nil || len(f.Records) != googleLimit {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("peer-encoding-csv-google", func(b *testing.B) {
		b.SetBytes(int64(len(google)))
		for b.Loop() {
			r := csv.NewReader(bytes.NewReader(google))
			r.ReuseRecord = true
			r.FieldsPerRecord = -1
			n := 0
			for {
				if _, err := r.Read(); err != nil {
					break
				}
				n++
			}
			if n != googleLimit+1 {
				b.Fatal(n)
			}
		}
	})
}
