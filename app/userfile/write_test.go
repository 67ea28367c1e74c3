package userfile

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"sesame/app"
	"sesame/app/spreadsheet"
)

var writeNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func sampleUsers() []app.User {
	return []app.User{
		{Email: "alice.martin@acme.example", Name: "Alice Martin", Role: app.RoleAdmin, HasMailbox: true,
			PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", PasswordChangedAt: writeNow.Add(-time.Hour),
			LastSignInAt: time.Date(2026, 3, 2, 9, 15, 0, 0, time.FixedZone("CET", 3600)), CreatedAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)},
		{Email: "accueil@acme.example", Name: "Accueil; rez-de-chaussée", Role: app.RoleEmployee, RecoveryEmail: "=evil@mail.example",
			Disabled: true, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2Fs$aA", PasswordTemporary: true,
			TemporaryExpiresAt: writeNow.Add(time.Hour), CreatedAt: time.Date(2026, 1, 7, 11, 0, 0, 0, time.UTC)},
		{Email: "+33@acme.example", Name: "Marie de La Tour", Role: app.RoleEmployee, HasMailbox: true},
	}
}

func TestWriter(t *testing.T) {
	for _, tc := range []struct {
		format   Format
		language string
		want     string
	}{
		{Sesame, "fr", "login;name;role;mailbox;recovery_email;disabled;status;last_sign_in;created\r\n" +
			"alice.martin@acme.example;Alice Martin;admin;yes;;no;active;2026-03-02T08:15:00Z;2026-01-05T09:00:00Z\r\n" +
			"accueil@acme.example;\"Accueil; rez-de-chaussée\";employee;no;'=evil@mail.example;yes;temporary;;2026-01-07T11:00:00Z\r\n" +
			"'+33@acme.example;Marie de La Tour;employee;yes;;no;none;;\r\n"},
		{Google, "en", "First Name [Required],Last Name [Required],Email Address [Required],Password [Required],Org Unit Path [Required],Recovery Email,New Status [UPLOAD ONLY]\r\n" +
			"Alice,Martin,alice.martin@acme.example,****,/,,Active\r\n" +
			"Accueil;,rez-de-chaussée,accueil@acme.example,****,/,'=evil@mail.example,Suspended\r\n" +
			"Marie,de La Tour,'+33@acme.example,****,/,,Active\r\n"},
		{Entra, "en", "version:v1.0\r\n" +
			"Name [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required,First name [givenName],Last name [surname]\r\n" +
			"Alice Martin,alice.martin@acme.example,,No,Alice,Martin\r\n" +
			"Accueil; rez-de-chaussée,accueil@acme.example,,Yes,Accueil;,rez-de-chaussée\r\n" +
			"Marie de La Tour,'+33@acme.example,,No,Marie,de La Tour\r\n"},
		{Okta, "fr", "login;firstName;lastName;displayName;email;secondEmail\r\n" +
			"alice.martin@acme.example;Alice;Martin;Alice Martin;alice.martin@acme.example;\r\n" +
			"accueil@acme.example;\"Accueil;\";rez-de-chaussée;\"Accueil; rez-de-chaussée\";accueil@acme.example;'=evil@mail.example\r\n" +
			"'+33@acme.example;Marie;de La Tour;Marie de La Tour;'+33@acme.example;\r\n"},
	} {
		var b bytes.Buffer
		w, err := NewWriter(&b, WriterOptions{Format: tc.format, Language: tc.language, Now: writeNow})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range sampleUsers() {
			if err := w.Write(u); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != spreadsheet.BOM+tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.format, got, spreadsheet.BOM+tc.want)
		}
		if strings.Contains(b.String(), "argon2id") || strings.Contains(b.String(), "c2Fs") {
			t.Errorf("%s: a password hash is in the file", tc.format)
		}
	}
	if _, err := NewWriter(&bytes.Buffer{}, WriterOptions{Format: HR}); app.CodeOf(err) != app.EInvalid {
		t.Errorf("HR is not a format to write: %v", err)
	}
}

// randomUser draws a user whose texts hold what breaks naive CSV: the
// delimiters, quotes, accents and characters that start a formula (names
// as app.CheckName leaves them: no control character, single spaces).
func randomUser(r *rand.Rand, i int) app.User {
	pick := func(list ...string) string { return list[r.IntN(len(list))] }
	words := func(n int) string {
		parts := make([]string, 1+r.IntN(n))
		for j := range parts {
			parts[j] = pick("Jean", "Zoé", "Lœvenbruck", "O'Brien", "de", "La", "Tour", "Müller", "\"Jo\"",
				"a,b", "x;y", "t|z", "=SUM(A1)", "-Moins", "+Plus", "@Arob", "Nguyễn", "Ærø", "Dupont-Durand", "Ève")
		}
		return strings.Join(parts, " ")
	}
	local := pick("jean", "-tiret", "+plus", "=egal", "@", "o'neil", "a.b", "x_y") + fmt.Sprint(i)
	u := app.User{
		Email:      strings.Replace(local, "@", "at", 1) + "@" + pick("acme.example", "Acme.Example", "xn--bcher-kva.example"),
		Name:       words(4),
		Role:       []app.Role{app.RoleAdmin, app.RoleEmployee}[r.IntN(2)],
		HasMailbox: r.IntN(2) == 0,
		Disabled:   r.IntN(2) == 0,
	}
	if r.IntN(2) == 0 {
		u.RecoveryEmail = pick("perso", "=x", "-y") + fmt.Sprint(i) + "@mail.example"
	}
	return u
}

// expected returns the record that reading back user u from a file of
// format f gives: the fields that the format carries.
func expected(f Format, u app.User) Record {
	r := Record{Login: u.Email, Name: u.Name, Given: FieldName}
	switch f {
	case Sesame:
		r.Role, r.HasMailbox, r.Disabled = u.Role, u.HasMailbox, u.Disabled
		r.Given |= FieldRole | FieldMailbox | FieldDisabled
	case Google, Entra:
		r.Disabled, r.Given = u.Disabled, r.Given|FieldDisabled
	}
	if f != Entra && u.RecoveryEmail != "" {
		r.RecoveryEmail, r.Given = u.RecoveryEmail, r.Given|FieldRecoveryEmail
	}
	return r
}

// What the export writes, the reader reads back to the same records, in
// every format and in both languages' delimiters.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	users := make([]app.User, 400)
	for i := range users {
		users[i] = randomUser(r, i)
	}
	for _, format := range []Format{Sesame, Google, Entra, Okta} {
		for _, language := range []string{"fr", "en"} {
			var b bytes.Buffer
			w, err := NewWriter(&b, WriterOptions{Format: format, Language: language, Now: writeNow})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range users {
				if err := w.Write(u); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			f, err := Read(&b, Options{})
			if err != nil {
				t.Fatalf("%s/%s: %v", format, language, err)
			}
			if f.Format != format || f.Encoding != UTF8BOM || f.Delimiter != spreadsheet.Delimiter(language) {
				t.Errorf("%s/%s: read as %s, %s, %q", format, language, f.Format, f.Encoding, f.Delimiter)
			}
			if len(f.Records) != len(users) {
				t.Fatalf("%s/%s: %d records for %d users", format, language, len(f.Records), len(users))
			}
			for i, got := range f.Records {
				want := expected(format, users[i])
				want.Row, want.Line, want.Columns = f.HeaderRow+1+i, f.HeaderRow+1+i, got.Columns
				if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
					t.Errorf("%s/%s, user %d:\n got %+v\nwant %+v", format, language, i, got, want)
				}
			}
		}
	}
}
