package ui

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"sesame/assets"
)

// useLanguage registers Sésame's translations and, when code is not empty,
// makes it the language of the window.
//
// Fyne 2.7 has no call to choose a language: lang picks, among the
// translations it holds, the closest to the system's locales, which it reads
// on Linux and the BSDs from $LANGUAGE (a colon-separated list that gettext
// also honours), unless LC_ALL, LC_MESSAGES or LANG (the first one set) is
// "C" or "POSIX". So a forced language is put first in $LANGUAGE, and a
// plain C locale is made C.UTF-8, the same locale to every C library but one
// under which $LANGUAGE counts. Registering the translations afterwards
// makes lang read the locales again.
func useLanguage(code string, setenv func(key, value string)) {
	if code != "" {
		for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
			v := os.Getenv(k)
			if v == "" {
				continue
			}
			if v == "C" || v == "POSIX" {
				setenv(k, "C.UTF-8")
			}
			break
		}
		setenv("LANGUAGE", code)
	}
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		fyne.LogError("Loading Sésame's translations", err)
	}
}

// setenv is os.Setenv for useLanguage; it cannot fail with these names.
func setenv(key, value string) { _ = os.Setenv(key, value) }
