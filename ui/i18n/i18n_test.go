package i18n_test

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"sesame/app"
	"sesame/assets"
	"sesame/ui/i18n"
)

var files = fstest.MapFS{
	"translations/en.json": {Data: []byte("{\n  \"{{.N}} users\": {\n    \"one\": \"{{.N}} user\",\n    \"other\": \"{{.N}} users\"\n  },\n  \"Hello {{.Name}}\": \"Hello {{.Name}}\"\n}\n")},
	"translations/fr.json": {Data: []byte("{\n  \"{{.N}} users\": {\n    \"one\": \"{{.N}} utilisateur\",\n    \"other\": \"{{.N}} utilisateurs\"\n  },\n  \"Hello {{.Name}}\": \"Bonjour {{.Name}}\"\n}\n")},
}

// Every text of the shipped files is found, as a full decoding of the
// file reads it: the catalog looks a text up in the file on demand.
func TestShippedFilesAreFoundTextByText(t *testing.T) {
	for _, lang := range i18n.Languages {
		b, err := fs.ReadFile(assets.Translations, "translations/"+lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		var all map[string]json.RawMessage
		if err := json.Unmarshal(b, &all); err != nil {
			t.Fatalf("%s.json: %v", lang, err)
		}
		c, err := i18n.Load(assets.Translations, lang)
		if err != nil {
			t.Fatal(err)
		}
		for key, raw := range all {
			var want string
			var plural struct{ One, Other string }
			if json.Unmarshal(raw, &want) != nil {
				if err := json.Unmarshal(raw, &plural); err != nil {
					t.Fatalf("%s.json: %q: %v", lang, key, err)
				}
				want = plural.Other
			}
			if got := c.N(key, 2); got != app.Render(want, map[string]any{"N": 2}) {
				t.Errorf("%s.json: %q reads %q, want %q", lang, key, got, want)
			}
		}
	}
	if c, _ := i18n.Load(assets.Translations, "fr"); c.L("No such text") != "No such text" {
		t.Error("a text that is not in the file is not said as it is")
	}
}

// CLDR: "one" is n = 1 in English, n = 0 or 1 in French.
func TestPlurals(t *testing.T) {
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "0 users"}, {"en", 1, "1 user"}, {"en", 2, "2 users"},
		{"fr", 0, "0 utilisateur"}, {"fr", 1, "1 utilisateur"}, {"fr", 2, "2 utilisateurs"}, {"fr", 1000, "1000 utilisateurs"},
	} {
		c, err := i18n.Load(files, tt.lang)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.N("{{.N}} users", tt.n); got != tt.want {
			t.Errorf("%s N(%d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
		// A domain message with plural forms counts by its datum N.
		if got := c.Message(app.Msg("{{.N}} users", "N", tt.n)); got != tt.want {
			t.Errorf("%s Message(N=%d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestTemplatesAndFallback(t *testing.T) {
	fr, err := i18n.Load(files, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if got := fr.L("Hello {{.Name}}", "Name", "Zoé"); got != "Bonjour Zoé" {
		t.Errorf("L = %q", got)
	}
	// A text without translation is said in English, filled.
	if got := fr.L("Bye {{.Name}}", "Name", "Zoé"); got != "Bye Zoé" {
		t.Errorf("fallback = %q", got)
	}
	if _, err := i18n.Load(files, "de"); err == nil {
		t.Error("a language without a file loads")
	}
}

// The shipped files load in every language, speak it, and hold no key
// that go-i18n (the window's reader of the same files) takes for a field
// of a message: one such key makes it drop the whole file.
func TestShippedTranslations(t *testing.T) {
	reserved := []string{"id", "description", "hash", "leftdelim", "rightdelim", "zero", "one", "two", "few", "many", "other", "translation"}
	for _, lang := range i18n.Languages {
		c, err := i18n.Load(assets.Translations, lang)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := assets.Translations.ReadFile("translations/" + lang + ".json")
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(b, &keys); err != nil {
			t.Fatal(err)
		}
		for k := range keys {
			for _, r := range reserved {
				if strings.EqualFold(k, r) {
					t.Errorf("%s.json: the key %q is reserved by go-i18n", lang, k)
				}
			}
		}
		until := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
		got := c.Message(app.AuditEvent{Action: app.ActionSignInLocked, Details: "after 5 failures, until " + until.Format(time.RFC3339)}.DetailMessages()[0])
		if lang == "fr" && !strings.HasPrefix(got, "après 5 échecs") {
			t.Errorf("fr: audit details %q", got)
		}
	}
}
