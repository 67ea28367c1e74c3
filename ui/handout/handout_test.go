package handout

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sesame/app"
)

var until = time.Date(2026, 3, 12, 17, 30, 0, 0, time.Local)

// slips returns n slips whose names and logins hold accents and the
// letters of several languages.
func slips(n int) []Slip {
	names := []string{"Zoé Lœvenbruck", "Jean-Noël Müller", "Françoise Nguyễn", "Ægir Ørsted", "Łukasz Żółć",
		"Ἀλέξανδρος Παπαδόπουλος", "Дмитрий Соколов", "Ève d'Arc", "Çağla Şahin"}
	out := make([]Slip, n)
	for i := range out {
		pw, err := app.GeneratePassword(16)
		if err != nil {
			panic(err)
		}
		out[i] = Slip{Login: fmt.Sprintf("agent%03d@société.example", i), Name: fmt.Sprintf("%s %d", names[i%len(names)], i),
			Password: pw, ValidUntil: until}
	}
	return out
}

// pdfText runs poppler's pdftotext on a PDF and returns its text, in the
// order in which it is drawn, and its page count from pdfinfo.
func pdfText(t *testing.T, pdf []byte) (string, int) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: install poppler-utils (make deps)", tool)
		}
	}
	name := filepath.Join(t.TempDir(), "handout.pdf")
	if err := os.WriteFile(name, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", name, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	info, err := exec.Command("pdfinfo", name).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo says no page count:\n%s", info)
	}
	pages, _ := strconv.Atoi(string(m[1]))
	return string(text), pages
}

func TestPDF(t *testing.T) {
	for _, tc := range []struct {
		n, pages int
		language string
	}{{1, 1, "fr"}, {9, 1, "en"}, {10, 2, "fr"}, {250, 28, "en"}} {
		s := Sheet{Company: "Crème & Brûlée SARL", Language: tc.language, Slips: slips(tc.n)}
		var b bytes.Buffer
		if err := WritePDF(&b, s); err != nil {
			t.Fatal(err)
		}
		text, pages := pdfText(t, b.Bytes())
		if pages != tc.pages {
			t.Errorf("%d slips: %d pages, want %d", tc.n, pages, tc.pages)
		}
		sentence := map[string]string{"en": "You will choose your own password at the first sign-in.",
			"fr": "Vous choisirez votre propre mot de passe à la première connexion."}[tc.language]
		when := map[string]string{"en": "Valid until Mar 12, 2026, 17:30", "fr": "Valable jusqu'au 12 mars 2026, 17:30"}[tc.language]
		flat := strings.Join(strings.Fields(text), " ")
		if got := strings.Count(flat, strings.Join(strings.Fields(sentence), " ")); got != tc.n {
			t.Errorf("%d slips: the sentence %q is there %d times\n%s", tc.n, sentence, got, text)
		}
		if got := strings.Count(flat, when); got != tc.n {
			t.Errorf("%d slips: %q is there %d times", tc.n, when, got)
		}
		if got := strings.Count(text, "Crème & Brûlée SARL"); got < tc.n {
			t.Errorf("%d slips: the company is there %d times", tc.n, got)
		}
		// Each slip's name, login and password, in the order drawn (a
		// line break where a long name wraps reads as a space).
		at := 0
		for i, sl := range s.Slips {
			for _, want := range []string{sl.Name, sl.Login, sl.Password} {
				j := strings.Index(flat[at:], want)
				if j < 0 {
					t.Fatalf("%d slips: slip %d lacks %q after offset %d:\n%s", tc.n, i, want, at, text)
				}
				at += j + len(want)
			}
		}
	}
}

// The longest texts that Sésame accepts still fit in a slip: a login of
// 254 characters, a name of 200, a password of 64 (the policy's longest),
// a company name of 200.
func TestSlipFits(t *testing.T) {
	long := Slip{
		Login:      strings.Repeat("a", 64) + "@" + strings.Repeat("sous-domaine.", 14) + "example",
		Name:       strings.Repeat("Jean-Noël Müller de La Tour ", 8)[:200],
		Password:   strings.Repeat("W", 64),
		ValidUntil: until,
	}
	if len(long.Login) < 254 {
		t.Fatalf("login of %d characters", len(long.Login))
	}
	for _, language := range []string{"en", "fr"} {
		s := Sheet{Company: strings.Repeat("Société Générale des Eaux ", 8)[:200], Language: language, Slips: []Slip{long}}
		var b bytes.Buffer
		if err := WritePDF(&b, s); err != nil {
			t.Fatal(err)
		}
		text, _ := pdfText(t, b.Bytes())
		flat := strings.Join(strings.Fields(text), "")
		for _, want := range []string{long.Login, long.Password} {
			if !strings.Contains(flat, want) {
				t.Errorf("%s: %q is not whole in\n%s", language, want, text)
			}
		}
		for _, sl := range []Slip{long, slips(1)[0]} {
			pdf := newPDF(s)
			pdf.AddPage()
			if h := drawSlip(pdf, s, sl, marginX, marginY); h > slipH-2*(pad-1) {
				t.Errorf("%s: the text of %q takes %.1f mm of a slip of %.1f mm", language, sl.Login, h, slipH)
			}
		}
	}
}

func TestCSV(t *testing.T) {
	s := Sheet{Company: "Acme", Language: "fr", Slips: []Slip{
		{Login: "zoe@acme.example", Name: "Zoé Lœvenbruck; RH", Password: "Hen7#3MCaN5@4QWx", ValidUntil: until},
		{Login: "-moins@acme.example", Name: "=HYPERLINK(\"x\")", Password: "=typed by hand", ValidUntil: until},
	}}
	var b bytes.Buffer
	if err := WriteCSV(&b, s); err != nil {
		t.Fatal(err)
	}
	at := until.Format(time.RFC3339) // ISO 8601 with the zone, as every CSV of Sésame
	want := "\uFEFFAdresse e-mail;Nom;Mot de passe temporaire;Valable jusqu'au\r\n" +
		"zoe@acme.example;\"Zoé Lœvenbruck; RH\";Hen7#3MCaN5@4QWx;" + at + "\r\n" +
		"'-moins@acme.example;\"'=HYPERLINK(\"\"x\"\")\";'=typed by hand;" + at + "\r\n"
	if b.String() != want {
		t.Errorf("fr:\n got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	s.Language = "en"
	if err := WriteCSV(&b, s); err != nil {
		t.Fatal(err)
	}
	want = "\uFEFFE-mail,Name,Temporary password,Valid until\r\n" +
		"zoe@acme.example,Zoé Lœvenbruck; RH,Hen7#3MCaN5@4QWx," + at + "\r\n" +
		"'-moins@acme.example,\"'=HYPERLINK(\"\"x\"\")\",'=typed by hand," + at + "\r\n"
	if b.String() != want {
		t.Errorf("en:\n got %q\nwant %q", b.String(), want)
	}
}

func TestSave(t *testing.T) {
	dir := t.TempDir()
	s := Sheet{Company: "Acme", Language: "en", Slips: slips(3)}
	mode := func(path string) os.FileMode {
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode()
	}
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// A new file, named relative to the working directory: owner-only, its
	// absolute path said.
	t.Chdir(dir)
	got, err := Save("slips.PDF", s, false)
	if err != nil || got != filepath.Join(dir, "slips.PDF") {
		t.Fatalf("Save: %q, %v", got, err)
	}
	if m := mode(got); m != 0o600 {
		t.Errorf("mode %v", m)
	}
	if !strings.HasPrefix(read(got), "%PDF-") {
		t.Errorf("not a PDF")
	}
	csvPath, err := Save(filepath.Join(dir, "slips.csv"), s, false)
	if err != nil || mode(csvPath) != 0o600 || !strings.Contains(read(csvPath), s.Slips[2].Password) {
		t.Fatalf("CSV: %v", err)
	}

	// An existing file is kept unless replacing it is allowed.
	other := filepath.Join(dir, "other.csv")
	if err := os.WriteFile(other, []byte("not Sésame's"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(other, s, false); app.CodeOf(err) != app.EConflict || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("existing file: %v", err)
	}
	if read(other) != "not Sésame's" {
		t.Errorf("the existing file changed")
	}
	if _, err := Save(other, s, true); err != nil {
		t.Fatal(err)
	}
	if m := mode(other); m != 0o600 || !strings.Contains(read(other), s.Slips[0].Login) {
		t.Errorf("replaced file: mode %v", m)
	}

	// Links are never written through, even when replacing is allowed, and
	// what they point to is untouched; nor is anything but a regular file.
	target := filepath.Join(dir, "target.txt")
	if err := os.WriteFile(target, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, to := range map[string]string{"link.pdf": target, "dangling.csv": filepath.Join(dir, "nowhere.csv")} {
		link := filepath.Join(dir, name)
		if err := os.Symlink(to, link); err != nil {
			t.Fatal(err)
		}
		for _, overwrite := range []bool{false, true} {
			if _, err := Save(link, s, overwrite); app.CodeOf(err) != app.EInvalid || !strings.Contains(err.Error(), "symbolic link") {
				t.Errorf("%s (overwrite %v): %v", name, overwrite, err)
			}
		}
		if mode(link)&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link", name)
		}
	}
	if read(target) != "precious" {
		t.Errorf("the link's target changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "nowhere.csv")); err == nil {
		t.Errorf("a dangling link was followed")
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.pdf"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(filepath.Join(dir, "folder.pdf"), s, true); app.CodeOf(err) != app.EInvalid {
		t.Errorf("folder: %v", err)
	}

	// A name that says neither PDF nor CSV writes nothing.
	if _, err := Save(filepath.Join(dir, "slips.txt"), s, false); app.CodeOf(err) != app.EInvalid || !strings.Contains(err.Error(), ".pdf or a .csv") {
		t.Errorf("txt: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "slips.txt")); err == nil {
		t.Errorf("slips.txt was written")
	}
	// Nothing but what was asked for is left in the folder (no temporary file).
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "dangling.csv folder.pdf link.pdf other.csv slips.PDF slips.csv target.txt" {
		t.Errorf("the folder holds %q", names)
	}
}
