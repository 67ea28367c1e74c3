package handout

import (
	"encoding/json"
	"sync"

	"sesame/app"
	"sesame/assets"
)

// The hand-out speaks the company's language, whatever the window's: its
// words come from the windows' translation files, read for that language.
var (
	wordsOnce sync.Once
	words     map[string]map[string]string // language → English text → translation
)

func loadWords() {
	words = map[string]map[string]string{}
	for _, language := range []string{"en", "fr"} {
		b, err := assets.Translations.ReadFile("translations/" + language + ".json")
		if err != nil {
			continue
		}
		var raw map[string]json.RawMessage
		if json.Unmarshal(b, &raw) != nil {
			continue
		}
		words[language] = map[string]string{}
		for k, v := range raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				words[language][k] = s
			}
		}
	}
}

// say translates an English text into language and fills it with the
// data given as key, value pairs. An unknown language or text is said in
// English.
func say(language, text string, kv ...any) string {
	wordsOnce.Do(loadWords)
	if t, ok := words[language][text]; ok {
		text = t
	}
	m := app.Msg(text, kv...)
	return app.Render(m.Text, m.Data)
}
