package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"sesame/app"
)

// nbsp is the no-break space that French puts before : ? ; and inside « ».
const nbsp = "\u00a0"

func TestFrench(t *testing.T) {
	h := newHarnessIn(t, "fr", withPaul)
	in := screen[*signInScreen](h)
	h.assertShows("Se connecter", "Adresse e-mail", "Mot de passe", "Mot de passe oublié"+nbsp+"?")

	// A domain message, translated.
	h.signIn("paul.durand@acme.example", "pas le bon mot de passe")
	if got, want := shown(in.problem), "L'adresse e-mail ou le mot de passe est incorrect."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}

	h.signIn("paul.durand@acme.example", paulTemporary)
	r := h.page(pageReset)
	h.assertShows("Réinitialiser votre mot de passe", "Mettre à jour", "Annuler et se déconnecter",
		"Votre mot de passe doit respecter ces règles"+nbsp+":", "Au moins 15 caractères (au plus 256)")
	h.typeInto(r.form.password, "paul durand")
	h.assertShows("Longueur"+nbsp+": 11 caractères (au moins 15)",
		"Il est trop court"+nbsp+": au moins 15 caractères, celui-ci en a 11.",
		"Il contient votre nom («"+nbsp+"durand"+nbsp+"»).")
	h.assertHides("It is", "Length")

	// What the estimate found is named in French, while typing.
	r.form.password.SetText("")
	h.settle()
	h.typeInto(r.form.password, "Bonjour-Soleil-2024-!!")
	h.assertShows("Il est trop facile à deviner" + nbsp + ": on y trouve des mots courants et une année («" + nbsp + "bonjour" + nbsp + "», «" + nbsp + "soleil" + nbsp + "»)")
	r.form.password.SetText("")
	h.settle()
	h.typeInto(r.form.password, "Lyon69000Lyon69")
	h.assertShows("on y trouve un nom de lieu, un code postal et une répétition («" + nbsp + "lyon" + nbsp + "», 69000)")

	r.form.password.SetText("")
	h.settle()
	h.typeInto(r.form.password, paulTemporary)
	h.typeInto(r.form.confirm, paulTemporary)
	h.tap(r.submit)
	h.assertShows("C'est le mot de passe temporaire qui vous a été donné" + nbsp + ": choisissez le vôtre.")

	r.form.password.SetText(goodPassword)
	h.settle()
	r.form.confirm.SetText(goodPassword)
	h.settle()
	h.tap(r.submit)
	screen[*accountScreen](h)
	h.assertShows("Votre compte", "Employé", "Dernier changement du mot de passe", "25 nov. 2026, 09:00",
		"Changer le mot de passe", "Se déconnecter")
}

func TestFrenchForgotPassword(t *testing.T) {
	h := newHarnessIn(t, "fr", withCompany)
	h.tap(screen[*signInScreen](h).forgot)
	h.assertShows("Mot de passe oublié"+nbsp+"?", "seul un administrateur peut vous en donner un",
		"Adressez-vous à votre administrateur"+nbsp+": Alice Admin.", "Retour à la connexion")
}

func TestFrenchLockMessage(t *testing.T) {
	h := newHarnessIn(t, "fr", withJeanne)
	for range 5 {
		h.signIn("jeanne@acme.example", "mauvais mot de passe")
	}
	got := shown(screen[*signInScreen](h).problem)
	if want := "Trop de tentatives échouées" + nbsp + ": accès bloqué jusqu'au 25 nov. 2026, 09:01."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

// TestEveryDomainMessageIsTranslated renders each domain message that the
// window may show, through the translation, in French: none comes out in
// English or with an unfilled template.
func TestEveryDomainMessageIsTranslated(t *testing.T) {
	newHarnessIn(t, "fr", nil)
	for key := range translationKeys(t) {
		m := app.Msg(key, "Min", 15, "Max", 256, "N", 3, "Part", "x", "Email", "a@b.c", "Until", "10:00",
			"Key", "k", "Keys", "k", "Role", "r", "Name", "n", "Names", "n", "First", "1m",
			"Company", "c", "Choices", "a, b", "Duration", "5 min", "Path", "p", "Date", "d", "ID", 1,
			"Time", "10:42", "Actor", "a@b.c", "Text", "t", "File", "f.csv", "Lifetime", "24 h", "Status", "s", "SignIn", "09:00", "Changed", "never",
			"Kind", "k", "To", "a@b.c", "State", "s", "Queued", "10:00", "Attempts", 2, "Answer", "550",
			"Sending", 0, "Sent", 1, "Failed", 2, "Expired", 0, "Address", "a@b.c", "Code", "de", "States", "s",
			"Month", "nov.", "Day", 25, "Year", 2026, "Expires", "d", "From", "x",
			"Row", 3, "Line", 4, "Expected", "E-mail", "Columns", "Nom | Prénom", "Encoding", "UTF-8", "Function", "SHA-1",
			"Value", "v", "Format", "xlsx", "When", "12/03/2026", "Total", 2, "Reason", "r", "Max", 128,
			// The command line's and the audit details'.
			"Lang", "de", "Command", "users", "Arg", "x", "What", "EMAIL", "Flag", "--name NAME",
			"Action", "a", "Actions", "a, b", "States", "a, b", "Seed", 1, "Recovery", "a@b.c",
			"Expires", "10:00", "Details", "d", "Before", "b", "After", "a", "Problem", "p", "Other", "a@b.c", "State", "s", "Logins", "a@b.c",
			"Mode", "0644", "Target", "t", "Since", "d", "Display", ":0", "OtherID", 2, "Domain", "1.2.3.4", "Folder", "/tmp", "OtherName", "o",
			"Kinds", "k", "Found", "f", "Choice", "c", "A", "a", "B", "b", "Word", "w", "Column", 7,
			"Delimiter", ";", "Create", 2, "Update", 1, "Login", "a@b.c", "Fields", "nom", "Reasons", "r", "Rows", 4,
			"Unchanged", 1, "Errors", 0, "Mailed", 1, "Done", 2, "Refused", 1, "NotFound", 1, "Ext", ".pdf", "Message", "m", "Created", 2, "Updated", 1,
			"Table", "users", "Copied", 3, "Read", 4, "Users", 3, "History", 1, "Throttle", 1, "Audit", 1, "Outbox", 1, "Codes", 1, "Settings", 1)
		got := tr(m)
		if strings.Contains(got, "{{") || strings.Contains(got, "<no value>") {
			t.Errorf("%q renders as %q", key, got)
		}
		if got == key && strings.ContainsAny(key, " ") && !sameInFrench[key] {
			t.Errorf("%q is not translated", key)
		}
	}
}

// sameInFrench are the texts written the same way in both languages.
var sameInFrench = map[string]bool{"Administration": true, "{{.A}}, {{.B}}": true, "1234 5678": true, "Google Workspace": true,
	"{{.Before}} → {{.After}}": true, "{{.Email}}": true}

func TestForcedLanguageBeatsTheSystemLocale(t *testing.T) {
	for _, env := range []map[string]string{
		{"LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_US.UTF-8", "LANGUAGE": ""},
		{"LC_ALL": "C", "LC_MESSAGES": "", "LANG": "en_US.UTF-8", "LANGUAGE": ""},
		{"LC_ALL": "", "LC_MESSAGES": "POSIX", "LANG": "", "LANGUAGE": "en"},
		{"LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "LANGUAGE": ""},
	} {
		for k, v := range env {
			t.Setenv(k, v)
		}
		useLanguage("fr", t.Setenv)
		if got := lang.L("Sign in"); got != "Se connecter" {
			t.Errorf("with %v: %q", env, got)
		}
		useLanguage("en", t.Setenv)
		if got := lang.L("Sign in"); got != "Sign in" {
			t.Errorf("with %v, forced to English: %q", env, got)
		}
	}
}
