// Package i18n looks up Sésame's translations without Fyne, for the command
// line: the files that the window reads (assets/translations/*.json, in
// go-i18n's format: a text, or its "one" and "other" plural forms), keyed
// by the English text, filled as the domain's messages are (app.Render,
// Go templates), with the plural rules of CLDR for English and French.
package i18n

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"sync"

	"sesame/app"
)

// Languages are those that Sésame speaks, the first the default.
var Languages = []string{"en", "fr"}

// Catalog is one language's translations. A command prints a few texts:
// rather than decode the whole file when it starts (about a millisecond,
// a tenth of a command's time), a text is looked up in the file when it
// is first asked for, and remembered.
type Catalog struct {
	lang string
	file []byte // the translation file, one entry a line: `  "text": translation`

	mu    sync.Mutex
	forms map[string]forms // the texts looked up so far
}

// forms are a translation: Other alone, or One and Other by plural.
type forms struct{ One, Other string }

func (f *forms) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &f.Other); err == nil {
		return nil
	}
	var p struct{ One, Other string }
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	f.One, f.Other = p.One, p.Other
	return nil
}

// Load reads the translations of lang ("en" or "fr") from the folder
// translations of fsys: a JSON object written one entry a line (as the
// shipped files are, which the tests check).
func Load(fsys fs.FS, lang string) (*Catalog, error) {
	b, err := fs.ReadFile(fsys, "translations/"+lang+".json")
	if err != nil {
		return nil, fmt.Errorf("translations of %q: %w", lang, err)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		return nil, fmt.Errorf("translations of %q: not a JSON object", lang)
	}
	return &Catalog{lang: lang, file: b, forms: map[string]forms{}}, nil
}

// lookup returns the translation of text, the zero forms when it has none.
func (c *Catalog) lookup(text string) forms {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.forms[text]
	if !ok {
		f = c.find(text)
		c.forms[text] = f
	}
	return f
}

// find looks for the line that starts with the text as a JSON key, and
// decodes the value after it.
func (c *Catalog) find(text string) forms {
	var key bytes.Buffer
	key.WriteString("\n  ")
	enc := json.NewEncoder(&key)
	enc.SetEscapeHTML(false) // as the files are written: "<", ">" and "&" as they are
	if enc.Encode(text) != nil {
		return forms{}
	}
	needle := append(bytes.TrimSuffix(key.Bytes(), []byte("\n")), ':')
	at := bytes.Index(c.file, needle)
	if at < 0 {
		return forms{}
	}
	var f forms
	if json.NewDecoder(bytes.NewReader(c.file[at+len(needle):])).Decode(&f) != nil {
		return forms{}
	}
	return f
}

// Language is the catalog's language code.
func (c *Catalog) Language() string { return c.lang }

// L translates a text and fills it with data given as alternating key,
// value pairs. A text without translation is used as it is.
func (c *Catalog) L(text string, kv ...any) string {
	return c.Message(app.Msg(text, kv...))
}

// N translates a text whose form depends on the count n, which the
// template reads as {{.N}} unless kv gives it otherwise.
func (c *Catalog) N(text string, n int, kv ...any) string {
	m := app.Msg(text, append([]any{"N", n}, kv...)...)
	return app.Render(c.form(text, n), m.Data)
}

// Message translates a message of the domain, and the messages nested in
// its data. When its translation has plural forms, the count is its
// datum N.
func (c *Catalog) Message(m app.Message) string {
	n, _ := m.Data["N"].(int)
	return app.Render(c.form(m.Text, n), m.Filled(c.Message))
}

func (c *Catalog) form(text string, n int) string {
	f := c.lookup(text)
	switch {
	case f.Other == "":
		return text
	case f.One != "" && c.one(n):
		return f.One
	}
	return f.Other
}

// one is CLDR's plural rule for the category "one": n = 1 in English,
// n = 0 or 1 in French.
func (c *Catalog) one(n int) bool {
	if c.lang == "fr" {
		return n == 0 || n == 1
	}
	return n == 1
}
