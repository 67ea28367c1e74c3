// Package locale reads the process's language from its environment, and
// keeps Fyne's lang package quiet while the packages start.
//
// Fyne's lang reads the locale in a package initialiser, before main, and
// for any locale that is not a well-formed BCP 47 tag once cut at its
// encoding ("C.UTF-8", "fr_FR@euro", "sr_RS@latin", ".UTF-8", a typing
// mistake…), from $LANGUAGE, $LC_ALL, $LC_MESSAGES or $LANG, logs three
// lines of "Error parsing user locale" on standard error: on every command
// of the command line. So this package sends the standard logger's output
// nowhere while the packages start, whatever the locale, and main gives it
// back (Started) before anything else. The environment is left as it is,
// for the process and its children; the window gives Fyne a locale it reads
// (see ui.useLanguage).
//
// It must start before Fyne's lang: it imports only os, io and log, and
// the Go specification initialises packages in import-path order among
// those whose imports are initialised; lang imports text/template, which
// sorts after every sesame/ path, so this package is always first.
package locale

import (
	"io"
	"log"
	"os"
)

// quiet says that the standard logger is silenced until Started.
var quiet = true

func init() { log.SetOutput(io.Discard) }

// Started gives the standard logger its output back, once every package
// has started. main calls it first.
func Started() {
	if quiet {
		log.SetOutput(os.Stderr)
		quiet = false
	}
}

// Current is the locale that sets the language of messages: the first of
// $LC_ALL, $LC_MESSAGES and $LANG that is set (gettext's order), or "".
func Current() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// IsC reports whether a locale is C or POSIX, with or without an encoding
// or modifier ("C", "C.UTF-8", "POSIX", "C.utf8@euro").
func IsC(loc string) bool {
	for i := 0; i < len(loc); i++ {
		if loc[i] == '.' || loc[i] == '@' {
			loc = loc[:i]
			break
		}
	}
	return loc == "C" || loc == "POSIX"
}

// Language returns the language of messages that the environment asks
// for: "fr" or "en" (English for any other, and for the C locale).
// $LANGUAGE, a list such as "fr:en", counts unless the locale is C.
func Language() string {
	loc := Current()
	if IsC(loc) {
		return "en"
	}
	if l := os.Getenv("LANGUAGE"); l != "" {
		loc = l
	}
	for len(loc) >= 2 {
		if loc[:2] == "fr" {
			return "fr"
		}
		if loc[:2] == "en" {
			return "en"
		}
		// The next entry of a LANGUAGE list, if any.
		i := 0
		for i < len(loc) && loc[i] != ':' {
			i++
		}
		if i == len(loc) {
			break
		}
		loc = loc[i+1:]
	}
	return "en"
}
